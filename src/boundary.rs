//! The wasm-bindgen boundary: the exported functions, JavaScript options in,
//! `PceError` objects out. Decisions live in the pure modules.

use crate::client::{self, Hooks};
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::href::event_path;
use crate::options::{Options, Value};
use crate::query::{EventQuery, QueryFor};
use crate::timeline::{Counts, Groups, Plan, TimelineOptions};
use crate::watch::WatchOptions;
use crate::watcher::{self, WatchSetup};
use js_sys::{Array, Date, Object, Reflect};
use pce_time::{format_rfc3339_millis, parse_rfc3339};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// Runs an Events API query and resolves with the matching events, newest first.
#[wasm_bindgen(js_name = queryEvents, skip_typescript)]
pub async fn query_events(
    config: JsValue,
    query: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let (config, query, hooks) = prepare(&config, &query, QueryFor::Query).map_err(to_js)?;
    client::query_events(&config, &query, &hooks)
        .await
        .map_err(to_js)
}

/// Resolves with how many events match a query, from one GET with `max_results=0`.
#[wasm_bindgen(js_name = countEvents, skip_typescript)]
pub async fn count_events(
    config: JsValue,
    query: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let (config, query, hooks) = prepare(&config, &query, QueryFor::Count).map_err(to_js)?;
    client::count_events(&config, &query, &hooks)
        .await
        .map(JsValue::from)
        .map_err(to_js)
}

/// Fetches one event by its href or bare id.
#[wasm_bindgen(js_name = getEvent, skip_typescript)]
pub async fn get_event(
    config: JsValue,
    href_or_id: JsValue,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let prepared = (|| {
        let config = Config::parse(&read_options(&config, "config", false)?)?;
        let href_or_id = href_or_id.as_string().ok_or_else(|| {
            PceError::invalid_argument(
                "hrefOrId",
                &format!(
                    "expected a string, got {}",
                    classify(&href_or_id).describe()
                ),
            )
        })?;
        let path = event_path(&href_or_id, config.org_id)?;
        let options_list = read_options(&options, "options", true)?;
        crate::options::check_keys(&options_list, &["signal"], "getEvent")?
            .expect("signal", Value::Signal)?;
        Ok((config, path, hooks_of(&options)))
    })();
    let (config, path, hooks) = prepared.map_err(to_js)?;
    client::get_event(&config, &path, &hooks)
        .await
        .map_err(to_js)
}

/// Starts a live tail: an async iterator of batches of new events, oldest first.
#[wasm_bindgen(js_name = watchEvents, skip_typescript)]
pub fn watch_events(config: JsValue, query: JsValue, options: JsValue) -> JsValue {
    let setup = (|| {
        let config = Config::parse(&read_options(&config, "config", false)?)?;
        let query = EventQuery::parse(&read_options(&query, "query", true)?, QueryFor::Watch)?;
        let watch_options = WatchOptions::parse(&read_options(&options, "options", true)?)?;
        Ok(WatchSetup {
            config,
            query,
            options: watch_options,
            signal: option_object(&options, "signal"),
            on_error: option_object(&options, "onError"),
        })
    })();
    watcher::watch(setup)
}

/// Counts events per time bucket and group from columns the package's JavaScript
/// gathered (`eventTimeline` in pkg-template/timeline.js): the timestamps joined by
/// newlines as UTF-8, each event's group index, and the group names. `events` is passed only so
/// that a wrong argument is named here, with every other validation.
#[wasm_bindgen(js_name = timelineFromColumns, skip_typescript)]
pub fn timeline_from_columns(
    events: JsValue,
    timestamps: &[u8],
    group_of: &[u32],
    names: &Array,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    timeline(&events, timestamps, group_of, names, &options).map_err(to_js)
}

fn timeline(
    events: &JsValue,
    timestamps: &[u8],
    group_of: &[u32],
    names: &Array,
    options: &JsValue,
) -> Result<JsValue> {
    if !Array::is_array(events) {
        return Err(PceError::invalid_argument(
            "events",
            &format!(
                "expected an array of events, got {}",
                classify(events).describe()
            ),
        ));
    }
    let options = TimelineOptions::parse(&read_options(options, "options", true)?)?;
    let changed = || PceError::invalid_argument("events", "changed while the timeline was read");
    // TextEncoder wrote these bytes, so they are UTF-8.
    let timestamps = std::str::from_utf8(timestamps).map_err(|_| changed())?;
    let names: Vec<String> = names
        .iter()
        .map(|n| n.as_string().unwrap_or_default())
        .collect();
    // Groups are registered on first sight among readable events, so the order is theirs.
    let mut groups = Groups::default();
    let mut registered: Vec<Option<usize>> = vec![None; names.len()];
    let mut stamps = timestamps.split('\n');
    let mut read: Vec<Option<(i64, usize)>> = Vec::with_capacity(group_of.len());
    for group in group_of {
        let stamp = stamps.next().ok_or_else(changed)?;
        read.push(parse_rfc3339(stamp).map(|at| {
            let js_index = *group as usize;
            let name = names.get(js_index).map_or("", String::as_str);
            let index = match registered.get_mut(js_index) {
                Some(slot) => *slot.get_or_insert_with(|| groups.index_of(name)),
                None => groups.index_of(name),
            };
            (at.millis(), index)
        }));
    }
    // An empty list sends no bytes, and "" splits into one empty piece.
    if stamps
        .next()
        .is_some_and(|rest| !rest.is_empty() || !group_of.is_empty())
    {
        return Err(changed());
    }
    let (earliest, latest) = read
        .iter()
        .flatten()
        .fold((None, None), |(lo, hi), (at, _)| {
            (
                Some(lo.map_or(*at, |l: i64| l.min(*at))),
                Some(hi.map_or(*at, |h: i64| h.max(*at))),
            )
        });
    let (start, end) = options.window(earliest, latest, Date::now() as i64);
    let plan = Plan::new(start, end, options.bucket_ms)?;
    let mut counts = Counts::new(&plan);
    let mut totals = vec![0u32; plan.count];
    let mut skipped = 0u32;
    for (at, group) in read.iter().map(|r| r.unwrap_or((i64::MIN, 0))) {
        match plan.bucket_of(at) {
            Some(bucket) => {
                counts.add(bucket, group);
                totals[bucket] += 1;
            }
            None => skipped += 1,
        }
    }
    let order = groups.ordered(options.group_by);
    let group_names: Vec<JsValue> = order
        .iter()
        .map(|i| JsValue::from_str(&groups.names[*i]))
        .collect();
    let buckets = Array::new_with_length(plan.count as u32);
    for (bucket, total) in totals.iter().enumerate() {
        let counts_by_group = Object::new();
        for (i, name) in order.iter().zip(&group_names) {
            let _ = Reflect::set(&counts_by_group, name, &counts.get(bucket, *i).into());
        }
        let start_ms = plan.first_ms + bucket as i64 * plan.bucket_ms;
        let entry = Object::new();
        let _ = Reflect::set(&entry, &"start".into(), &iso(start_ms).into());
        let _ = Reflect::set(&entry, &"total".into(), &(*total).into());
        let _ = Reflect::set(&entry, &"counts".into(), &counts_by_group);
        buckets.set(bucket as u32, entry.into());
    }
    let timeline = Object::new();
    let _ = Reflect::set(&timeline, &"start".into(), &iso(plan.start_ms).into());
    let _ = Reflect::set(&timeline, &"end".into(), &iso(plan.end_ms).into());
    let _ = Reflect::set(
        &timeline,
        &"bucketMs".into(),
        &(plan.bucket_ms as f64).into(),
    );
    let _ = Reflect::set(
        &timeline,
        &"groups".into(),
        &group_names.into_iter().collect::<Array>(),
    );
    let _ = Reflect::set(&timeline, &"buckets".into(), &buckets);
    let _ = Reflect::set(&timeline, &"skipped".into(), &skipped.into());
    Ok(timeline.into())
}

fn iso(ms: i64) -> String {
    format_rfc3339_millis(ms).unwrap_or_default()
}

/// Whether a value is an error this package rejected with.
#[wasm_bindgen(js_name = isPceError, skip_typescript)]
pub fn is_pce_error(value: &JsValue) -> bool {
    value.dyn_ref::<js_sys::Error>().is_some_and(|e| {
        e.name() == "PceError"
            && Reflect::get(e, &JsValue::from_str("kind"))
                .ok()
                .and_then(|k| k.as_string())
                .is_some()
    })
}

fn prepare(
    config: &JsValue,
    query: &JsValue,
    purpose: QueryFor,
) -> Result<(Config, EventQuery, Hooks)> {
    let config = Config::parse(&read_options(config, "config", false)?)?;
    let parsed = EventQuery::parse(&read_options(query, "query", true)?, purpose)?;
    Ok((config, parsed, hooks_of(query)))
}

/// The signal and progress callback of an options object already validated.
fn hooks_of(options: &JsValue) -> Hooks {
    Hooks {
        signal: option_object(options, "signal"),
        on_progress: option_object(options, "onProgress"),
    }
}

/// An option of an already validated options object, if present and of type `T`.
fn option_object<T: JsCast>(options: &JsValue, key: &str) -> Option<T> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(key))
        .ok()?
        .dyn_into::<T>()
        .ok()
}

/// Reads an options object's own enumerable keys and classifies their values.
pub fn read_options(value: &JsValue, name: &str, optional: bool) -> Result<Options> {
    if optional && value.is_undefined() {
        return Ok(Vec::new());
    }
    let object = match classify(value) {
        Value::Other("object") => value.unchecked_ref::<Object>(),
        other => {
            return Err(PceError::invalid_argument(
                name,
                &format!("expected an object, got {}", other.describe()),
            ))
        }
    };
    let mut options = Vec::new();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        let value = Reflect::get(object, &JsValue::from_str(&key))
            .map_err(|_| PceError::invalid_argument(&key, "reading it threw"))?;
        options.push((key, classify(&value)));
    }
    Ok(options)
}

/// What kind of JavaScript value this is, as the pure core sees it; an array's elements too.
pub fn classify(value: &JsValue) -> Value {
    match value.dyn_ref::<Array>() {
        Some(array) => Value::Array(array.iter().map(|item| classify_flat(&item)).collect()),
        None => classify_flat(value),
    }
}

/// `classify` one level deep: an array inside an array is only named.
fn classify_flat(value: &JsValue) -> Value {
    if value.is_undefined() {
        Value::Undefined
    } else if value.is_null() {
        Value::Null
    } else if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Value::Number(n)
    } else if let Some(s) = value.as_string() {
        Value::String(s)
    } else if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        Value::Date(date.get_time())
    } else if value.dyn_ref::<AbortSignal>().is_some() {
        Value::Signal
    } else if value.is_function() {
        Value::Function
    } else if value.is_bigint() {
        Value::Other("bigint")
    } else if value.is_symbol() {
        Value::Other("symbol")
    } else if Array::is_array(value) {
        Value::Other("array")
    } else {
        Value::Other("object")
    }
}

/// Makes the JavaScript `PceError`: an `Error` named "PceError" with the contract's fields.
pub fn to_js(error: PceError) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    js.set_name("PceError");
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("kind", error.kind.as_str().into());
    if let Some(status) = error.status {
        set("status", status.into());
    }
    if let Some(token) = error.token {
        set("token", token.into());
    }
    if let Some(message) = error.pce_message {
        set("pceMessage", message.into());
    }
    if let Some(seconds) = error.retry_after {
        set("retryAfter", seconds.into());
    }
    if let Some(url) = error.url {
        set("url", url.into());
    }
    js.into()
}
