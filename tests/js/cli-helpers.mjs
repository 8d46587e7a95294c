// The command as a user runs it: the packed tarball installed into a scratch folder, run with npx.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { API_KEY, API_SECRET, BASIC_AUTH } from "./sim.mjs";

const TARBALL = fileURLToPath(new URL("../../target/illumio-events.tgz", import.meta.url));

/** A scratch folder with the packed package installed (its one dependency from npm's cache). */
export function scratchInstall() {
  assert.ok(existsSync(TARBALL), `${TARBALL} is missing: run make consumer`);
  const dir = mkdtempSync(join(tmpdir(), "illumio-events-cli-"));
  writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--silent", TARBALL],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"], timeout: 120000 });
  return dir;
}

/** The PCE_* variables for a simulator (and nothing of the caller's environment named PCE_). */
export function pceEnv(sim, overrides = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PCE_")));
  return { ...env, PCE_URL: sim.url, PCE_ORG: String(sim.org), PCE_API_KEY: API_KEY, PCE_API_SECRET: API_SECRET, ...overrides };
}

/** Every output of every run, checked at the end for the secret. */
export const outputs = [];

/** Runs `npx illumio-events ...args` in `dir`; resolves with { code, signal, stdout, stderr }. */
/**
 * With `direct`, the installed bin runs without npx in between, so that its own exit status
 * after a signal is seen (npx itself dies of the signal, as a shell would report it).
 */
export function run(dir, args, { env, timeout = 120000, onSpawn, direct = false } = {}) {
  return new Promise((resolve, reject) => {
    // A process group of its own, as a terminal gives a command: a signal to the group reaches
    // npx and the command alike, as Ctrl-C does (npx does not pass signals on).
    const [command, prefix] = direct ? [join(dir, "node_modules/.bin/illumio-events"), []] : ["npx", ["--no-install", "illumio-events"]];
    const child = spawn(command, [...prefix, ...args],
      { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => { killGroup(child, "SIGKILL"); reject(new Error(`illumio-events ${args.join(" ")} ran over ${timeout} ms`)); }, timeout);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    });
    onSpawn?.(child);
  });
}

/** No output of any run carries the secret or the Basic header that encodes it. */
export function assertNoSecretIn(texts) {
  const encoded = BASIC_AUTH.slice("Basic ".length);
  for (const text of texts) {
    for (const secret of [API_SECRET, encoded, `${API_KEY}:`]) assert.ok(!text.includes(secret), `an output reveals ${secret}`);
  }
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of strings. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; } else if (c === "\r" && text[i + 1] === "\n") { /* the LF ends it */ } else if (c === "\n") {
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  assert.equal(field + row.join(""), "", "the CSV does not end with a line break");
  return rows;
}

/** Sends a signal to a run's whole process group (npx and the command under it). */
export function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (e) {
    if (e.code !== "ESRCH") throw e;
  }
}
