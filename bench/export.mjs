// The command's memory bound: `illumio-events export` of N events (default 3 million) from a
// pce-sim of its own, the installed package's bin (tests/js, as make consumer installed it),
// NDJSON to a pipe this script counts and discards. Prints one JSON line: events, seconds,
// rate, the command's peak RSS (VmHWM from /proc, read every 20 ms) and its requests.
import { spawn } from "node:child_process";
import { API_KEY, API_SECRET, ORG, ROOT, peakRss, startSim } from "./lib.mjs";

const events = Number(process.argv[2] ?? 3_000_000);
const say = (m) => process.stderr.write(`bench export: ${m}\n`);
say(`starting pce-sim with ${events} events`);
const sim = await startSim(["--events", String(events)]);
try {
  const stats = async () => (await fetch(`${sim.url}/_sim/stats`, { headers: { "x-pce-sim-token": sim.token } })).json();
  const total = (await stats()).events;
  const before = (await stats()).requests;
  const bin = `${ROOT}tests/js/node_modules/.bin/illumio-events`;
  const env = { ...process.env, PCE_URL: sim.url, PCE_ORG: String(ORG), PCE_API_KEY: API_KEY, PCE_API_SECRET: API_SECRET };
  const started = performance.now();
  const child = spawn(bin, ["export"], { env, stdio: ["ignore", "pipe", "inherit"] });
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, peakRss(child.pid));
  };
  const timer = setInterval(sample, 20);
  let lines = 0;
  let bytes = 0;
  child.stdout.on("data", (chunk) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  const code = await new Promise((resolve) => child.once("close", resolve));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`illumio-events export exited ${code}`);
  if (lines !== total) throw new Error(`exported ${lines} events of ${total}`);
  const requests = (await stats()).requests - before;
  process.stdout.write(`${JSON.stringify({ events: lines, bytes, seconds, rate: lines / seconds, peakRss: peak, requests })}\n`);
} finally {
  await sim.stop();
}
