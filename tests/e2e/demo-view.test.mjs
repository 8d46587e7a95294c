// The demo page on 30 days of seeded events: the chart matches pce-sim's own counts, each
// filter changes chart and list, the URL keeps the view, and zoom in and out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useDemo, openPage, ready, chartState, visibleRows, shot, assertClean } from "./demo-lib.mjs";

const { sim, browser, page } = useDemo(["--events", "20000", "--days", "30", "--seed", "11"]);

const fmt = (n) => n.toLocaleString("en-US");

/** Waits for a new view after an action: the chart's range or total attributes change. */
async function afterChange(action) {
  const before = await page.evaluate(() => {
    const svg = document.querySelector("pce-event-timeline").shadowRoot.getElementById("chart");
    return `${svg.getAttribute("data-since")}|${svg.getAttribute("data-until")}|${svg.getAttribute("data-total")}|${location.search}`;
  });
  await action();
  await page.waitForFunction((prev) => {
    const el = document.querySelector("pce-event-timeline");
    const svg = el.shadowRoot.getElementById("chart");
    const now = `${svg.getAttribute("data-since")}|${svg.getAttribute("data-until")}|${svg.getAttribute("data-total")}|${location.search}`;
    return now !== prev && !el.loading;
  }, before, { timeout: 30000 });
  await ready(page);
}

async function expectMatches(filter = {}) {
  const st = await chartState(page);
  const expected = await sim.count({ since: st.since, until: st.until, ...filter });
  assert.equal(st.total, expected, `chart total for ${JSON.stringify(filter)} over ${st.since}..${st.until}`);
  assert.equal(st.barSum, expected, "the bars add up to the total");
  assert.ok(st.listCount.startsWith(`${fmt(expected)} event`), `list count "${st.listCount}"`);
  return st;
}

test("loads the last 24 hours with no set-up; bars equal pce-sim's counts", async () => {
  await page.goto(sim.url);
  await ready(page);
  const st = await expectMatches();
  assert.ok(st.total > 300, `a day of seeded events (${st.total})`);
  const span = Date.parse(st.until) - Date.parse(st.since);
  assert.equal(span, 24 * 3600e3);
  assert.equal(await page.inputValue("#range"), "24h");
  assert.match(await page.textContent("#source"), /Simulated PCE · org 1/);
  // One bar checked on its own, against a direct count of its bucket.
  const bucket = await page.evaluate(() => {
    const svg = document.querySelector("pce-event-timeline").shadowRoot.getElementById("chart");
    const gs = [...svg.querySelectorAll(".bucket")];
    const g = gs[Math.floor(gs.length / 2)];
    return { start: g.getAttribute("data-start"), total: Number(g.getAttribute("data-total")), ms: Number(svg.getAttribute("data-bucket-ms")) };
  });
  const end = new Date(Date.parse(bucket.start) + bucket.ms - 1).toISOString();
  assert.equal(bucket.total, await sim.count({ since: bucket.start, until: end }), "one bucket's count");
  // The list: newest first, only the visible rows rendered.
  const rows = await visibleRows(page);
  assert.ok(rows.length > 5 && rows.length < 80, `virtualised: ${rows.length} rows in the DOM`);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].time >= rows[i].time, "newest first");
  await shot(page, "demo-24h");
  await assertClean(page, assert);
});

test("severity filter: chart and list show only that severity, URL keeps it", async () => {
  await afterChange(() => page.selectOption("#severity", "err"));
  assert.match(page.url(), /[?&]severity=err\b/);
  const st = await expectMatches({ severity: "err" });
  assert.ok(st.total > 0);
  assert.deepEqual(st.legend, ["err"]);
  const rows = await visibleRows(page);
  assert.ok(rows.length > 0);
  for (const r of rows) assert.equal(r.severity, "err");
  await shot(page, "demo-filter-err");
});

test("status filter narrows further", async () => {
  await afterChange(() => page.selectOption("#status", "failure"));
  assert.match(page.url(), /status=failure/);
  await expectMatches({ severity: "err", status: "failure" });
  for (const r of await visibleRows(page)) {
    assert.equal(r.status, "failure");
    assert.equal(r.severity, "err");
  }
});

test("event type filter with suggestions from the known types", async () => {
  await afterChange(() => page.click("#reset"));
  assert.equal(await page.inputValue("#severity"), "");
  const suggestions = await page.$$eval("#known-types option", (os) => os.map((o) => o.value));
  assert.ok(suggestions.includes("user.sign_in") && suggestions.includes("agent.tampering"), "datalist suggestions");
  await afterChange(async () => {
    await page.fill("#type", "user.sign_in");
    await page.press("#type", "Enter");
  });
  assert.match(page.url(), /type=user\.sign_in/);
  const st = await expectMatches({ eventType: "user.sign_in" });
  assert.ok(st.total > 0);
  for (const r of await visibleRows(page)) assert.equal(r.type, "user.sign_in");
});

test("range presets and grouping", async () => {
  await afterChange(async () => {
    await page.fill("#type", "");
    await page.press("#type", "Enter");
  });
  await afterChange(() => page.selectOption("#range", "1h"));
  let st = await expectMatches();
  assert.equal(Date.parse(st.until) - Date.parse(st.since), 3600e3);
  assert.equal(await page.getAttribute("#chart", "data-bucket-ms"), "60000");
  await afterChange(() => page.selectOption("#range", "7d"));
  st = await expectMatches();
  assert.equal(Date.parse(st.until) - Date.parse(st.since), 7 * 86400e3);
  // Grouping by event type counts the same window again: the same total.
  await page.selectOption("#group", "event_type");
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").shadowRoot.querySelector("#legend .legend-label")?.textContent.includes("."));
  await ready(page);
  const grouped = await chartState(page);
  assert.equal(grouped.total, st.total);
  assert.ok(grouped.legend.some((l) => /^[a-z_]+\.[a-z_]+$/.test(l)), `event types in the legend: ${grouped.legend}`);
  assert.match(page.url(), /group=event_type/);
  await shot(page, "demo-7d-by-type");
  await page.selectOption("#group", "status");
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").shadowRoot.querySelector("#legend")?.textContent.includes("failure"));
  await ready(page);
  const byStatus = await chartState(page);
  assert.equal(byStatus.total, st.total);
  assert.ok(byStatus.legend.includes("success") && byStatus.legend.includes("failure"), `statuses: ${byStatus.legend}`);
  await page.selectOption("#group", "severity");
  await page.waitForFunction(() => !document.querySelector("pce-event-timeline").shadowRoot.querySelector("#legend")?.textContent.includes("failure"));
  await ready(page);
});

test("the URL restores a shared view", async () => {
  await afterChange(() => page.selectOption("#status", "failure"));
  const url = page.url();
  const other = await openPage(browser);
  await other.goto(url);
  await ready(other);
  assert.equal(await other.inputValue("#range"), "7d");
  assert.equal(await other.inputValue("#status"), "failure");
  const st = await chartState(other);
  assert.equal(st.total, await sim.count({ since: st.since, until: st.until, status: "failure" }));
  await other.close();
  await afterChange(() => page.selectOption("#status", ""));
});

test("drag to zoom, then zoom out", async () => {
  const box = await page.locator("#chart").boundingBox();
  const y = box.y + box.height * 0.5;
  await afterChange(async () => {
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, y, { steps: 6 });
    await page.mouse.move(box.x + box.width * 0.55, y, { steps: 6 });
    await page.mouse.up();
  });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("range"), "custom");
  const from = url.searchParams.get("from");
  const to = url.searchParams.get("to");
  const span = Date.parse(to) - Date.parse(from);
  assert.ok(span > 1.2 * 86400e3 && span < 2.5 * 86400e3, `about a quarter of 7 days: ${span} ms`);
  const st = await expectMatches();
  assert.equal(st.since, from);
  assert.equal(st.until, to);
  assert.equal(await page.inputValue("#range"), "custom");
  await shot(page, "demo-zoomed");

  // Keyboard: pick a bar and zoom into it.
  await page.focus("#chart");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.isVisible("#tooltip"), true, "the tooltip follows the keyboard");
  assert.match(await page.textContent("#tooltip"), /events?/);
  await afterChange(() => page.keyboard.press("Enter"));
  const inner = await expectMatches();
  assert.ok(Date.parse(inner.until) - Date.parse(inner.since) < span / 10, "zoomed into one bar");

  // Zoom out twice: back to the drag selection, then to the 7-day preset.
  await afterChange(() => page.click("#zoom-out"));
  assert.equal((await chartState(page)).since, from);
  await afterChange(() => page.click("#zoom-out"));
  assert.equal(await page.inputValue("#range"), "7d");
  await expectMatches();
});

test("hovering a bar shows its counts", async () => {
  const g = page.locator("#chart .bucket").nth(5);
  const total = Number(await g.getAttribute("data-total"));
  const box = await page.locator("#chart").boundingBox();
  const bar = await g.evaluate((el) => {
    const r = el.closest("svg").getBoundingClientRect();
    const x = Number(el.querySelector("rect")?.getAttribute("x") ?? 0);
    const vb = el.closest("svg").viewBox.baseVal.width;
    return { x: r.left + (x / vb) * r.width + 2 };
  });
  await page.mouse.move(bar.x, box.y + box.height * 0.6);
  await page.waitForSelector("#tooltip:not([hidden])");
  const text = await page.textContent("#tooltip");
  assert.ok(text.includes(total.toLocaleString("en-US")), `tooltip "${text}" shows ${total}`);
  await shot(page, "demo-tooltip");
  await assertClean(page, assert);
});

test("a legend item filters the demo by its group, in the filter bar and the URL", async () => {
  await afterChange(() => page.click("#reset"));
  await afterChange(() => page.locator("#legend button.legend-item", { hasText: "err" }).click());
  assert.equal(await page.inputValue("#severity"), "err");
  assert.match(page.url(), /[?&]severity=err\b/);
  await expectMatches({ severity: "err" });
  await afterChange(() => page.selectOption("#severity", ""));
});

test("embed.html: two elements in a host page, in its palette, under the demo's policy", async () => {
  const other = await openPage(browser);
  await other.goto(`${sim.url}/embed.html`);
  await other.waitForFunction(() => [...document.querySelectorAll("pce-event-timeline")]
    .every((el) => el.shadowRoot?.getElementById("chart").hasAttribute("data-total") && !el.loading), null, { timeout: 30000 });
  const shown = await other.evaluate(() => Object.fromEntries([...document.querySelectorAll("pce-event-timeline")].map((el) => {
    const root = el.shadowRoot;
    const svg = root.getElementById("chart");
    const fill = (sel) => { const e = root.querySelector(sel); return e ? getComputedStyle(e).fill : null; };
    return [el.id, {
      total: Number(svg.getAttribute("data-total")), since: svg.getAttribute("data-since"), until: svg.getAttribute("data-until"),
      bucketMs: Number(svg.getAttribute("data-bucket-ms")), failure: fill(".bar.st-failure"), err: fill(".bar.sev-err"),
      panel: getComputedStyle(root.querySelector(".chart-card")).backgroundColor,
    }];
  })));
  assert.equal(shown.week.total, await sim.count({ since: shown.week.since, until: shown.week.until }));
  assert.equal(shown.week.bucketMs, 6 * 3600e3, "bucket=6h");
  assert.equal(shown.day.total, await sim.count({ since: shown.day.since, until: shown.day.until, severity: "err" }));
  // The page's palette (embed.css), not the element's defaults.
  assert.equal(shown.week.failure, "rgb(209, 73, 91)");
  assert.equal(shown.day.err, "rgb(209, 73, 91)");
  assert.equal(shown.day.panel, "rgb(255, 253, 248)");
  await shot(other, "demo-embed");
  await assertClean(other, assert);
  await other.close();
});
