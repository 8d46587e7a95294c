//! The asynchronous collection end to end, and failed or stuck jobs.

mod common;

use std::time::{Duration, Instant};

use common::{start, wait_for};
use serde_json::json;

const EVENTS: &str = "/api/v2/orgs/1/events";

#[test]
fn async_flow_matches_the_sync_query() {
    let sim = start(&["--async-delay-ms", "1200"]);
    let query = "severity=info&timestamp[gte]=2026-03-01T00:00:00Z";
    let started = Instant::now();
    let r = sim.get_with(&format!("{EVENTS}?{query}"), &[("Prefer", "respond-async")]);
    assert_eq!(r.status, 202);
    assert!(r.body.is_empty());
    assert_eq!(r.header("retry-after"), Some("2"), "ceil(1200 ms)");
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/orgs/1/jobs/"), "{location}");

    let running = sim.get(&format!("/api/v2{location}"));
    assert_eq!(running.status, 200);
    let job = running.json();
    assert_eq!(job["status"], "running");
    assert_eq!(job["href"], location.as_str());
    assert_eq!(job["job_type"], ":illumio/async_requests");
    assert_eq!(job["result"], json!({}));
    assert!(job["requested_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-10T12:00"));
    assert!(job["requested_by"]["href"].is_string());
    assert!(job.get("terminated_at").is_none());
    let wait: u64 = running.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait));

    let done = wait_for(Duration::from_secs(10), || {
        let j = sim.get(&format!("/api/v2{location}")).json();
        (j["status"] != "running").then_some(j)
    });
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "ran for the delay"
    );
    assert_eq!(done["status"], "done");
    assert!(done["terminated_at"].is_string());
    let datafile = done["result"]["href"].as_str().unwrap();
    assert!(datafile.starts_with("/orgs/1/datafiles/"));

    let data = sim.get(&format!("/api/v2{datafile}"));
    assert_eq!(data.status, 200);
    assert_eq!(data.header("content-type"), Some("application/json"));
    let sync = sim.get(&format!("{EVENTS}?{query}&max_results=10000"));
    assert!(sync.total() > 100, "more than a default page");
    assert_eq!(
        data.json(),
        sync.json(),
        "the datafile holds all the matches, newest first"
    );
    let cut = sim.get(&format!("/api/v2{datafile}?max_results=3"));
    assert_eq!(cut.json().as_array().unwrap().len(), 3);
}

#[test]
fn async_has_no_10000_cap_and_honours_max_results() {
    let sim = start(&["--events", "12000", "--async-delay-ms", "0"]);
    let r = sim.get_with(EVENTS, &[("Prefer", "respond-async")]);
    assert_eq!(r.status, 202);
    assert_eq!(r.header("retry-after"), Some("0"));
    let job = sim
        .get(&format!("/api/v2{}", r.header("location").unwrap()))
        .json();
    assert_eq!(job["status"], "done");
    let all = sim
        .get(&format!(
            "/api/v2{}",
            job["result"]["href"].as_str().unwrap()
        ))
        .json();
    assert_eq!(all.as_array().unwrap().len(), 12_007);

    let r = sim.get_with(
        &format!("{EVENTS}?max_results=10500"),
        &[("Prefer", "respond-async")],
    );
    assert_eq!(r.status, 202);
    let job = sim
        .get(&format!("/api/v2{}", r.header("location").unwrap()))
        .json();
    let some = sim
        .get(&format!(
            "/api/v2{}",
            job["result"]["href"].as_str().unwrap()
        ))
        .json();
    assert_eq!(some.as_array().unwrap().len(), 10_500);
    assert_eq!(
        some.as_array().unwrap()[..],
        all.as_array().unwrap()[..10_500]
    );

    // Invalid parameters are refused at once, async or not.
    let r = sim.get_with(
        &format!("{EVENTS}?severity=bad"),
        &[("Prefer", "respond-async")],
    );
    assert_eq!(r.status, 406);
}

#[test]
fn job_fail_and_job_stuck() {
    let sim = start(&["--async-delay-ms", "300"]);
    sim.fault(json!({"kind": "job_fail", "message": "disk full"}));
    sim.fault(json!({"kind": "job_stuck"}));
    // A request that creates no job leaves the job faults alone.
    assert_eq!(sim.get(EVENTS).status, 200);

    let failed = sim.get_with(EVENTS, &[("Prefer", "respond-async")]);
    let stuck = sim.get_with(EVENTS, &[("Prefer", "respond-async")]);
    let fine = sim.get_with(EVENTS, &[("Prefer", "respond-async")]);
    let job = |r: &common::Resp| format!("/api/v2{}", r.header("location").unwrap());
    std::thread::sleep(Duration::from_millis(400));

    let f = sim.get(&job(&failed)).json();
    assert_eq!(f["status"], "failed");
    assert_eq!(f["result"]["message"], "disk full");
    assert!(f["terminated_at"].is_string());

    let s = sim.get(&job(&stuck));
    assert_eq!(s.json()["status"], "running");
    assert!(s.header("retry-after").is_some());

    let ok = sim.get(&job(&fine)).json();
    assert_eq!(ok["status"], "done");
    assert!(sim
        .control("GET", "faults", None)
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}
