//! The shared state, the per-connection loop, and the routing of each request.

use std::collections::{HashMap, VecDeque};
use std::io::BufReader;
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::data::{Rng, Store};
use crate::faults::{FaultKind, FaultQueue};
use crate::http::{self, Delivery, ReadError, Request, Response};
use crate::jobs::Jobs;
use crate::json::{obj, s, J};
use crate::{api, control, count_fault, proxy, static_files};

/// How long an idle keep-alive connection stays open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest a `hang` fault holds a connection.
const HANG_LIMIT: Duration = Duration::from_secs(600);
/// The most requests the log keeps.
const LOG_LIMIT: usize = 100_000;

/// Where `--upstream` forwards `/pce/api/v2/` to.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// Base URL, e.g. `https://pce.example.com:8443` (no trailing slash).
    pub url: String,
    /// API key sent upstream.
    pub key: String,
    /// API secret sent upstream (never printed).
    pub secret: String,
    /// A PEM file of the only CA to trust, when given.
    pub ca: Option<PathBuf>,
}

/// The command line, read.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to bind.
    pub listen: String,
    /// The org id.
    pub org: u64,
    /// The API key (Basic user).
    pub api_key: String,
    /// The API secret (Basic password).
    pub api_secret: String,
    /// Seeded events to make.
    pub events: usize,
    /// Days they span.
    pub days: u32,
    /// The seed.
    pub seed: u64,
    /// The pinned start of the simulated clock, ms since the epoch.
    pub now_ms: Option<i64>,
    /// Static files served at `/`.
    pub www: Option<PathBuf>,
    /// Static files served at `/pkg/`.
    pub pkg: Option<PathBuf>,
    /// Requests per minute per credential; 0 = no limit.
    pub rate_limit: u32,
    /// How long an asynchronous job runs.
    pub async_delay_ms: u64,
    /// Whether to send CORS headers.
    pub cors: bool,
    /// Whether `/_sim/` control endpoints are on.
    pub control: bool,
    /// Live events per simulated minute.
    pub live_per_minute: f64,
    /// Simulated seconds per real second.
    pub clock_speed: f64,
    /// The upstream PCE of the `/pce/` proxy.
    pub upstream: Option<Upstream>,
}

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
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let window = Duration::from_secs(60);
        let times = self.windows.entry(key.to_string()).or_default();
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
        times.push_back(now);
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

impl Logged {
    /// Its JSON for `GET /_sim/requests`.
    pub fn to_json(&self) -> J {
        let mut headers: Vec<(crate::json::Key, J)> = Vec::new();
        for (name, value) in &self.headers {
            match headers.iter_mut().find(|(n, _)| n == name) {
                Some((_, J::Str(v))) => {
                    v.push_str(", ");
                    v.push_str(value);
                }
                _ => headers.push((name.clone().into(), s(value.clone()))),
            }
        }
        obj([
            ("method", s(self.method.clone())),
            ("path", s(self.path.clone())),
            ("query", s(self.query.clone())),
            ("headers", J::Obj(headers)),
        ])
    }
}

/// Everything the request handlers share.
pub struct App {
    /// The configuration.
    pub cfg: Config,
    /// The simulated clock.
    pub clock: Clock,
    /// The client of the upstream PCE, with `--upstream`.
    pub proxy: Option<crate::proxy::Proxy>,
    store: RwLock<Store>,
    jobs: Mutex<Jobs>,
    faults: Mutex<FaultQueue>,
    log: Mutex<VecDeque<Logged>>,
    limiter: Mutex<RateLimiter>,
    rng: Mutex<Rng>,
    /// Non-control requests received since start.
    pub request_count: AtomicU64,
    allowed_hosts: Vec<String>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked cannot leave these structures half-updated in a way
    // that matters more than refusing all later requests would.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What to do with a connection after a request.
pub enum Outcome {
    /// Write this response, this way.
    Respond(Response, Delivery),
    /// Never answer.
    Hang,
    /// Reset the connection.
    Reset,
}

impl App {
    /// The shared state of a server bound to `addr`.
    pub fn new(
        cfg: Config,
        addr: SocketAddr,
        clock: Clock,
        store: Store,
        proxy: Option<crate::proxy::Proxy>,
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
            cfg,
            clock,
            proxy,
            store: RwLock::new(store),
            jobs: Mutex::new(Jobs::default()),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(VecDeque::new()),
            rng: Mutex::new(rng),
            request_count: AtomicU64::new(0),
            allowed_hosts,
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
    pub fn log(&self) -> MutexGuard<'_, VecDeque<Logged>> {
        lock(&self.log)
    }

    /// The rate limiter.
    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.limiter)
    }

    /// The runtime PRNG (job ids, injected events).
    pub fn rng(&self) -> MutexGuard<'_, Rng> {
        lock(&self.rng)
    }

    fn host_ok(&self, req: &Request) -> bool {
        req.header("host")
            .map(|h| h.to_ascii_lowercase())
            .is_some_and(|h| self.allowed_hosts.contains(&h))
    }

    fn record(&self, req: &Request) {
        self.request_count.fetch_add(1, Ordering::SeqCst);
        let mut log = self.log();
        if log.len() >= LOG_LIMIT {
            log.pop_front();
        }
        log.push_back(Logged {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req.headers.clone(),
        });
    }

    /// Answers one request.
    pub fn handle(&self, req: &Request) -> Outcome {
        let control_path = req.path == "/_sim" || req.path.starts_with("/_sim/");
        if control_path && self.cfg.control && req.peer.ip().is_loopback() {
            if !self.host_ok(req) {
                return misdirected();
            }
            return Outcome::Respond(control::handle(self, req), Delivery::Normal);
        }
        self.record(req);
        if !self.host_ok(req) {
            return misdirected();
        }
        // Bound first: a guard in the scrutinee would live through `route`, which locks faults again.
        let fault = self.faults().take_request_fault(&req.path);
        let outcome = match fault {
            None => Outcome::Respond(self.route(req), Delivery::Normal),
            Some(fault) => self.apply_fault(req, fault),
        };
        match outcome {
            Outcome::Respond(resp, delivery) => {
                Outcome::Respond(self.with_cors(req, resp), delivery)
            }
            other => other,
        }
    }

    fn apply_fault(&self, req: &Request, fault: FaultKind) -> Outcome {
        match fault {
            FaultKind::Respond(resp) => Outcome::Respond(resp, Delivery::Normal),
            FaultKind::Hang => Outcome::Hang,
            FaultKind::Reset => Outcome::Reset,
            FaultKind::ResetMidBody => Outcome::Respond(self.route(req), Delivery::ResetMidBody),
            FaultKind::SlowBody { chunk, delay_ms } => {
                Outcome::Respond(self.route(req), Delivery::Slow { chunk, delay_ms })
            }
            FaultKind::Truncate { keep } => {
                let resp = self.route(req);
                let keep = keep.unwrap_or(resp.body.len() / 2);
                Outcome::Respond(resp, Delivery::Truncate(keep))
            }
            FaultKind::BigBody { bytes } => {
                Outcome::Respond(api::big_body(self, bytes), Delivery::Normal)
            }
            FaultKind::CountIgnoresFilters { window } => {
                let resp = self.route(req);
                let resp = count_fault::apply(&self.store(), req, resp, window);
                Outcome::Respond(resp, Delivery::Normal)
            }
            // Job faults are taken when a job is created, never here.
            FaultKind::JobFail(_) | FaultKind::JobStuck => {
                Outcome::Respond(self.route(req), Delivery::Normal)
            }
        }
    }

    fn with_cors(&self, req: &Request, mut resp: Response) -> Response {
        let api = req.path.starts_with("/api/") || req.path.starts_with("/pce/");
        if self.cfg.cors && api && resp.header("access-control-allow-origin").is_none() {
            resp.headers.extend(cors_headers());
        }
        resp
    }

    fn route(&self, req: &Request) -> Response {
        let path = req.path.as_str();
        if path == "/api" || path.starts_with("/api/") {
            return api::handle(self, req, &path[4..], api::Caller::Basic);
        }
        if path == "/pce" || path.starts_with("/pce/") {
            if self.cfg.upstream.is_some() {
                return proxy::handle(self, req);
            }
            return match path.strip_prefix("/pce/api") {
                Some(rest) if rest.starts_with('/') => {
                    api::handle(self, req, rest, api::Caller::Demo)
                }
                _ => Response::error(404, "not_found", "Not found"),
            };
        }
        if path == "/pce-config.json" {
            return pce_config(self, req);
        }
        static_files::serve(self, req)
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

fn misdirected() -> Outcome {
    Outcome::Respond(
        Response::text(
            421,
            "Misdirected request: the Host header does not name this server.",
        ),
        Delivery::Normal,
    )
}

fn pce_config(app: &App, req: &Request) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "Method not allowed").with("Allow", "GET, HEAD");
    }
    let source = match &app.cfg.upstream {
        Some(up) => crate::proxy::display_url(&up.url),
        None => "simulator".to_string(),
    };
    let body = obj([("orgId", J::Int(app.cfg.org as i64)), ("source", s(source))]);
    static_files::harden(Response::json(200, body.to_bytes())).with("Cache-Control", "no-store")
}

/// Serves one connection: requests in a keep-alive loop, until either side closes.
pub fn serve_connection(app: &App, stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let req = match http::read_request(&mut reader, peer) {
            Ok(req) => req,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, why)) => {
                let _ = http::write_response(
                    &mut stream,
                    &Response::text(status, &why),
                    Delivery::Normal,
                    false,
                    true,
                );
                return;
            }
        };
        let head_only = req.method == "HEAD";
        let close = req.wants_close();
        match app.handle(&req) {
            Outcome::Respond(resp, delivery) => {
                let written = http::write_response(&mut stream, &resp, delivery, head_only, close);
                if delivery == Delivery::ResetMidBody {
                    http::reset(stream);
                    return;
                }
                if written.is_err() || close {
                    return;
                }
            }
            Outcome::Hang => {
                http::hang(&mut stream, HANG_LIMIT);
                return;
            }
            Outcome::Reset => {
                http::reset(stream);
                return;
            }
        }
    }
}
