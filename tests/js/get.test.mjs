// getEvent: hrefs (the href is authoritative), bare ids, and every refused form (nothing sent).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { getEvent, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, assertPceError, assertRecovers, rejection, sent } from "./helpers.mjs";

let sample;
const SYSTEM_EVENT = {
  href: "/system_events/5c0ffee0-1234-4abc-9def-000000000001",
  timestamp: "2026-11-19T08:00:00.000Z",
  pce_fqdn: "pce.company.com",
  created_by: { system: {} },
  event_type: "system_task.test_event",
  status: null,
  severity: "info",
  action: null,
  resource_changes: [],
  notifications: [],
};

// This simulator serves org 7: the config's orgId is 7, and a config with orgId 1 shows that an
// href's own org wins.
const sim = useSim([], { org: 7, setUp: async (sim) => {
  await sim.inject({ events: [SYSTEM_EVENT] });
  [sample] = (await sim.rawJson("/orgs/7/events?max_results=1")).body;
  assert.match(sample.href, /^\/orgs\/7\/events\//);
} });

describe("getEvent fetches one event", { timeout: 60000 }, () => {
  it("by its href /orgs/N/events/<id>, exactly as the PCE sent it", async () => {
    const event = await getEvent(sim.config(), sample.href);
    assert.deepStrictEqual(event, sample);
    const requests = await sent(sim);
    assert.deepEqual(requests.map((r) => [r.path, r.query]), [[`/api/v2${sample.href}`, ""]]);
    assert.equal(requests[0].headers.prefer, undefined);
  });

  it("by a bare id, meaning /orgs/{orgId}/events/<id>", async () => {
    const id = sample.href.split("/").pop();
    assert.match(id, /^[A-Za-z0-9-]+$/);
    assert.deepStrictEqual(await getEvent(sim.config(), id), sample);
    assert.deepEqual((await sent(sim)).map((r) => r.path), [`/api/v2/orgs/7/events/${id}`]);
  });

  it("a bare id uses orgId (another org: the simulator answers 403)", async () => {
    const id = sample.href.split("/").pop();
    const error = await rejection(() => getEvent(sim.config({ orgId: 3 }), id));
    assertPceError(error, { kind: "http", status: 403, token: "forbidden_error", url: `${sim.url}/api/v2/orgs/3/events/${id}` });
    assert.deepEqual((await sent(sim)).map((r) => r.path), [`/api/v2/orgs/3/events/${id}`]);
  });

  it("an href whose org differs from orgId goes to the href's org", async () => {
    assert.deepStrictEqual(await getEvent(sim.config({ orgId: 1 }), sample.href), sample);
    assert.deepEqual((await sent(sim)).map((r) => r.path), [`/api/v2${sample.href}`]);
  });

  it("a /system_events/<id> href", async () => {
    assert.deepStrictEqual(await getEvent(sim.config(), SYSTEM_EVENT.href), SYSTEM_EVENT);
    assert.deepEqual((await sent(sim)).map((r) => r.path), [`/api/v2${SYSTEM_EVENT.href}`]);
  });

  it("every event of a query can be fetched back, identical", async () => {
    const events = await queryEvents(sim.config(), { maxResults: 25 });
    for (const e of events) assert.deepStrictEqual(await getEvent(sim.config(), e.href), e);
  });

  it("an unknown event is http 404 with the PCE's token and message", async () => {
    const error = await rejection(() => getEvent(sim.config(), "/orgs/7/events/00000000-0000-4000-8000-00000000dead"));
    assertPceError(error, { kind: "http", status: 404, url: `${sim.url}/api/v2/orgs/7/events/00000000-0000-4000-8000-00000000dead` });
    assert.equal(typeof error.token, "string");
    assert.equal(typeof error.pceMessage, "string");
    assert.equal((await sent(sim)).length, 1, "404 is not retried");
    await assertRecovers(sim);
  });

  it("accepts an options object with a signal, and no options", async () => {
    const controller = new AbortController();
    assert.deepStrictEqual(await getEvent(sim.config(), sample.href, { signal: controller.signal }), sample);
    assert.deepStrictEqual(await getEvent(sim.config(), sample.href, {}), sample);
    assert.deepStrictEqual(await getEvent(sim.config(), sample.href, undefined), sample);
  });
});

describe("getEvent reads its config as it is at each call", { timeout: 60000 }, () => {
  it("a config changed between calls is checked and sent anew", async () => {
    const config = sim.config();
    assert.deepStrictEqual(await getEvent(config, sample.href), sample);
    config.apiSecret = "not-the-secret";
    assertPceError(await rejection(() => getEvent(config, sample.href)), { kind: "http", status: 401 });
    config.apiSecret = sim.config().apiSecret;
    assert.deepStrictEqual(await getEvent(config, sample.href), sample);
    config.timeoutMs = -1;
    assertInvalidArgument(await rejection(() => getEvent(config, sample.href)), "timeoutMs");
    delete config.timeoutMs;
    config.orgId = 8;
    assertPceError(await rejection(() => getEvent(config, sample.href.split("/").pop())), { kind: "http", status: 403 });
  });

  it("takes its turn in the PCE's requestsPerMinute, shared with the other calls", async () => {
    const config = sim.config({ requestsPerMinute: 3 });
    await sim.clearRequests();
    await queryEvents(config, { maxResults: 1 });
    await getEvent(config, sample.href);
    await getEvent({ ...config }, sample.href);
    const stop = new AbortController();
    const waiting = rejection(() => getEvent(config, sample.href, { signal: stop.signal }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await sent(sim)).length, 3, "the fourth request waits for its turn");
    stop.abort();
    assertPceError(await waiting, { kind: "aborted" });
    assert.equal((await sent(sim)).length, 3);
  });
});

describe("getEvent refuses anything else: invalid_argument, nothing sent", { timeout: 60000 }, () => {
  const refused = [
    ["empty", ""],
    ["a blank", " "],
    ["blanks around an id", " abc "],
    ["a blank inside", "ab c"],
    ["a tab", "abc\t"],
    ["a newline", "/orgs/1/events/abc\n"],
    ["..", ".."],
    ["../ in an href", "/orgs/1/events/../workloads/x"],
    ["a relative ../", "../x"],
    ["an encoded ..", "/orgs/1/events/%2e%2e"],
    ["a %", "abc%20"],
    ["a ?", "abc?x=1"],
    ["a ? in an href", "/orgs/1/events/abc?max_results=1"],
    ["a #", "abc#frag"],
    ["a # in an href", "/orgs/1/events/abc#x"],
    ["another resource", "/orgs/1/workloads/abc"],
    ["the events collection", "/orgs/1/events"],
    ["an events href with a trailing slash", "/orgs/1/events/abc/"],
    ["a deeper path", "/orgs/1/events/abc/def"],
    ["a non-numeric org", "/orgs/x/events/abc"],
    ["a double slash", "//orgs/1/events/abc"],
    ["a path under /api/v2", "/api/v2/orgs/1/events/abc"],
    ["an absolute URL", "http://127.0.0.1:1/api/v2/orgs/1/events/abc"],
    ["a protocol-relative URL", "//evil.example.com/orgs/1/events/abc"],
    ["an absolute https URL", "https://pce.example.com/orgs/1/events/abc"],
    ["an id with underscores", "abc_def"],
    ["an id with a dot", "abc.def"],
    ["a backslash", "\\orgs\\1\\events\\abc"],
    ["a non-ASCII id", "événement"],
    ["system_events without an id", "/system_events/"],
  ];
  for (const [label, value] of refused) {
    it(`${label}: ${JSON.stringify(value)}`, async () => {
      assertInvalidArgument(await rejection(() => getEvent(sim.config(), value)), "hrefOrId");
      await assertNothingSent(sim);
    });
  }

  for (const [label, value] of [["undefined", undefined], ["null", null], ["a number", 42], ["an object", { href: "/orgs/1/events/a" }], ["an array", ["abc"]], ["a String object", new String("abc")]]) {
    it(`a non-string: ${label}`, async () => {
      assertInvalidArgument(await rejection(() => getEvent(sim.config(), value)), "hrefOrId");
      await assertNothingSent(sim);
    });
  }

  it("an options object with an unknown key or a non-signal", async () => {
    assertInvalidArgument(await rejection(() => getEvent(sim.config(), "abc", { signl: null })), "signl");
    assertInvalidArgument(await rejection(() => getEvent(sim.config(), "abc", { signal: "stop" })), "signal");
    assertInvalidArgument(await rejection(() => getEvent(sim.config(), "abc", "opts")), "options");
    await assertNothingSent(sim);
  });
});
