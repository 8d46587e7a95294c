//! The body checks against serde_json's own reading of the same bytes.
//!
//! Properties: no panic on any input; where serde_json can build the whole value,
//! `check_events` / `check_event` accept exactly the bodies the contract allows
//! (an array of objects / one object, each with string `href`, `timestamp` and
//! `event_type`, the last of repeated keys winning as in `JSON.parse`) and return
//! those fields as sent.
#![no_main]

use illumio_events::event::{check_event, check_events, EventKey};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// What the contract says about one value: its key, or `None` if it is not a valid event.
fn expected_key(value: &Value) -> Option<(String, String)> {
    let object = value.as_object()?;
    let field = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_string);
    let href = field("href")?;
    let timestamp = field("timestamp")?;
    field("event_type")?;
    Some((href, timestamp))
}

fn same(key: &EventKey<'_>, expected: &(String, String)) -> bool {
    key.href == expected.0 && key.timestamp == expected.1
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let collection = check_events(text);
    let one = check_event(text);
    if let Err(message) = &collection {
        assert!(!message.is_empty());
    }
    if let Err(message) = &one {
        assert!(!message.is_empty());
    }
    // serde_json::Value stops at 128 levels and refuses numbers beyond f64; the
    // checks skip such values as JSON.parse reads them, so compare only where Value succeeds.
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    match (&value, &collection) {
        (Value::Array(items), Ok(keys)) => {
            assert_eq!(items.len(), keys.len(), "one key per event");
            for (item, key) in items.iter().zip(keys) {
                let expected = expected_key(item).expect("an accepted event has the three fields");
                assert!(same(key, &expected), "{key:?} != {expected:?}");
            }
        }
        (Value::Array(items), Err(e)) => {
            assert!(
                items.iter().any(|i| expected_key(i).is_none()),
                "a valid collection was refused: {e}"
            );
        }
        (_, Ok(_)) => panic!("a body that is not an array was accepted as a collection"),
        (_, Err(_)) => {}
    }
    match (expected_key(&value), &one) {
        (Some(expected), Ok(key)) => assert!(same(key, &expected), "{key:?} != {expected:?}"),
        (Some(_), Err(e)) => panic!("a valid event was refused: {e}"),
        (None, Ok(key)) => panic!("an invalid event was accepted: {key:?}"),
        (None, Err(_)) => {}
    }
});
