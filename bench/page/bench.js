// The Chromium rows: queryEvents against fetch + JSON.parse of the same URL, side by side,
// timed with performance.now(). bench/run.mjs calls window.runBench through Playwright.
import { countEvents, eventTimeline, queryEvents, queryTimeline } from "/pkg/web/index.js";
import { sideBySide } from "./side-by-side.js";
import { counted, installMeter, oldPath } from "./timeline-rows.js";

const sameLength = (a, b) => {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
};

window.runBench = async ({ org, key, secret, plan }) => {
  const config = { url: location.origin, orgId: org, apiKey: key, apiSecret: secret };
  const headers = { authorization: `Basic ${btoa(`${key}:${secret}`)}`, accept: "application/json" };
  const raw = async (n) => {
    const res = await fetch(`${location.origin}/api/v2/orgs/${org}/events?max_results=${n}`, { headers });
    const text = await res.text();
    if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  };
  const out = {};
  for (const { n, warmup, runs } of plan) {
    out[`query${n}`] = await sideBySide(() => queryEvents(config, { maxResults: n }), () => raw(n), { warmup, runs, check: sameLength });
  }
  out.userAgent = navigator.userAgent;
  out.gc = typeof globalThis.gc === "function";
  return out;
};

// The timeline rows, on a page of a pce-sim with millions of events. The meter wraps fetch only
// here, so the queryEvents rows above see the browser's own fetch.
let meter;
window.runTimelineBench = async ({ org, key, secret, token, mode, window: range, cap, limitMs, runs }) => {
  meter ??= installMeter();
  // No request budget: the bench sends its counts as fast as the simulator answers.
  const config = { url: location.origin, orgId: org, apiKey: key, apiSecret: secret, requestsPerMinute: 0 };
  const pkg = { countEvents, eventTimeline, queryEvents, queryTimeline };
  const stats = async () => (await (await fetch("/_sim/stats", { headers: { "x-pce-sim-token": token } })).json()).requests;
  if (mode === "old") return oldPath(pkg, config, range, { cap, limitMs, meter, runs });
  const first = await stats();
  const simOverhead = (await stats()) - first;
  return counted(pkg, config, range, { meter, runs, warmup: 1, simCount: stats, simOverhead });
};

document.getElementById("state").textContent = "ready";
