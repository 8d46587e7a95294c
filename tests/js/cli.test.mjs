// The `illumio-events` command, from the packed tarball installed in a scratch folder and run
// with npx, against pce-sim: formats, filters, --out, slices, exit codes, and no secret anywhere.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { countEvents, eventTimeline, queryEvents, toEcs } from "illumio-events";
import { startSim, API_SECRET } from "./sim.mjs";
import { closedPort } from "./helpers.mjs";
import { assertNoSecretIn, killGroup, outputs, parseCsv, pceEnv, run, scratchInstall } from "./cli-helpers.mjs";

const lines = (text) => text.split("\n").filter(Boolean).map((l) => JSON.parse(l));

/** The event a CSV row stands for: the reverse of the command's columns. */
function fromCsv(header, row) {
  const cell = Object.fromEntries(header.map((h, i) => [h, row[i]]));
  const event = {};
  for (const key of ["href", "timestamp", "pce_fqdn", "created_by", "event_type", "status", "severity", "action",
    "resource_changes", "notifications"]) {
    const text = cell[key];
    event[key] = ["created_by", "action", "resource_changes", "notifications"].includes(key)
      ? (text === "" ? null : JSON.parse(text)) : (text === "" ? null : text);
  }
  if (cell.version !== "") event.version = Number(cell.version);
  if (cell.other !== "") Object.assign(event, JSON.parse(cell.other));
  return event;
}
const canonical = (v) => (Array.isArray(v) ? v.map(canonical)
  : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);

describe("the illumio-events command", { timeout: 600000 }, () => {
  let dir;
  let sim;
  let env;
  before(async () => {
    dir = scratchInstall();
    sim = await startSim();
    env = pceEnv(sim);
  });
  after(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exports every event as NDJSON, newest first or oldest first, exactly as the PCE sent them", async () => {
    const all = await queryEvents(sim.config(), { maxResults: 10000 });
    const newest = await run(dir, ["export"], { env });
    assert.equal(newest.code, 0, newest.stderr);
    assert.equal(newest.stderr, "", "quiet when stderr is not a terminal");
    assert.deepStrictEqual(lines(newest.stdout), all);
    const oldest = await run(dir, ["export", "--oldest-first"], { env });
    assert.deepStrictEqual(lines(oldest.stdout), [...all].reverse());
  });

  it("exports CSV with a header, RFC 4180 quoting and nested fields as JSON, and ECS documents", async () => {
    const since = "2026-11-19T00:00:00Z";
    await sim.inject({ events: [{ href: "/orgs/1/events/csv-edge", timestamp: "2026-11-20T11:59:59.000Z",
      event_type: "user.sign_in", status: null, severity: "info", pce_fqdn: "pce, \"quoted\"\nline",
      created_by: { user: { href: "/users/9", username: "a,b" } }, action: null, resource_changes: [],
      notifications: [], extra_field: { x: 1 } }] });
    const events = await queryEvents(sim.config(), { since, maxResults: 10000 });
    const csv = await run(dir, ["export", "--since", since, "--format", "csv"], { env });
    assert.equal(csv.code, 0, csv.stderr);
    assert.ok(csv.stdout.includes("\r\n"), "RFC 4180 line breaks");
    const [header, ...rows] = parseCsv(csv.stdout);
    assert.deepEqual(header, ["href", "timestamp", "event_type", "status", "severity", "pce_fqdn", "created_by",
      "action", "resource_changes", "notifications", "version", "other"]);
    assert.equal(rows.length, events.length);
    rows.forEach((row, i) => assert.deepStrictEqual(canonical(fromCsv(header, row)), canonical(events[i])));
    const ecs = await run(dir, ["export", "--since", since, "--format", "ecs"], { env });
    assert.deepStrictEqual(lines(ecs.stdout), events.map(toEcs));
    const empty = await run(dir, ["export", "--since", "2030-01-01T00:00:00Z", "--until", "2030-01-02T00:00:00Z", "--format", "csv"], { env });
    assert.equal(empty.stdout, `${header.join(",")}\r\n`, "an empty export still has its header");
  });

  it("applies every filter as the package does", async () => {
    const cases = [
      [["--event-type", "user.sign_in,user.login", "--event-type", "agent.tampering"], { eventType: ["user.sign_in", "user.login", "agent.tampering"] }],
      [["--severity", "err"], { severity: "err" }],
      [["--status", "failure"], { status: "failure" }],
      [["--created-by", "/users/1"], { createdBy: "/users/1" }],
      [["--pce-fqdn", "pce.company.com", "--since", "2026-11-18T00:00:00Z", "--until", "2026-11-19T00:00:00Z"],
        { pceFqdn: "pce.company.com", since: "2026-11-18T00:00:00Z", until: "2026-11-19T00:00:00Z" }],
    ];
    for (const [args, query] of cases) {
      const expected = await queryEvents(sim.config(), { ...query, maxResults: 10000 });
      assert.ok(expected.length > 0, JSON.stringify(query));
      const out = await run(dir, ["export", ...args], { env });
      assert.equal(out.code, 0, out.stderr);
      assert.deepStrictEqual(lines(out.stdout), expected, args.join(" "));
      const count = await run(dir, ["count", ...args], { env });
      assert.equal(count.stdout, `${await countEvents(sim.config(), query)}\n`);
    }
  });

  it("writes --out FILE only when complete, and nothing to stdout", async () => {
    const out = join(dir, "events.ndjson");
    const done = await run(dir, ["export", "--severity", "err", "--out", out], { env });
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, "");
    assert.deepStrictEqual(lines(readFileSync(out, "utf8")), await queryEvents(sim.config(), { severity: "err", maxResults: 10000 }));
    const failed = join(dir, "failed.ndjson");
    const refused = await run(dir, ["export", "--out", failed], { env: { ...env, PCE_API_SECRET: "wrong" } });
    assert.equal(refused.code, 3);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("failed")), [], "no file and no .partial left");
  });

  it("counts, and draws a timeline as CSV when stdout is not a terminal", async () => {
    const [since, until] = ["2026-11-17T00:00:00.000Z", "2026-11-20T12:00:00.000Z"];
    const count = await run(dir, ["count"], { env });
    assert.equal(count.stdout, `${await countEvents(sim.config())}\n`);
    for (const groupBy of ["severity", "event_type", "status", "created_by"]) {
      const events = await queryEvents(sim.config(), { since, until, maxResults: 10000 });
      const expected = eventTimeline(events, { start: since, end: until, groupBy });
      const out = await run(dir, ["timeline", "--since", since, "--until", until, "--group-by", groupBy], { env });
      assert.equal(out.code, 0, out.stderr);
      const [header, ...rows] = parseCsv(out.stdout);
      const used = expected.groups.filter((g) => expected.buckets.some((b) => b.counts[g] > 0));
      assert.deepEqual(header, ["start", "total", ...used]);
      assert.deepEqual(rows, expected.buckets.map((b) => [b.start, String(b.total), ...used.map((g) => String(b.counts[g]))]));
    }
  });

  it("shows progress on stderr and draws the timeline as a chart only on a terminal", async () => {
    // script(1) gives the command a pseudo-terminal, as an interactive shell does.
    const onTerminal = (args) => new Promise((resolve, reject) => {
      const child = spawn("script", ["-qec", ["npx", "--no-install", "illumio-events", ...args].join(" "), "/dev/null"],
        { cwd: dir, env, stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (d) => { out += d; });
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, out }));
    });
    const file = join(dir, "terminal.ndjson");
    const exported = await onTerminal(["export", "--out", file]);
    assert.equal(exported.code, 0, exported.out);
    const total = await countEvents(sim.config());
    assert.match(exported.out, new RegExp(`done: ${total} events written, \\d+/s, \\d+ s`));
    assert.equal(lines(readFileSync(file, "utf8")).length, total);
    const chart = await onTerminal(["timeline", "--since", "2026-11-19T00:00:00Z", "--until", "2026-11-20T12:00:00Z"]);
    assert.equal(chart.code, 0, chart.out);
    assert.match(chart.out, /2026-11-19 00:00 +\d+ [█▓▒░#=+\-:.]*/);
    assert.match(chart.out, /█ \w+ {2}▓ \w+/, "a legend of the groups");
    assert.ok(!chart.out.includes("start,total"), "no CSV on a terminal");
    outputs.push(exported.out, chart.out);
  });

  it("has --help for the command and each subcommand, listing the exit codes", async () => {
    for (const args of [["--help"], ["export", "--help"], ["tail", "--help"], ["count", "--help"], ["timeline", "-h"]]) {
      const out = await run(dir, args, { env });
      assert.equal(out.code, 0, args.join(" "));
      assert.match(out.stdout, /^Usage: illumio-events/);
      for (const line of ["2    invalid_argument", "3    http 401 or 403", "4    http", "5    network or timeout",
        "6    invalid_response", "7    async_job_failed", "130  interrupted"]) assert.ok(out.stdout.includes(line), `${args}: ${line}`);
    }
  });

  it("exits with the code of each error kind, on one line naming the kind, and never shows the secret", async () => {
    const port = await closedPort();
    const configFile = join(dir, "slow.json");
    writeFileSync(configFile, JSON.stringify({ url: sim.url, orgId: 1, timeoutMs: 300, maxRetries: 0 }));
    const badJson = join(dir, "bad.json");
    writeFileSync(badJson, `{"apiSecret": "${API_SECRET}", oops}`);
    const cases = [
      { args: ["count", "--severity", "loud"], code: 2, kind: "invalid_argument" },
      { args: ["count", "--since", "yesterday"], code: 2, kind: "invalid_argument" },
      { args: ["export", "--format", "xml"], code: 2, kind: "invalid_argument" },
      { args: ["export", "--unknown"], code: 2, kind: "invalid_argument" },
      { args: ["count", "--config", badJson], code: 2, kind: "invalid_argument" },
      { args: ["count"], env: { PCE_URL: undefined }, code: 2, kind: "invalid_argument" },
      { args: ["count"], env: { PCE_API_SECRET: "wrong" }, code: 3, kind: "http 401" },
      { args: ["count"], env: { PCE_ORG: "2" }, code: 3, kind: "http 403" },
      { args: ["count"], fault: { kind: "respond", status: 500, body: "[]" }, code: 4, kind: "http 500" },
      { args: ["export"], fault: { kind: "respond", status: 404, body: "<html>no</html>" }, code: 4, kind: "http 404" },
      { args: ["count"], env: { PCE_URL: `http://127.0.0.1:${port}` }, code: 5, kind: "network" },
      { args: ["count", "--config", configFile], fault: { kind: "hang" }, code: 5, kind: "timeout" },
      { args: ["export"], fault: { kind: "respond", status: 200, body: "{\"not\": \"events\"}", times: 5 }, code: 6, kind: "invalid_response" },
    ];
    for (const c of cases) {
      await sim.clearFaults();
      if (c.fault) await sim.fault({ times: 5, ...c.fault });
      const caseEnv = { ...env, ...c.env };
      for (const [k, v] of Object.entries(c.env ?? {})) if (v === undefined) delete caseEnv[k];
      const out = await run(dir, c.args, { env: caseEnv });
      assert.equal(out.code, c.code, `${c.args.join(" ")}: ${out.stderr}`);
      assert.equal(out.stderr.split("\n").filter(Boolean).length, 1, out.stderr);
      assert.match(out.stderr, new RegExp(`^illumio-events( \\w+)?: ${c.kind}: .+ \\(.+\\)\\n$`));
      assert.equal(out.stdout, "");
    }
    await sim.clearFaults();
    assertNoSecretIn(outputs);
  });

  it("exits 130 when interrupted", async () => {
    await sim.fault({ kind: "hang" });
    const out = await run(dir, ["count"], { env, direct: true, onSpawn: (child) => setTimeout(() => killGroup(child, "SIGINT"), 1500) });
    await sim.clearFaults();
    assert.equal(out.code, 130, `${out.code} ${out.signal} ${out.stderr}`);
    assert.equal(out.stderr, "illumio-events count: interrupted\n");
  });
});

describe("export in slices of at most 10000 events", { timeout: 600000 }, () => {
  let dir;
  let sim;
  before(async () => {
    dir = scratchInstall();
    sim = await startSim(["--events", "24000", "--async-delay-ms", "200"]);
    // More than a slice at one millisecond: no narrowing can split it, so it takes the asynchronous path.
    await sim.inject({ generate: 10003, timestamp: "2026-11-19T09:00:00.123Z", spread_ms: 0 });
    // Pairs of events on each side of many millisecond edges.
    await sim.inject({ generate: 400, timestamp: "2026-11-18T00:00:00.000Z", spread_ms: 3 });
  });
  after(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has the PCE count a timeline of more events than one GET holds: requests grow with the buckets", async () => {
    const [since, until] = ["2026-11-17T00:00:00.000Z", "2026-11-20T12:00:00.000Z"];
    const events = await queryEvents(sim.config(), { since, until, maxResults: 100000 });
    assert.ok(events.length > 10000, `${events.length} events`);
    await sim.clearRequests();
    const out = await run(dir, ["timeline", "--since", since, "--until", until, "--bucket", "1d"], { env: pceEnv(sim) });
    assert.equal(out.code, 0, out.stderr);
    const requests = await sim.requests();
    assert.ok(requests.length <= 40, `${requests.length} requests`);
    assert.ok(requests.every((r) => /(^|&)max_results=0(&|$)/.test(r.query)), "only counts");
    const expected = eventTimeline(events, { start: since, end: until, bucketMs: 86400e3 });
    const used = expected.groups.filter((g) => expected.buckets.some((b) => b.counts[g] > 0));
    const [header, ...rows] = parseCsv(out.stdout);
    assert.deepEqual(header, ["start", "total", ...used]);
    assert.deepEqual(rows, expected.buckets.map((b) => [b.start, String(b.total), ...used.map((g) => String(b.counts[g]))]));
  });

  it("writes every event exactly once, in order, each GET at most 10000 events", async () => {
    const total = await countEvents(sim.config());
    const all = await queryEvents(sim.config(), { maxResults: total });
    assert.equal(all.length, total);
    await sim.clearRequests();
    const out = await run(dir, ["export"], { env: pceEnv(sim) });
    assert.equal(out.code, 0, out.stderr);
    const exported = lines(out.stdout);
    assert.equal(exported.length, total);
    assert.equal(new Set(exported.map((e) => e.href)).size, total, "no event twice");
    // Newest first; the order among events at one millisecond is the PCE's and may differ.
    const key = (e) => `${e.timestamp} ${e.href}`;
    assert.deepEqual(new Set(exported.map(key)), new Set(all.map(key)));
    for (let i = 1; i < exported.length; i++) assert.ok(Date.parse(exported[i - 1].timestamp) >= Date.parse(exported[i].timestamp));
    const requests = await sim.requests();
    const sizes = requests.filter((r) => r.path.endsWith("/events")).map((r) => Number(/max_results=(\d+)/.exec(r.query)?.[1]));
    assert.ok(sizes.every((n) => n <= 10000 || n === 10003), `max_results ${sizes.filter((n) => n > 10000)}`);
    assert.ok(requests.some((r) => r.headers.prefer === "respond-async"), "the 10003 events of one millisecond came from a job");
    const oldest = await run(dir, ["export", "--oldest-first", "--format", "ecs", "--since", "2026-11-17T00:00:00Z"], { env: pceEnv(sim) });
    const docs = lines(oldest.stdout);
    assert.equal(docs.length, await countEvents(sim.config(), { since: "2026-11-17T00:00:00Z" }));
    for (let i = 1; i < docs.length; i++) assert.ok(docs[i - 1]["@timestamp"] <= docs[i]["@timestamp"]);
  });

  it("exits 7 when the PCE's asynchronous job fails", async () => {
    await sim.fault({ kind: "job_fail", message: "disk full" });
    const out = await run(dir, ["export", "--since", "2026-11-19T09:00:00.123Z", "--until", "2026-11-19T09:00:00.123Z"], { env: pceEnv(sim) });
    assert.equal(out.code, 7, out.stderr);
    assert.match(out.stderr, /^illumio-events export: async_job_failed: .*disk full/);
    assertNoSecretIn(outputs);
  });
});
