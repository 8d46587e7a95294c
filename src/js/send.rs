//! One GET as the package sends it: retries of transient failures after `Retry-After` or a
//! jittered backoff, per-request and overall timeouts, and the caller's signal.

use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::transport::{self, Failure, Get, Reply};
use crate::retry::{
    is_retryable_status, is_success, parse_retry_after, retry_delay_ms, RateWindow,
};
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
    let budget = budget_index(&config.budget_key);
    loop {
        let wait = turn_wait(budget, config.requests_per_minute);
        if wait <= 0.0 {
            return Ok(());
        }
        pause(wait, hooks, url).await?;
    }
}

/// The number of the request budget named by `budget_key`, made at its first use: numbers
/// stay valid for the life of the module.
pub fn budget_index(budget_key: &str) -> usize {
    WINDOWS.with(|windows| {
        let mut windows = windows.borrow_mut();
        windows
            .iter()
            .position(|(k, _)| k == budget_key)
            .unwrap_or_else(|| {
                windows.push((budget_key.to_string(), RateWindow::default()));
                windows.len() - 1
            })
    })
}

/// How long one more request must wait to keep the budget numbered `index` by
/// `budget_index` under `per_minute` (0: no limit); when it need not, the request is
/// counted and this is 0.
pub fn turn_wait(index: usize, per_minute: u32) -> f64 {
    WINDOWS.with(|windows| {
        windows
            .borrow_mut()
            .get_mut(index)
            .map_or(0.0, |(_, window)| window.take(Date::now(), per_minute))
    })
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
        .header("retry-after")
        .and_then(|v| parse_retry_after(&v, Date::now()))
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

/// The limits one request is sent under, to judge what came of it.
pub struct Limits {
    /// `maxRetries`.
    pub max_retries: u32,
    /// `timeoutMs`, the limit of one request.
    pub timeout_ms: f64,
    /// The overall limit of an asynchronous collection, if the request is part of one.
    pub deadline: Option<Deadline>,
}

impl Limits {
    /// A config's limits, within `deadline`.
    pub fn of(config: &Config, deadline: Option<Deadline>) -> Limits {
        Limits {
            max_retries: config.max_retries,
            timeout_ms: config.timeout_ms,
            deadline,
        }
    }
}

/// What follows one attempt.
pub enum Verdict {
    /// A 2xx reply.
    Done(Reply),
    /// A transient failure: try again after this many ms.
    Retry(f64),
    /// The error the call fails with.
    Fail(PceError),
}

/// Judges attempt number `attempt` (from 0), sent with `sent_timeout_ms`: a 2xx reply is
/// done; 429, 502, 503, 504 and network errors are retried while `maxRetries` and the
/// deadline allow, after `Retry-After` or a jittered backoff; anything else is the error.
pub fn judge(
    url: &str,
    outcome: std::result::Result<Reply, Failure>,
    attempt: u32,
    limits: &Limits,
    sent_timeout_ms: f64,
) -> Verdict {
    let (error, wait_secs) = match outcome {
        Ok(reply) if is_success(reply.status) => return Verdict::Done(reply),
        Ok(reply) => {
            let wait = retry_after(&reply);
            let error = PceError::http(url, reply.status, &reply.bytes(), wait);
            if !is_retryable_status(reply.status) {
                return Verdict::Fail(error);
            }
            (error, wait)
        }
        Err(Failure::Network(cause)) => (PceError::network(url, &cause), None),
        Err(Failure::Aborted) => return Verdict::Fail(PceError::aborted(Some(url))),
        Err(Failure::Timeout) => {
            return Verdict::Fail(match limits.deadline {
                Some(d) if sent_timeout_ms < limits.timeout_ms => PceError::timeout(
                    url,
                    "The asynchronous collection",
                    "asyncTimeoutMs",
                    d.limit_ms,
                ),
                _ => PceError::timeout(url, "The request", "timeoutMs", limits.timeout_ms),
            })
        }
    };
    match retry_delay_ms(attempt, limits.max_retries, wait_secs, Math::random()) {
        Some(delay)
            if !limits
                .deadline
                .is_some_and(|d| Date::now() + delay >= d.at_ms) =>
        {
            Verdict::Retry(delay)
        }
        _ => Verdict::Fail(error),
    }
}

/// One GET with retries of 429, 502, 503, 504 and network errors; a 2xx reply or an error.
pub async fn send(
    config: &Config,
    url: &str,
    prefer_async: bool,
    hooks: &Hooks,
    deadline: Option<Deadline>,
) -> Result<Reply> {
    let limits = Limits::of(config, deadline);
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
        match judge(
            url,
            transport::get(&request).await,
            attempt,
            &limits,
            timeout_ms,
        ) {
            Verdict::Done(reply) => return Ok(reply),
            Verdict::Fail(error) => return Err(error),
            Verdict::Retry(delay) => pause(delay, hooks, url).await?,
        }
        attempt += 1;
    }
}
