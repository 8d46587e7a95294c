// EventQuery: each option's wire form (the exact query string), the results it selects, its
// validation errors (nothing sent), maxResults 1..=10000 as one GET, and countEvents.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, assertPceError, assertRecovers, rejection, sent } from "./helpers.mjs";

const sim = useSim();

const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/** Runs a query and checks it was exactly one GET of the events with this query string,
 * and that the events are exactly what the simulator answers to that query string. */
async function queryOnce(query, expectedQuery) {
  await sim.clearRequests();
  const events = await queryEvents(sim.config(), query);
  const requests = await sent(sim);
  assert.equal(requests.length, 1, "one GET");
  assert.equal(requests[0].path, "/api/v2/orgs/1/events");
  assert.equal(requests[0].query, expectedQuery);
  assert.equal(requests[0].headers.prefer, undefined, "a synchronous query does not ask for async");
  const { body } = await sim.rawJson(`/orgs/1/events?${expectedQuery}`);
  assert.deepStrictEqual(events, body, "the events as the PCE sent them, in its order");
  return events;
}

describe("query options on the wire", { timeout: 60000 }, () => {
  it("no query: max_results=100, the PCE's default, newest first", async () => {
    const events = await queryOnce(undefined, "max_results=100");
    assert.equal(events.length, 100);
    for (let i = 1; i < events.length; i++) {
      assert.ok(Date.parse(events[i - 1].timestamp) >= Date.parse(events[i].timestamp), "newest first");
    }
    assert.equal((await queryOnce({}, "max_results=100")).length, 100);
  });

  it("eventType → event_type", async () => {
    const events = await queryOnce({ eventType: "user.sign_in", maxResults: 500 }, "event_type=user.sign_in&max_results=500");
    assert.ok(events.length > 0, "the seeded data has sign-ins");
    for (const e of events) assert.equal(e.event_type, "user.sign_in");
  });

  it("eventType is percent-encoded", async () => {
    const events = await queryOnce({ eventType: "a b&c=d/é" }, "event_type=a%20b%26c%3Dd%2F%C3%A9&max_results=100");
    assert.deepEqual(events, []);
  });

  it("status → status, each value", async () => {
    for (const status of ["success", "failure"]) {
      const events = await queryOnce({ status, maxResults: 300 }, `status=${status}&max_results=300`);
      assert.ok(events.length > 0, status);
      for (const e of events) assert.equal(e.status, status);
    }
  });

  it("severity → severity, each of the eight values", async () => {
    for (const severity of SEVERITIES) {
      const events = await queryOnce({ severity }, `severity=${severity}&max_results=100`);
      for (const e of events) assert.equal(e.severity, severity);
    }
  });

  it("since and until as RFC 3339 strings go out as given, percent-encoded", async () => {
    const since = "2026-11-18T00:00:00Z";
    const until = "2026-11-19T12:30:00.5+01:00";
    const events = await queryOnce({ since, until, maxResults: 10000 },
      "timestamp%5Bgte%5D=2026-11-18T00%3A00%3A00Z&timestamp%5Blte%5D=2026-11-19T12%3A30%3A00.5%2B01%3A00&max_results=10000");
    assert.ok(events.length > 0);
    for (const e of events) {
      assert.ok(Date.parse(e.timestamp) >= Date.parse(since) && Date.parse(e.timestamp) <= Date.parse(until), e.timestamp);
    }
  });

  it("since and until as Dates go out as their ISO strings", async () => {
    const since = new Date("2026-11-19T00:00:00Z");
    const until = new Date(Date.UTC(2026, 10, 19, 6, 30, 15, 250));
    const events = await queryOnce({ since, until },
      "timestamp%5Bgte%5D=2026-11-19T00%3A00%3A00.000Z&timestamp%5Blte%5D=2026-11-19T06%3A30%3A15.250Z&max_results=100");
    for (const e of events) assert.ok(Date.parse(e.timestamp) >= since.getTime() && Date.parse(e.timestamp) <= until.getTime());
  });

  it("since equal to until is allowed", async () => {
    await queryOnce({ since: "2026-11-19T00:00:00Z", until: "2026-11-19T01:00:00+01:00" },
      "timestamp%5Bgte%5D=2026-11-19T00%3A00%3A00Z&timestamp%5Blte%5D=2026-11-19T01%3A00%3A00%2B01%3A00&max_results=100");
  });

  it("every option together, in a fixed order", async () => {
    const events = await queryOnce({
      maxResults: 7, until: "2026-11-20T12:00:00Z", since: "2026-10-01T00:00:00Z", severity: "info", status: "success", eventType: "user.sign_in",
    }, "event_type=user.sign_in&status=success&severity=info&timestamp%5Bgte%5D=2026-10-01T00%3A00%3A00Z&timestamp%5Blte%5D=2026-11-20T12%3A00%3A00Z&max_results=7");
    assert.equal(events.length, 7);
  });

  it("options given as undefined are left out", async () => {
    await queryOnce({ eventType: undefined, status: undefined, severity: undefined, since: undefined, until: undefined, maxResults: undefined, signal: undefined, onProgress: undefined }, "max_results=100");
  });

  it("maxResults 1..=10000 is one synchronous GET with max_results", async () => {
    assert.equal((await queryOnce({ maxResults: 1 }, "max_results=1")).length, 1);
    assert.equal((await queryOnce({ maxResults: 2999 }, "max_results=2999")).length, 2999);
    const all = await queryOnce({ maxResults: 10000 }, "max_results=10000");
    const { headers } = await sim.rawJson("/orgs/1/events?max_results=0");
    assert.equal(all.length, Math.min(10000, Number(headers.get("x-total-count"))));
  });

  it("onProgress is not called by a synchronous query", async () => {
    const seen = [];
    await queryOnce({ maxResults: 5, onProgress: (p) => seen.push(p) }, "max_results=5");
    assert.deepEqual(seen, []);
  });
});

describe("invalid EventQuery: invalid_argument naming the option, nothing sent", { timeout: 60000 }, () => {
  const cases = [
    ["max_results", { max_results: 5 }],
    ["evenType", { evenType: "user.sign_in" }],
    ["limit", { limit: 5 }],
    ["severity", { severity: "error" }],
    ["severity", { severity: "INFO" }],
    ["severity", { severity: "" }],
    ["severity", { severity: 3 }],
    ["status", { status: "ok" }],
    ["status", { status: "Success" }],
    ["status", { status: null }],
    ["eventType", { eventType: 5 }],
    ["eventType", { eventType: "" }],
    ["since", { since: "2026-11-01" }],
    ["since", { since: "yesterday" }],
    ["since", { since: "2026-13-01T00:00:00Z" }],
    ["since", { since: "2026-11-01 00:00:00" }],
    ["since", { since: new Date(NaN) }],
    ["since", { since: 1793491200000 }],
    ["until", { until: "2026-11-01T25:00:00Z" }],
    ["until", { until: new Date("nope") }],
    ["until", { until: {} }],
    ["since", { since: "2026-11-02T00:00:00Z", until: "2026-11-01T00:00:00Z" }],
    ["since", { since: new Date("2026-11-02T00:00:00Z"), until: "2026-11-02T00:00:00+01:00" }],
    ["maxResults", { maxResults: 0 }],
    ["maxResults", { maxResults: -1 }],
    ["maxResults", { maxResults: 2.5 }],
    ["maxResults", { maxResults: "10" }],
    ["maxResults", { maxResults: NaN }],
    ["maxResults", { maxResults: Infinity }],
    ["maxResults", { maxResults: null }],
    ["signal", { signal: {} }],
    ["signal", { signal: new AbortController() }],
    ["onProgress", { onProgress: "console.log" }],
  ];
  for (const [option, query] of cases) {
    it(`${option}: ${JSON.stringify(query) ?? String(query)}`, async () => {
      assertInvalidArgument(await rejection(() => queryEvents(sim.config(), query)), option);
      if (option !== "maxResults" && option !== "onProgress") {
        assertInvalidArgument(await rejection(() => countEvents(sim.config(), query)), option);
      }
      await assertNothingSent(sim);
    });
  }

  for (const [label, query] of [["null", null], ["a string", "user.sign_in"], ["a number", 5], ["an array", []]]) {
    it(`a query that is ${label}`, async () => {
      assertInvalidArgument(await rejection(() => queryEvents(sim.config(), query)), "query");
      assertInvalidArgument(await rejection(() => countEvents(sim.config(), query)), "query");
      await assertNothingSent(sim);
    });
  }

  it("countEvents refuses maxResults and onProgress", async () => {
    assertInvalidArgument(await rejection(() => countEvents(sim.config(), { maxResults: 5 })), "maxResults");
    assertInvalidArgument(await rejection(() => countEvents(sim.config(), { onProgress: () => {} })), "onProgress");
    await assertNothingSent(sim);
  });

  it("a misspelt key suggests the right one", async () => {
    const error = await rejection(() => queryEvents(sim.config(), { max_results: 5 }));
    assert.match(error.message, /maxResults/);
  });
});

describe("countEvents", { timeout: 60000 }, () => {
  it("one GET with max_results=0, reading X-Total-Count", async () => {
    const count = await countEvents(sim.config());
    const requests = await sent(sim);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, "/api/v2/orgs/1/events");
    assert.equal(requests[0].query, "max_results=0");
    const { headers, body } = await sim.rawJson("/orgs/1/events?max_results=0");
    assert.deepEqual(body, []);
    assert.equal(count, Number(headers.get("x-total-count")));
    assert.ok(count >= 3000, `the seeded events: ${count}`);
  });

  it("passes the filters, and its count matches a full query", async () => {
    const query = { eventType: "user.sign_in", status: "success", severity: "info", since: "2026-11-01T00:00:00Z", until: new Date("2026-11-20T12:00:00Z") };
    const count = await countEvents(sim.config(), query);
    const [request] = await sent(sim);
    assert.equal(request.query, "event_type=user.sign_in&status=success&severity=info&timestamp%5Bgte%5D=2026-11-01T00%3A00%3A00Z&timestamp%5Blte%5D=2026-11-20T12%3A00%3A00.000Z&max_results=0");
    const events = await queryEvents(sim.config(), { ...query, maxResults: 10000 });
    assert.ok(count > 0);
    assert.equal(count, events.length);
  });

  it("zero matches counts 0", async () => {
    assert.equal(await countEvents(sim.config(), { eventType: "no.such_event" }), 0);
  });

  it("a 200 without X-Total-Count is invalid_response", async () => {
    for (const headers of [{}, { "X-Total-Count": "many" }, { "X-Total-Count": "-1" }]) {
      await sim.fault({ kind: "respond", status: 200, body: "[]", headers });
      const error = await rejection(() => countEvents(sim.config()));
      assertPceError(error, { kind: "invalid_response", url: `${sim.url}/api/v2/orgs/1/events?max_results=0` });
    }
    await assertRecovers(sim);
  });
});
