// queryTimeline through the packed package against pce-sim: its counts equal eventTimeline over
// the same events downloaded (an independent path), boundaries are counted once, the request
// budgets hold (counted at pce-sim), cancelling stops the plan, partials fill in, small
// windows are downloaded, and a PCE whose counts ignore the filters fails loudly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { eventTimeline, queryEvents, queryTimeline } from "illumio-events";
import { createRequire } from "node:module";
import { useSim } from "./sim.mjs";
import { assertInvalidArgument, assertNothingSent, assertPceError, delay, rejection, sent } from "./helpers.mjs";

const NOW = Date.parse("2026-11-20T12:00:00Z");
const DAY = 86400e3;
const iso = (ms) => new Date(ms).toISOString();
const EVENTS = "/api/v2/orgs/1/events";

const sim = useSim(["--events", "6000", "--days", "10"], { setUp: async (sim) => {
  // Events exactly on day boundaries and on the window's edges used below.
  for (const at of [NOW - 3 * DAY, NOW - 2 * DAY, Date.parse("2026-11-18T00:00:00Z"), Date.parse("2026-11-19T00:00:00Z")]) {
    await sim.inject({ generate: 3, timestamp: iso(at), spread_ms: 0 });
  }
} });

/** The oracle: every event of the window downloaded, counted locally by eventTimeline. */
async function downloadedTimeline(query, options) {
  const events = await queryEvents(sim.config(), { ...query, maxResults: 10000 });
  assert.ok(events.length < 10000, "the oracle's window fits one page");
  return eventTimeline(events, { start: query.since, end: query.until, ...options });
}

/** Asserts a counted timeline equals the oracle's, "other" being the types it has no group for. */
function assertSameCounts(counted, oracle) {
  assert.deepEqual(counted.groups.filter((g) => g !== "other"), oracle.groups.filter((g) => counted.groups.includes(g)),
    "groups in eventTimeline's order");
  assert.equal(counted.bucketMs, oracle.bucketMs);
  assert.equal(counted.start, oracle.start);
  assert.deepEqual(counted.buckets.map((b) => b.start), oracle.buckets.map((b) => b.start));
  assert.deepEqual(counted.buckets.map((b) => b.total), oracle.buckets.map((b) => b.total));
  counted.buckets.forEach((bucket, i) => {
    const want = oracle.buckets[i].counts;
    let named = 0;
    for (const group of counted.groups) {
      if (group === "other") continue;
      assert.equal(bucket.counts[group], want[group] ?? 0, `bucket ${bucket.start} group ${group}`);
      named += bucket.counts[group];
    }
    const sum = counted.groups.reduce((a, g) => a + bucket.counts[g], 0);
    assert.equal(sum, bucket.total, `bucket ${bucket.start}: the groups add up to its total`);
    if (counted.groups.includes("other")) assert.equal(bucket.counts.other, bucket.total - named);
  });
}

describe("queryTimeline", { timeout: 180000 }, () => {
  const windows = [
    [{ since: iso(NOW - 10 * DAY), until: iso(NOW) }, {}],
    [{ since: iso(NOW - 3 * DAY), until: iso(NOW - 2 * DAY) }, { bucketMs: 3600e3 }],
    [{ since: "2026-11-17T05:00:00.250Z", until: "2026-11-19T00:00:00Z" }, { bucketMs: DAY }],
    [{ since: iso(NOW - 7 * DAY), until: iso(NOW), severity: "err" }, {}],
    [{ since: iso(NOW - 7 * DAY), until: iso(NOW), status: "failure", eventType: ["user.sign_in", "user.sign_out", "agent.tampering"] }, { bucketMs: DAY }],
  ];
  for (const groupBy of ["severity", "status", "event_type"]) {
    it(`counts by ${groupBy} what eventTimeline counts over the downloaded events`, async () => {
      for (const [query, options] of windows) {
        // Nine event-type groups counted hourly need more than the default 200 requests.
        const maxRequests = groupBy === "event_type" ? 1000 : 200;
        const counted = await queryTimeline(sim.config(), query, { ...options, groupBy, downloadBelow: 0, maxRequests });
        assert.equal(counted.source, "counts");
        assert.ok(counted.requests <= maxRequests, `${counted.requests} requests`);
        const oracle = await downloadedTimeline(query, { bucketMs: counted.bucketMs, groupBy });
        assertSameCounts(counted, oracle);
        assert.ok(oracle.buckets.some((b) => b.total > 0), "the window is not empty");
      }
    });
  }

  it("counts events exactly on bucket boundaries and window edges once", async () => {
    const query = { since: "2026-11-17T00:00:00Z", until: "2026-11-19T00:00:00Z" };
    const counted = await queryTimeline(sim.config(), query, { bucketMs: DAY, downloadBelow: 0 });
    const oracle = await downloadedTimeline(query, { bucketMs: DAY });
    assertSameCounts(counted, oracle);
    assert.equal(counted.buckets.length, 3, "the last bucket holds only the events at `until`");
    assert.ok(counted.buckets[2].total >= 3);
  });

  it("asks one count per boundary and group, and fits 30 days into maxRequests", async () => {
    await sim.clearRequests();
    const counted = await queryTimeline(sim.config(), { since: iso(NOW - 30 * DAY), until: iso(NOW) }, { downloadBelow: 0 });
    const requests = await sent(sim);
    assert.equal(requests.length, counted.requests);
    assert.ok(requests.length <= 200, `${requests.length} requests`);
    assert.ok(requests.every((r) => new URLSearchParams(r.query).get("max_results") === "0"), "only counts");
    assert.ok(counted.buckets.length <= 120);
    const small = await queryTimeline(sim.config(), { since: iso(NOW - 30 * DAY), until: iso(NOW) }, { downloadBelow: 0, maxRequests: 40 });
    assert.ok(small.requests <= 40 && small.bucketMs > counted.bucketMs, `${small.requests} requests, ${small.bucketMs} ms buckets`);
    assert.deepEqual(small.buckets.reduce((a, b) => a + b.total, 0), counted.buckets.reduce((a, b) => a + b.total, 0));
  });

  it("hands out partial timelines while buckets are counted", async () => {
    const partials = [];
    const counted = await queryTimeline(sim.config(), { since: iso(NOW - 10 * DAY), until: iso(NOW) },
      { downloadBelow: 0, concurrency: 2, onPartial: (p) => partials.push(p) });
    assert.ok(partials.length > 5, `${partials.length} partials`);
    for (let i = 1; i < partials.length; i++) {
      assert.ok(partials[i].pending.length <= partials[i - 1].pending.length);
      assert.equal(partials[i].requestsDone, partials[i - 1].requestsDone + 1, "one more count answered");
      assert.equal(partials[i].requestsPlanned, partials[0].requestsPlanned, "the plan is fixed once it starts");
    }
    const last = partials.at(-1);
    assert.deepEqual(last.pending, []);
    assert.equal(last.requestsPlanned, counted.requests, "only the two checks follow the last partial");
    assert.equal(last.requestsDone, counted.requests - 2);
    assert.deepEqual(last.buckets, counted.buckets);
    for (const p of partials) {
      p.buckets.forEach((b, i) => { if (p.pending.includes(i)) assert.equal(b.total, 0); else assert.equal(b.total, counted.buckets[i].total); });
    }
  });

  it("downloads a small window and counts it with eventTimeline", async () => {
    await sim.clearRequests();
    const query = { since: iso(NOW - 2 * DAY), until: iso(NOW - DAY) };
    const downloaded = await queryTimeline(sim.config(), query, { groupBy: "status", bucketMs: 3600e3 });
    assert.equal(downloaded.source, "events");
    assert.equal((await sent(sim)).length, 2, "one count, one GET of the events");
    assert.equal(downloaded.requests, 2);
    assertSameCounts(downloaded, await queryTimeline(sim.config(), query, { groupBy: "status", bucketMs: 3600e3, downloadBelow: 0 }));
  });

  it("cancels every request at once and sends nothing more", async () => {
    const stop = new AbortController();
    await sim.clearRequests();
    const error = await rejection(() => queryTimeline(sim.config(), { since: iso(NOW - 30 * DAY), until: iso(NOW) },
      { downloadBelow: 0, bucketMs: DAY, concurrency: 2, signal: stop.signal, onPartial: () => stop.abort() }));
    assertPceError(error, { kind: "aborted" });
    // What was on the wire when it aborted may reach pce-sim's log a moment later.
    await delay(200);
    const atAbort = (await sim.requests()).length;
    await delay(500);
    assert.equal((await sim.requests()).length, atAbort, "nothing sent after the abort");
    assert.ok(atAbort < 30, `${atAbort} requests of a plan of about 40`);
  });

  it("keeps every call for one PCE and key within requestsPerMinute", async () => {
    const config = sim.config({ requestsPerMinute: 25 });
    const stop = new AbortController();
    await sim.clearRequests();
    const window = { since: iso(NOW - 10 * DAY), until: iso(NOW), signal: stop.signal };
    const calls = [
      queryTimeline(config, window, { downloadBelow: 0, bucketMs: DAY }),
      queryTimeline(config, window, { downloadBelow: 0, groupBy: "status", bucketMs: DAY }),
      queryEvents(config, { ...window, maxResults: 5 }),
    ].map((p) => p.then(() => null, (e) => e));
    await delay(1500);
    assert.equal((await sim.requests()).length, 25, "25 requests, then the calls wait their turn");
    stop.abort();
    const errors = await Promise.all(calls);
    assert.ok(errors.some((e) => e?.kind === "aborted"), "the waiting calls end when cancelled");
    await delay(300);
    assert.equal((await sim.requests()).length, 25);
    // Another key on the same PCE has a budget of its own.
    const other = await queryTimeline({ ...config, apiKey: "api_other" }, { since: iso(NOW - DAY), until: iso(NOW) }).catch((e) => e);
    assertPceError(other, { kind: "http", status: 401 });
  });

  it("fails loudly when the PCE's X-Total-Count ignores the filters", async () => {
    for (const scope of ["window", "all"]) {
      await sim.fault({ kind: "count_ignores_filters", scope, path: EVENTS, times: 10000 });
      const error = await rejection(() => queryTimeline(sim.config(), { since: iso(NOW - 10 * DAY), until: iso(NOW) }, { downloadBelow: 0 }));
      assertPceError(error, { kind: "invalid_response" });
      assert.match(error.message, /ignores the filters/);
      await sim.clearFaults();
    }
  });

  it("fails, saying so, when events arrive in the window while it is counted", async () => {
    let injected;
    const error = await rejection(() => queryTimeline(sim.config(), { since: iso(NOW - 10 * DAY), until: iso(NOW) },
      { downloadBelow: 0, concurrency: 1, onPartial: () => { injected ??= sim.inject({ generate: 1, timestamp: iso(NOW - 5 * DAY) }); } }));
    await injected;
    assertPceError(error, { kind: "invalid_response" });
    assert.match(error.message, /arrived or expired/);
  });

  it("refuses invalid options before sending anything", async () => {
    await sim.clearRequests();
    const window = { since: iso(NOW - DAY) };
    for (const [query, options, option] of [
      [window, { groupBy: "created_by" }, "groupBy"],
      [window, { groupBy: "nope" }, "groupBy"],
      [window, { maxGroups: 3 }, "maxGroups"],
      [window, { concurrency: 0 }, "concurrency"],
      [window, { maxRequests: 1.5 }, "maxRequests"],
      [window, { downloadBelow: 10001 }, "downloadBelow"],
      [window, { bucketMs: 0 }, "bucketMs"],
      [window, { onPartial: "log" }, "onPartial"],
      [window, { start: iso(NOW) }, "start"],
      [window, "severity", "options"],
      [{}, {}, "since"],
      [{ ...window, maxResults: 5 }, {}, "maxResults"],
      [{ ...window, since: "yesterday" }, {}, "since"],
    ]) {
      assertInvalidArgument(await rejection(() => queryTimeline(sim.config(), query, options)), option);
    }
    const created = await rejection(() => queryTimeline(sim.config(), window, { groupBy: "created_by" }));
    assert.match(created.message, /eventTimeline/);
    await assertNothingSent(sim);
    const tooFine = await rejection(() => queryTimeline(sim.config(), { since: iso(NOW - 30 * DAY), until: iso(NOW) }, { bucketMs: 60e3, downloadBelow: 0 }));
    assertInvalidArgument(tooFine, "bucketMs");
    assert.match(tooFine.message, /needs \d+ requests/);
  });
});

// The planner's pure parts, from the packed package's own file.
const planner = createRequire(import.meta.url)(new URL("./node_modules/illumio-events/node/query-timeline.cjs", import.meta.url).pathname);

describe("queryTimeline's planner", () => {
  it("grows the buckets to the next round size that fits the budget", () => {
    const since = Date.parse("2026-10-21T12:00:00.123Z");
    const until = since + 30 * DAY;
    assert.equal(planner.fitPlan(since, until, undefined, 1, 2, 1000).bucketMs, 12 * 3600e3, "eventTimeline's default");
    assert.equal(planner.fitPlan(since, until, undefined, 4, 2, 200).bucketMs, DAY);
    const weekly = planner.fitPlan(since, until, undefined, 8, 2, 200);
    assert.equal(weekly.bucketMs, 7 * DAY, "eight columns a boundary: weekly bars");
    assert.equal(weekly.firstMs % (7 * DAY), 0, "aligned to the epoch, as eventTimeline");
    assert.throws(() => planner.fitPlan(since, until, 3600e3, 1, 2, 200), /needs 722 requests/);
    assert.throws(() => planner.fitPlan(since, until, undefined, 8, 2, 20), /`maxRequests`/);
  });

  it("makes buckets of boundary differences, derives the last group and refuses what cannot be", () => {
    // N(b) and N_err(b) at three boundaries; the second group is the total less err.
    const a = planner.assemble(new Float64Array([10, 4, 6, 1, 2, 0]), 1, 2, "u");
    assert.deepEqual([...a.totals], [4, 4, 2]);
    assert.deepEqual([...a.counts], [3, 1, 1, 3, 0, 2]);
    const p = planner.assemble(new Float64Array([10, 4, NaN, 1, 2, 0]), 1, 2, "u");
    assert.deepEqual(p.pending, [0, 1]);
    assert.throws(() => planner.assemble(new Float64Array([5, 1, 6, 1]), 1, 2, "u"), /ignores the filters/);
    assert.throws(() => planner.assemble(new Float64Array([5, 9]), 1, 2, "u"), /ignores the filters/);
  });

  it("chooses groups: values that occur, the rest derived", () => {
    assert.deepEqual(planner.groupsOf("severity", ["err", "warning", "info"], [4, 0, 10], 14), { names: ["err", "info"], asked: 1 });
    assert.deepEqual(planner.groupsOf("status", ["success", "failure"], [7, 0], 9), { names: ["success", "null"], asked: 1 });
    assert.deepEqual(planner.groupsOf("status", ["success", "failure"], [7, 2], 9), { names: ["success", "failure"], asked: 1 });
    assert.deepEqual(planner.groupsOf("event_type", ["a", "b"], [5, 3], 10), { names: ["a", "b", "other"], asked: 2 });
    assert.deepEqual(planner.frequentTypes(["b", "a", "c", "a", "b", "d", "a"], 2), ["a", "b"]);
  });
});
