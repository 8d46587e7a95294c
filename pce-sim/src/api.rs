//! The Events API, as a PCE serves it: collections with filters, single events,
//! asynchronous collections (jobs and datafiles), Basic auth, Accept and rate limits.

use std::time::{Duration, Instant};

use pce_time::parse_rfc3339;
use serde_json::json;

use crate::data::{self, json_array, Filter};
use crate::faults::FaultKind;
use crate::http::{base64_decode, parse_query, Request, Response};
use crate::jobs::{Fate, Job, State};
use crate::state::{cors_headers, App};
use crate::values::Compact;

/// The largest `max_results` of a synchronous collection.
pub const MAX_RESULTS: usize = 10_000;
/// `max_results` when none is given.
pub const DEFAULT_RESULTS: usize = 100;

const SEVERITIES: &[&str] = &[
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Caller {
    /// A client of `/api/`, who must send Basic credentials.
    Basic,
    /// The demo page through `/pce/api/`, served as if it sent the simulator's own key.
    Demo,
}

/// Answers a request under `/api` (or `/pce/api`); `rest` is the path after that prefix.
pub fn handle(app: &App, req: &Request, rest: &str, caller: Caller) -> Response {
    if req.method == "OPTIONS" && app.cfg.cors {
        let mut resp = Response::empty(204);
        resp.headers.extend(cors_headers());
        return resp;
    }
    let key = match caller {
        Caller::Demo => app.cfg.api_key.clone(),
        Caller::Basic => {
            // Failed logins count per peer address: the key is the attacker's to choose.
            let peer = req.peer.ip().to_string();
            let blocked = app.login_failures().full(&peer);
            if let Err(wait) = blocked {
                return Response::error(
                    429,
                    "too_many_requests_error",
                    "Too many failed logins from this address: wait before trying again",
                )
                .with("Retry-After", wait.to_string());
            }
            match authenticate(app, req) {
                Some(key) => key,
                None => {
                    // Only a guess counts (a request without credentials guesses nothing); the
                    // count stops at the limit, so the window never grows past it.
                    if req.header("authorization").is_some() {
                        let _ = app.login_failures().check(&peer);
                    }
                    return Response::error(
                        401,
                        "authentication_failed",
                        "Authentication failed: send a valid API key and secret with HTTP Basic authentication",
                    );
                }
            }
        }
    };
    let allowed = app.limiter().check(&key);
    if let Err(wait) = allowed {
        return Response::error(
            429,
            "too_many_requests_error",
            &format!(
                "Too many requests: at most {} requests a minute are allowed for this API key",
                app.cfg.rate_limit
            ),
        )
        .with("Retry-After", wait.to_string());
    }
    if req.method != "GET" && req.method != "HEAD" {
        return Response::error(
            405,
            "method_not_allowed",
            &format!("The method {} is not allowed on this resource", req.method),
        )
        .with("Allow", "GET, HEAD");
    }
    if !accepts_json(req.header("accept")) {
        return Response::error(
            406,
            "not_acceptable",
            "The Accept header must allow application/json",
        );
    }
    let segments: Vec<&str> = rest.strip_prefix('/').unwrap_or(rest).split('/').collect();
    match segments.as_slice() {
        ["v2", "orgs", org, tail @ ..] => {
            let Ok(org) = org.parse::<u64>() else {
                return not_found(req);
            };
            if org != app.cfg.org {
                return Response::error(
                    403,
                    "forbidden_error",
                    &format!("The API key is not authorized for org {org}"),
                );
            }
            match tail {
                ["events"] => events(app, req),
                ["events", id] if valid_id(id) => {
                    single(app, req, &format!("/orgs/{org}/events/{id}"))
                }
                ["jobs", id] if valid_id(id) => job(app, req, id),
                ["datafiles", id] if valid_id(id) => datafile(app, req, id),
                _ => not_found(req),
            }
        }
        ["v2", "system_events", id] if valid_id(id) => {
            single(app, req, &format!("/system_events/{id}"))
        }
        _ => not_found(req),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn not_found(req: &Request) -> Response {
    Response::error(404, "not_found", &format!("Not found: {}", req.path))
}

fn invalid_uri(req: &Request, why: &str) -> Response {
    let target = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    Response::error(
        406,
        "invalid_uri",
        &format!("Invalid URI: {{{target}}}: {why}"),
    )
}

/// The API key of valid Basic credentials.
fn authenticate(app: &App, req: &Request) -> Option<String> {
    let value = req.header("authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(token.trim())?).ok()?;
    let (user, secret) = decoded.split_once(':')?;
    // Both compared, each in constant time, so the time taken tells nothing of either.
    let key_ok = crate::secure::same(user.as_bytes(), app.cfg.api_key.as_bytes());
    let secret_ok = crate::secure::same(secret.as_bytes(), app.cfg.api_secret.as_bytes());
    (key_ok & secret_ok).then(|| user.to_string())
}

/// Whether an Accept header allows `application/json` (absent or empty allows anything).
pub fn accepts_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return true;
    };
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f64>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused && matches!(media.as_str(), "*/*" | "application/*" | "application/json")
    })
}

/// The parsed query of an events collection.
struct Query {
    filter: Filter,
    max_results: Option<usize>,
}

fn parse_events_query(req: &Request) -> Result<Query, String> {
    let pairs = parse_query(&req.query).ok_or("the query is not UTF-8")?;
    let mut q = Query {
        filter: Filter::default(),
        max_results: None,
    };
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in &pairs {
        if seen.contains(&name.as_str()) {
            return Err(format!("{name} is given more than once"));
        }
        seen.push(name);
        if value.is_empty() {
            return Err(format!("{name} has no value"));
        }
        match name.as_str() {
            "event_type" => q.filter.fields.event_type = Some(value.clone()),
            "pce_fqdn" => q.filter.fields.pce_fqdn = Some(value.clone()),
            "created_by" => q.filter.created_by = Some(value.clone()),
            "status" => {
                if value != "success" && value != "failure" {
                    return Err(format!("status must be success or failure, not {value:?}"));
                }
                q.filter.fields.status = Some(value.clone());
            }
            "severity" => {
                if !SEVERITIES.contains(&value.as_str()) {
                    return Err(format!(
                        "severity must be one of {}, not {value:?}",
                        SEVERITIES.join(", ")
                    ));
                }
                q.filter.fields.severity = Some(value.clone());
            }
            "timestamp[gte]" | "timestamp[lte]" => {
                let t = parse_rfc3339(value).ok_or_else(|| {
                    format!("{name} must be an RFC 3339 timestamp, not {value:?}")
                })?;
                if name == "timestamp[gte]" {
                    q.filter.since = Some(t);
                } else {
                    q.filter.until = Some(t);
                }
            }
            "max_results" => {
                let n = (value.bytes().all(|b| b.is_ascii_digit()) && value.len() <= 12)
                    .then(|| value.parse::<usize>().ok())
                    .flatten()
                    .ok_or_else(|| {
                        format!("max_results must be a non-negative integer, not {value:?}")
                    })?;
                q.max_results = Some(n);
            }
            other => return Err(format!("unknown query parameter {other:?}")),
        }
    }
    Ok(q)
}

fn wants_async(req: &Request) -> bool {
    req.headers
        .iter()
        .filter(|(n, _)| n == "prefer")
        .flat_map(|(_, v)| v.split(','))
        .any(|p| {
            p.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("respond-async")
        })
}

fn events(app: &App, req: &Request) -> Response {
    let q = match parse_events_query(req) {
        Ok(q) => q,
        Err(why) => return invalid_uri(req, &why),
    };
    if wants_async(req) {
        return create_job(app, req, &q);
    }
    let max = q.max_results.unwrap_or(DEFAULT_RESULTS);
    if max > MAX_RESULTS {
        return invalid_uri(req, &format!("max_results must be at most {MAX_RESULTS}; use an asynchronous collection (Prefer: respond-async) for more"));
    }
    let (total, found) = app.store().query(&q.filter, max);
    Response::json(200, json_array(&found)).with("X-Total-Count", total.to_string())
}

fn create_job(app: &App, req: &Request, q: &Query) -> Response {
    let (_, found) = app
        .store()
        .query(&q.filter, q.max_results.unwrap_or(usize::MAX));
    let fault = app.faults().take_job_fault(&req.path);
    let fate = match fault {
        Some(FaultKind::JobFail(message)) => Fate::Fail(message),
        Some(_) => Fate::Stuck,
        None => Fate::Done,
    };
    let (id, datafile) = {
        let mut rng = app.rng();
        (rng.uuid(), rng.uuid())
    };
    let description = if req.query.is_empty() {
        format!("/api/v2/orgs/{}/events", app.cfg.org)
    } else {
        format!("/api/v2/orgs/{}/events?{}", app.cfg.org, req.query)
    };
    let delay = Duration::from_millis(app.cfg.async_delay_ms);
    app.jobs().add(Job {
        id: id.clone(),
        org: app.cfg.org,
        datafile,
        created: Instant::now(),
        delay,
        requested_at_ms: app.clock.now_ms(),
        description,
        fate,
        events: found,
    });
    let mut resp = Response::empty(202)
        .with("Location", format!("/orgs/{}/jobs/{id}", app.cfg.org))
        .with(
            "Retry-After",
            app.cfg.async_delay_ms.div_ceil(1000).to_string(),
        );
    resp.body.clear();
    resp
}

fn single(app: &App, req: &Request, href: &str) -> Response {
    match app.store().get(href) {
        Some(event) => Response::json(200, event.json.as_bytes().to_vec()),
        None => not_found(req),
    }
}

fn job(app: &App, req: &Request, id: &str) -> Response {
    let jobs = app.jobs();
    let Some(job) = jobs.get(id) else {
        return not_found(req);
    };
    let state = job.state();
    let mut resp = Response::json(200, job.to_json(&state).to_bytes());
    if let State::Running(left) = state {
        let wait = left.map_or(app.cfg.async_delay_ms.div_ceil(1000).max(1), |d| {
            (d.as_millis() as u64).div_ceil(1000)
        });
        resp = resp.with("Retry-After", wait.to_string());
    }
    resp
}

fn datafile(app: &App, req: &Request, id: &str) -> Response {
    let limit = match parse_events_query(req) {
        Ok(q) if q.filter.is_empty() => q.max_results,
        Ok(_) => return invalid_uri(req, "a datafile takes no filter but max_results"),
        Err(why) => return invalid_uri(req, &why),
    };
    let jobs = app.jobs();
    let Some(job) = jobs.datafile(id) else {
        return not_found(req);
    };
    let n = limit.unwrap_or(usize::MAX).min(job.events.len());
    Response::json(200, json_array(&job.events[..n]))
        .with("X-Total-Count", job.events.len().to_string())
}

/// A 200 answer of valid, distinct events whose body is at least `bytes` long (the
/// `big_body` fault): each event carries a long `description` so that few are needed.
pub fn big_body(app: &App, bytes: usize) -> Response {
    let padding: String =
        "This event carries padding so that the response is very large. ".repeat(120);
    let overrides = json!({ "description": padding });
    let now = app.clock.now_ms();
    let mut rng = app.rng().clone();
    let mut body = Vec::with_capacity(bytes + 16 * 1024);
    body.push(b'[');
    let mut count = 0usize;
    while body.len() < bytes {
        let event = data::generate(
            &mut rng,
            app.cfg.org,
            1,
            now - count as i64 * 1000,
            0,
            &overrides,
        );
        for e in event {
            if count > 0 {
                body.push(b',');
            }
            body.extend_from_slice(e.json.as_bytes());
            count += 1;
        }
    }
    body.push(b']');
    Response::json(200, body).with("X-Total-Count", count.to_string())
}
