// http errors at every step (query, job poll, datafile) for every status and body kind, and
// invalid_response for each break of the contract; each error with its fields, then recovery.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, getEvent, isPceError, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertPceError, assertRecovers, rejection, sent } from "./helpers.mjs";

const sim = useSim(["--async-delay-ms", "0"]);

const EVENTS = "/api/v2/orgs/1/events";
const JOBS = "/api/v2/orgs/1/jobs/";
const DATAFILES = "/api/v2/orgs/1/datafiles/";
const ASYNC_QUERY = { eventType: "user.sign_in", maxResults: 10001 };
const ASYNC_QS = "event_type=user.sign_in&max_results=10001";

const STATUSES = [400, 401, 403, 404, 406, 408, 409, 418, 429, 500, 501, 502, 503, 504];
const BODIES = {
  json: { body: JSON.stringify([{ token: "some_error_token", message: "The PCE says no." }]), token: "some_error_token", pceMessage: "The PCE says no." },
  html: { body: "<html><head><title>Bad</title></head><body><h1>Proxy error</h1></body></html>" },
  empty: { body: "" },
};

/** The URL of the first logged request under `prefix`. */
async function urlOf(prefix) {
  const r = (await sim.requests()).find((x) => x.path.startsWith(prefix));
  assert.ok(r, `no request under ${prefix}`);
  return `${sim.url}${r.path}${r.query ? `?${r.query}` : ""}`;
}

const steps = {
  query: { path: EVENTS, run: () => queryEvents(sim.config({ maxRetries: 0 }), { maxResults: 5 }), url: () => `${sim.url}${EVENTS}?max_results=5`, attempts: 1 },
  count: { path: EVENTS, run: () => countEvents(sim.config({ maxRetries: 0 })), url: () => `${sim.url}${EVENTS}?max_results=0`, attempts: 1 },
  get: { path: `${EVENTS}/`, run: () => getEvent(sim.config({ maxRetries: 0 }), "abc-1"), url: () => `${sim.url}${EVENTS}/abc-1`, attempts: 1 },
  "async query": { path: EVENTS, run: () => queryEvents(sim.config({ maxRetries: 0 }), ASYNC_QUERY), url: () => `${sim.url}${EVENTS}?${ASYNC_QS}`, attempts: 1 },
  "job poll": { path: JOBS, run: () => queryEvents(sim.config({ maxRetries: 0 }), ASYNC_QUERY), url: () => urlOf(JOBS), attempts: 2 },
  datafile: { path: DATAFILES, run: () => queryEvents(sim.config({ maxRetries: 0 }), ASYNC_QUERY), url: () => urlOf(DATAFILES), attempts: 3 },
};

describe("a non-2xx answer at any step is kind http, whatever its body", { timeout: 120000 }, () => {
  for (const [stepName, step] of Object.entries(steps)) {
    for (const [bodyName, body] of Object.entries(BODIES)) {
      it(`${stepName}: every status with a ${bodyName} body`, async () => {
        for (const status of STATUSES) {
          await sim.clearRequests();
          await sim.fault({ kind: "respond", path: step.path, status, body: body.body });
          const error = await rejection(step.run);
          assertPceError(error, { kind: "http", status, token: body.token, pceMessage: body.pceMessage, retryAfter: undefined, url: await step.url() });
          assert.ok(error.message.includes(String(status)), error.message);
          if (body.pceMessage) assert.ok(error.message.includes(body.pceMessage), error.message);
          assert.ok(!error.message.includes("<html>"), "the HTML page is not pasted into the message");
          const requests = await sent(sim);
          assert.equal(requests.length, step.attempts, `${status}: maxRetries 0 sends each step once`);
        }
        await assertRecovers(sim);
      });
    }
  }

  it("retryAfter comes from Retry-After in seconds, also on non-retryable statuses", async () => {
    for (const [status, value] of [[429, "7"], [503, "120"], [500, "3"]]) {
      await sim.fault({ kind: "respond", status, headers: { "Retry-After": value }, body: BODIES.json.body });
      const error = await rejection(() => queryEvents(sim.config({ maxRetries: 0 })));
      assertPceError(error, { kind: "http", status, retryAfter: Number(value), token: "some_error_token" });
    }
    await assertRecovers(sim);
  });

  it("a 429 with the PCE's rate-limit token", async () => {
    await sim.fault({ kind: "respond", status: 429, body: JSON.stringify([{ token: "too_many_requests_error", message: "Too many requests" }]) });
    const error = await rejection(() => queryEvents(sim.config({ maxRetries: 0 })));
    assertPceError(error, { kind: "http", status: 429, token: "too_many_requests_error", pceMessage: "Too many requests", retryAfter: undefined });
  });

  it("an error body that is one object, or JSON without token, or not UTF-8", async () => {
    await sim.fault({ kind: "respond", status: 400, body: JSON.stringify({ token: "input_validation_error", message: "bad" }) });
    assertPceError(await rejection(() => queryEvents(sim.config())), { kind: "http", status: 400, token: "input_validation_error", pceMessage: "bad" });
    await sim.fault({ kind: "respond", status: 400, body: JSON.stringify({ error: "nope" }) });
    assertPceError(await rejection(() => queryEvents(sim.config())), { kind: "http", status: 400, token: undefined, pceMessage: undefined });
    await sim.fault({ kind: "respond", status: 400, body_base64: Buffer.from([0xff, 0xfe, 0x5b, 0x5d]).toString("base64") });
    assertPceError(await rejection(() => queryEvents(sim.config())), { kind: "http", status: 400 });
    await assertRecovers(sim);
  });
});

const event = (fields) => ({ href: "/orgs/1/events/aaaa-1", timestamp: "2026-11-01T00:00:00Z", event_type: "user.sign_in", ...fields });
const without = (key) => { const e = event({}); delete e[key]; return e; };

describe("a 2xx body that breaks the contract is invalid_response", { timeout: 120000 }, () => {
  const collectionBodies = [
    ["not JSON (HTML)", "<html><body>Welcome to the proxy</body></html>"],
    ["not JSON (text)", "OK"],
    ["empty", ""],
    ["JSON cut short", '[{"href":"/orgs/1/events/a","timestamp":"2026-11-01T00:00:00Z"'],
    ["trailing garbage", "[] []"],
    ["an object, not an array", JSON.stringify(event({}))],
    ["null", "null"],
    ["a string", '"events"'],
    ["a number", "42"],
    ["an element that is a number", "[1]"],
    ["an element that is null", "[null]"],
    ["an element that is an array", "[[]]"],
    ["an element that is a string", '["/orgs/1/events/a"]'],
    ["missing href", JSON.stringify([without("href")])],
    ["a numeric href", JSON.stringify([event({ href: 5 })])],
    ["a null href", JSON.stringify([event({ href: null })])],
    ["missing timestamp", JSON.stringify([without("timestamp")])],
    ["a numeric timestamp", JSON.stringify([event({ timestamp: 1793491200000 })])],
    ["missing event_type", JSON.stringify([without("event_type")])],
    ["a null event_type", JSON.stringify([event({ event_type: null })])],
    ["an object event_type", JSON.stringify([event({ event_type: { name: "x" } })])],
    ["a good event then a bad one", JSON.stringify([event({}), without("href")])],
  ];
  for (const [label, body] of collectionBodies) {
    it(`queryEvents: ${label}`, async () => {
      await sim.fault({ kind: "respond", path: EVENTS, status: 200, body, content_type: "application/json" });
      const error = await rejection(() => queryEvents(sim.config(), { maxResults: 5 }));
      assertPceError(error, { kind: "invalid_response", status: undefined, url: `${sim.url}${EVENTS}?max_results=5` });
      assert.equal((await sent(sim)).length, 1, "an invalid response is not retried");
      await assertRecovers(sim);
    });
  }

  it("queryEvents: a 204 or 201 instead of 200 is not an event list", async () => {
    for (const status of [201, 204]) {
      await sim.fault({ kind: "respond", path: EVENTS, status, body: "" });
      assertPceError(await rejection(() => queryEvents(sim.config())), { kind: "invalid_response" });
    }
    await assertRecovers(sim);
  });

  it("invalid UTF-8 in a collection and in one event", async () => {
    const bad = Buffer.concat([Buffer.from('[{"href":"/orgs/1/events/a","timestamp":"2026-11-01T00:00:00Z","event_type":"x.y","note":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]);
    await sim.fault({ kind: "respond", path: EVENTS, status: 200, body_base64: bad.toString("base64"), content_type: "application/json" });
    assertPceError(await rejection(() => queryEvents(sim.config())), { kind: "invalid_response", url: `${sim.url}${EVENTS}?max_results=100` });
    const one = bad.subarray(1, bad.length - 1);
    await sim.fault({ kind: "respond", path: `${EVENTS}/`, status: 200, body_base64: one.toString("base64"), content_type: "application/json" });
    assertPceError(await rejection(() => getEvent(sim.config(), "a")), { kind: "invalid_response", url: `${sim.url}${EVENTS}/a` });
    await assertRecovers(sim);
  });

  const eventBodies = [
    ["an array", JSON.stringify([event({})])],
    ["an empty array", "[]"],
    ["null", "null"],
    ["a string", '"event"'],
    ["not JSON", "<html></html>"],
    ["empty", ""],
    ["missing href", JSON.stringify(without("href"))],
    ["a numeric timestamp", JSON.stringify(event({ timestamp: 5 }))],
    ["missing timestamp", JSON.stringify(without("timestamp"))],
    ["missing event_type", JSON.stringify(without("event_type"))],
  ];
  for (const [label, body] of eventBodies) {
    it(`getEvent: ${label}`, async () => {
      await sim.fault({ kind: "respond", path: `${EVENTS}/`, status: 200, body, content_type: "application/json" });
      const error = await rejection(() => getEvent(sim.config(), "aaaa-1"));
      assertPceError(error, { kind: "invalid_response", url: `${sim.url}${EVENTS}/aaaa-1` });
      await assertRecovers(sim);
    });
  }

  const asyncBreaks = [
    ["202 without Location", EVENTS, { status: 202, headers: { "Retry-After": "0" } }, EVENTS],
    ["202 with a Location that is not a job", EVENTS, { status: 202, headers: { Location: "/orgs/1/workloads/abc", "Retry-After": "0" } }, EVENTS],
    ["202 with an absolute Location elsewhere", EVENTS, { status: 202, headers: { Location: "http://evil.example.com/orgs/1/jobs/abc" } }, EVENTS],
    ["a job that is not JSON", JOBS, { status: 200, body: "<html>job</html>" }, JOBS],
    ["a job that is an array", JOBS, { status: 200, body: "[]" }, JOBS],
    ["a job that is a string", JOBS, { status: 200, body: '"done"' }, JOBS],
    ["a job that is null", JOBS, { status: 200, body: "null" }, JOBS],
    ["a job without status", JOBS, { status: 200, body: '{"href":"/orgs/1/jobs/x","result":{}}' }, JOBS],
    ["a job with a numeric status", JOBS, { status: 200, body: '{"status":3}' }, JOBS],
    ["a job with a null status", JOBS, { status: 200, body: '{"status":null}' }, JOBS],
    ["done without result", JOBS, { status: 200, body: '{"status":"done"}' }, JOBS],
    ["done with an empty result", JOBS, { status: 200, body: '{"status":"done","result":{}}' }, JOBS],
    ["done with a numeric result.href", JOBS, { status: 200, body: '{"status":"done","result":{"href":7}}' }, JOBS],
    ["done with a result.href that is not a datafile", JOBS, { status: 200, body: '{"status":"done","result":{"href":"/orgs/1/workloads/x"}}' }, JOBS],
    ["a datafile that is not an array", DATAFILES, { status: 200, body: JSON.stringify(event({})) }, DATAFILES],
    ["a datafile that is not JSON", DATAFILES, { status: 200, body: "[{" }, DATAFILES],
    ["a datafile event without href", DATAFILES, { status: 200, body: JSON.stringify([without("href")]) }, DATAFILES],
  ];
  for (const [label, path, respond, urlPrefix] of asyncBreaks) {
    it(`asynchronous collection: ${label}`, async () => {
      await sim.fault({ kind: "respond", path, ...respond });
      const error = await rejection(() => queryEvents(sim.config(), ASYNC_QUERY));
      assertPceError(error, { kind: "invalid_response", url: await urlOf(urlPrefix) });
      const requests = await sent(sim);
      assert.equal(requests.filter((r) => r.path.startsWith(urlPrefix)).length, 1, "not retried");
      await assertRecovers(sim);
    });
  }

  it("isPceError is false for anything else", () => {
    for (const value of [new Error("x"), Object.assign(new Error("x"), { name: "PceError" }), { name: "PceError", kind: "http" }, null, undefined, "PceError", 1]) {
      assert.equal(isPceError(value), false, String(value));
    }
  });
});
