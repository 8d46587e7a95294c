// The Chromium rows: queryEvents against fetch + JSON.parse of the same URL, side by side,
// timed with performance.now(). bench/run.mjs calls window.runBench through Playwright.
import { queryEvents } from "/pkg/web/index.js";

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const collect = globalThis.gc ?? (() => {});

async function sideBySide(subject, baseline, warmup, runs) {
  for (let i = 0; i < warmup; i++) {
    const [a, b] = [await subject(), await baseline()];
    if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  }
  const times = { subject: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? [["subject", subject], ["baseline", baseline]] : [["baseline", baseline], ["subject", subject]];
    for (const [name, fn] of order) {
      collect();
      const t0 = performance.now();
      const made = await fn();
      times[name].push(performance.now() - t0);
      void made;
    }
  }
  const s = median(times.subject);
  const b = median(times.baseline);
  return { subject: s, baseline: b, ratio: s / b, runs, warmup };
}

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
    out[`query${n}`] = await sideBySide(() => queryEvents(config, { maxResults: n }), () => raw(n), warmup, runs);
  }
  out.userAgent = navigator.userAgent;
  out.gc = typeof globalThis.gc === "function";
  return out;
};

document.getElementById("state").textContent = "ready";
