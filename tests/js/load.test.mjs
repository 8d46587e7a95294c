// Load and long runs against pce-sim: 100 concurrent queries through a rate limit (429s absorbed
// by Retry-After, nothing lost or duplicated), a watch over many simulated hours (every event
// exactly once, flat memory), and every fault kind twice (the second round grows wasm memory by nothing).
//
// The package's WebAssembly memory is not exported (its package.json `exports` hides the glue, and
// the glue keeps the instance private), so this file wraps `WebAssembly.Instance` before it loads
// the package and keeps the instance the glue creates: `memory.buffer.byteLength` is then exact.
// (process.memoryUsage().arrayBuffers would also count Node's own buffers, so it is not used.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { API_KEY, API_SECRET, startSim } from "./sim.mjs";

const instances = [];
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(RealInstance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    instances.push(instance);
    return instance;
  },
});
const { queryEvents, watchEvents, isPceError } = await import("illumio-events");
WebAssembly.Instance = RealInstance;
const wasmMemory = instances.map((i) => i.exports.memory).find((m) => m instanceof WebAssembly.Memory);
assert.ok(wasmMemory, "the package's WebAssembly memory was not found");
const wasmBytes = () => wasmMemory.buffer.byteLength;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
/** A full GC, then a few turns of the event loop so FinalizationRegistry callbacks free wasm closures. */
async function settle() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
  }
}

const BASIC = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

async function direct(sim, pathAndQuery) {
  const res = await fetch(`${sim.url}/api/v2${pathAndQuery}`, { headers: { authorization: BASIC, accept: "application/json" } });
  const text = await res.text();
  assert.equal(res.status, 200, `${pathAndQuery}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** A recording HTTP proxy in front of `target`: every request's URL, status, Retry-After and times. */
async function recorder(target) {
  const upstream = new URL(target);
  const log = [];
  const server = createServer((req, res) => {
    const entry = { url: req.url, sentAt: Date.now() };
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
      headers: { ...req.headers, host: upstream.host } }, (up) => {
      entry.status = up.statusCode;
      entry.retryAfter = up.headers["retry-after"];
      log.push(entry);
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, log, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

// ---------------------------------------------------------------------------------------------
describe("100 concurrent queryEvents through a rate limit", { timeout: 150000 }, () => {
  const LIMIT = 60;
  let limited;
  let twin;
  let rec;
  before(async () => {
    // The same seed and clock, so the same events; only the first has a rate limit.
    [limited, twin] = await Promise.all([startSim(["--rate-limit", String(LIMIT)]), startSim(["--rate-limit", "0"])]);
    rec = await recorder(limited.url);
  });
  after(async () => {
    await rec?.close();
    await Promise.all([limited?.stop(), twin?.stop()]);
  });

  it("all complete with the right results; the 429s are waited out as Retry-After says; none lost or duplicated", async () => {
    const queries = Array.from({ length: 100 }, (_, i) => {
      const q = { maxResults: 1 + i };
      if (i % 3 === 1) q.severity = "info";
      if (i % 3 === 2) q.eventType = "user.sign_in";
      return q;
    });
    const wire = (q) => {
      const p = new URLSearchParams();
      if (q.eventType) p.set("event_type", q.eventType);
      if (q.severity) p.set("severity", q.severity);
      p.set("max_results", String(q.maxResults));
      return p.toString();
    };
    const expected = await Promise.all(queries.map((q) => direct(twin, `/orgs/1/events?${wire(q)}`)));
    const started = Date.now();
    const config = { url: rec.url, orgId: 1, apiKey: API_KEY, apiSecret: API_SECRET, requestsPerMinute: 0 };
    const settled = await Promise.allSettled(queries.map((q) => queryEvents(config, q)));
    const elapsed = Date.now() - started;
    const failed = settled.filter((s) => s.status === "rejected").map((s) => s.reason?.message ?? String(s.reason));
    assert.deepEqual(failed, [], "every query completed");
    settled.forEach((s, i) => assert.deepStrictEqual(s.value, expected[i], `query ${i} ${wire(queries[i])}`));
    assert.equal(new Set(settled.map((s) => JSON.stringify(s.value))).size, 100, "100 distinct results");

    const byUrl = new Map();
    for (const e of rec.log) byUrl.set(e.url, [...(byUrl.get(e.url) ?? []), e]);
    assert.equal(byUrl.size, 100, "100 distinct requests");
    for (const [url, tries] of byUrl) {
      assert.equal(tries.filter((t) => t.status === 200).length, 1, `${url}: answered once`);
      assert.equal(tries.at(-1).status, 200, `${url}: the last try succeeded`);
      for (let k = 0; k + 1 < tries.length; k++) {
        assert.equal(tries[k].status, 429, `${url}: only 429s are retried here`);
        const wait = Number(tries[k].retryAfter);
        assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `${url}: Retry-After ${tries[k].retryAfter}`);
        const waited = tries[k + 1].sentAt - tries[k].sentAt;
        assert.ok(waited >= wait * 1000 - 250, `${url}: retried after ${waited} ms, Retry-After was ${wait} s`);
      }
    }
    const limitedCount = rec.log.filter((e) => e.status === 429).length;
    assert.ok(limitedCount >= 100 - LIMIT, `${limitedCount} answers were 429`);
    assert.ok(elapsed < 100000, `took ${elapsed} ms`);
    console.log(`# load: 100 concurrent queries, rate limit ${LIMIT}/min: ${limitedCount} 429s absorbed, ${rec.log.length} requests, ${elapsed} ms`);
  });
});

// ---------------------------------------------------------------------------------------------
describe("a watch over many simulated hours", { timeout: 180000 }, () => {
  let sim;
  before(async () => { sim = await startSim(["--rate-limit", "0", "--events", "500"]); });
  after(async () => { await sim?.stop(); });

  it("delivers every event exactly once and keeps flat wasm memory", async () => {
    const HOURS = 8;
    const STEP_MS = 5 * 60_000;
    const PER_STEP = 200;
    const rounds = (HOURS * 3_600_000) / STEP_MS;
    const clock = await sim.control("GET", "clock");
    const nowMs = async () => Date.parse((await sim.control("GET", "clock")).now ?? clock.now);
    assert.ok(Number.isFinite(await nowMs()), `the clock: ${JSON.stringify(clock)}`);
    const since = new Date(await nowMs()).toISOString();

    const ctl = new AbortController();
    const errors = [];
    const watch = watchEvents(sim.config(), { since }, { intervalMs: 20, lookbackMs: 60_000, signal: ctl.signal, onError: (e) => errors.push(e) });
    const delivered = [];
    const counts = new Map();
    const consumer = (async () => {
      for await (const batch of watch) {
        assert.ok(batch.length > 0, "batches are never empty");
        for (const e of batch) {
          delivered.push(e);
          counts.set(e.href, (counts.get(e.href) ?? 0) + 1);
        }
      }
    })();
    const injected = [];
    const waitFor = async (hrefs) => {
      const deadline = Date.now() + 20000;
      while (!hrefs.every((h) => counts.has(h))) {
        assert.ok(Date.now() < deadline, `${hrefs.filter((h) => !counts.has(h)).length} events not delivered`);
        await delay(5);
      }
    };
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      await sim.advanceClock(STEP_MS);
      const now = await nowMs();
      // A burst at one timestamp, then events spread over the last minute.
      const burst = await sim.inject({ generate: PER_STEP, timestamp: new Date(now).toISOString() });
      const spread = await sim.inject({ generate: 20, timestamp: new Date(now - 50_000).toISOString(), spread_ms: 49_000 });
      await waitFor([...burst, ...spread].map((e) => e.href));
      // Late events: older than the newest already delivered, within lookbackMs.
      const late = await sim.inject({ generate: 5, timestamp: new Date(now - 30_000).toISOString() });
      await waitFor(late.map((e) => e.href));
      injected.push(...burst, ...spread, ...late);
      if (round % 8 === 0) {
        await settle();
        samples.push(wasmBytes());
      }
    }
    await delay(200);
    ctl.abort();
    await consumer;
    await settle();
    samples.push(wasmBytes());

    const duplicates = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(duplicates, [], "no event delivered twice");
    assert.equal(delivered.length, injected.length, "nothing else was delivered");
    assert.deepEqual(new Set(delivered.map((e) => e.href)), new Set(injected.map((e) => e.href)));
    // What the simulator holds for the same window, read directly an hour at a time.
    const fromSim = [];
    for (let h = 0; h <= HOURS; h++) {
      const gte = new Date(Date.parse(since) + h * 3_600_000).toISOString();
      const lt = new Date(Date.parse(since) + (h + 1) * 3_600_000 - 1).toISOString();
      const part = await direct(sim, `/orgs/1/events?timestamp[gte]=${encodeURIComponent(gte)}&timestamp[lte]=${encodeURIComponent(lt)}&max_results=10000`);
      assert.ok(part.length < 10000);
      fromSim.push(...part);
    }
    assert.deepEqual(new Set(delivered.map((e) => e.href)), new Set(fromSim.map((e) => e.href)), "the watch delivered exactly the simulator's events");
    // Every event delivered is from `since` on; within each batch, oldest first (checked by watch.test.mjs).
    for (const e of delivered) assert.ok(e.timestamp >= since, e.timestamp);
    assert.deepEqual(errors, []);
    // Memory: flat from the first quarter on (a leak of every href would be megabytes here).
    const settledAt = samples[Math.floor(samples.length / 4)];
    const growth = samples.at(-1) - settledAt;
    assert.ok(growth <= 128 * 1024, `wasm memory grew by ${growth} bytes over the run: ${samples.join(", ")}`);
    console.log(`# watch: ${HOURS} simulated hours, ${delivered.length} events delivered once each; wasm memory samples ${samples.map((b) => `${(b / 1048576).toFixed(1)} MiB`).join(", ")}`);
  });
});

// ---------------------------------------------------------------------------------------------
describe("every fault kind twice: the next call works, the second round grows wasm memory by nothing", { timeout: 240000 }, () => {
  let sim;
  before(async () => { sim = await startSim(["--async-delay-ms", "0", "--rate-limit", "0"]); });
  after(async () => { await sim?.stop(); });

  const EVENTS = "/api/v2/orgs/1/events";
  const JOBS = "/api/v2/orgs/1/jobs/";
  const DATAFILES = "/api/v2/orgs/1/datafiles/";
  const ASYNC = { maxResults: 10001, eventType: "user.sign_in" };
  const event = (fields = {}) => ({ href: "/orgs/1/events/f-1", timestamp: "2026-11-01T00:00:00Z", event_type: "x.y", ...fields });

  // [name, faults to queue, the call, the error kind it must end in (null: it must succeed)]
  const cases = [];
  for (const status of [400, 401, 403, 404, 406, 429, 500, 502, 503, 504]) {
    for (const [bodyName, body] of [["json", JSON.stringify([{ token: "t", message: "m" }])], ["html", "<html><h1>x</h1></html>"], ["empty", ""], ["garbage", "\u0000\u00ff{[<"]]) {
      cases.push([`${status} ${bodyName}`, [{ kind: "respond", status, body, times: 4 }], (c) => queryEvents(c, { maxResults: 5 }), "http"]);
    }
  }
  cases.push(
    ["429 Retry-After 0", [{ kind: "respond", status: 429, headers: { "Retry-After": "0" } }], (c) => queryEvents(c, { maxResults: 5 }), null],
    ["429 Retry-After HTTP date", [{ kind: "respond", status: 429, headers: { "Retry-After": new Date(Date.now() - 1000).toUTCString() } }], (c) => queryEvents(c, { maxResults: 5 }), null],
    ["reset", [{ kind: "reset", times: 4 }], (c) => queryEvents(c), "network"],
    ["reset mid-body", [{ kind: "reset_mid_body", times: 4 }], (c) => queryEvents(c), "network"],
    ["hang", [{ kind: "hang" }], (c) => queryEvents({ ...c, timeoutMs: 200 }), "timeout"],
    ["slow body", [{ kind: "slow_body", chunk_bytes: 100, delay_ms: 100 }], (c) => queryEvents({ ...c, timeoutMs: 400 }, { maxResults: 50 }), "timeout"],
    ["truncated", [{ kind: "truncate", keep_bytes: 500 }], (c) => queryEvents(c, { maxResults: 20 }), "invalid_response"],
    ["20 MB body", [{ kind: "big_body", bytes: 20_000_000 }], (c) => queryEvents(c, { maxResults: 10000 }), null],
    ["a JSON scalar", [{ kind: "respond", status: 200, body: "42" }], (c) => queryEvents(c), "invalid_response"],
    ["an object for an array", [{ kind: "respond", status: 200, body: JSON.stringify(event()) }], (c) => queryEvents(c), "invalid_response"],
    ["an event without href", [{ kind: "respond", status: 200, body: JSON.stringify([event({ href: undefined })]) }], (c) => queryEvents(c), "invalid_response"],
    ["100000 levels of [", [{ kind: "respond", status: 200, body: "[".repeat(100_000) }], (c) => queryEvents(c), "invalid_response"],
    ["invalid UTF-8", [{ kind: "respond", status: 200, body_base64: Buffer.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]).toString("base64") }], (c) => queryEvents(c), "invalid_response"],
    ["numbers beyond 2^53", [{ kind: "respond", status: 200, body: `[${JSON.stringify(event()).slice(0, -1)},"n":123456789012345678901234567890}]` }], (c) => queryEvents(c), null],
    ["202 without Location", [{ kind: "respond", path: EVENTS, status: 202 }], (c) => queryEvents(c, ASYNC), "invalid_response"],
    ["Location to a 404", [{ kind: "respond", path: EVENTS, status: 202, headers: { Location: "/orgs/1/jobs/nope-1", "Retry-After": "0" } }], (c) => queryEvents(c, ASYNC), "http"],
    ["a job that fails", [{ kind: "job_fail", message: "no" }], (c) => queryEvents(c, ASYNC), "async_job_failed"],
    ["a job that never finishes", [{ kind: "job_stuck" }], (c) => queryEvents({ ...c, asyncTimeoutMs: 400 }, ASYNC), "timeout"],
    ["a job of garbage", [{ kind: "respond", path: JOBS, status: 200, body: "}{" }], (c) => queryEvents(c, ASYNC), "invalid_response"],
    ["a datafile that 404s", [{ kind: "respond", path: DATAFILES, status: 404, body: "" }], (c) => queryEvents(c, ASYNC), "http"],
    ["an invalid option", [], (c) => queryEvents(c, { max_results: 5 }), "invalid_argument"],
    ["an abort", [{ kind: "hang" }], (c) => queryEvents(c, { signal: AbortSignal.timeout(150) }), "aborted"],
  );

  async function round() {
    const config = sim.config({ maxRetries: 1 });
    for (const [name, faults, call, kind] of cases) {
      await sim.control("DELETE", "faults");
      for (const f of faults) await sim.fault(f);
      let error;
      let value;
      try { value = await call(config); } catch (e) { error = e; }
      if (kind === null) {
        assert.equal(error, undefined, `${name}: ${error?.message}`);
        assert.ok(Array.isArray(value), name);
      } else {
        assert.ok(isPceError(error), `${name}: ${error}`);
        assert.equal(error.kind, kind, `${name}: ${error.message}`);
      }
      await sim.control("DELETE", "faults");
      const next = await queryEvents(config, { maxResults: 2 });
      assert.equal(next.length, 2, `${name}: the next call works`);
    }
  }

  it("runs every case, then every case again", async () => {
    await round();
    await settle();
    const first = wasmBytes();
    await round();
    await settle();
    const second = wasmBytes();
    assert.equal(second - first, 0, `wasm memory after round 1: ${first} bytes, after round 2: ${second} bytes`);
    console.log(`# faults: ${cases.length} cases twice; wasm memory ${first} bytes after each round`);
  });
});
