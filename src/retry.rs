//! When to retry a request and how long to wait first: pure decisions.

use pce_time::parse_http_date;

/// The longest `Retry-After` the client waits out; a longer one ends the call
/// with the error (and its `retryAfter`) so the caller can schedule it.
pub const MAX_RETRY_AFTER_SECS: f64 = 60.0;

/// The first backoff delay without `Retry-After`, doubled on each retry.
const BASE_DELAY_MS: f64 = 300.0;

/// The cap of the exponential backoff.
const MAX_DELAY_MS: f64 = 20_000.0;

/// Whether an HTTP status is a success: the reply is the answer.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Whether an HTTP status is worth retrying: the rate limit and the gateway
/// failures that say nothing reached the PCE or the PCE was briefly away.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The longest `Retry-After` read, in seconds: 2^31, as RFC 9111 caps delta-seconds.
/// Without it, 400 digits would read as infinity and reach the caller as `retryAfter: Infinity`.
pub const RETRY_AFTER_CAP_SECS: f64 = 2_147_483_648.0;

/// Reads `Retry-After` as seconds: a delay in seconds or an HTTP date (relative to `now_ms`),
/// always a whole, finite number from 0 to [`RETRY_AFTER_CAP_SECS`].
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Integers only: f64's parser would add 20 KB of tables to the wasm. Too many digits is the cap.
        return Some(value.parse::<u64>().map_or(RETRY_AFTER_CAP_SECS, |secs| {
            (secs as f64).min(RETRY_AFTER_CAP_SECS)
        }));
    }
    let at = parse_http_date(value)? as f64;
    Some(
        (at - now_ms / 1000.0)
            .ceil()
            .clamp(0.0, RETRY_AFTER_CAP_SECS),
    )
}

/// The wait before retry number `attempt` (0 for the first retry), or `None`
/// when no retry should happen. `jitter` is a uniform random number in [0, 1).
pub fn retry_delay_ms(
    attempt: u32,
    max_retries: u32,
    retry_after_secs: Option<f64>,
    jitter: f64,
) -> Option<f64> {
    if attempt >= max_retries {
        return None;
    }
    match retry_after_secs {
        Some(secs) if secs > MAX_RETRY_AFTER_SECS => None,
        Some(secs) => Some(secs * 1000.0),
        None => {
            let ceiling = (BASE_DELAY_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_DELAY_MS);
            // "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
            Some(ceiling / 2.0 + ceiling / 2.0 * jitter.clamp(0.0, 1.0))
        }
    }
}

/// The requests sent to one PCE in the last minute, kept under its limit: a PCE allows
/// 500 a minute per API key, and every call of the package for that key shares this window.
#[derive(Clone, Debug, Default)]
pub struct RateWindow {
    sent_ms: Vec<f64>,
}

impl RateWindow {
    /// How long to wait at `now_ms` before one more request keeps at most `limit` in any
    /// 60 s (a `limit` of 0 is no limit); when it is 0 the request is counted as sent.
    pub fn take(&mut self, now_ms: f64, limit: u32) -> f64 {
        if limit == 0 {
            return 0.0;
        }
        self.sent_ms.retain(|t| *t > now_ms - 60_000.0);
        let limit = limit as usize;
        if self.sent_ms.len() < limit {
            self.sent_ms.push(now_ms);
            return 0.0;
        }
        self.sent_ms[self.sent_ms.len() - limit] + 60_000.0 - now_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_window_keeps_a_minute_under_the_limit() {
        let mut window = RateWindow::default();
        for t in 0..3 {
            assert_eq!(window.take(f64::from(t) * 1000.0, 3), 0.0);
        }
        assert_eq!(
            window.take(5_000.0, 3),
            55_000.0,
            "until the first leaves the minute"
        );
        assert_eq!(window.take(60_000.5, 3), 0.0);
        assert_eq!(window.take(60_001.0, 3), 999.0, "until the second leaves");
        assert_eq!(window.take(61_000.0, 3), 0.0);
    }

    #[test]
    fn a_limit_of_0_is_no_limit() {
        let mut window = RateWindow::default();
        for _ in 0..3 {
            assert_eq!(window.take(1_000.0, 0), 0.0);
        }
        assert_eq!(window.take(1_000.0, 1), 0.0);
    }

    #[test]
    fn only_2xx_is_a_success() {
        for status in [200, 202, 204, 299] {
            assert!(is_success(status), "{status}");
        }
        for status in [100, 199, 300, 304, 404, 429] {
            assert!(!is_success(status), "{status}");
        }
    }

    #[test]
    fn retries_only_rate_limits_and_gateway_failures() {
        for status in [429, 502, 503, 504] {
            assert!(is_retryable_status(status));
        }
        for status in [400, 401, 403, 404, 406, 408, 500, 501] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }

    #[test]
    fn reads_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("2", 0.0), Some(2.0));
        assert_eq!(parse_retry_after(" 0 ", 0.0), Some(0.0));
        let now_ms = 784_111_777_000.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now_ms),
            Some(3.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:30 GMT", now_ms),
            Some(0.0)
        );
        for bad in ["", "-1", "1.5", "soon", "Sun, 06 Nov 94 08:49:40 GMT"] {
            assert_eq!(parse_retry_after(bad, now_ms), None, "{bad:?}");
        }
    }

    #[test]
    fn caps_huge_delays_at_2_to_the_31_seconds() {
        // Found by the retry_after fuzz target: 400 digits parsed as infinity.
        let digits = "9".repeat(400);
        assert_eq!(parse_retry_after(&digits, 0.0), Some(RETRY_AFTER_CAP_SECS));
        assert_eq!(
            parse_retry_after("2147483649", 0.0),
            Some(RETRY_AFTER_CAP_SECS)
        );
        assert_eq!(parse_retry_after("2147483647", 0.0), Some(2_147_483_647.0));
        let far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", -1e15);
        assert_eq!(far, Some(RETRY_AFTER_CAP_SECS));
        // Still past the client's budget: the error is returned with a finite retryAfter.
        assert_eq!(retry_delay_ms(0, 3, Some(RETRY_AFTER_CAP_SECS), 0.5), None);
    }

    #[test]
    fn honours_retry_after_within_the_budget() {
        assert_eq!(retry_delay_ms(0, 3, Some(2.0), 0.9), Some(2000.0));
        assert_eq!(retry_delay_ms(3, 3, Some(2.0), 0.9), None);
        assert_eq!(retry_delay_ms(0, 0, None, 0.5), None);
        assert_eq!(retry_delay_ms(0, 3, Some(3600.0), 0.5), None);
    }

    #[test]
    fn backs_off_exponentially_with_bounded_jitter() {
        let low: Vec<f64> = (0..5)
            .map(|a| retry_delay_ms(a, 10, None, 0.0).unwrap())
            .collect();
        let high: Vec<f64> = (0..5)
            .map(|a| retry_delay_ms(a, 10, None, 1.0).unwrap())
            .collect();
        assert_eq!(low, [150.0, 300.0, 600.0, 1200.0, 2400.0]);
        assert_eq!(high, [300.0, 600.0, 1200.0, 2400.0, 4800.0]);
        assert_eq!(retry_delay_ms(9, 10, None, 1.0), Some(MAX_DELAY_MS));
    }
}
