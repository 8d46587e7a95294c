// The demo's filters of issue 10: who created the events (created_by), which PCE of a
// Supercluster sent them (pce_fqdn), and several event types at once. Each gives the counts
// pce-sim gives, and survives a reload through the URL.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { useDemo, ready, chartState, visibleRows, shot, assertClean } from "./demo-lib.mjs";

const OTHER_PCE = "pce2.company.com";

const { sim, browser, page } = useDemo(["--events", "4000", "--days", "7", "--seed", "17"]);

/** Waits for the view that follows an action: the URL and the element's drawn window or total change. */
async function afterChange(action) {
  const key = () => page.evaluate(() => {
    const svg = document.querySelector("pce-event-timeline").shadowRoot.getElementById("chart");
    return `${svg.getAttribute("data-since")}|${svg.getAttribute("data-total")}|${location.search}`;
  });
  const before = await key();
  await action();
  await page.waitForFunction((prev) => {
    const el = document.querySelector("pce-event-timeline");
    const svg = el.shadowRoot.getElementById("chart");
    return `${svg.getAttribute("data-since")}|${svg.getAttribute("data-total")}|${location.search}` !== prev && !el.loading;
  }, before, { timeout: 30000 });
  await ready(page);
}

/** The chart's total equals pce-sim's count for the filter over the drawn window. */
async function expectMatches(filter) {
  const st = await chartState(page);
  const expected = await sim.countWith({ since: st.since, until: st.until, ...filter });
  assert.equal(st.total, expected, `chart total for ${JSON.stringify(filter)}`);
  assert.equal(st.barSum, expected);
  assert.ok(st.listCount.startsWith(`${expected.toLocaleString("en-US")} event`), st.listCount);
  return st;
}

/** Reloads the page and checks that the URL brought the same view back. */
async function expectSurvivesReload(filter, check) {
  const url = page.url();
  await page.reload();
  await ready(page);
  assert.equal(page.url(), url);
  await expectMatches(filter);
  await check();
}

test("the actor filter: a creator chosen from those seen gives pce-sim's created_by count", async () => {
  await page.goto(`${sim.url}/?range=7d`);
  await ready(page);
  const actors = await page.$$eval("#known-actors option", (os) => os.map((o) => ({ href: o.value, label: o.label })));
  const user = actors.find((a) => a.href.startsWith("/users/"));
  assert.ok(user, `a user among the actors seen: ${JSON.stringify(actors.slice(0, 5))}`);
  await afterChange(async () => {
    await page.fill("#actor", user.href);
    await page.press("#actor", "Enter");
  });
  assert.equal(new URL(page.url()).searchParams.get("actor"), user.href);
  const st = await expectMatches({ createdBy: user.href });
  assert.ok(st.total > 0 && st.total < 4000, `${user.label} made some of the events (${st.total})`);
  const name = user.label.replace(/^user: /, "");
  for (const r of await visibleRows(page)) assert.equal(r.who, name);
  await shot(page, "demo-filter-actor");
  await expectSurvivesReload({ createdBy: user.href }, async () => {
    assert.equal(await page.inputValue("#actor"), user.href);
  });
  // A username typed by hand works too: pce-sim matches it like the href.
  await afterChange(async () => {
    await page.fill("#actor", name);
    await page.press("#actor", "Enter");
  });
  assert.equal((await chartState(page)).total, st.total);
  await afterChange(async () => {
    await page.fill("#actor", "");
    await page.press("#actor", "Enter");
  });
  assert.equal(new URL(page.url()).searchParams.get("actor"), null);
  await assertClean(page, assert);
});

function otherPceEvent(n) {
  return {
    href: `/orgs/1/events/22222222-3333-4444-8555-${String(n).padStart(12, "0")}`,
    timestamp: new Date(Date.now() - n * 90_000).toISOString(),
    pce_fqdn: OTHER_PCE,
    created_by: { user: { href: "/users/77", username: "supercluster.admin@company.com" } },
    event_type: n % 2 ? "user.sign_in" : "rule_set.update",
    status: "success",
    severity: "info",
    action: { uuid: "a", api_endpoint: "/api/v2/users/login", api_method: "GET", http_status_code: 200, src_ip: "10.1.2.3" },
    resource_changes: [],
    notifications: [],
  };
}

test("the PCE filter appears when the events come from two PCEs, and gives pce-sim's pce_fqdn count", async () => {
  await page.goto(`${sim.url}/?range=24h`);
  await ready(page);
  assert.equal(await page.isHidden("#pce-field"), true, "one PCE: no PCE filter");
  await sim.inject({ events: [1, 2, 3, 4, 5].map(otherPceEvent) });
  await page.reload();
  await ready(page);
  await page.waitForSelector("#pce-field:not([hidden])");
  const options = await page.$$eval("#pce option", (os) => os.map((o) => o.value));
  assert.ok(options.includes(OTHER_PCE) && options.length === 3, `any and two PCEs: ${options}`);
  await afterChange(() => page.selectOption("#pce", OTHER_PCE));
  assert.equal(new URL(page.url()).searchParams.get("pce"), OTHER_PCE);
  const st = await expectMatches({ pceFqdn: OTHER_PCE });
  assert.equal(st.total, 5);
  await shot(page, "demo-filter-pce");
  await expectSurvivesReload({ pceFqdn: OTHER_PCE }, async () => {
    assert.equal(await page.inputValue("#pce"), OTHER_PCE);
    assert.equal(await page.isVisible("#pce-field"), true);
  });
  // Both filters at once: the other PCE's admin.
  await afterChange(async () => {
    await page.fill("#actor", "/users/77");
    await page.press("#actor", "Enter");
  });
  await expectMatches({ pceFqdn: OTHER_PCE, createdBy: "/users/77" });
  await afterChange(() => page.click("#reset"));
  assert.equal(await page.inputValue("#pce"), "");
  await assertClean(page, assert);
});

test("several event types at once, chosen in the list: counts add up to pce-sim's per type", async () => {
  await page.goto(`${sim.url}/?range=7d&group=event_type`);
  await ready(page);
  await page.click("#type-menu summary");
  await afterChange(() => page.check('#type-list input[value="user.sign_in"]'));
  await afterChange(() => page.check('#type-list input[value="user.login"]'));
  const types = ["user.login", "user.sign_in"];
  assert.equal(new URL(page.url()).searchParams.get("type"), "user.sign_in,user.login");
  const st = await expectMatches({ eventType: types });
  assert.ok(st.total > (await sim.countWith({ since: st.since, until: st.until, eventType: "user.login" })), "more than one type");
  assert.deepEqual([...st.legend].sort(), types, "the legend has the two types");
  assert.match(await page.inputValue("#type"), /^user\.sign_in, user\.login$/);
  for (const r of await visibleRows(page)) assert.ok(types.includes(r.type), r.type);
  await shot(page, "demo-filter-types");
  await expectSurvivesReload({ eventType: types }, async () => {
    await page.click("#type-menu summary");
    assert.equal(await page.isChecked('#type-list input[value="user.sign_in"]'), true);
    assert.equal(await page.isChecked('#type-list input[value="user.login"]'), true);
    assert.equal(await page.isChecked('#type-list input[value="user.logout"]'), false);
  });
  // Typed by hand, comma-separated, with a third type.
  await afterChange(async () => {
    await page.fill("#type", "user.login, user.sign_in, user.logout");
    await page.press("#type", "Enter");
  });
  await expectMatches({ eventType: ["user.login", "user.sign_in", "user.logout"] });
  await assertClean(page, assert);
});
