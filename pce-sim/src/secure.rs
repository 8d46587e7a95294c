//! Secrets: the per-run control token, and comparisons of secrets in constant time.

use std::io::Read;

use subtle::ConstantTimeEq;

/// Whether a secret sent by a client equals ours, in time that does not depend on where they
/// differ (`==` stops at the first differing byte, which a timing attacker can measure).
/// Only the length may leak, and the lengths of our secrets are no secret.
pub fn same(sent: &[u8], ours: &[u8]) -> bool {
    sent.ct_eq(ours).into()
}

/// A fresh random token of 128 bits, as 32 lower-case hex digits, from the kernel's generator.
pub fn random_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_and_makes_tokens() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abd", b"abc"));
        assert!(!same(b"ab", b"abc"));
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
