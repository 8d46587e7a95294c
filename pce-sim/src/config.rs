//! pce-sim's configuration, as read from the command line: the server, the data, and the upstream PCE.

use std::path::PathBuf;

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
    /// Failed logins per peer address per 60 s before every login of that address is refused; 0 = no limit.
    pub login_failures: u32,
    /// The longest a request head may take to arrive, counted from the end of the previous
    /// response (so it is also the idle timeout of a keep-alive connection), in ms.
    pub header_timeout_ms: u64,
}
