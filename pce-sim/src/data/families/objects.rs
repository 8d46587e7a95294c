//! Objects: labels, IP lists, workloads, API keys, bulk updates, services and container clusters.

use crate::data::gen::{ba, created, iso, new_value, resource, user_creator, Act, Gen, Outcome};
use crate::data::rng::entity_uuid;
use crate::data::vocabulary::{Kind, Verb, CLUSTERS, HOSTS, LABELS, SERVICES};
use crate::values::{obj, s};
use serde_json::Value;

/// A user creates, updates or deletes a label, IP list, workload or API key (`kind`).
pub fn object(g: &mut Gen, kind: Kind, v: Verb) -> Outcome {
    let org = g.org;
    let user = g.user();
    let (types, res_kind, base, href) = match kind {
        Kind::Label(_) => {
            let id = 500 + g.rng.below(200);
            (
                ["label.create", "label.update", "label.delete"],
                "label",
                format!("/orgs/{org}/labels"),
                format!("/orgs/{org}/labels/{id}"),
            )
        }
        Kind::IpList(_) => {
            let id = 1 + g.rng.below(40);
            (
                ["ip_list.create", "ip_list.update", "ip_list.delete"],
                "ip_list",
                format!("/orgs/{org}/sec_policy/draft/ip_lists"),
                format!("/orgs/{org}/sec_policy/draft/ip_lists/{id}"),
            )
        }
        Kind::Workload(_) => (
            ["workload.create", "workload.update", "workload.delete"],
            "workload",
            format!("/orgs/{org}/workloads"),
            g.workload_href(),
        ),
        _ => {
            let id = format!("{:x}", g.rng.next_u64() >> 8);
            (
                ["api_key.create", "api_key.update", "api_key.delete"],
                "api_key",
                format!("/users/{}/api_keys", user.0),
                format!("/users/{}/api_keys/{id}", user.0),
            )
        }
    };
    let event_type = match v {
        Verb::Create => types[0],
        Verb::Update => types[1],
        Verb::Delete => types[2],
    };
    // A creation is posted to the collection; the other verbs address the object.
    let endpoint = if v == Verb::Create {
        format!("/api/v2{base}")
    } else {
        format!("/api/v2{href}")
    };
    let failed = g.rng.chance(0.04);
    let action = g.api_action(v.method(), endpoint, if failed { 422 } else { v.code() });
    let mut out = Outcome::new(event_type, user_creator(user), action).failed(failed);
    if failed {
        return out;
    }
    let res = resource(res_kind, href);
    let c = match (res_kind, v) {
        ("label", Verb::Create) => {
            let (key, value) = *g.rng.pick(LABELS);
            let value = format!("{value} {}", g.rng.below(90) + 10);
            vec![("key", new_value(s(key))), ("value", new_value(s(value)))]
        }
        ("label", Verb::Update) => vec![("value", ba(s("Web Tier"), s("Web")))],
        ("ip_list", _) => {
            let added = format!("172.{}.0.0/16", 16 + g.rng.below(16));
            let removed = format!("192.168.{}.0/24", g.rng.below(255));
            let range = |from_ip: String| {
                Value::Array(vec![obj([
                    ("from_ip", s(from_ip)),
                    ("exclusion", Value::Bool(false)),
                ])])
            };
            vec![
                ("name", new_value(s("Corporate Networks"))),
                (
                    "ip_ranges",
                    obj([("created", range(added)), ("deleted", range(removed))]),
                ),
            ]
        }
        ("workload", Verb::Create) => {
            let host = *g.rng.pick(HOSTS);
            vec![
                ("hostname", new_value(s(host))),
                ("labels", obj([("created", g.label_list(4))])),
                ("managed", new_value(Value::Bool(false))),
            ]
        }
        ("workload", Verb::Update) => vec![
            ("labels", g.label_swap()),
            ("enforcement_mode", ba(s("visibility_only"), s("selective"))),
        ],
        ("api_key", Verb::Create) => {
            let name = format!("automation-{}", g.rng.below(100));
            let auth_username = format!("api_{:014x}", g.rng.next_u64() >> 8);
            vec![
                ("name", new_value(s(name))),
                ("auth_username", new_value(s(auth_username))),
            ]
        }
        _ => vec![("deleted", ba(Value::Bool(false), Value::Bool(true)))],
    };
    out.changes.push(g.change(res, c, v.name()));
    out
}

/// A user relabels two or three workloads in one call.
pub fn bulk_update(g: &mut Gen) -> Outcome {
    let org = g.org;
    let user = g.user();
    let endpoint = format!("/api/v2/orgs/{org}/workloads/bulk_update");
    let action = g.api_action("PUT", endpoint, 200);
    let mut out = Outcome::new("workloads.bulk_update", user_creator(user), action);
    for _ in 0..(2 + g.rng.below(2)) {
        let res = resource("workload", g.workload_href());
        let c = vec![("labels", g.label_swap())];
        out.changes.push(g.change(res, c, "update"));
    }
    out
}

/// A user creates a custom service.
pub fn service(g: &mut Gen) -> Outcome {
    let org = g.org;
    let user = g.user();
    let endpoint = format!("/api/v2/orgs/{org}/sec_policy/draft/services");
    let action = g.api_action("POST", endpoint, 201);
    let (name, port) = *g.rng.pick(SERVICES);
    let id = 10 + g.rng.below(200);
    let res = resource(
        "service",
        format!("/orgs/{org}/sec_policy/draft/services/{id}"),
    );
    let c = vec![
        ("name", new_value(s(format!("{name}-custom")))),
        (
            "service_ports",
            created(vec![obj([
                ("port", Value::from(i64::from(port))),
                ("proto", Value::from(6)),
            ])]),
        ),
    ];
    let mut out = Outcome::new("service.create", user_creator(user), action);
    out.changes.push(g.change(res, c, "create"));
    out
}

/// A container cluster reports in with a new node.
pub fn cluster(g: &mut Gen, ts: i64) -> Outcome {
    let org = g.org;
    let n = g.rng.below(CLUSTERS.len() as u64);
    let name = CLUSTERS[n as usize];
    let href = format!("/orgs/{org}/container_clusters/{}", entity_uuid(2, n));
    let cluster = || obj([("href", s(href.clone())), ("name", s(name))]);
    let created_by = obj([("container_cluster", cluster())]);
    let endpoint = format!("/api/v2{href}/put_from_cluster");
    let act = Act::new("PUT", endpoint, 204, g.internal_ip());
    let action = g.action(act);
    let res = obj([("container_cluster", cluster())]);
    // The last three hosts are the Kubernetes nodes.
    let node = *g.rng.pick(&HOSTS[17..]);
    let c = vec![
        ("last_connected", ba(iso(ts - 60_000), iso(ts))),
        (
            "nodes",
            obj([
                ("created", Value::Array(vec![obj([("name", s(node))])])),
                ("deleted", Value::Array(vec![])),
            ]),
        ),
    ];
    let mut out = Outcome::new("container_cluster.update", created_by, action);
    out.changes.push(g.change(res, c, "update"));
    out
}
