// A Vite 7 production build of a page that imports "illumio-events" and "illumio-events/element" by name, installed from the
// packed tarball into a scratch app; pce-sim serves dist/ and headless Chromium runs it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSim } from "../js/sim.mjs";
import { launchBrowser, openPage } from "./browser.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tarball = join(root, "target/illumio-events.tgz");
const vite = join(root, "node_modules/vite/bin/vite.js");
const app = join(root, "target/vite-consumer");
const dist = join(app, "dist");

let sim;
let browser;
let run;

before(async () => {
  assert.ok(existsSync(tarball), `${tarball} is missing: run make consumer first`);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  cpSync(fileURLToPath(new URL("./fixtures/vite/", import.meta.url)), app, { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "vite-consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--silent", tarball], { cwd: app, stdio: "inherit" });
  // Vite itself comes from the repository's devDependencies; the package from the app's node_modules.
  execFileSync(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: app, stdio: "inherit" });
  sim = await startSim(["--www", dist]);
  browser = await launchBrowser();
  run = await openPage(browser, `${sim.url}/index.html`, "package-vite");
  run.results = await run.page.evaluate(() => window.__results);
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

test("vite build emits the wasm as an asset and bundles the browser entry", () => {
  const assets = readdirSync(join(dist, "assets"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `wasm assets: ${assets.join(", ")}`);
  const shipped = readFileSync(join(app, "node_modules/illumio-events/web/illumio_events_bg.wasm"));
  assert.ok(readFileSync(join(dist, "assets", wasm[0])).equals(shipped), "the emitted wasm differs from the package's");
  const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(dist, "assets", f), "utf8")).join("\n");
  assert.ok(js.includes(wasm[0]), "no bundle refers to the wasm asset");
});

test("the built page queried the simulator through /pce with no init() and no error", async () => {
  const { results, problems, responses } = run;
  assert.equal(results.crashed, undefined, results.crashed);
  const wasm = responses.filter((r) => r.url.endsWith(".wasm"));
  assert.deepEqual(wasm.map((r) => [r.status, r.type]), [[200, "application/wasm"]]);
  const unexpected = problems.filter((p) => !/Failed to load resource: the server responded with a status of 404/.test(p));
  assert.deepEqual(unexpected, []);
  const expected = await (await sim.rawGet(`/orgs/${sim.org}/events?max_results=20`)).json();
  assert.equal(results.events.length, 20);
  assert.deepEqual(results.events, expected);
  const head = await sim.rawGet(`/orgs/${sim.org}/events?max_results=0`);
  assert.equal(results.total, Number(head.headers.get("x-total-count")));
  assert.deepEqual(results.missing, { isPceError: true, kind: "http", status: 404 });
});

test("the built page renders <pce-event-timeline> with the simulator's counts", async () => {
  const { page } = run;
  await page.waitForFunction(() => {
    const el = document.querySelector("pce-event-timeline");
    return el?.shadowRoot?.getElementById("chart")?.hasAttribute("data-total") && !el.loading;
  }, null, { timeout: 30000 });
  const shown = await page.evaluate(() => {
    const root = document.querySelector("pce-event-timeline").shadowRoot;
    const svg = root.getElementById("chart");
    return {
      total: Number(svg.getAttribute("data-total")),
      bars: svg.querySelectorAll(".bucket").length,
      rows: root.querySelectorAll("#list .row:not([hidden])").length,
      sheets: root.adoptedStyleSheets.length,
    };
  });
  const q = "timestamp%5Bgte%5D=2026-11-19T12:00:00.000Z&timestamp%5Blte%5D=2026-11-20T12:00:00.000Z";
  const head = await sim.rawGet(`/orgs/${sim.org}/events?max_results=0&${q}`);
  const expected = Number(head.headers.get("x-total-count"));
  assert.ok(expected > 20, `a day of seeded events (${expected})`);
  assert.equal(shown.total, expected);
  // 15-minute bars over the day, and one for the inclusive end instant.
  assert.equal(shown.bars, 97);
  assert.ok(shown.rows > 5, "the list is drawn");
  assert.equal(shown.sheets, 1);
});
