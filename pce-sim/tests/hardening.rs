//! The defences of SECURITY.md, each tried from the outside: the control endpoints a page
//! cannot drive, CORS never on proxied data, a strict and bounded upstream, symlinks kept in
//! their folder, failed logins limited per peer address, a bounded request log.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::{basic, start, Sim, KEY, SECRET};
use serde_json::json;

const EVENTS: &str = "/api/v2/orgs/1/events";

fn hardened(r: &common::Resp, what: &str) {
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    let csp = r.header("content-security-policy").unwrap_or("");
    assert!(csp.contains("default-src 'self'"), "{what}: CSP {csp:?}");
}

/// A control request with exactly these headers (no token unless given).
fn control_raw(sim: &Sim, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let body = (!body.is_empty() || method == "POST").then_some(body);
    sim.raw(method, &format!("/_sim/{path}"), headers, body)
        .expect("a whole response")
        .status
}

#[test]
fn control_needs_the_token_json_and_no_page_headers() {
    let sim = start(&[]);
    assert_eq!(
        sim.token.len(),
        32,
        "a 128-bit hex token: {}",
        sim.ready_line
    );
    let fault = br#"{"kind":"respond","status":200,"body":"<script>alert(1)</script>"}"#;
    let json = ("Content-Type", "application/json");
    let token = ("X-Pce-Sim-Token", sim.token.as_str());
    // What a page's no-cors POST can send: a simple content type, its Origin, no custom header.
    for (what, headers) in [
        ("no token", vec![json]),
        ("a wrong token", vec![json, ("X-Pce-Sim-Token", "00")]),
        (
            "a token one digit off",
            vec![json, ("X-Pce-Sim-Token", &sim.token[..31])],
        ),
        ("text/plain", vec![("Content-Type", "text/plain"), token]),
        (
            "form data",
            vec![("Content-Type", "application/x-www-form-urlencoded"), token],
        ),
        ("no type", vec![token]),
        (
            "an Origin",
            vec![json, token, ("Origin", "http://127.0.0.1:9999")],
        ),
        (
            "its own Origin",
            vec![json, token, ("Origin", &format!("http://{}", sim.addr))],
        ),
        (
            "Sec-Fetch-Site cross-site",
            vec![json, token, ("Sec-Fetch-Site", "cross-site")],
        ),
        (
            "Sec-Fetch-Site same-site",
            vec![json, token, ("Sec-Fetch-Site", "same-site")],
        ),
    ] {
        let status = control_raw(&sim, "POST", "faults", &headers, fault);
        assert!(status == 403 || status == 415, "{what}: {status} (refused)");
    }
    for (what, headers) in [
        ("no token", vec![]),
        ("an Origin", vec![token, ("Origin", "http://evil.test")]),
    ] {
        assert_eq!(
            control_raw(&sim, "GET", "requests", &headers, b""),
            403,
            "{what}"
        );
        assert_eq!(
            control_raw(&sim, "DELETE", "faults", &headers, b""),
            403,
            "{what}"
        );
    }
    assert_eq!(
        sim.control("GET", "faults", None).json(),
        json!([]),
        "nothing queued"
    );
    // The harness's way is accepted, same-origin included.
    let ok = control_raw(
        &sim,
        "POST",
        "faults",
        &[json, token, ("Sec-Fetch-Site", "same-origin")],
        fault,
    );
    assert_eq!(ok, 201);
    // Every control answer and every fault answer carries the hardening headers.
    let r = sim.control("GET", "faults", None);
    hardened(&r, "GET /_sim/faults");
    let r = sim.raw("GET", "/_sim/stats", &[], None).unwrap();
    assert_eq!(r.status, 403);
    hardened(&r, "a refused control request");
    let r = sim.get(EVENTS);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    hardened(&r, "a respond fault's HTML");
    // The token is never served: not in any answer of the API or the log.
    let log = sim.control("GET", "requests", None).text();
    assert!(!log.contains(&sim.token));
}

#[test]
fn control_sizes_are_capped() {
    let sim = start(&[]);
    for (what, spec) in [
        (
            "a 100 GB big_body",
            json!({"kind": "big_body", "bytes": 100_000_000_000u64}),
        ),
        (
            "a big_body past 128 MiB",
            json!({"kind": "big_body", "bytes": 134_217_729}),
        ),
        (
            "a slow_body of an hour a write",
            json!({"kind": "slow_body", "delay_ms": 3_600_000}),
        ),
    ] {
        let r = sim.control("POST", "faults", Some(spec));
        assert_eq!(r.status, 400, "{what}: {}", r.text());
    }
    let r = sim.control("POST", "events", Some(json!({"generate": 100_001})));
    assert_eq!(r.status, 400, "{}", r.text());
    // A head announcing 64 MiB + 1: refused at once, the body never read.
    let too_long = (64 * 1024 * 1024 + 1).to_string();
    let head_alone = |headers: &[(&str, &str)]| {
        let r = sim.raw_timeout(
            "POST",
            "/_sim/events",
            headers,
            None,
            Duration::from_secs(10),
        );
        r.unwrap_or_else(|e| panic!("no answer to the head alone: {e:?}"))
    };
    let r = head_alone(&[
        ("Content-Type", "application/json"),
        ("X-Pce-Sim-Token", &sim.token),
        ("Content-Length", &too_long),
    ]);
    assert_eq!(r.status, 413, "{}", r.text());
    // Without the token, a body is never even read: the refusal comes on the head alone.
    let r = head_alone(&[
        ("Content-Type", "application/json"),
        ("Content-Length", "1000000"),
    ]);
    assert_eq!(r.status, 403, "{}", r.text());
    for _ in 0..1000 {
        let r = sim.control(
            "POST",
            "faults",
            Some(json!({"kind": "hang", "path": "/nowhere"})),
        );
        assert_eq!(r.status, 201);
    }
    let r = sim.control(
        "POST",
        "faults",
        Some(json!({"kind": "hang", "path": "/nowhere"})),
    );
    assert_eq!(r.status, 400, "at most 1000 pending faults");
}

#[test]
fn cors_is_never_on_proxied_data_and_http_upstreams_need_a_flag() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_pce-sim"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .output()
            .unwrap()
    };
    let up = ["--upstream-key", "k", "--upstream-secret", "s"];
    for (what, extra) in [
        (
            "--cors with --upstream",
            vec!["--upstream", "https://pce.example.com", "--cors"],
        ),
        (
            "an http:// upstream",
            vec!["--upstream", "http://127.0.0.1:9"],
        ),
        ("a URL with a space", vec!["--upstream", "https://x y"]),
        (
            "a URL with a query",
            vec!["--upstream", "https://pce.example.com/?a=b"],
        ),
    ] {
        let out = run(&[&up[..], &extra[..]].concat());
        assert!(!out.status.success(), "{what} is refused");
        assert!(out.stdout.is_empty(), "{what}: no ready line");
        assert!(
            !String::from_utf8_lossy(&out.stderr).is_empty(),
            "{what}: says why"
        );
    }
    // An http:// upstream with --insecure-upstream starts, with a warning on stderr.
    let upstream = start(&[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pce-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--insecure-upstream",
            "--upstream",
        ])
        .arg(&upstream.url)
        .args(up)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    let stderr = child.stderr.take().unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stderr), &mut line).unwrap();
    err.push_str(&line);
    let _ = child.kill();
    let _ = child.wait();
    assert!(err.contains("warning") && err.contains("in clear"), "{err}");
}

/// A simulator as the upstream PCE, and one proxying `/pce/` to it.
fn proxied() -> (Sim, Sim) {
    let upstream = start(&["--api-key", "api_up", "--api-secret", "up-secret"]);
    let front = start(&[
        "--upstream",
        &upstream.url,
        "--insecure-upstream",
        "--upstream-key",
        "api_up",
        "--upstream-secret",
        "up-secret",
    ]);
    (upstream, front)
}

#[test]
fn a_non_json_upstream_answer_is_a_bad_gateway() {
    let (upstream, front) = proxied();
    for (ctype, body) in [
        (
            "text/html; charset=utf-8",
            "<script>fetch('/pce/api/v2/orgs/1/events')</script>",
        ),
        ("application/javascript", "alert(1)"),
        ("text/plain", "[]"),
    ] {
        upstream
            .fault(json!({"kind": "respond", "status": 200, "content_type": ctype, "body": body}));
        let r = front
            .raw(
                "GET",
                "/pce/api/v2/orgs/1/events",
                &[("Accept", "application/json")],
                None,
            )
            .unwrap();
        assert_eq!(r.status, 502, "{ctype}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.token(), "bad_gateway");
        assert!(!r.text().contains("script") && !r.text().contains("alert"));
        hardened(&r, ctype);
    }
    let r = front
        .raw("GET", "/pce/api/v2/orgs/1/events?max_results=2", &[], None)
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    hardened(&r, "a proxied answer");
}

#[test]
fn symlinks_out_of_the_folders_are_not_served() {
    let base = std::env::temp_dir().join(format!("pce-sim-links-{}", std::process::id()));
    let (www, pkg) = (base.join("www"), base.join("pkg"));
    fs::create_dir_all(&www).unwrap();
    fs::create_dir_all(&pkg).unwrap();
    fs::write(base.join("secret.txt"), "outside the folder").unwrap();
    fs::write(www.join("page.html"), "<p>in</p>").unwrap();
    std::os::unix::fs::symlink(base.join("secret.txt"), www.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&base, www.join("up")).unwrap();
    std::os::unix::fs::symlink(base.join("secret.txt"), pkg.join("leak.js")).unwrap();
    std::os::unix::fs::symlink(www.join("page.html"), www.join("alias.html")).unwrap();
    let sim = start(&[
        "--www",
        www.to_str().unwrap(),
        "--pkg",
        pkg.to_str().unwrap(),
    ]);
    for path in ["/leak.txt", "/up/secret.txt", "/pkg/leak.js"] {
        let r = sim.raw("GET", path, &[], None).unwrap();
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("outside"), "{path}");
    }
    let r = sim.raw("GET", "/alias.html", &[], None).unwrap();
    assert_eq!(
        (r.status, r.text()),
        (200, "<p>in</p>".to_string()),
        "a link inside is served"
    );
    let _ = fs::remove_dir_all(&base);
}

#[test]
fn failed_logins_are_limited_per_peer_address() {
    let sim = start(&["--login-failures", "3"]);
    let right = basic(KEY, SECRET);
    // Each failure claims another key: the count is per address, not per claimed key.
    for i in 0..3 {
        let wrong = basic(&format!("api_guess{i}"), "guess");
        let r = sim
            .raw("GET", EVENTS, &[("Authorization", &wrong)], None)
            .unwrap();
        assert_eq!(r.status, 401, "failure {i}");
    }
    for auth in [basic("api_guess9", "guess"), right] {
        let r = sim
            .raw("GET", EVENTS, &[("Authorization", &auth)], None)
            .unwrap();
        assert_eq!(r.status, 429, "locked, the right secret included");
        let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait));
    }
    // The default allows the suites' handful of wrong secrets.
    let sim = start(&[]);
    for _ in 0..10 {
        let r = sim
            .raw("GET", EVENTS, &[("Authorization", "Basic !!!")], None)
            .unwrap();
        assert_eq!(r.status, 401);
    }
    assert_eq!(sim.get(EVENTS).status, 200);
}

#[test]
fn the_log_is_bounded_and_keeps_only_this_servers_requests() {
    let sim = start(&[]);
    let long = "v".repeat(10_000);
    let r = sim
        .raw(
            "GET",
            EVENTS,
            &[("X-Long", &long), ("Host", "evil.example")],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 421);
    assert_eq!(
        sim.control("GET", "requests", None).json(),
        json!([]),
        "a foreign Host is not logged"
    );
    let r = sim
        .raw(
            "GET",
            &format!("{EVENTS}?{}", "q".repeat(6000)),
            &[("X-Long", &long)],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 401);
    let log = sim.control("GET", "requests", None).json();
    assert_eq!(
        log[0]["headers"]["x-long"].as_str().unwrap().len(),
        4096,
        "clipped"
    );
    assert_eq!(log[0]["query"].as_str().unwrap().len(), 4096, "clipped");
}

#[test]
fn a_large_upstream_body_is_streamed_not_held() {
    let (upstream, front) = proxied();
    let rss = |pid: u32| -> u64 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let bytes = 64_000_000;
    upstream.fault(json!({"kind": "big_body", "path": "/api/", "bytes": bytes}));
    let before = rss(front.pid());
    let mut stream = TcpStream::connect(&front.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "GET /pce/api/v2/orgs/1/events HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        front.addr
    );
    stream.write_all(head.as_bytes()).unwrap();
    // Read slowly: a proxy that held the whole body would hold it while this client lags.
    let (mut got, mut peak) = (0usize, before);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        got += n;
        if got % (8 << 20) < n {
            peak = peak.max(rss(front.pid()));
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(got > bytes, "the whole body came through: {got}");
    assert!(
        peak.saturating_sub(before) < 16 * 1024,
        "the proxy's RSS went from {before} KiB to {peak} KiB for a {bytes}-byte body"
    );
}
