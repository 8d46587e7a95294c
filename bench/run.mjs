// make bench: every row of BENCHMARKS.md, each against its baseline in the same run.
// Expects the release artefacts `make bench` builds first (pkg/, the packed package in
// tests/js/node_modules, target/release/pce-sim). Prints the table and rewrites the generated
// part of BENCHMARKS.md, keeping the hand-written notes below its marker.
// BENCH_ONLY=timeline node bench/run.mjs: the 30-day timeline rows alone, BENCHMARKS.md untouched.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { cpus, totalmem, loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { API_KEY, API_SECRET, ORG, PKG_DIR, ROOT, SIM_ARGS, median, peakRss, startSim } from "./lib.mjs";

const started = Date.now();
const say = (m) => process.stderr.write(`bench: ${m}\n`);
const NODE_FLAGS = ["--expose-gc", "--max-old-space-size=8192"];
const VENV = `${ROOT}target/bench-venv`;
const PY = `${VENV}/bin/python`;
const MARKER = "<!-- Everything above is written by `make bench`; the notes below are kept. -->";
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const loads = [load()];

/** Runs a node script of bench/ in a fresh process; resolves with the JSON it printed last. */
function nodeJson(script, args, flags = NODE_FLAGS) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, `${ROOT}bench/${script}`, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited ${code}`));
      resolve(JSON.parse(out.trim().split("\n").pop()));
    });
  });
}

function ensurePythonSdk() {
  const importable = () => existsSync(PY) && spawnSync(PY, ["-c", "import illumio"]).status === 0;
  if (importable()) return;
  say("installing the Python SDK (pip install illumio) into target/bench-venv");
  for (const [cmd, args] of [["python3", ["-m", "venv", VENV]], [`${VENV}/bin/pip`, ["install", "--quiet", "illumio"]]]) {
    const r = spawnSync(cmd, args, { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`);
  }
  if (!importable()) throw new Error("the Python SDK did not install");
}

function sizes() {
  const file = (rel) => readFileSync(`${PKG_DIR}${rel}`);
  const row = (rels) => {
    const bytes = Buffer.concat(rels.map(file));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, files: rels };
  };
  // What an import loads, besides the wasm.
  return {
    wasm: row(["web/illumio_events_bg.wasm"]),
    webGlue: row(["illumio_events.js", "index.js", "timeline.js", "query-timeline.js", "get-event.js", "transport.js", "body.js", "ecs.js"].map((f) => `web/${f}`)),
    nodeGlue: row(["illumio_events.cjs", "index.cjs", "index.mjs", "timeline.cjs", "get-event.cjs", "transport.cjs", "body.cjs"].map((f) => `node/${f}`)),
  };
}

function machine() {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "pkg-template", "Cargo.toml", "Cargo.lock"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() !== "";
  return { cpu: model, cores: cpus().length, ramGiB: totalmem() / 2 ** 30, node: process.version, commit: git + (dirty ? " (with uncommitted changes to src/)" : "") };
}

function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
      // gc() before each timed call, as in Node.
      "--js-flags=--expose-gc",
    ],
  });
}

/** A page of the bench harness (bench/page, served by pce-sim), loaded and ready. */
async function benchPage(browser, sim) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  await page.goto(`${sim.url}/index.html`);
  await page.waitForFunction(() => document.getElementById("state")?.textContent === "ready", null, { timeout: 60000 })
    .catch(() => { throw new Error(`the bench page did not load: ${problems.join("; ")}`); });
  return page;
}

async function chromiumRows(sim) {
  const browser = await launchChromium();
  try {
    const page = await benchPage(browser, sim);
    const plan = [{ n: 1000, warmup: 5, runs: 21 }, { n: 10000, warmup: 3, runs: 15 }];
    const rows = await page.evaluate((arg) => window.runBench(arg), { org: ORG, key: API_KEY, secret: API_SECRET, plan });
    return { ...rows, version: browser.version() };
  } finally {
    await browser.close();
  }
}

async function coldStart(url, n) {
  const runs = { package: [], raw: [] };
  // Two untimed pairs first: the files are in the page cache for both.
  for (let i = 0; i < n + 2; i++) {
    const order = i % 2 ? ["package", "raw"] : ["raw", "package"];
    for (const mode of order) {
      const r = await nodeJson("cold.mjs", [url, mode], []);
      if (i >= 2) runs[mode].push(r);
    }
  }
  const pick = (mode, key) => median(runs[mode].map((r) => r[key]));
  return {
    subject: pick("package", "first"), baseline: pick("raw", "first"),
    ratio: pick("package", "first") / pick("raw", "first"),
    load: pick("package", "load"),
    subjectFromStart: pick("package", "fromProcessStart"), baselineFromStart: pick("raw", "fromProcessStart"),
    runs: n,
  };
}

async function memory(url, n) {
  const runs = { package: [], raw: [] };
  for (let i = 0; i < n; i++) {
    for (const mode of ["package", "raw"]) runs[mode].push(await nodeJson("memory.mjs", [url, mode]));
  }
  const pick = (mode, path) => median(runs[mode].map((r) => path.split(".").reduce((o, k) => o[k], r)));
  const growth = await nodeJson("memory.mjs", [url, "growth"]);
  return {
    peak: { subject: pick("package", "peak.total"), baseline: pick("raw", "peak.total"), wasm: pick("package", "peak.wasm") },
    held: { subject: pick("package", "held.total"), baseline: pick("raw", "held.total"), js: pick("package", "held.js"), wasm: pick("package", "held.wasm") },
    maxRss: { subject: pick("package", "maxRss"), baseline: pick("raw", "maxRss") },
    growth: growth.wasmAfter,
    runs: n,
  };
}

/** The timeline rows' simulator: what a busy PCE keeps by default (30 days), seeded as the others. */
const TIMELINE_EVENTS = 3_000_000;
const TIMELINE_DAYS = 30;
const TIMELINE_CAP = 200_000;

async function timelineRows() {
  const until = SIM_ARGS[SIM_ARGS.indexOf("--now") + 1];
  const since = new Date(Date.parse(until) - TIMELINE_DAYS * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
  const t0 = performance.now();
  const sim = await startSim(["--events", String(TIMELINE_EVENTS), "--days", String(TIMELINE_DAYS), "--www", `${ROOT}bench/page`, "--pkg", `${ROOT}pkg`]);
  const out = { since, until, events: TIMELINE_EVENTS, cap: TIMELINE_CAP, simStartMs: performance.now() - t0 };
  try {
    const args = (mode) => [sim.url, sim.token, mode, since, until];
    say("  Node: queryTimeline");
    out.node = { counted: await nodeJson("timeline.mjs", args("counts")) };
    say(`  Node: the old path (count, queryEvents of ${TIMELINE_CAP}, eventTimeline)`);
    out.node.old = await nodeJson("timeline.mjs", args("old"));
    const browser = await launchChromium();
    try {
      const page = await benchPage(browser, sim);
      const common = { org: ORG, key: API_KEY, secret: API_SECRET, token: sim.token, window: { since, until } };
      say("  Chromium: queryTimeline");
      out.chromium = { counted: await page.evaluate((a) => window.runTimelineBench(a), { ...common, mode: "counts", runs: 5 }) };
      say("  Chromium: the old path");
      out.chromium.old = await page.evaluate((a) => window.runTimelineBench(a), { ...common, mode: "old", cap: TIMELINE_CAP, limitMs: 60000, runs: 2 });
    } finally {
      await browser.close();
    }
    out.simPeakRss = peakRss(sim.pid);
  } finally {
    await sim.stop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const mb = (v) => `${(v / 2 ** 20).toFixed(1)} MiB`;
const kb = (v) => `${(v / 1024).toFixed(1)} KiB`;
const x = (v) => `${v.toFixed(2)}x`;

function table(r) {
  const rows = [
    ["Node: `queryEvents` 1000 events", r.node.query1000, "fetch + JSON.parse, same URL"],
    ["Node: `queryEvents` 10000 events", r.node.query10000, "fetch + JSON.parse, same URL"],
    ["Chromium: `queryEvents` 1000 events", r.chromium.query1000, "fetch + JSON.parse, same URL"],
    ["Chromium: `queryEvents` 10000 events", r.chromium.query10000, "fetch + JSON.parse, same URL"],
    ["Node: 100000 events, async collection (client time)", r.node.async100k, "fetch + JSON.parse of the datafile"],
    ["Node: `getEvent`", r.node.getEvent, "fetch + JSON.parse, same URL"],
    ["Node: `eventTimeline` 100000 events", r.node.timeline100k, "plain JS loop, same counts"],
    ["Node: `eventTimeline` 1000000 events", r.node.timeline1m, "plain JS loop, same counts"],
    ["Python SDK 10000 events (baseline) vs `queryEvents` 10000", { subject: r.node.query10000.subject, baseline: r.python.median, ratio: r.node.query10000.subject / r.python.median, runs: r.python.runs }, "`pce.events.get(params={\"max_results\": 10000})`"],
    ["Node: cold start, first `queryEvents` (100 events)", r.cold, "fresh process, first fetch + JSON.parse"],
  ];
  const lines = [
    "| row | package (ms) | baseline (ms) | ratio | runs | baseline is |",
    "|---|---:|---:|---:|---:|---|",
    ...rows.map(([name, v, what]) => `| ${name} | ${ms(v.subject)} | ${ms(v.baseline)} | ${x(v.ratio)} | ${v.runs} | ${what} |`),
  ];
  const m = r.memory;
  const mem = [
    "| memory, holding 10000 events (median of " + m.runs + " fresh processes) | package | raw fetch + JSON.parse | ratio |",
    "|---|---:|---:|---:|",
    `| peak: JS heap + external + wasm linear memory, above the base | ${mb(m.peak.subject)} | ${mb(m.peak.baseline)} | ${x(m.peak.subject / m.peak.baseline)} |`,
    `| held after a full GC, above the base | ${mb(m.held.subject)} (JS ${mb(m.held.js)}, wasm memory ${mb(m.held.wasm)} in all) | ${mb(m.held.baseline)} | ${x(m.held.subject / m.held.baseline)} |`,
    `| peak RSS of the process (OS) | ${mb(m.maxRss.subject)} | ${mb(m.maxRss.baseline)} | ${x(m.maxRss.subject / m.maxRss.baseline)} |`,
    "",
    `wasm linear memory after successive \`queryEvents\` of 1000 events: ${Object.entries(m.growth).map(([n, b]) => `${n}: ${kb(b)}`).join(", ")}.`,
  ];
  const s = r.sizes;
  const size = [
    "| size | raw | gzip -9 |",
    "|---|---:|---:|",
    `| \`illumio_events_bg.wasm\` | ${kb(s.wasm.raw)} | ${kb(s.wasm.gzip)} |`,
    `| JS an import loads, browser (${s.webGlue.files.map((f) => `\`${f}\``).join(", ")}) | ${kb(s.webGlue.raw)} | ${kb(s.webGlue.gzip)} |`,
    `| JS an import loads, Node (${s.nodeGlue.files.map((f) => `\`${f}\``).join(", ")}) | ${kb(s.nodeGlue.raw)} | ${kb(s.nodeGlue.gzip)} |`,
  ];
  return { main: lines.join("\n"), memory: mem.join("\n"), size: size.join("\n") };
}

const bytes = (v) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : `${(v / 1e3).toFixed(1)} kB`);
const hours = (v) => (v % 86_400_000 ? `${v / 3_600_000} h` : `${v / 86_400_000} d`);

/** The old path scaled to the whole window: linear in the events, as its download is. */
function extrapolated(o) {
  const f = o.total / o.downloaded;
  return { f, bytes: o.bytes * f, ms: o.countMs + (o.downloadMs + o.timelineMs) * f };
}

function timelineTable(t) {
  const lines = [
    "| row | complete chart (ms) | first partial chart (ms) | first bar counted (ms) | received | requests (client / pce-sim) | chart | runs |",
    "|---|---:|---:|---:|---:|---:|---|---:|",
  ];
  const sides = [["Node", t.node], ["Chromium", t.chromium]];
  for (const [env, r] of sides) {
    const c = r.counted;
    lines.push(`| ${env}: \`queryTimeline\`, groupBy severity | ${ms(c.ms)} | ${ms(c.firstPartialMs)} | ${ms(c.firstBarMs)} | ${bytes(c.bytes)} | ${c.requests} / ${c.simRequests} | ${c.buckets} bars of ${hours(c.bucketMs)}, all ${c.total} events | ${c.runs} |`);
  }
  for (const [env, r] of sides) {
    const o = r.old;
    const cover = `${(100 * o.downloaded / o.total).toFixed(1)}%`;
    lines.push(`| ${env}: old path, newest ${o.downloaded} of ${o.total}${o.stopped ? " (stopped at the time limit)" : ""} | ${ms(o.ms)} | none | ${ms(o.ms)} | ${bytes(o.bytes)} | ${o.responses} / - | ${o.buckets} bars of ${hours(o.bucketMs)}, ${cover} of the events | ${o.runs} |`);
  }
  for (const [env, r] of sides) {
    const e = extrapolated(r.old);
    lines.push(`| ${env}: old path scaled to all ${r.old.total} events (estimate, not run: it would fail, see below) | ~${(e.ms / 1000).toFixed(0)} s | none | ~${(e.ms / 1000).toFixed(0)} s | ~${bytes(e.bytes)} | - | - | - |`);
  }
  return lines.join("\n");
}

function timelineTargets(t, add) {
  const both = (f) => `Node ${f(t.node.counted)}, Chromium ${f(t.chromium.counted)}`;
  const worst = (k) => Math.max(t.node.counted[k], t.chromium.counted[k]);
  add("complete 30-day chart of 3 million events in at most 2 s (loopback)", worst("ms") <= 2000, `${both((c) => `${ms(c.ms)} ms`)}`);
  add("at most 1 MB received for it", worst("bytes") <= 1e6, `${both((c) => `${c.bytes} bytes`)}`);
  add("at most 200 requests for it", Math.max(worst("requests"), worst("simRequests")) <= 200, `${both((c) => `${c.requests} (pce-sim: ${c.simRequests})`)}`);
}

const targetLine = (name, met, detail) => `| ${name} | ${met ? "met" : "**not met**"} | ${detail} |`;
const TARGETS_HEAD = "| target | status | this run |\n|---|---|---|";

function targets(r) {
  const t = [];
  const add = (...a) => t.push(targetLine(...a));
  // A row's package time within `limit` times its baseline's.
  const within = (name, row, limit) => add(name, row.ratio <= limit, `${x(row.ratio)} (${ms(row.subject)} vs ${ms(row.baseline)} ms)`);
  within("`queryEvents` 10000 within 1.2x of raw, Node", r.node.query10000, 1.2);
  within("`queryEvents` 10000 within 1.2x of raw, Chromium", r.chromium.query10000, 1.2);
  add("`eventTimeline` 1M no slower than the JS loop", r.node.timeline1m.ratio <= 1.0, `${x(r.node.timeline1m.ratio)} (${ms(r.node.timeline1m.subject)} vs ${ms(r.node.timeline1m.baseline)} ms)`);
  const py = r.python.median / r.node.query10000.subject;
  add("at least 5x faster than the Python SDK, 10000 events", py >= 5, `${py.toFixed(1)}x faster (${ms(r.node.query10000.subject)} vs ${ms(r.python.median)} ms)`);
  add("`.wasm` under 100 KB gzip", r.sizes.wasm.gzip < 100_000, `${r.sizes.wasm.gzip} bytes gzip (${kb(r.sizes.wasm.gzip)})`);
  add("cold start under 50 ms", r.cold.subject < 50, `${ms(r.cold.subject)} ms (raw fetch cold: ${ms(r.cold.baseline)} ms)`);
  const g = Object.values(r.memory.growth);
  const grows = g[g.length - 1] > g[1];
  add("no wasm memory growth across 1000 queries", !grows, `${kb(g[1])} after 10, ${kb(g[g.length - 1])} after 1000`);
  // The floor (issue 15): the package within 10% of what a developer would write by hand.
  const floor = (what, row) => within(`${what} within 1.10x of raw`, row, 1.1);
  floor("Node `queryEvents` 1000", r.node.query1000);
  floor("Node `queryEvents` 10000", r.node.query10000);
  floor("Node `getEvent`", r.node.getEvent);
  floor("Node cold start (first `queryEvents`, fresh process)", r.cold);
  floor("Chromium `queryEvents` 1000", r.chromium.query1000);
  floor("Chromium `queryEvents` 10000", r.chromium.query10000);
  const peak = r.memory.peak.subject / r.memory.peak.baseline;
  add("peak memory holding 10000 events within 1.2x of raw", peak <= 1.2, `${x(peak)} (${(r.memory.peak.subject / 2 ** 20).toFixed(1)} vs ${(r.memory.peak.baseline / 2 ** 20).toFixed(1)} MiB)`);
  const e = r.export;
  timelineTargets(r.timeline, add);
  add("`illumio-events export` of 3 million events under 400 MB", e.events >= 3_000_000 && e.peakRss < 400 * 1e6,
    `${(e.peakRss / 1e6).toFixed(0)} MB peak RSS over ${e.events} events`);
  return [TARGETS_HEAD, ...t].join("\n");
}

function timelineSection(t) {
  const n = t.node.old;
  const e = extrapolated(n);
  return `A pce-sim of its own with ${t.events} seeded events over ${TIMELINE_DAYS} days (\`--events ${t.events} --days ${TIMELINE_DAYS}\`, the flags above otherwise; it started in ${(t.simStartMs / 1000).toFixed(1)} s, peak RSS ${(t.simPeakRss / 1e6).toFixed(0)} MB), one chart of the window ${t.since} .. ${t.until} split by severity, drawn two ways (bench/page/timeline-rows.js, the same code in Node and Chromium):

${timelineTable(t)}

- \`queryTimeline(config, { since, until }, { groupBy: "severity" })\`, its defaults otherwise (6 in flight, at most 200 requests, the bucket size grown until the plan fits): median of the runs after one untimed run. The first partial chart is the first \`onPartial\` call, ready to draw with the pending bars at 0 (in Node it came after ${t.node.counted.firstRequestsDone} of ${t.node.counted.requestsPlanned} planned requests, with ${t.node.counted.firstPending} of ${t.node.counted.buckets} bars pending; ${t.node.counted.partials} partials in all); the first bar counted is the first partial with a bar no longer pending. The bar size is what fits in 200 requests: each boundary costs one count per severity present (${t.node.counted.groups}), so ${t.node.counted.buckets} bars of ${hours(t.node.counted.bucketMs)} here, where eventTimeline's default over the same window would draw bars of ${hours(t.node.old.bucketMs)}. Requests: \`result.requests\` and the difference of pce-sim's request counter (\`/_sim/stats\`) around the call. Each run's buckets are checked: the groups add up to each bar, and the bars to \`countEvents\` of the window.
- The old path is what the demo did before: \`countEvents\`, \`queryEvents\` of the newest ${t.cap} (an asynchronous collection: the 202, its poll, the datafile), then \`eventTimeline\` over them; its chart covers the newest ${(100 * n.downloaded / n.total).toFixed(1)}% of the events and says nothing about the rest. Node, median: count ${ms(n.countMs)} ms, collection ${ms(n.downloadMs)} ms, eventTimeline ${ms(n.timelineMs)} ms; peak RSS of the process ${(n.peakRss / 1e6).toFixed(0)} MB (VmHWM). A run still collecting after 60 s is stopped (its \`signal\`); ${t.node.old.stopped || t.chromium.old.stopped ? "**one was**" : "none was"}.
- The whole window the old way was not run: scaled linearly from the run above (${Math.round(n.bytes / n.downloaded)} bytes an event × ${n.total} events; the collection's time × ${e.f.toFixed(1)}), it is ~${bytes(e.bytes)} in one datafile and ~${(e.ms / 1000).toFixed(0)} s in Node, with ~${(n.peakRss * e.f / 1e9).toFixed(0)} GB of RSS at the same rate. It would not finish at all: the package decodes a datafile into one string for \`JSON.parse\`, and a V8 string holds at most 2^29 - 24 characters (${bytes(2 ** 29 - 24)}; at ${Math.round(n.bytes / n.downloaded)} bytes an event, about ${Math.round((2 ** 29 - 24) / (n.bytes / n.downloaded) / 1000)} thousand events).
- Received: each response's status line and headers as sent, plus its body (Content-Length), counted by a wrapper of the global \`fetch\` in the bench's process or page; 1 MB = 10^6 bytes.`;
}

function render(r) {
  const t = table(r);
  const date = new Date(started).toISOString().replace(/\.\d+Z$/, "Z");
  const m = r.machine;
  return `# Benchmarks

Written by \`make bench\` (bench/run.mjs) on ${date}, at commit ${m.commit}.

- Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM; load average (1, 5, 15 min) at the start ${r.loads[0]}, at the end ${r.loads[1]}.
- Node ${m.node}; ${r.chromium.version.startsWith("Chrom") ? "" : "Chromium "}${r.chromium.version} headless (Playwright); Python ${r.python.python} with the SDK \`illumio\` ${r.python.version}.
- pce-sim (release build) on 127.0.0.1: \`${SIM_ARGS.join(" ")}\`, same host, so "network" time is loopback.
- Each time is the median of the runs shown after untimed warm-up runs; the package and its baseline alternate (A B, B A, ...) in the same process, with a full GC before each timed call (Node \`--expose-gc\`, Chromium \`--js-flags=--expose-gc\`). Ratio = package / baseline, so below 1 means the package is faster.
- The whole run took ${((Date.now() - started) / 1000).toFixed(0)} s.

## Time

${t.main}

The async row: the package's client time is its total minus the job phase, measured from its own \`onProgress\` calls: from "requested" (the 202 handled) to "downloading" (the datafile request sent). That phase is the simulator's job time (${r.node.async100k.simJobMs} ms here: \`--async-delay-ms 0\`, from the job's \`requested_at\`/\`terminated_at\`) plus the client's first poll wait (50 ms when the PCE says \`Retry-After: 0\`) and the poll itself. Medians: total ${ms(r.node.async100k.total)} ms, job phase ${ms(r.node.async100k.jobPhase)} ms. The client time keeps the 202 request, the datafile download, the check and the parse. The baseline downloads the datafile of one job made by hand, by fetch + JSON.parse.

The Python row is the other way round: the SDK is the baseline and the package is \`queryEvents\` 10000 in Node from this same run, so a ratio of 0.1 means ten times faster.

Cold start: a fresh \`node\` per run (${r.cold.runs} each, alternating); the time runs from the bench module's start through importing the package (${ms(r.cold.load)} ms median: reading, compiling and instantiating the wasm) to the first \`queryEvents\` answer of 100 events. The baseline is a fresh process's first fetch + JSON.parse of the same URL (Node loads its fetch lazily, so both pay for that). From the process's own start, Node's startup included: ${ms(r.cold.subjectFromStart)} vs ${ms(r.cold.baselineFromStart)} ms.

## Memory

${t.memory}

Peak: sampled every millisecond while the query runs and once right after it resolves, before any GC. The wasm memory is read from the package's own \`WebAssembly.Memory\` (bench/lib.mjs keeps the instance the glue makes); Node counts a wasm memory in \`external\`, so JS = heapUsed + external minus the wasm memory. Linear memory never shrinks: what it grew to for one 10000-event body stays reserved (and reused) for the life of the process.

## Export

\`illumio-events export\` (the installed package's bin) of every event of a pce-sim of its own holding ${r.export.events} events, NDJSON to a pipe the bench counts and discards (bench/export.mjs): ${r.export.seconds.toFixed(1)} s, ${Math.round(r.export.rate)} events/s, ${(r.export.bytes / 1e9).toFixed(2)} GB written, ${r.export.requests} requests (counts and slices), peak RSS of the command ${(r.export.peakRss / 1e6).toFixed(0)} MB (VmHWM, read every 20 ms).

Tail soak (tests/js/cli-tail.test.mjs with \`TAIL_KILLS=200\`): 200 SIGKILLs of \`illumio-events tail\` at random instants while events keep arriving, then the same events as an uninterrupted run, each exactly once: ${r.soak}.

## Timeline of 30 days

${timelineSection(r.timeline)}

## Size

${t.size}

## Targets

${targets(r)}

${MARKER}
`;
}

// ---------------------------------------------------------------------------------------------

for (const need of [`${ROOT}target/release/pce-sim`, `${PKG_DIR}web/illumio_events_bg.wasm`, `${ROOT}pkg/web/index.js`]) {
  if (!existsSync(need)) throw new Error(`${need} is missing: run make bench (it builds the release artefacts)`);
}
if (statSync(`${ROOT}pkg/web/illumio_events_bg.wasm`).size !== statSync(`${PKG_DIR}web/illumio_events_bg.wasm`).size) {
  say("warning: pkg/ and the packed package in tests/js differ; run make consumer");
}
// BENCH_ONLY=timeline runs the timeline rows alone: printed and kept in target/, BENCHMARKS.md untouched.
if (process.env.BENCH_ONLY === "timeline") {
  say(`load average ${loads[0]}; the timeline rows: pce-sim with ${TIMELINE_EVENTS} events`);
  const t = await timelineRows();
  loads.push(load());
  writeFileSync(`${ROOT}target/bench-timeline.json`, `${JSON.stringify({ ...t, loads }, null, 2)}\n`);
  const lines = [];
  timelineTargets(t, (...a) => lines.push(targetLine(...a)));
  process.stdout.write(`\n${timelineSection(t)}\n\n${TARGETS_HEAD}\n${lines.join("\n")}\n\nload average: ${loads.join(" -> ")}; ${((Date.now() - started) / 1000).toFixed(0)} s (target/bench-timeline.json)\n`);
  process.exit(0);
}
ensurePythonSdk();
const results = { machine: machine(), sizes: sizes() };
say(`load average ${loads[0]}; starting pce-sim with ${SIM_ARGS[SIM_ARGS.indexOf("--events") + 1]} events`);
const sim = await startSim(["--www", `${ROOT}bench/page`, "--pkg", `${ROOT}pkg`]);
try {
  say("Node rows (queryEvents, getEvent, async collection, eventTimeline)");
  results.node = await nodeJson("node-suite.mjs", [sim.url]);
  say("Chromium rows");
  results.chromium = await chromiumRows(sim);
  say("Python SDK");
  const py = spawnSync(PY, [`${ROOT}bench/python_sdk.py`, sim.url, API_KEY, API_SECRET, "1", "5"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (py.status !== 0) throw new Error("the Python SDK run failed");
  const pyOut = JSON.parse(py.stdout.trim().split("\n").pop());
  results.python = { ...pyOut, median: median(pyOut.times), runs: pyOut.times.length };
  say("cold start");
  results.cold = await coldStart(sim.url, 15);
  say("memory");
  results.memory = await memory(sim.url, 3);
} finally {
  await sim.stop();
}
say(`timeline rows: pce-sim with ${TIMELINE_EVENTS} events over ${TIMELINE_DAYS} days`);
results.timeline = await timelineRows();
// A simulator of its own (about 4.5 GB for 3 million events), started after the other is gone.
say("export of 3 million events with the command");
results.export = await nodeJson("export.mjs", ["3000000"], []);
// The tail test of make test, with 200 kills instead of 20.
say("tail soak: 200 SIGKILLs");
const soak = spawnSync(process.execPath, ["--test", "--test-name-pattern=SIGKILLs", `${ROOT}tests/js/cli-tail.test.mjs`],
  { cwd: `${ROOT}tests/js`, env: { ...process.env, TAIL_KILLS: "200" }, encoding: "utf8" });
if (soak.status !== 0) throw new Error(`the tail soak failed:\n${soak.stdout.slice(-3000)}`);
results.soak = /# (\d+ events, seed \d+, .*)/.exec(soak.stdout)?.[1] ?? "no diagnostic";
loads.push(load());
results.loads = loads;

const text = render(results);
const path = `${ROOT}BENCHMARKS.md`;
const kept = existsSync(path) ? readFileSync(path, "utf8").split(MARKER)[1] ?? "" : "";
writeFileSync(path, text + kept.replace(/^\n+/, "\n"));
writeFileSync(`${ROOT}target/bench-results.json`, `${JSON.stringify(results, null, 2)}\n`);
const t = table(results);
process.stdout.write(`\n${t.main}\n\n${t.memory}\n\n${t.size}\n\n${targets(results)}\n\nload average: ${loads.join(" -> ")}; wrote BENCHMARKS.md (and target/bench-results.json) in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
