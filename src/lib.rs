//! illumio-events: Illumio PCE events for web dashboards, from Rust/WebAssembly.
//!
//! The modules that decide (options, queries, hrefs, body checks, retries, the
//! asynchronous job, the merge of several event types, timeline buckets, the watch's
//! window) are plain Rust, tested natively; only `boundary`, `client`, `watcher` and `transport` know about JavaScript.

pub mod async_job;
pub mod config;
pub mod error;
pub mod event;
pub mod href;
pub mod merge;
pub mod options;
pub mod query;
pub mod retry;
pub mod timeline;
pub mod watch;

#[cfg(target_arch = "wasm32")]
pub mod boundary;
#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod transport;
#[cfg(target_arch = "wasm32")]
mod watcher;
