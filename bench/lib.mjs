// Shared by the bench scripts: where things are, the simulator, timing and the package loader.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { median, sideBySide } from "./page/side-by-side.js";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const SIM_BIN = process.env.PCE_SIM_BIN ?? `${ROOT}target/release/pce-sim`;
export const API_KEY = "api_0123456789abcdef";
export const API_SECRET = "bench-secret";
export const AUTH = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
export const ORG = 1;
/** The simulator's data: fixed clock and seed, so every run sees the same events. */
export const SIM_EVENTS = 120000;
export const SIM_ARGS = [
  "--control", "--org", String(ORG), "--api-key", API_KEY, "--api-secret", API_SECRET,
  "--now", "2026-11-20T12:00:00Z", "--seed", "7", "--events", String(SIM_EVENTS),
  "--async-delay-ms", "0", "--rate-limit", "0",
];

/**
 * The packed package as `make consumer` installed it into tests/js (what a user installs);
 * BENCH_PKG_CJS names another build's node/index.cjs (or node/illumio_events.cjs), to profile or compare variants.
 */
const consumer = createRequire(`${ROOT}tests/js/package.json`);
export const PKG_CJS = process.env.BENCH_PKG_CJS ?? consumer.resolve("illumio-events");
export const PKG_DIR = PKG_CJS.replace(/node\/[^/]+$/, "");

/**
 * Loads the package (its CommonJS build, the one instance both module systems share) and
 * keeps the WebAssembly instance it makes, so the bench can read the size of its linear memory.
 */
export function loadPackage() {
  const instances = [];
  const Original = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(Original, {
    construct(target, args) {
      const instance = Reflect.construct(target, args);
      instances.push(instance);
      return instance;
    },
  });
  let pkg;
  try {
    pkg = consumer(PKG_CJS);
  } finally {
    WebAssembly.Instance = Original;
  }
  const memory = instances[0]?.exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("the package's wasm memory was not reachable");
  return { pkg, wasmMemoryBytes: () => memory.buffer.byteLength };
}

/** Starts pce-sim on a free loopback port; resolves with { url, stop }. */
export async function startSim(extra = []) {
  const child = spawn(SIM_BIN, ["--listen", "127.0.0.1:0", ...SIM_ARGS, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`pce-sim did not start: ${stderr}`)); }, 120000);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`pce-sim exited ${code}: ${stderr}`)); });
    createInterface({ input: child.stdout }).once("line", (l) => { clearTimeout(timer); resolve(l); });
  });
  const url = /http:\/\/\S+/.exec(line)?.[0]?.replace(/\/$/, "");
  if (!url) throw new Error(`no URL in pce-sim's ready line: ${line}`);
  child.removeAllListeners("exit");
  return {
    url,
    /** The control token of the ready line, for `X-Pce-Sim-Token` on /_sim/ requests. */
    token: /control-token ([0-9a-f]+)/.exec(line)?.[1],
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** A PceConfig for the package against the simulator at `url`. */
export function config(url) {
  // The benchmarks send thousands of requests a minute to a simulator without a rate limit.
  return { url, orgId: ORG, apiKey: API_KEY, apiSecret: API_SECRET, requestsPerMinute: 0 };
}

/** The raw baseline: fetch + JSON.parse of the body text, with the same headers the package sends. */
export async function rawJson(url, headers = {}) {
  const res = await fetch(url, { headers: { authorization: AUTH, accept: "application/json", ...headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** A process's peak resident size in bytes (VmHWM: a spike between two samples is still seen); 0 once it has ended. */
export function peakRss(pid = "self") {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export { median, sideBySide };
