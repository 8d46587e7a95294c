// Shared by the demo's end-to-end tests: a private pce-sim serving www/ and a copy of pkg/,
// a Chromium page that records console errors and CSP violations, and screenshots.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { after, before } from "node:test";
import { API_KEY, API_SECRET, controlHeaders, lateBound, spawnSim } from "../js/sim.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = join(ROOT, "tests/artifacts");
const AUTH = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A private copy of pkg/: other builds may replace pkg/ while a test runs, and the page
 * must not see a half-written package.
 */
async function copyPkg() {
  const files = ["web/index.js", "web/illumio_events.js", "web/illumio_events_bg.wasm"].map((f) => join(ROOT, "pkg", f));
  for (let i = 0; i < 300; i++) {
    if (files.every((f) => existsSync(f) && statSync(f).size > 0)) {
      const dir = mkdtempSync(join(tmpdir(), "demo-pkg-"));
      try {
        cpSync(join(ROOT, "pkg"), dir, { recursive: true });
        if (files.every((f) => existsSync(join(dir, f.slice(join(ROOT, "pkg").length))))) return dir;
      } catch { /* pkg/ changed while copying: try again */ }
      rmSync(dir, { recursive: true, force: true });
    }
    await sleep(1000);
  }
  throw new Error("pkg/ is not built: run make pkg");
}

/** Starts pce-sim for the demo: --www (the demo, or another folder of pages), --pkg (a copy), the control API, no rate limit. */
export async function startDemoSim(extraArgs = [], { www = join(ROOT, "www"), startMs } = {}) {
  const pkg = await copyPkg();
  const args = [
    "--listen", "127.0.0.1:0", "--control", "--org", "1",
    "--api-key", API_KEY, "--api-secret", API_SECRET,
    "--www", www, "--pkg", pkg, "--rate-limit", "0",
    ...extraArgs,
  ];
  const { child, url, token } = await spawnSim(args, startMs ? { startMs } : {});
  return new DemoSim(child, url, pkg, token);
}

/**
 * One demo for a test file: pce-sim (`startDemoSim`'s flags, `www` and `startMs`, how long it may take to start), Chromium at `viewport`
 * and, unless `page` is false, a page; stopped after the tests. Returns `{ sim, browser, page }`,
 * usable once the tests run.
 */
export function useDemo(extraArgs = [], { www, viewport, page: withPage = true, startMs } = {}) {
  const live = {};
  before(async () => {
    live.sim = await startDemoSim(extraArgs, { ...(www ? { www } : {}), startMs });
    live.browser = await launch(viewport);
    if (withPage) live.page = await openPage(live.browser);
  });
  after(async () => {
    await live.browser?.close();
    await live.sim?.stop();
  });
  return {
    sim: lateBound(() => live.sim, "the demo's simulator"),
    browser: lateBound(() => live.browser, "the demo's browser"),
    page: lateBound(() => live.page, "the demo's page"),
  };
}

/** Starts pce-sim like startDemoSim, serving another folder of pages at / (the element's fixtures). */
export const startPagesSim = (www, extraArgs = []) => startDemoSim(extraArgs, { www });

export class DemoSim {
  constructor(child, url, pkg, token) { Object.assign(this, { child, url, pkg, token }); }

  async control(method, path, body) {
    const res = await fetch(`${this.url}/_sim/${path}`, {
      method,
      headers: controlHeaders(this.token, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`pce-sim ${method} /_sim/${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  fault(spec) { return this.control("POST", "faults", spec); }
  clearFaults() { return this.control("DELETE", "faults"); }
  inject(body) { return this.control("POST", "events", body); }
  async requests() {
    const log = await this.control("GET", "requests");
    return Array.isArray(log) ? log : log?.requests ?? [];
  }
  clearRequests() { return this.control("DELETE", "requests"); }

  /** X-Total-Count of the simulator's own API for a filter: what the page must show. */
  async count({ since, until, eventType, severity, status } = {}) {
    const q = new URLSearchParams({ max_results: "0" });
    if (eventType) q.set("event_type", eventType);
    if (severity) q.set("severity", severity);
    if (status) q.set("status", status);
    if (since) q.set("timestamp[gte]", since);
    if (until) q.set("timestamp[lte]", until);
    const res = await fetch(`${this.url}/api/v2/orgs/1/events?${q}`, {
      headers: { authorization: AUTH, accept: "application/json" },
    });
    if (!res.ok) throw new Error(`count: ${res.status} ${await res.text()}`);
    return Number(res.headers.get("x-total-count"));
  }

  /**
   * count() with the filters of issue 10 too: createdBy (created_by), pceFqdn (pce_fqdn) and
   * several event types, whose counts add up (an event has one type).
   */
  async countWith({ eventType, createdBy, pceFqdn, ...rest } = {}) {
    const types = Array.isArray(eventType) ? eventType : [eventType];
    let total = 0;
    for (const type of types) {
      const q = new URLSearchParams({ max_results: "0" });
      if (type) q.set("event_type", type);
      if (rest.severity) q.set("severity", rest.severity);
      if (rest.status) q.set("status", rest.status);
      if (createdBy) q.set("created_by", createdBy);
      if (pceFqdn) q.set("pce_fqdn", pceFqdn);
      if (rest.since) q.set("timestamp[gte]", rest.since);
      if (rest.until) q.set("timestamp[lte]", rest.until);
      const res = await fetch(`${this.url}/api/v2/orgs/1/events?${q}`, {
        headers: { authorization: AUTH, accept: "application/json" },
      });
      if (!res.ok) throw new Error(`count: ${res.status} ${await res.text()}`);
      total += Number(res.headers.get("x-total-count"));
    }
    return total;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.pkg, { recursive: true, force: true });
  }
}

/** A fresh Chromium with its own profile. */
export async function launch({ width = 1440, height = 1000, colorScheme = "dark" } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "demo-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    viewport: { width, height },
    colorScheme,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that collects console errors, uncaught exceptions and CSP violations. */
export async function openPage(browser) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.problems = problems;
  return page;
}

/** Waits until the page's <pce-event-timeline> has drawn a chart for the view and is not loading. */
export async function ready(page, { timeout = 30000 } = {}) {
  await page.waitForFunction(() => {
    const el = document.querySelector("pce-event-timeline");
    const svg = el?.shadowRoot?.getElementById("chart");
    return svg?.hasAttribute("data-total") && !el.loading && el.shadowRoot.getElementById("progress").hidden;
  }, null, { timeout });
}

/** What the chart shows (inside the element's shadow root): its total, its range and the sum of its bars. */
export function chartState(page) {
  return page.evaluate(() => {
    const root = document.querySelector("pce-event-timeline").shadowRoot;
    const svg = root.getElementById("chart");
    const bars = [...svg.querySelectorAll(".bucket")].map((g) => Number(g.getAttribute("data-total")));
    return {
      total: Number(svg.getAttribute("data-total")),
      barSum: bars.reduce((a, b) => a + b, 0),
      buckets: bars.length,
      since: svg.getAttribute("data-since"),
      until: svg.getAttribute("data-until"),
      listCount: root.getElementById("list-count").textContent,
      legend: [...root.querySelectorAll("#legend .legend-label")].map((e) => e.textContent),
    };
  });
}

/** The rendered rows of the element's list (only the visible ones exist). */
export function visibleRows(page) {
  return page.evaluate(() => [...document.querySelector("pce-event-timeline").shadowRoot.querySelectorAll("#list .row:not([hidden])")]
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((r) => ({
      index: Number(r.dataset.index),
      time: r.querySelector(".c-time").textContent,
      severity: r.querySelector(".badge").textContent,
      type: r.querySelector(".c-type").textContent,
      status: r.querySelector(".c-status").textContent,
      who: r.querySelector(".who-name").textContent,
    })));
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Fails on console errors, page errors and CSP violations seen so far. */
export async function assertClean(page, assert, { allow = [] } = {}) {
  const csp = await page.evaluate(() => window.__csp ?? []);
  const problems = [...page.problems, ...csp.map((c) => `csp: ${c}`)]
    .filter((p) => !allow.some((re) => re.test(p)));
  assert.deepEqual(problems, [], "no console errors, page errors or CSP violations");
}

export { sleep };
