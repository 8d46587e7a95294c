//! The Events API against the seeded data: filters, limits, auth, Accept, errors, fixtures.

mod common;

use common::{basic, enc, start, KEY, SECRET};
use serde_json::Value;

const EVENTS: &str = "/api/v2/orgs/1/events";

fn all_events(sim: &common::Sim) -> Vec<Value> {
    let r = sim.get(&format!("{EVENTS}?max_results=10000"));
    assert_eq!(r.status, 200);
    let events = r.json().as_array().unwrap().clone();
    assert_eq!(events.len(), r.total(), "everything fits in one answer");
    events
}

fn ts(e: &Value) -> i64 {
    pce_millis(e["timestamp"].as_str().unwrap())
}

fn pce_millis(text: &str) -> i64 {
    // Enough of RFC 3339 for the simulator's own output (always ...Z with milliseconds).
    let days = |y: i64, m: i64, d: i64| {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    };
    let n = |a: usize, b: usize| text[a..b].parse::<i64>().unwrap();
    let ms = if text.len() > 20 { n(20, 23) } else { 0 };
    ((days(n(0, 4), n(5, 7), n(8, 10)) * 24 + n(11, 13)) * 60 + n(14, 16)) * 60_000
        + n(17, 19) * 1000
        + ms
}

fn assert_newest_first(events: &[Value]) {
    for pair in events.windows(2) {
        assert!(
            ts(&pair[0]) >= ts(&pair[1]),
            "not newest first: {} then {}",
            pair[0]["timestamp"],
            pair[1]["timestamp"]
        );
    }
}

#[test]
fn collection_is_newest_first_with_a_total() {
    let sim = start(&[]);
    let r = sim.get(EVENTS);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let page = r.json().as_array().unwrap().clone();
    assert_eq!(page.len(), 100, "default max_results is 100");
    assert_eq!(r.total(), 2007, "2000 seeded + 7 fixtures");
    assert_newest_first(&page);
    let all = all_events(&sim);
    assert_eq!(all.len(), 2007);
    assert_newest_first(&all);
    assert_eq!(&all[..100], &page[..]);
    let mut hrefs: Vec<&str> = all.iter().map(|e| e["href"].as_str().unwrap()).collect();
    hrefs.sort_unstable();
    hrefs.dedup();
    assert_eq!(hrefs.len(), 2007, "hrefs are distinct");
    // The seeded events lie in the last 30 days before --now.
    let now = pce_millis("2026-03-10T12:00:00.000Z");
    let seeded: Vec<&Value> = all
        .iter()
        .filter(|e| e["timestamp"].as_str().unwrap() > "2023")
        .collect();
    assert_eq!(seeded.len(), 2000);
    assert!(seeded
        .iter()
        .all(|e| ts(e) <= now && ts(e) >= now - 30 * 86_400_000));
}

type Pred = Box<dyn Fn(&Value) -> bool>;

#[test]
fn each_filter_matches_the_data() {
    let sim = start(&[]);
    let all = all_events(&sim);
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|e| f(e)).count();
    let cases: Vec<(String, Pred)> = vec![
        (
            "event_type=user.sign_in".into(),
            Box::new(|e: &Value| e["event_type"] == "user.sign_in"),
        ),
        (
            "event_type=agent.tampering".into(),
            Box::new(|e: &Value| e["event_type"] == "agent.tampering"),
        ),
        (
            "status=failure".into(),
            Box::new(|e: &Value| e["status"] == "failure"),
        ),
        (
            "status=success".into(),
            Box::new(|e: &Value| e["status"] == "success"),
        ),
        (
            "severity=err".into(),
            Box::new(|e: &Value| e["severity"] == "err"),
        ),
        (
            "severity=warning".into(),
            Box::new(|e: &Value| e["severity"] == "warning"),
        ),
        (
            "severity=emerg".into(),
            Box::new(|e: &Value| e["severity"] == "emerg"),
        ),
        (
            "timestamp[gte]=2026-03-01T00:00:00Z&timestamp[lte]=2026-03-05T00:00:00Z".into(),
            Box::new(|e: &Value| {
                let t = ts(e);
                t >= pce_millis("2026-03-01T00:00:00.000Z")
                    && t <= pce_millis("2026-03-05T00:00:00.000Z")
            }),
        ),
        (
            "timestamp%5Bgte%5D=2026-03-09T00%3A00%3A00Z&severity=info&status=success".into(),
            Box::new(|e: &Value| {
                ts(e) >= pce_millis("2026-03-09T00:00:00.000Z")
                    && e["severity"] == "info"
                    && e["status"] == "success"
            }),
        ),
        (
            "timestamp[lte]=2022-12-31T00:00:00%2B00:00".into(),
            Box::new(|e: &Value| ts(e) <= pce_millis("2022-12-31T00:00:00.000Z")),
        ),
    ];
    for (query, pred) in cases {
        let r = sim.get(&format!("{EVENTS}?{query}&max_results=10000"));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        let got = r.json().as_array().unwrap().clone();
        assert!(got.iter().all(&pred), "{query}: an event does not match");
        assert_eq!(r.total(), count(&*pred), "{query}: X-Total-Count");
        assert_eq!(got.len(), r.total(), "{query}: all matches returned");
        assert_newest_first(&got);
    }
    // The data has something to filter: failures, errors and the fixtures.
    assert!(count(&|e| e["status"] == "failure") > 10);
    assert!(count(&|e| e["severity"] == "err") > 10);
    assert!(count(&|e| e["status"].is_null()) > 10);
    assert_eq!(
        count(&|e| e["timestamp"].as_str().unwrap().starts_with("2022-08-17")),
        7
    );
}

#[test]
fn brackets_raw_and_encoded_agree() {
    let sim = start(&[]);
    let raw = sim.get(&format!("{EVENTS}?timestamp[gte]=2026-03-08T00:00:00Z&timestamp[lte]=2026-03-09T00:00:00Z&max_results=500"));
    let encoded = sim.get(&format!(
        "{EVENTS}?timestamp%5Bgte%5D={}&timestamp%5blte%5d={}&max_results=500",
        enc("2026-03-08T00:00:00Z"),
        enc("2026-03-09T00:00:00Z")
    ));
    assert_eq!(raw.status, 200);
    assert_eq!(raw.body, encoded.body);
    assert_eq!(raw.total(), encoded.total());
    assert!(raw.total() > 0 && raw.total() < 2007);
    // An offset and a plus sign (as %2B; a raw + would be a space).
    let offset = sim.get(&format!("{EVENTS}?timestamp[gte]=2026-03-08T01:00:00%2B01:00&timestamp[lte]=2026-03-09T00:00:00Z&max_results=500"));
    assert_eq!(offset.body, raw.body);
}

#[test]
fn max_results_limits() {
    let sim = start(&[]);
    let zero = sim.get(&format!("{EVENTS}?max_results=0"));
    assert_eq!(zero.status, 200);
    assert_eq!(zero.json(), serde_json::json!([]));
    assert_eq!(zero.total(), 2007);
    let zero_filtered = sim.get(&format!("{EVENTS}?max_results=0&severity=err"));
    assert!(zero_filtered.total() > 0 && zero_filtered.total() < 2007);
    let one = sim.get(&format!("{EVENTS}?max_results=1"));
    assert_eq!(one.json().as_array().unwrap().len(), 1);
    let max = sim.get(&format!("{EVENTS}?max_results=10000"));
    assert_eq!(max.status, 200);
    for bad in ["10001", "abc", "-1", "1.5", ""] {
        let r = sim.get(&format!("{EVENTS}?max_results={bad}"));
        assert_eq!(r.status, 406, "max_results={bad}");
        assert_eq!(r.token(), "invalid_uri");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[test]
fn invalid_parameters_are_refused() {
    let sim = start(&[]);
    for bad in [
        "severity=critical",
        "status=ok",
        "timestamp[gte]=yesterday",
        "timestamp[lte]=2026-02-30T00:00:00Z",
        "maxResults=5",
        "event_type=a&event_type=b",
    ] {
        let r = sim.get(&format!("{EVENTS}?{bad}"));
        assert_eq!(r.status, 406, "{bad}: {}", r.text());
        assert_eq!(r.token(), "invalid_uri", "{bad}");
        assert!(r.json()[0]["message"].as_str().unwrap().len() > 10);
    }
    // An event type nobody has is simply no match.
    let r = sim.get(&format!("{EVENTS}?event_type=nothing.here"));
    assert_eq!((r.status, r.total()), (200, 0));
}

#[test]
fn authentication_is_required() {
    let sim = start(&[]);
    let missing = sim
        .raw("GET", EVENTS, &[("Accept", "application/json")], None)
        .unwrap();
    let wrong = basic(KEY, "wrong");
    let wrong = sim
        .raw(
            "GET",
            EVENTS,
            &[("Authorization", &wrong), ("Accept", "application/json")],
            None,
        )
        .unwrap();
    let garbage = sim
        .raw("GET", EVENTS, &[("Authorization", "Basic !!!")], None)
        .unwrap();
    let bearer = sim
        .raw("GET", EVENTS, &[("Authorization", "Bearer x")], None)
        .unwrap();
    for r in [missing, wrong, garbage, bearer] {
        assert_eq!(r.status, 401);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(!r.token().is_empty());
        assert!(!r.text().contains(SECRET));
    }
    let other = start(&["--api-key", "api_other", "--api-secret", "s3cret"]);
    assert!(other
        .ready_line
        .contains("api key api_other  secret s3cret"));
    let r = other
        .raw(
            "GET",
            EVENTS,
            &[("Authorization", &basic("api_other", "s3cret"))],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200);
    let r = other.get(EVENTS);
    assert_eq!(r.status, 401, "the default credentials no longer work");
}

#[test]
fn accept_must_allow_json() {
    let sim = start(&[]);
    let auth = basic(KEY, SECRET);
    for (accept, status) in [
        (None, 200),
        (Some("*/*"), 200),
        (Some("application/*"), 200),
        (Some("application/json"), 200),
        (Some("application/json; charset=utf-8"), 200),
        (Some("text/html, application/json;q=0.9"), 200),
        (Some("text/html"), 406),
        (Some("application/xml"), 406),
        (Some("application/json;q=0"), 406),
    ] {
        let mut headers = vec![("Authorization", auth.as_str())];
        if let Some(a) = accept {
            headers.push(("Accept", a));
        }
        let r = sim
            .raw("GET", &format!("{EVENTS}?max_results=1"), &headers, None)
            .unwrap();
        assert_eq!(r.status, status, "Accept: {accept:?}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[test]
fn not_found_forbidden_and_methods() {
    let sim = start(&[]);
    let r = sim.get("/api/v2/orgs/1/events/00000000-0000-4000-8000-000000000000");
    assert_eq!((r.status, r.token()), (404, "not_found".to_string()));
    assert!(r.json()[0]["message"].is_string());
    let r = sim.get("/api/v2/system_events/00000000-0000-4000-8000-000000000000");
    assert_eq!(r.status, 404);
    let r = sim.get("/api/v2/orgs/1/workloads");
    assert_eq!(r.status, 404);
    let r = sim.get("/api/v1/orgs/1/events");
    assert_eq!(r.status, 404);
    let r = sim.get("/api/v2/orgs/2/events");
    assert_eq!(r.status, 403);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let r = sim.get("/api/v2/orgs/1/jobs/00000000-0000-4000-8000-000000000000");
    assert_eq!((r.status, r.token()), (404, "not_found".to_string()));
    let r = sim.get("/api/v2/orgs/1/datafiles/00000000-0000-4000-8000-000000000000");
    assert_eq!(r.status, 404);
    let auth = basic(KEY, SECRET);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = sim
            .raw(method, EVENTS, &[("Authorization", &auth)], Some(b"{}"))
            .unwrap();
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
        assert_eq!(r.token(), "method_not_allowed");
    }
    let head = sim
        .raw(
            "HEAD",
            &format!("{EVENTS}?max_results=5"),
            &[("Authorization", &auth)],
            None,
        )
        .unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(head.total(), 2007);
    assert!(head.body.is_empty());
    // Without --cors there are no CORS headers, like a PCE.
    let r = sim.get_with(EVENTS, &[("Origin", "http://example.com")]);
    assert!(r
        .headers
        .iter()
        .all(|(n, _)| !n.starts_with("access-control-")));
}

#[test]
fn fixture_events_are_served_verbatim() {
    let sim = start(&[]);
    let fixtures: Vec<Value> = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/illumio-py-events.json"
    )))
    .unwrap();
    assert_eq!(fixtures.len(), 7);
    for f in &fixtures {
        let href = f["href"].as_str().unwrap();
        let r = sim.get(&format!("/api/v2{href}"));
        assert_eq!(r.status, 200, "{href}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(&r.json(), f, "{href} is returned verbatim");
        // Key order is kept too: the bytes are the fixture's, minus whitespace.
        let text = r.text();
        assert!(
            text.starts_with(&format!("{{\"href\":\"{href}\",\"timestamp\"")),
            "{text}"
        );
    }
    assert!(fixtures
        .iter()
        .any(|f| f["href"].as_str().unwrap().starts_with("/system_events/")));
    // They appear in collections when the filters match.
    let r = sim.get(&format!(
        "{EVENTS}?timestamp[lte]=2022-12-31T00:00:00Z&max_results=50"
    ));
    assert_eq!(r.json(), Value::Array(fixtures.clone()));
    let r = sim.get(&format!(
        "{EVENTS}?timestamp[lte]=2022-12-31T00:00:00Z&event_type=user.sign_out&status=failure"
    ));
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert_eq!(
        r.json()[0]["href"],
        "/orgs/1/events/37f8c845-90e0-4151-bd10-4c04279ad37a"
    );
}

#[test]
fn generated_events_look_real() {
    let sim = start(&[]);
    let all = all_events(&sim);
    let seeded: Vec<&Value> = all
        .iter()
        .filter(|e| e["timestamp"].as_str().unwrap() > "2023")
        .collect();
    let kinds: std::collections::BTreeSet<String> = seeded
        .iter()
        .map(|e| {
            e["created_by"]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap()
                .clone()
        })
        .collect();
    for kind in ["system", "user", "agent", "ven", "container_cluster"] {
        assert!(kinds.contains(kind), "created_by {kind} present");
    }
    assert!(seeded
        .iter()
        .any(|e| e["created_by"]["agent"]["hostname"].is_null()
            && e["created_by"]["agent"].is_object()));
    assert!(seeded
        .iter()
        .any(|e| e["href"].as_str().unwrap().starts_with("/system_events/")));
    assert!(seeded.iter().any(|e| e["action"].is_null()));
    assert!(seeded.iter().any(|e| e["action"]["src_ip"] == "FILTERED"));
    assert!(seeded.iter().any(|e| e["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["info"].is_null())));
    let changes = || {
        seeded
            .iter()
            .flat_map(|e| e["resource_changes"].as_array().unwrap())
            .flat_map(|c| c["changes"].as_object().unwrap().values())
    };
    assert!(changes().any(|c| c.get("before").is_some() && c.get("after").is_some()));
    assert!(changes().any(|c| c.get("created").is_some()));
    for e in &seeded {
        let t = e["timestamp"].as_str().unwrap();
        assert!(t.ends_with('Z') && t.len() == 24, "{t}");
        assert_eq!(e["version"], 2);
        assert!(e["event_type"].as_str().unwrap().contains('.'));
        let sev = e["severity"].as_str().unwrap();
        assert!(["info", "notice", "warning", "err"].contains(&sev));
        if ["agent.tampering", "request.authentication_failed"]
            .contains(&e["event_type"].as_str().unwrap())
        {
            assert_eq!(sev, "err");
        }
    }
    let info = seeded.iter().filter(|e| e["severity"] == "info").count();
    assert!(info * 10 > seeded.len() * 8, "mostly info");
    // Office hours are busier than nights.
    let hour = |e: &&Value| {
        e["timestamp"].as_str().unwrap()[11..13]
            .parse::<u32>()
            .unwrap()
    };
    let day = seeded.iter().filter(|e| (9..17).contains(&hour(e))).count();
    let night = seeded.iter().filter(|e| hour(e) < 5).count();
    assert!(day > night * 4, "day {day} night {night}");
}

#[test]
fn same_seed_same_bytes() {
    let a = start(&[]);
    let b = start(&[]);
    let c = start(&["--seed", "8"]);
    let q = format!("{EVENTS}?max_results=10000");
    assert_eq!(a.get(&q).body, b.get(&q).body);
    assert_ne!(a.get(&q).body, c.get(&q).body);
}
