// Compares builds of the package side by side with raw fetch + JSON.parse, in one process:
// node --expose-gc bench/compare.mjs ROW A.cjs B.cjs ...   (ROW: query1000, query10000, async100000, timeline100000)
// Each build is a node/illumio_events.cjs (with its .wasm beside it). Medians in ms.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { config, median, rawJson, startSim, ORG } from "./lib.mjs";

const [row, ...builds] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const pkgs = builds.map((b) => require(b));
const sim = await startSim();
const cfg = config(sim.url);
const n = Number(/\d+$/.exec(row)[0]);
const gc = globalThis.gc ?? (() => {});
try {
  let subjects;
  if (row.startsWith("timeline")) {
    const events = await pkgs[0].queryEvents(cfg, { maxResults: n });
    subjects = [...pkgs.map((p) => () => p.eventTimeline(events))];
  } else {
    subjects = [...pkgs.map((p) => () => p.queryEvents(cfg, { maxResults: n })), () => rawJson(`${sim.url}/api/v2/orgs/${ORG}/events?max_results=${Math.min(n, 10000)}`)];
  }
  const times = subjects.map(() => []);
  const runs = n >= 100000 ? 5 : 15;
  for (let i = 0; i < runs + 2; i++) {
    for (let j = 0; j < subjects.length; j++) {
      const k = (i + j) % subjects.length;
      gc();
      const t0 = performance.now();
      await subjects[k]();
      if (i >= 2) times[k].push(performance.now() - t0);
    }
  }
  const names = [...builds, "raw"];
  times.forEach((t, i) => console.log(`${row} ${names[i]}: ${median(t).toFixed(1)} ms`));
} finally {
  await sim.stop();
}
