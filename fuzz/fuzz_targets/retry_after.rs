//! The Retry-After parser and the delay built from it.
//!
//! Properties: a parsed Retry-After is a finite number of seconds, never
//! negative, never NaN, whatever the header and the clock; a delay is the
//! same, and no retry is planned past `maxRetries` or past the 60 s cap.
#![no_main]

use arbitrary::Arbitrary;
use illumio_events::retry::{parse_retry_after, retry_delay_ms, MAX_RETRY_AFTER_SECS};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
/// The header is last, so it takes the rest of the input: a seed is 12 bytes, then a header.
struct Input<'a> {
    /// Date.now(): milliseconds, any instant from year 0 to 9999 (and a little beyond).
    now_ms: i64,
    attempt: u8,
    max_retries: u8,
    jitter: u16,
    header: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let now_ms = (input.now_ms % 400_000_000_000_000) as f64;
    let parsed = parse_retry_after(input.header, now_ms);
    if let Some(secs) = parsed {
        assert!(
            secs.is_finite() && secs >= 0.0,
            "{:?} -> {secs}",
            input.header
        );
        assert_eq!(
            secs,
            secs.trunc(),
            "whole seconds: {:?} -> {secs}",
            input.header
        );
    }
    let trimmed = input.header.trim();
    if !trimmed.is_empty() && trimmed.len() < 10 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        assert_eq!(parsed, trimmed.parse::<f64>().ok(), "{:?}", input.header);
    }
    let max_retries = u32::from(input.max_retries % 11);
    let attempt = u32::from(input.attempt);
    let jitter = f64::from(input.jitter) / 65_536.0;
    match retry_delay_ms(attempt, max_retries, parsed, jitter) {
        Some(ms) => {
            assert!(attempt < max_retries);
            assert!(ms.is_finite() && ms >= 0.0, "{ms}");
            assert!(ms <= MAX_RETRY_AFTER_SECS * 1000.0, "{ms}");
        }
        None => assert!(
            attempt >= max_retries || parsed.is_some_and(|s| s > MAX_RETRY_AFTER_SECS),
            "a retry was dropped: {input:?}"
        ),
    }
});
