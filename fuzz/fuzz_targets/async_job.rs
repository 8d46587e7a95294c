//! The asynchronous collection's reader of the PCE's 202 and job bodies.
//!
//! Properties: no panic on any body or header; a running job is polled again
//! at the same path after a finite, non-negative wait; a done job leads only
//! to a datafile path under `/orgs/<digits>/datafiles/`; a failure is
//! `invalid_response` or `async_job_failed` with the job's URL.
#![no_main]

use arbitrary::Arbitrary;
use illumio_events::async_job::{AsyncCollection, Next};
use illumio_events::error::ErrorKind;
use libfuzzer_sys::fuzz_target;

/// The body is last, so it takes the rest of the input: a seed is 3 zero bytes
/// (no Location, no Retry-After, no earlier polls), then a job body.
#[derive(Arbitrary, Debug)]
struct Input<'a> {
    location: Option<&'a str>,
    retry_after: Option<u32>,
    polls: u8,
    body: &'a [u8],
}

const URL: &str = "https://pce.example.com:8443/api/v2/orgs/1/jobs/x";

fn safe_segment_path(path: &str, segment: &str) -> bool {
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["", "orgs", org, s, id] => {
            !org.is_empty()
                && org.bytes().all(|b| b.is_ascii_digit())
                && *s == segment
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
        _ => false,
    }
}

fn check_wait(next: &Next) {
    if let Next::Poll { after_ms, .. } = next {
        assert!(after_ms.is_finite() && *after_ms >= 0.0, "{after_ms}");
    }
}

fuzz_target!(|input: Input<'_>| {
    let retry_after = input.retry_after.map(f64::from);
    let mut job = AsyncCollection::new(1_000.0, 600_000.0, "/api/v2");
    let path = match job.accepted(URL, input.location, retry_after) {
        Ok(next) => {
            check_wait(&next);
            match next {
                Next::Poll { path, .. } => {
                    assert!(safe_segment_path(&path, "jobs"), "{path:?}");
                    path
                }
                Next::Download { path } => panic!("a 202 led straight to a download of {path}"),
            }
        }
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidResponse);
            "/orgs/1/jobs/x".to_string()
        }
    };
    for _ in 0..input.polls % 20 {
        let _ = job.job(URL, &path, b"{\"status\":\"running\"}", retry_after);
    }
    match job.job(URL, &path, input.body, retry_after) {
        Ok(Next::Poll {
            path: again,
            after_ms,
        }) => {
            assert_eq!(again, path, "a running job is polled at its own path");
            assert!(after_ms.is_finite() && after_ms >= 0.0, "{after_ms}");
        }
        Ok(Next::Download { path }) => assert!(safe_segment_path(&path, "datafiles"), "{path:?}"),
        Err(e) => {
            assert!(
                matches!(
                    e.kind,
                    ErrorKind::InvalidResponse | ErrorKind::AsyncJobFailed
                ),
                "{e:?}"
            );
            assert_eq!(e.url.as_deref(), Some(URL));
            assert!(!e.message.is_empty());
        }
    }
});
