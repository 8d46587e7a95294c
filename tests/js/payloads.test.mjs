// What the PCE sent reaches the caller unchanged: the seven real events of illumio-py's test data,
// unknown fields, created_by kinds and severities, nulls, integers beyond 2^53; and 20 queries at once.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { countEvents, getEvent, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertPceError, assertRecovers, rejection, sent, within } from "./helpers.mjs";

const FIXTURES = JSON.parse(readFileSync(new URL("../fixtures/illumio-py-events.json", import.meta.url), "utf8"));

const sim = useSim([], { setUp: async (sim) => {
  // The simulator may load them itself; injecting them verbatim is harmless (same hrefs replace).
  await sim.inject({ events: FIXTURES });
} });

describe("the real payloads, exactly", { timeout: 60000 }, () => {
  it("the fixture holds seven events, one of them a /system_events/ href", () => {
    assert.equal(FIXTURES.length, 7);
    assert.equal(FIXTURES.filter((e) => e.href.startsWith("/system_events/")).length, 1);
  });

  for (const fixture of FIXTURES) {
    it(`getEvent ${fixture.event_type} ${fixture.href}`, async () => {
      const event = await getEvent(sim.config(), fixture.href);
      assert.deepStrictEqual(event, fixture);
      assert.deepEqual((await sent(sim)).map((r) => r.path), [`/api/v2${fixture.href}`]);
    });
  }

  it("queryEvents over 2022-08-17 returns the seven, newest first, exactly", async () => {
    const events = await queryEvents(sim.config(), { since: "2022-08-17T00:00:00Z", until: new Date("2022-08-18T00:00:00Z") });
    assert.deepStrictEqual(events, FIXTURES);
    const [request] = await sent(sim);
    assert.equal(request.query, "timestamp%5Bgte%5D=2022-08-17T00%3A00%3A00Z&timestamp%5Blte%5D=2022-08-18T00%3A00%3A00.000Z&max_results=100");
    assert.equal(await countEvents(sim.config(), { since: "2022-08-17T00:00:00Z", until: "2022-08-17T23:59:59Z" }), 7);
  });

  it("filters select among the fixtures", async () => {
    const window = { since: "2022-08-17T00:00:00Z", until: "2022-08-18T00:00:00Z" };
    for (const eventType of new Set(FIXTURES.map((e) => e.event_type))) {
      const events = await queryEvents(sim.config(), { ...window, eventType });
      assert.deepStrictEqual(events, FIXTURES.filter((e) => e.event_type === eventType), eventType);
    }
    const narrow = await queryEvents(sim.config(), { since: "2022-08-17T17:44:12.669Z", until: "2022-08-17T17:48:26.666Z" });
    assert.deepStrictEqual(narrow, FIXTURES.filter((e) => e.timestamp >= "2022-08-17T17:44:12.669Z" && e.timestamp <= "2022-08-17T17:48:26.666Z"));
    assert.equal(narrow.length, 3, "both bounds are inclusive");
  });
});

describe("unknown and odd values pass through", { timeout: 60000 }, () => {
  const odd = {
    href: "/orgs/1/events/0dd0dd00-0000-4000-8000-000000000001",
    timestamp: "2026-11-19T10:00:00.123Z",
    pce_fqdn: null,
    created_by: { service_account: { href: "/orgs/1/service_accounts/9", name: "ci-bot", extra: [1, { deep: null }] } },
    event_type: "odd.passthrough_test",
    status: null,
    severity: "fatal",
    action: null,
    resource_changes: [{ resource: { thing: { href: "/x" } }, changes: { labels: { created: [], deleted: [null] } }, change_type: "merge" }],
    notifications: [{ notification_type: "new.kind", info: null }],
    version: 2,
    new_field_from_pce_99: { nested: { deeper: ["a", 1.5, true, false, null, {}] } },
    empty_object: {},
    unicode: "é ☃ 😀 \u0000 \n \"quoted\" \\ </script>",
    negative_zero: -0,
    exponent: 1e300,
  };
  const bigText = '{"href":"/orgs/1/events/0dd0dd00-0000-4000-8000-000000000002","timestamp":"2026-11-19T10:00:01Z","event_type":"odd.big_number","created_by":{"system":{}},"severity":"info","big":9007199254740993,"huge":123456789012345678901234567890,"safe":9007199254740991,"as_string":"9007199254740993"}';
  before(async () => {
    await sim.inject({ events: [odd] });
    await sim.inject(`{"events":[${bigText}]}`);
  });

  it("unknown fields, created_by kinds, severities and nulls reach the caller as sent", async () => {
    const [queried] = await queryEvents(sim.config(), { eventType: "odd.passthrough_test" });
    assert.deepStrictEqual(queried, { ...odd, negative_zero: 0 });
    const fetched = await getEvent(sim.config(), odd.href);
    assert.deepStrictEqual(fetched, queried);
    assert.equal(fetched.severity, "fatal");
    assert.deepEqual(Object.keys(fetched.created_by), ["service_account"]);
    assert.equal(fetched.status, null);
    assert.equal(fetched.action, null);
    assert.equal(fetched.notifications[0].info, null);
    assert.deepEqual(Object.keys(fetched), Object.keys(odd), "keys in the PCE's order");
  });

  it("integers beyond 2^53 are what JSON.parse makes of them (precision lost, as documented)", async () => {
    // The PCE's text, as stored, really holds 9007199254740993 — the package hands the caller
    // JSON.parse's reading of it, which rounds to the nearest double, 9007199254740992.
    const raw = await (await sim.rawGet(`/orgs/1/events?event_type=odd.big_number`)).text();
    assert.ok(raw.includes('"big":9007199254740993'), raw);
    const [event] = await queryEvents(sim.config(), { eventType: "odd.big_number" });
    assert.deepStrictEqual(event, JSON.parse(bigText));
    assert.equal(event.big, 9007199254740992);
    assert.equal(event.safe, Number.MAX_SAFE_INTEGER);
    assert.equal(event.huge, 1.2345678901234568e29);
    assert.equal(event.as_string, "9007199254740993", "a string keeps every digit");
    assert.deepStrictEqual(await getEvent(sim.config(), event.href), event);
  });

  it("a body with an injected event whose timestamp has an offset, exactly", async () => {
    const withOffset = { ...odd, href: "/orgs/1/events/0dd0dd00-0000-4000-8000-000000000003", event_type: "odd.offset", timestamp: "2026-11-19T11:00:00+01:00" };
    await sim.inject({ events: [withOffset] });
    assert.deepStrictEqual(await getEvent(sim.config(), withOffset.href), { ...withOffset, negative_zero: 0 });
  });
});

describe("concurrency and recovery", { timeout: 90000 }, () => {
  it("20 concurrent queries each get their own, correct results", async () => {
    const types = ["user.sign_in", "user.sign_out", "user.login", "user.logout", "agent.tampering", "request.authentication_failed", "workload.create", "label.create", "sec_rule.create", "rule_set.create"];
    const queries = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
      ? { eventType: types[i / 2], maxResults: 50 + i }
      : { maxResults: i + 1, severity: i % 3 === 0 ? "info" : undefined }));
    const expected = await Promise.all(queries.map(async (q) => {
      const params = [q.eventType && `event_type=${q.eventType}`, q.severity && `severity=${q.severity}`, `max_results=${q.maxResults}`].filter(Boolean).join("&");
      return (await sim.rawJson(`/orgs/1/events?${params}`)).body;
    }));
    await sim.clearRequests();
    const results = await within(60000, Promise.all(queries.map((q) => queryEvents(sim.config(), q))));
    results.forEach((events, i) => assert.deepStrictEqual(events, expected[i], JSON.stringify(queries[i])));
    assert.ok(results.filter((r) => r.length > 0).length >= 15, "most queries match something");
    assert.equal((await sent(sim)).length, 20);
  });

  it("20 concurrent calls mixing failures and successes each get their own outcome", async () => {
    await sim.fault({ kind: "respond", path: "/api/v2/orgs/1/events/", status: 404, body: JSON.stringify([{ token: "not_found", message: "no" }]), times: 10 });
    const calls = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
      ? getEvent(sim.config(), `/orgs/1/events/missing-${i}`).then(() => "resolved", (e) => e)
      : queryEvents(sim.config(), { maxResults: i })));
    const outcomes = await within(60000, Promise.all(calls));
    outcomes.forEach((o, i) => {
      if (i % 2 === 0) assertPceError(o, { kind: "http", status: 404, url: `${sim.url}/api/v2/orgs/1/events/missing-${i}` });
      else assert.equal(o.length, i);
    });
  });

  it("after every kind of failure the next call works", async () => {
    const config = sim.config({ maxRetries: 0, timeoutMs: 300 });
    const failures = [
      [{ kind: "respond", status: 500, body: "<html></html>" }, "http"],
      [{ kind: "respond", status: 200, body: "nope" }, "invalid_response"],
      [{ kind: "reset" }, "network"],
      [{ kind: "reset_mid_body" }, "network"],
      [{ kind: "hang" }, "timeout"],
    ];
    for (const [fault, kind] of failures) {
      await sim.fault(fault);
      assertPceError(await within(10000, rejection(() => queryEvents(config, { maxResults: 3 }))), { kind });
      assert.equal((await queryEvents(config, { maxResults: 3 })).length, 3, kind);
    }
    assertPceError(await rejection(() => queryEvents(config, { severity: "bad" })), { kind: "invalid_argument" });
    assertPceError(await rejection(() => queryEvents(config, { signal: AbortSignal.abort() })), { kind: "aborted" });
    await assertRecovers(sim);
  });
});
