// <pce-event-timeline> alone: pages holding only the package's element.js and the tag, served by
// pce-sim under the demo's Content-Security-Policy. The chart's buckets equal pce-sim's counts,
// attribute changes and removal cancel requests (counted at pce-sim) while counts are under way,
// pce-select fires on click and Enter, the table lists every non-empty bucket, a palette
// applies, and markup stays text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { useDemo, openPage, shot, assertClean, sleep } from "./demo-lib.mjs";

const PAGES = fileURLToPath(new URL("./fixtures/element/", import.meta.url));
// Each count answered slowly (its two-byte body trickled), so that a plan of counts is still
// under way when the test changes or removes the element.
const SLOW = { kind: "slow_body", chunk_bytes: 1, delay_ms: 250, path: "/pce/api/", times: 100000 };

// 20000 events over 30 days: the last 30 days are counted on the PCE (more than queryTimeline downloads).
const { sim, browser } = useDemo(["--events", "20000", "--days", "30", "--seed", "21"], { www: PAGES, viewport: { width: 1280, height: 900 }, page: false });

/** A page that counts the element's events in window.__events as they bubble to the document. */
async function open(path) {
  const page = await openPage(browser);
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ["pce-load", "pce-select", "pce-range", "pce-error"]) {
      document.addEventListener(type, (e) => {
        const d = e.detail;
        window.__events.push({
          type,
          href: d?.href,
          total: d?.total,
          kind: d?.kind,
          message: d?.message,
          during: e.during,
          since: d?.since,
          until: d?.until,
        });
      });
    }
  });
  await page.goto(`${sim.url}/${path}`);
  return page;
}

const loads = (page) => page.evaluate(() => window.__events.filter((e) => e.type === "pce-load").length);

/** Waits for the n-th pce-load and for the element to be idle. */
async function loaded(page, n = 1, timeout = 60000) {
  await page.waitForFunction((n) => {
    const el = document.querySelector("pce-event-timeline");
    return window.__events.filter((e) => e.type === "pce-load").length >= n && el && !el.loading;
  }, n, { timeout });
}

/** The chart's window and buckets, read from the shadow root. */
function chart(page) {
  return page.evaluate(() => {
    const el = document.querySelector("pce-event-timeline");
    const svg = el.shadowRoot.getElementById("chart");
    return {
      total: Number(svg.getAttribute("data-total")),
      since: svg.getAttribute("data-since"),
      until: svg.getAttribute("data-until"),
      bucketMs: Number(svg.getAttribute("data-bucket-ms")),
      buckets: [...svg.querySelectorAll(".bucket")].map((g) => ({ start: g.getAttribute("data-start"), total: Number(g.getAttribute("data-total")) })),
      table: [...el.shadowRoot.querySelectorAll("#buckets tbody tr")].map((tr) => ({ start: tr.getAttribute("data-start"), total: Number(tr.getAttribute("data-total")) })),
      timelineTotal: el.timeline.buckets.reduce((a, b) => a + b.total, 0),
    };
  });
}

/** Requests that reached the simulator's /pce proxy route since the last clearRequests(). */
async function pceRequests() {
  return (await sim.requests()).filter((r) => String(r.path).startsWith("/pce/"));
}

test("a page with only element.js and the tag draws buckets equal to pce-sim's counts", async () => {
  const page = await open("index.html");
  await loaded(page);
  const st = await chart(page);
  assert.equal(Date.parse(st.until) - Date.parse(st.since), 7 * 86400e3, "since=7d");
  const expected = await sim.countWith({ since: st.since, until: st.until, severity: "err" });
  assert.ok(expected > 20, `a week of err events (${expected})`);
  assert.equal(st.total, expected);
  assert.equal(st.timelineTotal, expected, "the timeline property holds the same counts");
  // Every bucket, against a direct count of its own range.
  for (const b of st.buckets) {
    const start = Math.max(Date.parse(b.start), Date.parse(st.since));
    const end = Math.min(Date.parse(b.start) + st.bucketMs - 1, Date.parse(st.until));
    const n = await sim.countWith({ since: new Date(start).toISOString(), until: new Date(end).toISOString(), severity: "err" });
    assert.equal(b.total, n, `bucket ${b.start}`);
  }
  // The open shadow root, styled by an adopted stylesheet, not by a <style> element.
  const shadow = await page.evaluate(() => {
    const el = document.querySelector("pce-event-timeline");
    return { open: el.shadowRoot !== null, sheets: el.shadowRoot.adoptedStyleSheets.length, styles: el.shadowRoot.querySelectorAll("style, [style*=':']").length };
  });
  assert.deepEqual(shadow, { open: true, sheets: 1, styles: 0 });
  const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get("content-security-policy"));
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(csp, /style-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await shot(page, "element-alone");
  await assertClean(page, assert);
  await page.close();
});

test("event-type (comma-separated), created-by and pce-fqdn give pce-sim's counts", async () => {
  const page = await open("index.html");
  await loaded(page);
  const set = async (attrs) => {
    const n = await loads(page);
    await page.evaluate((attrs) => {
      const el = document.querySelector("pce-event-timeline");
      for (const [k, v] of Object.entries(attrs)) if (v === null) el.removeAttribute(k); else el.setAttribute(k, v);
    }, attrs);
    await loaded(page, n + 1);
    return chart(page);
  };
  let st = await set({ severity: null, "event-type": "user.sign_in, user.login", view: "chart+list" });
  const both = await sim.countWith({ since: st.since, until: st.until, eventType: ["user.sign_in", "user.login"] });
  assert.equal(st.total, both);
  assert.ok(both > (await sim.countWith({ since: st.since, until: st.until, eventType: "user.login" })), "two types count more than one");
  const creator = await page.evaluate(() => {
    const ev = document.querySelector("pce-event-timeline").events.find((e) => e.created_by?.user?.href);
    return { href: ev.created_by.user.href, fqdn: ev.pce_fqdn };
  });
  st = await set({ "created-by": creator.href });
  const mine = await sim.countWith({ since: st.since, until: st.until, eventType: ["user.sign_in", "user.login"], createdBy: creator.href });
  assert.ok(mine > 0 && mine < both, `${creator.href}: ${mine} of ${both}`);
  assert.equal(st.total, mine);
  st = await set({ "event-type": null, "created-by": null, "pce-fqdn": creator.fqdn });
  assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until, pceFqdn: creator.fqdn }));
  st = await set({ "pce-fqdn": "no-such-pce.example.com" });
  assert.equal(st.total, 0);
  await assertClean(page, assert);
  await page.close();
});

test("the text alternative lists every non-empty bucket, reachable by keyboard", async () => {
  const page = await open("index.html");
  await loaded(page);
  const st = await chart(page);
  const nonEmpty = st.buckets.filter((b) => b.total > 0);
  assert.ok(nonEmpty.length > 3);
  assert.deepEqual(st.table, nonEmpty);
  // Tab from the chart, past the legend's buttons, reaches the table's summary; Enter opens it.
  await page.locator("#chart").focus();
  const focused = () => page.evaluate(() => document.querySelector("pce-event-timeline").shadowRoot.activeElement?.tagName);
  const legendButtons = await page.locator("#legend button").count();
  for (let i = 0; i <= legendButtons; i++) await page.keyboard.press("Tab");
  assert.equal(await focused(), "SUMMARY");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("details.table-alt").getAttribute("open"), "");
  assert.ok(await page.locator("#buckets").isVisible());
  const header = await page.locator("#buckets thead th").allTextContents();
  assert.deepEqual(header.slice(0, 3), ["Bar start", "Events", "err"]);
  await page.close();
});

/** Waits until the element draws a partial chart of `since` while its counts are under way. */
async function counting(page, { detached = false } = {}) {
  await page.waitForFunction((detached) => {
    const el = detached ? window.__el : document.querySelector("pce-event-timeline");
    const root = el.shadowRoot;
    const svg = root.getElementById("chart");
    return el.loading && root.getElementById("progress").dataset.phase === "counting" && Number(svg.dataset.pending) > 0;
  }, detached, { timeout: 20000 });
}

test("a new filter while the counts are under way: partial charts, then nothing more of the old plan", async () => {
  const page = await open("index.html");
  await loaded(page);
  await sim.fault(SLOW);
  try {
    await page.evaluate(() => {
      const el = document.querySelector("pce-event-timeline");
      el.removeAttribute("severity");
      el.setAttribute("since", "30d");
    });
    await counting(page);
    const progress = await page.evaluate(() => {
      const root = document.querySelector("pce-event-timeline").shadowRoot;
      return { detail: root.getElementById("progress-detail").textContent, meter: root.getElementById("progress-meter").value };
    });
    assert.match(progress.detail, /^\d+ of \d+ requests · \d+ of \d+ bars · \d+\.\d s$/);
    assert.ok(progress.meter > 0 && progress.meter < 1, `the meter: ${progress.meter}`);
    await shot(page, "element-counting");
    // A new filter: the old plan is dropped, the new view counted.
    const before = await loads(page);
    // Answered at full speed from here: the new view may download its events in one request.
    await sim.clearFaults();
    await page.evaluate(() => document.querySelector("pce-event-timeline").setAttribute("status", "failure"));
    await sleep(300);
    await sim.clearRequests();
    await loaded(page, before + 1);
    const st = await chart(page);
    assert.equal(Date.parse(st.until) - Date.parse(st.since), 30 * 86400e3);
    assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until, status: "failure" }));
    assert.equal(st.timelineTotal, st.total);
    await sleep(1000);
    const stray = (await pceRequests()).filter((r) => !/(^|&)status=failure(&|$)/.test(r.query));
    assert.deepEqual(stray.map((r) => `${r.path}?${r.query}`), [], "requests of the old plan after the change");
  } finally {
    await sim.clearFaults();
  }
  // A new grouping counts the same window again: its bounds do not move to now.
  const st = await chart(page);
  const n = await loads(page);
  await page.evaluate(() => document.querySelector("pce-event-timeline").setAttribute("group-by", "event_type"));
  await loaded(page, n + 1);
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").shadowRoot.querySelector("#legend .legend-label")?.textContent.includes("."));
  const grouped = await chart(page);
  assert.deepEqual([grouped.since, grouped.until, grouped.total], [st.since, st.until, st.total]);
  await assertClean(page, assert);
  await page.close();
});

test("nothing is fetched until connected; removing the element stops every request, live polls included", async () => {
  const page = await open("empty.html");
  await page.waitForFunction(() => customElements.get("pce-event-timeline") !== undefined);
  await sim.clearRequests();
  await page.evaluate(() => {
    const el = document.createElement("pce-event-timeline");
    el.src = "/pce";
    el.org = "1";
    el.since = "1h";
    el.live = true;
    el.interval = "1s";
    el.view = "chart+list";
    window.__el = el;
  });
  // A second import, by another URL (another module instance), defines nothing again and throws nothing.
  const again = await page.evaluate(async () => {
    const before = customElements.get("pce-event-timeline");
    await import("/pkg/element.js?second-copy");
    return customElements.get("pce-event-timeline") === before;
  });
  assert.equal(again, true);
  await sleep(800);
  assert.deepEqual((await pceRequests()).map((r) => r.path), [], "a detached element fetched");
  await page.evaluate(() => document.body.append(window.__el));
  await loaded(page);
  // Live: polls keep coming while it is in the document.
  await sim.clearRequests();
  await sleep(2500);
  assert.ok((await pceRequests()).length >= 1, "the live element polls");
  await page.evaluate(() => window.__el.remove());
  await sleep(300);
  await sim.clearRequests();
  await sleep(3000);
  assert.deepEqual((await pceRequests()).map((r) => r.path), [], "requests after removal");
  // Removed while its counts are under way: nothing follows either.
  await sim.fault(SLOW);
  try {
    await page.evaluate(() => { window.__el.live = false; window.__el.since = "30d"; document.body.append(window.__el); });
    await counting(page, { detached: true });
    await page.evaluate(() => window.__el.remove());
    await sleep(300);
    await sim.clearRequests();
    await sleep(2000);
    assert.deepEqual((await pceRequests()).map((r) => r.path), [], "requests after removal during the counts");
  } finally {
    await sim.clearFaults();
  }
  await assertClean(page, assert);
  await page.close();
});

test("pce-select carries the href of the row clicked or chosen with Enter", async () => {
  const page = await open("index.html");
  await loaded(page);
  const before = await loads(page);
  await page.evaluate(() => document.querySelector("pce-event-timeline").setAttribute("view", "chart+list"));
  await page.waitForSelector("#list .row:not([hidden])");
  assert.equal(await loads(page), before, "showing the list needs no new request");
  const hrefs = await page.evaluate(() => document.querySelector("pce-event-timeline").events.slice(0, 3).map((e) => e.href));
  await page.locator("#row-0").click();
  let selects = await page.evaluate(() => window.__events.filter((e) => e.type === "pce-select"));
  assert.deepEqual(selects.map((e) => e.href), [hrefs[0]]);
  await page.locator("#list").focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  selects = await page.evaluate(() => window.__events.filter((e) => e.type === "pce-select"));
  assert.deepEqual(selects.map((e) => e.href), [hrefs[0], hrefs[2]]);
  // view="full": the panel shows the event, Escape closes it and says so.
  await page.evaluate(() => document.querySelector("pce-event-timeline").setAttribute("view", "full"));
  await page.keyboard.press("Enter");
  await page.waitForSelector("#detail:not([hidden])");
  assert.equal(await page.evaluate(() => document.querySelector("pce-event-timeline").selected), hrefs[2]);
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail", { state: "hidden" });
  selects = await page.evaluate(() => window.__events.filter((e) => e.type === "pce-select"));
  assert.equal(selects.at(-1).href, null);
  await page.close();
});

test("zooming by keyboard counts the bar's window and reports it in pce-range", async () => {
  const page = await open("index.html");
  await loaded(page);
  const week = await chart(page);
  await sim.clearRequests();
  await page.locator("#chart").focus();
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__events.some((e) => e.type === "pce-range"));
  await loaded(page, 2);
  const range = await page.evaluate(() => window.__events.find((e) => e.type === "pce-range"));
  const attrs = await page.evaluate(() => { const el = document.querySelector("pce-event-timeline"); return [el.since, el.until]; });
  assert.deepEqual([range.since, range.until], attrs, "the attributes are reflected");
  const st = await chart(page);
  assert.equal(st.since, range.since);
  assert.equal(st.until, range.until);
  assert.ok(st.bucketMs < week.bucketMs, `finer bars: ${st.bucketMs} ms`);
  assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until, severity: "err" }));
  assert.equal(st.total, week.buckets.at(-1).total, "the bar's events, no more, no less");
  assert.ok((await pceRequests()).length > 0, "a zoom counts its window");
  await page.keyboard.press("-");
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").since === "7d");
  await page.close();
});

test("properties set before the element is defined are taken when it is", async () => {
  const page = await open("later.html");
  await page.evaluate(async () => {
    // As a framework may: create, set properties, insert, and only then load the definition.
    const el = document.createElement("pce-event-timeline");
    el.config = { url: `${location.origin}/pce`, orgId: 1 };
    el.since = "7d";
    el.severity = "err";
    el.groupBy = "status";
    document.body.append(el);
    await import("/pkg/element.js");
  });
  await loaded(page);
  const st = await chart(page);
  assert.equal(Date.parse(st.until) - Date.parse(st.since), 7 * 86400e3);
  assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until, severity: "err" }));
  const attrs = await page.evaluate(() => {
    const el = document.querySelector("pce-event-timeline");
    return [el.getAttribute("since"), el.getAttribute("severity"), el.getAttribute("group-by"), Object.keys(el)];
  });
  assert.deepEqual(attrs, ["7d", "err", "status", []]);
  await assertClean(page, assert);
  await page.close();
});

test("a legend item narrows the element's own filter and says so with pce-filter", async () => {
  const page = await open("index.html");
  await loaded(page);
  await page.evaluate(() => { window.__filters = []; document.addEventListener("pce-filter", (e) => window.__filters.push(e.detail)); });
  const n = await loads(page);
  await page.evaluate(() => document.querySelector("pce-event-timeline").setAttribute("group-by", "status"));
  await page.waitForSelector("#legend button.legend-item >> text=failure");
  // "null" (events without a status) names no filter value: not a button.
  const nullItem = await page.locator("#legend .legend-item", { hasText: "null" }).count();
  if (nullItem) assert.equal(await page.locator("#legend button.legend-item", { hasText: "null" }).count(), 0);
  await page.locator("#legend button.legend-item", { hasText: "failure" }).click();
  await loaded(page, n + 1);
  assert.deepEqual(await page.evaluate(() => window.__filters), [{ name: "status", value: "failure" }]);
  assert.equal(await page.evaluate(() => document.querySelector("pce-event-timeline").status), "failure");
  const st = await chart(page);
  assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until, severity: "err", status: "failure" }));
  await page.close();
});

test("credentials given to the element are refused with pce-error, and nothing is sent", async () => {
  const page = await open("empty.html");
  await page.waitForFunction(() => customElements.get("pce-event-timeline") !== undefined);
  await sim.clearRequests();
  await page.evaluate(() => {
    const el = document.createElement("pce-event-timeline");
    el.config = { url: `${location.origin}/pce`, orgId: 1, apiKey: "api_x", apiSecret: "a-secret-in-a-page" };
    document.body.append(el);
  });
  await page.waitForFunction(() => window.__events.some((e) => e.type === "pce-error"));
  const err = await page.evaluate(() => window.__events.find((e) => e.type === "pce-error"));
  assert.equal(err.kind, "invalid_argument");
  assert.equal(err.during, "config");
  assert.match(err.message, /refuses apiKey and apiSecret/);
  assert.ok(!err.message.includes("a-secret-in-a-page"));
  await sleep(500);
  assert.deepEqual((await pceRequests()).map((r) => r.path), []);
  // The same config without credentials works.
  await page.evaluate(() => { document.querySelector("pce-event-timeline").config = { url: `${location.origin}/pce`, orgId: 1 }; });
  await loaded(page);
  await page.close();
});

test("a custom palette applies through --pce-* properties and ::part()", async () => {
  const page = await open("palette.html");
  await loaded(page);
  const colours = await page.evaluate(() => {
    const root = document.querySelector("pce-event-timeline").shadowRoot;
    const fill = (sel) => { const e = root.querySelector(sel); return e ? getComputedStyle(e).fill : null; };
    return {
      err: fill(".bar.sev-err"),
      info: fill(".bar.sev-info"),
      swatch: getComputedStyle(root.querySelector("#legend .swatch.sev-err")).backgroundColor,
      card: getComputedStyle(root.querySelector(".chart-card")).backgroundColor,
      border: getComputedStyle(root.querySelector(".chart-card")).borderTopWidth,
      notice: fill(".bar.sev-notice") ?? "rgb(240, 228, 66)",
    };
  });
  assert.deepEqual(colours, {
    err: "rgb(1, 2, 3)", info: "rgb(4, 5, 6)", swatch: "rgb(1, 2, 3)", card: "rgb(250, 250, 240)", border: "3px",
    notice: "rgb(240, 228, 66)", // the dark default where the page sets nothing
  });
  await shot(page, "element-palette");
  await assertClean(page, assert);
  await page.close();
});

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=2</script>";

test("hostile event data renders as text in the chart, table, list and panel", async () => {
  const now = Date.now();
  await sim.inject({
    events: [1, 2].map((n) => ({
      href: `/orgs/1/events/00000000-0000-4000-8000-0000000000e${n}`,
      timestamp: new Date(now - n * 60000).toISOString(),
      pce_fqdn: `${IMG}.pce`,
      created_by: { user: { href: "/users/666", username: `${IMG}${SCRIPT}` } },
      event_type: `${IMG}.create`,
      status: SCRIPT,
      severity: IMG,
      action: { uuid: "x", api_endpoint: `/api/${SCRIPT}`, api_method: IMG, http_status_code: 200, src_ip: IMG },
      resource_changes: [],
      notifications: [{ uuid: "z", notification_type: SCRIPT, info: { description: IMG } }],
    })),
  });
  const page = await open("index.html");
  await loaded(page);
  await page.evaluate(() => {
    const el = document.querySelector("pce-event-timeline");
    el.removeAttribute("severity");
    el.since = "1h";
    el.groupBy = "event_type";
    el.eventType = "<img src=x onerror=window.__xss=1>.create";
    el.view = "full";
  });
  await loaded(page, 2);
  assert.ok((await page.locator("#legend").textContent()).includes(`${IMG}.create`), "legend as text");
  assert.ok((await page.locator("#buckets thead").textContent()).includes(`${IMG}.create`), "table header as text");
  await page.locator("#list .row", { hasText: `${IMG}.create` }).first().click();
  await page.waitForSelector("#detail:not([hidden])");
  const text = await page.locator("#detail").textContent();
  assert.ok(text.includes(IMG) && text.includes(SCRIPT));
  await page.locator("#chart").focus();
  await page.keyboard.press("End");
  await sleep(300);
  const dom = await page.evaluate(() => {
    const root = document.querySelector("pce-event-timeline").shadowRoot;
    const all = [...root.querySelectorAll("*")];
    return {
      xss: window.__xss,
      imgs: root.querySelectorAll("img").length,
      scripts: root.querySelectorAll("script").length,
      svgs: root.querySelectorAll("svg").length,
      handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
    };
  });
  assert.deepEqual(dom, { xss: undefined, imgs: 0, scripts: 0, svgs: 1, handlers: 0 });
  await shot(page, "element-hostile");
  await assertClean(page, assert);
  await page.close();
});

test("live: an arrival joins the last bar of a counted chart and the top of the list, once", async () => {
  const page = await open("empty.html");
  await page.waitForFunction(() => customElements.get("pce-event-timeline") !== undefined);
  await page.evaluate(() => {
    const el = document.createElement("pce-event-timeline");
    Object.assign(el, { src: "/pce", org: "1", since: "30d", live: true, interval: "1s", view: "chart+list" });
    document.body.append(el);
  });
  await loaded(page);
  const first = await page.evaluate(() => window.__events.find((e) => e.type === "pce-load"));
  assert.ok(first.total > 10000, `30 days of 20000 events, counted on the PCE (${first.total})`);
  const href = "/orgs/1/events/33333333-4444-4555-8666-000000000001";
  await sim.inject({ events: [{
    href, timestamp: new Date().toISOString(), pce_fqdn: "pce.company.com",
    created_by: { agent: { href: "/orgs/1/agents/4343", hostname: "live-counted" } },
    event_type: "agent.tampering", status: "success", severity: "crit",
    action: { uuid: "a", api_endpoint: null, api_method: null, http_status_code: null, src_ip: "10.9.8.7" },
    resource_changes: [], notifications: [],
  }] });
  await page.waitForFunction((h) => document.querySelector("pce-event-timeline").events[0]?.href === h, href, { timeout: 15000 });
  await page.waitForFunction(() => (document.querySelector("pce-event-timeline").timeline.buckets.at(-1).counts.crit ?? 0) > 0, null, { timeout: 15000 });
  await sleep(2500); // two more polls: the arrival stays counted once
  const st = await chart(page);
  const last = await page.evaluate(() => document.querySelector("pce-event-timeline").timeline.buckets.at(-1));
  assert.equal(st.total, await sim.countWith({ since: st.since, until: st.until }), "the chart counts the arrival once");
  assert.equal(st.timelineTotal, st.total);
  assert.equal(last.counts.crit, await sim.countWith({ since: last.start, until: st.until, severity: "crit" }));
  const hrefs = await page.evaluate(() => document.querySelector("pce-event-timeline").events.map((e) => e.href));
  assert.equal(hrefs.filter((h) => h === href).length, 1, "listed once");
  await assertClean(page, assert);
  await page.close();
});
