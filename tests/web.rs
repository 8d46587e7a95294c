//! The wasm-bindgen boundary against a running pce-sim, in Node and in headless Chrome.
//! scripts/wasm-tests.sh starts the simulator (with `--cors`, since the browser test page is
//! served from another origin) and passes its URL in `PCE_SIM_URL` at compile time:
//! `wasm-pack test --node` and `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use illumio_events::js::exports::{count_events, is_pce_error, query_events};
use illumio_events::js::get_event::{get_event_path, get_event_reply, get_event_settings};
use js_sys::{Array, Promise, Reflect, JSON};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/src/js/transport.js")]
extern "C" {
    fn exchange(
        url: &str,
        authorization: Option<String>,
        prefer_async: bool,
        timeout_ms: f64,
        signal: JsValue,
    ) -> Promise;
}

/// `getEvent` as pkg-template/get-event.js drives the wasm's steps, for one attempt (these
/// tests fault nothing).
async fn get_event(
    config: JsValue,
    href_or_id: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let settings = get_event_settings(&config)?;
    let org_id = get(&settings, "orgId").as_f64().unwrap_or_default();
    let url = string(&settings, "apiRoot") + &get_event_path(org_id, &href_or_id, &options)?;
    let authorization = get(&settings, "authorization").as_string();
    let answer = JsFuture::from(exchange(
        &url,
        authorization,
        false,
        30000.0,
        JsValue::UNDEFINED,
    ))
    .await?;
    get_event_reply(&url.into(), answer, 0, 0, 30000.0, JsValue::UNDEFINED)
}

/// The credentials scripts/wasm-tests.sh gives the simulator.
const API_KEY: &str = "api_0123456789abcdef";
const API_SECRET: &str = "wasm-test-secret";

/// A value scripts/wasm-tests.sh passes at compile time; a test built without it fails.
fn from_script(value: Option<&'static str>, name: &str) -> &'static str {
    match value {
        Some(value) => value,
        None => panic!("{name} is unset: run these tests through scripts/wasm-tests.sh"),
    }
}

fn sim_url() -> &'static str {
    from_script(option_env!("PCE_SIM_URL"), "PCE_SIM_URL")
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|_| panic!("bad test JSON: {json}"))
}

fn config() -> JsValue {
    js(&format!(
        r#"{{"url": "{}", "orgId": 1, "apiKey": "{API_KEY}", "apiSecret": "{API_SECRET}", "maxRetries": 0}}"#,
        sim_url()
    ))
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn string(value: &JsValue, key: &str) -> String {
    get(value, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

/// Checks a rejection is a PceError of this kind and returns it.
fn pce_error(result: Result<JsValue, JsValue>, kind: &str) -> JsValue {
    let error = result.expect_err("the call resolved, but a rejection was expected");
    assert!(is_pce_error(&error), "not a PceError: {error:?}");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(string(&error, "name"), "PceError");
    assert_eq!(
        string(&error, "kind"),
        kind,
        "{}",
        string(&error, "message")
    );
    error
}

#[wasm_bindgen_test]
async fn query_events_resolves_events_as_the_pce_sent_them() {
    let events = query_events(config(), js(r#"{"maxResults": 5}"#))
        .await
        .expect("queryEvents rejected");
    assert!(Array::is_array(&events));
    let events = Array::from(&events);
    assert_eq!(events.length(), 5);
    for event in events.iter() {
        assert!(string(&event, "href").starts_with("/orgs/1/events/"));
        assert!(!string(&event, "timestamp").is_empty());
        assert!(string(&event, "event_type").contains('.'));
        // snake_case wire names, untouched
        assert!(get(&event, "created_by").is_object());
        assert!(get(&event, "createdBy").is_undefined());
    }
}

#[wasm_bindgen_test]
async fn count_events_matches_the_events_a_query_returns() {
    let filter = r#"{"severity": "err"}"#;
    let count = count_events(config(), js(filter))
        .await
        .expect("countEvents rejected");
    let count = count.as_f64().expect("countEvents resolved with no number");
    assert!(count >= 1.0, "the simulator has no err events");
    let events = query_events(config(), js(r#"{"severity": "err", "maxResults": 10000}"#))
        .await
        .expect("queryEvents rejected");
    let events = Array::from(&events);
    assert_eq!(f64::from(events.length()), count);
    assert!(events.iter().all(|e| string(&e, "severity") == "err"));
}

#[wasm_bindgen_test]
async fn get_event_fetches_an_event_by_href_and_by_id() {
    let first = Array::from(
        &query_events(config(), js(r#"{"maxResults": 1}"#))
            .await
            .expect("queryEvents rejected"),
    )
    .get(0);
    let href = string(&first, "href");
    let by_href = get_event(config(), JsValue::from_str(&href), JsValue::UNDEFINED)
        .await
        .expect("getEvent by href rejected");
    assert_eq!(string(&by_href, "href"), href);
    assert_eq!(string(&by_href, "timestamp"), string(&first, "timestamp"));
    let id = href.rsplit('/').next().unwrap_or_default();
    let by_id = get_event(config(), JsValue::from_str(id), JsValue::UNDEFINED)
        .await
        .expect("getEvent by id rejected");
    assert_eq!(string(&by_id, "href"), href);
}

#[wasm_bindgen_test]
async fn a_misspelt_option_is_an_invalid_argument_naming_it() {
    let error = pce_error(
        query_events(config(), js(r#"{"evenType": "user.sign_in"}"#)).await,
        "invalid_argument",
    );
    assert!(string(&error, "message").contains("evenType"));
    let error = pce_error(
        query_events(config(), js(r#"{"severity": "error"}"#)).await,
        "invalid_argument",
    );
    assert!(string(&error, "message").contains("severity"));
    let bad_config = js(&format!(r#"{{"url": "{}", "orgId": "1"}}"#, sim_url()));
    let error = pce_error(
        count_events(bad_config, JsValue::UNDEFINED).await,
        "invalid_argument",
    );
    assert!(string(&error, "message").contains("orgId"));
    let error = pce_error(
        get_event(
            config(),
            JsValue::from_str("../users/1"),
            JsValue::UNDEFINED,
        )
        .await,
        "invalid_argument",
    );
    assert!(string(&error, "message").contains("hrefOrId"));
    let error = pce_error(
        get_event(config(), JsValue::from_f64(7.0), JsValue::UNDEFINED).await,
        "invalid_argument",
    );
    assert!(string(&error, "message").contains("hrefOrId"));
}

#[wasm_bindgen_test]
async fn a_missing_event_is_an_http_404_with_its_url() {
    let error = pce_error(
        get_event(
            config(),
            JsValue::from_str("no-such-event-0000"),
            JsValue::UNDEFINED,
        )
        .await,
        "http",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(404.0));
    let url = string(&error, "url");
    assert_eq!(
        url,
        format!("{}/api/v2/orgs/1/events/no-such-event-0000", sim_url())
    );
    assert!(!string(&error, "message").contains(API_SECRET));
}

#[wasm_bindgen_test]
async fn wrong_credentials_are_an_http_401_without_the_secret() {
    let config = js(&format!(
        r#"{{"url": "{}", "orgId": 1, "apiKey": "{API_KEY}", "apiSecret": "not-the-secret", "maxRetries": 0}}"#,
        sim_url()
    ));
    let error = pce_error(query_events(config, JsValue::UNDEFINED).await, "http");
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert!(!string(&error, "message").contains("not-the-secret"));
    assert!(!string(&error, "url").contains("not-the-secret"));
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_network_error_and_the_next_call_works() {
    // scripts/wasm-tests.sh picks a port nothing listens on.
    let closed = from_script(option_env!("PCE_CLOSED_URL"), "PCE_CLOSED_URL");
    let config = js(&format!(
        r#"{{"url": "{closed}", "orgId": 1, "maxRetries": 0, "timeoutMs": 5000}}"#
    ));
    pce_error(count_events(config, JsValue::UNDEFINED).await, "network");
    let count = count_events(self::config(), JsValue::UNDEFINED)
        .await
        .expect("countEvents after a failure rejected");
    assert!(count.as_f64().is_some_and(|n| n > 0.0));
}

#[wasm_bindgen_test]
fn is_pce_error_rejects_other_values() {
    assert!(!is_pce_error(&js_sys::Error::new("plain").into()));
    assert!(!is_pce_error(&JsValue::from_str("PceError")));
    assert!(!is_pce_error(&js(
        r#"{"name": "PceError", "kind": "http"}"#
    )));
    assert!(!is_pce_error(&JsValue::UNDEFINED));
}
