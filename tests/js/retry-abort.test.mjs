// Retries (429 with Retry-After in seconds and as an HTTP date, 502/503/504, network errors; never
// other statuses; maxRetries counts) and cancellation with an AbortSignal at every stage.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, getEvent, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertNothingSent, assertPceError, assertQuiet, assertRecovers, delay, rejection, sent, within } from "./helpers.mjs";

let sample;
const sim = useSim(["--async-delay-ms", "0"], { setUp: async (sim) => {
  [sample] = (await sim.rawJson("/orgs/1/events?max_results=1")).body;
} });

const EVENTS = "/api/v2/orgs/1/events";
const JOBS = "/api/v2/orgs/1/jobs/";
const DATAFILES = "/api/v2/orgs/1/datafiles/";
const rateLimited = JSON.stringify([{ token: "too_many_requests_error", message: "Too many requests" }]);

/** The requests sent, all of the same GET. */
async function attempts(path, query) {
  const requests = await sent(sim);
  for (const r of requests) assert.deepEqual([r.path, r.query], [path, query]);
  return requests.length;
}

describe("retries", { timeout: 90000 }, () => {
  it("429 with Retry-After in seconds, twice, then the answer", async () => {
    const { body } = await sim.rawJson("/orgs/1/events?max_results=3");
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": "1" }, body: rateLimited, times: 2 });
    const events = await within(20000, queryEvents(sim.config(), { maxResults: 3 }));
    assert.deepStrictEqual(events, body);
    assert.equal(await attempts(EVENTS, "max_results=3"), 3);
  });

  it("429 with Retry-After as an HTTP date", async () => {
    const when = new Date(Date.now() + 1500).toUTCString();
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": when }, body: rateLimited });
    const events = await within(20000, queryEvents(sim.config(), { maxResults: 3 }));
    assert.equal(events.length, 3);
    assert.equal(await attempts(EVENTS, "max_results=3"), 2);
  });

  it("429 with an HTTP date in the past retries at once", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT" }, body: rateLimited });
    assert.equal((await within(20000, queryEvents(sim.config(), { maxResults: 3 }))).length, 3);
    assert.equal(await attempts(EVENTS, "max_results=3"), 2);
  });

  it("429 without Retry-After backs off and retries", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, body: rateLimited });
    assert.equal((await within(20000, queryEvents(sim.config(), { maxResults: 3 }))).length, 3);
    assert.equal(await attempts(EVENTS, "max_results=3"), 2);
  });

  for (const status of [502, 503, 504]) {
    it(`${status} is retried (JSON, HTML and empty bodies, with and without Retry-After)`, async () => {
      await sim.fault({ kind: "respond", path: EVENTS, status, body: "<html><body>gateway</body></html>" });
      await sim.fault({ kind: "respond", path: EVENTS, status, body: "", headers: { "Retry-After": "0" } });
      await sim.fault({ kind: "respond", path: EVENTS, status, body: JSON.stringify([{ token: "service_unavailable", message: "busy" }]), headers: { "Retry-After": "0" } });
      const events = await within(30000, queryEvents(sim.config(), { maxResults: 4 }));
      assert.equal(events.length, 4);
      assert.equal(await attempts(EVENTS, "max_results=4"), 4);
    });
  }

  it("network errors are retried: reset before headers and mid-body", async () => {
    await sim.fault({ kind: "reset", path: EVENTS, times: 2 });
    await sim.fault({ kind: "reset_mid_body", path: EVENTS });
    const events = await within(30000, queryEvents(sim.config(), { maxResults: 10 }));
    assert.equal(events.length, 10);
    assert.equal(await attempts(EVENTS, "max_results=10"), 4);
  });

  it("retries end after maxRetries with the last error", async () => {
    for (const maxRetries of [0, 1, 3]) {
      await sim.clearRequests();
      await sim.fault({ kind: "respond", path: EVENTS, status: 503, headers: { "Retry-After": "0" }, body: "", times: 10 });
      const error = await within(20000, rejection(() => queryEvents(sim.config({ maxRetries }), { maxResults: 1 })));
      assertPceError(error, { kind: "http", status: 503, retryAfter: 0 });
      assert.equal(await attempts(EVENTS, "max_results=1"), maxRetries + 1, `maxRetries ${maxRetries}`);
      await sim.clearFaults();
    }
    await assertRecovers(sim);
  });

  it("maxRetries 0: a network error is not retried either", async () => {
    await sim.fault({ kind: "reset", path: EVENTS, times: 3 });
    assertPceError(await within(20000, rejection(() => queryEvents(sim.config({ maxRetries: 0 }), { maxResults: 1 }))), { kind: "network" });
    assert.equal(await attempts(EVENTS, "max_results=1"), 1);
    await assertRecovers(sim);
  });

  it("the default maxRetries is 3", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": "0" }, body: rateLimited, times: 10 });
    const error = await within(20000, rejection(() => queryEvents(sim.config(), { maxResults: 1 })));
    assertPceError(error, { kind: "http", status: 429, token: "too_many_requests_error", retryAfter: 0 });
    assert.equal(await attempts(EVENTS, "max_results=1"), 4);
    await assertRecovers(sim);
  });

  for (const status of [400, 401, 403, 404, 406, 408, 500, 501]) {
    it(`${status} is never retried`, async () => {
      await sim.fault({ kind: "respond", path: EVENTS, status, headers: { "Retry-After": "0" }, body: "", times: 5 });
      const error = await rejection(() => queryEvents(sim.config({ maxRetries: 5 }), { maxResults: 1 }));
      assertPceError(error, { kind: "http", status });
      assert.equal(await attempts(EVENTS, "max_results=1"), 1);
      await assertRecovers(sim);
    });
  }

  it("a Retry-After beyond a minute is not waited for: the error carries it", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": "3600" }, body: rateLimited, times: 2 });
    const error = await within(20000, rejection(() => queryEvents(sim.config(), { maxResults: 1 })));
    assertPceError(error, { kind: "http", status: 429, retryAfter: 3600 });
    assert.equal(await attempts(EVENTS, "max_results=1"), 1);
    await assertRecovers(sim);
  });

  it("countEvents and getEvent retry too", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 503, headers: { "Retry-After": "0" }, body: "" });
    assert.ok((await within(20000, countEvents(sim.config()))) > 0);
    await sim.fault({ kind: "reset", path: `${EVENTS}/` });
    assert.deepStrictEqual(await within(20000, getEvent(sim.config(), sample.href)), sample);
    const requests = await sent(sim);
    assert.deepEqual(requests.map((r) => r.path), [EVENTS, EVENTS, `/api/v2${sample.href}`, `/api/v2${sample.href}`]);
  });

  it("each step of an asynchronous collection retries on its own", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 502, headers: { "Retry-After": "0" }, body: "" });
    await sim.fault({ kind: "reset", path: JOBS });
    await sim.fault({ kind: "respond", path: DATAFILES, status: 429, headers: { "Retry-After": "0" }, body: rateLimited });
    const events = await within(30000, queryEvents(sim.config(), { eventType: "user.sign_in", maxResults: 20000 }));
    assert.ok(events.length > 0);
    const requests = await sent(sim);
    assert.equal(requests.filter((r) => r.path === EVENTS).length, 2);
    assert.ok(requests.filter((r) => r.path.startsWith(JOBS)).length >= 2);
    assert.equal(requests.filter((r) => r.path.startsWith(DATAFILES)).length, 2);
    for (const r of requests.filter((x) => x.path === EVENTS)) assert.equal(r.headers.prefer, "respond-async");
  });
});

describe("abort", { timeout: 60000 }, () => {
  it("a signal aborted before the call sends nothing", async () => {
    const signal = AbortSignal.abort();
    const expectAborted = (e) => assertPceError(e, { kind: "aborted", status: undefined });
    expectAborted(await rejection(() => queryEvents(sim.config(), { signal })));
    expectAborted(await rejection(() => queryEvents(sim.config(), { signal, maxResults: 20000 })));
    expectAborted(await rejection(() => countEvents(sim.config(), { signal })));
    expectAborted(await rejection(() => getEvent(sim.config(), sample.href, { signal })));
    await assertNothingSent(sim);
    await assertRecovers(sim);
  });

  it("a signal during a hang ends the call", async () => {
    for (const call of [
      (signal) => queryEvents(sim.config(), { signal }),
      (signal) => countEvents(sim.config(), { signal }),
      (signal) => getEvent(sim.config(), sample.href, { signal }),
    ]) {
      await sim.clearRequests();
      await sim.fault({ kind: "hang" });
      const controller = new AbortController();
      const pending = rejection(() => call(controller.signal));
      await delay(200);
      controller.abort();
      assertPceError(await within(10000, pending), { kind: "aborted" });
      assert.equal((await sent(sim)).length, 1);
    }
    await assertQuiet(sim, 400);
    await assertRecovers(sim);
  });

  it("a signal during a retry wait ends the call without another attempt", async () => {
    await sim.fault({ kind: "respond", path: EVENTS, status: 429, headers: { "Retry-After": "30" }, body: rateLimited, times: 3 });
    const controller = new AbortController();
    const pending = rejection(() => queryEvents(sim.config(), { signal: controller.signal }));
    await delay(300);
    controller.abort();
    assertPceError(await within(10000, pending), { kind: "aborted" });
    await assertQuiet(sim, 400);
    assert.equal((await sent(sim)).length, 1);
  });

  it("a signal during an asynchronous job stops the polling", async () => {
    await sim.fault({ kind: "job_stuck" });
    const controller = new AbortController();
    const phases = [];
    const pending = rejection(() => queryEvents(sim.config(), {
      maxResults: 20000,
      signal: controller.signal,
      onProgress: (p) => { phases.push(p.phase); if (p.phase === "running") controller.abort(); },
    }));
    const error = await within(20000, pending);
    assertPceError(error, { kind: "aborted" });
    assert.equal(phases[0], "requested");
    assert.ok(phases.includes("running"));
    // A stuck job is polled a second apart (its Retry-After): wait longer than that.
    await assertQuiet(sim, 1500);
    const requests = await sent(sim);
    assert.equal(requests.filter((r) => r.path.startsWith(DATAFILES)).length, 0);
    await assertRecovers(sim);
  });

  it("a signal while the datafile download hangs", async () => {
    await sim.fault({ kind: "hang", path: DATAFILES });
    const controller = new AbortController();
    const pending = rejection(() => queryEvents(sim.config(), {
      eventType: "user.sign_in", maxResults: 20000, signal: controller.signal,
      onProgress: (p) => { if (p.phase === "downloading") setTimeout(() => controller.abort(), 100); },
    }));
    assertPceError(await within(20000, pending), { kind: "aborted" });
    await assertQuiet(sim, 400);
    await assertRecovers(sim);
  });

  it("aborting after the call finished changes nothing", async () => {
    const controller = new AbortController();
    const events = await queryEvents(sim.config(), { maxResults: 2, signal: controller.signal });
    controller.abort();
    assert.equal(events.length, 2);
    assert.deepStrictEqual(await getEvent(sim.config(), events[0].href), events[0]);
  });
});
