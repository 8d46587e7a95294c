// Starts pce-sim for a test file: a private simulator on a free port, with its control API.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const SIM_BIN = process.env.PCE_SIM_BIN ?? `${root}target/release/pce-sim`;
export const API_KEY = "api_0123456789abcdef";
export const API_SECRET = "test-secret-never-shown";

/** Starts a simulator with extra flags; resolves when it prints its ready line. */
export async function startSim(extraArgs = [], { org = 1 } = {}) {
  const args = [
    "--listen", "127.0.0.1:0", "--control", "--org", String(org),
    "--api-key", API_KEY, "--api-secret", API_SECRET,
    "--now", "2026-11-20T12:00:00Z", "--seed", "7", "--events", "3000",
    ...extraArgs,
  ];
  const child = spawn(SIM_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pce-sim did not start: ${stderr}`)), 15000);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`pce-sim exited ${code}: ${stderr}`)); });
    createInterface({ input: child.stdout }).once("line", (l) => { clearTimeout(timer); resolve(l); });
  });
  const base = /http:\/\/\S+/.exec(line)?.[0];
  if (!base) throw new Error(`no URL in pce-sim's ready line: ${line}`);
  return new Sim(child, base.replace(/\/$/, ""), org);
}

/** A running simulator: its URL, a config for the package, and its control endpoints. */
export class Sim {
  constructor(child, url, org) {
    this.child = child;
    this.url = url;
    this.org = org;
  }
  /** A PceConfig for the package, with overrides. */
  config(overrides = {}) {
    return { url: this.url, orgId: this.org, apiKey: API_KEY, apiSecret: API_SECRET, ...overrides };
  }
  async control(method, path, body) {
    const res = await fetch(`${this.url}/_sim/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`pce-sim ${method} /_sim/${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  /** Every API request the simulator received since the last clearRequests(). */
  requests() { return this.control("GET", "requests"); }
  clearRequests() { return this.control("DELETE", "requests"); }
  /** Queues a fault for the next matching requests. */
  fault(spec) { return this.control("POST", "faults", spec); }
  clearFaults() { return this.control("DELETE", "faults"); }
  /** Injects events (full objects) or generates them ({ generate, timestamp, overrides }). */
  inject(body) { return this.control("POST", "events", body); }
  advanceClock(ms) { return this.control("POST", "clock", { advance_ms: ms }); }
  /** A direct GET of the simulator's API, for comparisons, with the test credentials. */
  async rawGet(pathAndQuery, headers = {}) {
    const auth = Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64");
    return fetch(`${this.url}/api/v2${pathAndQuery}`, {
      headers: { authorization: `Basic ${auth}`, accept: "application/json", ...headers },
    });
  }
  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
  }
}
