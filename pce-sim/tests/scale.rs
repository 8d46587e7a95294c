//! pce-sim at scale: how long it takes to start, how much memory it holds, and 1000 filtered
//! counts (`max_results=0`) over various filters and windows, checked against each other and
//! against downloaded events. Over 200,000 events here; `make bench` runs the ignored test in
//! a release build over 5 million (`PCE_SIM_SCALE_EVENTS` changes that number).

mod common;

use std::time::{Duration, Instant};

use common::{enc, start_raw, Sim, NOW};
use pce_time::{format_rfc3339_millis, parse_rfc3339};
use serde_json::Value;

const EVENTS: &str = "/api/v2/orgs/1/events";
const DAY_MS: i64 = 86_400_000;
const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

/// The filters the counts cycle through: single values, and combinations.
const FILTERS: &[&[(&str, &str)]] = &[
    &[("severity", "err")],
    &[("severity", "info")],
    &[("severity", "warning")],
    &[("severity", "notice")],
    &[("event_type", "user.sign_in")],
    &[("event_type", "agent.tampering")],
    &[("event_type", "request.authentication_failed")],
    &[("event_type", "system_task.agent_offline_check")],
    &[("status", "success")],
    &[("status", "failure")],
    &[("created_by", "/users/1")],
    &[("created_by", "ana.silva@company.com")],
    &[("created_by", "web-prod-01.company.com")],
    &[("created_by", "/orgs/1/agents/100")],
    &[("severity", "info"), ("status", "success")],
    &[("severity", "err"), ("event_type", "agent.tampering")],
    &[
        ("event_type", "user.login"),
        ("status", "failure"),
        ("created_by", "/users/2"),
    ],
    &[("severity", "warning"), ("created_by", "/users/3")],
    &[("pce_fqdn", "pce.company.com"), ("status", "success")],
    &[],
];

/// What a run measured.
struct Report {
    startup: Duration,
    rss_mib: f64,
    peak_mib: f64,
    counts: Duration,
}

fn iso(ms: i64) -> String {
    format_rfc3339_millis(ms).unwrap()
}

/// A `timestamp[...]` window: everything, the 30 days, a week, a day, an hour, or an open end,
/// at a position drawn from `r`.
fn window(i: usize, r: u64) -> String {
    let now = parse_rfc3339(NOW).unwrap().millis();
    let start = now - 30 * DAY_MS;
    let pick = |len: i64| start + (r % (30 * DAY_MS - len) as u64) as i64;
    match i % 6 {
        0 => String::new(),
        1 => format!("timestamp[gte]={}&timestamp[lte]={}", iso(start), iso(now)),
        2 => {
            let a = pick(7 * DAY_MS);
            format!(
                "timestamp[gte]={}&timestamp[lte]={}",
                iso(a),
                iso(a + 7 * DAY_MS)
            )
        }
        3 => {
            let a = pick(DAY_MS);
            format!(
                "timestamp[gte]={}&timestamp[lte]={}",
                iso(a),
                iso(a + DAY_MS)
            )
        }
        4 => {
            let a = pick(3_600_000);
            format!(
                "timestamp[gte]={}&timestamp[lte]={}",
                iso(a),
                iso(a + 3_600_000)
            )
        }
        _ => format!("timestamp[gte]={}", iso(pick(DAY_MS))),
    }
}

fn query(filter: &[(&str, &str)], window: &str) -> String {
    let mut q: Vec<String> = filter
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    if !window.is_empty() {
        q.push(window.to_string());
    }
    q.push("max_results=0".into());
    format!("{EVENTS}?{}", q.join("&"))
}

fn count(sim: &Sim, target: &str) -> usize {
    let r = sim.get(target);
    assert_eq!(r.status, 200, "{target}: {}", r.text());
    r.total()
}

/// A process's resident memory now and at its peak, in MiB, from /proc.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
}

fn run(events: usize) -> Report {
    let n = events.to_string();
    let started = Instant::now();
    let sim = start_raw(&[
        "--listen",
        "127.0.0.1:0",
        "--events",
        &n,
        "--now",
        NOW,
        "--seed",
        "7",
        "--rate-limit",
        "0",
    ]);
    let startup = started.elapsed();

    // The timed part: 1000 counts, each its own connection, so the time is an upper bound of
    // the server's.
    let mut r: u64 = 0x9E37_79B9_7F4A_7C15;
    let targets: Vec<String> = (0..1000)
        .map(|i| {
            r = r
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            query(
                FILTERS[i % FILTERS.len()],
                &window(i / FILTERS.len(), r >> 11),
            )
        })
        .collect();
    let timed = Instant::now();
    let totals: Vec<usize> = targets.iter().map(|t| count(&sim, t)).collect();
    let counts = timed.elapsed();
    let (rss_mib, peak_mib) = memory(sim.pid());
    assert_eq!(totals.len(), 1000);

    // The counts agree with each other: the severities of a window add up to its total, and so
    // do the statuses with the events that have none; the narrower filter never counts more.
    for i in 0..12 {
        let w = window(i, (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let total = count(&sim, &query(&[], &w));
        let by_severity: usize = SEVERITIES
            .iter()
            .map(|s| count(&sim, &query(&[("severity", s)], &w)))
            .sum();
        assert_eq!(by_severity, total, "{w}");
        let info = count(&sim, &query(&[("severity", "info")], &w));
        let info_ok = count(
            &sim,
            &query(&[("severity", "info"), ("status", "success")], &w),
        );
        assert!(info_ok <= info, "{w}");
    }
    // ... and with the events themselves, in a window small enough to download.
    let now = parse_rfc3339(NOW).unwrap().millis();
    let w = format!(
        "timestamp[gte]={}&timestamp[lte]={}",
        iso(now - 9 * DAY_MS - 600_000),
        iso(now - 9 * DAY_MS - 480_000)
    );
    let listed: Vec<Value> = sim
        .get(&format!("{EVENTS}?{w}&max_results=10000"))
        .json()
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(listed.len(), count(&sim, &query(&[], &w)));
    for filter in FILTERS {
        let want = listed
            .iter()
            .filter(|e| filter.iter().all(|(k, v)| matches(e, k, v)))
            .count();
        assert_eq!(count(&sim, &query(filter, &w)), want, "{filter:?} {w}");
    }
    Report {
        startup,
        rss_mib,
        peak_mib,
        counts,
    }
}

/// Whether an event passes one filter of the query.
fn matches(e: &Value, key: &str, value: &str) -> bool {
    if key != "created_by" {
        return e[key].as_str() == Some(value);
    }
    let creators = e["created_by"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values());
    creators
        .flat_map(|c| ["href", "username", "hostname"].map(|k| c[k].as_str()))
        .any(|name| name == Some(value))
}

fn report(events: usize, r: &Report) {
    println!(
        "pce-sim with {events} events: ready in {:.2} s, {:.0} MiB resident after the counts \
         (peak {:.0} MiB); 1000 filtered counts in {:.0} ms (client time, each its own connection)",
        r.startup.as_secs_f64(),
        r.rss_mib,
        r.peak_mib,
        r.counts.as_secs_f64() * 1000.0
    );
}

#[test]
fn counts_at_200k_events_agree_and_are_quick() {
    let r = run(200_000);
    report(200_000, &r);
    // A debug build on a shared machine: bounds far above what a release build takes.
    assert!(r.counts < Duration::from_secs(20), "{:?}", r.counts);
    assert!(r.peak_mib < 500.0, "{} MiB", r.peak_mib);
}

/// The targets of issue 13: 5 million events start in under 10 s and stay under 2 GB. Run by
/// `make bench` in a release build. The 1000 counts' 2 s of server time is held in-process by
/// `thousand_counts_over_five_million_events` (src/data/store.rs); here, with a connection
/// and a server thread per request on a shared machine, they only have to finish in 5 s.
#[test]
#[ignore]
fn five_million_events() {
    let events = std::env::var("PCE_SIM_SCALE_EVENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000_000);
    let r = run(events);
    report(events, &r);
    assert!(r.startup < Duration::from_secs(10), "{:?}", r.startup);
    assert!(r.peak_mib < 2048.0, "{} MiB", r.peak_mib);
    assert!(r.counts < Duration::from_secs(5), "{:?}", r.counts);
}
