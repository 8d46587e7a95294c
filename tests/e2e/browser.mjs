// Headless Chromium for the e2e tests, through playwright-core and the system's Chromium.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
}

/**
 * Opens a page that records its console errors, page errors and every response, goes to url
 * and waits until #state is no longer "loading". On a failure the page is saved as a screenshot.
 */
export async function openPage(browser, url, name) {
  const page = await browser.newPage();
  const problems = [];
  const responses = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => responses.push({ url: r.url(), status: r.status(), type: r.headers()["content-type"] }));
  await page.goto(url);
  try {
    await page.waitForFunction(() => document.getElementById("state")?.textContent !== "loading", null, { timeout: 30000 });
  } catch (e) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}${name}.png` }).catch(() => {});
    const failed = responses.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.url}`);
    throw new Error(`${name}: the page did not finish: ${[...problems, ...failed].join("; ") || e.message}`);
  }
  return { page, problems, responses };
}
