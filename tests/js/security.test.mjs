// Security, end to end over HTTP: the secret never leaks (request URLs, every error kind, anything
// logged, the demo page), and pce-sim keeps to loopback, its own Host, GET-only forwarding with
// server-side credentials, path tricks refused before forwarding, verified TLS to the upstream.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createTcpServer } from "node:net";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { countEvents, getEvent, isPceError, queryEvents, watchEvents } from "illumio-events";
import { API_KEY, API_SECRET, SIM_BIN, startSim } from "./sim.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const basic = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
const BASIC = basic(API_KEY, API_SECRET);
// The upstream PCE's credentials, known only to the proxying pce-sim.
const UP_KEY = "api_upstream0badc0ffee";
const UP_SECRET = "upstream-secret-Zq8vX3pL-never-in-a-page";
const UP_BASIC = basic(UP_KEY, UP_SECRET);

/** Every form of a credential that must not leak. */
function secretForms(key, secret) {
  return [secret, encodeURIComponent(secret), basic(key, secret).slice(6), Buffer.from(secret).toString("base64"), `${key}:${secret}`];
}

function assertClean(text, forms, what) {
  for (const form of forms) assert.ok(!text.includes(form), `${what} reveals ${form}:\n${text.slice(0, 2000)}`);
}

/** The API requests in a simulator's log, with lower-case header names. */
async function logged(sim) {
  const log = await sim.control("GET", "requests");
  const entries = Array.isArray(log) ? log : log.requests;
  return entries
    .map((e) => ({ ...e, query: e.query ?? "", headers: Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) }))
    .filter((e) => !e.path.startsWith("/_sim/"));
}

/** One raw HTTP/1.1 request with exact bytes (fetch would normalise `..` and set Host itself). */
function raw(url, { method = "GET", path = "/", host, headers = {} } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = Buffer.alloc(0);
    socket.setTimeout(20000, () => { socket.destroy(); reject(new Error(`no answer to ${method} ${path}`)); });
    socket.on("data", (d) => { data = Buffer.concat([data, d]); });
    socket.on("error", reject);
    socket.on("close", () => {
      const text = data.toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]);
      resolve({ status, text, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host ?? `${hostname}:${port}`}`, "Connection: close"];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    socket.end(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

/** Starts pce-sim with exactly these arguments; collects stdout and stderr. */
function spawnSim(args) {
  const child = spawn(SIM_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => { out.stdout += d; });
  child.stderr.on("data", (d) => { out.stderr += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pce-sim did not start: ${out.stderr}`)), 30000);
    child.stdout.on("data", () => {
      const url = /http:\/\/\S+/.exec(out.stdout)?.[0];
      if (url) { clearTimeout(timer); resolve(url.replace(/\/$/, "")); }
    });
    child.once("exit", (code) => { clearTimeout(timer); resolve(null); out.code = code; });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  };
  return { child, out, ready, stop };
}

/** A proxying pce-sim in front of `upstreamUrl`; its output is kept to check it for the secret. */
async function startProxy(upstreamUrl, extra = []) {
  const sim = spawnSim(["--listen", "127.0.0.1:0", "--events", "50", "--rate-limit", "0",
    "--upstream", upstreamUrl, "--insecure-upstream", "--upstream-key", UP_KEY, "--upstream-secret", UP_SECRET, ...extra]);
  const url = await sim.ready;
  assert.ok(url, `the proxy did not start: ${sim.out.stderr}`);
  return { ...sim, url };
}

async function freePort() {
  const server = createTcpServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

// ---------------------------------------------------------------------------------------------
describe("the API secret never leaks from the package", { timeout: 120000 }, () => {
  let sim;
  before(async () => { sim = await startSim(["--async-delay-ms", "0", "--rate-limit", "0"]); });
  after(async () => { await sim?.stop(); });

  /** Runs `body` with console.*, process.stdout/stderr writes and warnings recorded (and passed on). */
  async function capturingLogs(body) {
    const captured = [];
    const saved = {};
    for (const name of ["log", "info", "warn", "error", "debug", "trace", "dir"]) {
      saved[name] = console[name];
      console[name] = (...args) => { captured.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 6 }))).join(" ")); saved[name].apply(console, args); };
    }
    const writes = {};
    for (const stream of [process.stdout, process.stderr]) {
      writes[stream.fd] = stream.write;
      stream.write = function (chunk, ...rest) { captured.push(String(chunk)); return writes[stream.fd].call(this, chunk, ...rest); };
    }
    const onWarning = (w) => captured.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      await body();
    } finally {
      for (const name of Object.keys(saved)) console[name] = saved[name];
      process.stdout.write = writes[process.stdout.fd];
      process.stderr.write = writes[process.stderr.fd];
      process.off("warning", onWarning);
    }
    return captured.join("\n");
  }

  /** Everything an error shows: fields, message, stack, JSON, inspect (with hidden fields and cause). */
  function everything(error) {
    const own = Object.getOwnPropertyNames(error).map((k) => `${k}=${String(error[k])}`);
    return [String(error), error.message, String(error.stack), JSON.stringify(error), inspect(error, { showHidden: true, depth: 8 }),
      ...own, error.cause === undefined ? "" : inspect(error.cause, { depth: 8 })].join("\n");
  }

  it("in any error kind, any request URL, or anything the package logs", async () => {
    const config = sim.config({ maxRetries: 1 });
    const closed = await freePort();
    const errors = [];
    const expectKind = async (kind, call) => {
      let error;
      try { await call(); } catch (e) { error = e; }
      assert.ok(isPceError(error), `${kind}: expected a PceError, got ${error}`);
      assert.equal(error.kind, kind, error.message);
      errors.push(error);
    };
    const logs = await capturingLogs(async () => {
      // invalid_argument, with the secret in the option that is refused or next to it.
      await expectKind("invalid_argument", () => queryEvents(config, { evenType: "x" }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, apiKey: undefined }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, apiKey: 42 }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, apiSecrt: API_SECRET }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, url: `http://${API_KEY}:${API_SECRET}@127.0.0.1:1` }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, url: `ftp://${API_KEY}:${API_SECRET}@127.0.0.1:1` }));
      await expectKind("invalid_argument", () => queryEvents({ ...config, apiSecret: 7 }));
      await expectKind("invalid_argument", () => getEvent(config, "../../users"));
      await expectKind("invalid_argument", () => countEvents(config, { severity: "loud" }));
      // http: every status of a PCE or a proxy, JSON and HTML bodies, Retry-After.
      for (const status of [400, 401, 403, 404, 406, 429, 500, 502, 503, 504]) {
        await sim.fault({ kind: "respond", status, times: 2, headers: { "Retry-After": "0" }, body: JSON.stringify([{ token: "t", message: "m" }]) });
        await expectKind("http", () => queryEvents(config, { maxResults: 3 }));
        await sim.clearFaults();
      }
      await sim.fault({ kind: "respond", status: 502, times: 2, body: "<html><body>Bad gateway</body></html>" });
      await expectKind("http", () => getEvent(config, "abc-1"));
      // network, timeout, aborted, invalid_response, async_job_failed.
      await expectKind("network", () => queryEvents(sim.config({ url: `http://127.0.0.1:${closed}`, maxRetries: 0 })));
      await sim.fault({ kind: "reset", times: 2 });
      await expectKind("network", () => countEvents(config));
      await sim.fault({ kind: "hang" });
      await expectKind("timeout", () => queryEvents(sim.config({ timeoutMs: 200, maxRetries: 0 })));
      await sim.fault({ kind: "hang" });
      await expectKind("aborted", () => queryEvents(config, { signal: AbortSignal.timeout(200) }));
      await sim.clearFaults();
      await sim.fault({ kind: "respond", status: 200, body: "<html>not json</html>" });
      await expectKind("invalid_response", () => queryEvents(config));
      await sim.fault({ kind: "respond", status: 202, headers: { Location: "/orgs/1/workloads/x" } });
      await expectKind("invalid_response", () => queryEvents(config, { maxResults: 10001 }));
      await sim.fault({ kind: "job_fail", message: "the job failed" });
      await expectKind("async_job_failed", () => queryEvents(config, { maxResults: 10001 }));
      await sim.clearFaults();
      // A watch: a transient failure goes to onError, a 401 ends it.
      await sim.fault({ kind: "respond", status: 503, times: 2 });
      const watch = watchEvents(config, { since: "2026-11-20T11:00:00Z" }, { intervalMs: 50, onError: (e) => errors.push(e) });
      await sim.fault({ kind: "respond", status: 401, times: 50, path: "/api/v2/orgs/1/events" });
      await expectKind("http", async () => { for await (const batch of watch) assert.ok(batch.length > 0); });
      await sim.clearFaults();
    });
    assert.deepEqual(new Set(errors.map((e) => e.kind)), new Set(["invalid_argument", "http", "network", "timeout", "aborted", "invalid_response", "async_job_failed"]));
    assert.ok(errors.some((e) => e.kind === "http" && e.status === 503 && !e.message.includes("401")), "the watch's onError got the 503");
    const forms = secretForms(API_KEY, API_SECRET);
    for (const error of errors) {
      assertClean(everything(error), forms, `${error.kind} error`);
      if (error.url !== undefined) assert.ok(!/\/\/[^/]*@/.test(error.url), `user info in ${error.url}`);
    }
    assertClean(logs, forms, "the output while the calls failed");
    // Every request sent carried the credentials only in its Authorization header.
    const requests = await logged(sim);
    assert.ok(requests.length >= 20, `${requests.length} requests`);
    for (const r of requests) {
      assertClean(`${r.path}?${r.query}`, forms, "a request URL");
      assert.ok(!`${r.path}?${r.query}`.includes(API_KEY), `the key in ${r.path}?${r.query}`);
      assert.equal(r.method, "GET");
      assert.equal(r.headers.authorization, BASIC);
    }
  });
  it("a redirect to another origin never carries the credentials there", async () => {
    const seen = [];
    const other = createHttpServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("[]");
    });
    await new Promise((r) => other.listen(0, "127.0.0.1", r));
    try {
      const target = `http://127.0.0.1:${other.address().port}/api/v2/orgs/1/events?max_results=5`;
      for (const status of [301, 302, 303, 307, 308]) {
        await sim.fault({ kind: "respond", status, headers: { Location: target } });
        try { await queryEvents(sim.config({ maxRetries: 0 }), { maxResults: 5 }); } catch (e) { assertClean(String(e.message), secretForms(API_KEY, API_SECRET), "the error"); }
      }
      for (const r of seen) assert.equal(r.authorization, undefined, `the credentials followed a redirect to ${r.url}`);
      console.log(`# redirects: ${seen.length} of 5 followed to the other origin, none with Authorization`);
    } finally {
      await sim.clearFaults();
      await new Promise((r) => { other.closeAllConnections(); other.close(r); });
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("pce-sim's own defences", { timeout: 120000 }, () => {
  it("binds loopback by default", async () => {
    // No --listen: the default address, 127.0.0.1:8080 (already taken if a demo runs; then the error names it).
    const sim = spawnSim(["--events", "10"]);
    const url = await sim.ready;
    try {
      if (url) {
        assert.equal(url, "http://127.0.0.1:8080");
        // The kernel's table of listening TCP sockets: 127.0.0.1:8080 (0100007F:1F90), never 0.0.0.0:8080.
        const table = readFileSync("/proc/net/tcp", "utf8");
        assert.match(table, /\b0100007F:1F90 00000000:0000 0A\b/);
        assert.doesNotMatch(table, /\b00000000:1F90 00000000:0000 0A\b/);
      } else {
        assert.match(sim.out.stderr, /cannot listen on 127\.0\.0\.1:8080/);
      }
    } finally {
      await sim.stop();
    }
  });

  it("answers only its own Host (421 otherwise), control API included", async () => {
    const sim = await startSim();
    try {
      const port = new URL(sim.url).port;
      const auth = { Authorization: BASIC, Accept: "application/json" };
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
        const res = await raw(sim.url, { path: "/api/v2/orgs/1/events?max_results=1", host, headers: auth });
        assert.equal(res.status, 200, host);
      }
      // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends its own Host.
      for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1:${Number(port) + 1}`, `127.0.0.1`, `localhost`, `127.0.0.2:${port}`, `0.0.0.0:${port}`, ""]) {
        for (const path of ["/api/v2/orgs/1/events?max_results=1", "/pce/api/v2/orgs/1/events", "/pce-config.json", "/", "/_sim/requests"]) {
          const res = await raw(sim.url, { path, host, headers: auth });
          assert.equal(res.status, 421, `Host ${JSON.stringify(host)} ${path}: ${res.text.slice(0, 200)}`);
          assert.ok(!res.body.includes("/orgs/1/events/"), "no event data with a foreign Host");
        }
      }
    } finally {
      await sim.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("the same-origin proxy (--upstream)", { timeout: 180000 }, () => {
  let upstream;
  let proxy;
  before(async () => {
    upstream = await startSim(["--api-key", UP_KEY, "--api-secret", UP_SECRET, "--async-delay-ms", "0", "--rate-limit", "0"]);
    proxy = await startProxy(upstream.url);
  });
  after(async () => {
    await proxy?.stop();
    await upstream?.stop();
    if (proxy) assertClean(`${proxy.out.stdout}\n${proxy.out.stderr}`, secretForms(UP_KEY, UP_SECRET), "the proxy's output");
  });

  it("forwards GET /pce/api/v2/... with the upstream credentials, never the browser's", async () => {
    await upstream.clearRequests();
    const res = await fetch(`${proxy.url}/pce/api/v2/orgs/1/events?max_results=3&timestamp[gte]=2026-11-01T00:00:00Z`, {
      headers: { Authorization: basic("api_browser", "browser-secret"), Accept: "application/json", Cookie: "session=1" },
    });
    assert.equal(res.status, 200);
    const events = await res.json();
    assert.equal(events.length, 3);
    const [r, ...more] = await logged(upstream);
    assert.equal(more.length, 0);
    assert.equal(r.method, "GET");
    assert.equal(r.path, "/api/v2/orgs/1/events");
    assert.equal(r.query, "max_results=3&timestamp%5Bgte%5D=2026-11-01T00:00:00Z");
    assert.equal(r.headers.authorization, UP_BASIC, "the proxy's own credentials");
    assert.equal(r.headers.cookie, undefined, "the browser's cookies stay behind");
  });

  it("the package through the proxy, without credentials, async collection included", async () => {
    await upstream.clearRequests();
    const config = { url: `${proxy.url}/pce`, orgId: 1 };
    const events = await queryEvents(config, { maxResults: 10001 });
    const direct = await upstream.rawGet("/orgs/1/events?max_results=10000", { authorization: UP_BASIC });
    assert.equal(direct.status, 200);
    assert.equal(events.length, Math.min(10001, Number(direct.headers.get("x-total-count"))));
    assert.equal(await countEvents(config), Number(direct.headers.get("x-total-count")));
    const seen = await logged(upstream);
    assert.ok(seen.some((r) => r.path.startsWith("/api/v2/orgs/1/jobs/")) && seen.some((r) => r.path.startsWith("/api/v2/orgs/1/datafiles/")));
    for (const r of seen.filter((x) => x.headers["x-sim-raw"] === undefined)) {
      assert.equal(r.method, "GET");
      assert.ok(r.path.startsWith("/api/v2/orgs/1/"), r.path);
      assert.equal(r.headers.authorization, UP_BASIC);
    }
  });

  it("forwards nothing but GET", async () => {
    await upstream.clearRequests();
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"]) {
      const res = await raw(proxy.url, { method, path: "/pce/api/v2/orgs/1/events", headers: { "Content-Length": "0" } });
      assert.ok([400, 404, 405, 501].includes(res.status), `${method}: ${res.status}`);
    }
    assert.deepEqual(await logged(upstream), [], "nothing reached the upstream");
  });

  it("refuses path tricks before forwarding, and anything outside /pce/api/v2/", async () => {
    await upstream.clearRequests();
    const tricks = [
      "/pce/api/v2/../../_sim/requests", "/pce/api/v2/orgs/1/../../../x", "/pce/api/v2/orgs/1/events/..",
      "/pce/api/v2/%2e%2e/%2e%2e/_sim/requests", "/pce/api/v2/orgs/1/%2E%2E/users", "/pce/api/v2/orgs/1/events/.%2e/x",
      "/pce/api/v2/orgs%2f1/events", "/pce/api/v2/orgs/1%2F..%2F..%2Fusers", "/pce/api/v2/orgs/1/events%5c..%5cusers",
      "/pce/api/v2//orgs/1/events", "/pce/api/v2/orgs/1//events", "/pce//api/v2/orgs/1/events", "/pce/api/v2/orgs/1/events\\..\\users",
      "/pce/api/v2/orgs/1/events%00", "/pce/api/v2/orgs/1/%252e%252e/users", "/pce/api/v2/orgs/1/events;x=1",
      "/pce/api/v1/orgs/1/events", "/pce/api/orgs/1/events", "/pce/x", "/pce/api/v2", "/pce/api/v2@evil.example/x",
    ];
    for (const path of tricks) {
      const res = await raw(proxy.url, { path, headers: { Accept: "application/json" } });
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status} ${res.body.slice(0, 200)}`);
    }
    assert.deepEqual(await logged(upstream), [], "nothing reached the upstream");
  });

  it("never shows the upstream secret: /pce-config.json, errors of an unreachable upstream", async () => {
    const config = await (await fetch(`${proxy.url}/pce-config.json`)).text();
    assertClean(config, secretForms(UP_KEY, UP_SECRET), "/pce-config.json");
    assert.ok(!config.includes(UP_KEY), config);
    const dead = await startProxy(`http://127.0.0.1:${await freePort()}`);
    try {
      const res = await fetch(`${dead.url}/pce/api/v2/orgs/1/events`);
      assert.equal(res.status, 502);
      const body = await res.text();
      assertClean(body, secretForms(UP_KEY, UP_SECRET), "the 502");
    } finally {
      await dead.stop();
    }
    assertClean(`${dead.out.stdout}\n${dead.out.stderr}`, secretForms(UP_KEY, UP_SECRET), "a failing proxy's output");
    assert.ok(dead.out.stderr.length > 0, "the failure was reported");
  });
});

// ---------------------------------------------------------------------------------------------
describe("TLS to an https upstream is verified", { timeout: 120000 }, () => {
  const dir = `${ROOT}target/security-tls`;
  let servers = [];
  const seen = [];

  const openssl = (...args) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });

  /** A private CA (its key and PEM), by openssl, made once per run. */
  function ca(name) {
    mkdirSync(dir, { recursive: true });
    const base = `${dir}/${name}`;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${base}.key`,
      "-out", `${base}.pem`, "-days", "3650", "-subj", `/CN=${name}`,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return { key: `${base}.key`, certPath: `${base}.pem` };
  }

  /** A server certificate for `san` (e.g. "IP:127.0.0.1,DNS:localhost"), signed by `issuer`. */
  function serverCert(name, san, issuer) {
    const base = `${dir}/${name}`;
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${base}.key`,
      "-out", `${base}.csr`, "-subj", `/CN=${name}`);
    writeFileSync(`${base}.ext`, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
    openssl("x509", "-req", "-in", `${base}.csr`, "-CA", issuer.certPath, "-CAkey", issuer.key, "-set_serial", String(Date.now()),
      "-days", "3650", "-out", `${base}.pem`, "-extfile", `${base}.ext`);
    return { key: readFileSync(`${base}.key`), cert: readFileSync(`${base}.pem`) };
  }

  /** An https server that answers the events path with two events and records what arrived. */
  async function httpsUpstream(tls) {
    const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify([{ href: "/orgs/1/events/tls-1", timestamp: "2026-11-20T11:00:00Z", event_type: "user.sign_in" }]));
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    return `https://127.0.0.1:${server.address().port}`;
  }

  after(async () => {
    for (const s of servers) await new Promise((r) => { s.closeAllConnections?.(); s.close(r); });
  });

  it("refuses a private CA's upstream without --upstream-ca, accepts it with, refuses another name or another CA", async () => {
    const privateCa = ca("private-ca");
    const otherCa = ca("other-ca");
    const goodUrl = await httpsUpstream(serverCert("pce-local", "IP:127.0.0.1,DNS:localhost", privateCa));
    const wrongNameUrl = await httpsUpstream(serverCert("pce-other", "DNS:pce.other.example", privateCa));
    const cases = [
      ["no --upstream-ca", goodUrl, [], 502],
      ["--upstream-ca of the PCE's CA", goodUrl, ["--upstream-ca", privateCa.certPath], 200],
      ["a certificate for another name", wrongNameUrl, ["--upstream-ca", privateCa.certPath], 502],
      ["--upstream-ca of another CA", goodUrl, ["--upstream-ca", otherCa.certPath], 502],
    ];
    for (const [label, url, extra, status] of cases) {
      seen.length = 0;
      const proxy = await startProxy(url, extra);
      try {
        const res = await fetch(`${proxy.url}/pce/api/v2/orgs/1/events?max_results=1`);
        assert.equal(res.status, status, `${label}: ${await res.clone().text()}`);
        if (status === 200) {
          assert.equal((await res.json())[0].href, "/orgs/1/events/tls-1");
          assert.deepEqual(seen, [{ method: "GET", url: "/api/v2/orgs/1/events?max_results=1", authorization: UP_BASIC }], label);
        } else {
          assert.deepEqual(seen, [], `${label}: no request may cross an unverified connection`);
        }
      } finally {
        await proxy.stop();
      }
      assertClean(`${proxy.out.stdout}\n${proxy.out.stderr}`, secretForms(UP_KEY, UP_SECRET), `${label}: the proxy's output`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("the demo page never holds the upstream secret", { timeout: 120000 }, () => {
  it("HTML, DOM, JS globals, storage and every response the page received", async () => {
    // make test installs all three before any suite runs; a missing one is a failure, never a skip.
    const require = createRequire(`${ROOT}package.json`);
    const { chromium } = require("playwright-core");
    for (const needed of ["/usr/bin/chromium", `${ROOT}www/index.html`, `${ROOT}pkg/web/index.js`]) {
      assert.ok(existsSync(needed), `needs ${needed} (make test installs Chromium and builds pkg/ first)`);
    }
    const upstream = await startSim(["--api-key", UP_KEY, "--api-secret", UP_SECRET, "--rate-limit", "0", "--events", "500"]);
    const proxy = await startProxy(upstream.url, ["--www", `${ROOT}www`, "--pkg", `${ROOT}pkg`]);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"],
    });
    try {
      const page = await browser.newPage();
      const received = [];
      const sentAuth = [];
      page.on("request", (req) => { if (req.headers().authorization) sentAuth.push(req.url()); });
      page.on("response", async (res) => {
        try { received.push(`${res.url()}\n${JSON.stringify(await res.allHeaders())}\n${await res.text()}`); } catch { /* a redirect or an aborted body has no text */ }
      });
      const blank = await browser.newPage();
      const nativeGlobals = await blank.evaluate(() => Object.getOwnPropertyNames(window));
      await blank.close();
      await page.goto(`${proxy.url}/`, { waitUntil: "networkidle", timeout: 60000 });
      // The page has loaded events once they went through the proxy to the upstream and it is idle again.
      const deadline = Date.now() + 30000;
      while (!(await logged(upstream)).some((r) => r.path === "/api/v2/orgs/1/events" && r.headers.authorization === UP_BASIC)) {
        assert.ok(Date.now() < deadline, "the page never queried events through the proxy");
        await new Promise((r) => setTimeout(r, 200));
      }
      await page.waitForLoadState("networkidle");
      const html = await page.content();
      const globals = await page.evaluate((natives) => {
        const seen = new WeakSet();
        const out = [];
        const baseline = new Set(natives);
        const walk = (value, depth) => {
          if (depth > 4 || value === null || value === undefined) return;
          if (typeof value === "string") { out.push(value); return; }
          if (typeof value !== "object" && typeof value !== "function") { out.push(String(value)); return; }
          if (seen.has(value) || value instanceof Node) return;
          seen.add(value);
          let keys = [];
          try { keys = Object.getOwnPropertyNames(value); } catch { return; }
          for (const k of keys.slice(0, 2000)) {
            out.push(k);
            let v;
            try { v = value[k]; } catch { continue; }
            walk(v, depth + 1);
          }
        };
        for (const k of Object.getOwnPropertyNames(window)) if (!baseline.has(k)) { out.push(k); try { walk(window[k], 0); } catch { /* a throwing getter */ } }
        out.push(JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }), document.cookie, location.href);
        return out.join("\n");
      }, nativeGlobals);
      const forms = secretForms(UP_KEY, UP_SECRET);
      assertClean(html, forms, "the page's HTML");
      assertClean(globals, forms, "the page's globals and storage");
      assertClean(received.join("\n"), forms, "the responses the page received");
      assert.ok(!html.includes(UP_KEY) && !received.join("\n").includes(UP_KEY), "the upstream key stays on the server too");
      assert.deepEqual(sentAuth, [], "the page sends no Authorization header");
    } finally {
      await browser.close();
      await proxy.stop();
      await upstream.stop();
    }
  });
});
