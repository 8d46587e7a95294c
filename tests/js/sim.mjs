// Starts pce-sim for a test file: a private simulator on a free port, with its control API.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { after, afterEach, before, beforeEach } from "node:test";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const SIM_BIN = process.env.PCE_SIM_BIN ?? `${root}target/release/pce-sim`;
export const API_KEY = "api_0123456789abcdef";
export const API_SECRET = "test-secret-never-shown";
/** The Authorization header the package must send for the test credentials. */
export const BASIC_AUTH = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;

function headerObject(headers) {
  if (Array.isArray(headers)) {
    return Object.fromEntries(headers.map(([name, value]) => [String(name).toLowerCase(), value]));
  }
  return Object.fromEntries(Object.entries(headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]));
}

/** Starts a simulator with extra flags; resolves when it prints its ready line. */
export async function startSim(extraArgs = [], { org = 1 } = {}) {
  const args = [
    "--listen", "127.0.0.1:0", "--control", "--org", String(org),
    "--api-key", API_KEY, "--api-secret", API_SECRET,
    "--now", "2026-11-20T12:00:00Z", "--seed", "7", "--events", "3000",
    // No rate limit unless a test asks for one: the suites send far more than 500 requests a minute.
    "--rate-limit", "0",
    ...extraArgs,
  ];
  const { child, url, token } = await spawnSim(args);
  return new Sim(child, url, org, token);
}

/**
 * One simulator for a test file: started before its tests (with `startSim`'s flags and options),
 * then `setUp(sim)` (the file's own preparation), its faults and request log cleared around each
 * test, stopped after them. Returns the `Sim`, usable once the tests run.
 */
export function useSim(extraArgs = [], { setUp, ...options } = {}) {
  let sim;
  before(async () => {
    sim = await startSim(extraArgs, options);
    await setUp?.(sim);
  });
  after(async () => { await sim?.stop(); });
  beforeEach(async () => { await sim.clearFaults(); await sim.clearRequests(); });
  afterEach(async () => { await sim.clearFaults(); });
  return lateBound(() => sim, "useSim's simulator");
}

/** Stands for the object `current()` returns once the tests run (set up by a `before` hook). */
export function lateBound(current, name) {
  return new Proxy({}, {
    get(_, key) {
      const target = current();
      if (!target) throw new Error(`${name} is used before the tests run`);
      const value = target[key];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Spawns pce-sim with exactly these flags; resolves with the process, its URL and (with
 * --control) the control token of its ready line, once it is ready.
 */
export async function spawnSim(args, { startMs = 30000 } = {}) {
  const child = spawn(SIM_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`pce-sim did not start in ${startMs} ms: ${stderr}`)); }, startMs);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`pce-sim exited ${code}: ${stderr}`)); });
    createInterface({ input: child.stdout }).once("line", (l) => { clearTimeout(timer); resolve(l); });
  });
  const url = /http:\/\/\S+/.exec(line)?.[0]?.replace(/\/$/, "");
  if (!url) throw new Error(`no URL in pce-sim's ready line: ${line}`);
  const token = /control-token ([0-9a-f]+)/.exec(line)?.[1];
  if (args.includes("--control") && !token) throw new Error(`no control token in pce-sim's ready line: ${line}`);
  return { child, url, token };
}

/** The headers of a control request: the run's token, and the JSON type when there is a body. */
export function controlHeaders(token, hasBody) {
  return { "x-pce-sim-token": token, ...(hasBody ? { "content-type": "application/json" } : {}) };
}

/** A running simulator: its URL, a config for the package, and its control endpoints. */
export class Sim {
  constructor(child, url, org, token) {
    this.child = child;
    this.url = url;
    this.org = org;
    this.token = token;
  }
  /** A PceConfig for the package, with overrides. */
  config(overrides = {}) {
    // No request budget unless a test sets one, as pce-sim runs with --rate-limit 0.
    return { url: this.url, orgId: this.org, apiKey: API_KEY, apiSecret: API_SECRET, requestsPerMinute: 0, ...overrides };
  }
  async control(method, path, body) {
    const res = await fetch(`${this.url}/_sim/${path}`, {
      method,
      headers: controlHeaders(this.token, body !== undefined),
      body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`pce-sim ${method} /_sim/${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  /**
   * Every API request the simulator received since the last clearRequests(), oldest first,
   * as `{ method, path, query, headers }` with lower-case header names in a plain object.
   * The control API's own requests and rawGet()'s (marked with x-sim-raw) are left out.
   */
  async requests() {
    const log = await this.control("GET", "requests");
    const entries = Array.isArray(log) ? log : log?.requests;
    if (!Array.isArray(entries)) throw new Error(`unexpected request log: ${JSON.stringify(log)}`);
    return entries
      .map((e) => ({ ...e, query: e.query ?? "", headers: headerObject(e.headers) }))
      .filter((e) => !e.path.startsWith("/_sim/") && e.headers["x-sim-raw"] === undefined);
  }
  clearRequests() { return this.control("DELETE", "requests"); }
  /** Queues a fault for the next matching requests. */
  fault(spec) { return this.control("POST", "faults", spec); }
  clearFaults() { return this.control("DELETE", "faults"); }
  /**
   * Injects events (full objects) or generates them ({ generate, timestamp, overrides }).
   * A string is posted as it is, for JSON that JavaScript cannot hold (integers beyond 2^53).
   */
  inject(body) { return this.control("POST", "events", body); }
  advanceClock(ms) { return this.control("POST", "clock", { advance_ms: ms }); }
  /** A direct GET of the simulator's API, for comparisons, with the test credentials (left out of requests()). */
  async rawGet(pathAndQuery, headers = {}) {
    return fetch(`${this.url}/api/v2${pathAndQuery}`, {
      headers: { authorization: BASIC_AUTH, accept: "application/json", "x-sim-raw": "1", ...headers },
      signal: AbortSignal.timeout(60000),
    });
  }
  /** rawGet's body parsed, failing unless the status is 200. */
  async rawJson(pathAndQuery) {
    const res = await this.rawGet(pathAndQuery);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: ${res.status} ${text}`);
    return { body: JSON.parse(text), headers: res.headers, text };
  }
  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
  }
}
