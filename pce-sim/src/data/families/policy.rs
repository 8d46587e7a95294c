//! Policy: rules, rule sets, and provisioning the draft policy.

use crate::data::gen::{ba, created, iso, new_value, resource, user_creator, Gen, Outcome};
use crate::data::vocabulary::{Kind, Verb, LABELS, SERVICES};
use crate::values::{obj, s};
use serde_json::Value;

/// A user creates, updates or deletes a rule (`Kind::SecRule`) or a rule set (`Kind::RuleSet`).
pub fn rule(g: &mut Gen, kind: Kind, v: Verb, ts: i64) -> Outcome {
    let org = g.org;
    let user = g.user();
    let rs = g.rule_set_id();
    let rule = 200 + g.rng.below(400);
    let is_rule = matches!(kind, Kind::SecRule(_));
    let event_type = match (is_rule, v) {
        (true, Verb::Create) => "sec_rule.create",
        (true, Verb::Update) => "sec_rule.update",
        (true, Verb::Delete) => "sec_rule.delete",
        (false, Verb::Create) => "rule_set.create",
        (false, _) => "rule_set.update",
    };
    let rs_href = format!("/orgs/{org}/sec_policy/draft/rule_sets/{rs}");
    let (endpoint, href) = match (is_rule, v) {
        (true, Verb::Create) => (
            format!("/api/v2{rs_href}/sec_rules"),
            format!("{rs_href}/sec_rules/{rule}"),
        ),
        (true, _) => (
            format!("/api/v2{rs_href}/sec_rules/{rule}"),
            format!("{rs_href}/sec_rules/{rule}"),
        ),
        (false, Verb::Create) => (
            format!("/api/v2/orgs/{org}/sec_policy/draft/rule_sets"),
            rs_href.clone(),
        ),
        (false, _) => (format!("/api/v2{rs_href}"), rs_href.clone()),
    };
    let failed = g.rng.chance(0.05);
    let code = if failed { 406 } else { v.code() };
    let action = g.api_action(v.method(), endpoint, code);
    let mut out = Outcome::new(event_type, user_creator(user), action).failed(failed);
    if failed {
        return out;
    }
    let res = resource(if is_rule { "sec_rule" } else { "rule_set" }, href);
    let (svc, port) = *g.rng.pick(SERVICES);
    let c = match v {
        Verb::Create if is_rule => vec![
            ("rule_list", new_value(obj([("href", s(rs_href))]))),
            ("type", new_value(s("SecRule"))),
            (
                "resolve_labels",
                new_value(obj([
                    ("providers", Value::Array(vec![s("workloads")])),
                    ("consumers", Value::Array(vec![s("workloads")])),
                ])),
            ),
            (
                "providers",
                created(vec![obj([
                    ("provider", Value::Bool(true)),
                    ("label", obj([("href", s(g.label_href()))])),
                ])]),
            ),
            (
                "consumers",
                created(vec![obj([
                    ("provider", Value::Bool(false)),
                    ("actors", s("ams")),
                ])]),
            ),
            (
                "ingress_services",
                created(vec![obj([
                    ("name", s(svc)),
                    ("port", Value::from(i64::from(port))),
                    ("proto", Value::from(6)),
                ])]),
            ),
        ],
        Verb::Create => {
            let label = g.rng.pick(LABELS).1.to_uppercase();
            vec![
                ("name", new_value(s(format!("RS-{label}-{rs}")))),
                ("enabled", new_value(Value::Bool(true))),
                ("scopes", created(vec![g.label_list(2)])),
            ]
        }
        Verb::Update => vec![
            (
                "enabled",
                ba(
                    Value::Bool(g.rng.chance(0.5)),
                    Value::Bool(g.rng.chance(0.5)),
                ),
            ),
            ("consumers", g.label_swap()),
            (
                "description",
                new_value(s(format!("Allow {svc} from the application tier"))),
            ),
        ],
        Verb::Delete => vec![("deleted_at", new_value(iso(ts)))],
    };
    out.changes.push(g.change(res, c, v.name()));
    out
}

/// A user provisions the draft policy as a new version.
pub fn provision(g: &mut Gen) -> Outcome {
    let org = g.org;
    let user = g.user();
    let version = 100 + g.rng.below(900) as i64;
    let action = g.api_action("POST", format!("/api/v2/orgs/{org}/sec_policy"), 201);
    let res = resource("sec_policy", format!("/orgs/{org}/sec_policy/{version}"));
    let messages = [
        "Open HTTPS to the payments tier",
        "Quarterly rule cleanup",
        "Ring-fence staging",
        "Allow backups to the file servers",
    ];
    let c = vec![
        ("commit_message", new_value(s(*g.rng.pick(&messages)))),
        ("version", new_value(Value::from(version))),
        (
            "object_counts",
            new_value(obj([
                ("rule_sets", Value::from(1 + g.rng.below(5) as i64)),
                ("ip_lists", Value::from(g.rng.below(3) as i64)),
            ])),
        ),
    ];
    let mut out = Outcome::new("sec_policy.create", user_creator(user), action);
    out.changes.push(g.change(res, c, "create"));
    let info = if g.rng.chance(0.5) {
        Value::Null
    } else {
        obj([
            ("version", Value::from(version)),
            ("workloads_affected", Value::from(g.rng.below(300) as i64)),
        ])
    };
    out.notes
        .push(g.notification("sec_policy.provisioned", info));
    out
}
