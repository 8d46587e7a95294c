//! The error kinds of api.md and the readable message each one carries.

use std::fmt;

/// What went wrong, as `PceError.kind` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller's arguments were refused before anything was sent.
    InvalidArgument,
    /// The PCE (or a proxy in front of it) answered with a non-2xx status.
    Http,
    /// The connection failed or broke.
    Network,
    /// `timeoutMs` or `asyncTimeoutMs` passed.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// A 2xx answer that breaks the contract.
    InvalidResponse,
    /// The PCE's asynchronous job ended in `failed`.
    AsyncJobFailed,
}

impl ErrorKind {
    /// The wire name used for `PceError.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArgument => "invalid_argument",
            Self::Http => "http",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Aborted => "aborted",
            Self::InvalidResponse => "invalid_response",
            Self::AsyncJobFailed => "async_job_failed",
        }
    }
}

/// A failure with every field a `PceError` can carry.
#[derive(Clone, Debug, PartialEq)]
pub struct PceError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// One readable sentence: what failed and what to do.
    pub message: String,
    /// The HTTP status, for `Http`.
    pub status: Option<u16>,
    /// The PCE's error token, from `[{"token", "message"}]`.
    pub token: Option<String>,
    /// The PCE's error message, from `[{"token", "message"}]`.
    pub pce_message: Option<String>,
    /// Seconds, when the PCE sent `Retry-After`.
    pub retry_after: Option<f64>,
    /// The request URL (never carries credentials: they travel in a header).
    pub url: Option<String>,
}

/// The result type of every fallible step.
pub type Result<T> = std::result::Result<T, PceError>;

impl PceError {
    /// An error of `kind` with `message` and no other field.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
            token: None,
            pce_message: None,
            retry_after: None,
            url: None,
        }
    }

    /// An `invalid_argument` error about `option`.
    pub fn invalid_argument(option: &str, problem: &str) -> Self {
        let stop = if problem.ends_with(['.', '?']) {
            ""
        } else {
            "."
        };
        Self::new(
            ErrorKind::InvalidArgument,
            format!("Invalid option `{option}`: {problem}{stop}"),
        )
    }

    /// An `invalid_response` error about the answer from `url`.
    pub fn invalid_response(url: &str, problem: &str) -> Self {
        Self::new(
            ErrorKind::InvalidResponse,
            format!("The PCE's answer to GET {url} is not valid: {problem}. Check that the URL points at a PCE (not a proxy's page) and that its version supports the Events API."),
        )
        .with_url(url)
    }

    /// A `network` error for a request to `url` that failed with `cause`.
    pub fn network(url: &str, cause: &str) -> Self {
        Self::new(
            ErrorKind::Network,
            format!("Could not reach the PCE for GET {url} ({cause}). Check the URL, the network and, in Node, the TLS certificate (NODE_EXTRA_CA_CERTS for a private CA)."),
        )
        .with_url(url)
    }

    /// A `timeout` error: `what` did not finish within `ms` milliseconds.
    pub fn timeout(url: &str, what: &str, option: &str, ms: f64) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!(
                "{what} did not finish within {} ms (GET {url}). Raise `{option}` or narrow the query.",
                ms as i64
            ),
        )
        .with_url(url)
    }

    /// An `aborted` error: the caller's signal fired.
    pub fn aborted(url: Option<&str>) -> Self {
        let err = Self::new(
            ErrorKind::Aborted,
            "The operation was aborted by the caller's signal.",
        );
        match url {
            Some(url) => err.with_url(url),
            None => err,
        }
    }

    /// An `http` error from a non-2xx answer, reading the PCE's error body when it has one.
    pub fn http(url: &str, status: u16, body: &[u8], retry_after: Option<f64>) -> Self {
        let (token, pce_message) = read_error_body(body);
        let detail = match (&token, &pce_message) {
            (Some(t), Some(m)) => format!(" ({t}: {m})"),
            (Some(t), None) => format!(" ({t})"),
            (None, Some(m)) => format!(" ({m})"),
            (None, None) => String::new(),
        };
        let advice = match status {
            401 => "check apiKey and apiSecret".to_string(),
            403 => "the API key lacks permission to read events in this org".to_string(),
            404 => "check url, apiVersion, orgId and the event href".to_string(),
            406 => "the PCE refused the query parameters or the Accept header".to_string(),
            429 => match retry_after {
                Some(s) => format!(
                    "the PCE's rate limit was reached; retry after {} s",
                    s as u64
                ),
                None => "the PCE's rate limit was reached; retry later".to_string(),
            },
            500..=599 => "the PCE or a proxy in front of it failed; retry later".to_string(),
            _ => "see the PCE's answer".to_string(),
        };
        Self {
            kind: ErrorKind::Http,
            message: format!("The PCE answered {status} to GET {url}{detail}: {advice}."),
            status: Some(status),
            token,
            pce_message,
            retry_after,
            url: Some(url.to_string()),
        }
    }

    /// An `async_job_failed` error for the job at `url`.
    pub fn async_job_failed(url: &str, pce_message: Option<String>) -> Self {
        let detail = pce_message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        Self {
            message: format!("The PCE's asynchronous query job {url} failed{detail}. Narrow the query or retry later."),
            pce_message,
            ..Self::new(ErrorKind::AsyncJobFailed, "").with_url(url)
        }
    }

    /// The same error, with the request URL attached.
    pub fn with_url(mut self, url: &str) -> Self {
        self.url = Some(url.to_string());
        self
    }
}

impl fmt::Display for PceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The first `{"token", "message"}` of an Illumio error body, if the body is one.
fn read_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Entry {
        token: Option<String>,
        message: Option<String>,
    }
    // from_str, as everywhere in the crate, so serde_json is instantiated for one reader only.
    let text = std::str::from_utf8(body).unwrap_or("");
    let first = match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str::<Vec<Entry>>(text)
            .ok()
            .and_then(|list| list.into_iter().next()),
        Some(b'{') => serde_json::from_str::<Entry>(text).ok(),
        _ => None,
    };
    first.map_or((None, None), |e| (e.token, e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_illumio_error_body() {
        let e = PceError::http(
            "http://pce/api/v2/orgs/1/events/x",
            404,
            br#"[{"token":"not_found","message":"Event not found"}]"#,
            None,
        );
        assert_eq!(e.kind, ErrorKind::Http);
        assert_eq!(e.status, Some(404));
        assert_eq!(e.token.as_deref(), Some("not_found"));
        assert_eq!(e.pce_message.as_deref(), Some("Event not found"));
        assert!(e.message.contains("404"), "{}", e.message);
    }

    #[test]
    fn html_and_empty_bodies_still_make_an_http_error() {
        for body in [
            &b"<html><body>Bad gateway</body></html>"[..],
            b"",
            b"\xff\xfe",
        ] {
            let e = PceError::http("http://pce/x", 502, body, Some(3.0));
            assert_eq!((e.token, e.pce_message), (None, None));
            assert_eq!(e.retry_after, Some(3.0));
        }
    }

    #[test]
    fn job_failure_keeps_the_pce_message() {
        let e = PceError::async_job_failed("http://pce/j", Some("disk full".into()));
        assert_eq!(e.kind.as_str(), "async_job_failed");
        assert!(e.message.contains("disk full"));
    }
}
