#!/usr/bin/env node
// illumio-events: the package's command. Exports, follows, counts and charts a PCE's events
// through the package's own functions; plain JavaScript, since it only arranges calls and output.
// scripts/build-pkg.sh copies it to bin/illumio-events.mjs.
import { parseArgs } from "node:util";
import { createWriteStream, openSync, closeSync, ftruncateSync, fstatSync, readFileSync, renameSync,
  rmSync, writeFileSync, fsyncSync, writeSync } from "node:fs";
import { once } from "node:events";
import { dirname, resolve } from "node:path";
import { stringify } from "csv-stringify/sync";
import { countEvents, eventTimeline, isPceError, queryEvents, queryTimeline, toEcs, watchEvents } from "../node/index.mjs";

/** The most events one synchronous GET returns: the limit of an export's time slices. */
const MAX_SYNC = 10000;

/**
 * The size a range is cut down to before it is read: half the limit, because the peak memory
 * follows the slice (measured over a million events: 387 MB of RSS at 10000, 235 MB at 5000).
 */
const SLICE = 5000;

const EXIT_CODES = `Exit codes:
  0    done
  1    a local failure (a file that cannot be read or written)
  2    invalid_argument: a wrong flag, filter, time or configuration
  3    http 401 or 403: the API key is refused or lacks the permission
  4    http, any other status
  5    network or timeout: the PCE cannot be reached, or answers too slowly
  6    invalid_response: the answer is not what a PCE sends
  7    async_job_failed: the PCE's asynchronous job failed
  130  interrupted (Ctrl-C, SIGINT or SIGTERM)`;

const CREDENTIALS = `Credentials come from PCE_URL, PCE_ORG, PCE_API_KEY and PCE_API_SECRET, or from
--config FILE, a JSON PceConfig ({"url", "orgId", "apiKey", "apiSecret", ...}); a key
missing from the file is taken from the environment. The secret is never printed.`;

const FILTER_HELP = `Filters:
  --event-type TYPE   only this event type; repeat it or separate with commas (up to 20)
  --severity SEV      emerg, alert, crit, err, warning, notice, info or debug
  --status STATUS     success or failure
  --created-by WHO    the creator's href (/users/14), username or host name
  --pce-fqdn HOST     the PCE of a Supercluster that recorded the event`;

const TIME_HELP = `Times are RFC 3339 (2026-11-20T12:00:00Z) or a duration before now on this
machine's clock: 90s, 30m, 12h, 7d, 2w.`;

const HELP = {
  main: `Usage: illumio-events <command> [options]

Commands:
  export     write a window of events as NDJSON, CSV or ECS documents
  tail       follow new events into a file, resumable after any crash
  count      print how many events match
  timeline   events per time bucket: a chart on a terminal, CSV otherwise

illumio-events <command> --help tells more.

${CREDENTIALS}

${EXIT_CODES}`,
  export: `Usage: illumio-events export [--since 7d] [--until TIME] [filters] [--format ndjson|csv|ecs]
                             [--out FILE] [--oldest-first]

Writes every matching event of the window, newest first (or --oldest-first), to FILE or stdout.
The window is read in time slices of at most ${MAX_SYNC} events (one GET each, narrowed by
timestamp), each written before the next is read, so memory stays bounded at any size.
--out writes FILE.partial and renames it to FILE once complete.

  --since TIME        the window's start (default: the oldest event)
  --until TIME        the window's end (default: the newest event when the export starts)
  --format FORMAT     ndjson (default: one event per line, as the PCE sent it), csv (a header,
                      RFC 4180 quoting, nested fields as JSON) or ecs (one Elastic Common
                      Schema document per line, see toEcs)
  --out FILE          write to FILE instead of stdout
  --oldest-first      oldest events first
  --config FILE       PCE configuration (JSON)

${FILTER_HELP}

${TIME_HELP}

${CREDENTIALS}

${EXIT_CODES}`,
  tail: `Usage: illumio-events tail --out FILE --state STATE [--since TIME] [filters] [--format ndjson|csv|ecs]
                           [--interval 10s] [--lookback 60s]

Follows the PCE (watchEvents) and appends each batch of new events to FILE. After each batch
it saves the watch's cursor and FILE's length to STATE (written beside it, then renamed).
Started again with the same STATE, it first cuts FILE back to the saved length, then resumes:
a crash at any instant leaves no duplicate and no gap. Stop it with Ctrl-C.

  --out FILE          the file events are appended to (required)
  --state STATE       where the cursor is kept (required)
  --since TIME        deliver events from then on (default: from the first start); kept in STATE
  --format FORMAT     ndjson (default), csv or ecs, as for export; kept in STATE
  --interval DUR      the wait between polls (default 10s)
  --lookback DUR      how late an event may appear and still be delivered (default 60s)
  --config FILE       PCE configuration (JSON)

${FILTER_HELP}

${TIME_HELP}

${CREDENTIALS}

${EXIT_CODES}`,
  count: `Usage: illumio-events count [--since TIME] [--until TIME] [filters]

Prints how many events match (one GET per event type, reading X-Total-Count).

  --since TIME, --until TIME   the window (default: every event)
  --config FILE                PCE configuration (JSON)

${FILTER_HELP}

${TIME_HELP}

${CREDENTIALS}

${EXIT_CODES}`,
  timeline: `Usage: illumio-events timeline [--since 30d] [--until TIME] [filters] [--group-by FIELD]
                               [--bucket DUR] [--out FILE]

Counts events per time bucket and group: a text chart when stdout is a terminal, CSV
(start,total,<one column per group>) otherwise or with --out. The PCE counts them (one small
request per bucket and group, at most 200: buckets grow until the plan fits); for --group-by created_by, which a PCE cannot
count, events are read in slices as for export, so memory stays bounded. By event_type, the
50 most frequent types of a sample get a column and the rest is "other".

  --since TIME        the window's start (default 30d)
  --until TIME        the window's end (default: now)
  --group-by FIELD    severity (default), event_type, status or created_by
  --bucket DUR        the bucket size (default: a round size giving at most 120 buckets)
  --out FILE          write CSV to FILE
  --config FILE       PCE configuration (JSON)

${FILTER_HELP}

${TIME_HELP}

${CREDENTIALS}

${EXIT_CODES}`,
};

const COMMON = {
  help: { type: "boolean", short: "h" },
  config: { type: "string" },
  "event-type": { type: "string", multiple: true },
  severity: { type: "string" },
  status: { type: "string" },
  "created-by": { type: "string" },
  "pce-fqdn": { type: "string" },
  since: { type: "string" },
};
const OPTIONS = {
  export: { ...COMMON, until: { type: "string" }, format: { type: "string" }, out: { type: "string" },
    "oldest-first": { type: "boolean" } },
  tail: { ...COMMON, format: { type: "string" }, out: { type: "string" }, state: { type: "string" },
    interval: { type: "string" }, lookback: { type: "string" } },
  count: { ...COMMON, until: { type: "string" } },
  timeline: { ...COMMON, until: { type: "string" }, "group-by": { type: "string" }, bucket: { type: "string" },
    out: { type: "string" } },
};

/** A mistake on the command line: reported like the package's invalid_argument, exit code 2. */
class UsageError extends Error {}

/** Reports a failure as one line and returns its exit code. */
function fail(command, error, secret) {
  let code;
  let what;
  let advice;
  if (error instanceof UsageError) {
    [code, what, advice] = [2, "invalid_argument", `see illumio-events ${command ?? ""} --help`.replace("  ", " ")];
  } else if (isPceError(error)) {
    what = error.kind + (error.status === undefined ? "" : ` ${error.status}`);
    switch (error.kind) {
      case "invalid_argument": [code, advice] = [2, `see illumio-events ${command} --help`]; break;
      case "http":
        [code, advice] = error.status === 401 || error.status === 403
          ? [3, "check PCE_API_KEY, PCE_API_SECRET, PCE_ORG and the key's role"]
          : [4, "the PCE refused the request; retry later if it is busy"];
        break;
      case "network": [code, advice] = [5, "check PCE_URL and that the PCE is reachable from here"]; break;
      case "timeout": [code, advice] = [5, "the PCE answers too slowly: retry, or narrow the window"]; break;
      case "invalid_response": [code, advice] = [6, "check that PCE_URL is a PCE (or a proxy that passes answers unchanged)"]; break;
      case "async_job_failed": [code, advice] = [7, "the PCE's job failed: retry, or narrow the window"]; break;
      case "aborted": [code, advice] = [130, "interrupted"]; break;
      default: [code, advice] = [1, "unexpected"];
    }
  } else if (error?.code === "EPIPE") {
    return 0;
  } else {
    [code, what, advice] = [1, error?.code ?? "error", "a local failure"];
  }
  const message = String(error?.message ?? error).replace(/\s+/g, " ").trim();
  let line = `illumio-events${command ? ` ${command}` : ""}: ${what}: ${message}${advice === "interrupted" ? "" : ` (${advice})`}`;
  // Belt and braces: no message of the package carries the secret, and this line never will.
  if (secret) line = line.split(secret).join("***");
  process.stderr.write(`${line}\n`);
  return code;
}

/** The PceConfig: --config FILE, completed by the PCE_* environment variables. */
function loadConfig(values) {
  let config = {};
  if (values.config !== undefined) {
    let text;
    try {
      text = readFileSync(values.config, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read --config ${values.config}: ${e.code ?? "unreadable"}`);
    }
    try {
      config = JSON.parse(text);
    } catch {
      // The parser's message may quote the file, and the file holds the secret.
      throw new UsageError(`--config ${values.config} is not valid JSON`);
    }
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
      throw new UsageError(`--config ${values.config} must hold a JSON object`);
    }
  }
  const env = process.env;
  if (config.url === undefined && env.PCE_URL !== undefined) config.url = env.PCE_URL;
  if (config.orgId === undefined && env.PCE_ORG !== undefined) {
    config.orgId = /^\d+$/.test(env.PCE_ORG) ? Number(env.PCE_ORG) : env.PCE_ORG;
  }
  if (config.apiKey === undefined && env.PCE_API_KEY !== undefined) config.apiKey = env.PCE_API_KEY;
  if (config.apiSecret === undefined && env.PCE_API_SECRET !== undefined) config.apiSecret = env.PCE_API_SECRET;
  if (config.url === undefined || config.orgId === undefined) {
    throw new UsageError("no PCE given: set PCE_URL and PCE_ORG (and PCE_API_KEY, PCE_API_SECRET), or pass --config FILE");
  }
  return config;
}

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 };

/** A duration such as 90s or 7d, in milliseconds. */
function duration(text, flag) {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a duration such as 30s, 15m, 12h or 7d`);
  return Number(match[1]) * UNITS[match[2]];
}

/** A time flag in milliseconds since the epoch: RFC 3339, or a duration before now. */
function instant(text, flag) {
  if (/^\d+(ms|s|m|h|d|w)$/.test(text)) return Date.now() - duration(text, flag);
  const ms = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(`--${flag} ${JSON.stringify(text)} is neither RFC 3339 (2026-11-20T12:00:00Z) nor a duration such as 7d`);
  }
  return ms;
}

const iso = (ms) => new Date(ms).toISOString();

/** The filters of the command line as an EventQuery (the package validates them). */
function filters(values) {
  const query = {};
  if (values["event-type"] !== undefined) {
    const types = values["event-type"].flatMap((t) => t.split(",")).map((t) => t.trim());
    query.eventType = types.length === 1 ? types[0] : types;
  }
  if (values.severity !== undefined) query.severity = values.severity;
  if (values.status !== undefined) query.status = values.status;
  if (values["created-by"] !== undefined) query.createdBy = values["created-by"];
  if (values["pce-fqdn"] !== undefined) query.pceFqdn = values["pce-fqdn"];
  return query;
}

function format(values) {
  const f = values.format ?? "ndjson";
  if (!["ndjson", "csv", "ecs"].includes(f)) throw new UsageError(`--format ${JSON.stringify(f)}: expected ndjson, csv or ecs`);
  return f;
}

const CSV_COLUMNS = ["href", "timestamp", "event_type", "status", "severity", "pce_fqdn", "created_by", "action",
  "resource_changes", "notifications", "version", "other"];

/** Turns events into text: NDJSON, ECS NDJSON, or CSV rows (the header once, on request). */
function render(events, kind, header) {
  if (kind === "ndjson") return events.map((e) => `${JSON.stringify(e)}\n`).join("");
  if (kind === "ecs") return events.map((e) => `${JSON.stringify(toEcs(e))}\n`).join("");
  const cell = (v) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
  const rows = events.map((e) => {
    const other = {};
    for (const key of Object.keys(e)) if (!CSV_COLUMNS.includes(key)) other[key] = e[key];
    return CSV_COLUMNS.map((c) => (c === "other" ? (Object.keys(other).length ? JSON.stringify(other) : "") : cell(e[c])));
  });
  return stringify(rows, { header, columns: CSV_COLUMNS, record_delimiter: "windows" });
}

/** Progress on stderr, only when stderr is a terminal. */
class Progress {
  constructor() {
    this.on = Boolean(process.stderr.isTTY);
    this.started = Date.now();
    this.written = 0;
    this.phase = "querying";
    this.last = 0;
  }
  update(fields) {
    Object.assign(this, fields);
    if (!this.on || Date.now() - this.last < 250) return;
    this.last = Date.now();
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(this.written / seconds) : 0;
    process.stderr.write(`\r\x1b[K${this.phase}: ${this.written} events written, ${rate}/s, ${seconds.toFixed(0)} s`);
  }
  done() {
    if (this.on) {
      this.last = 0;
      this.update({ phase: "done" });
      process.stderr.write("\n");
    }
  }
}

/** Writes text to a stream, waiting while its buffer is full. */
async function write(stream, text) {
  if (text && !stream.write(text)) await once(stream, "drain");
}

/**
 * The events of [lo, hi] (milliseconds, inclusive) in slices, newest first or oldest first.
 * A range is counted (one cheap GET); if it holds more than SLICE events, it is cut in two at
 * its middle millisecond and each half walked in turn. Ranges are contiguous and disjoint at
 * the millisecond, as PCE timestamps are, so nothing is missed or repeated at a slice's edge.
 * A single millisecond holding more than MAX_SYNC events is fetched whole through the
 * asynchronous collection.
 */
async function* slices(config, query, lo, hi, oldestFirst, progress, signal) {
  const range = { ...query, since: iso(lo), until: iso(hi) };
  const count = await countEvents(config, { ...range, signal });
  if (count === 0) return;
  if (count <= SLICE || lo === hi) {
    const onProgress = (p) => progress.update({ phase: `job ${p.phase}` });
    const maxResults = Math.max(count, MAX_SYNC);
    const events = await queryEvents(config, { ...range, maxResults, signal, onProgress });
    // Events added after the count may have filled the answer: then it may be cut, so split it.
    if (!(events.length === maxResults && count < maxResults && lo !== hi)) {
      progress.update({ phase: `${range.since} .. ${range.until}` });
      yield oldestFirst ? events.reverse() : events;
      return;
    }
  }
  const mid = lo + Math.floor((hi - lo) / 2);
  const halves = [[lo, mid], [mid + 1, hi]];
  if (!oldestFirst) halves.reverse();
  for (const [a, b] of halves) yield* slices(config, query, a, b, oldestFirst, progress, signal);
}

/** The window of export and timeline: --since/--until, or the oldest and newest events. */
async function window(config, query, values, signal, defaultSince) {
  const lo = values.since !== undefined ? instant(values.since, "since") : defaultSince;
  let hi;
  if (values.until !== undefined) {
    hi = instant(values.until, "until");
  } else {
    // The newest event by the PCE's own clock, so that a clock skew here loses nothing.
    const newest = await queryEvents(config, { ...query, since: iso(lo), maxResults: 1, signal });
    hi = newest.length ? Math.max(Date.parse(newest[0].timestamp), lo) : Math.max(Date.now(), lo);
  }
  if (lo > hi) throw new UsageError(`--since ${iso(lo)} is later than --until ${iso(hi)}`);
  return [lo, hi];
}

/** Opens the output: FILE.partial (renamed on success) or stdout. */
function output(out) {
  if (out === undefined) {
    return { stream: process.stdout, finish: async () => {}, abandon: () => {} };
  }
  const partial = `${out}.partial`;
  const stream = createWriteStream(partial);
  const closed = new Promise((resolve, reject) => {
    stream.once("close", resolve);
    stream.once("error", reject);
  });
  return {
    stream,
    opened: once(stream, "open"),
    finish: async () => {
      stream.end();
      await closed;
      renameSync(partial, out);
    },
    abandon: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}

async function runExport(values, config, signal) {
  const kind = format(values);
  const query = filters(values);
  const out = output(values.out);
  try {
    await out.opened;
    const [lo, hi] = await window(config, query, values, signal, 0);
    const progress = new Progress();
    let header = true;
    for await (const events of slices(config, query, lo, hi, Boolean(values["oldest-first"]), progress, signal)) {
      await write(out.stream, render(events, kind, header));
      header = false;
      progress.update({ written: progress.written + events.length });
    }
    if (header && kind === "csv") await write(out.stream, render([], kind, true));
    await out.finish();
    progress.done();
  } catch (e) {
    out.abandon();
    throw e;
  }
}

async function runCount(values, config, signal) {
  const query = filters(values);
  if (values.since !== undefined) query.since = iso(instant(values.since, "since"));
  if (values.until !== undefined) query.until = iso(instant(values.until, "until"));
  const count = await countEvents(config, { ...query, signal });
  process.stdout.write(`${count}\n`);
}

const BAR_MARKS = ["█", "▓", "▒", "░", "#", "=", "+", "-", ":", "."];

/**
 * A timeline counted on the PCE (queryTimeline): requests grow with the buckets, not the events,
 * and stay within queryTimeline's 200 (under a minute of the PCE's rate limit). A CSV has room
 * for more columns than a chart: up to 50 event types get one of their own.
 */
async function countedTimeline(config, query, { lo, hi, groupBy, bucketMs }, signal) {
  const t = await queryTimeline(config, { ...query, since: iso(lo), until: iso(hi), signal },
    { groupBy, bucketMs, ...(groupBy === "event_type" ? { maxGroups: 50 } : {}) });
  const used = t.groups.filter((g) => t.buckets.some((b) => b.counts[g] > 0));
  return { buckets: t.buckets, groups: used, skipped: t.skipped };
}

/** A timeline by creator, which a PCE cannot count: the events read in slices, so memory stays bounded. */
async function creatorTimeline(config, query, { lo, hi, bucketMs }, signal) {
  const options = { start: iso(lo), end: iso(hi), groupBy: "created_by", bucketMs };
  const plan = eventTimeline([], options);
  // Every slice in the plan's buckets, whatever size it chose.
  options.bucketMs = plan.bucketMs;
  // eventTimeline's shape, summed over the slices.
  const buckets = plan.buckets.map((b) => ({ start: b.start, total: 0, counts: {} }));
  let skipped = 0;
  const seen = new Set();
  const progress = new Progress();
  for await (const events of slices(config, query, lo, hi, true, progress, signal)) {
    const part = eventTimeline(events, options);
    part.buckets.forEach((b, i) => {
      buckets[i].total += b.total;
      for (const [g, n] of Object.entries(b.counts)) {
        buckets[i].counts[g] = (buckets[i].counts[g] ?? 0) + n;
        if (n > 0) seen.add(g);
      }
    });
    skipped += part.skipped;
    progress.update({ written: progress.written + events.length });
  }
  progress.done();
  // The groups in the package's own order (alphabetically), from one event of each creator kind.
  const groups = eventTimeline([...seen].map((g) => ({ timestamp: options.start, created_by: { [g]: {} } })), options)
    .groups.filter((g) => seen.has(g));
  return { buckets, groups, skipped };
}

async function runTimeline(values, config, signal) {
  const query = filters(values);
  const groupBy = values["group-by"] ?? "severity";
  const lo = instant(values.since ?? "30d", "since");
  const hi = values.until === undefined ? Date.now() : instant(values.until, "until");
  if (lo > hi) throw new UsageError(`--since ${iso(lo)} is later than --until ${iso(hi)}`);
  const bucketMs = values.bucket === undefined ? undefined : duration(values.bucket, "bucket");
  const { buckets, groups, skipped } = groupBy === "created_by"
    ? await creatorTimeline(config, query, { lo, hi, bucketMs }, signal)
    : await countedTimeline(config, query, { lo, hi, groupBy, bucketMs }, signal);
  const out = values.out === undefined ? null : output(values.out);
  const stream = out?.stream ?? process.stdout;
  try {
    await out?.opened;
    if (out === null && process.stdout.isTTY) {
      const width = Math.max(10, (process.stdout.columns || 80) - 30);
      const max = Math.max(1, ...buckets.map((b) => b.total));
      const lines = buckets.map((b) => {
        let bar = "";
        groups.forEach((g, j) => { bar += BAR_MARKS[j % BAR_MARKS.length].repeat(Math.round(((b.counts[g] ?? 0) / max) * width)); });
        return `${b.start.slice(0, 16).replace("T", " ")} ${String(b.total).padStart(8)} ${bar}`;
      });
      const legend = groups.map((g, j) => `${BAR_MARKS[j % BAR_MARKS.length]} ${g}`).join("  ");
      await write(stream, `${lines.join("\n")}\n${legend}${skipped ? `  (${skipped} skipped)` : ""}\n`);
    } else {
      const rows = buckets.map((b) => [b.start, b.total, ...groups.map((g) => b.counts[g] ?? 0)]);
      await write(stream, stringify(rows, { header: true, columns: ["start", "total", ...groups], record_delimiter: "windows" }));
    }
    await out?.finish();
  } catch (e) {
    out?.abandon();
    throw e;
  }
}

/** Writes STATE beside itself, flushes it, then renames it into place: a crash leaves the old or the new. */
function saveState(path, state) {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, `${JSON.stringify(state)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  // The rename itself reaches the disk only with its folder: this makes it survive a power cut too.
  const folder = openSync(dirname(resolve(path)), "r");
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

async function runTail(values, config, signal) {
  if (values.out === undefined || values.state === undefined) throw new UsageError("tail needs --out FILE and --state STATE");
  const query = filters(values);
  const intervalMs = values.interval === undefined ? 10000 : duration(values.interval, "interval");
  const lookbackMs = values.lookback === undefined ? 60000 : duration(values.lookback, "lookback");
  let state;
  try {
    state = JSON.parse(readFileSync(values.state, "utf8"));
  } catch (e) {
    if (e.code !== "ENOENT") throw new UsageError(`--state ${values.state} cannot be read: ${e.code ?? "not JSON"}`);
  }
  if (state === undefined) {
    // A first start: the window's start and the format are fixed now, so every restart agrees.
    const since = values.since === undefined ? Date.now() : instant(values.since, "since");
    state = { version: 1, since: iso(since), format: format(values), length: null, cursor: null };
  } else if (state?.version !== 1 || typeof state.since !== "string") {
    throw new UsageError(`--state ${values.state} is not a state file of this version of illumio-events`);
  } else if (values.format !== undefined && values.format !== state.format) {
    throw new UsageError(`--format ${values.format} differs from ${state.format}, the format ${values.state} was started with`);
  }
  const fd = openSync(values.out, "a+");
  try {
    if (state.length === null) {
      state.length = fstatSync(fd).size;
    } else if (fstatSync(fd).size < state.length) {
      throw new UsageError(`--out ${values.out} is shorter than ${values.state} says: it was changed by someone else`);
    }
    // What a crash left after the last saved batch goes: that batch is delivered again.
    ftruncateSync(fd, state.length);
    saveState(values.state, state);
    const options = { intervalMs, lookbackMs, signal };
    if (state.cursor !== null) options.resumeFrom = state.cursor;
    const progress = new Progress();
    progress.update({ phase: "following" });
    const batches = watchEvents(config, { ...query, since: state.since }, {
      ...options,
      onError: (e) => process.stderr.write(`illumio-events tail: ${e.kind}${e.status ? ` ${e.status}` : ""}: ${e.message} (still following)\n`),
    });
    let header = state.format === "csv" && state.length === 0;
    for await (const batch of batches) {
      const bytes = Buffer.from(render(batch, state.format, header));
      header = false;
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at);
      fsyncSync(fd);
      state.length += bytes.length;
      state.cursor = batch.cursor;
      saveState(values.state, state);
      progress.update({ written: progress.written + batch.length });
    }
  } finally {
    closeSync(fd);
  }
}

const RUN = { export: runExport, tail: runTail, count: runCount, timeline: runTimeline };

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${HELP.main}\n`);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(RUN, command)) {
    return fail(undefined, new UsageError(`unknown command ${JSON.stringify(command)}: expected export, tail, count or timeline`));
  }
  let values;
  let config;
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  try {
    try {
      ({ values } = parseArgs({ args: rest, options: OPTIONS[command], strict: true, allowPositionals: false }));
    } catch (e) {
      throw new UsageError(e.message.split("\n")[0]);
    }
    if (values.help) {
      process.stdout.write(`${HELP[command]}\n`);
      return 0;
    }
    config = loadConfig(values);
    process.once("SIGINT", interrupt);
    process.once("SIGTERM", interrupt);
    await RUN[command](values, config, stop.signal);
    return stop.signal.aborted ? 130 : 0;
  } catch (e) {
    // After Ctrl-C every failure is the interruption's consequence.
    if (stop.signal.aborted) {
      process.stderr.write(`illumio-events ${command}: interrupted\n`);
      return 130;
    }
    return fail(command, e, config?.apiSecret ?? process.env.PCE_API_SECRET);
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}

process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
});
process.exitCode = await main(process.argv.slice(2));
