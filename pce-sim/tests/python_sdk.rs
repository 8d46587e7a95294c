//! A client none of us wrote must work unchanged: Illumio's Python SDK (`illumio` on PyPI),
//! installed into a virtualenv under the target directory (kept for the next run).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{start, KEY, SECRET};

const SCRIPT: &str = r#"
import sys
from illumio import PolicyComputeEngine, IllumioApiException

url, port, key, secret = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
pce = PolicyComputeEngine(url, port=port, org_id='1', retry_count=0, request_timeout=30)
pce.set_credentials(key, secret)

def total(params):
    r = pce.get('/events', params={**params, 'max_results': 0})
    assert r.json() == [], r.text
    return int(r.headers['X-Total-Count'])

page = pce.events.get(params={'max_results': 5})
assert len(page) == 5, len(page)
assert all(e.href and e.timestamp for e in page)
assert [e.timestamp for e in page] == sorted((e.timestamp for e in page), reverse=True)

default = pce.events.get()
assert len(default) == 100, len(default)

errs = pce.events.get(params={'severity': 'err', 'max_results': 10000})
assert errs and all(e.severity == 'err' for e in errs)
assert len(errs) == total({'severity': 'err'})

recent = pce.events.get(params={'timestamp[gte]': '2026-03-09T00:00:00Z', 'status': 'success', 'max_results': 10000})
assert recent and all(e.timestamp >= '2026-03-09T00:00:00' and e.status == 'success' for e in recent)

everything = pce.events.get_all()
assert len(everything) == total({}) == 2007, len(everything)

sign_ins = pce.events.get_all(params={'event_type': 'user.sign_in'})
assert sign_ins and all(e.event_type == 'user.sign_in' for e in sign_ins)
assert len(sign_ins) == total({'event_type': 'user.sign_in'})

failures = pce.events.get_async(params={'status': 'failure'})
sync_failures = pce.events.get(params={'status': 'failure', 'max_results': 10000})
assert failures and [e.href for e in failures] == [e.href for e in sync_failures]

all_async = pce.events.get_async()
assert len(all_async) == 2007, len(all_async)

system = pce.events.get_by_reference('/system_events/1ece8d96-a736-444f-b9fc-b1ed9356c035')
assert system.event_type == 'user.logout' and system.timestamp == '2022-08-17T17:44:12.669Z'
rule = pce.events.get_by_reference('/orgs/1/events/2020ca46-a1be-4865-98b2-fb2ef838e384')
assert rule.event_type == 'sec_rule.create'
assert rule.resource_changes[0].change_type == 'create'
assert rule.action.http_status_code == 201

try:
    pce.events.get_by_reference('/orgs/1/events/00000000-0000-4000-8000-000000000000')
    raise SystemExit('a missing event did not raise')
except IllumioApiException as e:
    assert 'not_found' in str(e), str(e)

bad = PolicyComputeEngine(url, port=port, org_id='1', retry_count=0)
bad.set_credentials(key, 'wrong')
try:
    bad.events.get()
    raise SystemExit('wrong credentials did not raise')
except IllumioApiException as e:
    assert 'authentication_failed' in str(e), str(e)

print('python sdk ok')
"#;

fn run(cmd: &mut Command, limit: Duration) -> (bool, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let deadline = Instant::now() + limit;
    loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("output");
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return (out.status.success(), text);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (false, format!("timed out after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The venv's python, with `illumio` installed (reusing an earlier venv).
fn python_with_illumio() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("illumio-venv");
    let python = venv.join("bin").join("python");
    if python.exists()
        && run(
            Command::new(&python).args(["-c", "import illumio"]),
            Duration::from_secs(60),
        )
        .0
    {
        return python;
    }
    let (ok, out) = run(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        Duration::from_secs(120),
    );
    assert!(ok, "python3 -m venv failed: {out}");
    let (ok, out) = run(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "illumio",
        ]),
        Duration::from_secs(400),
    );
    assert!(ok, "pip install illumio failed: {out}");
    python
}

#[test]
fn illumio_python_sdk_works_unchanged() {
    let python = python_with_illumio();
    let sim = start(&["--async-delay-ms", "400"]);
    let port = sim.addr.rsplit(':').next().unwrap().to_string();
    let script = Path::new(env!("CARGO_TARGET_TMPDIR")).join("illumio_sdk_check.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let (ok, out) = run(
        Command::new(&python)
            .arg(&script)
            .args(["http://127.0.0.1", &port, KEY, SECRET]),
        Duration::from_secs(120),
    );
    assert!(ok, "the SDK script failed:\n{out}");
    assert!(out.contains("python sdk ok"), "{out}");
    // It really went through the simulator: async jobs and datafiles included.
    let log = sim.control("GET", "requests", None).json();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.starts_with("/api/v2/orgs/1/jobs/")));
    assert!(paths
        .iter()
        .any(|p| p.starts_with("/api/v2/orgs/1/datafiles/")));
    assert!(paths.contains(&"/api/v2/system_events/1ece8d96-a736-444f-b9fc-b1ed9356c035"));
}
