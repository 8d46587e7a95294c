// Takes docs/element.png, the README's picture of <pce-event-timeline>: www/embed.html on a
// private pce-sim, in headless Chromium. Run after make pkg sim: node scripts/element-screenshot.mjs
import { join } from "node:path";
import { startDemoSim, launch, openPage, ROOT } from "../tests/e2e/demo-lib.mjs";

const sim = await startDemoSim(["--events", "20000", "--days", "30", "--seed", "11"]);
const browser = await launch({ width: 1180, height: 900, colorScheme: "light" });
try {
  const page = await openPage(browser);
  await page.goto(`${sim.url}/embed.html`);
  await page.waitForFunction(() => [...document.querySelectorAll("pce-event-timeline")]
    .every((el) => el.shadowRoot?.getElementById("chart").hasAttribute("data-total") && !el.loading), null, { timeout: 60000 });
  await page.screenshot({ path: join(ROOT, "docs/element.png") });
} finally {
  await browser.close();
  await sim.stop();
}
