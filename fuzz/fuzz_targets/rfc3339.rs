//! RFC 3339 and HTTP dates in pce-time: parse and format round trips.
//!
//! Properties: no panic; a parsed timestamp formats (in years 0 to 9999) to
//! one that parses back to the same millisecond; every millisecond of those
//! years formats and parses back to itself, as `Date.toISOString()` writes it;
//! an HTTP date round-trips through `format_http_date`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pce_time::{format_http_date, format_rfc3339_millis, parse_http_date, parse_rfc3339};

/// The text is last, so it takes the rest of the input: a seed is 16 bytes, then a timestamp.
#[derive(Arbitrary, Debug)]
struct Input<'a> {
    millis: i64,
    secs: i64,
    text: &'a str,
}

/// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z.
const MIN_MS: i64 = -62_167_219_200_000;
const MAX_MS: i64 = 253_402_300_799_999;

fuzz_target!(|input: Input<'_>| {
    if let Some(at) = parse_rfc3339(input.text) {
        assert!(at.nanos < 1_000_000_000);
        let ms = at.millis();
        // An offset can move a year-0 or year-9999 timestamp out of the formattable range.
        if let Some(text) = format_rfc3339_millis(ms) {
            let back = parse_rfc3339(&text).expect("a formatted timestamp parses");
            assert_eq!(back.millis(), ms, "{:?} -> {text}", input.text);
            assert!(back <= at, "formatting drops only sub-millisecond digits");
        } else {
            assert!(!(MIN_MS..=MAX_MS).contains(&ms), "{:?} -> {ms}", input.text);
        }
    }
    let ms = MIN_MS + input.millis.rem_euclid(MAX_MS - MIN_MS + 1);
    let text = format_rfc3339_millis(ms).expect("years 0 to 9999 format");
    assert_eq!(text.len(), 24, "{text}");
    assert_eq!(parse_rfc3339(&text).map(|t| t.millis()), Some(ms), "{text}");
    assert_eq!(
        format_rfc3339_millis(MAX_MS + 1 + input.millis.rem_euclid(1 << 40)),
        None
    );

    if let Some(secs) = parse_http_date(input.text) {
        assert_eq!(
            parse_http_date(&format_http_date(secs)),
            Some(secs),
            "{:?}",
            input.text
        );
    }
    let secs = MIN_MS / 1000 + input.secs.rem_euclid((MAX_MS - MIN_MS) / 1000 + 1);
    let date = format_http_date(secs);
    assert_eq!(parse_http_date(&date), Some(secs), "{date}");
});
