//! One GET as the package sends it: retries of transient failures after `Retry-After` or a
//! jittered backoff, per-request and overall timeouts, and the caller's signal.

use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::transport::{self, Failure, Get, Reply};
use crate::retry::{is_retryable_status, parse_retry_after, retry_delay_ms, RateWindow};
use js_sys::{Date, Function, Int32Array, Math};
use std::cell::RefCell;
use web_sys::AbortSignal;

/// What one call carries besides its options: the caller's signal and progress callback,
/// and how many requests (retries included) it may still send.
#[derive(Default)]
pub struct Hooks {
    /// Cancels the whole operation.
    pub signal: Option<AbortSignal>,
    /// Told of each step of an asynchronous collection.
    pub on_progress: Option<Function>,
    /// Requests left to a `queryTimeline` plan (`maxRequests`), shared by the calls its
    /// JavaScript makes: the first cell counts down, retries included.
    pub allowance: Option<Int32Array>,
}

thread_local! {
    /// Each PCE's (URL, org and key's) requests of the last minute, shared by every call.
    static WINDOWS: RefCell<Vec<(String, RateWindow)>> = const { RefCell::new(Vec::new()) };
}

/// Waits until one more request keeps this PCE's key under `requestsPerMinute`, and counts it.
async fn take_turn(config: &Config, hooks: &Hooks, url: &str) -> Result<()> {
    if let Some(left) = &hooks.allowance {
        let n = left.get_index(0);
        if n <= 0 {
            return Err(PceError::invalid_argument(
                "maxRequests",
                &format!("was used up, retries included, before GET {url}: raise it or narrow the window"),
            ));
        }
        left.set_index(0, n - 1);
    }
    if config.requests_per_minute == 0 {
        return Ok(());
    }
    loop {
        let wait = WINDOWS.with(|windows| {
            let mut windows = windows.borrow_mut();
            let at = match windows.iter().position(|(k, _)| *k == config.budget_key) {
                Some(at) => at,
                None => {
                    windows.push((config.budget_key.clone(), RateWindow::default()));
                    windows.len() - 1
                }
            };
            windows[at].1.take(Date::now(), config.requests_per_minute)
        });
        if wait <= 0.0 {
            return Ok(());
        }
        pause(wait, hooks, url).await?;
    }
}

/// The overall limit of an asynchronous collection, as seen by each request.
#[derive(Clone, Copy)]
pub struct Deadline {
    /// When it passes, as `Date.now()`.
    pub at_ms: f64,
    /// `asyncTimeoutMs`, for the message.
    pub limit_ms: f64,
}

/// The reply's `Retry-After`, in seconds.
pub fn retry_after(reply: &Reply) -> Option<f64> {
    reply
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, Date::now()))
}

/// The error of an asynchronous collection that ran out of time.
pub fn async_timeout(url: &str, config: &Config) -> PceError {
    PceError::timeout(
        url,
        "The asynchronous collection",
        "asyncTimeoutMs",
        config.async_timeout_ms,
    )
}

/// Waits, unless the caller's signal fires first.
pub async fn pause(ms: f64, hooks: &Hooks, url: &str) -> Result<()> {
    transport::sleep(ms, hooks.signal.as_ref())
        .await
        .map_err(|_| PceError::aborted(Some(url)))
}

/// One GET with retries of 429, 502, 503, 504 and network errors; a 2xx reply or an error.
pub async fn send(
    config: &Config,
    url: &str,
    prefer_async: bool,
    hooks: &Hooks,
    deadline: Option<Deadline>,
) -> Result<Reply> {
    let mut attempt = 0;
    loop {
        let remaining = deadline.map(|d| d.at_ms - Date::now());
        if remaining.is_some_and(|r| r <= 0.0) {
            return Err(async_timeout(url, config));
        }
        take_turn(config, hooks, url).await?;
        let timeout_ms = remaining.map_or(config.timeout_ms, |r| r.min(config.timeout_ms));
        let request = Get {
            url,
            authorization: config.authorization.as_deref(),
            prefer_async,
            timeout_ms,
            signal: hooks.signal.as_ref(),
        };
        let (error, wait_secs) = match transport::get(&request).await {
            Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply),
            Ok(reply) => {
                let wait = retry_after(&reply);
                let error = PceError::http(url, reply.status, &reply.bytes(), wait);
                if !is_retryable_status(reply.status) {
                    return Err(error);
                }
                (error, wait)
            }
            Err(Failure::Network(cause)) => (PceError::network(url, &cause), None),
            Err(Failure::Aborted) => return Err(PceError::aborted(Some(url))),
            Err(Failure::Timeout) => {
                return Err(match deadline {
                    Some(d) if timeout_ms < config.timeout_ms => PceError::timeout(
                        url,
                        "The asynchronous collection",
                        "asyncTimeoutMs",
                        d.limit_ms,
                    ),
                    _ => PceError::timeout(url, "The request", "timeoutMs", config.timeout_ms),
                })
            }
        };
        let Some(delay) = retry_delay_ms(attempt, config.max_retries, wait_secs, Math::random())
        else {
            return Err(error);
        };
        if deadline.is_some_and(|d| Date::now() + delay >= d.at_ms) {
            return Err(error);
        }
        pause(delay, hooks, url).await?;
        attempt += 1;
    }
}
