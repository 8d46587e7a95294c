// watchEvents through the packed package against pce-sim: exactly once, late
// events, bursts, a long `since`, failures that heal, revoked credentials, stopping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchEvents, countEvents, isPceError } from "illumio-events";
import { startSim, useSim } from "./sim.mjs";

const sim = useSim(["--events", "2000", "--async-delay-ms", "0", "--rate-limit", "0"]);

const simNow = async () => Date.parse((await sim.control("GET", "clock")).now);
const iso = (ms) => new Date(ms).toISOString();
const inject = (eventType, count, timestampMs, spreadMs = 0) =>
  sim.inject({ generate: count, timestamp: iso(timestampMs), spread_ms: spreadMs, overrides: { event_type: eventType } });

/** Pulls batches until `enough(all)` holds or `ms` pass; returns every delivered event. */
async function collect(iterator, enough, ms = 20000) {
  const all = [];
  const deadline = Date.now() + ms;
  while (!enough(all)) {
    const left = deadline - Date.now();
    assert.ok(left > 0, `timed out with ${all.length} events delivered`);
    const step = await Promise.race([
      iterator.next(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("next() did not settle")), left)),
    ]);
    assert.equal(step.done, false);
    assert.ok(Array.isArray(step.value) && step.value.length > 0, "each batch is non-empty");
    all.push(...step.value);
  }
  return all;
}

/** An iterator whose first next() is an already pending one. */
const resuming = (pending, iterator) => {
  let used = false;
  return { next: () => (used ? iterator.next() : ((used = true), pending)) };
};

const hrefs = (events) => events.map((e) => e.href);
const unique = (list) => new Set(list).size === list.length;

test("delivers events that share a timestamp, each exactly once, and not what existed before", async () => {
  const watch = watchEvents(sim.config(), { eventType: "test.shared" }, { intervalMs: 100 });
  const first = watch.next();
  await new Promise((r) => setTimeout(r, 300));
  const at = await simNow();
  const injected = await inject("test.shared", 5, at);
  const batch1 = await collect(resuming(first, watch), (all) => all.length >= 5);
  assert.deepEqual(new Set(hrefs(batch1)), new Set(hrefs(injected)));
  assert.ok(batch1.every((e) => e.timestamp === iso(at)));
  const more = await inject("test.shared", 3, at);
  const batch2 = await collect(watch, (all) => all.length >= 3);
  assert.deepEqual(new Set(hrefs(batch2)), new Set(hrefs(more)), "only the new events, none again");
  await watch.return();

  // Without `since`, the seeded history is not delivered: only what appears after the start.
  const everything = watchEvents(sim.config(), {}, { intervalMs: 100 });
  const pending = everything.next();
  await new Promise((r) => setTimeout(r, 300));
  const [marker] = await inject("test.after_start", 1, await simNow());
  const delivered = await collect(resuming(pending, everything), (all) => all.length >= 1);
  assert.deepEqual(hrefs(delivered), [marker.href]);
  await everything.return();
});

test("delivers late events inside lookbackMs, oldest first, and not those older than it", async () => {
  const [existing] = await inject("test.late", 1, (await simNow()) - 10000);
  const watch = watchEvents(sim.config(), { eventType: "test.late" }, { intervalMs: 100, lookbackMs: 60000 });
  await new Promise((r) => setTimeout(r, 300));
  const now = await simNow();
  const [recent] = await inject("test.late", 1, now);
  const got = await collect(watch, (all) => all.length >= 1);
  assert.deepEqual(hrefs(got), [recent.href], "what existed when the watch started is not delivered");
  assert.notEqual(existing.href, recent.href);
  // Windows follow the PCE's timestamps: 30 s before the newest event is inside, 5 min is not.
  const [late] = await inject("test.late", 1, now - 30000);
  const [tooLate] = await inject("test.late", 1, now - 300000);
  const [newer] = await inject("test.late", 1, now + 1000);
  const next = await collect(watch, (all) => all.length >= 2);
  assert.deepEqual(hrefs(next), [late.href, newer.href], "oldest first");
  assert.ok(!hrefs(next).includes(tooLate.href));
  await watch.return();
});

test("a burst of more than 10000 events in one interval arrives whole", async () => {
  await sim.clearRequests();
  const watch = watchEvents(sim.config(), { eventType: "test.burst" }, { intervalMs: 200 });
  const first = watch.next();
  await new Promise((r) => setTimeout(r, 400));
  const injected = await inject("test.burst", 10500, await simNow(), 2000);
  const all = await collect(resuming(first, watch), (got) => got.length >= 10500);
  assert.equal(all.length, 10500);
  assert.ok(unique(hrefs(all)));
  assert.deepEqual(new Set(hrefs(all)), new Set(hrefs(injected)));
  const stamps = all.map((e) => Date.parse(e.timestamp));
  assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b), "oldest first");
  const log = await sim.requests();
  assert.ok(log.some((r) => r.headers.prefer === "respond-async"), "the asynchronous collection was used");
  await watch.return();
});

test("a failing PCE is reported through onError, backed off, and what it missed arrives after it heals", async () => {
  const errors = [];
  const watch = watchEvents(
    sim.config({ maxRetries: 0 }),
    { eventType: "test.heal" },
    { intervalMs: 100, onError: (e) => errors.push(e) },
  );
  const pending = watch.next();
  await new Promise((r) => setTimeout(r, 300));
  await sim.fault({ kind: "respond", status: 503, times: 3, path: "/api/v2/orgs/1/events", body: "<html>down</html>" });
  const missed = await inject("test.heal", 4, await simNow());
  const got = await collect(resuming(pending, watch), (all) => all.length >= 4);
  assert.deepEqual(new Set(hrefs(got)), new Set(hrefs(missed)));
  assert.equal(errors.length, 3, JSON.stringify((await sim.requests()).slice(-8).map((r) => r.query)));
  for (const e of errors) {
    assert.ok(isPceError(e));
    assert.equal(e.kind, "http");
    assert.equal(e.status, 503);
  }
  await watch.return();
});

test("revoked credentials end the watch with the 401 error", async () => {
  const watch = watchEvents(sim.config(), { eventType: "test.revoked" }, { intervalMs: 100 });
  await sim.fault({ kind: "respond", status: 401, times: 20, body: '[{"token":"authentication_failed","message":"Invalid API key"}]' });
  await assert.rejects(watch.next(), (e) => isPceError(e) && e.kind === "http" && e.status === 401 && e.token === "authentication_failed");
  assert.deepEqual(await watch.next(), { value: undefined, done: true });
  await sim.clearFaults();
});

async function requestsDuring(ms) {
  // A request already on the wire when the watch ended may reach a busy simulator's log a
  // moment later: let it land before counting what comes after.
  await new Promise((r) => setTimeout(r, 100));
  const before = (await sim.requests()).length;
  await new Promise((r) => setTimeout(r, ms));
  return (await sim.requests()).length - before;
}

test("break, return() and the signal stop the watch at once and send nothing more", async () => {
  const [seed] = await inject("test.stop", 1, await simNow());
  for await (const batch of watchEvents(sim.config(), { eventType: "test.stop", since: iso(Date.parse(seed.timestamp) - 1000) }, { intervalMs: 50 })) {
    assert.deepEqual(hrefs(batch), [seed.href]);
    break;
  }
  assert.equal(await requestsDuring(500), 0, "nothing after break");

  const returned = watchEvents(sim.config(), { eventType: "test.stop" }, { intervalMs: 50 });
  const pending = returned.next();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await returned.return(), { value: undefined, done: true });
  assert.deepEqual(await pending, { value: undefined, done: true }, "the pending next() resolves done");
  assert.equal(await requestsDuring(500), 0, "nothing after return()");

  const controller = new AbortController();
  const signalled = watchEvents(sim.config(), { eventType: "test.stop" }, { intervalMs: 50, signal: controller.signal });
  const waiting = signalled.next();
  await new Promise((r) => setTimeout(r, 200));
  controller.abort();
  assert.deepEqual(await waiting, { value: undefined, done: true });
  assert.equal(await requestsDuring(500), 0, "nothing after the signal");
  assert.deepEqual(await signalled.next(), { value: undefined, done: true });

  const preAborted = watchEvents(sim.config(), {}, { signal: AbortSignal.abort() });
  await sim.clearRequests();
  assert.deepEqual(await preAborted.next(), { value: undefined, done: true });
  assert.equal((await sim.requests()).length, 0);
});

test("invalid options reject the first next() and send nothing", async () => {
  await sim.clearRequests();
  const cases = [
    [sim.config(), { until: "2026-11-20T00:00:00Z" }, {}, "until"],
    [sim.config(), { maxResults: 5 }, {}, "maxResults"],
    [sim.config(), { severity: "error" }, {}, "severity"],
    [sim.config(), {}, { intervalMs: 0 }, "intervalMs"],
    [sim.config(), {}, { lookbackMs: -1 }, "lookbackMs"],
    [sim.config(), {}, { onError: "log" }, "onError"],
    [sim.config({ orgId: 0 }), {}, {}, "orgId"],
  ];
  for (const [config, query, options, named] of cases) {
    const watch = watchEvents(config, query, options);
    assert.equal(typeof watch[Symbol.asyncIterator], "function");
    await assert.rejects(watch.next(), (e) => isPceError(e) && e.kind === "invalid_argument" && e.message.includes(`\`${named}\``));
    assert.deepEqual(await watch.next(), { value: undefined, done: true });
  }
  assert.equal((await sim.requests()).length, 0);
});

test("with since 30 days back over 100000 events, the first batch holds every one", async () => {
  const big = await startSim(["--events", "100000", "--days", "30", "--async-delay-ms", "0", "--rate-limit", "0"]);
  try {
    const since = iso(Date.parse("2026-11-20T12:00:00Z") - 30 * 86400000);
    const expected = await countEvents(big.config(), { since });
    assert.ok(expected >= 99000, `${expected} events in 30 days`);
    const watch = watchEvents(big.config({ timeoutMs: 120000 }), { since }, { intervalMs: 1000 });
    const { value: first } = await watch.next();
    assert.equal(first.length, expected);
    assert.ok(unique(hrefs(first)));
    const stamps = first.map((e) => Date.parse(e.timestamp));
    assert.ok(stamps.every((t, i) => i === 0 || stamps[i - 1] <= t), "oldest first");
    await watch.return();
  } finally {
    await big.stop();
  }
});
