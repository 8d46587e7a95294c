// The Node rows, in one process against a running pce-sim: node --expose-gc node-suite.mjs URL
// Prints one JSON object: each row's medians (ms) for the package and its baseline.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { AUTH, ORG, config, loadPackage, median, rawJson, sideBySide } from "./lib.mjs";
import { jsTimeline } from "./js-timeline.mjs";

const url = process.argv[2];
const { pkg, wasmMemoryBytes } = loadPackage();
const { queryEvents, getEvent, eventTimeline } = pkg;
const cfg = config(url);
const api = `${url}/api/v2/orgs/${ORG}`;
const log = (m) => process.stderr.write(`  node: ${m}\n`);
const out = {};

const sameLength = (a, b) => assert.equal(a.length, b.length);

for (const [n, warmup, runs] of [[1000, 5, 21], [10000, 3, 15]]) {
  log(`queryEvents ${n}`);
  out[`query${n}`] = await sideBySide(
    () => queryEvents(cfg, { maxResults: n }),
    () => rawJson(`${api}/events?max_results=${n}`),
    { warmup, runs, check: (a, b) => { sameLength(a, b); assert.equal(a.length, n); assert.deepEqual(a[n - 1], b[n - 1]); } },
  );
}

log("getEvent");
const [first] = await queryEvents(cfg, { maxResults: 1 });
out.getEvent = await sideBySide(
  () => getEvent(cfg, first.href),
  () => rawJson(`${url}/api/v2${first.href}`),
  { warmup: 20, runs: 101, check: (a, b) => assert.deepEqual(a, b) },
);

// The asynchronous collection. The raw baseline downloads the datafile of a job made once by hand.
log("async collection of 100000");
const N = 100000;
async function datafileUrl() {
  const res = await fetch(`${api}/events?max_results=${N}`, { headers: { authorization: AUTH, accept: "application/json", prefer: "respond-async" } });
  assert.equal(res.status, 202);
  const job = `${url}/api/v2${res.headers.get("location")}`;
  for (;;) {
    const state = await rawJson(job);
    if (state.status === "done") return { href: `${url}/api/v2${state.result.href}`, state };
    await new Promise((r) => setTimeout(r, 10));
  }
}
const { href: datafile, state: job } = await datafileUrl();
// With --async-delay-ms 0 the simulator's job takes no time of its own; its record says so.
const simJobMs = Date.parse(job.terminated_at) - Date.parse(job.requested_at);
async function collect() {
  const marks = {};
  const t0 = performance.now();
  const events = await queryEvents(cfg, {
    maxResults: N,
    onProgress: (p) => { marks[p.phase] ??= performance.now(); },
  });
  const total = performance.now() - t0;
  // The job phase: from the 202's handling to the datafile request (the poll wait and the polls).
  const jobPhase = marks.downloading - marks.requested;
  return { events, total, jobPhase, client: total - jobPhase };
}
{
  const totals = [], jobs = [], clients = [], raws = [];
  const collectGc = globalThis.gc ?? (() => {});
  const timeRaw = async () => {
    collectGc();
    const t0 = performance.now();
    const raw = await rawJson(datafile);
    raws.push(performance.now() - t0);
    assert.equal(raw.length, N);
  };
  const timeCollect = async () => {
    collectGc();
    const r = await collect();
    assert.equal(r.events.length, N);
    totals.push(r.total); jobs.push(r.jobPhase); clients.push(r.client);
  };
  await collect();
  await rawJson(datafile);
  for (let i = 0; i < 5; i++) {
    if (i % 2) { await timeCollect(); await timeRaw(); } else { await timeRaw(); await timeCollect(); }
  }
  collectGc();
  const events = await queryEvents(cfg, { maxResults: N });
  out.async100k = {
    subject: median(clients), baseline: median(raws), ratio: median(clients) / median(raws),
    total: median(totals), jobPhase: median(jobs), simJobMs, runs: 5, warmup: 1,
  };

  // eventTimeline over the 100000 events the collection returned, and over 1000000 made from them.
  log("eventTimeline 100000");
  const check = (a, b) => assert.deepEqual(a, b);
  out.timeline100k = await sideBySide(() => eventTimeline(events), () => jsTimeline(events), { warmup: 2, runs: 9, check });
  log("eventTimeline 1000000");
  // Ten copies: the fetched events, then nine shallow copies whose timestamps move back by
  // k * 37 ms (new strings, same window within a second), so no parse result can be reused.
  const million = new Array(10 * N);
  for (let i = 0; i < N; i++) million[i] = events[i];
  for (let k = 1; k < 10; k++) {
    for (let i = 0; i < N; i++) {
      const e = events[i];
      million[k * N + i] = { ...e, timestamp: new Date(Date.parse(e.timestamp) - k * 37).toISOString() };
    }
  }
  out.timeline1m = await sideBySide(() => eventTimeline(million), () => jsTimeline(million), { warmup: 1, runs: 7, check });
}
out.wasmMemoryBytes = wasmMemoryBytes();
process.stdout.write(`${JSON.stringify(out)}\n`);
