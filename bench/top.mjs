// Summarises a .cpuprofile: self time by function, largest first: node bench/top.mjs FILE [N]
import { readFileSync } from "node:fs";

const [file, n = "25"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const ticks = new Map();
for (let i = 0; i < profile.samples.length; i++) ticks.set(profile.samples[i], (ticks.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
let total = 0;
for (const [id, us] of ticks) {
  const f = byId.get(id).callFrame;
  const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
  console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
