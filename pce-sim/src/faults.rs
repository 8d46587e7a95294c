//! Fault injection: a FIFO queue of faults, each meant for the next few requests
//! under a path prefix, and what each kind does to a response.

use std::collections::VecDeque;

use serde_json::Value;

use crate::http::{base64_decode, Response};
use crate::values::Compact;

/// The largest body a `big_body` fault may ask for.
pub const MAX_BIG_BODY: u64 = 128 * 1024 * 1024;
/// The longest pause a `slow_body` fault may ask for between writes.
pub const MAX_DELAY_MS: u64 = 60_000;
/// The most faults pending at once.
pub const MAX_QUEUED: usize = 1000;
/// The most bytes of `respond` bodies pending at once.
pub const MAX_QUEUED_BYTES: usize = 256 * 1024 * 1024;

/// What a fault does.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer with exactly this, instead of the real response.
    Respond(Response),
    /// Read the request and never answer.
    Hang,
    /// Read the request and reset the connection before any byte of a response.
    Reset,
    /// Send the real response's head and about half its body, then reset.
    ResetMidBody,
    /// Send the real response, its body trickled.
    SlowBody {
        /// Bytes per write.
        chunk: usize,
        /// Pause between writes.
        delay_ms: u64,
    },
    /// Send the real response with its body cut (and a Content-Length that matches).
    Truncate {
        /// Bytes of body kept; half when absent.
        keep: Option<usize>,
    },
    /// Answer 200 with a valid array of distinct events of at least this many bytes.
    BigBody {
        /// The least size of the body.
        bytes: usize,
    },
    /// The next asynchronous job created fails with this message.
    JobFail(String),
    /// The next asynchronous job created never finishes.
    JobStuck,
    /// An events collection's `X-Total-Count` counts as if no filter but the time window
    /// (`window`), or none at all, had been given.
    CountIgnoresFilters {
        /// Whether the time window is still applied.
        window: bool,
    },
}

impl Fault {
    /// The bytes of body it holds (a `respond` fault's).
    pub fn body_bytes(&self) -> usize {
        match &self.kind {
            FaultKind::Respond(resp) => resp.body.len(),
            _ => 0,
        }
    }
}

impl FaultKind {
    fn is_job(&self) -> bool {
        matches!(self, FaultKind::JobFail(_) | FaultKind::JobStuck)
    }
}

/// A pending fault.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The path prefix of the requests it is meant for.
    pub path: String,
    /// How many more requests it applies to.
    pub times: u64,
    /// What it does.
    pub kind: FaultKind,
    /// The JSON it was posted as, for `GET /_sim/faults`.
    pub spec: Value,
}

/// The queue of pending faults.
#[derive(Default)]
pub struct FaultQueue {
    faults: VecDeque<Fault>,
}

impl FaultQueue {
    /// Queues a fault.
    pub fn push(&mut self, fault: Fault) {
        self.faults.push_back(fault);
    }

    /// How many faults are pending.
    pub fn pending(&self) -> usize {
        self.faults.len()
    }

    /// The bytes of body the pending faults hold.
    pub fn body_bytes(&self) -> usize {
        self.faults.iter().map(Fault::body_bytes).sum()
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The pending faults, each as posted plus its remaining `times`.
    pub fn list(&self) -> Value {
        Value::Array(
            self.faults
                .iter()
                .map(|f| {
                    let mut j = f.spec.clone();
                    j.set("path", Value::String(f.path.clone()));
                    j.set("times", Value::from(f.times as i64));
                    j
                })
                .collect(),
        )
    }

    /// Takes one use of the first request fault (not a job fault) meant for `path`.
    pub fn take_request_fault(&mut self, path: &str) -> Option<FaultKind> {
        self.take(path, false)
    }

    /// Takes one use of the first job fault meant for `path`; called when a job is created.
    pub fn take_job_fault(&mut self, path: &str) -> Option<FaultKind> {
        self.take(path, true)
    }

    fn take(&mut self, path: &str, job: bool) -> Option<FaultKind> {
        let idx = self
            .faults
            .iter()
            .position(|f| f.kind.is_job() == job && path.starts_with(&f.path))?;
        let fault = &mut self.faults[idx];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.faults.remove(idx);
        }
        Some(kind)
    }
}

fn uint(spec: &Value, key: &str) -> Result<Option<u64>, String> {
    match spec.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("\"{key}\" must be a non-negative integer")),
    }
}

/// Reads a fault from the JSON a test posted.
pub fn parse(spec: &Value) -> Result<Fault, String> {
    let map = spec.as_object().ok_or("a fault is a JSON object")?;
    let kind_name = map
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("a fault needs a string \"kind\"")?;
    let path = match map.get("path") {
        None => "/api/".to_string(),
        Some(Value::String(p)) if p.starts_with('/') => p.clone(),
        Some(_) => return Err("\"path\" must be a string starting with /".into()),
    };
    let times = uint(spec, "times")?.unwrap_or(1);
    if times == 0 {
        return Err("\"times\" must be at least 1".into());
    }
    let kind = match kind_name {
        "respond" => FaultKind::Respond(parse_respond(spec)?),
        "hang" => FaultKind::Hang,
        "reset" => FaultKind::Reset,
        "reset_mid_body" => FaultKind::ResetMidBody,
        "slow_body" => FaultKind::SlowBody {
            chunk: uint(spec, "chunk_bytes")?.unwrap_or(64).clamp(1, 1 << 20) as usize,
            delay_ms: match uint(spec, "delay_ms")?.unwrap_or(200) {
                ms if ms <= MAX_DELAY_MS => ms,
                _ => return Err(format!("\"delay_ms\" must be at most {MAX_DELAY_MS}")),
            },
        },
        "truncate" => FaultKind::Truncate {
            keep: uint(spec, "keep_bytes")?.map(|n| n as usize),
        },
        "big_body" => FaultKind::BigBody {
            bytes: match uint(spec, "bytes")?.unwrap_or(50_000_000) {
                n if n <= MAX_BIG_BODY => n as usize,
                _ => return Err(format!("\"bytes\" must be at most {MAX_BIG_BODY}")),
            },
        },
        "job_fail" => FaultKind::JobFail(
            map.get("message")
                .and_then(Value::as_str)
                .unwrap_or("The asynchronous job failed")
                .to_string(),
        ),
        "job_stuck" => FaultKind::JobStuck,
        "count_ignores_filters" => FaultKind::CountIgnoresFilters {
            window: match map.get("scope").map(|v| v.as_str()) {
                None | Some(Some("window")) => true,
                Some(Some("all")) => false,
                Some(_) => return Err("\"scope\" must be \"window\" or \"all\"".into()),
            },
        },
        other => return Err(format!("unknown fault kind {other:?}")),
    };
    Ok(Fault {
        path,
        times,
        kind,
        spec: spec.clone(),
    })
}

fn parse_respond(spec: &Value) -> Result<Response, String> {
    let status = uint(spec, "status")?.unwrap_or(500);
    if !(100..=599).contains(&status) {
        return Err("\"status\" must be 100..=599".into());
    }
    let body = match (spec.get("body"), spec.get("body_base64")) {
        (Some(_), Some(_)) => return Err("give \"body\" or \"body_base64\", not both".into()),
        (Some(Value::String(text)), None) => text.clone().into_bytes(),
        (Some(_), None) => return Err("\"body\" must be a string".into()),
        (None, Some(Value::String(b64))) => {
            base64_decode(b64).ok_or("\"body_base64\" is not base64")?
        }
        (None, Some(_)) => return Err("\"body_base64\" must be a string".into()),
        (None, None) => Vec::new(),
    };
    let mut resp = Response::empty(status as u16);
    let content_type = match spec.get("content_type") {
        Some(Value::String(ct)) => Some(ct.clone()),
        Some(_) => return Err("\"content_type\" must be a string".into()),
        None if body.is_empty() => None,
        None if serde_json::from_slice::<Value>(&body).is_ok() => Some("application/json".into()),
        None if body.first() == Some(&b'<') => Some("text/html; charset=utf-8".into()),
        None => Some("text/plain; charset=utf-8".into()),
    };
    if let Some(ct) = content_type {
        resp.headers.push(("Content-Type".into(), ct));
    }
    if let Some(headers) = spec.get("headers") {
        let headers = headers.as_object().ok_or("\"headers\" must be an object")?;
        for (name, value) in headers {
            let value = match value {
                Value::String(v) => v.clone(),
                Value::Number(n) => n.to_string(),
                _ => return Err(format!("header {name:?} must be a string")),
            };
            let name_ok =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if !name_ok || value.contains(['\r', '\n']) {
                return Err(format!("header {name:?} is not a valid header"));
            }
            if name.eq_ignore_ascii_case("content-length") {
                return Err("Content-Length is computed from the body".into());
            }
            // A given Content-Type replaces the guessed one.
            if name.eq_ignore_ascii_case("content-type") {
                resp.headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
            }
            resp.headers.push((name.clone(), value));
        }
    }
    resp.body = body;
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn faults_apply_in_order_and_only_to_their_paths() {
        let mut q = FaultQueue::default();
        q.push(
            parse(&json!({"kind": "reset", "path": "/api/v2/orgs/1/jobs/", "times": 2})).unwrap(),
        );
        q.push(parse(&json!({"kind": "hang"})).unwrap());
        q.push(parse(&json!({"kind": "job_stuck"})).unwrap());
        assert!(matches!(
            q.take_request_fault("/api/v2/orgs/1/events"),
            Some(FaultKind::Hang)
        ));
        assert!(q.take_request_fault("/api/v2/orgs/1/events").is_none());
        assert!(q.take_request_fault("/pce/api/v2/orgs/1/jobs/x").is_none());
        assert!(matches!(
            q.take_request_fault("/api/v2/orgs/1/jobs/x"),
            Some(FaultKind::Reset)
        ));
        assert!(matches!(
            q.take_request_fault("/api/v2/orgs/1/jobs/x"),
            Some(FaultKind::Reset)
        ));
        assert!(q.take_request_fault("/api/v2/orgs/1/jobs/x").is_none());
        assert!(matches!(
            q.take_job_fault("/api/v2/orgs/1/events"),
            Some(FaultKind::JobStuck)
        ));
        assert!(q.take_job_fault("/api/v2/orgs/1/events").is_none());
    }

    #[test]
    fn respond_guesses_content_type() {
        let html =
            parse(&json!({"kind": "respond", "status": 502, "body": "<html>bad gateway</html>"}))
                .unwrap();
        match html.kind {
            FaultKind::Respond(r) => {
                assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"))
            }
            _ => panic!("not respond"),
        }
        assert!(parse(&json!({"kind": "respond", "status": 99})).is_err());
        assert!(parse(&json!({"kind": "nope"})).is_err());
        assert!(parse(&json!({"kind": "hang", "times": 0})).is_err());
    }
}
