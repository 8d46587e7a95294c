//! The simulated organisation's names (people, hosts, clusters, labels, paths, services) and
//! the kinds of event it produces, with how often each happens by day and by night.

use super::rng::Rng;

/// The PCE every generated event comes from.
pub const PCE_FQDN: &str = "pce.company.com";

/// A user: the id in `/users/{id}` and the username.
pub type User = (u32, &'static str);

/// The people and service accounts who act on the PCE; the first three do most of the work.
pub const USERS: &[User] = &[
    (1, "first.last@company.com"),
    (2, "ana.silva@company.com"),
    (3, "raj.patel@company.com"),
    (4, "mei.chen@company.com"),
    (5, "jonas.berg@company.com"),
    (6, "fatima.khan@company.com"),
    (7, "li.wang@company.com"),
    (8, "sam.okafor@company.com"),
    (11, "svc-automation@company.com"),
    (12, "svc-ansible@company.com"),
];

/// The machines the VENs run on; the last three are Kubernetes nodes.
pub const HOSTS: &[&str] = &[
    "web-prod-01.company.com",
    "web-prod-02.company.com",
    "web-prod-03.company.com",
    "app-prod-01.company.com",
    "app-prod-02.company.com",
    "db-prod-01.company.com",
    "db-prod-02.company.com",
    "cache-prod-01.company.com",
    "web-stg-01.company.com",
    "app-stg-01.company.com",
    "db-stg-01.company.com",
    "jump-01.company.com",
    "dc-01.corp.company.com",
    "dc-02.corp.company.com",
    "fs-01.corp.company.com",
    "build-01.dev.company.com",
    "build-02.dev.company.com",
    "k8s-node-01.company.com",
    "k8s-node-02.company.com",
    "k8s-node-03.company.com",
];

/// The container clusters that report to the PCE.
pub const CLUSTERS: &[&str] = &["openshift-prod", "aks-payments", "eks-analytics"];

/// The labels (key, value) that workloads, rules and scopes use.
pub const LABELS: &[(&str, &str)] = &[
    ("role", "Web"),
    ("role", "Database"),
    ("role", "Cache"),
    ("role", "Jump Host"),
    ("app", "Payments"),
    ("app", "HRM"),
    ("app", "CRM"),
    ("app", "Analytics"),
    ("env", "Production"),
    ("env", "Staging"),
    ("env", "Development"),
    ("loc", "Amsterdam"),
    ("loc", "Dallas"),
    ("loc", "Singapore"),
];

/// The API paths a failed authentication tried.
pub const API_PATHS: &[&str] = &[
    "/api/v2/orgs/1/workloads",
    "/api/v2/orgs/1/labels",
    "/api/v2/orgs/1/events",
    "/api/v2/orgs/1/sec_policy/draft/rule_sets",
    "/api/v2/orgs/1/traffic_flows/async_queries",
    "/api/v2/users/login",
];

/// The services (name, TCP port) that rules open.
pub const SERVICES: &[(&str, u16)] = &[
    ("HTTPS", 443),
    ("PostgreSQL", 5432),
    ("Redis", 6379),
    ("SSH", 22),
    ("RDP", 3389),
    ("LDAP", 389),
];

/// What an event is about, chosen by weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A user signs in to the web console.
    SignIn,
    /// A user signs out of the web console.
    SignOut,
    /// A user logs in to the API.
    Login,
    /// A user logs out of the API.
    Logout,
    /// A request with bad credentials.
    AuthFailed,
    /// A VEN found its firewall modified.
    Tampering,
    /// A VEN found it is a clone.
    CloneDetected,
    /// A VEN paired with the PCE.
    AgentActivate,
    /// A VEN was uninstalled.
    AgentGoodbye,
    /// A user suspended a VEN.
    AgentSuspend,
    /// A VEN reported in.
    VenUpdate,
    /// The system task that finds silent VENs.
    OfflineCheck,
    /// The system task that expires service account API keys.
    ExpireKeys,
    /// The system task that prunes old events.
    PruneEvents,
    /// A user changed a rule.
    SecRule(Verb),
    /// A user changed a rule set.
    RuleSet(Verb),
    /// A user provisioned the draft policy.
    Provision,
    /// A user changed a label.
    Label(Verb),
    /// A user changed an IP list.
    IpList(Verb),
    /// A user changed a workload.
    Workload(Verb),
    /// A user relabelled several workloads at once.
    BulkUpdate,
    /// A user changed an API key.
    ApiKey(Verb),
    /// A user created a service.
    Service,
    /// A container cluster reported its nodes.
    Cluster,
}

/// What a change does to a policy object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verb {
    /// Makes it.
    Create,
    /// Changes it.
    Update,
    /// Removes it.
    Delete,
}

impl Verb {
    /// The verb as an event type ends (`label.create`) and a change type names it.
    pub fn name(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Delete => "delete",
        }
    }

    /// The HTTP method of the API call.
    pub fn method(self) -> &'static str {
        match self {
            Verb::Create => "POST",
            Verb::Update => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    /// The HTTP status of a successful call.
    pub fn code(self) -> i64 {
        match self {
            Verb::Create => 201,
            _ => 204,
        }
    }
}

/// Daytime work, by weight.
pub const DAY_KINDS: &[(Kind, u32)] = &[
    (Kind::SignIn, 90),
    (Kind::SignOut, 60),
    (Kind::Login, 80),
    (Kind::Logout, 50),
    (Kind::AuthFailed, 15),
    (Kind::Tampering, 3),
    (Kind::CloneDetected, 3),
    (Kind::AgentActivate, 15),
    (Kind::AgentGoodbye, 8),
    (Kind::AgentSuspend, 2),
    (Kind::VenUpdate, 85),
    (Kind::OfflineCheck, 60),
    (Kind::ExpireKeys, 22),
    (Kind::PruneEvents, 12),
    (Kind::SecRule(Verb::Create), 40),
    (Kind::SecRule(Verb::Update), 35),
    (Kind::SecRule(Verb::Delete), 10),
    (Kind::RuleSet(Verb::Create), 10),
    (Kind::RuleSet(Verb::Update), 20),
    (Kind::Provision, 25),
    (Kind::Label(Verb::Create), 20),
    (Kind::Label(Verb::Update), 8),
    (Kind::Label(Verb::Delete), 4),
    (Kind::IpList(Verb::Create), 6),
    (Kind::IpList(Verb::Update), 12),
    (Kind::Workload(Verb::Create), 25),
    (Kind::Workload(Verb::Update), 60),
    (Kind::Workload(Verb::Delete), 8),
    (Kind::BulkUpdate, 15),
    (Kind::ApiKey(Verb::Create), 5),
    (Kind::ApiKey(Verb::Delete), 3),
    (Kind::Service, 8),
    (Kind::Cluster, 30),
];

/// What machines do at night and at weekends.
pub const NIGHT_KINDS: &[(Kind, u32)] = &[
    (Kind::VenUpdate, 40),
    (Kind::OfflineCheck, 30),
    (Kind::ExpireKeys, 8),
    (Kind::PruneEvents, 6),
    (Kind::Cluster, 12),
    (Kind::AgentGoodbye, 3),
    (Kind::AuthFailed, 1),
];

/// One kind from a weighted table.
pub fn pick_kind(rng: &mut Rng, table: &[(Kind, u32)]) -> Kind {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(u64::from(total)) as u32;
    for (kind, w) in table {
        if r < *w {
            return *kind;
        }
        r -= w;
    }
    table[0].0
}
