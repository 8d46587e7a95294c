//! The routing of each request: the control API, the Host check, the log, faults, then the
//! API, the proxy, the demo's config or static files; every answer hardened.

use std::sync::atomic::Ordering;

use crate::faults::FaultKind;
use crate::http::{Delivery, Request, Response};
use crate::state::{cors_headers, App, Logged};
use crate::values::{obj, s, Compact};
use crate::{api, control, count_fault, proxy, static_files, upstream};
use serde_json::Value;

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
    /// Why a control request with a body is refused on its head alone (its Host, its token,
    /// its page headers, its type), so that no body is read for anyone but the harness.
    pub fn control_refusal(&self, req: &Request) -> Option<Response> {
        let refused = if !self.host_ok(req) {
            Some(misdirected_response())
        } else {
            control::refusal(self, req)
        };
        refused.map(static_files::harden_missing)
    }

    /// Answers one request; every answer carries the hardening headers.
    pub fn handle(&self, req: &Request) -> Outcome {
        match self.handle_inner(req) {
            Outcome::Respond(resp, delivery) => {
                Outcome::Respond(static_files::harden_missing(resp), delivery)
            }
            other => other,
        }
    }

    fn handle_inner(&self, req: &Request) -> Outcome {
        let control_path = req.path == "/_sim" || req.path.starts_with("/_sim/");
        if control_path && self.cfg.control && req.peer.ip().is_loopback() {
            if !self.host_ok(req) {
                return misdirected();
            }
            return Outcome::Respond(control::handle(self, req), Delivery::Normal);
        }
        self.request_count.fetch_add(1, Ordering::SeqCst);
        if !self.host_ok(req) {
            return misdirected();
        }
        // Only a test harness reads the log, so only `--control` keeps one, and only of requests to this server.
        if self.cfg.control {
            self.log().push(Logged::of(req));
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

    /// The real response, its streamed body (the proxy's) read whole, for a fault that cuts or trickles it.
    fn route_buffered(&self, req: &Request) -> Response {
        self.route(req)
            .buffered(crate::faults::MAX_BIG_BODY)
            .unwrap_or_else(|| {
                Response::error(502, "bad_gateway", "The upstream PCE's answer broke off")
            })
    }

    fn apply_fault(&self, req: &Request, fault: FaultKind) -> Outcome {
        match fault {
            FaultKind::Respond(resp) => Outcome::Respond(resp, Delivery::Normal),
            FaultKind::Hang => Outcome::Hang,
            FaultKind::Reset => Outcome::Reset,
            FaultKind::ResetMidBody => {
                Outcome::Respond(self.route_buffered(req), Delivery::ResetMidBody)
            }
            FaultKind::SlowBody { chunk, delay_ms } => {
                Outcome::Respond(self.route_buffered(req), Delivery::Slow { chunk, delay_ms })
            }
            FaultKind::Truncate { keep } => {
                let resp = self.route_buffered(req);
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

fn misdirected_response() -> Response {
    Response::text(
        421,
        "Misdirected request: the Host header does not name this server.",
    )
}

fn misdirected() -> Outcome {
    Outcome::Respond(misdirected_response(), Delivery::Normal)
}

fn pce_config(app: &App, req: &Request) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "Method not allowed").with("Allow", "GET, HEAD");
    }
    let source = match &app.cfg.upstream {
        Some(up) => upstream::display_url(&up.url),
        None => "simulator".to_string(),
    };
    let body = obj([
        ("orgId", Value::from(app.cfg.org as i64)),
        ("source", s(source)),
    ]);
    static_files::harden(Response::json(200, body.to_bytes())).with("Cache-Control", "no-store")
}
