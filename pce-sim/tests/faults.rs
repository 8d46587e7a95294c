//! Each fault kind, and that a fault reaches only the requests it was meant for.

mod common;

use std::time::{Duration, Instant};

use common::{start, Broken};
use serde_json::{json, Value};

const EVENTS: &str = "/api/v2/orgs/1/events";

#[test]
fn respond_replaces_exactly_the_next_matching_requests() {
    let sim = start(&[]);
    sim.fault(
        json!({"kind": "respond", "status": 503, "headers": {"Retry-After": "2"},
                     "body": "[{\"token\":\"service_unavailable\",\"message\":\"down\"}]"}),
    );
    sim.fault(
        json!({"kind": "respond", "status": 502, "body": "<html><body>Bad gateway</body></html>",
                     "path": "/api/v2/orgs/1/jobs/", "times": 2}),
    );
    let r = sim.get(EVENTS);
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.token(), "service_unavailable");
    assert_eq!(sim.get(EVENTS).status, 200, "used up after one request");
    let job = "/api/v2/orgs/1/jobs/00000000-0000-4000-8000-000000000000";
    for _ in 0..2 {
        let r = sim.get(job);
        assert_eq!(r.status, 502);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.text().starts_with("<html>"));
    }
    assert_eq!(sim.get(job).status, 404, "the path fault is used up too");
}

#[test]
fn respond_applies_before_auth_and_takes_any_body() {
    let sim = start(&[]);
    sim.fault(json!({"kind": "respond", "status": 429, "body": ""}));
    sim.fault(json!({"kind": "respond", "status": 200, "body_base64": "/w7/AGdhcmJhZ2U="}));
    sim.fault(json!({"kind": "respond", "status": 200, "body": "{\"not\":\"an array\"}"}));
    sim.fault(json!({"kind": "respond", "status": 202, "body": ""}));
    sim.fault(
        json!({"kind": "respond", "status": 500, "body": "oops", "content_type": "text/x-custom"}),
    );
    let r = sim.raw("GET", EVENTS, &[], None).unwrap();
    assert_eq!(r.status, 429, "before auth");
    assert!(r.body.is_empty() && r.header("retry-after").is_none());
    let r = sim.get(EVENTS);
    assert_eq!(r.body, b"\xff\x0e\xff\x00garbage");
    assert_eq!(r.header("content-length"), Some("11"));
    let r = sim.get(EVENTS);
    assert_eq!(r.json(), json!({"not": "an array"}));
    let r = sim.get_with(EVENTS, &[("Prefer", "respond-async")]);
    assert_eq!(r.status, 202);
    assert!(r.header("location").is_none());
    let r = sim.get(EVENTS);
    assert_eq!(
        (r.status, r.header("content-type")),
        (500, Some("text/x-custom"))
    );
    assert_eq!(sim.get(EVENTS).status, 200);
}

#[test]
fn hang_reset_and_reset_mid_body() {
    let sim = start(&[]);
    sim.fault(json!({"kind": "hang"}));
    let started = Instant::now();
    let r = sim.raw_timeout("GET", EVENTS, &[], None, Duration::from_millis(800));
    assert_eq!(r.unwrap_err(), Broken::Timeout);
    assert!(started.elapsed() >= Duration::from_millis(700));
    assert_eq!(sim.get(EVENTS).status, 200, "the next request is answered");

    sim.fault(json!({"kind": "reset"}));
    assert_eq!(
        sim.raw("GET", EVENTS, &[], None).unwrap_err(),
        Broken::Reset
    );

    sim.fault(json!({"kind": "reset_mid_body"}));
    match sim.raw(
        "GET",
        &format!("{EVENTS}?max_results=50"),
        &[("Authorization", &common::basic(common::KEY, common::SECRET))],
        None,
    ) {
        Err(Broken::Reset) => {}
        Err(Broken::Short { got, want }) => assert!(got < want && want > 10_000, "{got} of {want}"),
        other => panic!("expected a broken body, got {other:?}"),
    }
    assert_eq!(sim.get(EVENTS).status, 200);
}

#[test]
fn slow_and_truncated_bodies() {
    let sim = start(&[]);
    sim.fault(json!({"kind": "slow_body", "chunk_bytes": 2000, "delay_ms": 60}));
    let started = Instant::now();
    let slow = sim.get(&format!("{EVENTS}?max_results=20"));
    let took = started.elapsed();
    let normal = sim.get(&format!("{EVENTS}?max_results=20"));
    assert_eq!(slow.body, normal.body, "the real body, complete");
    let chunks = slow.body.len().div_ceil(2000) as u32;
    assert!(chunks >= 5);
    assert!(
        took >= Duration::from_millis(60) * (chunks - 1),
        "{took:?} for {chunks} chunks"
    );

    sim.fault(json!({"kind": "truncate", "keep_bytes": 100}));
    let cut = sim.get(&format!("{EVENTS}?max_results=20"));
    assert_eq!(cut.status, 200);
    assert_eq!(cut.header("content-length"), Some("100"));
    assert_eq!(cut.body, normal.body[..100]);
    assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
    assert_eq!(cut.total(), 2007, "headers of the real response");

    sim.fault(json!({"kind": "truncate"}));
    let half = sim.get(&format!("{EVENTS}?max_results=20"));
    assert_eq!(half.body.len(), normal.body.len() / 2);
}

#[test]
fn big_body_is_valid_and_large() {
    let sim = start(&[]);
    sim.fault(json!({"kind": "big_body", "bytes": 3_000_000}));
    let r = sim.get(EVENTS);
    assert_eq!(r.status, 200);
    assert!(r.body.len() >= 3_000_000);
    let events = r.json().as_array().unwrap().clone();
    assert_eq!(r.total(), events.len());
    let mut hrefs: Vec<&str> = events.iter().map(|e| e["href"].as_str().unwrap()).collect();
    hrefs.sort_unstable();
    hrefs.dedup();
    assert_eq!(hrefs.len(), events.len(), "distinct events");
    assert!(events
        .iter()
        .all(|e| e["timestamp"].is_string() && e["event_type"].is_string()));
}

#[test]
fn fault_queue_is_listed_cleared_and_validated() {
    let sim = start(&[]);
    sim.fault(json!({"kind": "reset", "times": 3, "path": "/api/v2/orgs/1/datafiles/"}));
    let list = sim.control("GET", "faults", None).json();
    assert_eq!(list[0]["kind"], "reset");
    assert_eq!(list[0]["times"], 3);
    assert_eq!(sim.control("DELETE", "faults", None).status, 204);
    assert_eq!(sim.control("GET", "faults", None).json(), json!([]));
    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "respond", "status": 42}),
        json!({"kind": "hang", "times": 0}),
        json!([1]),
    ] {
        let r = sim.control("POST", "faults", Some(bad.clone()));
        assert_eq!(r.status, 400, "{bad}");
    }
    // Faulted requests are still logged.
    sim.control("DELETE", "requests", None);
    sim.fault(json!({"kind": "reset"}));
    let _ = sim.raw("GET", &format!("{EVENTS}?x=1"), &[], None);
    let log = sim.control("GET", "requests", None).json();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["query"], "x=1");
}
