//! The seedable random numbers behind every generated event, and the UUIDs made from them.

/// A small, fast, seedable PRNG (splitmix64): no `rand` crate needed for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole sequence follows from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A uniform integer in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random (version 4) UUID.
    pub fn uuid(&mut self) -> String {
        uuid_from(self.next_u64(), self.next_u64())
    }
}

/// The splitmix64 finalizer: spreads the bits of `z` over the whole word.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn uuid_from(a: u64, b: u64) -> String {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    // Written by hand: seeding makes about four per event, and `format!` with padded hex
    // was a tenth of the start time.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 36];
    let mut at = 0;
    for (value, digits) in [(a, 16), (b, 16)] {
        for i in (0..digits).rev() {
            if matches!(at, 8 | 13 | 18 | 23) {
                out[at] = b'-';
                at += 1;
            }
            out[at] = HEX[((value >> (i * 4)) & 0xF) as usize];
            at += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A stable UUID for the `n`th entity of a kind (agents, VENs, clusters), the same in every run.
pub fn entity_uuid(kind: u64, n: u64) -> String {
    uuid_from(
        mix(kind.wrapping_mul(31).wrapping_add(n)),
        mix(n ^ kind.rotate_left(17)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_written_as_format_did() {
        for (a, b) in [
            (0, 0),
            (u64::MAX, u64::MAX),
            (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210),
        ] {
            let a2 = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
            let b2 = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                a2 >> 32,
                (a2 >> 16) & 0xFFFF,
                a2 & 0xFFFF,
                b2 >> 48,
                b2 & 0xFFFF_FFFF_FFFF
            );
            assert_eq!(uuid_from(a, b), want);
        }
    }
}
