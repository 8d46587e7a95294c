// Live mode: watchEvents brings a new event into the list and the chart within two intervals.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useDemo, ready, chartState, visibleRows, shot, assertClean, sleep } from "./demo-lib.mjs";

const { sim, browser, page } = useDemo(["--events", "2000", "--days", "2", "--seed", "3"]);

const INTERVAL_MS = 2000;

function liveEvent(n, hostname) {
  return {
    href: `/orgs/1/events/11111111-2222-4333-8444-${String(n).padStart(12, "0")}`,
    timestamp: new Date().toISOString(),
    pce_fqdn: "pce.company.com",
    created_by: { agent: { href: "/orgs/1/agents/4242", hostname } },
    event_type: "agent.tampering",
    status: "success",
    severity: "err",
    action: { uuid: "a", api_endpoint: null, api_method: null, http_status_code: null, src_ip: "10.9.8.7" },
    resource_changes: [],
    notifications: [{ uuid: "n", notification_type: "agent.firewall_tampered", info: null }],
  };
}

test("the live toggle follows new events: an injected event appears within two intervals", async () => {
  await page.goto(`${sim.url}/?range=1h&every=2`);
  await ready(page);
  await page.click("#live");
  await page.waitForSelector("#live.running");
  assert.equal(await page.getAttribute("#live", "aria-pressed"), "true");
  assert.match(page.url(), /live=1/);
  const before = await chartState(page);
  await sleep(300);

  const injectedAt = Date.now();
  await sim.inject({ events: [liveEvent(1, "live-test-host-1")] });
  await page.waitForFunction(() => [...document.querySelector("pce-event-timeline").shadowRoot.querySelectorAll("#list .row:not([hidden]) .who-name")]
    .some((e) => e.textContent === "live-test-host-1"), null, { timeout: 2 * INTERVAL_MS + 1500 });
  const took = Date.now() - injectedAt;
  assert.ok(took <= 2 * INTERVAL_MS + 1500, `shown after ${took} ms`);
  const rows = await visibleRows(page);
  assert.equal(rows[0].who, "live-test-host-1", "the new event is at the top");
  assert.equal(await page.evaluate(() => document.querySelector("pce-event-timeline").shadowRoot.querySelector("#row-0").classList.contains("fresh")), true);
  const afterOne = await chartState(page);
  assert.equal(afterOne.total, await sim.count({ since: afterOne.since, until: afterOne.until }), "the chart counts it");
  assert.ok(Date.parse(afterOne.until) >= Date.parse(before.until), "the window moves on");
  assert.ok(afterOne.legend.includes("err"));
  await shot(page, "demo-live");

  // Two more, one poll later: both arrive, once each.
  await sim.inject({ events: [liveEvent(2, "live-test-host-2"), liveEvent(3, "live-test-host-3")] });
  await page.waitForFunction(() => document.querySelector("pce-event-timeline").shadowRoot.querySelector("#row-0 .who-name")?.textContent.startsWith("live-test-host-")
    && document.querySelector("pce-event-timeline").shadowRoot.querySelector("#row-1 .who-name")?.textContent.startsWith("live-test-host-")
    && document.querySelector("pce-event-timeline").shadowRoot.querySelector("#row-2 .who-name")?.textContent.startsWith("live-test-host-"), null, { timeout: 2 * INTERVAL_MS + 1500 });
  await sleep(INTERVAL_MS + 500);
  const names = (await visibleRows(page)).map((r) => r.who).filter((w) => w.startsWith("live-test-host-"));
  assert.deepEqual(names.sort(), ["live-test-host-1", "live-test-host-2", "live-test-host-3"]);
  const st = await chartState(page);
  assert.equal(st.total, await sim.count({ since: st.since, until: st.until }));
  assert.equal(st.total, st.barSum);
});

test("turning live off stops polling", async () => {
  await page.click("#live");
  await page.waitForFunction(() => !document.getElementById("live").classList.contains("running"));
  assert.equal(await page.getAttribute("#live", "aria-pressed"), "false");
  await sleep(500);
  await sim.clearRequests();
  await sleep(2 * INTERVAL_MS + 500);
  const polls = (await sim.requests()).filter((r) => String(r.path).startsWith("/pce/api/"));
  assert.equal(polls.length, 0, "no request after live mode is off");
  await assertClean(page, assert);
});
