//! Event hrefs from the caller and job/datafile hrefs from the PCE.
//!
//! Property: an accepted href never leaves its path. `event_path` gives
//! `/orgs/<digits>/events/<id>` or `/system_events/<id>`; `async_path` gives
//! `/orgs/<digits>/jobs/<id>` or `/orgs/<digits>/datafiles/<id>`; none holds
//! `..`, `%`, `?`, `#`, `//`, a backslash, a blank or a non-ASCII byte.
#![no_main]

use arbitrary::Arbitrary;
use illumio_events::error::ErrorKind;
use illumio_events::href::{async_path, event_path, AsyncHref};
use libfuzzer_sys::fuzz_target;

/// The href is last, so it takes the rest of the input: a seed is 9 bytes, then an href.
#[derive(Arbitrary, Debug)]
struct Input<'a> {
    org_id: u64,
    prefix: u8,
    href: &'a str,
}

/// The API root's path, as `api_prefix` in src/js/calls.rs makes it from `url`.
const PREFIXES: [&str; 4] = ["/api/v2", "/pce/api/v2", "", "/api/v22"];

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn assert_safe(path: &str) {
    for bad in ["..", "%", "?", "#", "//", "\\"] {
        assert!(!path.contains(bad), "{path:?} holds {bad:?}");
    }
    assert!(path.bytes().all(|b| b.is_ascii_graphic()), "{path:?}");
    assert!(path.starts_with('/'), "{path:?}");
}

/// `/orgs/<digits>/<segment>/<id>`.
fn is_org_path(path: &str, segment: &str) -> bool {
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["", "orgs", org, s, id] => is_digits(org) && *s == segment && is_id(id),
        _ => false,
    }
}

fuzz_target!(|input: Input<'_>| {
    match event_path(input.href, input.org_id) {
        Ok(path) => {
            assert_safe(&path);
            let system = path.strip_prefix("/system_events/").is_some_and(is_id);
            assert!(system || is_org_path(&path, "events"), "{path:?}");
            if is_id(input.href) {
                assert_eq!(
                    path,
                    format!("/orgs/{}/events/{}", input.org_id, input.href)
                );
            } else {
                assert_eq!(path, input.href, "an href is taken as given");
            }
        }
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::InvalidArgument);
            assert!(e.message.contains("`hrefOrId`"), "{}", e.message);
        }
    }
    let prefix = PREFIXES[usize::from(input.prefix) % PREFIXES.len()];
    for (kind, segment) in [(AsyncHref::Job, "jobs"), (AsyncHref::Datafile, "datafiles")] {
        if let Some(path) = async_path(input.href, prefix, kind) {
            assert_safe(&path);
            assert!(is_org_path(&path, segment), "{kind:?}: {path:?}");
        }
    }
});
