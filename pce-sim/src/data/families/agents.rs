//! Agents (VENs): tampering, clones, activation, goodbye, suspension, and the VENs' own updates.

use crate::data::gen::{ba, host_ref, iso, new_value, user_creator, Act, Gen, Outcome};
use crate::data::rng::entity_uuid;
use crate::data::vocabulary::{Kind, HOSTS};
use crate::values::{obj, s};
use serde_json::Value;

/// What an agent reports about itself (`kind`: tampering, clone, activate or goodbye).
pub fn lifecycle(g: &mut Gen, kind: Kind) -> Outcome {
    let org = g.org;
    // A tampering burst stays on one host.
    let (id, host) = match (kind, g.burst) {
        (Kind::Tampering, Some(burst)) => {
            let n = burst % HOSTS.len() as u64;
            (100 + n * 7, HOSTS[n as usize])
        }
        _ => g.agent(),
    };
    let agent_href = format!("/orgs/{org}/agents/{id}");
    let hostname = if g.rng.chance(0.2) {
        Value::Null
    } else {
        s(host)
    };
    let created_by = obj([(
        "agent",
        obj([("href", s(agent_href.clone())), ("hostname", hostname)]),
    )]);
    let (event_type, severity, endpoint, note) = match kind {
        Kind::Tampering => (
            "agent.tampering",
            "err",
            "firewall_tampering",
            "agent.firewall_tampered",
        ),
        Kind::CloneDetected => (
            "agent.clone_detected",
            "warning",
            "clone_detected",
            "agent.clone_detected",
        ),
        Kind::AgentActivate => ("agent.activate", "info", "activate", "agent.activated"),
        _ => ("agent.goodbye", "notice", "goodbye", "agent.deactivated"),
    };
    let status = if kind == Kind::Tampering && g.rng.chance(0.3) {
        None
    } else {
        Some("success")
    };
    let (method, code) = if kind == Kind::AgentActivate {
        ("POST", 201)
    } else {
        ("PUT", 204)
    };
    let endpoint = format!("/api/v18/orgs/{org}/agents/{id}/{endpoint}");
    let act = Act::new(method, endpoint, code, g.internal_ip());
    let action = g.action(act);
    let mut out = Outcome::new(event_type, created_by, action)
        .severity(severity)
        .status(status);
    let workload = obj([("workload", host_ref(g.workload_href(), host))]);
    match kind {
        Kind::AgentActivate => {
            let labels = g.label_list(3);
            let c = vec![
                ("hostname", new_value(s(host))),
                ("labels", obj([("created", labels)])),
                ("online", new_value(Value::Bool(true))),
                ("enforcement_mode", new_value(s("visibility_only"))),
            ];
            out.changes.push(g.change(workload, c, "create"));
        }
        Kind::AgentGoodbye => {
            let c = vec![("online", ba(Value::Bool(true), Value::Bool(false)))];
            out.changes.push(g.change(workload, c, "update"));
        }
        _ => {}
    }
    let info = if kind == Kind::AgentGoodbye && g.rng.chance(0.5) {
        Value::Null
    } else {
        let details = match kind {
            Kind::Tampering => {
                "Firewall rules were modified outside of the VEN; the VEN restored its policy."
            }
            Kind::CloneDetected => {
                "Two VENs reported the same machine identifier; one of them is a clone."
            }
            Kind::AgentActivate => "The VEN paired with the PCE using pairing profile Default.",
            _ => "The VEN was uninstalled and sent a goodbye message.",
        };
        obj([
            ("agent", host_ref(agent_href, host)),
            ("details", s(details)),
        ])
    };
    out.notes.push(g.notification(note, info));
    out
}

/// A user suspends a VEN.
pub fn suspend(g: &mut Gen) -> Outcome {
    let org = g.org;
    let user = g.user();
    let (id, host) = g.agent();
    let endpoint = format!("/api/v2/orgs/{org}/agents/{id}/suspend");
    let act = Act::new("PUT", endpoint, 204, g.src_ip());
    let action = g.action(act);
    let res = obj([("agent", host_ref(format!("/orgs/{org}/agents/{id}"), host))]);
    let change = g.change(
        res,
        vec![("status", ba(s("active"), s("suspended")))],
        "update",
    );
    let mut out = Outcome::new("agent.suspend", user_creator(user), action).severity("warning");
    out.changes.push(change);
    out
}

/// A VEN reports in with a new heartbeat, version and interface.
pub fn ven_update(g: &mut Gen, ts: i64) -> Outcome {
    let org = g.org;
    let n = g.rng.below(HOSTS.len() as u64);
    let host = HOSTS[n as usize];
    let ven_href = format!("/orgs/{org}/vens/{}", entity_uuid(1, n));
    let created_by = obj([("ven", host_ref(ven_href.clone(), host))]);
    let endpoint = format!("/api/v18/orgs/{org}/agents/{}/update", 100 + n * 7);
    let act = Act::new("PUT", endpoint, 204, g.internal_ip());
    let action = g.action(act);
    let versions = ["22.5.10-1234", "23.2.20-224", "23.5.1-11"];
    let vi = g.rng.below(2) as usize;
    let res = obj([(
        "ven",
        obj([
            ("href", s(ven_href)),
            ("hostname", s(host)),
            ("name", s(host)),
        ]),
    )]);
    let c = vec![
        ("last_heartbeat_at", ba(iso(ts - 300_000), iso(ts))),
        ("version", ba(s(versions[vi]), s(versions[vi + 1]))),
        (
            "interfaces",
            obj([
                (
                    "created",
                    Value::Array(vec![obj([
                        ("name", s("eth0")),
                        ("address", s(g.internal_ip())),
                    ])]),
                ),
                ("deleted", Value::Array(vec![])),
            ]),
        ),
    ];
    let mut out = Outcome::new("agent.update", created_by, action);
    out.changes.push(g.change(res, c, "update"));
    out
}
