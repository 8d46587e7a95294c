//! The state every request handler shares: the configuration, the simulated clock, the
//! event store, jobs, faults, the request log, the rate limiters and the upstream client.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::data::{Rng, Store};
use crate::faults::FaultQueue;
use crate::http::Request;
use crate::jobs::Jobs;
use crate::upstream::Proxy;
use crate::values::{obj, object, s};
use serde_json::Value;

/// The most requests the log keeps.
const LOG_LIMIT: usize = 100_000;
/// The most bytes the log's entries take, their strings and bookkeeping counted.
pub const LOG_BYTES: usize = 16 * 1024 * 1024;
/// The most headers one log entry keeps.
const LOG_HEADERS: usize = 64;
/// The most bytes of one path, query or header value a log entry keeps.
const LOG_FIELD: usize = 4096;

/// The simulated clock: a start, real time elapsed times a speed, plus manual advances.
pub struct Clock {
    start_ms: i64,
    start: Instant,
    speed: f64,
    advanced_ms: AtomicI64,
}

impl Clock {
    /// A clock that reads `start_ms` now.
    pub fn new(start_ms: i64, speed: f64) -> Clock {
        Clock {
            start_ms,
            start: Instant::now(),
            speed,
            advanced_ms: AtomicI64::new(0),
        }
    }

    /// The simulated now, in ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        let real = self.start.elapsed().as_secs_f64() * 1000.0;
        self.start_ms + (real * self.speed) as i64 + self.advanced_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock forward.
    pub fn advance(&self, ms: i64) {
        self.advanced_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

/// A sliding window of 60 s of real time per credential.
pub struct RateLimiter {
    per_minute: u32,
    windows: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter of `per_minute` requests (0 = none).
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            windows: HashMap::new(),
        }
    }

    /// Counts a request; `Err(seconds)` when over the limit, with the wait until a slot frees.
    pub fn check(&mut self, key: &str) -> Result<(), u64> {
        self.full(key)?;
        if self.per_minute > 0 {
            self.windows
                .entry(key.to_string())
                .or_default()
                .push_back(Instant::now());
        }
        Ok(())
    }

    /// `Err(seconds)` when `key` is at its limit, without counting anything.
    pub fn full(&mut self, key: &str) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let window = Duration::from_secs(60);
        // Keys are bounded by what is kept: past 10000, those with nothing in the window go.
        if self.windows.len() > 10_000 {
            self.windows
                .retain(|_, t| t.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let Some(times) = self.windows.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            times.pop_front();
        }
        if times.len() >= self.per_minute as usize {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_millis().div_ceil(1000).max(1) as u64);
        }
        Ok(())
    }
}

/// A request as the log keeps it.
pub struct Logged {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

/// Cuts a logged field to at most `LOG_FIELD` bytes, on a character boundary.
fn clip(text: &str) -> String {
    let mut end = text.len().min(LOG_FIELD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

impl Logged {
    /// The entry of a request, each field clipped, at most `LOG_HEADERS` headers.
    pub fn of(req: &Request) -> Logged {
        Logged {
            method: clip(&req.method),
            path: clip(&req.path),
            query: clip(&req.query),
            headers: req
                .headers
                .iter()
                .take(LOG_HEADERS)
                .map(|(n, v)| (clip(n), clip(v)))
                .collect(),
        }
    }

    /// The bytes it takes (what `LOG_BYTES` counts): its strings and their bookkeeping.
    fn size(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        std::mem::size_of::<Logged>()
            + self.headers.len() * std::mem::size_of::<(String, String)>()
            + self.method.len()
            + self.path.len()
            + self.query.len()
            + headers
    }

    /// Its JSON for `GET /_sim/requests`.
    pub fn to_json(&self) -> Value {
        let mut headers: Vec<(String, Value)> = Vec::new();
        for (name, value) in &self.headers {
            match headers.iter_mut().find(|(n, _)| n == name) {
                Some((_, Value::String(v))) => {
                    v.push_str(", ");
                    v.push_str(value);
                }
                _ => headers.push((name.clone(), s(value.clone()))),
            }
        }
        obj([
            ("method", s(self.method.clone())),
            ("path", s(self.path.clone())),
            ("query", s(self.query.clone())),
            ("headers", object(headers)),
        ])
    }
}

/// The request log: entries oldest first, bounded in count and in bytes.
#[derive(Default)]
pub struct RequestLog {
    entries: VecDeque<Logged>,
    bytes: usize,
}

impl RequestLog {
    /// Adds an entry, dropping the oldest while over `LOG_LIMIT` entries or `LOG_BYTES` bytes.
    pub fn push(&mut self, entry: Logged) {
        self.bytes += entry.size();
        self.entries.push_back(entry);
        while self.entries.len() > LOG_LIMIT || self.bytes > LOG_BYTES {
            match self.entries.pop_front() {
                Some(old) => self.bytes -= old.size(),
                None => break,
            }
        }
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Logged> {
        self.entries.iter()
    }

    /// How many entries it holds.
    pub fn count(&self) -> usize {
        self.entries.len()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// Everything the request handlers share.
pub struct App {
    /// The configuration.
    pub cfg: Config,
    /// The simulated clock.
    pub clock: Clock,
    /// The client of the upstream PCE, with `--upstream`.
    pub proxy: Option<Proxy>,
    store: RwLock<Store>,
    jobs: Mutex<Jobs>,
    faults: Mutex<FaultQueue>,
    log: Mutex<RequestLog>,
    limiter: Mutex<RateLimiter>,
    login_failures: Mutex<RateLimiter>,
    rng: Mutex<Rng>,
    /// Non-control requests received since start.
    pub request_count: AtomicU64,
    allowed_hosts: Vec<String>,
    /// The per-run secret a control request must send in `X-Pce-Sim-Token` (printed on the ready line only).
    pub control_token: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked cannot leave these structures half-updated in a way
    // that matters more than refusing all later requests would.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    /// The shared state of a server bound to `addr`.
    pub fn new(
        cfg: Config,
        addr: SocketAddr,
        clock: Clock,
        store: Store,
        proxy: Option<Proxy>,
        control_token: String,
    ) -> App {
        let port = addr.port();
        let mut allowed_hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
            addr.to_string().to_ascii_lowercase(),
        ];
        allowed_hosts.dedup();
        let rng = Rng::new(cfg.seed ^ 0xC0FF_EE00 ^ clock.now_ms() as u64);
        App {
            limiter: Mutex::new(RateLimiter::new(cfg.rate_limit)),
            login_failures: Mutex::new(RateLimiter::new(cfg.login_failures)),
            cfg,
            clock,
            proxy,
            store: RwLock::new(store),
            jobs: Mutex::new(Jobs::default()),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(RequestLog::default()),
            rng: Mutex::new(rng),
            request_count: AtomicU64::new(0),
            allowed_hosts,
            control_token,
        }
    }

    /// The event store, for reading.
    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The event store, for writing.
    pub fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The jobs.
    pub fn jobs(&self) -> MutexGuard<'_, Jobs> {
        lock(&self.jobs)
    }

    /// The fault queue.
    pub fn faults(&self) -> MutexGuard<'_, FaultQueue> {
        lock(&self.faults)
    }

    /// The request log.
    pub fn log(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.log)
    }

    /// The failed logins per peer address (a limiter keyed by IP, never by the claimed key).
    pub fn login_failures(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.login_failures)
    }

    /// The rate limiter.
    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.limiter)
    }

    /// The runtime PRNG (job ids, injected events).
    pub fn rng(&self) -> MutexGuard<'_, Rng> {
        lock(&self.rng)
    }

    /// Whether the request names this server in exactly one Host header.
    pub fn host_ok(&self, req: &Request) -> bool {
        let mut hosts = req.headers.iter().filter(|(n, _)| n == "host");
        match (hosts.next(), hosts.next()) {
            (Some((_, h)), None) => self.allowed_hosts.contains(&h.to_ascii_lowercase()),
            _ => false,
        }
    }
}

/// The CORS headers `--cors` adds to API responses.
pub fn cors_headers() -> Vec<(String, String)> {
    [
        ("Access-Control-Allow-Origin", "*"),
        (
            "Access-Control-Allow-Headers",
            "Authorization, Accept, Prefer, Content-Type",
        ),
        ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
        (
            "Access-Control-Expose-Headers",
            "X-Total-Count, Location, Retry-After",
        ),
        ("Access-Control-Max-Age", "600"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}
