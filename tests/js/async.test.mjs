// maxResults above 10000: the asynchronous GET collection (Prefer: respond-async, job polls,
// datafile), the result cut to maxResults, onProgress, a failed job, and asyncTimeoutMs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countEvents, queryEvents } from "illumio-events";
import { useSim } from "./sim.mjs";
import { assertPceError, assertQuiet, assertRecovers, rejection, sent, within } from "./helpers.mjs";

const sim = useSim(["--async-delay-ms", "300", "--events", "10100"]);

const EVENTS = "/api/v2/orgs/1/events";
const JOBS = "/api/v2/orgs/1/jobs/";
const DATAFILES = "/api/v2/orgs/1/datafiles/";

/** Checks the request sequence of one asynchronous collection and returns the job's path. */
function checkExchange(requests, expectedQuery) {
  const [first, ...rest] = requests;
  assert.equal(first.path, EVENTS);
  assert.equal(first.query, expectedQuery);
  assert.equal(first.headers.prefer, "respond-async");
  const polls = rest.filter((r) => r.path.startsWith(JOBS));
  const downloads = rest.filter((r) => r.path.startsWith(DATAFILES));
  assert.ok(polls.length >= 1, "the job was polled");
  assert.equal(downloads.length, 1, "one datafile download");
  assert.deepEqual(rest, [...polls, ...downloads], "polls, then the download");
  assert.equal(new Set(polls.map((p) => p.path)).size, 1, "one job");
  for (const r of rest) {
    assert.equal(r.query, "");
    assert.equal(r.headers.prefer, undefined, `${r.path} does not ask for async`);
  }
  return polls[0].path.slice("/api/v2".length);
}

function checkProgress(seen, job) {
  const phases = seen.map((p) => p.phase);
  assert.equal(phases[0], "requested", phases.join());
  assert.deepEqual(phases.slice(-2), ["downloading", "done"], phases.join());
  assert.ok(phases.slice(1, -2).every((p) => p === "running"), phases.join());
  let last = 0;
  for (const p of seen) {
    assert.deepEqual(Object.keys(p).sort(), ["elapsedMs", "job", "phase"]);
    assert.equal(typeof p.elapsedMs, "number");
    assert.ok(Number.isFinite(p.elapsedMs) && p.elapsedMs >= last, `elapsedMs ${p.elapsedMs} after ${last}`);
    last = p.elapsedMs;
    assert.equal(p.job, job);
  }
}

const RUNNING_JOB = (job) => JSON.stringify({ href: job, job_type: ":illumio/async_requests", description: "", result: {}, status: "running", requested_at: "2026-11-20T12:00:00.000Z", requested_by: { href: "/users/1" } });

describe("the asynchronous collection", { timeout: 120000 }, () => {
  it("maxResults 10001: Prefer: respond-async, job poll at Retry-After, datafile, progress in order", async () => {
    const total = await countEvents(sim.config());
    assert.ok(total > 10001, `more events than asked for: ${total}`);
    await sim.clearRequests();
    const seen = [];
    const events = await within(60000, queryEvents(sim.config(), { maxResults: 10001, onProgress: (p) => seen.push(p) }));
    assert.equal(events.length, 10001);
    const job = checkExchange(await sent(sim), "max_results=10001");
    assert.match(job, /^\/orgs\/1\/jobs\/[A-Za-z0-9-]+$/);
    checkProgress(seen, job);
    const { body } = await sim.rawJson("/orgs/1/events?max_results=10000");
    assert.deepStrictEqual(events.slice(0, 10000), body, "the newest events, in the PCE's order");
    assert.equal(new Set(events.map((e) => e.href)).size, 10001);
  });

  it("onProgress: requested, running (each poll of a running job), downloading, done", async () => {
    const seen = [];
    const pending = queryEvents(sim.config(), { eventType: "user.sign_in", maxResults: 20000, onProgress: (p) => seen.push(p) });
    // The job's href is known once the 202 arrived; two polls then see it running.
    await within(10000, (async () => { while (!seen.length) await new Promise((r) => setTimeout(r, 5)); })());
    const job = seen[0].job;
    await sim.fault({ kind: "respond", path: `/api/v2${job}`, status: 200, headers: { "Retry-After": "0" }, body: RUNNING_JOB(job), times: 2 });
    const events = await within(60000, pending);
    assert.ok(events.length > 0);
    checkExchange(await sent(sim), "event_type=user.sign_in&max_results=20000");
    checkProgress(seen, job);
    assert.deepEqual(seen.map((p) => p.phase), ["requested", "running", "running", "downloading", "done"]);
  });

  it("the result is cut to maxResults when the datafile holds more", async () => {
    const { body } = await sim.rawJson("/orgs/1/events?max_results=10000");
    const { body: more } = await sim.rawJson("/orgs/1/events?event_type=user.sign_in&max_results=5");
    const datafile = [...body, ...more.map((e, i) => ({ ...e, href: `/orgs/1/events/extra-${i}` }))];
    await sim.fault({ kind: "respond", path: DATAFILES, status: 200, body: JSON.stringify(datafile) });
    const events = await within(60000, queryEvents(sim.config(), { maxResults: 10002 }));
    assert.equal(events.length, 10002);
    assert.deepStrictEqual(events, datafile.slice(0, 10002));
  });

  it("a maxResults above the matches returns every match, exactly", async () => {
    const seen = [];
    const events = await within(60000, queryEvents(sim.config(), { eventType: "user.sign_in", maxResults: 50000, onProgress: (p) => seen.push(p) }));
    const job = checkExchange(await sent(sim), "event_type=user.sign_in&max_results=50000");
    checkProgress(seen, job);
    const { body } = await sim.rawJson("/orgs/1/events?event_type=user.sign_in&max_results=10000");
    assert.ok(body.length > 0 && body.length < 10000);
    assert.deepStrictEqual(events, body);
  });

  it("every filter goes out with the asynchronous request", async () => {
    const query = { eventType: "user.sign_in", status: "success", severity: "info", since: "2026-11-01T00:00:00Z", until: new Date("2026-11-20T00:00:00Z"), maxResults: 10002 };
    const events = await within(60000, queryEvents(sim.config(), query));
    const qs = "event_type=user.sign_in&status=success&severity=info&timestamp%5Bgte%5D=2026-11-01T00%3A00%3A00Z&timestamp%5Blte%5D=2026-11-20T00%3A00%3A00.000Z";
    checkExchange(await sent(sim), `${qs}&max_results=10002`);
    const { body } = await sim.rawJson(`/orgs/1/events?${qs}&max_results=10000`);
    assert.ok(body.length > 0);
    assert.deepStrictEqual(events, body);
  });

  it("a PCE that answers 200 at once to the asynchronous request is taken at its word", async () => {
    const { body } = await sim.rawJson("/orgs/1/events?max_results=4");
    await sim.fault({ kind: "respond", path: EVENTS, status: 200, body: JSON.stringify(body) });
    const events = await within(60000, queryEvents(sim.config(), { maxResults: 10001 }));
    assert.deepStrictEqual(events, body);
    assert.equal((await sent(sim)).length, 1);
  });

  it("a throwing onProgress does not break the collection", async () => {
    let calls = 0;
    const events = await within(60000, queryEvents(sim.config(), { eventType: "user.sign_in", maxResults: 20000, onProgress: () => { calls++; throw new Error("observer bug"); } }));
    assert.ok(events.length > 0);
    assert.ok(calls >= 3);
  });

  it("a transient 503 at a job poll is retried and the collection completes", async () => {
    await sim.fault({ kind: "respond", path: JOBS, status: 503, headers: { "Retry-After": "0" }, body: "" });
    const events = await within(60000, queryEvents(sim.config(), { eventType: "user.sign_in", maxResults: 20000 }));
    assert.ok(events.length > 0);
    const requests = await sent(sim);
    assert.ok(requests.filter((r) => r.path.startsWith(JOBS)).length >= 2);
  });
});

describe("a failed or stuck job", { timeout: 60000 }, () => {
  it("a failed job is async_job_failed with the PCE's message, and polling stops", async () => {
    await sim.fault({ kind: "job_fail", message: "Datafile generation failed: disk quota exceeded" });
    const seen = [];
    const error = await within(30000, rejection(() => queryEvents(sim.config(), { maxResults: 20000, onProgress: (p) => seen.push(p) })));
    const requests = await sent(sim);
    const polls = requests.filter((r) => r.path.startsWith(JOBS));
    assert.ok(polls.length >= 1);
    assertPceError(error, { kind: "async_job_failed", status: undefined, pceMessage: "Datafile generation failed: disk quota exceeded", url: `${sim.url}${polls[0].path}` });
    assert.ok(error.message.includes("disk quota exceeded"), error.message);
    assert.equal(requests.filter((r) => r.path.startsWith(DATAFILES)).length, 0, "no download");
    assert.ok(!seen.some((p) => p.phase === "downloading" || p.phase === "done"));
    await assertQuiet(sim);
    await assertRecovers(sim);
  });

  it("asyncTimeoutMs: a job that never finishes is a timeout naming asyncTimeoutMs, and polling stops", async () => {
    await sim.fault({ kind: "job_stuck" });
    // The simulator asks for polls a second apart: the limit leaves room for a poll or two.
    const error = await within(30000, rejection(() => queryEvents(sim.config({ asyncTimeoutMs: 2500 }), { maxResults: 20000 })));
    assertPceError(error, { kind: "timeout", status: undefined });
    assert.match(error.message, /asyncTimeoutMs/);
    const requests = await sent(sim);
    assert.ok(requests.filter((r) => r.path.startsWith(JOBS)).length >= 1, "the job was polled before the limit");
    // A stuck job is polled a second apart (its Retry-After): wait longer than that.
    await assertQuiet(sim, 1500);
    await assertRecovers(sim);
  });

  it("asyncTimeoutMs bounds a datafile download that hangs, below timeoutMs", async () => {
    await sim.fault({ kind: "hang", path: DATAFILES });
    const error = await within(30000, rejection(() => queryEvents(sim.config({ asyncTimeoutMs: 1500, timeoutMs: 60000 }), { eventType: "user.sign_in", maxResults: 20000 })));
    assertPceError(error, { kind: "timeout" });
    assert.match(error.message, /asyncTimeoutMs/);
    await assertRecovers(sim);
  });
});
