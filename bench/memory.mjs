// Memory, in a fresh process: node --expose-gc memory.mjs URL package|raw|growth
//  package, raw: what holding 10000 events costs. After one small warm-up query (so fetch and
//    the wasm are loaded in both), a full GC gives the base; the peak is the largest of samples
//    taken every millisecond during the query and right after it resolves (before any GC);
//    "held" is after a full GC with the events still referenced. wasm = the package's linear
//    memory, read from its instance; JS = heapUsed + external - wasm (Node counts a wasm memory,
//    like every ArrayBuffer, in external).
//    maxRss is the OS's peak resident size of the process, for reference.
//  growth: the wasm linear memory after 1, 10, 100 and 1000 successive queries of 1000 events.
import { ORG, config, loadPackage, rawJson } from "./lib.mjs";

const [url, mode] = process.argv.slice(2);
const gc = globalThis.gc;
if (!gc) throw new Error("run with --expose-gc");
const api = `${url}/api/v2/orgs/${ORG}/events`;
const result = {};

if (mode === "growth") {
  const { pkg, wasmMemoryBytes } = loadPackage();
  const at = {};
  for (let i = 1; i <= 1000; i++) {
    const events = await pkg.queryEvents(config(url), { maxResults: 1000 });
    if (events.length !== 1000) throw new Error("short answer");
    if ([1, 10, 100, 1000].includes(i)) at[i] = wasmMemoryBytes();
  }
  result.wasmAfter = at;
} else {
  let query;
  let wasm = () => 0;
  if (mode === "package") {
    const loaded = loadPackage();
    wasm = loaded.wasmMemoryBytes;
    query = (n) => loaded.pkg.queryEvents(config(url), { maxResults: n });
  } else {
    query = (n) => rawJson(`${api}?max_results=${n}`);
  }
  const js = () => { const m = process.memoryUsage(); return m.heapUsed + m.external - wasm(); };
  await query(100);
  gc(); gc();
  const base = { js: js(), wasm: wasm(), rss: process.memoryUsage().rss };
  let peakJs = 0;
  const sampler = setInterval(() => { peakJs = Math.max(peakJs, js()); }, 1);
  const events = await query(10000);
  peakJs = Math.max(peakJs, js());
  clearInterval(sampler);
  const peakWasm = wasm();
  gc(); gc();
  const held = { js: js(), wasm: wasm() };
  if (events.length !== 10000) throw new Error("short answer");
  result.base = base;
  result.peak = { js: peakJs - base.js, wasm: peakWasm, total: peakJs - base.js + peakWasm - base.wasm };
  result.held = { js: held.js - base.js, wasm: held.wasm, total: held.js - base.js + held.wasm - base.wasm };
  result.maxRss = process.resourceUsage().maxRSS * 1024;
}
process.stdout.write(`${JSON.stringify(result)}\n`);
