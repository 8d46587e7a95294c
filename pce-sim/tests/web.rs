//! The dev server: static files, security headers, the Host check, the same-origin
//! `/pce/` API, `pce-config.json` and `--cors`.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{start, Sim};
use serde_json::json;

fn site(name: &str) -> (PathBuf, PathBuf) {
    let base = std::env::temp_dir().join(format!("pce-sim-web-{name}-{}", std::process::id()));
    let www = base.join("www");
    let pkg = base.join("pkg");
    fs::create_dir_all(www.join("sub")).unwrap();
    fs::create_dir_all(&pkg).unwrap();
    fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    fs::write(www.join("app.js"), "export const x = 1;").unwrap();
    fs::write(www.join("style.css"), "body{}").unwrap();
    fs::write(www.join("logo.svg"), "<svg/>").unwrap();
    fs::write(www.join("data.json"), "{}").unwrap();
    fs::write(www.join("sub").join("page.html"), "<p>sub</p>").unwrap();
    fs::write(pkg.join("pkg_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    fs::write(pkg.join("pkg.mjs"), "export default 1;").unwrap();
    fs::write(base.join("secret.txt"), "outside").unwrap();
    (www, pkg)
}

fn web_sim(name: &str, extra: &[&str]) -> Sim {
    let (www, pkg) = site(name);
    let mut args = vec![
        "--www",
        www.to_str().unwrap(),
        "--pkg",
        pkg.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    start(&args)
}

#[test]
fn static_files_with_types_and_security_headers() {
    let sim = web_sim("types", &[]);
    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/sub/page.html", "text/html; charset=utf-8"),
        ("/pkg/pkg_bg.wasm", "application/wasm"),
        ("/pkg/pkg.mjs", "text/javascript; charset=utf-8"),
    ] {
        let r = sim.raw("GET", path, &[], None).unwrap();
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("'wasm-unsafe-eval'")
                && csp.contains("frame-ancestors 'none'")
        );
    }
    assert_eq!(
        sim.raw("GET", "/pkg/pkg_bg.wasm", &[], None).unwrap().body,
        b"\0asm\x01\0\0\0"
    );
    let missing = sim.raw("GET", "/nope.js", &[], None).unwrap();
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    let head = sim.raw("HEAD", "/app.js", &[], None).unwrap();
    assert_eq!(
        (head.status, head.header("content-length")),
        (200, Some("19"))
    );
    assert_eq!(
        sim.raw("POST", "/app.js", &[], Some(b"x")).unwrap().status,
        405
    );
}

#[test]
fn traversal_is_refused() {
    let sim = web_sim("traversal", &[]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/..%2fsecret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "/sub%00/page.html",
        "/pkg/../../secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
    ] {
        let r = sim.raw("GET", path, &[], None).unwrap();
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.text().contains("outside"), "{path}");
    }
}

#[test]
fn host_header_is_checked() {
    let sim = web_sim("host", &[]);
    let port = sim.addr.rsplit(':').next().unwrap().to_string();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = sim.raw("GET", "/", &[("Host", &host)], None).unwrap();
        assert_eq!(r.status, 200, "{host}");
    }
    for host in [
        "evil.example.com",
        "127.0.0.1",
        "localhost:1",
        "evil.example.com:80",
    ] {
        let r = sim.raw("GET", "/", &[("Host", host)], None).unwrap();
        assert_eq!(r.status, 421, "{host}");
        let r = sim
            .raw("GET", "/pce/api/v2/orgs/1/events", &[("Host", host)], None)
            .unwrap();
        assert_eq!(r.status, 421, "{host}");
        let r = sim
            .raw("GET", "/_sim/stats", &[("Host", host)], None)
            .unwrap();
        assert_eq!(r.status, 421, "{host}");
    }
}

#[test]
fn same_origin_api_needs_no_credentials() {
    let sim = web_sim("pce", &[]);
    let r = sim
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events?max_results=3",
            &[("Accept", "application/json")],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json().as_array().unwrap().len(), 3);
    assert_eq!(r.total(), 2007);
    let direct = sim.get("/api/v2/orgs/1/events?max_results=3");
    assert_eq!(r.body, direct.body);
    let r = sim
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events/37f8c845-90e0-4151-bd10-4c04279ad37a",
            &[],
            None,
        )
        .unwrap();
    assert_eq!(r.json()["event_type"], "user.sign_out");
    let r = sim
        .raw("GET", "/pce/api/v2/orgs/1/events?severity=bogus", &[], None)
        .unwrap();
    assert_eq!(r.status, 406);

    // Async through /pce/: Location stays under /orgs/..., the page prefixes it.
    let sim = web_sim("pce-async", &["--async-delay-ms", "0"]);
    let r = sim
        .raw(
            "GET",
            "/pce/api/v2/orgs/1/events?event_type=user.login",
            &[("Prefer", "respond-async")],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 202);
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/orgs/1/jobs/"));
    let data = sim.pce_datafile(&location);
    assert!(data
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["event_type"] == "user.login"));

    // Faults apply when their path matches /pce/api/.
    sim.fault(json!({"kind": "respond", "status": 503, "body": "", "path": "/pce/api/"}));
    assert_eq!(
        sim.get("/api/v2/orgs/1/events").status,
        200,
        "not an /api/ fault"
    );
    assert_eq!(
        sim.raw("GET", "/pce/api/v2/orgs/1/events", &[], None)
            .unwrap()
            .status,
        503
    );

    assert_eq!(sim.raw("GET", "/pce/other", &[], None).unwrap().status, 404);
    assert_eq!(
        sim.raw("POST", "/pce/api/v2/orgs/1/events", &[], Some(b"{}"))
            .unwrap()
            .status,
        405
    );
}

#[test]
fn pce_config_names_the_org() {
    let sim = web_sim("config", &["--org", "7"]);
    let r = sim.raw("GET", "/pce-config.json", &[], None).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"orgId": 7, "source": "simulator"}));
    assert!(sim.ready_line.contains("org 7"));
}

#[test]
fn cors_only_with_the_flag() {
    let plain = web_sim("nocors", &[]);
    let r = plain
        .raw(
            "OPTIONS",
            "/api/v2/orgs/1/events",
            &[
                ("Origin", "http://x.test"),
                ("Access-Control-Request-Method", "GET"),
            ],
            None,
        )
        .unwrap();
    assert!(r.header("access-control-allow-origin").is_none());
    let sim = web_sim("cors", &["--cors"]);
    let r = sim
        .raw(
            "OPTIONS",
            "/api/v2/orgs/1/events",
            &[
                ("Origin", "http://x.test"),
                ("Access-Control-Request-Method", "GET"),
            ],
            None,
        )
        .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let allowed = r.header("access-control-allow-headers").unwrap();
    for h in ["Authorization", "Accept", "Prefer", "Content-Type"] {
        assert!(allowed.contains(h), "{h}");
    }
    let r = sim.get_with(
        "/api/v2/orgs/1/events?max_results=1",
        &[("Origin", "http://x.test")],
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let exposed = r.header("access-control-expose-headers").unwrap();
    for h in ["X-Total-Count", "Location", "Retry-After"] {
        assert!(exposed.contains(h), "{h}");
    }
    // Errors carry them too, so a page can read them.
    let r = sim.raw("GET", "/api/v2/orgs/1/events", &[], None).unwrap();
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (401, Some("*"))
    );
}
