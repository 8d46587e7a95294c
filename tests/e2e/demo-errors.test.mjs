// Every kind of failure shows a banner that says what to do; the asynchronous collection (a
// chart by creator, which the PCE cannot count) shows its progress and can be cancelled.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useDemo, openPage, ready, chartState, shot, assertClean, sleep, ROOT } from "./demo-lib.mjs";
import { spawnSim, API_KEY, API_SECRET } from "../js/sim.mjs";

const ASYNC_DELAY_MS = 5000;

const { sim, browser, page } = useDemo(["--events", "12500", "--days", "30", "--seed", "9", "--async-delay-ms", String(ASYNC_DELAY_MS)], { viewport: { width: 1280, height: 900 } });

async function banner(timeout = 30000) {
  const b = await page.waitForSelector('.banner[data-scope="load"]', { timeout });
  return {
    kind: await b.getAttribute("data-kind"),
    level: (await b.getAttribute("class")).match(/level-(\w+)/)[1],
    title: await b.$eval(".banner-title", (e) => e.textContent),
    advice: await b.$eval(".banner-advice", (e) => e.textContent),
    details: await b.evaluate((e) => e.querySelector("details")?.textContent ?? ""),
  };
}

/** Loads the page under a fault, checks the banner, then clears the fault and retries. */
async function faultCase(fault, expect, { shotName, timeout } = {}) {
  await sim.clearFaults();
  await sim.fault({ path: "/pce/api/", times: 50, ...fault });
  await page.goto(sim.url);
  const b = await banner(timeout);
  assert.equal(b.kind, expect.kind);
  assert.match(b.title, expect.title);
  assert.match(b.advice, expect.advice);
  if (expect.details) assert.match(b.details, expect.details);
  assert.equal(await page.isHidden("#progress"), true, "no progress left spinning");
  assert.match(await page.getAttribute("#source", "class"), /\bbad\b/);
  if (shotName) await shot(page, shotName);
  await sim.clearFaults();
  const retry = page.locator('.banner[data-scope="load"] .banner-actions button', { hasText: /^Retry/ });
  await page.waitForFunction(() => {
    const b = [...document.querySelectorAll('.banner[data-scope="load"] .banner-actions button')].find((x) => x.textContent.startsWith("Retry"));
    return b && !b.disabled;
  }, null, { timeout: 15000 });
  await retry.click();
  await ready(page);
  assert.equal(await page.$('.banner[data-scope="load"]'), null, "the banner goes once it works");
  const st = await chartState(page);
  assert.equal(st.total, await sim.count({ since: st.since, until: st.until }));
}

const DENIED = '[{"token":"authentication_failed","message":"Authentication failed"}]';

test("401: the proxy's credentials", async () => {
  await faultCase({ kind: "respond", status: 401, body: DENIED },
    { kind: "http-401", title: /refused the credentials \(HTTP 401\)/, advice: /pce-sim adds them/, details: /authentication_failed/ },
    { shotName: "demo-error-401" });
});

test("403: the key's permissions", async () => {
  await faultCase({ kind: "respond", status: 403, body: '[{"token":"forbidden_error","message":"Forbidden"}]' },
    { kind: "http-403", title: /may not read the events of org 1/, advice: /role that can read events/ });
});

test("429: rate limited, with the wait the PCE asked for", async () => {
  await faultCase({ kind: "respond", status: 429, headers: { "Retry-After": "1" }, body: '[{"token":"too_many_requests_error","message":"Too many requests"}]' },
    { kind: "http-429", title: /rate limiting/, advice: /wait 1 s/, details: /retry after/ },
    { shotName: "demo-error-429" });
});

test("503: the PCE or its proxy is unavailable", async () => {
  await faultCase({ kind: "respond", status: 503, body: "<html><body>Service Unavailable</body></html>" },
    { kind: "http-503", title: /unavailable \(HTTP 503\)/, advice: /Retry/ });
});

test("network: the PCE is unreachable", async () => {
  await faultCase({ kind: "reset" },
    { kind: "network", title: /unreachable/, advice: /pce-sim is still running/ },
    { shotName: "demo-error-network" });
});

test("invalid_response: not what the Events API sends", async () => {
  await faultCase({ kind: "respond", status: 200, body: "<html><body>Please sign in</body></html>" },
    { kind: "invalid_response", title: /not what the Events API sends/, advice: /./ });
});

test("timeout: the PCE took too long", { timeout: 120000 }, async () => {
  await faultCase({ kind: "hang", times: 1 },
    { kind: "timeout", title: /took too long/, advice: /narrow the time range/ },
    { timeout: 90000 });
});

test("the asynchronous collection: progress while the job runs, then every event", async () => {
  await sim.clearFaults();
  await page.goto(`${sim.url}/?range=30d&group=created_by`);
  await page.waitForSelector("#progress:not([hidden])");
  await page.waitForFunction(() => /asynchronous job/.test(document.querySelector("pce-event-timeline")?.shadowRoot.getElementById("progress-detail").textContent ?? ""));
  assert.match(await page.textContent("#progress-title"), /Collecting 12,\d{3} events/);
  await sleep(1200);
  assert.match(await page.textContent("#progress-detail"), /asynchronous job · .+ · \d+\.\d s/);
  assert.match(await page.getAttribute("#progress", "data-phase"), /requested|running/);
  await shot(page, "demo-async-progress");
  await ready(page, { timeout: 60000 });
  const st = await chartState(page);
  const expected = await sim.count({ since: st.since, until: st.until });
  assert.ok(expected > 10000, `more than one synchronous page (${expected})`);
  assert.equal(st.total, expected, "everything, not the first 10000");
  const asyncRequests = (await sim.requests()).filter((r) => JSON.stringify(r.headers).toLowerCase().includes("respond-async"));
  assert.ok(asyncRequests.length >= 1, "the page used Prefer: respond-async");
});

test("the asynchronous collection can be cancelled", async () => {
  await page.goto(`${sim.url}/?range=30d&severity=info&group=created_by`);
  await page.waitForFunction(() => /asynchronous job/.test(document.querySelector("pce-event-timeline")?.shadowRoot.getElementById("progress-detail").textContent ?? ""));
  await sleep(800);
  await page.click("#cancel");
  const b = await banner();
  assert.equal(b.kind, "aborted");
  assert.equal(b.level, "info");
  assert.match(b.title, /cancelled/);
  assert.equal(await page.isHidden("#progress"), true);
  await shot(page, "demo-async-cancelled");
  await sleep(500);
  await sim.clearRequests();
  await sleep(ASYNC_DELAY_MS);
  const after = (await sim.requests()).filter((r) => String(r.path).startsWith("/pce/"));
  assert.equal(after.length, 0, "no job polling after cancel");
});

test("counting on the PCE shows the bars filling in and can be cancelled", async () => {
  await sim.clearFaults();
  // Each count's two-byte body trickled, so that the counts are still under way when Cancel is clicked.
  await sim.fault({ kind: "slow_body", chunk_bytes: 1, delay_ms: 250, path: "/pce/api/", times: 100000 });
  try {
    await page.goto(`${sim.url}/?range=30d`);
    await page.waitForFunction(() => {
      const root = document.querySelector("pce-event-timeline")?.shadowRoot;
      return root?.getElementById("progress").dataset.phase === "counting" && Number(root.getElementById("chart").dataset.pending) > 0;
    }, null, { timeout: 30000 });
    assert.match(await page.textContent("#progress-title"), /Counting events on the PCE/);
    assert.match(await page.textContent("#progress-detail"), /\d+ of \d+ requests · \d+ of \d+ bars/);
    await shot(page, "demo-counting");
    await page.click("#cancel");
    const b = await banner();
    assert.equal(b.kind, "aborted");
    assert.match(b.title, /cancelled/);
    assert.equal(await page.isHidden("#progress"), true);
    await sleep(500);
    await sim.clearRequests();
    await sleep(2000);
    const after = (await sim.requests()).filter((r) => String(r.path).startsWith("/pce/"));
    assert.equal(after.length, 0, "no count after cancel");
  } finally {
    await sim.clearFaults();
  }
});

test("async_job_failed: the PCE's job failed", async () => {
  await sim.clearFaults();
  await sim.fault({ kind: "job_fail", path: "/pce/api/", message: "The datafile could not be written", times: 5 });
  await page.goto(`${sim.url}/?range=30d&group=created_by`);
  const b = await banner(60000);
  assert.equal(b.kind, "async_job_failed");
  assert.match(b.title, /asynchronous collection failed/);
  assert.match(b.advice, /narrow the time range/);
  assert.match(b.details, /The datafile could not be written/);
  await shot(page, "demo-error-job-failed");
  await sim.clearFaults();
  await assertClean(page, assert, { allow: [/Failed to load resource/] });
});

test("without the package (no --pkg), the page says how to get it", async () => {
  const { child, url } = await spawnSim(["--listen", "127.0.0.1:0", "--org", "1", "--api-key", API_KEY,
    "--api-secret", API_SECRET, "--www", join(ROOT, "www"), "--rate-limit", "0"]);
  try {
    const other = await openPage(browser);
    await other.goto(url);
    const b = await other.waitForSelector('.banner[data-scope="config"]');
    assert.equal(await b.getAttribute("data-kind"), "package");
    assert.match(await b.textContent(), /did not load.*make pkg/s);
    assert.equal(await other.textContent("#source"), "Package missing");
    await assertClean(other, assert, { allow: [/Failed to load resource: the server responded with a status of 404/, /element\.js/] });
    await other.close();
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
});
