//! pce-sim: a simulator of the Illumio PCE Events API, and the demo's dev server.
//!
//! See README.md for the flags, the control endpoints and the fault kinds.

// The seeded events are made on every core at startup, with many small allocations each:
// mimalloc makes that about 1.5 times as fast as the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod api;
mod args;
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
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use data::{GenConfig, Rng, Store};
use state::{App, Clock};

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
    let cfg = match args::parse(&args) {
        Ok(cfg) => cfg,
        // Help and mistakes alike: clap prints them, with exit code 0 or 2.
        Err(e) => e.exit(),
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
