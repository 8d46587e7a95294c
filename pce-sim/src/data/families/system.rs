//! System tasks: the PCE's own periodic jobs (offline checks, API key expiry, event pruning).

use crate::data::gen::{ba, host_ref, system_creator, Act, Gen, Outcome};
use crate::data::vocabulary::Kind;
use crate::values::{obj, s};
use serde_json::Value;

/// A run of the system task `kind`; an offline check sometimes finds a silent VEN.
pub fn task(g: &mut Gen, kind: Kind) -> Outcome {
    let org = g.org;
    let system_href = g.rng.chance(0.15);
    let event_type = match kind {
        Kind::OfflineCheck => "system_task.agent_offline_check",
        Kind::ExpireKeys => "system_task.expire_service_account_api_keys",
        _ => "system_task.prune_old_log_events",
    };
    // Some tasks carry no status and no action, so that clients meet both shapes.
    let status = if g.rng.chance(0.35) {
        None
    } else {
        Some("success")
    };
    let action = if g.rng.chance(0.4) {
        Value::Null
    } else {
        let ip = if g.rng.chance(0.5) {
            Some("FILTERED".to_string())
        } else {
            None
        };
        g.action(Act::internal(ip))
    };
    let mut out = Outcome::new(event_type, system_creator(), action)
        .status(status)
        .system_href(system_href);
    if kind == Kind::OfflineCheck && g.rng.chance(0.3) {
        let (id, host) = g.agent();
        let agent = || host_ref(format!("/orgs/{org}/agents/{id}"), host);
        let res = obj([("agent", agent())]);
        out.changes.push(g.change(
            res,
            vec![("status", ba(s("active"), s("stopped")))],
            "update",
        ));
        let info = obj([("agent", agent()), ("missed_heartbeats", Value::from(3))]);
        out.notes
            .push(g.notification("agent.missed_heartbeats", info));
    } else if g.rng.chance(0.3) {
        out.notes
            .push(g.notification("system_task.completed", Value::Null));
    }
    out
}
