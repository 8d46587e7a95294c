//! The calls of the API, driving the pure core over the transport: retries,
//! the asynchronous collection, and the one `JSON.parse` that makes the events.

use crate::async_job::{AsyncCollection, Next};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::event::{check_event, check_events_matching, EventKey, Expect};
use crate::merge::{merge_newest_first, PageRequest, TypeMerge};
use crate::query::{parse_total_count, Bound, EventQuery, MAX_SYNC_RESULTS};
use crate::retry::{is_retryable_status, parse_retry_after, retry_delay_ms};
use crate::transport::{self, Failure, Get, Reply};
use js_sys::{Array, Date, Function, Math, Object, Reflect, Uint8Array};
use pce_time::parse_rfc3339;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
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

/// How many requests of one call may be in flight at once.
const MAX_IN_FLIGHT: usize = 6;

/// `queryEvents`: one GET up to 10000 events, the asynchronous collection above;
/// several event types are asked one by one and merged (`merge::TypeMerge`).
pub async fn query_events(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<JsValue> {
    if query.event_types.len() > 1 {
        return query_types(config, query, hooks).await.map(JsValue::from);
    }
    if query.needs_async() {
        return collect_async(config, query, hooks).await.map(JsValue::from);
    }
    let url = events_url(config, query, query.max_results);
    let reply = send(config, &url, false, hooks, None).await?;
    Ok(events_array(&url, &reply.body, query.expect())?.into())
}

/// `countEvents`: one GET with `max_results=0` a type, reading `X-Total-Count`.
pub async fn count_events(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<f64> {
    Ok(count_each(config, &query.per_type(), hooks)
        .await?
        .iter()
        .sum::<u64>() as f64)
}

/// The count of each query, at most `MAX_IN_FLIGHT` at once.
async fn count_each(config: &Config, queries: &[EventQuery], hooks: &Hooks) -> Result<Vec<u64>> {
    in_batches(
        queries
            .iter()
            .map(|q| Box::pin(count(config, q, hooks)) as Pending<'_, u64>)
            .collect(),
    )
    .await
}

async fn count(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<u64> {
    let url = events_url(config, query, 0);
    let reply = send(config, &url, false, hooks, None).await?;
    parse_total_count(reply.total_count.as_deref())
        .ok_or_else(|| PceError::invalid_response(&url, "no integer X-Total-Count header"))
}

/// The newest `max_results` events of several types: counted first, then fetched in pages
/// sized by those counts, so about `max_results` events are downloaded, not every match.
async fn query_types(config: &Config, query: &EventQuery, hooks: &Hooks) -> Result<Array> {
    let kinds = query.per_type();
    let mut merge = TypeMerge::new(&count_each(config, &kinds, hooks).await?, query.max_results);
    let mut arrays: Vec<Vec<Array>> = vec![Vec::new(); kinds.len()];
    loop {
        let requests = merge.next_requests();
        if requests.is_empty() {
            break;
        }
        let pages: Vec<EventQuery> = requests
            .iter()
            .map(|r| page_query(&kinds[r.kind], r))
            .collect();
        let answers = fetch_each(config, &pages, hooks, false).await?;
        for (request, (array, keys)) in requests.iter().zip(answers) {
            merge.add_page(request, keys);
            arrays[request.kind].push(array);
        }
    }
    Ok(merge
        .result()
        .into_iter()
        .map(|(kind, page, index)| arrays[kind][page].get(index as u32))
        .collect())
}

/// The query of one page of a type: its own filters, narrowed and sized by the plan.
fn page_query(kind: &EventQuery, request: &PageRequest) -> EventQuery {
    let mut page = kind.clone();
    if let Some(until) = &request.until {
        page.until = parse_rfc3339(until).map(|at| Bound {
            text: until.clone(),
            at,
        });
    }
    page.max_results = request.max_results;
    page
}

/// A request of a batch, boxed so that one instance of `in_batches` serves each result type.
type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + 'a>>;

/// Each query's events with their keys, at most `MAX_IN_FLIGHT` at once: a page of
/// `max_results` (`fetch_page`), or every match (`fetch_all_of_type`) when `all`.
async fn fetch_each(
    config: &Config,
    queries: &[EventQuery],
    hooks: &Hooks,
    all: bool,
) -> Result<Vec<(Array, Vec<OwnedKey>)>> {
    in_batches(
        queries
            .iter()
            .map(|q| {
                if all {
                    Box::pin(fetch_all_of_type(config, q, hooks)) as Pending<'_, _>
                } else {
                    Box::pin(fetch_page(config, q, hooks))
                }
            })
            .collect(),
    )
    .await
}

/// The newest `query.max_results` events of one query with their keys: one GET, or the
/// asynchronous collection above 10000.
async fn fetch_page(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<(Array, Vec<OwnedKey>)> {
    if !query.needs_async() {
        let url = events_url(config, query, query.max_results);
        let reply = send(config, &url, false, hooks, None).await?;
        return Ok(owned(events_from(&url, &reply.bytes(), query.expect())?));
    }
    let mut result = None;
    collect_async_with(config, query, hooks, &mut |url, body| {
        result = Some(owned(events_from(url, &body.to_vec(), query.expect())?));
        Ok(())
    })
    .await?;
    let (array, mut keys) = result.unwrap_or_default();
    if keys.len() > query.max_results as usize {
        keys.truncate(query.max_results as usize);
        array.set_length(query.max_results);
    }
    Ok((array, keys))
}

/// Polls the futures at most `MAX_IN_FLIGHT` at once (a future sends nothing before it is
/// polled) and collects their results in order; the first error wins and drops the rest.
async fn in_batches<T>(futures: Vec<Pending<'_, T>>) -> Result<Vec<T>> {
    let mut results = Vec::with_capacity(futures.len());
    let mut futures = futures.into_iter().peekable();
    while futures.peek().is_some() {
        let mut running: Vec<Pending<'_, T>> = futures.by_ref().take(MAX_IN_FLIGHT).collect();
        let mut done: Vec<Option<T>> = running.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            for (future, slot) in running.iter_mut().zip(done.iter_mut()) {
                if slot.is_none() {
                    if let Poll::Ready(result) = future.as_mut().poll(cx) {
                        *slot = Some(result?);
                    }
                }
            }
            if done.iter().all(Option::is_some) {
                Poll::Ready(Ok::<(), PceError>(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        results.extend(done.into_iter().flatten());
    }
    Ok(results)
}

/// Every event matching `query`, however many, newest first (several types merged).
pub async fn fetch_all(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<(Array, Vec<OwnedKey>)> {
    if query.event_types.len() <= 1 {
        return fetch_all_of_type(config, query, hooks).await;
    }
    let per_type = fetch_each(config, &query.per_type(), hooks, true).await?;
    let pages: Vec<Vec<Vec<OwnedKey>>> = per_type.iter().map(|(_, k)| vec![k.clone()]).collect();
    let merged = merge_newest_first(&pages);
    let array = merged
        .iter()
        .map(|(kind, _, index)| per_type[*kind].0.get(*index as u32))
        .collect();
    let keys = merged
        .iter()
        .map(|(kind, _, index)| per_type[*kind].1[*index].clone())
        .collect();
    Ok((array, keys))
}

/// Every event matching a query of at most one type: one GET when it holds them all
/// (by `X-Total-Count`), else the asynchronous collection, grown until nothing is cut.
async fn fetch_all_of_type(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<(Array, Vec<OwnedKey>)> {
    let url = events_url(config, query, MAX_SYNC_RESULTS);
    let reply = send(config, &url, false, hooks, None).await?;
    let body = reply.bytes();
    let events = events_from(&url, &body, query.expect())?;
    let got = events.keys.len() as u64;
    let total = parse_total_count(reply.total_count.as_deref());
    if got < u64::from(MAX_SYNC_RESULTS) && total.is_none_or(|t| t <= got) {
        return Ok(owned(events));
    }
    let mut wanted = query.clone();
    // Headroom for events that arrive between the count and the job.
    wanted.max_results = u32::try_from(total.unwrap_or(got).max(got) + u64::from(MAX_SYNC_RESULTS))
        .unwrap_or(u32::MAX);
    loop {
        let mut result = None;
        collect_async_with(config, &wanted, hooks, &mut |url, body| {
            result = Some(owned(events_from(url, &body.to_vec(), query.expect())?));
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

/// The timestamp of the newest event matching `query` (over all its types), if any.
pub async fn first_timestamp(
    config: &Config,
    query: &EventQuery,
    hooks: &Hooks,
) -> Result<Option<String>> {
    let mut newest: Vec<EventQuery> = query.per_type();
    for q in &mut newest {
        q.max_results = 1;
    }
    let answers = fetch_each(config, &newest, hooks, false).await?;
    Ok(answers
        .into_iter()
        .filter_map(|(_, keys)| keys.into_iter().next().map(|(_, ts)| ts))
        .max_by_key(|ts| parse_rfc3339(ts)))
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
pub fn events_array(url: &str, body: &Uint8Array, expect: Expect<'_>) -> Result<Array> {
    match parse_checked(body, expect) {
        Some(array) => Ok(array),
        None => events_from(url, &body.to_vec(), expect).map(|events| events.array),
    }
}

fn parse_checked(body: &Uint8Array, expect: Expect<'_>) -> Option<Array> {
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
            && matches_filters(event, expect)
    };
    (0..array.length())
        .all(|i| valid(&array.get(i)))
        .then_some(array)
}

/// Whether a parsed event matches the filters the package checks (as `event::Expect` reads them
/// from the bytes; an event failing here goes to that check, which names the filter).
fn matches_filters(event: &JsValue, expect: Expect<'_>) -> bool {
    let text_is = |object: &JsValue, key: &str, wanted: &str| {
        Reflect::get(object, &key.into()).is_ok_and(|v| v.as_string().as_deref() == Some(wanted))
    };
    let fqdn_ok = expect
        .pce_fqdn
        .is_none_or(|wanted| text_is(event, "pce_fqdn", wanted));
    let creator_ok = expect.created_by.is_none_or(|wanted| {
        Reflect::get(event, &"created_by".into())
            .ok()
            .filter(|kinds| kinds.is_object() && !Array::is_array(kinds))
            .is_some_and(|kinds| {
                Object::values(kinds.unchecked_ref::<Object>())
                    .iter()
                    .any(|creator| {
                        creator.is_object()
                            && ["href", "username", "hostname"]
                                .iter()
                                .any(|key| text_is(&creator, key, wanted))
                    })
            })
    });
    fqdn_ok && creator_ok
}

/// Checks a collection body and materialises it with `JSON.parse`.
pub fn events_from<'b>(url: &str, body: &'b [u8], expect: Expect<'_>) -> Result<Events<'b>> {
    let text = utf8(url, body)?;
    let keys =
        check_events_matching(text, expect).map_err(|p| PceError::invalid_response(url, &p))?;
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
    collect_async_with(config, query, hooks, &mut |url, body| {
        result = Some(events_array(url, body, query.expect())?);
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
    // A trait object, not a generic: each instance of this state machine costs wasm bytes.
    keep: &mut dyn FnMut(&str, &Uint8Array) -> Result<()>,
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
