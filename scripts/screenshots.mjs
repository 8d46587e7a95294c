// Takes the README's pictures in headless Chromium, on a private pce-sim: docs/demo.png (the
// demo, a week by severity, a bar's tooltip shown) and docs/element.png (www/embed.html, the
// element in a host page with its own palette). Run after make pkg sim: node scripts/screenshots.mjs
import { join } from "node:path";
import { startDemoSim, launch, openPage, ready, ROOT } from "../tests/e2e/demo-lib.mjs";

const sim = await startDemoSim(["--events", "20000", "--days", "30", "--seed", "11"]);
try {
  const dark = await launch({ width: 1440, height: 1000, colorScheme: "dark" });
  try {
    const page = await openPage(dark);
    await page.goto(`${sim.url}/?range=7d`);
    await ready(page);
    const box = await page.locator("#chart").boundingBox();
    await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.7);
    await page.waitForSelector("#tooltip:not([hidden])");
    await page.screenshot({ path: join(ROOT, "docs/demo.png") });
  } finally {
    await dark.close();
  }
  const light = await launch({ width: 1180, height: 900, colorScheme: "light" });
  try {
    const page = await openPage(light);
    await page.goto(`${sim.url}/embed.html`);
    await page.waitForFunction(() => [...document.querySelectorAll("pce-event-timeline")]
      .every((el) => el.shadowRoot?.getElementById("chart").hasAttribute("data-total") && !el.loading), null, { timeout: 60000 });
    await page.screenshot({ path: join(ROOT, "docs/element.png") });
  } finally {
    await light.close();
  }
} finally {
  await sim.stop();
}
