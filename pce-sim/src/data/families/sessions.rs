//! Sessions: sign-ins and sign-outs of the web console, API logins and logouts, and
//! requests refused for bad credentials.

use crate::data::gen::{ba, iso, system_creator, user_ref, Act, Gen, Outcome};
use crate::data::vocabulary::{Kind, API_PATHS};
use crate::values::{obj, object, s};
use serde_json::Value;

/// A sign-in, sign-out, login or logout (`kind`) at `ts`.
pub fn session(g: &mut Gen, kind: Kind, ts: i64) -> Outcome {
    let user = g.user();
    let ip = g.internal_ip();
    let user_j = user_ref(user);
    let failed = g.rng.chance(0.04);
    let (event_type, method, endpoint, code, note) = match kind {
        Kind::SignIn => (
            "user.sign_in",
            "POST",
            "/login/users/sign_in",
            if failed { 401 } else { 302 },
            "user.login_session_created",
        ),
        Kind::SignOut => (
            "user.sign_out",
            "GET",
            "/login/logout",
            if failed { 200 } else { 302 },
            "user.login_session_terminated",
        ),
        Kind::Login => (
            "user.login",
            "GET",
            "/api/v2/users/login",
            if failed { 401 } else { 200 },
            "user.pce_session_created",
        ),
        _ => (
            "user.logout",
            "POST",
            "/api/v2/users/logout_from_jwt",
            204,
            "user.pce_session_terminated",
        ),
    };
    // A PCE ends some API sessions itself, and files a few of those as system events.
    let mut system_href = false;
    let created_by = if kind == Kind::Logout && g.rng.chance(0.3) {
        system_href = g.rng.chance(0.5);
        system_creator()
    } else {
        obj([("user", user_j.clone())])
    };
    let action = g.action(Act::new(method, endpoint, code, ip.clone()));
    let mut out = Outcome::new(event_type, created_by, action)
        .failed(failed)
        .system_href(system_href);
    if kind == Kind::SignIn {
        let count = 1 + g.rng.below(300) as i64;
        let prev_ip = g.internal_ip();
        let res = obj([(
            "user",
            obj([
                ("href", s(format!("/users/{}", user.0))),
                ("type", s("local")),
                ("username", s(user.1)),
            ]),
        )]);
        let mut c = vec![
            ("last_sign_in_ip", ba(s(prev_ip), s(ip))),
            (
                "sign_in_attempts_count",
                ba(Value::from(count), Value::from(count + 1)),
            ),
        ];
        if !failed {
            c.push((
                "last_sign_in_at",
                ba(
                    iso(ts - 86_400_000 - g.rng.below(600_000_000) as i64),
                    iso(ts),
                ),
            ));
        }
        out.changes.push(g.change(res, c, "update"));
    }
    if !failed {
        let mut info: Vec<(&str, Value)> = vec![("user", user_j)];
        if matches!(kind, Kind::SignOut | Kind::Logout) {
            let reason = if g.rng.chance(0.3) {
                "timeout"
            } else {
                "user_logout"
            };
            info.insert(0, ("reason", s(reason)));
        }
        out.notes.push(g.notification(note, object(info)));
    }
    out
}

/// A request refused for bad credentials: from one address during a burst, else from anywhere.
pub fn auth_failed(g: &mut Gen) -> Outcome {
    let ip = match g.burst {
        Some(id) => format!("203.0.113.{}", 10 + id % 200),
        None if g.rng.chance(0.3) => "FILTERED".to_string(),
        None => format!("198.51.100.{}", g.rng.below(250) + 1),
    };
    let endpoint = *g.rng.pick(API_PATHS);
    let user = g.user();
    let authentication_type = if g.rng.chance(0.7) {
        "api_key"
    } else {
        "session"
    };
    let act = Act::new("GET", endpoint, 401, ip)
        .with_info(obj([("authentication_type", s(authentication_type))]));
    let action = g.action(act);
    let info = obj([
        ("user", obj([("username", s(user.1))])),
        ("reason", s("invalid_credentials")),
    ]);
    let note = g.notification("request.authentication_failed", info);
    let mut out = Outcome::new("request.authentication_failed", system_creator(), action)
        .severity("err")
        .failed(true);
    out.notes.push(note);
    out
}
