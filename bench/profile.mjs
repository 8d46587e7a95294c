// Where time goes: node --cpu-prof --cpu-prof-dir=target/bench-prof bench/profile.mjs [rows...]
// Starts its own pce-sim and runs one row at a time in a loop, for the CPU profile
// (read it in Chrome DevTools, or with bench/top.mjs). Rows: query10000, raw10000, timeline.
import { config, loadPackage, rawJson, startSim, ORG } from "./lib.mjs";
import { jsTimeline } from "./js-timeline.mjs";

const rows = process.argv.slice(2);
const sim = await startSim();
const { pkg } = loadPackage();
const cfg = config(sim.url);
try {
  for (const row of rows.length ? rows : ["query10000", "raw10000"]) {
    const t0 = performance.now();
    if (row === "query10000") for (let i = 0; i < 20; i++) await pkg.queryEvents(cfg, { maxResults: 10000 });
    if (row === "raw10000") for (let i = 0; i < 20; i++) await rawJson(`${sim.url}/api/v2/orgs/${ORG}/events?max_results=10000`);
    if (row === "timeline" || row === "jstimeline") {
      const events = await pkg.queryEvents(cfg, { maxResults: 100000 });
      const t1 = performance.now();
      for (let i = 0; i < 5; i++) (row === "timeline" ? pkg.eventTimeline : jsTimeline)(events);
      process.stderr.write(`${row} loop: ${((performance.now() - t1) / 5).toFixed(1)} ms each\n`);
    }
    process.stderr.write(`${row}: ${(performance.now() - t0).toFixed(0)} ms\n`);
  }
} finally {
  await sim.stop();
}
