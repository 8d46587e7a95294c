//! The calls of the API, driving the pure core over the transport: retries,
//! the asynchronous collection, and the one `JSON.parse` that makes the events.

use crate::async_job::{AsyncCollection, Next};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::event::{check_event, check_events, EventKey};
use crate::query::{EventQuery, MAX_SYNC_RESULTS};
use crate::retry::{is_retryable_status, parse_retry_after, retry_delay_ms};
use crate::transport::{self, Failure, Get, Reply};
use js_sys::{Array, Date, Function, Math, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    /// A `TextDecoder`; web-sys's binding is not among the crate's features.
    #[wasm_bindgen(js_name = TextDecoder)]
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = TextDecoder, catch)]
    fn new(label: &str, options: &Object) -> std::result::Result<Utf8Decoder, JsValue>;
    #[wasm_bindgen(method, js_class = TextDecoder, catch)]
    fn decode(this: &Utf8Decoder, input: &Uint8Array) -> std::result::Result<JsValue, JsValue>;
    /// `JSON.parse` of a JavaScript string, which `js_sys::JSON::parse` would copy through wasm.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js(text: &JsValue) -> std::result::Result<JsValue, JsValue>;
}

/// What one call carries besides its options: the caller's signal and progress callback.
#[derive(Default)]
pub struct Hooks {
    /// Cancels the whole operation.
    pub signal: Option<AbortSignal>,
    /// Told of each step of an asynchronous collection.
    pub on_progress: Option<Function>,
}

/// The overall limit of an asynchronous collection, as seen by each request.
#[derive(Clone, Copy)]
struct Deadline {
    at_ms: f64,
    limit_ms: f64,
}

/// Events as `JSON.parse` made them, with the key of each one.
pub struct Events<'b> {
    /// The array handed to the caller.
    pub array: Array,
    /// Each event's href and timestamp, in the same order.
    pub keys: Vec<EventKey<'b>>,
}

/// `queryEvents`: one GET up to 10000 events, the asynchronous collection above.
pub async fn query_events(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<JsValue> {
    if query.needs_async() {
        return collect_async(config, query, hooks).await.map(JsValue::from);
    }
    let url = events_url(config, query, query.max_results);
    let reply = send(config, &url, false, hooks, None).await?;
    Ok(events_array(&url, &reply.body)?.into())
}

/// `countEvents`: one GET with `max_results=0`, reading `X-Total-Count`.
pub async fn count_events(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<f64> {
    let url = events_url(config, query, 0);
    let reply = send(config, &url, false, hooks, None).await?;
    total_count(&reply)
        .map(|n| n as f64)
        .ok_or_else(|| PceError::invalid_response(&url, "no integer X-Total-Count header"))
}

fn total_count(reply: &Reply) -> Option<u64> {
    let text = reply.total_count.as_deref()?.trim();
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Every event matching `query`, however many: one GET when it holds them all
/// (by `X-Total-Count`), else the asynchronous collection, grown until nothing is cut.
pub async fn fetch_all(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<(Array, Vec<OwnedKey>)> {
    let url = events_url(config, query, MAX_SYNC_RESULTS);
    let reply = send(config, &url, false, hooks, None).await?;
    let body = reply.bytes();
    let events = events_from(&url, &body)?;
    let got = events.keys.len() as u64;
    let total = total_count(&reply);
    if got < u64::from(MAX_SYNC_RESULTS) && total.is_none_or(|t| t <= got) {
        return Ok(owned(events));
    }
    let mut wanted = query.clone();
    // Headroom for events that arrive between the count and the job.
    wanted.max_results = u32::try_from(total.unwrap_or(got).max(got) + u64::from(MAX_SYNC_RESULTS))
        .unwrap_or(u32::MAX);
    loop {
        let mut result = None;
        collect_async_with(config, &wanted, hooks, |url, body| {
            result = Some(owned(events_from(url, &body.to_vec())?));
            Ok(())
        })
        .await?;
        let (array, keys) = result.unwrap_or_default();
        // The PCE cuts the oldest events at max_results: a full answer may have lost some.
        if keys.len() < wanted.max_results as usize || wanted.max_results == u32::MAX {
            return Ok((array, keys));
        }
        wanted.max_results = wanted.max_results.saturating_mul(2);
    }
}

/// The timestamp of the first event a one-page query returns (the newest), if any.
pub async fn first_timestamp(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<Option<String>> {
    let url = events_url(config, query, query.max_results);
    let reply = send(config, &url, false, hooks, None).await?;
    let body = reply.bytes();
    let events = events_from(&url, &body)?;
    Ok(events
        .keys
        .into_iter()
        .next()
        .map(|k| k.timestamp.into_owned()))
}

/// An event's href and timestamp, owned, outliving the body they came from.
pub type OwnedKey = (String, String);

fn owned(events: Events<'_>) -> (Array, Vec<OwnedKey>) {
    let keys = events
        .keys
        .into_iter()
        .map(|k| (k.href.into_owned(), k.timestamp.into_owned()))
        .collect();
    (events.array, keys)
}

/// `getEvent`: one GET of an event's path.
pub async fn get_event(config: &Config, path: &str, hooks: &Hooks) -> Result<JsValue> {
    let url = config.url(path);
    let reply = send(config, &url, false, hooks, None).await?;
    let body = reply.bytes();
    let text = utf8(&url, &body)?;
    check_event(text).map_err(|p| PceError::invalid_response(&url, &p))?;
    parse_json(&url, text)
}

fn events_url(config: &Config, query: &EventQuery, max_results: u32) -> String {
    format!(
        "{}?{}",
        config.url(&format!("/orgs/{}/events", config.org_id)),
        query.render(max_results)
    )
}

/// Materialises a collection body with one `JSON.parse` when its caller needs no keys.
///
/// The body never enters wasm on this path: a strict `TextDecoder` checks its UTF-8 as it
/// decodes, `JSON.parse` makes the events, and a pass over them checks the contract (an array
/// of objects, each with a string `href`, `timestamp` and `event_type`) as `events_from` does.
/// A body failing any of these goes to `events_from`, whose serde_json check names the fault.
pub fn events_array(url: &str, body: &Uint8Array) -> Result<Array> {
    match parse_checked(body) {
        Some(array) => Ok(array),
        None => events_from(url, &body.to_vec()).map(|events| events.array),
    }
}

fn parse_checked(body: &Uint8Array) -> Option<Array> {
    let options = Object::new();
    Reflect::set(&options, &"fatal".into(), &JsValue::TRUE).ok()?;
    // A byte order mark is left in, so JSON.parse refuses it as serde_json does.
    Reflect::set(&options, &"ignoreBOM".into(), &JsValue::TRUE).ok()?;
    let text = Utf8Decoder::new("utf-8", &options)
        .ok()?
        .decode(body)
        .ok()?;
    let array = parse_js(&text).ok()?.dyn_into::<Array>().ok()?;
    let fields = ["href", "timestamp", "event_type"].map(JsValue::from_str);
    let valid = |event: &JsValue| {
        event.is_object()
            && !Array::is_array(event)
            && fields
                .iter()
                .all(|f| Reflect::get(event, f).is_ok_and(|v| v.is_string()))
    };
    (0..array.length())
        .all(|i| valid(&array.get(i)))
        .then_some(array)
}

/// Checks a collection body and materialises it with `JSON.parse`.
pub fn events_from<'b>(url: &str, body: &'b [u8]) -> Result<Events<'b>> {
    let text = utf8(url, body)?;
    let keys = check_events(text).map_err(|p| PceError::invalid_response(url, &p))?;
    let array = parse_json(url, text)?
        .dyn_into::<Array>()
        .map_err(|_| PceError::invalid_response(url, "the body is not a JSON array"))?;
    Ok(Events { array, keys })
}

fn utf8<'b>(url: &str, body: &'b [u8]) -> Result<&'b str> {
    std::str::from_utf8(body).map_err(|e| {
        PceError::invalid_response(
            url,
            &format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

fn parse_json(url: &str, text: &str) -> Result<JsValue> {
    js_sys::JSON::parse(text)
        .map_err(|_| PceError::invalid_response(url, "JSON.parse refused the body"))
}

async fn collect_async(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<Array> {
    let mut result = None;
    collect_async_with(config, query, hooks, |url, body| {
        result = Some(events_array(url, body)?);
        Ok(())
    })
    .await?;
    let array = result.unwrap_or_default();
    if array.length() > query.max_results {
        array.set_length(query.max_results);
    }
    Ok(array)
}

/// The asynchronous GET collection: request, poll the job, download the datafile;
/// `keep` gets the URL and the body of the events (the datafile, or a 200 at once).
async fn collect_async_with(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
    keep: impl FnOnce(&str, &Uint8Array) -> Result<()>,
) -> Result<()> {
    let mut job = AsyncCollection::new(Date::now(), config.async_timeout_ms, &api_prefix(config));
    let deadline = Deadline {
        at_ms: Date::now() + config.async_timeout_ms,
        limit_ms: config.async_timeout_ms,
    };
    let url = events_url(config, query, query.max_results);
    let reply = send(config, &url, true, hooks, Some(deadline)).await?;
    let mut next = match reply.status {
        // A PCE may answer a small collection at once.
        200 => return keep(&url, &reply.body),
        202 => job.accepted(&url, reply.location.as_deref(), retry_after(&reply))?,
        other => {
            return Err(PceError::invalid_response(
                &url,
                &format!("expected 202 Accepted for an asynchronous query, got {other}"),
            ))
        }
    };
    let job_href = match &next {
        Next::Poll { path, .. } | Next::Download { path } => path.clone(),
    };
    progress(hooks, &job, "requested", &job_href);
    loop {
        match next {
            Next::Poll { path, after_ms } => {
                let remaining = job.remaining_ms(Date::now()).unwrap_or(0.0);
                if after_ms >= remaining {
                    pause(remaining, hooks, &url).await?;
                    return Err(async_timeout(&url, config));
                }
                pause(after_ms, hooks, &url).await?;
                let job_url = config.url(&path);
                let reply = send(config, &job_url, false, hooks, Some(deadline)).await?;
                next = job.job(&job_url, &path, &reply.bytes(), retry_after(&reply))?;
                if matches!(next, Next::Poll { .. }) {
                    progress(hooks, &job, "running", &job_href);
                }
            }
            Next::Download { path } => {
                progress(hooks, &job, "downloading", &job_href);
                let data_url = config.url(&path);
                let reply = send(config, &data_url, false, hooks, Some(deadline)).await?;
                keep(&data_url, &reply.body)?;
                progress(hooks, &job, "done", &job_href);
                return Ok(());
            }
        }
    }
}

fn api_prefix(config: &Config) -> String {
    // The path part of the API root, such as "/api/v2" or "/pce/api/v2".
    let after_scheme = config
        .api_root
        .split_once("://")
        .map_or("", |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or(String::new(), |i| after_scheme[i..].to_string())
}

fn progress(hooks: &Hooks, job: &AsyncCollection, phase: &str, job_href: &str) {
    let Some(callback) = &hooks.on_progress else {
        return;
    };
    let report = Object::new();
    let _ = Reflect::set(&report, &"phase".into(), &phase.into());
    let _ = Reflect::set(
        &report,
        &"elapsedMs".into(),
        &job.elapsed_ms(Date::now()).round().into(),
    );
    let _ = Reflect::set(&report, &"job".into(), &job_href.into());
    // A throwing callback must not break the collection it observes.
    let _ = callback.call1(&JsValue::NULL, &report);
}

fn retry_after(reply: &Reply) -> Option<f64> {
    reply
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, Date::now()))
}

fn async_timeout(url: &str, config: &Config) -> PceError {
    PceError::timeout(
        url,
        "The asynchronous collection",
        "asyncTimeoutMs",
        config.async_timeout_ms,
    )
}

async fn pause(ms: f64, hooks: &Hooks, url: &str) -> Result<()> {
    transport::sleep(ms, hooks.signal.as_ref())
        .await
        .map_err(|_| PceError::aborted(Some(url)))
}

/// One GET with retries of 429, 502, 503, 504 and network errors; a 2xx reply or an error.
async fn send(
    config: &Config,
    url: &str,
    prefer_async: bool,
    hooks: &Hooks,
    deadline: Option<Deadline>,
) -> Result<Reply> {
    let mut attempt = 0;
    loop {
        let remaining = deadline.map(|d| d.at_ms - Date::now());
        if remaining.is_some_and(|r| r <= 0.0) {
            return Err(async_timeout(url, config));
        }
        let timeout_ms = remaining.map_or(config.timeout_ms, |r| r.min(config.timeout_ms));
        let request = Get {
            url,
            authorization: config.authorization.as_deref(),
            prefer_async,
            timeout_ms,
            signal: hooks.signal.as_ref(),
        };
        let (error, wait_secs) = match transport::get(&request).await {
            Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply),
            Ok(reply) => {
                let wait = retry_after(&reply);
                let error = PceError::http(url, reply.status, &reply.bytes(), wait);
                if !is_retryable_status(reply.status) {
                    return Err(error);
                }
                (error, wait)
            }
            Err(Failure::Network(cause)) => (PceError::network(url, &cause), None),
            Err(Failure::Aborted) => return Err(PceError::aborted(Some(url))),
            Err(Failure::Timeout) => {
                return Err(match deadline {
                    Some(d) if timeout_ms < config.timeout_ms => PceError::timeout(
                        url,
                        "The asynchronous collection",
                        "asyncTimeoutMs",
                        d.limit_ms,
                    ),
                    _ => PceError::timeout(url, "The request", "timeoutMs", config.timeout_ms),
                })
            }
        };
        let Some(delay) = retry_delay_ms(attempt, config.max_retries, wait_secs, Math::random())
        else {
            return Err(error);
        };
        if deadline.is_some_and(|d| Date::now() + delay >= d.at_ms) {
            return Err(error);
        }
        pause(delay, hooks, url).await?;
        attempt += 1;
    }
}
