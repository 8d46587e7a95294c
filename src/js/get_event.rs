//! `getEvent` in synchronous steps that the package's JavaScript drives
//! (pkg-template/get-event.js): an async export's promise, closures and crossings, and
//! reading the config anew each call, made a small call 1.15x to 1.31x of fetch +
//! JSON.parse, while the same request sent from JavaScript measured 1.0x to 1.04x. Every
//! decision stays here: the config and arguments, the URL, the request budget, whether and
//! when to retry, the error and the check of the event.

use crate::arguments::Value;
use crate::config::Config;
use crate::error::{PceError, Result};
use crate::href::event_path;
use crate::js::args::{classify, read_options};
use crate::js::body::{event_from_bytes, is_event_object};
use crate::js::convert::to_js;
use crate::js::send::{budget_index, judge, turn_wait, Limits, Verdict};
use crate::js::transport::reply_of;
use crate::retry::is_success;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// Checks a `PceConfig` and answers what `getEvent` sends with: `{ apiRoot, orgId,
/// authorization, timeoutMs, maxRetries, budget, requestsPerMinute }` (`budget` numbers the
/// PCE's request budget for `requestTurn`). The package reuses it while the config object's
/// own keys and values stay the same.
#[wasm_bindgen(js_name = getEventSettings, skip_typescript)]
pub fn get_event_settings(config: &JsValue) -> std::result::Result<JsValue, JsValue> {
    let config = read_options(config, "config", false)
        .and_then(|options| Config::parse(&options))
        .map_err(to_js)?;
    let settings = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&settings, &JsValue::from_str(key), &value);
    };
    set("apiRoot", config.api_root.into());
    set("orgId", (config.org_id as f64).into());
    set("authorization", config.authorization.into());
    set("timeoutMs", config.timeout_ms.into());
    set("maxRetries", config.max_retries.into());
    set("budget", (budget_index(&config.budget_key) as f64).into());
    set("requestsPerMinute", config.requests_per_minute.into());
    Ok(settings.into())
}

/// Checks `getEvent`'s other arguments and answers the event's path under the API root.
#[wasm_bindgen(js_name = getEventPath, skip_typescript)]
pub fn get_event_path(
    org_id: f64,
    href_or_id: &JsValue,
    options: &JsValue,
) -> std::result::Result<String, JsValue> {
    checked_path(org_id as u64, href_or_id, options).map_err(to_js)
}

fn checked_path(org_id: u64, href_or_id: &JsValue, options: &JsValue) -> Result<String> {
    let href_or_id = href_or_id.as_string().ok_or_else(|| {
        PceError::invalid_argument(
            "hrefOrId",
            &format!("expected a string, got {}", classify(href_or_id).describe()),
        )
    })?;
    let path = event_path(&href_or_id, org_id)?;
    let options = read_options(options, "options", true)?;
    crate::arguments::check_keys(&options, &["signal"], "getEvent")?
        .expect("signal", Value::Signal)?;
    Ok(path)
}

/// How many ms one more request must wait to keep the PCE's key under `requestsPerMinute`
/// (its `budget`, shared with every other call); 0 means it was counted and may go now.
#[wasm_bindgen(js_name = requestTurn, skip_typescript)]
pub fn request_turn(budget: usize, per_minute: u32) -> f64 {
    turn_wait(budget, per_minute)
}

/// Judges attempt number `attempt` (from 0) from what `exchange` resolved with and what
/// `JSON.parse` made of its body (`undefined` if it threw): the event, or how many ms to wait
/// before the next attempt; throws the call's error.
#[wasm_bindgen(js_name = getEventReply, skip_typescript)]
pub fn get_event_reply(
    url: &JsValue,
    answer: JsValue,
    attempt: u32,
    max_retries: u32,
    timeout_ms: f64,
    parsed: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    let outcome = reply_of(answer);
    // The URL is copied into wasm only for a message: never when the event arrived whole.
    if outcome
        .as_ref()
        .is_ok_and(|reply| is_success(reply.status) && is_event_object(&parsed))
    {
        return Ok(parsed);
    }
    let url = url.as_string().unwrap_or_default();
    let limits = Limits {
        max_retries,
        timeout_ms,
        deadline: None,
    };
    match judge(&url, outcome, attempt, &limits, timeout_ms) {
        Verdict::Done(reply) => event_from_bytes(&url, reply.body).map_err(to_js),
        Verdict::Retry(delay_ms) => Ok(delay_ms.into()),
        Verdict::Fail(error) => Err(to_js(error)),
    }
}
