//! One generator per family of events, and the choice of family by the event's kind.

mod agents;
mod objects;
mod policy;
mod sessions;
mod system;

use crate::data::gen::{Gen, Generated};
use crate::data::vocabulary::Kind;

/// One event of `kind` at `ts`, drawn from `g`.
pub fn build(mut g: Gen, kind: Kind, ts: i64) -> Generated {
    let out = match kind {
        Kind::SignIn | Kind::SignOut | Kind::Login | Kind::Logout => {
            sessions::session(&mut g, kind, ts)
        }
        Kind::AuthFailed => sessions::auth_failed(&mut g),
        Kind::Tampering | Kind::CloneDetected | Kind::AgentActivate | Kind::AgentGoodbye => {
            agents::lifecycle(&mut g, kind)
        }
        Kind::AgentSuspend => agents::suspend(&mut g),
        Kind::VenUpdate => agents::ven_update(&mut g, ts),
        Kind::OfflineCheck | Kind::ExpireKeys | Kind::PruneEvents => system::task(&mut g, kind),
        Kind::SecRule(v) | Kind::RuleSet(v) => policy::rule(&mut g, kind, v, ts),
        Kind::Provision => policy::provision(&mut g),
        Kind::Label(v) | Kind::IpList(v) | Kind::Workload(v) | Kind::ApiKey(v) => {
            objects::object(&mut g, kind, v)
        }
        Kind::BulkUpdate => objects::bulk_update(&mut g),
        Kind::Service => objects::service(&mut g),
        Kind::Cluster => objects::cluster(&mut g, ts),
    };
    g.assemble(out, ts)
}
