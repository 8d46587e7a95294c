//! The `count_ignores_filters` fault: an events collection whose `X-Total-Count` counts as if
//! only the time window (or nothing) had been asked, as some PCE versions count other
//! collections, so that clients can prove they notice.

use pce_time::parse_rfc3339;

use crate::data::{Filter, Store};
use crate::http::{parse_query, Request, Response};

/// The real answer to `req` with its `X-Total-Count` replaced by the number of events in the
/// request's time window (`window`) or of all events; other answers are left as they are.
pub fn apply(store: &Store, req: &Request, mut resp: Response, window: bool) -> Response {
    let collection = req.path.ends_with("/events") && req.path.contains("/v2/orgs/");
    if !collection || resp.status != 200 {
        return resp;
    }
    let Some(pairs) = parse_query(&req.query) else {
        return resp;
    };
    let mut filter = Filter::default();
    if window {
        for (name, value) in &pairs {
            match name.as_str() {
                "timestamp[gte]" => filter.since = parse_rfc3339(value),
                "timestamp[lte]" => filter.until = parse_rfc3339(value),
                _ => {}
            }
        }
    }
    let (total, _) = store.query(&filter, 0);
    for (name, value) in &mut resp.headers {
        if name.eq_ignore_ascii_case("x-total-count") {
            *value = total.to_string();
        }
    }
    resp
}
