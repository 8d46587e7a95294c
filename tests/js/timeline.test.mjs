// eventTimeline through the packed package: synchronous before any other call,
// round default sizes, contiguous UTC-aligned buckets, groups, skipped, errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eventTimeline, queryEvents, isPceError } from "illumio-events";
import { useSim } from "./sim.mjs";

const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL("../fixtures/illumio-py-events.json", import.meta.url)), "utf8"),
);
const MIN = 60000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const sim = useSim(["--events", "6000", "--days", "30"]);

/** Checks the invariants every timeline holds. */
function assertWellFormed(t, eventCount) {
  assert.ok(t.buckets.length >= 1);
  assert.equal(Date.parse(t.buckets[0].start) % t.bucketMs, 0, "aligned to a multiple of bucketMs since the epoch");
  t.buckets.forEach((b, i) => {
    assert.equal(Date.parse(b.start), Date.parse(t.buckets[0].start) + i * t.bucketMs, "contiguous");
    assert.deepEqual(Object.keys(b.counts), t.groups, "every group in every bucket, in the groups' order");
    assert.equal(Object.values(b.counts).reduce((a, n) => a + n, 0), b.total);
  });
  const last = Date.parse(t.buckets.at(-1).start);
  assert.ok(last <= Date.parse(t.end) && Date.parse(t.end) < last + t.bucketMs, "the last bucket holds end");
  assert.equal(t.buckets.reduce((a, b) => a + b.total, 0) + t.skipped, eventCount, "totals + skipped = events");
}

test("is synchronous and usable before any other call, from ESM and CommonJS", () => {
  const cwd = fileURLToPath(new URL(".", import.meta.url));
  const events = JSON.stringify(fixtures.slice(0, 3));
  const esm = execFileSync(process.execPath, [
    "--input-type=module",
    "-e",
    `import { eventTimeline } from "illumio-events"; const t = eventTimeline(${events}); console.log(t instanceof Promise, t.buckets.reduce((a, b) => a + b.total, 0));`,
  ], { cwd, encoding: "utf8" });
  assert.equal(esm.trim(), "false 3");
  const cjs = execFileSync(process.execPath, [
    "-e",
    `const { eventTimeline } = require("illumio-events"); console.log(eventTimeline(${events}, { groupBy: "created_by" }).groups.join(","));`,
  ], { cwd, encoding: "utf8" });
  assert.equal(cjs.trim(), "system,user");
});

test("the real payloads: default window, one-minute buckets, every grouping", () => {
  const t = eventTimeline(fixtures);
  assert.equal(t.start, "2022-08-17T16:53:58.576Z");
  assert.equal(t.end, "2022-08-17T18:12:24.268Z");
  assert.equal(t.bucketMs, MIN, "79 minutes fit in 120 one-minute buckets");
  assert.equal(t.buckets[0].start, "2022-08-17T16:53:00.000Z");
  assert.equal(t.buckets.length, 80);
  assert.deepEqual(t.groups, ["info"]);
  assert.equal(t.skipped, 0);
  assertWellFormed(t, fixtures.length);
  assert.equal(t.buckets.find((b) => b.start === "2022-08-17T17:44:00.000Z").total, 3);

  assert.deepEqual(eventTimeline(fixtures, { groupBy: "status" }).groups, ["failure", "success"]);
  assert.deepEqual(eventTimeline(fixtures, { groupBy: "created_by" }).groups, ["system", "user"]);
  assert.deepEqual(eventTimeline(fixtures, { groupBy: "event_type" }).groups, [
    "sec_rule.create", "system_task.expire_service_account_api_keys", "user.login", "user.logout", "user.sign_in", "user.sign_out",
  ]);
});

test("groups are the values as sent: null, unknown severities and creator kinds included", () => {
  const at = "2026-11-20T10:00:00Z";
  const events = [
    { href: "/orgs/1/events/a", timestamp: at, event_type: "x.y", severity: "err", status: null, created_by: { robot: { id: 1 } } },
    { href: "/orgs/1/events/b", timestamp: at, event_type: "x.y", severity: "catastrophic", status: "success", created_by: { ven: { href: "/v" } } },
    { href: "/orgs/1/events/c", timestamp: at, event_type: "x.y", severity: "info", status: "failure", created_by: { system: {} } },
    { href: "/orgs/1/events/d", timestamp: at, event_type: "x.y", severity: "emerg", status: null, created_by: { container_cluster: { name: null } } },
  ];
  assert.deepEqual(eventTimeline(events).groups, ["emerg", "err", "info", "catastrophic"], "severities by urgency, others after");
  assert.deepEqual(eventTimeline(events, { groupBy: "status" }).buckets[0].counts, { failure: 1, null: 2, success: 1 });
  assert.deepEqual(eventTimeline(events, { groupBy: "created_by" }).groups, ["container_cluster", "robot", "system", "ven"]);
});

test("unreadable and out-of-range timestamps are skipped, and totals still add up", () => {
  const events = [
    ...fixtures,
    { href: "/x/1", timestamp: "yesterday", event_type: "a.b", severity: "info" },
    { href: "/x/2", event_type: "a.b", severity: "info" },
    { href: "/x/3", timestamp: 1660758506666, event_type: "a.b", severity: "info" },
    null,
    42,
  ];
  const all = eventTimeline(events);
  assert.equal(all.skipped, 5);
  assertWellFormed(all, events.length);
  const window = eventTimeline(events, { start: "2022-08-17T17:44:00Z", end: new Date("2022-08-17T17:49:00Z") });
  assert.equal(window.buckets.reduce((a, b) => a + b.total, 0), 5, "17:44:11 to 17:48:28");
  assert.equal(window.skipped, events.length - 5);
  assertWellFormed(window, events.length);
});

test("buckets align to UTC across leap days and year boundaries", () => {
  const leap = eventTimeline(
    [{ href: "/e/1", timestamp: "2024-02-29T23:59:59.999Z", event_type: "a.b", severity: "info" }],
    { bucketMs: DAY, start: "2024-02-28T12:00:00Z", end: "2024-03-01T00:00:00Z" },
  );
  assert.deepEqual(leap.buckets.map((b) => [b.start, b.total]), [
    ["2024-02-28T00:00:00.000Z", 0], ["2024-02-29T00:00:00.000Z", 1], ["2024-03-01T00:00:00.000Z", 0],
  ]);
  const year = eventTimeline(
    [{ href: "/e/2", timestamp: "2026-01-01T00:00:00+01:00", event_type: "a.b", severity: "info" }],
    { bucketMs: HOUR, start: "2025-12-31T22:30:00Z", end: "2026-01-01T00:00:00Z" },
  );
  assert.deepEqual(year.buckets.map((b) => [b.start, b.total]), [
    ["2025-12-31T22:00:00.000Z", 0], ["2025-12-31T23:00:00.000Z", 1], ["2026-01-01T00:00:00.000Z", 0],
  ], "an offset timestamp counts at its UTC instant");
  const week = eventTimeline([], { bucketMs: 7 * DAY, start: "2026-11-20T00:00:00Z", end: "2026-11-20T00:00:00Z" });
  assert.equal(week.buckets[0].start, "2026-11-19T00:00:00.000Z", "weeks since the epoch begin on Thursdays");
});

test("default sizes are the round ones, at most 120 buckets", () => {
  const span = (ms) => eventTimeline([], { start: new Date(0), end: new Date(ms) }).bucketMs;
  assert.equal(span(119 * MIN), MIN);
  assert.equal(span(2 * HOUR), 5 * MIN);
  assert.equal(span(DAY - 1), 15 * MIN);
  assert.equal(span(7 * DAY - 1), 2 * HOUR);
  assert.equal(span(30 * DAY - 1), 6 * HOUR);
  assert.equal(span(400 * DAY), 7 * DAY);
});

test("bad arguments throw invalid_argument naming the option", () => {
  const cases = [
    [() => eventTimeline("events"), "events"],
    [() => eventTimeline(fixtures, { bucketMs: 0 }), "bucketMs"],
    [() => eventTimeline(fixtures, { bucketMs: -60000 }), "bucketMs"],
    [() => eventTimeline(fixtures, { bucketMs: 1 }), "bucketMs"],
    [() => eventTimeline(fixtures, { start: "2022-08-18T00:00:00Z", end: "2022-08-17T00:00:00Z" }), "start"],
    [() => eventTimeline(fixtures, { start: "noon" }), "start"],
    [() => eventTimeline(fixtures, { groupBy: "user" }), "groupBy"],
    [() => eventTimeline(fixtures, { bucket: 60000 }), "bucket"],
  ];
  for (const [call, named] of cases) {
    assert.throws(call, (e) => isPceError(e) && e.kind === "invalid_argument" && e.message.includes(`\`${named}\``));
  }
  assert.equal(eventTimeline(fixtures, { bucketMs: 5 * MIN }).bucketMs, 5 * MIN, "the module is still usable");
});

test("counts the simulator's events as a plain count by bucket does", async () => {
  const events = await queryEvents(sim.config(), { maxResults: 10000, since: "2026-10-21T12:00:00Z" });
  assert.ok(events.length > 1000);
  for (const groupBy of ["severity", "event_type", "status", "created_by"]) {
    const t = eventTimeline(events, { groupBy });
    assertWellFormed(t, events.length);
    assert.equal(t.skipped, 0);
    const expected = new Map();
    for (const e of events) {
      const start = Math.floor(Date.parse(e.timestamp) / t.bucketMs) * t.bucketMs;
      const group = groupBy === "created_by" ? Object.keys(e.created_by)[0] : String(e[groupBy]);
      const key = `${start}|${group}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    for (const b of t.buckets) {
      for (const [group, n] of Object.entries(b.counts)) {
        assert.equal(n, expected.get(`${Date.parse(b.start)}|${group}`) ?? 0, `${groupBy} ${b.start} ${group}`);
      }
    }
  }
  assert.equal(eventTimeline(events, { start: "2026-11-19T12:00:00Z", end: "2026-11-20T12:00:00Z" }).bucketMs, 15 * MIN);
});
