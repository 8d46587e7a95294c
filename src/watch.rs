//! The live tail's decisions: which events are new, the window each poll
//! asks for, and which failures a watch rides out. Pure, so tested natively.
//!
//! Windows are reckoned from the PCE's own timestamps: the cursor is the
//! latest timestamp seen, and each poll asks for everything from
//! `cursor - lookback` on. Every event in that window is remembered by href
//! until it falls out of the window, so memory stays bounded by the events
//! of one lookback, however long the watch runs.
//!
//! That state travels as a cursor string, so that a watch can resume in
//! another process: `1.<scope>.<latest ms>.<entries>`, where the scope hashes
//! the org, filters and lookback, and each entry is a 48-bit href hash (8
//! base64url characters) followed by the event's distance in ms from the latest.

use crate::arguments::{check_keys, integer_in, string, Options, Value};
use crate::config::MAX_TIMER_MS;
use crate::error::{ErrorKind, PceError, Result};
use crate::query::{Bound, EventQuery};
use pce_time::parse_rfc3339;
use std::collections::HashMap;

/// The longest wait between polls while the PCE keeps failing.
const MAX_BACKOFF_MS: f64 = 300_000.0;

/// The first character of every cursor: its format's version.
const CURSOR_VERSION: char = '1';

/// The base64url alphabet of the cursor's numbers.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Added to the latest timestamp so that every instant of years 0 to 9999 is positive;
/// 0 stands for "no timestamp read yet".
const LATEST_BIAS: i64 = 1 << 47;

/// FNV-1a over `bytes`, continuing from `h`.
fn fnv(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// FNV-1a cut to 48 bits: stable across versions and platforms, and at 48 bits a
/// collision among the hrefs of one lookback window is too unlikely to matter.
fn hash48(bytes: &[u8]) -> u64 {
    fnv(0xcbf2_9ce4_8422_2325, bytes) & 0xffff_ffff_ffff
}

/// Appends the low `6 * len` bits of `n` as `len` base64url digits.
fn push_digits(out: &mut String, n: u64, len: u32) {
    for i in (0..len).rev() {
        out.push(DIGITS[(n >> (6 * i) & 63) as usize] as char);
    }
}

/// Reads `len` base64url digits at `at`.
fn read_digits(text: &str, at: usize, len: usize) -> Option<u64> {
    text.get(at..at + len)?.bytes().try_fold(0u64, |n, b| {
        let digit = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        Some(n << 6 | u64::from(digit))
    })
}

/// The error of a string that is not a whole cursor of this format.
fn not_cursor() -> PceError {
    PceError::invalid_argument(
        "resumeFrom",
        "is not a cursor of a watchEvents batch of this version",
    )
}

/// What a cursor belongs to: the org, the filters and the lookback (not `since`,
/// which a resumed watch only uses as a floor).
pub fn scope(org_id: u64, query: &EventQuery, lookback_ms: i64) -> u64 {
    let mut h = fnv(0xcbf2_9ce4_8422_2325, &org_id.to_le_bytes());
    h = fnv(h, &lookback_ms.to_le_bytes());
    // Each part ends with a 0 byte (1 for an absent one), so that parts cannot run together.
    let mut part = |text: Option<&String>| {
        h = fnv(h, text.map_or(&[][..], |t| t.as_bytes()));
        h = fnv(h, &[u8::from(text.is_none())]);
    };
    for t in &query.event_types {
        part(Some(t));
    }
    part(query.status.as_ref());
    part(query.severity.as_ref());
    part(query.created_by.as_ref());
    part(query.pce_fqdn.as_ref());
    h & 0xffff_ffff_ffff
}

/// Which events were delivered, over the lookback window.
#[derive(Clone, Debug)]
pub struct Dedupe {
    lookback_ms: i64,
    scope: u64,
    cursor_ms: Option<i64>,
    /// Hashed hrefs (see `hash48`) and their timestamps.
    seen: HashMap<u64, i64>,
}

impl Dedupe {
    /// A window of `lookback_ms` for a watch of `scope`, empty until the first events are seen.
    pub fn new(lookback_ms: i64, scope: u64) -> Self {
        Self {
            lookback_ms,
            scope,
            cursor_ms: None,
            seen: HashMap::new(),
        }
    }

    /// The state as a cursor string: the version, the scope (8 digits), the latest
    /// timestamp (8), then per remembered event its href's hash (8) and its distance
    /// from the latest (6 digits: 36 bits hold the longest lookback, a year).
    pub fn cursor(&self) -> String {
        let mut out = String::from(CURSOR_VERSION);
        push_digits(&mut out, self.scope, 8);
        let latest = self.cursor_ms.map_or(0, |c| c + LATEST_BIAS);
        push_digits(&mut out, latest as u64, 8);
        for (h, at) in &self.seen {
            push_digits(&mut out, *h, 8);
            push_digits(&mut out, self.cursor_ms.map_or(0, |c| c - at) as u64, 6);
        }
        out
    }

    /// The state of `cursor`, refused unless it is a cursor of this format and `scope`.
    pub fn resume(cursor: &str, lookback_ms: i64, scope: u64) -> Result<Self> {
        let latest = read_digits(cursor, 9, 8).map(|l| l as i64);
        let (Some(true), Some(from), Some(latest), 0) = (
            cursor.chars().next().map(|v| v == CURSOR_VERSION),
            read_digits(cursor, 1, 8),
            latest,
            cursor.len().wrapping_sub(17) % 14,
        ) else {
            return Err(not_cursor());
        };
        if from != scope {
            return Err(PceError::invalid_argument(
                "resumeFrom",
                "belongs to another org, other filters or another lookbackMs",
            ));
        }
        let mut dedupe = Self::new(lookback_ms, scope);
        dedupe.cursor_ms = (latest != 0).then(|| latest - LATEST_BIAS);
        for at in (17..cursor.len()).step_by(14) {
            // Every byte is ASCII here: read_digits checked the first 17, and these are checked now.
            let (Some(h), Some(offset)) =
                (read_digits(cursor, at, 8), read_digits(cursor, at + 8, 6))
            else {
                return Err(not_cursor());
            };
            let at = dedupe.cursor_ms.map_or(i64::MIN, |c| c - offset as i64);
            dedupe.seen.insert(h, at);
        }
        Ok(dedupe)
    }

    /// The start of the next poll's window, once any event was seen.
    pub fn window_start_ms(&self) -> Option<i64> {
        self.cursor_ms.map(|c| c - self.lookback_ms)
    }

    /// How many hrefs are remembered: the bound the tests hold the window to.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.seen.len()
    }

    /// Takes a poll's events (href, timestamp), in the PCE's newest-first order,
    /// and returns the indexes of those never seen before, oldest first; all of
    /// them are remembered.
    pub fn accept<'a>(
        &mut self,
        events: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<usize> {
        let mut fresh = Vec::new();
        let mut unplaced = Vec::new();
        for (i, (href, timestamp)) in events.into_iter().enumerate() {
            let href = hash48(href.as_bytes());
            if self.seen.contains_key(&href) {
                continue;
            }
            match parse_rfc3339(timestamp) {
                Some(at) => {
                    let at = at.millis();
                    self.cursor_ms = Some(self.cursor_ms.map_or(at, |c| c.max(at)));
                    self.seen.insert(href, at);
                    fresh.push((at, i));
                }
                None => {
                    unplaced.push(href);
                    fresh.push((i64::MAX, i));
                }
            }
        }
        // Oldest first; among equal timestamps, the reverse of the PCE's newest-first order.
        fresh.sort_by_key(|(at, i)| (*at, std::cmp::Reverse(*i)));
        // An event whose timestamp cannot be read is kept as if it were at the
        // cursor, so it is not delivered twice while it stays in the window.
        let cursor = self.cursor_ms.unwrap_or(i64::MIN);
        for href in unplaced {
            self.seen.insert(href, cursor);
        }
        if let Some(start) = self.window_start_ms() {
            self.seen.retain(|_, at| *at >= start);
        }
        fresh.into_iter().map(|(_, i)| i).collect()
    }
}

/// The keys of `WatchOptions`.
pub const WATCH_OPTIONS: &[&str] = &[
    "intervalMs",
    "lookbackMs",
    "signal",
    "onError",
    "resumeFrom",
];

/// The `since` of a poll: the start of the dedupe window, but never before the caller's
/// own `since` (events before it were not asked for).
pub fn poll_since(window_start_ms: Option<i64>, caller_since: Option<&Bound>) -> Option<Bound> {
    match window_start_ms.and_then(Bound::from_millis) {
        Some(start) if caller_since.is_none_or(|since| start.at > since.at) => Some(start),
        _ => caller_since.cloned(),
    }
}

/// Validated `WatchOptions` (the signal and callback are kept by the boundary).
#[derive(Clone, Debug, PartialEq)]
pub struct WatchOptions {
    /// The wait between polls.
    pub interval_ms: f64,
    /// How late an event may appear and still be delivered.
    pub lookback_ms: f64,
    /// The cursor of a batch to continue after.
    pub resume_from: Option<String>,
}

impl WatchOptions {
    /// Validates the options of `watchEvents`, each failure naming its option.
    pub fn parse(options: &Options) -> Result<Self> {
        let present = check_keys(options, WATCH_OPTIONS, "watch")?;
        let interval_ms = present.get("intervalMs").map_or(Ok(10_000.0), |v| {
            integer_in(v, "intervalMs", 1.0, MAX_TIMER_MS)
        })?;
        let lookback_ms = present.get("lookbackMs").map_or(Ok(60_000.0), |v| {
            integer_in(v, "lookbackMs", 0.0, 31_536_000_000.0)
        })?;
        present.expect("signal", Value::Signal)?;
        present.expect("onError", Value::Function)?;
        let resume_from = present
            .get("resumeFrom")
            .map(|v| string(v, "resumeFrom").map(str::to_string))
            .transpose()?;
        Ok(Self {
            interval_ms,
            lookback_ms,
            resume_from,
        })
    }
}

/// Whether a watch reports a failure through `onError` and goes on, or ends with it.
pub fn is_transient(error: &PceError) -> bool {
    match error.kind {
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::AsyncJobFailed => true,
        ErrorKind::Http => matches!(error.status, Some(408 | 429 | 500..=599)),
        _ => false,
    }
}

/// The wait before the next poll after `failures` transient failures in a row.
pub fn poll_delay_ms(interval_ms: f64, failures: u32) -> f64 {
    (interval_ms * 2f64.powi(failures.min(16) as i32)).min(MAX_BACKOFF_MS.max(interval_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn ts(minute: i64) -> String {
        pce_time::format_rfc3339_millis(1_793_000_000_000 + minute * MIN).unwrap()
    }

    #[test]
    fn a_poll_never_reaches_before_the_callers_since() {
        let since = Bound::from_millis(1_000_000);
        assert_eq!(poll_since(None, since.as_ref()), since);
        assert_eq!(poll_since(Some(999_999), since.as_ref()), since);
        assert_eq!(poll_since(Some(1_000_000), since.as_ref()), since);
        assert_eq!(
            poll_since(Some(1_000_001), since.as_ref()),
            Bound::from_millis(1_000_001)
        );
        assert_eq!(poll_since(Some(5), None), Bound::from_millis(5));
        assert_eq!(poll_since(None, None), None);
    }

    #[test]
    fn delivers_each_event_once_even_with_shared_timestamps() {
        let mut d = Dedupe::new(5 * MIN, 0);
        let t = ts(0);
        let first = d.accept([("a", t.as_str()), ("b", t.as_str())]);
        assert_eq!(
            first,
            [1, 0],
            "ties come out in the reverse of the PCE's order"
        );
        let again = d.accept([("c", t.as_str()), ("a", t.as_str()), ("b", t.as_str())]);
        assert_eq!(again, [0], "only c is new");
    }

    #[test]
    fn late_events_inside_the_lookback_are_delivered() {
        let mut d = Dedupe::new(5 * MIN, 0);
        let (t10, t7) = (ts(10), ts(7));
        d.accept([("new", t10.as_str())]);
        assert_eq!(d.window_start_ms(), Some(1_793_000_000_000 + 5 * MIN));
        assert_eq!(
            d.accept([("late", t7.as_str()), ("new", t10.as_str())]),
            [0]
        );
        assert_eq!(d.accept([("late", t7.as_str())]), Vec::<usize>::new());
    }

    #[test]
    fn memory_covers_only_the_lookback_window() {
        let mut d = Dedupe::new(5 * MIN, 0);
        for minute in 0..10_000 {
            let t = ts(minute);
            let href = format!("e{minute}");
            assert_eq!(d.accept([(href.as_str(), t.as_str())]), [0]);
        }
        assert_eq!(d.remembered(), 6, "minutes 9994..=9999");
    }

    #[test]
    fn the_window_follows_pce_time_not_the_local_clock() {
        let mut d = Dedupe::new(MIN, 0);
        assert_eq!(d.window_start_ms(), None);
        let old = ts(-100_000);
        d.accept([("old", old.as_str())]);
        assert_eq!(d.window_start_ms(), Some(1_793_000_000_000 - 100_001 * MIN));
    }

    #[test]
    fn unreadable_timestamps_are_delivered_once() {
        let mut d = Dedupe::new(MIN, 0);
        let t = ts(0);
        assert_eq!(d.accept([("x", "not a time"), ("y", t.as_str())]), [1, 0]);
        assert!(d.accept([("x", "not a time")]).is_empty());
    }

    #[test]
    fn batches_come_out_oldest_first() {
        let mut d = Dedupe::new(10 * MIN, 0);
        let (t3, t2, t1) = (ts(3), ts(2), ts(1));
        let order = d.accept([("c", t3.as_str()), ("a", t1.as_str()), ("b", t2.as_str())]);
        assert_eq!(order, [1, 2, 0]);
    }

    /// Polls of a busy window: ties, late arrivals inside the lookback, repeats.
    fn polls() -> Vec<Vec<(String, String)>> {
        let mut state = 7u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let mut all: Vec<(String, String)> = Vec::new();
        (0..60)
            .map(|poll| {
                for k in 0..next(6) {
                    // Mostly at the newest second, some up to 4 minutes late.
                    let late = if next(4) == 0 { next(240) } else { 0 };
                    let at = 1_793_000_000_000 + poll * 30_000 - late as i64 * 1000;
                    let t = pce_time::format_rfc3339_millis(at).unwrap();
                    all.push((format!("/orgs/1/events/{poll}-{k}"), t));
                }
                // Each poll answers every event of the last 5 minutes, newest first.
                let start = 1_793_000_000_000 + poll * 30_000 - 5 * MIN;
                let mut window: Vec<_> = all
                    .iter()
                    .filter(|(_, t)| parse_rfc3339(t).unwrap().millis() >= start)
                    .cloned()
                    .collect();
                window.sort_by(|a, b| b.1.cmp(&a.1));
                window
            })
            .collect()
    }

    fn accept_owned(d: &mut Dedupe, poll: &[(String, String)]) -> Vec<usize> {
        d.accept(poll.iter().map(|(h, t)| (h.as_str(), t.as_str())))
    }

    #[test]
    fn a_watch_resumed_from_any_cursor_continues_exactly_as_the_original() {
        let polls = polls();
        for cut in 0..polls.len() {
            let mut original = Dedupe::new(5 * MIN, 42);
            for poll in &polls[..cut] {
                accept_owned(&mut original, poll);
            }
            let mut resumed = Dedupe::resume(&original.cursor(), 5 * MIN, 42).unwrap();
            for poll in &polls[cut..] {
                assert_eq!(
                    accept_owned(&mut resumed, poll),
                    accept_owned(&mut original, poll),
                    "cut at poll {cut}"
                );
            }
        }
        let mut once = Dedupe::new(5 * MIN, 42);
        let delivered: usize = polls.iter().map(|p| accept_owned(&mut once, p).len()).sum();
        let distinct: std::collections::HashSet<_> = polls.iter().flatten().collect();
        assert_eq!(delivered, distinct.len(), "every event once");
    }

    #[test]
    fn the_cursor_holds_one_lookback_window() {
        let mut d = Dedupe::new(5 * MIN, 1);
        for minute in 0..10_000 {
            let t = ts(minute);
            d.accept([(format!("e{minute}").as_str(), t.as_str())]);
        }
        let cursor = d.cursor();
        // 6 entries of 14 characters, whatever the 10,000 events before.
        assert_eq!(cursor.len(), 17 + 6 * 14, "{cursor}");
        let unread = Dedupe::new(MIN, 1);
        let mut unread = Dedupe::resume(&unread.cursor(), MIN, 1).unwrap();
        assert_eq!(unread.accept([("x", "not a time")]), [0]);
        let mut again = Dedupe::resume(&unread.cursor(), MIN, 1).unwrap();
        assert!(again.accept([("x", "not a time")]).is_empty());
    }

    #[test]
    fn cursors_of_another_scope_format_or_shape_are_refused() {
        let query = EventQuery::default();
        let base = scope(1, &query, 60_000);
        assert_ne!(base, scope(2, &query, 60_000), "org");
        assert_ne!(base, scope(1, &query, 30_000), "lookback");
        let filtered = EventQuery {
            severity: Some("err".into()),
            ..EventQuery::default()
        };
        assert_ne!(base, scope(1, &filtered, 60_000), "filters");
        let since = EventQuery {
            since: crate::query::Bound::from_millis(0),
            ..EventQuery::default()
        };
        assert_eq!(base, scope(1, &since, 60_000), "since is only a floor");

        let mut d = Dedupe::new(MIN, base);
        let t = ts(0);
        d.accept([("a", t.as_str())]);
        let good = d.cursor();
        assert!(Dedupe::resume(&good, MIN, base).is_ok());
        let other = Dedupe::resume(&good, MIN, scope(2, &query, 60_000)).unwrap_err();
        assert!(other.message.contains("another org"), "{}", other.message);
        let newer = Dedupe::resume(&good.replacen('1', "2", 1), MIN, base).unwrap_err();
        assert!(
            newer.message.contains("of this version"),
            "{}",
            newer.message
        );
        let mut bad: Vec<String> = ["", "1", "x", "1AAAAAAAA", "é"].map(String::from).into();
        bad.push(good[..good.len() - 1].to_string());
        bad.push(good.clone() + "A");
        bad.push(good.replacen(&good[20..21], "*", 1));
        bad.push(good.replacen(&good[20..22], "é", 1));
        bad.push(good.replacen(&good[5..6], ".", 1));
        for bad in bad {
            let err = Dedupe::resume(&bad, MIN, base).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidArgument, "{bad}");
            assert!(err.message.contains("`resumeFrom`"), "{}", err.message);
        }
    }

    #[test]
    fn options_are_checked() {
        let parse = |key: &str, v: Value| WatchOptions::parse(&vec![(key.to_string(), v)]);
        assert_eq!(
            WatchOptions::parse(&Vec::new()).unwrap(),
            WatchOptions {
                interval_ms: 10_000.0,
                lookback_ms: 60_000.0,
                resume_from: None
            }
        );
        assert_eq!(
            parse("lookbackMs", Value::Number(0.0)).unwrap().lookback_ms,
            0.0
        );
        for (key, v) in [
            ("intervalMs", Value::Number(0.0)),
            ("intervalMs", Value::String("1s".into())),
            ("lookbackMs", Value::Number(-1.0)),
            ("signal", Value::Bool(true)),
            ("onError", Value::Other("object")),
            ("interval", Value::Number(5.0)),
            ("resumeFrom", Value::Number(1.0)),
        ] {
            let err = parse(key, v).unwrap_err();
            assert!(err.message.contains(&format!("`{key}`")), "{}", err.message);
        }
    }

    #[test]
    fn transient_failures_are_ridden_out() {
        let http = |status| PceError::http("u", status, b"", None);
        for e in [
            PceError::network("u", "refused"),
            PceError::timeout("u", "r", "timeoutMs", 1.0),
            PceError::async_job_failed("u", None),
            http(408),
            http(429),
            http(500),
            http(503),
        ] {
            assert!(is_transient(&e), "{e:?}");
        }
        for e in [
            http(400),
            http(401),
            http(403),
            http(404),
            PceError::invalid_response("u", "x"),
            PceError::aborted(None),
            PceError::invalid_argument("x", "y"),
        ] {
            assert!(!is_transient(&e), "{e:?}");
        }
    }

    #[test]
    fn backs_off_while_failing() {
        assert_eq!(poll_delay_ms(1000.0, 0), 1000.0);
        assert_eq!(poll_delay_ms(1000.0, 3), 8000.0);
        assert_eq!(poll_delay_ms(1000.0, 30), MAX_BACKOFF_MS);
        assert_eq!(poll_delay_ms(600_000.0, 2), 600_000.0);
    }
}
