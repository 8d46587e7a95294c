//! The `/_sim/` control endpoints (only with `--control`, only from loopback):
//! the request log, faults, event injection, the clock and counters.
//!
//! A web page must never drive them: a request carrying `Origin`, or `Sec-Fetch-Site` other
//! than `same-origin`, is refused, as is one without the per-run `X-Pce-Sim-Token` (printed on
//! the ready line, never served) or a body that is not `application/json` of at most
//! `MAX_BODY` bytes. A page's `no-cors` POST can send neither the token nor that type.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use pce_time::{format_rfc3339_millis, parse_rfc3339};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::data::{self, StoredEvent};
use crate::faults;
use crate::http::{Request, Response};
use crate::state::App;
use crate::values::{obj, s, Compact};

/// The largest control request body (a `respond` fault may carry a whole datafile).
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// The most events one `POST /_sim/events` may generate.
pub const MAX_GENERATE: usize = 100_000;
/// The most events the store may hold after an injection.
pub const MAX_STORED: usize = 2_000_000;

/// Why a control request is refused, if it is: checked on the head before any body is
/// read, and again with the body.
pub fn refusal(app: &App, req: &Request) -> Option<Response> {
    let forbidden = |why: &str| Some(Response::error(403, "forbidden", why));
    if req.header("origin").is_some() {
        return forbidden("control requests from a web page (with an Origin header) are refused");
    }
    let cross_site = req
        .headers
        .iter()
        .any(|(n, v)| n == "sec-fetch-site" && !v.eq_ignore_ascii_case("same-origin"));
    if cross_site {
        return forbidden("control requests from another site are refused");
    }
    let mut tokens = req.headers.iter().filter(|(n, _)| n == "x-pce-sim-token");
    let token_ok = match (tokens.next(), tokens.next()) {
        (Some((_, t)), None) => crate::secure::same(t.as_bytes(), app.control_token.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return forbidden("send the control token of the ready line in X-Pce-Sim-Token");
    }
    if req.body.len() > MAX_BODY {
        return Some(Response::error(
            413,
            "too_large",
            &format!("a control body is at most {MAX_BODY} bytes"),
        ));
    }
    if req.method == "POST" || !req.body.is_empty() {
        let media = req
            .header("content-type")
            .and_then(|ct| ct.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        if media.as_deref() != Some("application/json") {
            return Some(Response::error(
                415,
                "unsupported_media_type",
                "a control body must be sent as Content-Type: application/json",
            ));
        }
    }
    None
}

/// Answers a control request.
pub fn handle(app: &App, req: &Request) -> Response {
    if let Some(refused) = refusal(app, req) {
        return refused;
    }
    let m = req.method.as_str();
    match (req.path.as_str(), m) {
        ("/_sim/requests", "GET") => {
            let log = app.log();
            let mut body = Vec::with_capacity(log.count().min(4096) * 256 + 2);
            body.push(b'[');
            for (i, entry) in log.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                entry.to_json().write(&mut body);
            }
            body.push(b']');
            Response::json(200, body)
        }
        ("/_sim/requests", "DELETE") => {
            app.log().clear();
            Response::empty(204)
        }
        ("/_sim/faults", "GET") => Response::json(200, app.faults().list().to_bytes()),
        ("/_sim/faults", "POST") => post_fault(app, req),
        ("/_sim/faults", "DELETE") => {
            app.faults().clear();
            Response::empty(204)
        }
        ("/_sim/events", "POST") => post_events(app, req),
        ("/_sim/clock", "GET") => clock(app),
        ("/_sim/clock", "POST") => {
            let body: Value = match serde_json::from_slice(&req.body) {
                Ok(v) => v,
                Err(e) => return bad(&format!("the body is not JSON: {e}")),
            };
            match body.get("advance_ms").and_then(Value::as_i64) {
                Some(ms) if ms >= 0 => {
                    app.clock.advance(ms);
                    clock(app)
                }
                _ => bad("expected {\"advance_ms\": <non-negative integer>}"),
            }
        }
        ("/_sim/stats", "GET") => {
            let body = obj([
                (
                    "requests",
                    Value::from(app.request_count.load(Ordering::SeqCst) as i64),
                ),
                ("events", Value::from(app.store().len() as i64)),
            ]);
            Response::json(200, body.to_bytes())
        }
        ("/_sim/requests", _) => method_not_allowed("GET, DELETE"),
        ("/_sim/faults", _) => method_not_allowed("GET, POST, DELETE"),
        ("/_sim/events", _) => method_not_allowed("POST"),
        ("/_sim/clock", _) => method_not_allowed("GET, POST"),
        ("/_sim/stats", _) => method_not_allowed("GET"),
        _ => Response::error(404, "not_found", "No such control endpoint"),
    }
}

fn method_not_allowed(allow: &str) -> Response {
    Response::error(405, "method_not_allowed", "Method not allowed").with("Allow", allow)
}

fn bad(message: &str) -> Response {
    Response::error(400, "invalid_request", message)
}

fn clock(app: &App) -> Response {
    let now = format_rfc3339_millis(app.clock.now_ms()).unwrap_or_default();
    Response::json(200, obj([("now", s(now))]).to_bytes())
}

fn post_fault(app: &App, req: &Request) -> Response {
    let spec: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return bad(&format!("the body is not JSON: {e}")),
    };
    match faults::parse(&spec) {
        Ok(fault) => {
            let mut queue = app.faults();
            if queue.pending() >= faults::MAX_QUEUED {
                return bad(&format!(
                    "at most {} faults may be pending",
                    faults::MAX_QUEUED
                ));
            }
            if queue.body_bytes() + fault.body_bytes() > faults::MAX_QUEUED_BYTES {
                return bad(&format!(
                    "the pending respond faults may hold at most {} bytes of body",
                    faults::MAX_QUEUED_BYTES
                ));
            }
            queue.push(fault);
            Response::json(201, queue.list().to_bytes())
        }
        Err(why) => bad(&why),
    }
}

fn post_events(app: &App, req: &Request) -> Response {
    let Ok(text) = std::str::from_utf8(&req.body) else {
        return bad("the body is not UTF-8");
    };
    // Raw values keep each injected event exactly as sent, key order included.
    let fields: HashMap<String, &RawValue> = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return bad(&format!(
                "expected {{\"events\": [...]}} or {{\"generate\": N, ...}}: {e}"
            ))
        }
    };
    let value = |name: &str| -> Result<Option<Value>, String> {
        fields
            .get(name)
            .map(|raw| serde_json::from_str::<Value>(raw.get()).map_err(|e| e.to_string()))
            .transpose()
    };
    let (generate, timestamp, spread_ms, overrides) = match (
        value("generate"),
        value("timestamp"),
        value("spread_ms"),
        value("overrides"),
    ) {
        (Ok(g), Ok(t), Ok(s), Ok(o)) => (g, t, s, o),
        _ => return bad("the body is not valid JSON"),
    };
    let events = match fields.get("events") {
        None => None,
        Some(raw) => match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            Ok(list) => Some(list),
            Err(_) => return bad("\"events\" must be an array of event objects"),
        },
    };
    let generate = match generate {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n as usize),
            None => return bad("\"generate\" must be a non-negative integer"),
        },
    };
    let new_events: Vec<StoredEvent> = match (events, generate) {
        (Some(events), None) => {
            let mut out = Vec::with_capacity(events.len());
            for (i, raw) in events.iter().enumerate() {
                match StoredEvent::from_json(raw.get()) {
                    Ok(e) => out.push(e),
                    Err(why) => return bad(&format!("event {i}: {why}")),
                }
            }
            out
        }
        (None, Some(count)) => {
            if count > MAX_GENERATE {
                return bad(&format!("generate at most {MAX_GENERATE} events at once"));
            }
            let ts_ms = match timestamp {
                None | Some(Value::Null) => app.clock.now_ms(),
                Some(Value::String(t)) => match parse_rfc3339(&t) {
                    Some(i) => i.millis(),
                    None => return bad("timestamp must be RFC 3339"),
                },
                Some(_) => return bad("timestamp must be an RFC 3339 string"),
            };
            let overrides = overrides.unwrap_or(Value::Null);
            if !overrides.is_null() && !overrides.is_object() {
                return bad("overrides must be an object");
            }
            if let Some(Value::String(t)) = overrides.get("timestamp") {
                if parse_rfc3339(t).is_none() {
                    return bad("overrides.timestamp must be RFC 3339");
                }
            }
            let spread = spread_ms.and_then(|v| v.as_i64()).unwrap_or(0).max(0);
            let generated = data::generate(
                &mut app.rng(),
                app.cfg.org,
                count,
                ts_ms,
                spread,
                &overrides,
            );
            for e in &generated {
                if StoredEvent::from_json(&e.json).is_err() {
                    return bad("the overrides make an event without a string href or an RFC 3339 timestamp");
                }
            }
            generated
        }
        _ => return bad("give either \"events\" or \"generate\""),
    };
    let mut store = app.store_mut();
    if store.len() + new_events.len() > MAX_STORED {
        return Response::error(
            413,
            "too_large",
            &format!("the store holds at most {MAX_STORED} events"),
        );
    }
    let mut body = Vec::new();
    body.push(b'[');
    for (i, e) in new_events.into_iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let stored = store.insert(e);
        body.extend_from_slice(stored.json.as_bytes());
    }
    body.push(b']');
    Response::json(200, body)
}
