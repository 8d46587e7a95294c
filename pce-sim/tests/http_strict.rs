//! HTTP/1.1 from raw sockets: the lenient parsing issue 11 found is refused (400 and the
//! connection closed), slow heads time out, memory stays bounded across 100,000 hostile
//! requests, and a real request is answered while 2,000 idle connections press on a process
//! allowed 256 file descriptors.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{basic, start, KEY, SECRET};

/// Sends `bytes` on a fresh connection; returns everything read until the server closes it
/// (or `None` if it was still open after `wait`).
fn exchange(addr: &str, bytes: &[u8], wait: Duration) -> Option<String> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    // The server may close before it has read everything: a write error is fine.
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&out).into_owned()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return Some(String::from_utf8_lossy(&out).into_owned())
            }
            Err(_) => return None,
        }
    }
}

#[test]
fn lenient_requests_are_refused_and_the_connection_closed() {
    let sim = start(&[]);
    let a = sim.addr.as_str();
    let auth = basic(KEY, SECRET);
    let get = format!("GET /api/v2/orgs/1/events?max_results=1 HTTP/1.1\r\nHost: {a}\r\nAuthorization: {auth}\r\n");
    let post = format!(
        "POST /_sim/clock HTTP/1.1\r\nHost: {a}\r\nX-Pce-Sim-Token: {}\r\nContent-Type: application/json\r\n",
        sim.token
    );
    // A second request rides behind each: a smuggled one must never be answered.
    let smuggled = format!("GET /api/v2/orgs/1/events?max_results=2 HTTP/1.1\r\nHost: {a}\r\nAuthorization: {auth}\r\n\r\n");
    let cases: Vec<(&str, String)> = vec![
        (
            "Transfer-Encoding with Content-Length",
            format!("{get}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
        ),
        (
            "Content-Length with Transfer-Encoding",
            format!("{post}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ),
        (
            "xchunked",
            format!("{post}Transfer-Encoding: xchunked\r\n\r\n5\r\n{{}}   \r\n0\r\n\r\n"),
        ),
        (
            "gzip, chunked",
            format!("{post}Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"),
        ),
        (
            "chunked on a route without a body",
            format!("{get}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ),
        (
            "two different Content-Lengths",
            format!("{post}Content-Length: 2\r\nContent-Length: 20\r\n\r\n{{}}"),
        ),
        (
            "a +5 length",
            format!("{post}Content-Length: +2\r\n\r\n{{}}"),
        ),
        (
            "a bad CRLF after chunk data",
            format!("{post}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}XX0\r\n\r\n"),
        ),
        (
            "an obs-fold line",
            format!("{get}X-Folded: a\r\n b\r\n\r\n"),
        ),
        ("a bare CR in a value", format!("{get}X-Cr: a\rb\r\n\r\n")),
        (
            "two Host headers",
            format!("{get}Host: evil.example\r\n\r\n"),
        ),
        (
            "a huge chunk size",
            format!("{post}Transfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\n"),
        ),
        (
            "a body on a GET",
            format!("{get}Content-Length: 2\r\n\r\n{{}}"),
        ),
        (
            "a space before the colon",
            format!("{get}X-Space : a\r\n\r\n"),
        ),
    ];
    for (what, request) in cases {
        let bytes = format!("{request}{smuggled}");
        let answer = exchange(a, bytes.as_bytes(), Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{what}: the connection stayed open"));
        assert!(answer.starts_with("HTTP/1.1 400"), "{what}: {answer}");
        assert_eq!(
            answer.matches("HTTP/1.1 ").count(),
            1,
            "{what}: one answer only: {answer}"
        );
        assert!(!answer.contains("/orgs/1/events/"), "{what}: no data");
    }
    // A 256 MB body announced on a route that takes none: answered at once, never read, closed.
    let big = format!("POST /api/v2/orgs/1/events HTTP/1.1\r\nHost: {a}\r\nAuthorization: {auth}\r\nContent-Length: 268435456\r\n\r\n");
    let answer = exchange(a, big.as_bytes(), Duration::from_secs(10)).expect("closed at once");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    // 21,000 headers in 63 KB: refused (431) before anything is kept.
    let many: String = (0..21_000).map(|i| format!("X{i}:\r\n")).collect();
    let answer = exchange(
        a,
        format!("{get}{many}\r\n").as_bytes(),
        Duration::from_secs(10),
    )
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    // The server is fine and still answers.
    assert_eq!(sim.get("/api/v2/orgs/1/events?max_results=1").status, 200);
    // Only the POST and this GET reached the routes; every refused request stopped before.
    assert_eq!(sim.control("GET", "stats", None).json()["requests"], 2);
}

#[test]
fn a_slow_head_times_out() {
    let sim = start(&["--header-timeout-ms", "1500"]);
    let mut s = TcpStream::connect(&sim.addr).unwrap();
    let started = Instant::now();
    let head = format!(
        "GET /api/v2/orgs/1/events HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
        sim.addr
    );
    s.write_all(head.as_bytes()).unwrap();
    // One byte every 200 ms: each read makes progress, the head never ends.
    let closed = loop {
        std::thread::sleep(Duration::from_millis(200));
        if s.write_all(b"a").is_err() || started.elapsed() > Duration::from_secs(10) {
            break started.elapsed();
        }
    };
    assert!(closed < Duration::from_secs(5), "closed after {closed:?}");
    // An idle keep-alive connection goes the same way.
    let mut idle = TcpStream::connect(&sim.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 1];
    let started = Instant::now();
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// The resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Writes `count` copies of `request` on a keep-alive connection, in batches, and reads the answers.
fn pipeline(addr: &str, request: &[u8], count: usize, status: &str) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let batch = 200;
    let mut buf = vec![0u8; 1 << 20];
    let mut sent = 0;
    while sent < count {
        let n = batch.min(count - sent);
        let bytes: Vec<u8> = request.repeat(n);
        s.write_all(&bytes).unwrap();
        let mut seen = 0;
        let mut tail = String::new();
        while seen < n {
            let got = s.read(&mut buf).unwrap();
            assert!(got > 0, "closed after {} answers", sent + seen);
            tail.push_str(&String::from_utf8_lossy(&buf[..got]));
            seen += tail.matches(status).count();
            // Keep only what may hold the start of a split status line (never a whole one).
            let keep = tail.len().saturating_sub(status.len() - 1);
            tail = tail[keep..].to_string();
        }
        sent += n;
    }
}

#[test]
fn memory_stays_bounded_across_100000_hostile_requests() {
    // --control is on, so the request log is on: the worst case.
    // pce-sim allocates with mimalloc: freed pages go back to the system at once, so the
    // resident size measures what is held, not what the allocator keeps for later.
    let sim = common::start_env(&[], &[("MIMALLOC_PURGE_DELAY", "0")]);
    let pid = sim.pid();
    let start_rss = rss_kib(pid);
    let headers: String = (0..90)
        .map(|i| format!("X-Pad-{i}: {}\r\n", "p".repeat(40)))
        .collect();
    let long_url = format!("/api/v2/orgs/1/events?q={}", "u".repeat(6000));
    let foreign = format!("GET {long_url} HTTP/1.1\r\nHost: evil.example\r\n{headers}\r\n");
    let logged = format!(
        "GET {long_url} HTTP/1.1\r\nHost: {}\r\n{headers}\r\n",
        sim.addr
    );
    // Warm up: 2000 logged requests of about 13 KB fill the log to its 16 MiB.
    pipeline(&sim.addr, logged.as_bytes(), 2000, "HTTP/1.1 401");
    let before = rss_kib(pid);
    let started = Instant::now();
    let mut rounds = Vec::new();
    for _ in 0..2 {
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let addr = sim.addr.clone();
                let request = if i % 2 == 0 {
                    foreign.clone()
                } else {
                    logged.clone()
                };
                let status = if i % 2 == 0 {
                    "HTTP/1.1 421"
                } else {
                    "HTTP/1.1 401"
                };
                std::thread::spawn(move || pipeline(&addr, request.as_bytes(), 12_500, status))
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        rounds.push(rss_kib(pid));
    }
    let (mid, after) = (rounds[0], rounds[1]);
    eprintln!(
        "100000 hostile requests in {:?}: RSS {start_rss} KiB at start, {before} KiB with the log full, \
         {mid} KiB after 50000, {after} KiB after 100000",
        started.elapsed()
    );
    // The 16 MiB log, the connections' buffers, and the first requests' per-thread allocator
    // heaps (one for each thread of the blocking pool that the 4 connections wake up).
    assert!(
        after.saturating_sub(start_rss) < 48 * 1024,
        "RSS grew from {start_rss} KiB to {after} KiB: more than the 16 MiB log and buffers"
    );
    assert!(
        after.saturating_sub(before) < 16 * 1024,
        "100000 requests on a full log grew RSS from {before} KiB to {after} KiB"
    );
    assert!(
        after.saturating_sub(mid) < 4 * 1024,
        "RSS still grows: {mid} KiB after 50000, {after} KiB after 100000"
    );
    let log = sim.control("GET", "requests", None).json();
    let kept = log.as_array().unwrap().len();
    assert!(
        (1..2000).contains(&kept),
        "the log is bounded in bytes: {kept} entries"
    );
    assert_eq!(
        sim.control("GET", "stats", None).json()["requests"],
        102_000
    );
}

/// pce-sim started under `ulimit -n LIMIT`, its ready line's address.
fn start_limited(limit: u32) -> (Child, String) {
    let script = format!(
        "ulimit -n {limit} && exec \"$0\" --listen 127.0.0.1:0 --events 100 --now 2026-03-10T12:00:00Z"
    );
    let mut child = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_pce-sim")])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let line = String::from_utf8(line).unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, addr)
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[test]
fn a_real_request_is_answered_during_2000_idle_connections() {
    let (mut child, addr) = start_limited(256);
    let pid = child.id();
    let mut idle = Vec::new();
    for i in 0..2000 {
        let mut s = TcpStream::connect(&addr).unwrap();
        // Half send nothing, half the start of a head that never ends (slowloris).
        if i % 2 == 1 {
            s.write_all(b"GET /api/v2/orgs/1/events HTTP/1.1\r\nHo")
                .unwrap();
        }
        idle.push(s);
    }
    let started = Instant::now();
    let auth = basic(common::KEY, common::SECRET);
    let request = format!(
        "GET /api/v2/orgs/1/events?max_results=1 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n"
    );
    let answer = exchange(&addr, request.as_bytes(), Duration::from_secs(20))
        .expect("an answer within 20 s");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    eprintln!(
        "answered in {:?} behind 2000 idle connections",
        started.elapsed()
    );
    let fds = open_fds(pid);
    assert!(fds <= 256, "{fds} descriptors open");
    // The oldest idle connections were the ones closed.
    let closed = idle
        .iter_mut()
        .take(1000)
        .filter(|s| {
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
            match (&**s).read(&mut [0u8; 1]) {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            }
        })
        .count();
    assert!(
        closed >= 900,
        "only {closed} of the 1000 oldest idle connections were closed"
    );
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_hung_connection_is_released_when_the_client_leaves() {
    let sim = start(&[]);
    let pid = sim.pid();
    let baseline = open_fds(pid);
    sim.fault(serde_json::json!({"kind": "hang", "path": "/api/", "times": 20}));
    let mut hung = Vec::new();
    for _ in 0..20 {
        let mut s = TcpStream::connect(&sim.addr).unwrap();
        let head = format!(
            "GET /api/v2/orgs/1/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            sim.addr
        );
        s.write_all(head.as_bytes()).unwrap();
        hung.push(s);
    }
    common::wait_for(Duration::from_secs(10), || {
        (sim.control("GET", "faults", None).json() == serde_json::json!([])).then_some(())
    });
    assert!(
        open_fds(pid) >= baseline + 20,
        "the hung connections are held"
    );
    drop(hung);
    common::wait_for(Duration::from_secs(10), || {
        (open_fds(pid) < baseline + 5).then_some(())
    });
}
