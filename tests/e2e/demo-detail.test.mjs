// The detail panel of the real fixture events, keyboard use of the list, shared links to
// one event, and event data full of markup rendering as inert text.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useDemo, ready, visibleRows, shot, assertClean, sleep } from "./demo-lib.mjs";

const { sim, browser, page } = useDemo(["--events", "3000", "--days", "7", "--seed", "5"]);

const FIXTURE_DAY = "?range=custom&from=2022-08-17T00:00:00.000Z&to=2022-08-18T00:00:00.000Z";
const detailText = () => page.textContent("#detail");

test("the fixture events of 17 Aug 2022 are listed, newest first", async () => {
  await page.goto(`${sim.url}/${FIXTURE_DAY}`);
  await ready(page);
  const rows = await visibleRows(page);
  assert.deepEqual(rows.map((r) => r.type), [
    "system_task.expire_service_account_api_keys", "user.login", "user.sign_in", "user.sign_out",
    "user.logout", "user.sign_out", "sec_rule.create",
  ]);
  assert.equal(await page.getAttribute("#chart", "data-total"), "7");
});

test("a click opens who / what / where / how / notifications / raw JSON of an event", async () => {
  await page.click("#list .row >> text=user.sign_in");
  await page.waitForSelector("#detail:not([hidden])");
  assert.equal(await page.textContent("#detail-title"), "user.sign_in");
  const text = await detailText();
  for (const expected of [
    "first.last@company.com", "/users/1", // who
    "success", "info", "2022-08-17T17:48:26.666Z", "/orgs/1/events/ab222a32-0773-4f1b-9b06-7396cdfba9aa", // what
    "last_sign_in_ip", "10.10.10.9", "10.10.10.10", "sign_in_attempts_count", "53", "54", "update", // where
    "POST /login/users/sign_in", "302", // how
    "user.login_session_created", // notifications
    "\"d376a18e-5a1c-4585-8965-8b8f92fcbfad\"", // raw JSON
  ]) assert.ok(text.includes(expected), `the panel shows ${expected}`);
  const before = await page.$$eval("#detail .changes tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(before[0], ["last_sign_in_ip", "10.10.10.9", "→", "10.10.10.10"]);
  assert.match(page.url(), /event=%2Forgs%2F1%2Fevents%2Fab222a32/);
  await shot(page, "demo-detail");
  // Escape closes it and gives the focus back to the list.
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail", { state: "hidden" });
  assert.doesNotMatch(page.url(), /event=/);
});

test("the list works by keyboard: arrows move, Enter opens, Escape closes", async () => {
  await page.focus("#list");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const active = await page.getAttribute("#list", "aria-activedescendant");
  assert.equal(active, "row-2");
  assert.equal(await page.getAttribute("#row-2", "aria-selected"), "true");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#detail:not([hidden])");
  assert.equal(await page.textContent("#detail-title"), "user.sign_in");
  assert.equal(await page.evaluate(() => document.querySelector("pce-event-timeline").shadowRoot.activeElement?.id), "detail-close");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#detail", { state: "hidden" });
  assert.equal(await page.evaluate(() => document.querySelector("pce-event-timeline").shadowRoot.activeElement?.id), "list");
  // The last fixture: a user-made rule with created/after values.
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent("#detail-title"), "sec_rule.create");
  assert.ok((await detailText()).includes("create"));
  await page.keyboard.press("Escape");
});

test("a shared link to one event outside the range opens it with getEvent", async () => {
  await page.goto(`${sim.url}/?event=${encodeURIComponent("/system_events/1ece8d96-a736-444f-b9fc-b1ed9356c035")}`);
  await ready(page);
  await page.waitForSelector("#detail:not([hidden])");
  assert.equal(await page.textContent("#detail-title"), "user.logout");
  const text = await detailText();
  assert.ok(text.includes("system") && text.includes("the PCE itself"));
  await page.keyboard.press("Escape");
  await assertClean(page, assert);
});

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=2</script>";
const SVG = "<svg onload=window.__xss=3></svg>";

function hostile(n, ts) {
  return {
    href: `/orgs/1/events/00000000-0000-4000-8000-00000000000${n}`,
    timestamp: ts,
    pce_fqdn: `${IMG}.pce`,
    created_by: n === 1
      ? { user: { href: "/users/666", username: `${IMG}${SCRIPT}` } }
      : { agent: { href: "/orgs/1/agents/666", hostname: `${SVG}${IMG}` } },
    event_type: n === 3 ? `${IMG}.create` : "workload.update",
    status: n === 2 ? SCRIPT : "failure",
    severity: n === 3 ? IMG : "err",
    description: `${SCRIPT}${IMG}`,
    action: { uuid: "x", api_endpoint: `/api/${SCRIPT}`, api_method: IMG, http_status_code: 200, src_ip: IMG },
    resource_changes: [{
      uuid: "y",
      resource: { workload: { href: `/orgs/1/workloads/${IMG}`, hostname: IMG, name: SCRIPT } },
      changes: { description: { before: IMG, after: SCRIPT }, labels: { created: [SVG], deleted: [IMG] } },
      change_type: IMG,
    }],
    notifications: [{ uuid: "z", notification_type: SCRIPT, info: { description: IMG } }],
  };
}

test("event data holding markup renders as text and runs nothing", async () => {
  const now = Date.now();
  await sim.inject({ events: [1, 2, 3].map((n) => hostile(n, new Date(now - n * 60000).toISOString())) });
  await page.goto(`${sim.url}/?range=1h&group=event_type`);
  await ready(page);
  const rows = await visibleRows(page);
  const byWho = (who) => rows.find((r) => r.who === who);
  assert.ok(byWho(`${IMG}${SCRIPT}`), "username shown as typed");
  assert.ok(byWho(`${SVG}${IMG}`), "hostname shown as typed");
  assert.equal(byWho(`${SVG}${IMG}`).status, SCRIPT);
  const third = rows.find((r) => r.type === `${IMG}.create`);
  assert.ok(third, "event type shown as typed");
  assert.equal(third.severity, IMG);
  assert.ok(await page.$$eval("#known-types option", (os, v) => os.some((o) => o.value === v), `${IMG}.create`),
    "suggested as a datalist value");
  for (const r of [byWho(`${IMG}${SCRIPT}`), byWho(`${SVG}${IMG}`), third]) {
    await page.click(`#row-${r.index}`);
    await page.waitForSelector("#detail:not([hidden])");
    const text = await detailText();
    assert.ok(text.includes(IMG) && text.includes(SCRIPT), "the panel shows the characters");
  }
  await shot(page, "demo-xss-inert");
  await page.keyboard.press("Escape");
  await page.fill("#type", `${IMG}.create`);
  await page.press("#type", "Enter");
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").shadowRoot.getElementById("chart").getAttribute("data-total") === "1");
  assert.equal(await page.textContent("#legend .legend-label"), `${IMG}.create`, "legend as text");
  await page.focus("#chart");
  await page.keyboard.press("End");
  await sleep(500);
  // The page and the element's shadow root, searched alike.
  const dom = await page.evaluate(() => {
    const root = document.querySelector("pce-event-timeline").shadowRoot;
    const all = (sel) => [...document.querySelectorAll(sel), ...root.querySelectorAll(sel)];
    return {
      xss: window.__xss,
      imgs: all("img").length,
      inlineScripts: all("script").filter((s) => !s.src).length,
      svgs: all("svg").filter((s) => s.id !== "chart" && !s.classList.contains("brand-mark")).length,
      handlers: all("*").filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
    };
  });
  assert.deepEqual(dom, { xss: undefined, imgs: 0, inlineScripts: 0, svgs: 0, handlers: 0 });
  await assertClean(page, assert);
});
