// The packed package's browser entry, unpacked from the tarball and imported natively as an ES
// module (no bundler, no init()), from a page pce-sim serves same-origin under its strict CSP;
// queries through the page's own /pce proxy route and straight at /api with credentials, compared
// with the simulator's answers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSim, API_KEY, API_SECRET } from "../js/sim.mjs";
import { launchBrowser, openPage } from "./browser.mjs";

const fixture = fileURLToPath(new URL("./fixtures/native/", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const tarball = join(root, "target/illumio-events.tgz");
// The packed package unpacked privately: what users get, and safe from a concurrent `make pkg`.
const pkg = join(root, "target/browser-pkg");

let sim;
let browser;
let run;

before(async () => {
  assert.ok(existsSync(tarball), `${tarball} is missing: run make consumer first`);
  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(pkg, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
  sim = await startSim(["--www", fixture, "--pkg", pkg]);
  browser = await launchBrowser();
  const query = new URLSearchParams({ org: String(sim.org), key: API_KEY, secret: API_SECRET });
  run = await openPage(browser, `${sim.url}/index.html?${query}`, "package-browser");
  run.results = await run.page.evaluate(() => window.__results);
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** The total the simulator itself reports for a query string. */
async function simTotal(queryString) {
  const res = await sim.rawGet(`/orgs/${sim.org}/events?max_results=0${queryString}`);
  assert.equal(res.status, 200);
  return Number(res.headers.get("x-total-count"));
}

test("the page ran to the end with no init() call, no page error and no CSP violation", () => {
  const { results, problems } = run;
  assert.equal(results.crashed, undefined, results.crashed);
  // The entry exports the API and no init function: instantiating the wasm is its own business.
  for (const name of ["queryEvents", "countEvents", "getEvent", "watchEvents", "eventTimeline", "queryTimeline", "isPceError", "toEcs"]) assert.ok(results.exports.includes(name), name);
  for (const name of ["default", "init", "initSync"]) assert.ok(!results.exports.includes(name), `${name} is exported`);
  assert.deepEqual(results.violations, []);
  // The only console errors allowed are the two failed loads the page provoked (404 and 401).
  const unexpected = problems.filter((p) => !/Failed to load resource: the server responded with a status of (404|401)/.test(p));
  assert.deepEqual(unexpected, []);
});

test("queryTimeline counts on the PCE what eventTimeline counts over the downloaded events", () => {
  const { counted, local, partials } = run.results;
  assert.ok(counted.ok, JSON.stringify(counted));
  assert.equal(counted.value.source, "counts");
  assert.ok(local.buckets.some((b) => b.total > 0));
  assert.deepEqual(counted.value.buckets.map((b) => b.total), local.buckets.map((b) => b.total));
  counted.value.buckets.forEach((b, i) => {
    for (const g of counted.value.groups) assert.equal(b.counts[g], local.buckets[i].counts[g] ?? 0, `${b.start} ${g}`);
  });
  assert.ok(partials.length > 1 && partials.at(-1) === 0, `partials ${partials}`);
});

test("the browser fetched the wasm from /pkg/web as application/wasm", () => {
  const wasm = run.responses.filter((r) => r.url.endsWith(".wasm"));
  assert.deepEqual(wasm.map((r) => [new URL(r.url).pathname, r.status, r.type]), [
    ["/pkg/web/illumio_events_bg.wasm", 200, "application/wasm"],
  ]);
});

test("through the same-origin /pce route, countEvents and queryEvents match the simulator", async () => {
  const { proxiedCount, proxiedEvents } = run.results;
  assert.ok(proxiedCount.ok, JSON.stringify(proxiedCount));
  const total = await simTotal("");
  assert.ok(total > 50);
  assert.equal(proxiedCount.value, total);
  assert.ok(proxiedEvents.ok, JSON.stringify(proxiedEvents));
  const direct = await (await sim.rawGet(`/orgs/${sim.org}/events?max_results=50`)).json();
  assert.equal(proxiedEvents.value.length, 50);
  assert.deepEqual(proxiedEvents.value, direct);
});

test("with credentials at the origin, a filtered count and query agree with the simulator", async () => {
  const { directErrCount, directErrEvents } = run.results;
  assert.ok(directErrCount.ok, JSON.stringify(directErrCount));
  const total = await simTotal("&severity=err");
  assert.ok(total > 0);
  assert.equal(directErrCount.value, total);
  assert.ok(directErrEvents.ok, JSON.stringify(directErrEvents));
  assert.equal(directErrEvents.value.length, total);
  assert.ok(directErrEvents.value.every((e) => e.severity === "err"));
});

test("getEvent fetches an event by the href a query returned", () => {
  const { getByHref, firstHref } = run.results;
  assert.match(firstHref, /^\/orgs\/1\/events\//);
  assert.ok(getByHref.ok, JSON.stringify(getByHref));
  assert.equal(getByHref.value.href, firstHref);
});

test("a misspelt option rejects with an invalid_argument PceError naming it", () => {
  const { misspelt } = run.results;
  assert.equal(misspelt.ok, false);
  assert.equal(misspelt.isPceError, true);
  assert.equal(misspelt.isError, true);
  assert.equal(misspelt.error.name, "PceError");
  assert.equal(misspelt.error.kind, "invalid_argument");
  assert.match(misspelt.error.message, /evenType/);
});

test("a missing event is an http PceError with status 404 and the request URL", () => {
  const { missing } = run.results;
  assert.equal(missing.ok, false);
  assert.equal(missing.isPceError, true);
  assert.equal(missing.error.kind, "http");
  assert.equal(missing.error.status, 404);
  assert.equal(missing.error.url, `${sim.url}/pce/api/v2/orgs/${sim.org}/events/no-such-event-0000`);
});

test("a wrong secret is an http 401 whose message and url leave the secret out", () => {
  const { badSecret } = run.results;
  assert.equal(badSecret.ok, false);
  assert.equal(badSecret.error.kind, "http");
  assert.equal(badSecret.error.status, 401);
  assert.ok(!JSON.stringify(badSecret).includes("wrong-secret"));
});
