//! The command line, read by clap into `Config`: each flag's range is checked where it is
//! declared, and the rules that join flags (credentials in pairs, the upstream's) below.

use std::path::PathBuf;

use clap::Parser;

use crate::config::{Config, Upstream};
use crate::upstream;

/// The fixed demo credentials, printed at start so the demo needs no set-up.
pub const DEFAULT_KEY: &str = "api_7f3c1e9a2b5d4680";
/// The demo key's secret.
pub const DEFAULT_SECRET: &str = "9c1d4e7f2a6b8c3d0e5f1a2b3c4d5e6f";

/// pce-sim: a simulator of the Illumio PCE Events API, and the demo's dev server.
#[derive(Parser, Debug)]
// A flag given again overrides the earlier one: the tests append what they change to shared defaults.
#[command(
    name = "pce-sim",
    args_override_self = true,
    after_help = "The upstream secret may come from the environment variable PCE_SIM_UPSTREAM_SECRET instead of --upstream-secret (ps shows every user the command line)."
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// The org id.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    org: u64,
    /// The API key (HTTP Basic user); give it with --api-secret.
    #[arg(long, requires = "api_secret")]
    api_key: Option<String>,
    /// The API secret (HTTP Basic password); give it with --api-key.
    #[arg(long, requires = "api_key")]
    api_secret: Option<String>,
    /// Seeded events to make.
    #[arg(long, default_value_t = 20_000)]
    events: usize,
    /// Days the seeded events span.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
    /// The seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Pins the simulated clock's start (RFC 3339).
    #[arg(long, value_parser = rfc3339_millis)]
    now: Option<i64>,
    /// Static files served at `/`.
    #[arg(long)]
    www: Option<PathBuf>,
    /// Static files served at `/pkg/` (the built package).
    #[arg(long)]
    pkg: Option<PathBuf>,
    /// Requests a minute per credential; 0 = no limit.
    #[arg(long, default_value_t = 500)]
    rate_limit: u32,
    /// Failed logins a peer address may make in 60 s; 0 = no limit.
    #[arg(long, default_value_t = 60)]
    login_failures: u32,
    /// The longest a request head may take to arrive, in ms (also the keep-alive idle timeout).
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    header_timeout_ms: u64,
    /// How long an asynchronous job runs, in ms.
    #[arg(long, default_value_t = 2000)]
    async_delay_ms: u64,
    /// Sends CORS headers (refused with --upstream).
    #[arg(long)]
    cors: bool,
    /// Turns on the `/_sim/` control endpoints (token printed on the ready line).
    #[arg(long)]
    control: bool,
    /// Live events per simulated minute, 0..=1000000.
    #[arg(long, default_value_t = 0.0, value_parser = live_rate)]
    live_per_minute: f64,
    /// Simulated seconds per real second, above 0 and at most 1000000.
    #[arg(long, default_value_t = 1.0, value_parser = clock_speed)]
    clock_speed: f64,
    /// A real PCE that `/pce/api/v2/` is forwarded to (https unless --insecure-upstream).
    #[arg(long)]
    upstream: Option<String>,
    /// The real PCE's API key.
    #[arg(long)]
    upstream_key: Option<String>,
    /// The real PCE's API secret (or PCE_SIM_UPSTREAM_SECRET).
    #[arg(long)]
    upstream_secret: Option<String>,
    /// A PEM file of the only CA to trust for the upstream.
    #[arg(long)]
    upstream_ca: Option<PathBuf>,
    /// Allows an http:// upstream, whose credentials cross the network in clear.
    #[arg(long, requires = "upstream")]
    insecure_upstream: bool,
}

fn rfc3339_millis(text: &str) -> Result<i64, String> {
    pce_time::parse_rfc3339(text)
        .map(|t| t.millis())
        .ok_or_else(|| "expected an RFC 3339 timestamp such as 2026-11-20T12:00:00Z".into())
}

fn number_in(text: &str, ok: impl Fn(f64) -> bool, range: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|n| ok(*n))
        .ok_or_else(|| format!("expected a number {range}"))
}

fn live_rate(text: &str) -> Result<f64, String> {
    number_in(text, |n| (0.0..=1e6).contains(&n), "from 0 to 1000000")
}

fn clock_speed(text: &str) -> Result<f64, String> {
    number_in(text, |n| n > 0.0 && n <= 1e6, "above 0, at most 1000000")
}

/// What the command line asks for: the configuration, or a message (help or a mistake) to
/// print with its exit code.
pub fn parse(args: &[String]) -> Result<Config, clap::Error> {
    let a =
        Args::try_parse_from(std::iter::once("pce-sim".to_string()).chain(args.iter().cloned()))?;
    let invalid =
        |why: String| clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{why}\n"));
    let up_url = a
        .upstream
        .map(|url| upstream::check_url(&url, a.insecure_upstream))
        .transpose()
        .map_err(invalid)?;
    if a.cors && up_url.is_some() {
        return Err(invalid(
            "--cors with --upstream would let any web page read the real PCE's events through the proxy: refused".into(),
        ));
    }
    let (api_key, api_secret) = (
        a.api_key.unwrap_or_else(|| DEFAULT_KEY.into()),
        a.api_secret.unwrap_or_else(|| DEFAULT_SECRET.into()),
    );
    if api_key.is_empty() || api_key.contains(':') || api_secret.is_empty() {
        return Err(invalid(
            "--api-key must be non-empty without ':', and --api-secret non-empty".into(),
        ));
    }
    // The environment keeps the secret out of `ps`, which shows every user the command line.
    let up_secret = a.upstream_secret.or_else(|| {
        up_url.as_ref()?;
        std::env::var("PCE_SIM_UPSTREAM_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
    });
    let upstream = match (up_url, a.upstream_key, up_secret) {
        (Some(url), Some(key), Some(secret)) => Some(Upstream {
            url,
            key,
            secret,
            ca: a.upstream_ca,
        }),
        (None, None, None) if a.upstream_ca.is_none() => None,
        _ => return Err(invalid(
            "--upstream needs --upstream-key and --upstream-secret or PCE_SIM_UPSTREAM_SECRET (and they need --upstream)".into(),
        )),
    };
    Ok(Config {
        listen: a.listen,
        org: a.org,
        api_key,
        api_secret,
        events: a.events,
        days: a.days,
        seed: a.seed,
        now_ms: a.now,
        www: a.www,
        pkg: a.pkg,
        rate_limit: a.rate_limit,
        async_delay_ms: a.async_delay_ms,
        cors: a.cors,
        control: a.control,
        live_per_minute: a.live_per_minute,
        clock_speed: a.clock_speed,
        upstream,
        login_failures: a.login_failures,
        header_timeout_ms: a.header_timeout_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_flags() {
        let cfg = parse(&[]).unwrap();
        assert_eq!(
            (cfg.events, cfg.days, cfg.rate_limit, cfg.async_delay_ms),
            (20_000, 30, 500, 2000)
        );
        assert_eq!(cfg.api_key, DEFAULT_KEY);
        let cfg = parse(&args(&[
            "--listen",
            "127.0.0.1:0",
            "--control",
            "--now",
            "2026-01-01T00:00:00Z",
        ]))
        .unwrap();
        assert!(cfg.control);
        assert_eq!(cfg.now_ms, Some(1_767_225_600_000));
        let again = parse(&args(&["--events", "5", "--events", "6"])).unwrap();
        assert_eq!(again.events, 6, "the last one wins");
        for bad in [
            &["--api-key", "x"][..],
            &["--upstream", "https://pce"],
            &["--bogus"],
            &["--org", "0"],
            &["--days", "3651"],
            &["--now", "yesterday"],
            &["--clock-speed", "0"],
            &["--live-per-minute", "-1"],
            &["--header-timeout-ms", "99"],
            &["--insecure-upstream"],
            &["--api-key", "a:b", "--api-secret", "s"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
        let up = ["--upstream-key", "k", "--upstream-secret", "s"];
        let with = |extra: &[&str]| {
            let mut list = args(&up);
            list.extend(args(extra));
            parse(&list)
        };
        assert!(with(&["--upstream", "https://pce.example.com"]).is_ok());
        assert!(with(&["--upstream", "https://pce.example.com", "--cors"]).is_err());
        assert!(with(&["--upstream", "http://127.0.0.1:9"]).is_err());
        assert!(with(&["--upstream", "http://127.0.0.1:9", "--insecure-upstream"]).is_ok());
        assert!(with(&["--upstream", "https://x y"]).is_err());
    }
}
