// The Node timeline rows against a running pce-sim holding 30 days of millions of events:
// node --expose-gc timeline.mjs URL TOKEN old|counts SINCE UNTIL
// Each mode runs in a fresh process, so the old path's hundreds of MB do not weigh on the
// counts and its peak RSS is its own. Prints one JSON object.
import { config, loadPackage, peakRss } from "./lib.mjs";
import { counted, installMeter, oldPath } from "./page/timeline-rows.js";

const [url, token, mode, since, until] = process.argv.slice(2);
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const meter = installMeter();
const { pkg } = loadPackage();
const cfg = config(url);
const window = { since, until };

// The stats request itself is counted by pce-sim; the difference of two reads with nothing
// between them is what the reads add.
const stats = async () => (await (await fetch(`${url}/_sim/stats`, { headers: { "x-pce-sim-token": token } })).json()).requests;
const first = await stats();
const simOverhead = (await stats()) - first;

let out;
if (mode === "old") {
  out = await oldPath(pkg, cfg, window, { cap: env("BENCH_TIMELINE_CAP", 200000), limitMs: env("BENCH_TIMELINE_LIMIT_MS", 60000), meter, runs: env("BENCH_TIMELINE_OLD_RUNS", 2) });
} else {
  out = await counted(pkg, cfg, window, { meter, runs: env("BENCH_TIMELINE_RUNS", 5), warmup: 1, simCount: stats, simOverhead });
}
process.stdout.write(`${JSON.stringify({ ...out, peakRss: peakRss() })}\n`);
