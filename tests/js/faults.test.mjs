// Broken connections and slow servers: network and timeout errors at each step, a slow body that
// outlives timeoutMs, a truncated body, and a 50 MB body that comes back whole.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, getEvent, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertPceError, assertQuiet, assertRecovers, closedPort, rejection, sent, within } from "./helpers.mjs";

const sim = useSim(["--async-delay-ms", "0"]);

const EVENTS = "/api/v2/orgs/1/events";
const JOBS = "/api/v2/orgs/1/jobs/";
const DATAFILES = "/api/v2/orgs/1/datafiles/";
const ASYNC_QUERY = { eventType: "user.sign_in", maxResults: 10001 };

describe("network", { timeout: 60000 }, () => {
  it("connection refused on a closed port", async () => {
    const port = await closedPort();
    const config = sim.config({ url: `http://127.0.0.1:${port}`, maxRetries: 0 });
    for (const call of [() => queryEvents(config), () => countEvents(config), () => getEvent(config, "abc")]) {
      const error = await within(20000, rejection(call));
      assertPceError(error, { kind: "network", status: undefined });
      assert.ok(error.url.startsWith(`http://127.0.0.1:${port}/api/v2/orgs/1/events`), error.url);
      assert.match(error.message, /ECONNREFUSED|refused|fetch failed/i);
    }
    await assertRecovers(sim);
  });

  it("connection refused is retried maxRetries times, then network", async () => {
    const port = await closedPort();
    const error = await within(20000, rejection(() => queryEvents(sim.config({ url: `http://127.0.0.1:${port}`, maxRetries: 2 }))));
    assertPceError(error, { kind: "network" });
  });

  for (const [step, path, query] of [
    ["query", EVENTS, { maxResults: 5 }],
    ["async query", EVENTS, ASYNC_QUERY],
    ["job poll", JOBS, ASYNC_QUERY],
    ["datafile", DATAFILES, ASYNC_QUERY],
  ]) {
    // A 202 has no body to break in the middle.
    for (const kind of step === "async query" ? ["reset"] : ["reset", "reset_mid_body"]) {
      it(`${kind} at the ${step} step`, async () => {
        await sim.fault({ kind, path });
        const error = await within(20000, rejection(() => queryEvents(sim.config({ maxRetries: 0 }), query)));
        assertPceError(error, { kind: "network", status: undefined });
        const requests = await sent(sim);
        const hit = requests.filter((r) => r.path.startsWith(path));
        assert.equal(hit.length, 1, "maxRetries 0: sent once");
        assert.equal(error.url, `${sim.url}${hit[0].path}${hit[0].query ? `?${hit[0].query}` : ""}`);
        await assertRecovers(sim);
      });
    }
  }

  it("reset before headers and mid-body at getEvent", async () => {
    const [event] = (await sim.rawJson("/orgs/1/events?max_results=1")).body;
    for (const kind of ["reset", "reset_mid_body"]) {
      await sim.fault({ kind, path: `${EVENTS}/` });
      assertPceError(await within(20000, rejection(() => getEvent(sim.config({ maxRetries: 0 }), event.href))), { kind: "network" });
    }
    assert.deepStrictEqual(await getEvent(sim.config(), event.href), event);
  });

  it("a truncated body (Content-Length matching the cut) is invalid_response", async () => {
    await sim.fault({ kind: "truncate", path: EVENTS, keep_bytes: 1000 });
    const error = await rejection(() => queryEvents(sim.config({ maxRetries: 0 }), { maxResults: 20 }));
    assertPceError(error, { kind: "invalid_response", url: `${sim.url}${EVENTS}?max_results=20` });
    await assertRecovers(sim);
  });
});

describe("timeout", { timeout: 60000 }, () => {
  it("timeoutMs: a server that never answers", async () => {
    await sim.fault({ kind: "hang", path: EVENTS });
    const error = await within(15000, rejection(() => queryEvents(sim.config({ timeoutMs: 300 }), { maxResults: 5 })));
    assertPceError(error, { kind: "timeout", status: undefined, url: `${sim.url}${EVENTS}?max_results=5` });
    assert.match(error.message, /timeoutMs/);
    assert.equal((await sent(sim)).length, 1, "a timeout is not retried");
    await assertRecovers(sim);
  });

  it("timeoutMs: hang at countEvents and getEvent", async () => {
    await sim.fault({ kind: "hang", times: 2 });
    assertPceError(await within(15000, rejection(() => countEvents(sim.config({ timeoutMs: 200 })))), { kind: "timeout" });
    assertPceError(await within(15000, rejection(() => getEvent(sim.config({ timeoutMs: 200 }), "abc"))), { kind: "timeout" });
    await assertRecovers(sim);
  });

  it("timeoutMs covers the body: headers at once, then a body slower than timeoutMs", async () => {
    await sim.fault({ kind: "slow_body", path: EVENTS, chunk_bytes: 200, delay_ms: 100 });
    const error = await within(15000, rejection(() => queryEvents(sim.config({ timeoutMs: 600 }), { maxResults: 50 })));
    assertPceError(error, { kind: "timeout", url: `${sim.url}${EVENTS}?max_results=50` });
    await assertRecovers(sim);
  });

  it("a slow body that finishes within timeoutMs is whole", async () => {
    const { body } = await sim.rawJson("/orgs/1/events?max_results=2");
    await sim.fault({ kind: "slow_body", path: EVENTS, chunk_bytes: 1024, delay_ms: 20 });
    const events = await within(20000, queryEvents(sim.config({ timeoutMs: 15000 }), { maxResults: 2 }));
    assert.deepStrictEqual(events, body);
  });

  it("timeoutMs at the job poll and datafile steps", async () => {
    for (const path of [JOBS, DATAFILES]) {
      await sim.clearRequests();
      await sim.fault({ kind: "hang", path });
      const error = await within(15000, rejection(() => queryEvents(sim.config({ timeoutMs: 300 }), ASYNC_QUERY)));
      assertPceError(error, { kind: "timeout" });
      assert.ok(error.url.startsWith(`${sim.url}${path}`), error.url);
      assert.match(error.message, /timeoutMs/);
    }
    await assertRecovers(sim);
  });
});

describe("large and odd bodies", { timeout: 120000 }, () => {
  it("a 50 MB body comes back whole", async () => {
    const bytes = 50_000_000;
    await sim.fault({ kind: "big_body", path: EVENTS, bytes });
    const events = await within(100000, queryEvents(sim.config(), { maxResults: 10000 }));
    assert.ok(Array.isArray(events));
    const size = Buffer.byteLength(JSON.stringify(events));
    assert.ok(size >= bytes * 0.99, `${size} bytes`);
    assert.equal(new Set(events.map((e) => e.href)).size, events.length, "distinct events");
    for (const e of [events[0], events[events.length - 1]]) {
      for (const key of ["href", "timestamp", "event_type"]) assert.equal(typeof e[key], "string");
    }
    await assertRecovers(sim);
  });

  it("a server that never answers stops getting requests after the timeout", async () => {
    await sim.fault({ kind: "hang", path: EVENTS, times: 5 });
    assertPceError(await within(15000, rejection(() => queryEvents(sim.config({ timeoutMs: 200, maxRetries: 3 })))), { kind: "timeout" });
    await assertQuiet(sim, 500);
    assert.equal((await sent(sim)).length, 1);
  });
});
