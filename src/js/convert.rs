//! Results and errors made into JavaScript values: the `PceError` object and the timeline's columns.

use crate::error::PceError;
use crate::timeline::Counted;
use js_sys::{Array, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;

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

/// A counted timeline as the package's JavaScript (`timeline.js`) builds the `Timeline` from:
/// `[startMs, endMs, bucketMs, firstMs, groups, totals, counts, skipped]` (firstMs: the first
/// bucket's aligned start), the counts bucket after bucket. Building the objects there takes one crossing, not one per bucket and group.
pub fn timeline_columns(counted: &Counted) -> JsValue {
    let plan = &counted.plan;
    let groups: Array = counted
        .groups
        .iter()
        .map(|g| JsValue::from_str(g))
        .collect();
    let columns = Array::new();
    columns.push(&(plan.start_ms as f64).into());
    columns.push(&(plan.end_ms as f64).into());
    columns.push(&(plan.bucket_ms as f64).into());
    columns.push(&(plan.first_ms as f64).into());
    columns.push(&groups);
    columns.push(&Uint32Array::from(&counted.totals[..]));
    columns.push(&Uint32Array::from(&counted.counts[..]));
    columns.push(&counted.skipped.into());
    columns.into()
}
