//! Starts pce-sim on a free port and talks to it with a tiny HTTP/1.1 client,
//! one connection per request, so that tests see resets and truncation as they happen.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The simulator's default credentials.
pub const KEY: &str = "api_7f3c1e9a2b5d4680";
/// The simulator's default secret.
pub const SECRET: &str = "9c1d4e7f2a6b8c3d0e5f1a2b3c4d5e6f";
/// The pinned clock of the tests.
pub const NOW: &str = "2026-03-10T12:00:00Z";

/// A running simulator, killed when dropped.
pub struct Sim {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The ready line it printed.
    pub ready_line: String,
    /// The control token of the ready line (empty without `--control`).
    pub token: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a simulator with the test defaults plus `extra` flags.
pub fn start(extra: &[&str]) -> Sim {
    start_env(extra, &[])
}

/// `start`, with extra environment variables.
pub fn start_env(extra: &[&str], env: &[(&str, &str)]) -> Sim {
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--control",
        "--events",
        "2000",
        "--now",
        NOW,
        "--seed",
        "7",
    ];
    args.extend_from_slice(extra);
    start_with_env(&args, env)
}

/// Starts a simulator with exactly these flags.
pub fn start_raw(args: &[&str]) -> Sim {
    start_with_env(args, &[])
}

/// Starts a simulator with exactly these flags and extra environment variables.
pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pce-sim"))
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pce-sim starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep reading so that anything printed later is seen (and would fail tests that check).
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        if !rest.is_empty() {
            eprintln!("pce-sim printed more on stdout: {rest}");
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("pce-sim prints its ready line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    let addr = url.trim_start_matches("http://").to_string();
    let token = line
        .split_once("control-token ")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or("").to_string())
        .unwrap_or_default();
    assert_eq!(
        args.contains(&"--control"),
        !token.is_empty(),
        "a control token with --control only: {line:?}"
    );
    Sim {
        child,
        addr,
        url,
        ready_line: line,
        token,
    }
}

/// A response as received.
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// X-Total-Count, as a number.
    pub fn total(&self) -> usize {
        self.header("x-total-count")
            .expect("X-Total-Count")
            .parse()
            .expect("a number")
    }

    /// The Illumio error token of the body.
    pub fn token(&self) -> String {
        self.json()[0]["token"].as_str().unwrap_or("").to_string()
    }
}

/// The Basic Authorization value of a key and secret.
pub fn basic(key: &str, secret: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
    format!("Basic {encoded}")
}

/// Why a raw exchange did not give a whole response.
#[derive(Debug, PartialEq)]
pub enum Broken {
    /// The connection was reset.
    Reset,
    /// The connection closed before the whole body came.
    Short {
        /// Bytes of body received.
        got: usize,
        /// Bytes announced.
        want: usize,
    },
    /// Nothing came before the timeout.
    Timeout,
    /// Something else.
    Other(String),
}

impl Sim {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A request with any method, headers and body; `Host` is added unless given.
    pub fn raw(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Resp, Broken> {
        self.raw_timeout(method, target, headers, body, Duration::from_secs(60))
    }

    /// As `raw`, with a read timeout.
    pub fn raw_timeout(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<Resp, Broken> {
        let mut stream =
            TcpStream::connect(&self.addr).map_err(|e| Broken::Other(e.to_string()))?;
        stream.set_read_timeout(Some(timeout)).ok();
        let mut head = format!("{method} {target} HTTP/1.1\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        if let Some(b) = body {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.unwrap_or(b""));
        stream
            .write_all(&bytes)
            .map_err(|e| Broken::Other(e.to_string()))?;
        read_response(&mut stream, method == "HEAD")
    }

    /// An authenticated GET with `Accept: application/json`.
    pub fn get(&self, target: &str) -> Resp {
        self.get_with(target, &[])
    }

    /// An authenticated GET with extra headers.
    pub fn get_with(&self, target: &str, extra: &[(&str, &str)]) -> Resp {
        let auth = basic(KEY, SECRET);
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Accept", "application/json"),
        ];
        headers.extend_from_slice(extra);
        self.raw("GET", target, &headers, None)
            .expect("a whole response")
    }

    /// A control request with the run's token and a JSON body.
    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let body = body.map(|b| b.to_string().into_bytes());
        let mut headers = vec![("X-Pce-Sim-Token", self.token.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.raw(method, &format!("/_sim/{path}"), &headers, body.as_deref())
            .expect("a whole response")
    }

    /// Follows a finished job's `Location` through the same-origin `/pce/` API to its datafile's events.
    pub fn pce_datafile(&self, location: &str) -> Value {
        let job = self
            .raw("GET", &format!("/pce/api/v2{location}"), &[], None)
            .unwrap()
            .json();
        assert_eq!(job["status"], "done", "{job}");
        let datafile = job["result"]["href"].as_str().unwrap();
        self.raw("GET", &format!("/pce/api/v2{datafile}"), &[], None)
            .unwrap()
            .json()
    }

    /// Queues a fault.
    pub fn fault(&self, spec: Value) {
        let r = self.control("POST", "faults", Some(spec));
        assert!(r.status < 300, "fault refused: {} {}", r.status, r.text());
    }
}

fn read_response(stream: &mut TcpStream, head_only: bool) -> Result<Resp, Broken> {
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end;
    loop {
        if let Some(p) = find(&data, b"\r\n\r\n") {
            head_end = p + 4;
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) if data.is_empty() => return Err(Broken::Short { got: 0, want: 0 }),
            Ok(0) => return Err(Broken::Other("closed inside the head".into())),
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(e) => return Err(classify(e)),
        }
    }
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Broken::Other("bad status line".into()))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = data[head_end..].to_vec();
    let want: Option<usize> = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok());
    if head_only {
        return Ok(Resp {
            status,
            headers,
            body: Vec::new(),
        });
    }
    loop {
        if want.is_some_and(|w| body.len() >= w) {
            break;
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(e) => return Err(classify(e)),
        }
    }
    if let Some(w) = want {
        if body.len() < w {
            return Err(Broken::Short {
                got: body.len(),
                want: w,
            });
        }
    }
    Ok(Resp {
        status,
        headers,
        body,
    })
}

fn classify(e: std::io::Error) -> Broken {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            Broken::Reset
        }
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Broken::Timeout,
        _ => Broken::Other(e.to_string()),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Polls `f` until it returns Some, for at most `limit`.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "condition not met within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Percent-encodes a query value.
pub fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
