// One cold start, in a fresh process: node cold.mjs URL package|raw
// Prints JSON: ms from this module's start to the first 100 events in hand (package: the
// import, the wasm compile and instantiation and the first queryEvents; raw: fetch + JSON.parse),
// and the same instant counted from the process's own start (Node's startup included).
import { performance } from "node:perf_hooks";

const t0 = performance.now();
const [url, mode] = process.argv.slice(2);
const { PKG_DIR, config, rawJson, ORG } = await import("./lib.mjs");
const tLib = performance.now();
let events;
let tImport = tLib;
if (mode === "package") {
  const { queryEvents } = await import(`${PKG_DIR}node/index.mjs`);
  tImport = performance.now();
  events = await queryEvents(config(url), { maxResults: 100 });
} else {
  events = await rawJson(`${url}/api/v2/orgs/${ORG}/events?max_results=100`);
}
const t1 = performance.now();
if (events.length !== 100) throw new Error(`expected 100 events, got ${events.length}`);
// The bench's own helper module is not part of either side: its load time is left out.
const helper = tLib - t0;
process.stdout.write(`${JSON.stringify({ first: t1 - t0 - helper, load: tImport - tLib, fromProcessStart: t1 - helper })}\n`);
