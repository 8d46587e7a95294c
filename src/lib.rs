//! illumio-events: Illumio PCE events for web dashboards, from Rust/WebAssembly.
//!
//! Two layers. The core (every module at this level) decides: options, queries, hrefs,
//! body checks, retries, the asynchronous job, the merge of several event types, timeline
//! buckets, the watch's window. It is plain Rust, tested natively, and never imports `js`.
//! `js` (wasm32 only) moves values across the JavaScript boundary and awaits `fetch`.

pub mod arguments;
pub mod async_job;
pub mod collection;
pub mod config;
pub mod error;
pub mod event;
pub mod href;
pub mod merge;
pub mod query;
pub mod retry;
pub mod timeline;
pub mod watch;

#[cfg(target_arch = "wasm32")]
pub mod js;
