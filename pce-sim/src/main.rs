//! pce-sim: a simulator of the Illumio PCE Events API, and the demo's dev server.
//!
//! See README.md for the flags, the control endpoints and the fault kinds.

// The seeded events are made on every core at startup, with many small allocations each:
// mimalloc makes that about 1.5 times as fast as the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod api;
mod config;
mod conns;
mod control;
mod count_fault;
mod data;
mod faults;
mod http;
mod jobs;
mod proxy;
mod routes;
mod secure;
mod serve;
mod state;
mod static_files;
mod upstream;
mod values;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use config::{Config, Upstream};
use data::{GenConfig, Rng, Store};
use state::{App, Clock};

/// The fixed demo credentials, printed at start so the demo needs no set-up.
const DEFAULT_KEY: &str = "api_7f3c1e9a2b5d4680";
const DEFAULT_SECRET: &str = "9c1d4e7f2a6b8c3d0e5f1a2b3c4d5e6f";

const USAGE: &str =
    "usage: pce-sim [--listen 127.0.0.1:8080] [--org 1] [--api-key K --api-secret S]
               [--events N] [--days D] [--seed S] [--now RFC3339] [--www DIR] [--pkg DIR]
               [--rate-limit PER_MIN] [--login-failures PER_MIN] [--header-timeout-ms MS]
               [--async-delay-ms MS] [--cors] [--control]
               [--live-per-minute N] [--clock-speed F]
               [--upstream URL --upstream-key K --upstream-secret S [--upstream-ca FILE] [--insecure-upstream]]\n\
               (the upstream secret may come from the environment variable PCE_SIM_UPSTREAM_SECRET instead)";

fn parse_args(args: &[String]) -> Result<Config, String> {
    let mut cfg = Config {
        listen: "127.0.0.1:8080".into(),
        org: 1,
        api_key: DEFAULT_KEY.into(),
        api_secret: DEFAULT_SECRET.into(),
        events: 20_000,
        days: 30,
        seed: 1,
        now_ms: None,
        www: None,
        pkg: None,
        rate_limit: 500,
        async_delay_ms: 2000,
        cors: false,
        control: false,
        live_per_minute: 0.0,
        clock_speed: 1.0,
        upstream: None,
        login_failures: config::LOGIN_FAILURES,
        header_timeout_ms: 30_000,
    };
    let mut insecure = false;
    let (mut up_url, mut up_key, mut up_secret, mut up_ca) = (None, None, None, None);
    let mut key_given = (false, false);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| -> Result<String, String> {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        fn num<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
            text.parse()
                .map_err(|_| format!("{name}: {text:?} is not a valid number"))
        }
        match flag.as_str() {
            "--listen" => cfg.listen = value(flag)?,
            "--org" => {
                cfg.org = num(flag, &value(flag)?)?;
                if cfg.org == 0 {
                    return Err("--org must be a positive integer".into());
                }
            }
            "--api-key" => {
                cfg.api_key = value(flag)?;
                key_given.0 = true;
            }
            "--api-secret" => {
                cfg.api_secret = value(flag)?;
                key_given.1 = true;
            }
            "--events" => cfg.events = num(flag, &value(flag)?)?,
            "--days" => {
                cfg.days = num(flag, &value(flag)?)?;
                if !(1..=3650).contains(&cfg.days) {
                    return Err("--days must be 1..=3650".into());
                }
            }
            "--seed" => cfg.seed = num(flag, &value(flag)?)?,
            "--now" => {
                let text = value(flag)?;
                let t =
                    pce_time::parse_rfc3339(&text).ok_or("--now must be an RFC 3339 timestamp")?;
                cfg.now_ms = Some(t.millis());
            }
            "--www" => cfg.www = Some(PathBuf::from(value(flag)?)),
            "--pkg" => cfg.pkg = Some(PathBuf::from(value(flag)?)),
            "--rate-limit" => cfg.rate_limit = num(flag, &value(flag)?)?,
            "--async-delay-ms" => cfg.async_delay_ms = num(flag, &value(flag)?)?,
            "--cors" => cfg.cors = true,
            "--control" => cfg.control = true,
            "--live-per-minute" => {
                cfg.live_per_minute = num(flag, &value(flag)?)?;
                if !(cfg.live_per_minute >= 0.0 && cfg.live_per_minute <= 1e6) {
                    return Err("--live-per-minute must be 0..=1000000".into());
                }
            }
            "--clock-speed" => {
                cfg.clock_speed = num(flag, &value(flag)?)?;
                if !(cfg.clock_speed > 0.0 && cfg.clock_speed <= 1e6) {
                    return Err("--clock-speed must be a positive number".into());
                }
            }
            "--upstream" => up_url = Some(value(flag)?),
            "--insecure-upstream" => insecure = true,
            "--login-failures" => cfg.login_failures = num(flag, &value(flag)?)?,
            "--header-timeout-ms" => {
                cfg.header_timeout_ms = num(flag, &value(flag)?)?;
                if !(100..=600_000).contains(&cfg.header_timeout_ms) {
                    return Err("--header-timeout-ms must be 100..=600000".into());
                }
            }
            "--upstream-key" => up_key = Some(value(flag)?),
            "--upstream-secret" => up_secret = Some(value(flag)?),
            "--upstream-ca" => up_ca = Some(PathBuf::from(value(flag)?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let up_url = up_url
        .map(|url| upstream::check_url(&url, insecure))
        .transpose()?;
    if insecure && up_url.is_none() {
        return Err("--insecure-upstream needs --upstream".into());
    }
    if cfg.cors && up_url.is_some() {
        return Err(
            "--cors with --upstream would let any web page read the real PCE's events through the proxy: refused"
                .into(),
        );
    }
    if key_given.0 != key_given.1 {
        return Err("give --api-key and --api-secret together".into());
    }
    if cfg.api_key.is_empty() || cfg.api_key.contains(':') || cfg.api_secret.is_empty() {
        return Err("--api-key must be non-empty without ':', and --api-secret non-empty".into());
    }
    // The environment keeps the secret out of `ps`, which shows every user the command line.
    let up_secret = up_secret.or_else(|| {
        up_url.as_ref()?;
        std::env::var("PCE_SIM_UPSTREAM_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
    });
    cfg.upstream =
        match (up_url, up_key, up_secret) {
            (Some(url), Some(key), Some(secret)) => Some(Upstream {
                url,
                key,
                secret,
                ca: up_ca,
            }),
            (None, None, None) if up_ca.is_none() => None,
            _ => return Err(
                "--upstream needs --upstream-key and --upstream-secret or PCE_SIM_UPSTREAM_SECRET (and they need --upstream)"
                    .into(),
            ),
        };
    Ok(cfg)
}

fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Adds about `per_minute` events per simulated minute, at the simulated now.
fn live_events(app: Arc<App>, per_minute: f64) {
    let mut rng = Rng::new(app.cfg.seed ^ 0x11FE);
    let mut last = app.clock.now_ms();
    let mut owed = 0.0;
    loop {
        thread::sleep(Duration::from_millis(250));
        let now = app.clock.now_ms();
        owed += per_minute * (now - last).max(0) as f64 / 60_000.0;
        last = now;
        // Some jitter, so arrivals are not perfectly regular.
        let due = (owed + rng.unit() - 0.5).floor().max(0.0) as usize;
        if due > 0 {
            owed -= due as f64;
            let events =
                data::generate(&mut rng, app.cfg.org, due, now, 0, &serde_json::Value::Null);
            let mut store = app.store_mut();
            for e in events {
                store.insert(e);
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = match parse_args(&args) {
        Ok(cfg) => cfg,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("pce-sim: {why}");
            }
            eprintln!("{USAGE}");
            return if why.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let proxy = match &cfg.upstream {
        Some(up) => match upstream::Proxy::new(up) {
            Ok(p) => Some(p),
            Err(why) => {
                eprintln!("pce-sim: {why}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    if let Some(up) = cfg
        .upstream
        .as_ref()
        .filter(|up| up.url.starts_with("http://"))
    {
        eprintln!(
            "pce-sim: warning: the upstream {} is plain http: the upstream key and secret cross the network in clear",
            upstream::display_url(&up.url)
        );
    }
    let control_token = match secure::random_token() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("pce-sim: no random control token: {e}");
            return ExitCode::from(1);
        }
    };
    let listener = match bind(&cfg.listen) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("pce-sim: cannot listen on {}: {e}", cfg.listen);
            return ExitCode::from(1);
        }
    };
    let Ok(addr) = listener.local_addr() else {
        eprintln!("pce-sim: no local address");
        return ExitCode::from(1);
    };

    let now_ms = cfg.now_ms.unwrap_or_else(real_now_ms);
    let mut store = Store::default();
    store.add_seeded(data::seeded_events(&GenConfig {
        org: cfg.org,
        events: cfg.events,
        days: cfg.days,
        seed: cfg.seed,
        now_ms,
    }));
    store.extend(data::fixture_events());
    let clock = Clock::new(now_ms, cfg.clock_speed);
    let app = Arc::new(App::new(cfg, addr, clock, store, proxy, control_token));

    if app.cfg.live_per_minute > 0.0 {
        let app = app.clone();
        let per_minute = app.cfg.live_per_minute;
        thread::spawn(move || live_events(app, per_minute));
    }

    let host = if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let mut line = format!(
        "pce-sim ready at http://{host}:{}  org {}  api key {}  secret {}",
        addr.port(),
        app.cfg.org,
        app.cfg.api_key,
        app.cfg.api_secret
    );
    if let Some(up) = &app.cfg.upstream {
        line.push_str(&format!("  upstream {}", upstream::display_url(&up.url)));
    }
    if app.cfg.control {
        line.push_str(&format!("  control-token {}", app.control_token));
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    drop(out);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pce-sim: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => {
                serve::run(app, listener).await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pce-sim: cannot serve: {e}");
                ExitCode::from(1)
            }
        }
    })
}

/// Binds a non-blocking listener with a long accept queue (thousands of connections may
/// arrive at once; those past the queue would wait for SYN retries).
fn bind(listen: &str) -> std::io::Result<TcpListener> {
    let addr: SocketAddr = listen
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("no address"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(4096)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_flags() {
        let cfg = parse_args(&[]).unwrap();
        assert_eq!(
            (cfg.events, cfg.days, cfg.rate_limit, cfg.async_delay_ms),
            (20_000, 30, 500, 2000)
        );
        assert_eq!(cfg.api_key, DEFAULT_KEY);
        let cfg = parse_args(&args(&[
            "--listen",
            "127.0.0.1:0",
            "--control",
            "--now",
            "2026-01-01T00:00:00Z",
        ]))
        .unwrap();
        assert!(cfg.control);
        assert_eq!(cfg.now_ms, Some(1_767_225_600_000));
        assert!(parse_args(&args(&["--api-key", "x"])).is_err());
        assert!(parse_args(&args(&["--upstream", "https://pce"])).is_err());
        assert!(parse_args(&args(&["--bogus"])).is_err());
        let up = ["--upstream-key", "k", "--upstream-secret", "s"];
        let with = |extra: &[&str]| {
            let mut list = args(&up);
            list.extend(args(extra));
            parse_args(&list)
        };
        assert!(with(&["--upstream", "https://pce.example.com"]).is_ok());
        assert!(with(&["--upstream", "https://pce.example.com", "--cors"]).is_err());
        assert!(with(&["--upstream", "http://127.0.0.1:9"]).is_err());
        assert!(with(&["--upstream", "http://127.0.0.1:9", "--insecure-upstream"]).is_ok());
        assert!(with(&["--upstream", "https://x y"]).is_err());
    }
}
