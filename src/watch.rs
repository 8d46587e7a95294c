//! The live tail's decisions: which events are new, the window each poll
//! asks for, and which failures a watch rides out. Pure, so tested natively.
//!
//! Windows are reckoned from the PCE's own timestamps: the cursor is the
//! latest timestamp seen, and each poll asks for everything from
//! `cursor - lookback` on. Every event in that window is remembered by href
//! until it falls out of the window, so memory stays bounded by the events
//! of one lookback, however long the watch runs.

use crate::arguments::{check_keys, integer_in, Options, Value};
use crate::config::MAX_TIMER_MS;
use crate::error::{ErrorKind, PceError, Result};
use crate::query::Bound;
use pce_time::parse_rfc3339;
use std::collections::HashMap;

/// The longest wait between polls while the PCE keeps failing.
const MAX_BACKOFF_MS: f64 = 300_000.0;

/// Which events were delivered, over the lookback window.
#[derive(Clone, Debug)]
pub struct Dedupe {
    lookback_ms: i64,
    cursor_ms: Option<i64>,
    seen: HashMap<String, i64>,
}

impl Dedupe {
    /// A window of `lookback_ms`, empty until the first events are seen.
    pub fn new(lookback_ms: i64) -> Self {
        Self {
            lookback_ms,
            cursor_ms: None,
            seen: HashMap::new(),
        }
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
            if self.seen.contains_key(href) {
                continue;
            }
            match parse_rfc3339(timestamp) {
                Some(at) => {
                    let at = at.millis();
                    self.cursor_ms = Some(self.cursor_ms.map_or(at, |c| c.max(at)));
                    self.seen.insert(href.to_string(), at);
                    fresh.push((at, i));
                }
                None => {
                    unplaced.push(href.to_string());
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
pub const WATCH_OPTIONS: &[&str] = &["intervalMs", "lookbackMs", "signal", "onError"];

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
        Ok(Self {
            interval_ms,
            lookback_ms,
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
        let mut d = Dedupe::new(5 * MIN);
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
        let mut d = Dedupe::new(5 * MIN);
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
        let mut d = Dedupe::new(5 * MIN);
        for minute in 0..10_000 {
            let t = ts(minute);
            let href = format!("e{minute}");
            assert_eq!(d.accept([(href.as_str(), t.as_str())]), [0]);
        }
        assert_eq!(d.remembered(), 6, "minutes 9994..=9999");
    }

    #[test]
    fn the_window_follows_pce_time_not_the_local_clock() {
        let mut d = Dedupe::new(MIN);
        assert_eq!(d.window_start_ms(), None);
        let old = ts(-100_000);
        d.accept([("old", old.as_str())]);
        assert_eq!(d.window_start_ms(), Some(1_793_000_000_000 - 100_001 * MIN));
    }

    #[test]
    fn unreadable_timestamps_are_delivered_once() {
        let mut d = Dedupe::new(MIN);
        let t = ts(0);
        assert_eq!(d.accept([("x", "not a time"), ("y", t.as_str())]), [1, 0]);
        assert!(d.accept([("x", "not a time")]).is_empty());
    }

    #[test]
    fn batches_come_out_oldest_first() {
        let mut d = Dedupe::new(10 * MIN);
        let (t3, t2, t1) = (ts(3), ts(2), ts(1));
        let order = d.accept([("c", t3.as_str()), ("a", t1.as_str()), ("b", t2.as_str())]);
        assert_eq!(order, [1, 2, 0]);
    }

    #[test]
    fn options_are_checked() {
        let parse = |key: &str, v: Value| WatchOptions::parse(&vec![(key.to_string(), v)]);
        assert_eq!(
            WatchOptions::parse(&Vec::new()).unwrap(),
            WatchOptions {
                interval_ms: 10_000.0,
                lookback_ms: 60_000.0
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
