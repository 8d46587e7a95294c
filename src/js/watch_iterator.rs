//! `watchEvents`: the live tail as a JavaScript async iterator, driving the pure `watch` core.

use crate::config::Config;
use crate::error::{PceError, Result};
use crate::js::calls;
use crate::js::convert::to_js;
use crate::js::send::Hooks;
use crate::js::transport;
use crate::query::{Bound, EventQuery};
use crate::watch::{is_transient, poll_delay_ms, poll_since, scope, Dedupe, WatchOptions};
use js_sys::{Array, Date, Function, Object, Promise, Reflect, Symbol};
use pce_time::parse_rfc3339;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

/// Everything a watch needs once its arguments were validated.
pub struct WatchSetup {
    /// The PCE.
    pub config: Config,
    /// The filters, and the `since` of the first batch.
    pub query: EventQuery,
    /// Interval and lookback.
    pub options: WatchOptions,
    /// The caller's signal.
    pub signal: Option<AbortSignal>,
    /// The caller's report of transient failures.
    pub on_error: Option<Function>,
}

struct Watcher {
    /// The setup, or the argument error the first `next()` rejects with.
    setup: std::result::Result<WatchSetup, PceError>,
    /// Aborted when the watch ends: cancels the request or wait in flight.
    stop: Option<AbortController>,
    /// The bound `stop.abort` listening on the caller's signal.
    stop_listener: Option<Function>,
    finished: Cell<bool>,
    baseline_done: Cell<bool>,
    failures: Cell<u32>,
    last_poll_ms: Cell<Option<f64>>,
    dedupe: RefCell<Dedupe>,
    /// The latest `next()`, so that calls run one after another.
    tail: RefCell<Option<Promise>>,
    /// A failure of the baseline taken at creation, for the first `next()` to handle.
    early_error: RefCell<Option<PceError>>,
}

impl Watcher {
    fn stopped(&self) -> bool {
        self.finished.get() || self.stop.as_ref().is_some_and(|c| c.signal().aborted())
    }

    fn finish(&self) {
        if self.finished.replace(true) {
            return;
        }
        if let Some(stop) = &self.stop {
            stop.abort();
        }
        if let (Ok(setup), Some(listener)) = (&self.setup, &self.stop_listener) {
            if let Some(signal) = &setup.signal {
                let _ = signal.remove_event_listener_with_callback("abort", listener);
            }
        }
    }

    fn hooks(&self) -> Hooks {
        Hooks {
            signal: self.stop.as_ref().map(AbortController::signal),
            on_progress: None,
            allowance: None,
        }
    }
}

/// Builds the async iterator; argument errors surface on the first `next()`.
pub fn watch(mut setup: Result<WatchSetup>) -> JsValue {
    // The remembered events: none, or those of the cursor to resume from (checked here).
    let mut dedupe = Dedupe::new(0, 0);
    if let Ok(s) = &setup {
        let lookback = s.options.lookback_ms as i64;
        let scope = scope(s.config.org_id, &s.query, lookback);
        match &s.options.resume_from {
            Some(cursor) => match Dedupe::resume(cursor, lookback, scope) {
                Ok(resumed) => dedupe = resumed,
                Err(error) => setup = Err(error),
            },
            None => dedupe = Dedupe::new(lookback, scope),
        }
    }
    // A resumed watch continues from its cursor: it takes no baseline.
    let resumed = setup
        .as_ref()
        .is_ok_and(|s| s.options.resume_from.is_some());
    let stop = AbortController::new().ok();
    let stop_listener = stop.as_ref().and_then(|c| {
        let abort = Reflect::get(c, &JsValue::from_str("abort")).ok()?;
        Some(abort.dyn_into::<Function>().ok()?.bind0(c))
    });
    if let (Ok(setup), Some(listener)) = (&setup, &stop_listener) {
        if let Some(signal) = &setup.signal {
            let _ = signal.add_event_listener_with_callback("abort", listener);
        }
    }
    let watcher = Rc::new(Watcher {
        setup,
        stop,
        stop_listener,
        finished: Cell::new(false),
        baseline_done: Cell::new(resumed),
        failures: Cell::new(0),
        last_poll_ms: Cell::new(None),
        dedupe: RefCell::new(dedupe),
        tail: RefCell::new(None),
        early_error: RefCell::new(None),
    });
    if let Ok(setup) = &watcher.setup {
        if setup.signal.as_ref().is_some_and(AbortSignal::aborted) {
            watcher.finish();
        } else if setup.query.since.is_none() && !resumed {
            // "After it starts" means after this call: what exists now is the baseline.
            let early = watcher.clone();
            *watcher.tail.borrow_mut() = Some(future_to_promise(async move {
                early.last_poll_ms.set(Some(Date::now()));
                if let Ok(setup) = &early.setup {
                    if let Err(error) = poll(&early, setup).await {
                        *early.early_error.borrow_mut() = Some(error);
                    }
                }
                Ok(JsValue::UNDEFINED)
            }));
        }
    }
    let iterator = Object::new();
    let for_next = watcher.clone();
    let next = Closure::<dyn FnMut() -> Promise>::new(move || queue_next(&for_next));
    let for_return = watcher;
    let finish = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |value: JsValue| {
        for_return.finish();
        Promise::resolve(&step(value, true))
    });
    let _ = Reflect::set(&iterator, &"next".into(), &next.into_js_value());
    let _ = Reflect::set(&iterator, &"return".into(), &finish.into_js_value());
    // `Object.prototype.valueOf` returns its receiver: the iterator is its own async iterable.
    if let Ok(value_of) = Reflect::get(&Object::new(), &"valueOf".into()) {
        let _ = Reflect::set(&iterator, &Symbol::async_iterator(), &value_of);
    }
    iterator.into()
}

fn step(value: JsValue, done: bool) -> JsValue {
    let result = Object::new();
    let _ = Reflect::set(&result, &"value".into(), &value);
    let _ = Reflect::set(&result, &"done".into(), &done.into());
    result.into()
}

fn queue_next(watcher: &Rc<Watcher>) -> Promise {
    let previous = watcher.tail.borrow_mut().take();
    let watcher_for_step = watcher.clone();
    let promise = future_to_promise(async move {
        if let Some(previous) = previous {
            let _ = JsFuture::from(previous).await;
        }
        next_batch(&watcher_for_step).await
    });
    *watcher.tail.borrow_mut() = Some(promise.clone());
    promise
}

/// Polls until a non-empty batch of new events, the end of the watch, or a lasting failure.
async fn next_batch(watcher: &Watcher) -> std::result::Result<JsValue, JsValue> {
    // Every way the watch ends: stop it for good and resolve `done`.
    let done = || {
        watcher.finish();
        Ok(step(JsValue::UNDEFINED, true))
    };
    if watcher.stopped() {
        return done();
    }
    let setup = match &watcher.setup {
        Ok(setup) => setup,
        Err(error) => {
            watcher.finish();
            return Err(to_js(error.clone()));
        }
    };
    loop {
        if let Some(last) = watcher.last_poll_ms.get() {
            let wait = poll_delay_ms(setup.options.interval_ms, watcher.failures.get())
                - (Date::now() - last);
            if wait > 0.0 {
                let signal = watcher.stop.as_ref().map(AbortController::signal);
                if transport::sleep(wait, signal.as_ref()).await.is_err() {
                    return done();
                }
            }
        }
        if watcher.stopped() {
            return done();
        }
        let early_error = watcher.early_error.borrow_mut().take();
        let outcome = match early_error {
            Some(error) => Err(error),
            None => {
                watcher.last_poll_ms.set(Some(Date::now()));
                poll(watcher, setup).await
            }
        };
        match outcome {
            Ok(batch) => {
                watcher.failures.set(0);
                if batch.length() > 0 {
                    let cursor = watcher.dedupe.borrow().cursor();
                    let _ = Reflect::set(&batch, &"cursor".into(), &cursor.into());
                    return Ok(step(batch.into(), false));
                }
            }
            Err(_) if watcher.stopped() => {
                return done();
            }
            Err(error) if is_transient(&error) => {
                watcher
                    .failures
                    .set(watcher.failures.get().saturating_add(1));
                if let Some(on_error) = &setup.on_error {
                    // A throwing callback must not end the watch it observes.
                    let _ = on_error.call1(&JsValue::NULL, &to_js(error));
                }
            }
            Err(error) => {
                watcher.finish();
                return Err(to_js(error));
            }
        }
    }
}

/// One poll: the events of the current window that were never delivered, oldest first.
async fn poll(watcher: &Watcher, setup: &WatchSetup) -> Result<Array> {
    let hooks = watcher.hooks();
    if !watcher.baseline_done.get() && setup.query.since.is_none() {
        baseline(watcher, setup, &hooks).await?;
        watcher.baseline_done.set(true);
        return Ok(Array::new());
    }
    let mut query = setup.query.clone();
    query.since = poll_since(
        watcher.dedupe.borrow().window_start_ms(),
        setup.query.since.as_ref(),
    );
    let (events, keys) = calls::fetch_all(&setup.config, &query, &hooks).await?;
    let fresh = watcher
        .dedupe
        .borrow_mut()
        .accept(keys.iter().map(|(href, ts)| (href.as_str(), ts.as_str())));
    Ok(fresh.into_iter().map(|i| events.get(i as u32)).collect())
}

/// Without `since`, what exists when the watch starts is not delivered: the
/// newest event tells where the PCE's clock stands, and the lookback window
/// before it is remembered as seen, so late arrivals in it are still caught.
async fn baseline(watcher: &Watcher, setup: &WatchSetup, hooks: &Hooks) -> Result<()> {
    let mut newest = setup.query.clone();
    newest.max_results = 1;
    let latest = calls::first_timestamp(&setup.config, &newest, hooks).await?;
    let Some(latest_ms) = latest
        .as_deref()
        .and_then(parse_rfc3339)
        .map(|t| t.millis())
    else {
        return Ok(());
    };
    let mut window = setup.query.clone();
    window.since = Bound::from_millis(latest_ms - setup.options.lookback_ms as i64);
    let (_, keys) = calls::fetch_all(&setup.config, &window, hooks).await?;
    watcher
        .dedupe
        .borrow_mut()
        .accept(keys.iter().map(|(href, ts)| (href.as_str(), ts.as_str())));
    Ok(())
}
