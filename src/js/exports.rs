//! The exported functions: what `queryEvents`, `countEvents`, `watchEvents`, `eventTimeline`
//! and `isPceError` do once their arguments are read (`getEvent`: get_event.rs).

use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::args::{classify, option_object, prepare, read_options};
use crate::js::calls;
use crate::js::convert::{timeline_columns, to_js};
use crate::js::watch_iterator::{self, WatchSetup};
use crate::query::{EventQuery, QueryFor};
use crate::timeline::{count_columns, TimelineOptions};
use crate::watch::WatchOptions;
use js_sys::{Array, Date, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Runs an Events API query and resolves with the matching events, newest first.
#[wasm_bindgen(js_name = queryEvents, skip_typescript)]
pub async fn query_events(
    config: JsValue,
    query: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let (config, query, hooks) = prepare(&config, &query, QueryFor::Query).map_err(to_js)?;
    calls::query_events(&config, &query, &hooks)
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
    calls::count_events(&config, &query, &hooks)
        .await
        .map(JsValue::from)
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
    watch_iterator::watch(setup)
}

/// Counts events per time bucket and group from columns the package's JavaScript
/// gathered (`eventTimeline` in pkg-template/timeline.js): the timestamps joined by
/// newlines as UTF-8, each event's group index, and the group names; answers the counts
/// as columns (`convert::timeline_columns`). `events` is passed only so that a wrong
/// argument is named here, with every other validation.
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
    // TextEncoder wrote these bytes, so they are UTF-8 unless the events changed meanwhile.
    let timestamps = std::str::from_utf8(timestamps)
        .map_err(|_| PceError::invalid_argument("events", "changed while the timeline was read"))?;
    let names: Vec<String> = names
        .iter()
        .map(|n| n.as_string().unwrap_or_default())
        .collect();
    let counted = count_columns(timestamps, group_of, &names, &options, Date::now() as i64)?;
    Ok(timeline_columns(&counted))
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
