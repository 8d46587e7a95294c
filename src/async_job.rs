//! The asynchronous GET collection as a state machine of pure steps: the
//! driver sends what a step asks for and feeds the answer to the next step.

use crate::error::{PceError, Result};
use crate::event::MaybeStr;
use crate::href::{async_path, AsyncHref};

/// The first wait between polls when the PCE gives no `Retry-After` (or 0), doubled each poll.
const MIN_POLL_MS: f64 = 50.0;

/// The longest wait between polls when the PCE gives no `Retry-After`.
const MAX_POLL_MS: f64 = 2_000.0;

/// What the driver does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Wait `after_ms`, then GET the job at `path`.
    Poll {
        /// The job's path under the API root.
        path: String,
        /// How long to wait before the poll.
        after_ms: f64,
    },
    /// GET the datafile at `path`: it holds every matching event.
    Download {
        /// The datafile's path under the API root.
        path: String,
    },
}

/// One asynchronous collection, from the 202 to the datafile.
#[derive(Clone, Debug)]
pub struct AsyncCollection {
    started_ms: f64,
    timeout_ms: f64,
    api_prefix: String,
    polls: u32,
}

impl AsyncCollection {
    /// Starts the clock of a collection limited to `timeout_ms` (`asyncTimeoutMs`);
    /// `api_prefix` is the API root's path, such as `/api/v2`.
    pub fn new(now_ms: f64, timeout_ms: f64, api_prefix: &str) -> Self {
        Self {
            started_ms: now_ms,
            timeout_ms,
            api_prefix: api_prefix.to_string(),
            polls: 0,
        }
    }

    /// How much of `asyncTimeoutMs` is left, or `None` once it has passed.
    pub fn remaining_ms(&self, now_ms: f64) -> Option<f64> {
        let left = self.started_ms + self.timeout_ms - now_ms;
        (left > 0.0).then_some(left)
    }

    /// The time since the collection started, for progress reports.
    pub fn elapsed_ms(&self, now_ms: f64) -> f64 {
        (now_ms - self.started_ms).max(0.0)
    }

    /// Reads the PCE's `202 Accepted`: its `Location` names the job to poll.
    pub fn accepted(
        &mut self,
        url: &str,
        location: Option<&str>,
        retry_after: Option<f64>,
    ) -> Result<Next> {
        let location = location.ok_or_else(|| {
            PceError::invalid_response(url, "202 Accepted without a Location header")
        })?;
        let path = async_path(location, &self.api_prefix, AsyncHref::Job).ok_or_else(|| {
            PceError::invalid_response(
                url,
                &format!("the Location {location:?} is not a job href such as /orgs/1/jobs/<id>"),
            )
        })?;
        Ok(self.poll(path, retry_after))
    }

    /// Reads a job poll's body: running means poll again, done means download.
    pub fn job(
        &mut self,
        url: &str,
        path: &str,
        body: &[u8],
        retry_after: Option<f64>,
    ) -> Result<Next> {
        let job = read_job(body).ok_or_else(|| {
            PceError::invalid_response(url, "the job is not an object with a string `status`")
        })?;
        let status = job
            .status
            .as_ref()
            .and_then(MaybeStr::as_str)
            .ok_or_else(|| {
                PceError::invalid_response(url, "the job is not an object with a string `status`")
            })?;
        match status {
            "done" => {
                let href = job
                    .result
                    .as_ref()
                    .and_then(|r| r.href.as_ref())
                    .and_then(MaybeStr::as_str)
                    .ok_or_else(|| {
                        PceError::invalid_response(url, "the job is done but has no `result.href`")
                    })?;
                let path = async_path(href, &self.api_prefix, AsyncHref::Datafile).ok_or_else(|| {
                    PceError::invalid_response(
                        url,
                        &format!("the job's result {href:?} is not a datafile href such as /orgs/1/datafiles/<id>"),
                    )
                })?;
                Ok(Next::Download { path })
            }
            "failed" => Err(PceError::async_job_failed(url, failure_message(&job))),
            // "pending", "running" and any state a newer PCE adds: the job is not over.
            _ => Ok(self.poll(path.to_string(), retry_after)),
        }
    }

    fn poll(&mut self, path: String, retry_after: Option<f64>) -> Next {
        let backoff = (MIN_POLL_MS * 2f64.powi(self.polls.min(16) as i32)).min(MAX_POLL_MS);
        let after_ms = match retry_after {
            Some(secs) if secs > 0.0 => secs * 1000.0,
            _ => backoff,
        };
        self.polls += 1;
        Next::Poll { path, after_ms }
    }
}

/// The fields of a job the client reads; any other field, of any type, is skipped.
#[derive(serde::Deserialize)]
struct Job<'a> {
    #[serde(borrow)]
    status: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    result: Option<JobResult<'a>>,
    #[serde(borrow)]
    message: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    error_message: Option<MaybeStr<'a>>,
}

#[derive(serde::Deserialize)]
struct JobResult<'a> {
    #[serde(borrow)]
    href: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    message: Option<MaybeStr<'a>>,
    #[serde(borrow)]
    error: Option<MaybeStr<'a>>,
}

fn read_job(body: &[u8]) -> Option<Job<'_>> {
    // serde's derive would also read a JSON array as a struct: a job must be an object.
    let text = std::str::from_utf8(body).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// The PCE's reason for a failed job, wherever this PCE version put it.
fn failure_message(job: &Job<'_>) -> Option<String> {
    let result = job.result.as_ref();
    [
        result.and_then(|r| r.message.as_ref()),
        job.message.as_ref(),
        job.error_message.as_ref(),
        result.and_then(|r| r.error.as_ref()),
    ]
    .into_iter()
    .flatten()
    .find_map(MaybeStr::as_str)
    .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn start() -> AsyncCollection {
        AsyncCollection::new(1000.0, 5000.0, "/api/v2")
    }

    #[test]
    fn walks_from_accepted_to_download() {
        let mut c = start();
        let next = c
            .accepted("u", Some("/orgs/1/jobs/j-1"), Some(2.0))
            .unwrap();
        assert_eq!(
            next,
            Next::Poll {
                path: "/orgs/1/jobs/j-1".into(),
                after_ms: 2000.0
            }
        );
        let running = br#"{"href":"/orgs/1/jobs/j-1","status":"running","result":{}}"#;
        let next = c.job("u", "/orgs/1/jobs/j-1", running, Some(1.0)).unwrap();
        assert_eq!(
            next,
            Next::Poll {
                path: "/orgs/1/jobs/j-1".into(),
                after_ms: 1000.0
            }
        );
        let done = br#"{"status":"done","result":{"href":"/orgs/1/datafiles/d-1"}}"#;
        let next = c.job("u", "/orgs/1/jobs/j-1", done, None).unwrap();
        assert_eq!(
            next,
            Next::Download {
                path: "/orgs/1/datafiles/d-1".into()
            }
        );
    }

    #[test]
    fn polls_back_off_without_retry_after() {
        let mut c = start();
        let waits: Vec<f64> = (0..8)
            .map(|_| {
                match c
                    .job("u", "/p", br#"{"status":"running"}"#, Some(0.0))
                    .unwrap()
                {
                    Next::Poll { after_ms, .. } => after_ms,
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(
            waits,
            [50.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 2000.0, 2000.0]
        );
    }

    #[test]
    fn a_failed_job_stops_with_the_pce_message() {
        let mut c = start();
        let err = c
            .job(
                "u",
                "/p",
                br#"{"status":"failed","result":{"message":"out of memory"}}"#,
                None,
            )
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::AsyncJobFailed);
        assert_eq!(err.pce_message.as_deref(), Some("out of memory"));
        let err = c
            .job("u", "/p", br#"{"status":"failed"}"#, None)
            .unwrap_err();
        assert_eq!(
            (err.kind, err.pce_message),
            (ErrorKind::AsyncJobFailed, None)
        );
    }

    #[test]
    fn protocol_breaks_are_invalid_responses() {
        let mut c = start();
        for (location, body) in [
            (None, ""),
            (Some("http://evil/orgs/1/jobs/x"), ""),
            (Some("/orgs/1/workloads/x"), ""),
        ] {
            let err = c.accepted("u", location, None).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidResponse, "{location:?}{body}");
        }
        for body in [
            &b"nope"[..],
            b"[]",
            b"{}",
            br#"{"status":3}"#,
            br#"{"status":"done"}"#,
            br#"{"status":"done","result":{"href":"/etc/passwd"}}"#,
        ] {
            let err = c.job("u", "/p", body, None).unwrap_err();
            assert_eq!(
                err.kind,
                ErrorKind::InvalidResponse,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn the_clock_runs_out() {
        let c = start();
        assert_eq!(c.remaining_ms(1000.0), Some(5000.0));
        assert_eq!(c.remaining_ms(6000.0), None);
        assert_eq!(c.elapsed_ms(3500.0), 2500.0);
    }
}
