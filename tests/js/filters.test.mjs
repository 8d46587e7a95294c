// createdBy, pceFqdn and several event types at once, through the packed package:
// each equals pce-sim's own filtering, synchronous and asynchronous; an answer that ignored
// a filter is refused; arrays of types are merged newest first with about maxResults downloaded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, queryEvents, watchEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, assertPceError, rejection, sent } from "./helpers.mjs";

const NOW = Date.parse("2026-11-20T12:00:00Z");
const iso = (ms) => new Date(ms).toISOString();
const hrefs = (events) => events.map((e) => e.href);

let agent; // { href, hostname } of a seeded agent
const sim = useSim(["--events", "6000", "--days", "10"], { setUp: async (sim) => {
  // A second PCE of a Supercluster, and an agent with its own events.
  await sim.inject({ generate: 40, timestamp: iso(NOW - 3600000), spread_ms: 3000000, overrides: { pce_fqdn: "pce2.company.com" } });
  const { body } = await sim.rawJson("/orgs/1/events?event_type=agent.tampering&max_results=1");
  agent = body[0].created_by.agent;
  assert.ok(agent?.href && agent.hostname, "the seeded data has tampering agents");
} });

/** pce-sim's own answer to a query string: the events and X-Total-Count. */
async function simAnswer(queryString) {
  const { body, headers } = await sim.rawJson(`/orgs/1/events?${queryString}`);
  return { events: body, total: Number(headers.get("x-total-count")) };
}

describe("createdBy and pceFqdn", { timeout: 120000 }, () => {
  const cases = () => [
    [{ createdBy: "/users/1" }, "created_by=%2Fusers%2F1"],
    [{ createdBy: "first.last@company.com" }, "created_by=first.last%40company.com"],
    [{ createdBy: agent.href }, `created_by=${encodeURIComponent(agent.href)}`],
    [{ createdBy: agent.hostname }, `created_by=${encodeURIComponent(agent.hostname)}`],
    [{ pceFqdn: "pce2.company.com" }, "pce_fqdn=pce2.company.com"],
    [{ pceFqdn: "pce.company.com", severity: "err" }, "severity=err&pce_fqdn=pce.company.com"],
    [{ createdBy: "/users/1", pceFqdn: "pce.company.com", status: "success", since: "2026-11-15T00:00:00Z" },
      "status=success&created_by=%2Fusers%2F1&pce_fqdn=pce.company.com&timestamp%5Bgte%5D=2026-11-15T00%3A00%3A00Z"],
    [{ eventType: "agent.tampering", createdBy: agent.hostname },
      `event_type=agent.tampering&created_by=${encodeURIComponent(agent.hostname)}`],
  ];

  it("each alone and combined: the wire form, and exactly pce-sim's events and counts", async () => {
    for (const [query, wire] of cases()) {
      await sim.clearRequests();
      const events = await queryEvents(sim.config(), { ...query, maxResults: 5000 });
      const [request] = await sent(sim);
      assert.equal(request.query, `${wire}&max_results=5000`);
      const expected = await simAnswer(`${wire}&max_results=5000`);
      assert.ok(expected.events.length > 0, `${wire} selects something`);
      assert.deepStrictEqual(events, expected.events, wire);
      assert.equal(await countEvents(sim.config(), query), expected.total, `count of ${wire}`);
    }
  });

  it("the asynchronous collection applies them too", async () => {
    const [query, wire] = cases()[6];
    const events = await queryEvents(sim.config(), { ...query, maxResults: 20000 });
    const requests = await sent(sim);
    assert.equal(requests[0].headers.prefer, "respond-async");
    assert.equal(requests[0].query, `${wire}&max_results=20000`);
    assert.deepStrictEqual(events, (await simAnswer(`${wire}&max_results=10000`)).events);
  });

  it("a creator matches by href, username or host name, whatever its kind", async () => {
    const byHref = await queryEvents(sim.config(), { createdBy: agent.href, maxResults: 10000 });
    const byName = await queryEvents(sim.config(), { createdBy: agent.hostname, maxResults: 10000 });
    for (const e of [...byHref, ...byName]) {
      const creators = Object.values(e.created_by);
      assert.ok(creators.some((c) => c.href === agent.href || c.hostname === agent.hostname), JSON.stringify(e.created_by));
    }
    assert.ok(byHref.some((e) => "agent" in e.created_by));
  });

  it("an answer that ignored the filter is refused with invalid_response naming it", async () => {
    const unfiltered = (await simAnswer("max_results=50")).events;
    for (const [query, filter] of [[{ createdBy: "/users/999" }, "createdBy"], [{ pceFqdn: "pce9.company.com" }, "pceFqdn"]]) {
      await sim.fault({ kind: "respond", status: 200, body: JSON.stringify(unfiltered), headers: { "X-Total-Count": "50" } });
      const error = await rejection(() => queryEvents(sim.config(), query));
      assertPceError(error, { kind: "invalid_response" });
      assert.match(error.message, new RegExp(`ignored the \`${filter}\` filter`));
    }
    // The datafile of an asynchronous collection, and a watch's poll, are checked as well.
    await sim.fault({ kind: "respond", status: 200, body: JSON.stringify(unfiltered), path: "/api/v2/orgs/1/datafiles/" });
    const asyncError = await rejection(() => queryEvents(sim.config(), { createdBy: "/users/999", maxResults: 10001 }));
    assert.match(asyncError.message, /ignored the `createdBy` filter/);
    await sim.fault({ kind: "respond", status: 200, body: JSON.stringify(unfiltered.slice(0, 1)), headers: { "X-Total-Count": "1" } });
    const watch = watchEvents(sim.config(), { pceFqdn: "pce9.company.com", since: iso(NOW - 60000) }, { intervalMs: 50 });
    const watchError = await rejection(() => watch.next());
    assert.match(watchError.message, /ignored the `pceFqdn` filter/);
  });

  it("invalid values are invalid_argument naming the option, and nothing is sent", async () => {
    const bad = [
      ["createdBy", ""], ["createdBy", 14], ["createdBy", "a\nb"], ["createdBy", "x".repeat(2000)], ["createdBy", ["/users/1"]],
      ["pceFqdn", ""], ["pceFqdn", "pce 2.example.com"], ["pceFqdn", "-pce.example.com"], ["pceFqdn", "pce..example.com"],
      ["pceFqdn", "https://pce.example.com"], ["pceFqdn", 1], ["pceFqdn", `${"a".repeat(64)}.com`],
    ];
    for (const [key, value] of bad) {
      assertInvalidArgument(await rejection(() => queryEvents(sim.config(), { [key]: value })), key);
      assertInvalidArgument(await rejection(() => countEvents(sim.config(), { [key]: value })), key);
      assertInvalidArgument(await rejection(() => watchEvents(sim.config(), { [key]: value }).next()), key);
    }
    await assertNothingSent(sim);
  });
});

/** The right merge: every event of each type (as pce-sim lists it), newest first, ties in the array's order. */
async function expectedMerge(types, maxResults, extra = "") {
  const all = [];
  for (const [order, type] of types.entries()) {
    const { events } = await simAnswer(`event_type=${encodeURIComponent(type)}${extra}&max_results=10000`);
    events.forEach((e, i) => all.push({ e, at: Date.parse(e.timestamp), order, i }));
  }
  all.sort((a, b) => b.at - a.at || a.order - b.order || a.i - b.i);
  return all.slice(0, maxResults).map((x) => x.e);
}

/** The events a query's requests asked for, beyond the counts (max_results=0). */
async function downloadsAsked() {
  const requests = await sent(sim);
  const pages = requests.filter((r) => r.path === "/api/v2/orgs/1/events" && !/max_results=0(&|$)/.test(r.query));
  return { requests, pages, asked: pages.reduce((n, r) => n + Number(/max_results=(\d+)/.exec(r.query)[1]), 0) };
}

describe("several event types at once", { timeout: 180000 }, () => {
  it("an array of one type is the same single GET as the string", async () => {
    const events = await queryEvents(sim.config(), { eventType: ["user.sign_in"], maxResults: 300 });
    const requests = await sent(sim);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].query, "event_type=user.sign_in&max_results=300");
    assert.deepStrictEqual(events, (await simAnswer("event_type=user.sign_in&max_results=300")).events);
  });

  it("two overlapping types: newest first, maxResults on the merged result, counts first", async () => {
    const types = ["user.sign_in", "user.sign_out"];
    for (const maxResults of [1, 10, 250, 100000]) {
      await sim.clearRequests();
      const events = await queryEvents(sim.config(), { eventType: types, maxResults, severity: "info" });
      const expected = await expectedMerge(types, maxResults, "&severity=info");
      assert.deepStrictEqual(hrefs(events), hrefs(expected), `maxResults ${maxResults}`);
      assert.deepStrictEqual(events, expected);
      const { requests, asked } = await downloadsAsked();
      assert.deepEqual(requests.slice(0, 2).map((r) => r.query).sort(),
        types.map((t) => `event_type=${t}&severity=info&max_results=0`).sort(), "counts first");
      assert.ok(asked <= 2 * Math.min(maxResults, expected.length) + 3 * types.length + 10, `asked for ${asked} events`);
    }
  });

  it("twenty types, some empty: each asked once for its count, about maxResults downloaded", async () => {
    const { body: sample } = await sim.rawJson("/orgs/1/events?max_results=10000");
    const seen = [...new Set(sample.map((e) => e.event_type))];
    const types = [...seen.slice(0, 17), "no.such_type", "test.none", "test.nothing"];
    assert.equal(types.length, 20);
    const events = await queryEvents(sim.config(), { eventType: types, maxResults: 500 });
    assert.deepStrictEqual(hrefs(events), hrefs(await expectedMerge(types, 500)));
    const { requests, asked } = await downloadsAsked();
    const counts = requests.filter((r) => /max_results=0$/.test(r.query));
    assert.equal(counts.length, 20, "one count per type");
    assert.ok(asked <= 2 * 500 + 3 * 20, `asked for ${asked} events`);
    assert.equal(await countEvents(sim.config(), { eventType: types }),
      (await Promise.all(types.map((t) => simAnswer(`event_type=${t}&max_results=0`)))).reduce((n, a) => n + a.total, 0));
  });

  it("ties across types follow the array's order; each event once", async () => {
    const at = iso(NOW - 7200000);
    await sim.inject({ generate: 3, timestamp: at, overrides: { event_type: "test.tie_b" } });
    await sim.inject({ generate: 3, timestamp: at, overrides: { event_type: "test.tie_a" } });
    for (const types of [["test.tie_a", "test.tie_b"], ["test.tie_b", "test.tie_a"]]) {
      const events = await queryEvents(sim.config(), { eventType: types, maxResults: 4 });
      assert.deepStrictEqual(events.map((e) => e.event_type), [types[0], types[0], types[0], types[1]]);
      assert.deepStrictEqual(hrefs(events), hrefs(await expectedMerge(types, 4)));
      assert.equal(new Set(hrefs(events)).size, events.length);
    }
  });

  it("one type goes asynchronous on its own while another stays one GET", async () => {
    await sim.inject({ generate: 10500, timestamp: iso(NOW - 86400000), spread_ms: 3600000, overrides: { event_type: "test.burst" } });
    const types = ["test.burst", "user.sign_in"];
    const events = await queryEvents(sim.config(), { eventType: types, maxResults: 12000 });
    const requests = await sent(sim);
    const asyncOnes = requests.filter((r) => r.headers.prefer === "respond-async");
    assert.equal(asyncOnes.length, 1);
    assert.match(asyncOnes[0].query, /^event_type=test.burst&/);
    assert.ok(requests.some((r) => /^event_type=user.sign_in&max_results=[1-9]/.test(r.query) && r.headers.prefer === undefined));
    const burst = await sim.rawJson("/orgs/1/events?event_type=test.burst&max_results=0");
    assert.equal(Number(burst.headers.get("x-total-count")), 10500);
    const signIns = (await simAnswer("event_type=user.sign_in&max_results=10000")).events;
    assert.equal(events.length, Math.min(12000, 10500 + signIns.length));
    assert.equal(events.filter((e) => e.event_type === "test.burst").length, 10500);
    for (let i = 1; i < events.length; i++) assert.ok(Date.parse(events[i - 1].timestamp) >= Date.parse(events[i].timestamp));
  });

  it("watchEvents follows several types", async () => {
    const since = iso(NOW + 60000);
    const watch = watchEvents(sim.config(), { eventType: ["test.w1", "test.w2"], since }, { intervalMs: 50 });
    const one = await sim.inject({ generate: 2, timestamp: iso(NOW + 120000), overrides: { event_type: "test.w1" } });
    const two = await sim.inject({ generate: 2, timestamp: iso(NOW + 120000), overrides: { event_type: "test.w2" } });
    await sim.inject({ generate: 2, timestamp: iso(NOW + 120000), overrides: { event_type: "test.w3" } });
    const { value } = await watch.next();
    await watch.return();
    assert.deepEqual(new Set(hrefs(value)), new Set(hrefs([...one, ...two])));
  });

  it("invalid arrays are invalid_argument, and nothing is sent", async () => {
    const many = Array.from({ length: 21 }, (_, i) => `t.${i}`);
    for (const [value, key] of [[[], "eventType"], [many, "eventType"], [["a.b", "a.b"], "eventType"],
      [["a.b", ""], "eventType[1]"], [["a.b", 5], "eventType[1]"], [[["a.b"]], "eventType[0]"], [{ 0: "a.b" }, "eventType"]]) {
      assertInvalidArgument(await rejection(() => queryEvents(sim.config(), { eventType: value })), key);
      assertInvalidArgument(await rejection(() => countEvents(sim.config(), { eventType: value })), key);
    }
    await assertNothingSent(sim);
  });
});
