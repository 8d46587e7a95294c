//! The `/pce/` proxy to an upstream PCE, here a second pce-sim over plain HTTP.

mod common;

use common::{basic, start, start_with_env, Sim};
use serde_json::json;

const UP_KEY: &str = "api_upstream0001";
const UP_SECRET: &str = "upstream-secret-never-printed";

fn pair(extra: &[&str]) -> (Sim, Sim) {
    let upstream = start(&[
        "--api-key",
        UP_KEY,
        "--api-secret",
        UP_SECRET,
        "--async-delay-ms",
        "0",
    ]);
    let mut args = vec![
        "--upstream",
        upstream.url.as_str(),
        "--insecure-upstream",
        "--upstream-key",
        UP_KEY,
        "--upstream-secret",
        UP_SECRET,
    ];
    args.extend_from_slice(extra);
    let front = start(&args);
    (upstream, front)
}

#[test]
fn takes_the_upstream_secret_from_the_environment() {
    let up = start(&["--api-key", UP_KEY, "--api-secret", UP_SECRET]);
    let front = start_with_env(
        &[
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            up.url.as_str(),
            "--insecure-upstream",
            "--upstream-key",
            UP_KEY,
        ],
        &[("PCE_SIM_UPSTREAM_SECRET", UP_SECRET)],
    );
    assert!(!front.ready_line.contains(UP_SECRET));
    let r = front
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events?max_results=1",
            &[("Accept", "application/json")],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let log = up.control("GET", "requests", None).json();
    assert_eq!(log[0]["headers"]["authorization"], basic(UP_KEY, UP_SECRET));
}

#[test]
fn forwards_gets_with_its_own_credentials() {
    let (up, front) = pair(&[]);
    assert!(
        !front.ready_line.contains(UP_SECRET),
        "the upstream secret is never printed"
    );
    assert!(front.ready_line.contains(&up.url));
    let browser_auth = basic("someone", "else");
    let r = front
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events?timestamp[gte]=2026-03-09T00:00:00Z&max_results=4",
            &[
                ("Accept", "application/json"),
                ("Authorization", &browser_auth),
                ("Cookie", "a=b"),
            ],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    let direct = up
        .raw(
            "GET",
            "/api/v2/orgs/1/events?timestamp[gte]=2026-03-09T00:00:00Z&max_results=4",
            &[("Authorization", &basic(UP_KEY, UP_SECRET))],
            None,
        )
        .unwrap();
    assert_eq!(r.body, direct.body);
    assert_eq!(r.total(), direct.total());

    let log = up.control("GET", "requests", None).json();
    let first = &log[0];
    assert_eq!(first["path"], "/api/v2/orgs/1/events");
    assert_eq!(
        first["query"],
        "timestamp%5Bgte%5D=2026-03-09T00:00:00Z&max_results=4"
    );
    assert_eq!(
        first["headers"]["authorization"],
        basic(UP_KEY, UP_SECRET).as_str()
    );
    assert_eq!(first["headers"]["accept"], "application/json");
    assert!(first["headers"].get("cookie").is_none());

    // Async: Prefer goes up, Location and Retry-After come back as they are.
    let r = front
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events?severity=err",
            &[("Prefer", "respond-async")],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 202);
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/orgs/1/jobs/"));
    assert_eq!(r.header("retry-after"), Some("0"));
    let data = front.pce_datafile(&location);
    assert!(data
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["severity"] == "err"));

    // The upstream's errors come back as they are.
    let r = front
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events/00000000-0000-4000-8000-000000000000",
            &[],
            None,
        )
        .unwrap();
    assert_eq!((r.status, r.token()), (404, "not_found".to_string()));
    up.fault(
        json!({"kind": "respond", "status": 429, "headers": {"Retry-After": "7"}, "body": "[]"}),
    );
    let r = front
        .raw("GET", "/pce/api/v2/orgs/1/events", &[], None)
        .unwrap();
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));

    let cfg = front
        .raw("GET", "/pce-config.json", &[], None)
        .unwrap()
        .json();
    assert_eq!(cfg, json!({"orgId": 1, "source": up.url}));
}

#[test]
fn only_safe_gets_are_forwarded() {
    let (up, front) = pair(&[]);
    up.control("DELETE", "requests", None);
    for method in ["POST", "PUT", "DELETE", "HEAD"] {
        let r = front
            .raw(method, "/pce/api/v2/orgs/1/events", &[], Some(b"{}"))
            .unwrap();
        assert_eq!(r.status, 405, "{method}");
    }
    for path in [
        "/pce/api/v2/orgs/1/../../users",
        "/pce/api/v2/orgs/1/%2e%2e/x",
        "/pce/api/v2/orgs/1/%2E%2E/x",
        "/pce/api/v2/orgs%2f1/events",
        "/pce/api/v2/orgs/1/events%5c",
        "/pce/api/v2//orgs/1/events",
        "/pce/api/v2/orgs/1/events%00",
    ] {
        let r = front.raw("GET", path, &[], None).unwrap();
        assert_eq!(r.status, 400, "{path}");
    }
    assert_eq!(
        front.raw("GET", "/pce/other", &[], None).unwrap().status,
        404
    );
    assert_eq!(
        front
            .raw("GET", "/pce/api/v1/orgs/1/events", &[], None)
            .unwrap()
            .status,
        404
    );
    assert_eq!(
        up.control("GET", "requests", None).json(),
        json!([]),
        "nothing reached the upstream"
    );
}

#[test]
fn unreachable_upstream_is_a_bad_gateway() {
    let up = start(&[]);
    let url = up.url.clone();
    drop(up);
    let front = start(&[
        "--upstream",
        &url,
        "--insecure-upstream",
        "--upstream-key",
        UP_KEY,
        "--upstream-secret",
        UP_SECRET,
    ]);
    let r = front
        .raw("GET", "/pce/api/v2/orgs/1/events", &[], None)
        .unwrap();
    assert_eq!(r.status, 502);
    assert!(!r.text().contains(UP_SECRET));
}

#[test]
fn bad_upstream_flags_are_refused() {
    for args in [
        vec!["--upstream", "ftp://x"],
        vec![
            "--upstream",
            "https://u:p@pce.example.com",
            "--upstream-key",
            "k",
            "--upstream-secret",
            "s",
        ],
        vec!["--upstream", "https://pce.example.com"],
        vec![
            "--upstream",
            "https://pce.example.com",
            "--upstream-key",
            "k",
            "--upstream-secret",
            "s",
            "--upstream-ca",
            "/nonexistent.pem",
        ],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pce-sim"))
            .args(["--listen", "127.0.0.1:0"])
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(!String::from_utf8_lossy(&out.stderr).contains("upstream-secret-never"));
    }
}
