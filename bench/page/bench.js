// The Chromium rows: queryEvents against fetch + JSON.parse of the same URL, side by side,
// timed with performance.now(). bench/run.mjs calls window.runBench through Playwright.
import { queryEvents } from "/pkg/web/index.js";
import { sideBySide } from "./side-by-side.js";

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

document.getElementById("state").textContent = "ready";
