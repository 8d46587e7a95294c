// The demo at PCE scale: 5 million events over 30 days, more than any download could chart.
// The 30-day chart is counted on the PCE and equals pce-sim's own counts per bar and severity;
// the list holds the newest page, loads the next as it is scrolled, and a click on a bar narrows
// chart and list to that bar's window.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useDemo, ready, chartState, visibleRows, shot, assertClean } from "./demo-lib.mjs";

// About 5 s to seed on an idle machine; more while other builds share its cores.
const { sim, page } = useDemo(["--events", "5000000", "--days", "30", "--seed", "13"], { startMs: 180000 });

const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
const fmt = (n) => n.toLocaleString("en-US");
const root = (fn, arg) => page.evaluate(fn, arg);

/** Runs async jobs at most `n` at a time. */
async function pool(jobs, n) {
  const out = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  }));
  return out;
}

/** The list's state: how many events are loaded, whether more can be, and the loaded events' timestamps and hrefs. */
const listState = () => root(() => {
  const el = document.querySelector("pce-event-timeline");
  const list = el.shadowRoot.getElementById("list");
  return {
    loaded: Number(list.dataset.loaded), more: list.dataset.more === "true",
    count: el.shadowRoot.getElementById("list-count").textContent,
    times: el.events.map((e) => e.timestamp), hrefs: el.events.map((e) => e.href),
  };
});

test("the 30-day chart of 5 million events equals pce-sim's counts per bar and severity", { timeout: 300000 }, async () => {
  await page.goto(`${sim.url}/?range=30d`);
  await ready(page, { timeout: 120000 });
  const t = await root(() => document.querySelector("pce-event-timeline").timeline);
  const st = await chartState(page);
  const total = t.buckets.reduce((a, b) => a + b.total, 0);
  assert.equal(total, await sim.count({ since: st.since, until: st.until }), "the window's total");
  assert.ok(total > 4000000, `30 days of 5 million events: ${total}`);
  assert.equal(st.total, total, "the chart draws the timeline's counts");
  assert.deepEqual([t.start, t.end], [st.since, st.until]);
  // Every bar and every severity, each counted by pce-sim over the bar's own window.
  const bars = t.buckets.map((b, i) => ({
    since: new Date(Math.max(Date.parse(b.start), Date.parse(t.start))).toISOString(),
    until: i + 1 < t.buckets.length ? new Date(Date.parse(t.buckets[i + 1].start) - 1).toISOString() : t.end,
  }));
  const jobs = bars.flatMap((w, i) => [
    async () => [i, "total", await sim.count(w)],
    ...SEVERITIES.map((severity) => async () => [i, severity, await sim.count({ ...w, severity })]),
  ]);
  const counted = await pool(jobs, 8);
  let checked = 0;
  for (const [i, what, n] of counted) {
    const b = t.buckets[i];
    const shown = what === "total" ? b.total : b.counts[what] ?? 0;
    assert.equal(shown, n, `bar ${i} (${b.start}), ${what}`);
    checked += 1;
  }
  assert.equal(checked, t.buckets.length * 9);
  const cards = await page.$$eval("#stats .stat-value", (es) => es.map((e) => e.textContent));
  assert.equal(cards[0], fmt(total), "the Events card");
  await shot(page, "demo-5m-30d");
});

test("the list holds the newest page and loads the next as it is scrolled", { timeout: 120000 }, async () => {
  const first = await listState();
  const st = await chartState(page);
  assert.equal(first.loaded, 1000);
  assert.equal(first.more, true);
  assert.ok(first.count.startsWith(`${fmt(st.total)} events, newest first · the newest 1,000 loaded`), first.count);
  const rows = await visibleRows(page);
  assert.equal(rows[0].index, 0);
  // The newest event of the window is the first row.
  assert.equal(await sim.count({ since: new Date(Date.parse(first.times[0]) + 1).toISOString(), until: st.until }), 0, "nothing newer than the first row");
  // To the end of the list, twice: two more pages.
  for (const want of [2, 3]) {
    await root(() => { const l = document.querySelector("pce-event-timeline").shadowRoot.getElementById("list"); l.scrollTop = l.scrollHeight; });
    await page.waitForFunction((n) => Number(document.querySelector("pce-event-timeline").shadowRoot.getElementById("list").dataset.loaded) >= n * 1000 - 10, want, { timeout: 30000 });
  }
  const more = await listState();
  assert.ok(more.loaded > 2900, `three pages: ${more.loaded}`);
  assert.equal(new Set(more.hrefs).size, more.hrefs.length, "each event once");
  for (let i = 1; i < more.times.length; i++) assert.ok(more.times[i - 1] >= more.times[i], `newest first at ${i}`);
  // Nothing skipped between pages: every event newer than the oldest loaded one is loaded.
  const oldest = more.times.at(-1);
  const newer = more.times.filter((ts) => ts > oldest).length;
  assert.equal(newer, await sim.count({ since: new Date(Date.parse(oldest) + 1).toISOString(), until: st.until }));
  const visible = await visibleRows(page);
  assert.ok(visible.at(-1).index > 2000, `scrolled to row ${visible.at(-1).index}`);
  await shot(page, "demo-5m-scrolled");
});

test("a click on a bar narrows the chart and the list to its window", { timeout: 120000 }, async () => {
  const before = await root(() => document.querySelector("pce-event-timeline").timeline);
  const i = Math.floor(before.buckets.length / 2);
  const bar = before.buckets[i];
  const box = await page.locator("#chart").boundingBox();
  const x = await page.locator(`#chart .bucket[data-index="${i}"] rect`).first().evaluate((r) => {
    const b = r.getBoundingClientRect();
    return b.left + b.width / 2;
  });
  await page.mouse.click(x, box.y + box.height * 0.5);
  await page.waitForFunction((since) => {
    const el = document.querySelector("pce-event-timeline");
    return el.timeline && el.timeline.start !== since && !el.loading;
  }, before.start, { timeout: 60000 });
  await ready(page);
  const st = await chartState(page);
  assert.equal(st.since, bar.start);
  assert.equal(Date.parse(st.until), Date.parse(before.buckets[i + 1].start) - 1);
  assert.equal(st.total, bar.total, "the zoomed chart holds the bar's events");
  assert.equal(st.total, await sim.count({ since: st.since, until: st.until }));
  const list = await listState();
  assert.ok(list.loaded > 0);
  assert.ok(list.times.every((ts) => ts >= st.since && ts <= st.until), "the list stays in the bar's window");
  assert.ok(list.count.startsWith(`${fmt(st.total)} event`), list.count);
  assert.match(page.url(), /range=custom/);
  await shot(page, "demo-5m-zoomed");
  await assertClean(page, assert);
});

test("by event type, four types are counted apart in bars of a day and the rest stacked as other types", { timeout: 120000 }, async () => {
  await page.goto(`${sim.url}/?range=30d&group=event_type`);
  await ready(page, { timeout: 120000 });
  const t = await root(() => document.querySelector("pce-event-timeline").timeline);
  const st = await chartState(page);
  const total = await sim.count({ since: t.start, until: t.end });
  assert.equal(st.total, total);
  const types = t.groups.filter((g) => g !== "other");
  assert.equal(types.length, 4);
  assert.equal(t.bucketMs, 86400e3, "bars of a day");
  assert.ok(t.groups.includes("other"));
  for (const type of types) {
    const sum = t.buckets.reduce((a, b) => a + (b.counts[type] ?? 0), 0);
    assert.equal(sum, await sim.count({ since: t.start, until: t.end, eventType: type }), type);
  }
  for (const b of t.buckets) assert.equal(Object.values(b.counts).reduce((a, n) => a + n, 0), b.total, `bar ${b.start} adds up`);
  assert.equal(st.legend.at(-1), "other types");
  assert.equal(await page.locator("#legend button.legend-item", { hasText: "other types" }).count(), 0, "other is no filter");
  await shot(page, "demo-5m-by-type");
});
