// The timeline rows (issue 13): a 30-day chart of a PCE with millions of events, drawn the old
// way (count, download up to a cap, eventTimeline) and with queryTimeline (counts on the PCE).
// Plain JavaScript shared by Node (bench/timeline.mjs) and the Chromium page (bench/page/bench.js),
// so both measure the same thing the same way.
import { median } from "./side-by-side.js";

/**
 * Wraps the global fetch to count what the client receives: each response's status line and
 * headers as they would appear on the wire, plus its body. The body is counted from
 * Content-Length when the server sends one (pce-sim always does), so the download itself is
 * left untouched and untimed; otherwise its stream is counted as it is read.
 */
export function installMeter() {
  const original = globalThis.fetch;
  const meter = { bytes: 0, responses: 0, reset() { this.bytes = 0; this.responses = 0; } };
  globalThis.fetch = async (...args) => {
    const res = await original(...args);
    meter.responses++;
    let head = `HTTP/1.1 ${res.status} ${res.statusText}\r\n\r\n`.length;
    res.headers.forEach((value, name) => { head += name.length + value.length + 4; });
    meter.bytes += head;
    const length = res.headers.get("content-length");
    if (length !== null || !res.body) {
      meter.bytes += Number(length ?? 0);
      return res;
    }
    const counted = res.body.pipeThrough(new TransformStream({
      transform(chunk, out) { meter.bytes += chunk.byteLength; out.enqueue(chunk); },
    }));
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return meter;
}

const collect = globalThis.gc ?? (() => {});
const now = () => performance.now();

function checkTimeline(t, total, what) {
  let sum = 0;
  for (const b of t.buckets) {
    const groups = Object.values(b.counts).reduce((a, c) => a + c, 0);
    if (groups !== b.total) throw new Error(`${what}: bucket ${b.start} has ${b.total} events but its groups add up to ${groups}`);
    sum += b.total;
  }
  if (sum !== total) throw new Error(`${what}: the buckets hold ${sum} events, the window ${total}`);
}

/**
 * What the demo did before queryTimeline: countEvents for the window, queryEvents of the newest
 * `cap` events (an asynchronous collection), eventTimeline over them. `limitMs` aborts a run
 * that would not finish in reasonable time; it then reports how far it got.
 */
export async function oldPath(pkg, config, window, { cap, limitMs, meter, runs }) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    collect();
    meter.reset();
    const t0 = now();
    const total = await pkg.countEvents(config, window);
    const t1 = now();
    let events;
    let stopped = false;
    try {
      events = await pkg.queryEvents(config, { ...window, maxResults: cap, signal: AbortSignal.timeout(limitMs) });
    } catch (e) {
      if (e?.kind !== "aborted" && e?.name !== "TimeoutError") throw e;
      stopped = true;
    }
    const t2 = now();
    const downloadBytes = meter.bytes;
    const chart = events && pkg.eventTimeline(events, { groupBy: "severity", start: window.since, end: window.until });
    const t3 = now();
    if (chart) checkTimeline(chart, events.length, "eventTimeline");
    out.push({
      total, downloaded: events?.length ?? 0, stopped,
      ms: t3 - t0, countMs: t1 - t0, downloadMs: t2 - t1, timelineMs: t3 - t2,
      bytes: downloadBytes, responses: meter.responses,
      buckets: chart?.buckets.length ?? 0, bucketMs: chart?.bucketMs ?? 0,
    });
    events = undefined;
  }
  return summarize(out);
}

/** queryTimeline over the window: the complete chart, the first partial one, bytes and requests. */
export async function counted(pkg, config, window, { meter, runs, warmup, simCount, simOverhead = 0 }) {
  const out = [];
  for (let i = 0; i < warmup + runs; i++) {
    collect();
    const before = simCount ? await simCount() : 0;
    meter.reset();
    let first;
    let partials = 0;
    let firstState = {};
    let firstBar;
    const t0 = now();
    const t = await pkg.queryTimeline(config, window, {
      groupBy: "severity",
      onPartial: (p) => {
        if (first === undefined) {
          first = now() - t0;
          firstState = { firstRequestsDone: p.requestsDone, firstPending: p.pending.length, requestsPlanned: p.requestsPlanned };
        }
        // The first partial may come before any bar is counted (the window-wide counts first).
        if (firstBar === undefined && p.pending.length < p.buckets.length) firstBar = now() - t0;
        partials++;
      },
    });
    const ms = now() - t0;
    const bytes = meter.bytes;
    const responses = meter.responses;
    const atSim = simCount ? (await simCount()) - before - simOverhead : undefined;
    const total = await pkg.countEvents(config, window);
    checkTimeline(t, total, "queryTimeline");
    if (t.source !== "counts") throw new Error(`queryTimeline downloaded (source ${t.source})`);
    if (i >= warmup) {
      out.push({
        ms, firstPartialMs: first ?? ms, firstBarMs: firstBar ?? ms, ...firstState, partials, bytes, responses, requests: t.requests, simRequests: atSim,
        total, buckets: t.buckets.length, bucketMs: t.bucketMs, groups: t.groups.join(" "),
      });
    }
  }
  return summarize(out);
}

/** Medians of the numeric fields over the runs, other fields from the first run; the runs kept. */
function summarize(runs) {
  const m = { ...runs[0], runs: runs.length, all: runs };
  for (const [k, v] of Object.entries(runs[0])) {
    if (typeof v === "number") m[k] = median(runs.map((r) => r[k]));
  }
  return m;
}
