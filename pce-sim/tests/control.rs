//! The control endpoints: request log, injection, clock, stats; and rate limiting.

mod common;

use std::time::Duration;

use common::{basic, start, start_raw, wait_for, KEY, SECRET};
use serde_json::{json, Value};

const EVENTS: &str = "/api/v2/orgs/1/events";

#[test]
fn request_log_records_what_was_sent() {
    let sim = start(&[]);
    let auth = basic(KEY, SECRET);
    sim.raw(
        "GET",
        "/api/v2/orgs/1/events?timestamp%5Bgte%5D=2026-03-01T00%3A00%3A00Z&max_results=5",
        &[
            ("Authorization", &auth),
            ("Accept", "application/json"),
            ("X-Extra", "one"),
            ("x-extra", "two"),
        ],
        None,
    )
    .unwrap();
    sim.raw("GET", "/api/v2/system_events/abc", &[], None)
        .unwrap();
    sim.control("GET", "stats", None);
    let log = sim.control("GET", "requests", None).json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "control requests are not logged: {log:?}");
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], "/api/v2/orgs/1/events");
    assert_eq!(
        log[0]["query"],
        "timestamp%5Bgte%5D=2026-03-01T00%3A00%3A00Z&max_results=5"
    );
    assert_eq!(log[0]["headers"]["authorization"], auth.as_str());
    assert_eq!(log[0]["headers"]["accept"], "application/json");
    assert_eq!(log[0]["headers"]["x-extra"], "one, two");
    assert_eq!(log[0]["headers"]["host"], sim.addr.as_str());
    assert_eq!(log[1]["path"], "/api/v2/system_events/abc");
    assert_eq!(log[1]["query"], "");
    let stats = sim.control("GET", "stats", None).json();
    assert_eq!(stats["requests"], 2);
    assert_eq!(stats["events"], 2007);
    assert_eq!(sim.control("DELETE", "requests", None).status, 204);
    assert_eq!(sim.control("GET", "requests", None).json(), json!([]));
}

#[test]
fn control_needs_the_flag() {
    let sim = start_raw(&["--listen", "127.0.0.1:0", "--events", "10"]);
    let r = sim.raw("GET", "/_sim/requests", &[], None).unwrap();
    assert_eq!(r.status, 404);
    let r = sim
        .raw("POST", "/_sim/faults", &[], Some(br#"{"kind":"reset"}"#))
        .unwrap();
    assert_eq!(r.status, 404);
}

#[test]
fn injected_events_are_served_verbatim_and_in_order() {
    let sim = start(&[]);
    let event = json!({"href": "/orgs/1/events/11111111-2222-4333-8444-555555555555",
                       "timestamp": "2026-03-10T11:59:59.999Z", "pce_fqdn": "pce.company.com",
                       "created_by": {"robot": {"name": "r2"}}, "event_type": "custom.thing",
                       "status": null, "severity": "brand_new", "action": null,
                       "resource_changes": [], "notifications": [], "extra": {"n": 1}});
    let r = sim.control("POST", "events", Some(json!({"events": [event.clone()]})));
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([event.clone()]));
    let got = sim.get("/api/v2/orgs/1/events/11111111-2222-4333-8444-555555555555");
    assert_eq!(got.json(), event);
    // Sent with its own key order (json! sorts keys, so write the text by hand).
    let text = r#"{"events": [{"zz": 1, "href": "/orgs/1/events/21111111-2222-4333-8444-555555555555", "timestamp": "2026-03-01T00:00:00.5Z"}]}"#;
    let r = sim
        .raw(
            "POST",
            "/_sim/events",
            &[
                ("Content-Type", "application/json"),
                ("X-Pce-Sim-Token", &sim.token),
            ],
            Some(text.as_bytes()),
        )
        .unwrap();
    assert_eq!(r.status, 200);
    let got = sim.get("/api/v2/orgs/1/events/21111111-2222-4333-8444-555555555555");
    assert_eq!(
        got.text(),
        r#"{"zz":1,"href":"/orgs/1/events/21111111-2222-4333-8444-555555555555","timestamp":"2026-03-01T00:00:00.5Z"}"#
    );
    let newest = sim.get(&format!("{EVENTS}?max_results=1"));
    assert_eq!(newest.json()[0], event);
    assert_eq!(newest.total(), 2009);

    // An old timestamp appears late: now visible in its place in time.
    let late = json!({"href": "/orgs/1/events/99999999-2222-4333-8444-555555555555",
                      "timestamp": "2026-03-01T00:00:00Z", "event_type": "late.event"});
    sim.control("POST", "events", Some(json!({"events": [late]})));
    let r = sim.get(&format!("{EVENTS}?event_type=late.event"));
    assert_eq!(r.total(), 1);

    for bad in [
        json!({"events": [{"href": 1, "timestamp": "2026-03-01T00:00:00Z"}]}),
        json!({"events": [{"href": "/x", "timestamp": "soon"}]}),
        json!({"nothing": true}),
        json!({"generate": 2, "timestamp": "nope"}),
    ] {
        assert_eq!(
            sim.control("POST", "events", Some(bad.clone())).status,
            400,
            "{bad}"
        );
    }
}

#[test]
fn generated_injection_with_overrides_and_ties() {
    let sim = start(&[]);
    let r = sim.control(
        "POST",
        "events",
        Some(json!({"generate": 5, "timestamp": "2026-03-10T12:30:00Z",
                    "overrides": {"event_type": "agent.tampering", "severity": "err"}})),
    );
    assert_eq!(r.status, 200);
    let made = r.json().as_array().unwrap().clone();
    assert_eq!(made.len(), 5);
    assert!(made
        .iter()
        .all(|e| e["timestamp"] == "2026-03-10T12:30:00.000Z"
            && e["event_type"] == "agent.tampering"));
    let q = sim.get(&format!("{EVENTS}?timestamp[gte]=2026-03-10T12:30:00Z"));
    assert_eq!(q.total(), 5);
    let first = q.body.clone();
    assert_eq!(
        sim.get(&format!("{EVENTS}?timestamp[gte]=2026-03-10T12:30:00Z"))
            .body,
        first,
        "ties keep a stable order"
    );

    let r = sim.control(
        "POST",
        "events",
        Some(json!({"generate": 3, "timestamp": "2026-03-10T13:00:00Z", "spread_ms": 2000})),
    );
    let stamps: Vec<Value> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["timestamp"].clone())
        .collect();
    assert_eq!(
        stamps,
        vec![
            json!("2026-03-10T13:00:00.000Z"),
            json!("2026-03-10T13:00:01.000Z"),
            json!("2026-03-10T13:00:02.000Z")
        ]
    );

    // Without a timestamp, events are made at the simulated now.
    let r = sim.control("POST", "events", Some(json!({"generate": 1})));
    assert!(r.json()[0]["timestamp"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-10T12:0"));
    assert_eq!(sim.control("GET", "stats", None).json()["events"], 2007 + 9);
}

#[test]
fn clock_moves() {
    let sim = start(&[]);
    let now = sim.control("GET", "clock", None).json();
    assert!(now["now"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-10T12:00:0"));
    let r = sim.control("POST", "clock", Some(json!({"advance_ms": 86_400_000})));
    assert!(r.json()["now"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-11T12:00:0"));
    let r = sim.control("POST", "events", Some(json!({"generate": 1})));
    assert!(r.json()[0]["timestamp"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-11T12:00:0"));
    assert_eq!(
        sim.control("POST", "clock", Some(json!({"advance_ms": -5})))
            .status,
        400
    );
}

#[test]
fn live_events_arrive() {
    let sim = start(&["--live-per-minute", "600", "--clock-speed", "10"]);
    // 600 a simulated minute at 10x: about 100 a real second.
    let grown = wait_for(Duration::from_secs(10), || {
        let n = sim.control("GET", "stats", None).json()["events"]
            .as_u64()
            .unwrap();
        (n >= 2007 + 20).then_some(n)
    });
    assert!(grown > 2007);
    let r = sim.get(&format!(
        "{EVENTS}?timestamp[gte]=2026-03-10T12:00:00.001Z&max_results=1000"
    ));
    assert!(r.total() >= 20);
}

#[test]
fn rate_limit_per_credential() {
    let sim = start(&["--rate-limit", "5"]);
    for _ in 0..5 {
        assert_eq!(sim.get(&format!("{EVENTS}?max_results=0")).status, 200);
    }
    let r = sim.get(&format!("{EVENTS}?max_results=0"));
    assert_eq!(r.status, 429);
    assert_eq!(r.token(), "too_many_requests_error");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    // Jobs and single events count too, and failed logins do not use up the key's slots.
    assert_eq!(sim.get("/api/v2/orgs/1/jobs/x").status, 429);
    let wrong = sim
        .raw(
            "GET",
            EVENTS,
            &[("Authorization", &basic(KEY, "nope"))],
            None,
        )
        .unwrap();
    assert_eq!(wrong.status, 401);
    // The demo credential of /pce/ is the simulator's own key: limited as well.
    assert_eq!(
        sim.raw("GET", "/pce/api/v2/orgs/1/events", &[], None)
            .unwrap()
            .status,
        429
    );
    let off = start(&["--rate-limit", "0"]);
    for _ in 0..30 {
        assert_eq!(off.get(&format!("{EVENTS}?max_results=0")).status, 200);
    }
}
