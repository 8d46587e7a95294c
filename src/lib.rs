//! illumio-events: Illumio PCE events for web dashboards, from Rust/WebAssembly.
