//! The `count_ignores_filters` fault: `X-Total-Count` of the time window, or of everything,
//! whatever the other filters, while the body stays filtered.

mod common;

use common::start;
use serde_json::json;

const EVENTS: &str = "/api/v2/orgs/1/events";
const WINDOW: &str = "timestamp[gte]=2026-02-20T00:00:00Z&timestamp[lte]=2026-03-01T00:00:00Z";

#[test]
fn counts_ignore_the_filters_for_the_next_requests_only() {
    let sim = start(&[]);
    let filtered = format!("{EVENTS}?severity=err&{WINDOW}&max_results=3");
    let window_total = sim.get(&format!("{EVENTS}?{WINDOW}&max_results=0")).total();
    let all_total = sim.get(&format!("{EVENTS}?max_results=0")).total();
    let honest = sim.get(&filtered).total();
    assert!(0 < honest && honest < window_total && window_total < all_total);

    sim.fault(json!({"kind": "count_ignores_filters", "times": 2}));
    for _ in 0..2 {
        let r = sim.get(&filtered);
        assert_eq!(
            r.total(),
            window_total,
            "the window's total, not the filtered one"
        );
        let events = r.json();
        assert_eq!(events.as_array().unwrap().len(), 3);
        assert!(events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["severity"] == "err"));
    }
    assert_eq!(sim.get(&filtered).total(), honest, "used up");

    sim.fault(json!({"kind": "count_ignores_filters", "scope": "all"}));
    let after_now = format!("{EVENTS}?timestamp[gte]=2027-01-01T00:00:00Z&max_results=0");
    assert_eq!(
        sim.get(&after_now).total(),
        all_total,
        "even an empty window"
    );
    assert_eq!(sim.get(&after_now).total(), 0);
}

#[test]
fn other_answers_are_untouched_and_bad_scopes_refused() {
    let sim = start(&[]);
    let newest = sim.get(&format!("{EVENTS}?max_results=1")).json();
    let href = newest[0]["href"].as_str().unwrap().to_string();
    sim.fault(json!({"kind": "count_ignores_filters", "times": 2}));
    let single = sim.get(&format!("/api/v2{href}"));
    assert_eq!(single.status, 200);
    assert_eq!(single.json(), newest[0]);
    assert!(single.header("x-total-count").is_none());
    let r = sim.get(&format!("{EVENTS}?event_type=no.such_type&max_results=0"));
    assert!(r.total() > 0, "the second use still applies");

    for scope in [json!("filtered"), json!(3)] {
        let r = sim.control(
            "POST",
            "faults",
            Some(json!({"kind": "count_ignores_filters", "scope": scope})),
        );
        assert_eq!(r.status, 400, "{}", r.text());
    }
}
