// Resumable watches: each batch's cursor, passed as resumeFrom to a new watch (as after a
// restart), continues exactly once through ties, late arrivals and a burst over 10000.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { watchEvents } from "illumio-events";
import { startSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, rejection, within } from "./helpers.mjs";

let sim;
before(async () => {
  sim = await startSim(["--events", "500", "--async-delay-ms", "0"]);
});
after(() => sim.stop());

const simNow = async () => Date.parse((await sim.control("GET", "clock")).now);
const iso = (ms) => new Date(ms).toISOString();
const inject = async (count, timestampMs, spreadMs = 0) =>
  (await sim.inject({ generate: count, timestamp: iso(timestampMs), spread_ms: spreadMs, overrides: { event_type: "test.resume" } }))
    .map((e) => e.href);

/** One batch of a new watch resumed from `cursor`, as a restarted process would take it. */
async function nextBatch(query, cursor, options = {}) {
  const watch = watchEvents(sim.config(), query, { intervalMs: 50, lookbackMs: 60000, resumeFrom: cursor, ...options });
  const step = await within(60000, watch.next(), "a resumed watch's batch");
  await watch.return();
  assert.equal(step.done, false);
  return step.value;
}

test("a watch restarted from every batch's cursor delivers each later event exactly once", { timeout: 180000 }, async () => {
  // `since` well before every event, so that only the lookback decides what is late.
  const query = { eventType: "test.resume", since: iso((await simNow()) - 600000) };
  const injected = [];
  const delivered = [];
  let cursor;
  const rounds = [
    async (now) => [...await inject(3, now), ...await inject(2, now)], // ties
    async (now) => [...await inject(1, now - 30000), ...await inject(2, now)], // late, inside lookbackMs
    async (now) => inject(4, now), // the same timestamp as nothing before, after a clock move
    async (now) => inject(10050, now - 5000, 5000), // a burst over 10000: the asynchronous collection
    async (now) => [...await inject(1, now - 59000), ...await inject(1, now)],
  ];
  for (const round of rounds) {
    const now = await simNow();
    injected.push(...await round(now));
    const batch = await nextBatch(query, cursor);
    assert.equal(typeof batch.cursor, "string");
    delivered.push(...batch.map((e) => e.href));
    cursor = batch.cursor;
    await sim.advanceClock(20000);
  }
  assert.equal(new Set(delivered).size, delivered.length, "no event twice");
  assert.deepEqual(new Set(delivered), new Set(injected), "every event");

  // The cursor's size follows the events of one lookback window, not the total: after
  // 5 minutes, only the one new event is remembered (17 characters + 14 an event).
  await sim.advanceClock(300000);
  const [last] = await inject(1, await simNow());
  const quiet = await nextBatch(query, cursor);
  assert.deepEqual(quiet.map((e) => e.href), [last]);
  assert.equal(quiet.cursor.length, 17 + 14);
  assert.ok(cursor.length > 10000 * 14, "the burst's window was remembered while it lasted");
});

test("a cursor of another org, other filters, another lookbackMs, a newer format or no cursor at all is refused", async () => {
  const [href] = await inject(1, await simNow());
  const query = { eventType: "test.resume", since: iso((await simNow()) - 1000) };
  const batch = await nextBatch(query, undefined);
  assert.ok(batch.map((e) => e.href).includes(href));
  const cases = [
    [sim.config({ orgId: 2 }), query, {}],
    [sim.config(), { ...query, severity: "err" }, {}],
    [sim.config(), query, { lookbackMs: 30000 }],
    [sim.config(), query, { resumeFrom: `2${batch.cursor.slice(1)}` }],
    [sim.config(), query, { resumeFrom: batch.cursor.slice(0, -1) }],
    [sim.config(), query, { resumeFrom: "" }],
    [sim.config(), query, { resumeFrom: 17 }],
  ];
  for (const [config, q, options] of cases) {
    await sim.clearRequests();
    const watch = watchEvents(config, q, { intervalMs: 50, lookbackMs: 60000, resumeFrom: batch.cursor, ...options });
    assertInvalidArgument(await rejection(() => watch.next()), "resumeFrom");
    await assertNothingSent(sim);
  }
  // `since` is only a floor: a later one still takes the cursor.
  const [next] = await inject(1, await simNow());
  const later = await nextBatch({ ...query, since: iso((await simNow()) - 10) }, batch.cursor);
  assert.deepEqual(later.map((e) => e.href), [next]);
});
