//! The calls of the API: a query, a count, one event, every match (for the watch), several
//! event types merged, and the asynchronous collection, over `send` and `body`.

use crate::async_job::{AsyncCollection, Next};
use crate::collection::{collection_size, grow_collection, parse_total_count};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::body::{events_array, events_from, owned, OwnedKey};
use crate::js::send::{async_timeout, pause, retry_after, send, Deadline, Hooks};
use crate::merge::{merge_newest_first, PageRequest, TypeMerge};
use crate::query::{Bound, EventQuery, MAX_SYNC_RESULTS};
use js_sys::{Array, Date, Object, Reflect, Uint8Array};
use pce_time::parse_rfc3339;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use wasm_bindgen::prelude::*;

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
    Ok(events_array(&url, reply.body, query.expect())?.into())
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
    parse_total_count(reply.header("x-total-count").as_deref())
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
    let total = parse_total_count(reply.header("x-total-count").as_deref());
    let Some(size) = collection_size(events.keys.len() as u64, total) else {
        return Ok(owned(events));
    };
    let mut wanted = query.clone();
    wanted.max_results = size;
    loop {
        let mut result = None;
        collect_async_with(config, &wanted, hooks, &mut |url, body| {
            result = Some(owned(events_from(url, &body.to_vec(), query.expect())?));
            Ok(())
        })
        .await?;
        let (array, keys) = result.unwrap_or_default();
        match grow_collection(wanted.max_results, keys.len()) {
            Some(size) => wanted.max_results = size,
            None => return Ok((array, keys)),
        }
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
fn events_url(config: &Config, query: &EventQuery, max_results: u32) -> String {
    format!(
        "{}?{}",
        config.url(&format!("/orgs/{}/events", config.org_id)),
        query.render(max_results)
    )
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
    keep: &mut dyn FnMut(&str, Uint8Array) -> Result<()>,
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
        200 => return keep(&url, reply.body),
        202 => job.accepted(
            &url,
            reply.header("location").as_deref(),
            retry_after(&reply),
        )?,
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
                keep(&data_url, reply.body)?;
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
