//! Event hrefs and ids from the caller, and job and datafile hrefs from the PCE.
//!
//! Every path built here stays inside the API root: only ids of letters,
//! digits and dashes are accepted, so no `..`, `%`, `?` or `#` can slip through.

use crate::error::{PceError, Result};

fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_org(text: &str) -> bool {
    !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The PCE path of an event: `/orgs/N/events/<id>`, `/system_events/<id>`, or a
/// bare id, which means `/orgs/{org_id}/events/<id>`.
pub fn event_path(href_or_id: &str, org_id: u64) -> Result<String> {
    if is_id(href_or_id) {
        return Ok(format!("/orgs/{org_id}/events/{href_or_id}"));
    }
    let parts: Vec<&str> = href_or_id.split('/').collect();
    let valid = match parts.as_slice() {
        ["", "orgs", org, "events", id] => is_org(org) && is_id(id),
        ["", "system_events", id] => is_id(id),
        _ => false,
    };
    if valid {
        Ok(href_or_id.to_string())
    } else {
        Err(PceError::invalid_argument(
            "hrefOrId",
            "expected an event href (\"/orgs/1/events/<id>\" or \"/system_events/<id>\") \
             or a bare event id of letters, digits and dashes",
        ))
    }
}

/// The kinds of href the asynchronous collection follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncHref {
    /// `/orgs/N/jobs/<id>`, from the `Location` header.
    Job,
    /// `/orgs/N/datafiles/<id>`, from the finished job's `result.href`.
    Datafile,
}

/// Reads a job or datafile href the PCE sent, as a path under the API root.
///
/// The PCE sends `/orgs/1/jobs/<id>`; the same path with the `/api/v2` prefix
/// is read too. Anything else is refused, so a server cannot send the
/// caller's credentials to a path or host of its choosing.
pub fn async_path(href: &str, api_version_prefix: &str, kind: AsyncHref) -> Option<String> {
    let path = href.strip_prefix(api_version_prefix).unwrap_or(href);
    let segment = match kind {
        AsyncHref::Job => "jobs",
        AsyncHref::Datafile => "datafiles",
    };
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["", "orgs", org, s, id] if *s == segment && is_org(org) && is_id(id) => {
            Some(path.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hrefs_and_bare_ids() {
        let uuid = "71d7ba77-7a84-4e56-ae46-7226b983b550";
        assert_eq!(
            event_path(uuid, 3).unwrap(),
            format!("/orgs/3/events/{uuid}")
        );
        let href = format!("/orgs/7/events/{uuid}");
        assert_eq!(event_path(&href, 3).unwrap(), href, "the href's org wins");
        let system = format!("/system_events/{uuid}");
        assert_eq!(event_path(&system, 3).unwrap(), system);
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            " ",
            "abc def",
            "../x",
            "/orgs/1/events/../../users",
            "/orgs/1/events/a?b",
            "/orgs/1/events/a#b",
            "/orgs/1/events/a%2F",
            "/orgs/1/events/",
            "/orgs/x/events/a",
            "/orgs/1/workloads/a",
            "/orgs/1/events/a/b",
            "https://evil.example/orgs/1/events/a",
            "//evil.example/x",
            "orgs/1/events/a",
            "/system_events/",
            "a.b",
        ] {
            assert!(event_path(bad, 1).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn follows_only_job_and_datafile_paths() {
        assert_eq!(
            async_path("/orgs/1/jobs/abc-1", "/api/v2", AsyncHref::Job).as_deref(),
            Some("/orgs/1/jobs/abc-1")
        );
        assert_eq!(
            async_path("/api/v2/orgs/1/jobs/abc-1", "/api/v2", AsyncHref::Job).as_deref(),
            Some("/orgs/1/jobs/abc-1")
        );
        assert_eq!(
            async_path("/orgs/1/datafiles/d1", "/api/v2", AsyncHref::Datafile).as_deref(),
            Some("/orgs/1/datafiles/d1")
        );
        for bad in [
            "/orgs/1/datafiles/d1",
            "http://evil/orgs/1/jobs/a",
            "/orgs/1/jobs/../users",
            "/orgs/1/jobs/",
            "",
        ] {
            assert_eq!(async_path(bad, "/api/v2", AsyncHref::Job), None, "{bad:?}");
        }
    }
}
