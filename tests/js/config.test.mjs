// PceConfig: each option, its effect on the wire, and each validation error (with nothing sent).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, getEvent, queryEvents } from "illumio-events";
import { API_KEY, API_SECRET, startSim, useSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, assertPceError, assertRecovers, rejection, sent } from "./helpers.mjs";

const sim = useSim();

const calls = {
  queryEvents: (config) => queryEvents(config, { maxResults: 1 }),
  countEvents: (config) => countEvents(config),
  getEvent: (config) => getEvent(config, "0b3e4a2c-0000-4000-8000-000000000000"),
};

describe("invalid PceConfig: invalid_argument naming the option, nothing sent", { timeout: 60000 }, () => {
  const bad = (overrides) => () => ({ ...sim.config(), ...overrides });
  const cases = [
    ["orgID", "an unknown key (orgID)", bad({ orgID: 1 })],
    ["timeout", "an unknown key (timeout)", bad({ timeout: 5 })],
    ["api_key", "an unknown key (api_key)", bad({ api_key: "x" })],
    ["url", "url missing", () => { const { url, ...rest } = sim.config(); return rest; }],
    ["url", "url ftp://", bad({ url: "ftp://127.0.0.1:1" })],
    ["url", "url without scheme", bad({ url: "pce.example.com:8443" })],
    ["url", "url empty", bad({ url: "" })],
    ["url", "url not a string", bad({ url: 8443 })],
    ["url", "url with user info", () => ({ ...sim.config(), url: sim.url.replace("http://", "http://user:pw@") })],
    ["url", "url with a query", () => ({ ...sim.config(), url: `${sim.url}/?a=1` })],
    ["url", "url with a fragment", () => ({ ...sim.config(), url: `${sim.url}#top` })],
    ["url", "url with a bad port", bad({ url: "http://127.0.0.1:99999" })],
    ["orgId", "orgId missing", () => { const { orgId, ...rest } = sim.config(); return rest; }],
    ["orgId", "orgId 0", bad({ orgId: 0 })],
    ["orgId", "orgId negative", bad({ orgId: -1 })],
    ["orgId", "orgId fractional", bad({ orgId: 1.5 })],
    ["orgId", "orgId a string", bad({ orgId: "1" })],
    ["orgId", "orgId NaN", bad({ orgId: NaN })],
    ["orgId", "orgId Infinity", bad({ orgId: Infinity })],
    ["orgId", "orgId null", bad({ orgId: null })],
    ["apiSecret", "apiKey without apiSecret", () => { const { apiSecret, ...rest } = sim.config(); return rest; }],
    ["apiKey", "apiSecret without apiKey", () => { const { apiKey, ...rest } = sim.config(); return rest; }],
    ["apiKey", "apiKey not a string", bad({ apiKey: 5 })],
    ["apiVersion", "apiVersion 2", bad({ apiVersion: "2" })],
    ["apiVersion", "apiVersion v", bad({ apiVersion: "v" })],
    ["apiVersion", "apiVersion v2beta", bad({ apiVersion: "v2beta" })],
    ["apiVersion", "apiVersion with a slash", bad({ apiVersion: "v2/../x" })],
    ["apiVersion", "apiVersion a number", bad({ apiVersion: 2 })],
    ["timeoutMs", "timeoutMs 0", bad({ timeoutMs: 0 })],
    ["timeoutMs", "timeoutMs negative", bad({ timeoutMs: -5 })],
    ["timeoutMs", "timeoutMs fractional", bad({ timeoutMs: 10.5 })],
    ["timeoutMs", "timeoutMs a string", bad({ timeoutMs: "1000" })],
    ["timeoutMs", "timeoutMs NaN", bad({ timeoutMs: NaN })],
    ["timeoutMs", "timeoutMs Infinity", bad({ timeoutMs: Infinity })],
    ["asyncTimeoutMs", "asyncTimeoutMs 0", bad({ asyncTimeoutMs: 0 })],
    ["asyncTimeoutMs", "asyncTimeoutMs negative", bad({ asyncTimeoutMs: -1 })],
    ["asyncTimeoutMs", "asyncTimeoutMs fractional", bad({ asyncTimeoutMs: 0.5 })],
    ["asyncTimeoutMs", "asyncTimeoutMs a string", bad({ asyncTimeoutMs: "600000" })],
    ["maxRetries", "maxRetries -1", bad({ maxRetries: -1 })],
    ["maxRetries", "maxRetries 11", bad({ maxRetries: 11 })],
    ["maxRetries", "maxRetries fractional", bad({ maxRetries: 1.5 })],
    ["maxRetries", "maxRetries a string", bad({ maxRetries: "3" })],
    ["maxRetries", "maxRetries a boolean", bad({ maxRetries: true })],
  ];
  for (const [option, label, make] of cases) {
    it(`${label} → invalid_argument naming ${option}`, async () => {
      for (const [name, call] of Object.entries(calls)) {
        const error = await rejection(() => call(make()));
        assertInvalidArgument(error, option);
        assert.ok(!error.message.includes(API_SECRET), name);
      }
      await assertNothingSent(sim);
    });
  }

  for (const [label, value] of [["undefined", undefined], ["null", null], ["a string", "http://x"], ["an array", []], ["a number", 1]]) {
    it(`config ${label} → invalid_argument naming config`, async () => {
      assertInvalidArgument(await rejection(() => queryEvents(value)), "config");
      assertInvalidArgument(await rejection(() => countEvents(value)), "config");
      assertInvalidArgument(await rejection(() => getEvent(value, "abc")), "config");
      await assertNothingSent(sim);
    });
  }

  it("the secret never appears, even when the credentials are refused", async () => {
    const secret = "Sup3r-S3cret-Value";
    for (const config of [
      { ...sim.config(), apiKey: undefined, apiSecret: secret },
      { ...sim.config(), apiKey: "bad:key", apiSecret: secret },
      { ...sim.config(), apiKey: "", apiSecret: secret },
      { ...sim.config(), apiSecret: secret, maxRetries: 99 },
    ]) {
      const error = await rejection(() => queryEvents(config));
      assertPceError(error, { kind: "invalid_argument" });
      assert.ok(!`${error.message}${error.stack}${JSON.stringify(error)}`.includes(secret), error.message);
    }
    await assertNothingSent(sim);
  });
});

describe("valid PceConfig on the wire", { timeout: 60000 }, () => {
  it("defaults: {url}/api/v2/orgs/{orgId}/events with Basic auth and Accept", async () => {
    const events = await queryEvents(sim.config(), { maxResults: 3 });
    assert.equal(events.length, 3);
    const [request, ...others] = await sent(sim);
    assert.deepEqual(others, []);
    assert.equal(request.path, "/api/v2/orgs/1/events");
    assert.equal(request.query, "max_results=3");
    const expected = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString("base64")}`;
    assert.equal(request.headers.authorization, expected);
    assert.equal(request.headers.prefer, undefined);
  });

  it("a trailing slash on url is fine", async () => {
    const events = await queryEvents(sim.config({ url: `${sim.url}/` }), { maxResults: 1 });
    assert.equal(events.length, 1);
    const [request] = await sent(sim);
    assert.equal(request.path, "/api/v2/orgs/1/events");
  });

  it("a url with a path prefix keeps it (the simulator serves its API under /pce too)", async () => {
    const events = await queryEvents(sim.config({ url: `${sim.url}/pce` }), { maxResults: 1 });
    assert.equal(events.length, 1);
    const requests = await sent(sim);
    assert.equal(requests.length, 1);
    assert.equal(requests[0].path, "/pce/api/v2/orgs/1/events");
    assert.equal(requests[0].query, "max_results=1");
  });

  it("apiVersion and orgId pick the path", async () => {
    const error = await rejection(() => queryEvents(sim.config({ apiVersion: "v1", orgId: 42, maxRetries: 0 })));
    assertPceError(error, { kind: "http", status: 404 });
    const requests = await sent(sim);
    assert.deepEqual(requests.map((r) => r.path), ["/api/v1/orgs/42/events"]);
    assert.equal(error.url, `${sim.url}/api/v1/orgs/42/events?max_results=100`);
  });

  it("an explicit apiVersion v2 and the bounds of maxRetries, timeoutMs and asyncTimeoutMs are accepted", async () => {
    const accepted = [{ apiVersion: "v2" }, { maxRetries: 0 }, { maxRetries: 10 }, { timeoutMs: 30000 },
      { asyncTimeoutMs: 1000 }, { timeoutMs: undefined, maxRetries: undefined }];
    for (const overrides of accepted) {
      const events = await queryEvents(sim.config(overrides), { maxResults: 1 });
      assert.equal(events.length, 1, JSON.stringify(overrides));
    }
    assert.equal((await sent(sim)).length, accepted.length);
  });

  it("no apiKey/apiSecret: no Authorization header at all (the simulator refuses with 401)", async () => {
    const { apiKey, apiSecret, ...anonymous } = sim.config();
    const error = await rejection(() => queryEvents(anonymous, { maxResults: 1 }));
    assertPceError(error, { kind: "http", status: 401 });
    const requests = await sent(sim, { auth: false });
    assert.equal(requests.length, 1, "a 401 is never retried");
    assert.equal(requests[0].headers.authorization, undefined);
    await assertRecovers(sim);
  });

  it("wrong credentials: http 401 with the PCE's token, the secret not shown", async () => {
    const error = await rejection(() => queryEvents(sim.config({ apiSecret: "wrong-secret-value" })));
    assertPceError(error, { kind: "http", status: 401 });
    assert.ok(!error.message.includes("wrong-secret-value"));
    assert.equal((await sim.requests()).length, 1);
    await assertRecovers(sim);
  });

  it("credentials with non-ASCII characters are UTF-8 in the Basic header", async () => {
    await queryEvents(sim.config({ apiKey: "api_é", apiSecret: "sécret" }), { maxResults: 1 }).catch(() => {});
    const [request] = await sim.requests();
    assert.equal(request.headers.authorization, `Basic ${Buffer.from("api_é:sécret", "utf8").toString("base64")}`);
  });
});
