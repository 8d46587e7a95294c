//! The JavaScript-facing layer, compiled for wasm32 only: the exported functions, reading
//! their arguments, making results and errors into JavaScript values, the calls of the API,
//! the live tail's iterator, and the one transport over `fetch`. It decides nothing the
//! core could: every rule it follows is a core function with native tests.

mod args;
mod body;
mod calls;
mod convert;
pub mod exports;
pub mod get_event;
mod send;
mod transport;
mod watch_iterator;
