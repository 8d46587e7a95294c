// queryTimeline: a timeline counted on the PCE. Each bucket boundary b is asked once as a
// `max_results=0` count of `timestamp[gte]=b` with the same `timestamp[lte]=until`, and a
// bucket's count is N(its start) − N(the next bucket's start): the cost grows with the bars,
// never with the events, and no event is counted twice or missed.
//
// Why in JavaScript and not in the core: written in Rust (plan, checks, assembly and their
// async driver) it made the wasm 108.9 KB gzipped; the plan and checks alone, driven from
// here, 103.3 KB; the budget is 100 KB and the per-PCE request budget it needs in the
// transport already takes the wasm to 99.7 KB. Every request still goes through the package's
// own countEvents and queryEvents, so the query checks, retries, timeouts, the response checks
// and the per-PCE request budget apply unchanged, and the buckets' rules (sizes, alignment)
// are eventTimeline's, whose Rust builds the result of the download path.
// scripts/build-pkg.sh derives the CommonJS copy (node/query-timeline.cjs) from this file.

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** eventTimeline's round bucket sizes, smallest first; tests/types_match.rs holds them and the other shared constants to the core's. */
export const BUCKET_STEPS_MS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY];
const MAX_DEFAULT_BUCKETS = 120;
const CENTURY_MS = 100 * 365 * DAY;
const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
const OPTION_KEYS = ["bucketMs", "groupBy", "maxGroups", "concurrency", "maxRequests", "downloadBelow", "onPartial", "signal"];
/** The event-type sample: this many slices of the window, this many newest events of each. */
const SAMPLE_SLICES = 10;
const SAMPLE_SIZE = 100;
/** The query key that filters on each grouping's field. */
const FILTER_OF = { severity: "severity", status: "status", event_type: "eventType" };
/** Where the wasm finds the plan's request allowance on each call's config (see src/js/args.rs). */
const ALLOWANCE = Symbol.for("illumio-events.requestsLeft");

/** A PceError as the wasm makes them (isPceError accepts it). */
function pceError(kind, message, url) {
  const e = new Error(message);
  e.name = "PceError";
  e.kind = kind;
  if (url !== undefined) e.url = url;
  return e;
}

const invalidArgument = (option, problem) => pceError("invalid_argument", `Invalid option \`${option}\`: ${problem}.`);

function describe(value) {
  if (typeof value === "string") return value.length > 60 ? "a long string" : JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? `an array of ${value.length} items` : "a value of type object";
}

/** Validated QueryTimelineOptions, each failure naming its option. */
function readOptions(options) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalidArgument("options", `expected an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) {
      throw invalidArgument(key, `unknown QueryTimelineOptions option (known: ${OPTION_KEYS.join(", ")})`);
    }
  }
  const integer = (key, min, max, fallback) => {
    const v = options[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw invalidArgument(key, `expected an integer from ${min} to ${max}, got ${describe(v)}`);
    }
    return v;
  };
  const groupBy = options.groupBy ?? "severity";
  if (groupBy === "created_by") {
    throw invalidArgument("groupBy", "a PCE cannot count by created_by: use eventTimeline over events from queryEvents");
  }
  if (!(groupBy in FILTER_OF)) throw invalidArgument("groupBy", `expected severity, status or event_type, got ${describe(groupBy)}`);
  if (options.maxGroups !== undefined && groupBy !== "event_type") {
    throw invalidArgument("maxGroups", "applies to groupBy \"event_type\" only");
  }
  if (options.onPartial !== undefined && typeof options.onPartial !== "function") {
    throw invalidArgument("onPartial", `expected a function, got ${describe(options.onPartial)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalidArgument("signal", `expected an AbortSignal, got ${describe(options.signal)}`);
  }
  return {
    bucketMs: integer("bucketMs", 1, Number.MAX_SAFE_INTEGER, undefined),
    groupBy,
    maxGroups: integer("maxGroups", 1, 50, 8),
    concurrency: integer("concurrency", 1, 32, 6),
    maxRequests: integer("maxRequests", 1, 100000, 200),
    downloadBelow: integer("downloadBelow", 0, 10000, 10000),
    onPartial: options.onPartial,
    signal: options.signal,
  };
}

/** eventTimeline's buckets over startMs..=endMs: aligned to multiples of bucketMs since the epoch. */
function planOf(startMs, endMs, bucketMs) {
  const firstMs = Math.floor(startMs / bucketMs) * bucketMs;
  return { startMs, endMs, bucketMs, firstMs, count: Math.floor((endMs - firstMs) / bucketMs) + 1 };
}

/**
 * The plan within `budget` requests, each boundary after the first costing `perBoundary` and
 * the final checks `checks`: `bucketMs` if given (refused when it cannot fit), else the
 * smallest round size from eventTimeline's default up that fits.
 */
export function fitPlan(startMs, endMs, bucketMs, perBoundary, checks, budget) {
  const needed = (plan) => (plan.count - 1) * perBoundary + checks;
  if (bucketMs !== undefined) {
    const plan = planOf(startMs, endMs, bucketMs);
    if (needed(plan) > budget) {
      throw invalidArgument("bucketMs", `needs ${needed(plan)} requests, more than the ${budget} maxRequests leaves: choose a larger bucketMs or raise maxRequests`);
    }
    return plan;
  }
  const fallback = BUCKET_STEPS_MS.find((s) => planOf(startMs, endMs, s).count <= MAX_DEFAULT_BUCKETS) ?? 7 * DAY;
  for (const step of BUCKET_STEPS_MS) {
    if (step < fallback) continue;
    const plan = planOf(startMs, endMs, step);
    if (needed(plan) <= budget) return plan;
  }
  throw invalidArgument("maxRequests", `is too small for this window even with buckets of a week (${budget} left): raise it or narrow the window`);
}

/** The `maxGroups` most frequent types of a sample, most frequent first, ties by name. */
export function frequentTypes(types, maxGroups) {
  const tally = new Map();
  for (const t of types) if (typeof t === "string") tally.set(t, (tally.get(t) ?? 0) + 1);
  return [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxGroups).map(([t]) => t);
}

/**
 * The groups: the values that occur (window counts above 0), in the given order, and the one
 * derived as the total less the others: "null" for status and "other" for event types when
 * something is left, else the last value that occurs. `asked` groups are counted at each boundary.
 */
export function groupsOf(groupBy, values, counts, total) {
  const names = values.filter((_, i) => counts[i] > 0);
  const rest = total - counts.reduce((a, b) => a + b, 0);
  const derived = groupBy === "status" ? "null" : groupBy === "event_type" ? "other" : null;
  if (derived !== null && rest > 0) return { names: [...names, derived], asked: names.length };
  return { names, asked: Math.max(names.length - 1, 0) };
}

/**
 * Buckets from boundary counts: `known` holds, boundary after boundary, N(b) and then N(b) of
 * each asked group (NaN while pending). A count that grows with a later boundary, or groups
 * adding up to more than their total, mean the PCE's counts ignore the filters.
 */
export function assemble(known, asked, groupCount, url) {
  const columns = 1 + asked;
  const n = known.length / columns;
  const totals = new Uint32Array(n);
  const counts = new Uint32Array(n * groupCount);
  const pending = [];
  const cells = new Array(columns);
  for (let b = 0; b < n; b++) {
    let ready = true;
    for (let c = 0; c < columns && ready; c++) {
      const start = known[b * columns + c];
      const end = b + 1 < n ? known[(b + 1) * columns + c] : 0;
      if (Number.isNaN(start) || Number.isNaN(end)) ready = false;
      else if (start < end) throw ignoredFilters(url, "a later boundary counts more events");
      else cells[c] = start - end;
    }
    if (!ready) {
      pending.push(b);
      continue;
    }
    let askedSum = 0;
    for (let c = 1; c < columns; c++) askedSum += cells[c];
    if (askedSum > cells[0]) throw ignoredFilters(url, "the groups of a bucket add up to more than its total");
    totals[b] = cells[0];
    for (let c = 1; c < columns; c++) counts[b * groupCount + c - 1] = cells[c];
    if (groupCount > asked) counts[b * groupCount + asked] = cells[0] - askedSum;
  }
  return { totals, counts, pending };
}

function ignoredFilters(url, why) {
  return pceError("invalid_response",
    `The PCE's answer to GET ${url} is not valid: its X-Total-Count ignores the filters (${why}), so a chart of it would be wrong.`, url);
}

/** Runs `run` over the items with at most `limit` at once; the first failure stops the rest. */
async function inPool(items, limit, stop, run) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop.signal.aborted) {
      const i = next++;
      await run(items[i], i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } catch (e) {
    stop.abort();
    throw e;
  }
}

const iso = (ms) => new Date(ms).toISOString();
const millisOf = (bound) => (bound instanceof Date ? bound.getTime() : Date.parse(bound));

/** Builds queryTimeline over the package's own calls. */
export function makeQueryTimeline({ countEvents, queryEvents, eventTimeline, timelineOf }) {
  return async function queryTimeline(config, query, options) {
    const o = readOptions(options);
    if (query === null || typeof query !== "object" || Array.isArray(query)) {
      throw invalidArgument("query", `expected an object, got ${describe(query)}`);
    }
    if (query.since === undefined) throw invalidArgument("since", "is required: the window's start");
    // One controller for every request: the caller's signals and our own first failure.
    const stop = new AbortController();
    for (const signal of [query.signal, o.signal]) {
      if (!(signal instanceof AbortSignal)) continue;
      if (signal.aborted) stop.abort(signal.reason);
      else signal.addEventListener("abort", () => stop.abort(signal.reason), { once: true, signal: stop.signal });
    }
    const left = new Int32Array([o.maxRequests]);
    const used = () => o.maxRequests - left[0];
    const cfg = config !== null && typeof config === "object" ? { ...config, [ALLOWANCE]: left } : config;
    // `until` is pinned now, so events arriving while the plan runs do not skew it.
    const until = query.until ?? iso(Date.now());
    const window = { ...query, until, signal: stop.signal };
    // Each call gets a signal of its own, linked to `stop` only while it runs: a call of several
    // event types has up to 6 requests in flight, each listening to its signal, so one signal
    // shared by `concurrency` calls would pass Node's limit of 10 listeners and warn of a leak.
    const linked = async (call, q) => {
      const own = new AbortController();
      const forward = () => own.abort(stop.signal.reason);
      if (stop.signal.aborted) forward();
      stop.signal.addEventListener("abort", forward);
      try {
        return await call(cfg, { ...q, signal: own.signal });
      } finally {
        stop.signal.removeEventListener("abort", forward);
      }
    };
    let answered = 0;   // requests answered, a count of several types costing one each
    const count = async (q) => {
      const n = await linked(countEvents, q);
      answered += Array.isArray(q.eventType) ? q.eventType.length : 1;
      return n;
    };
    const events = (q) => linked(queryEvents, q);
    try {
      const total = await count(window);   // reads and checks config and query first
      const sinceMs = millisOf(query.since);
      const untilMs = millisOf(until);
      const url = `${String(config.url).replace(/\/+$/, "")}/api/${config.apiVersion ?? "v2"}/orgs/${config.orgId}/events`;
      const types = Array.isArray(query.eventType) ? query.eventType.length : 1;

      if (o.downloadBelow > 0 && total <= o.downloadBelow) {
        const downloaded = await events({ ...window, maxResults: o.downloadBelow });
        // A full page means events arrived since the count: count them on the PCE instead.
        if (downloaded.length < o.downloadBelow) {
          const timeline = eventTimeline(downloaded, { start: query.since, end: until, bucketMs: o.bucketMs, groupBy: o.groupBy });
          return { ...timeline, source: "events", requests: used() };
        }
      }

      // The groups: the window's count of each candidate value.
      const key = FILTER_OF[o.groupBy];
      let values;
      // A query that already filters the grouped field can only hold the values it names.
      if (query[key] !== undefined) values = Array.isArray(query[key]) ? [...query[key]] : [query[key]];
      else if (o.groupBy === "severity") values = SEVERITIES;
      else if (o.groupBy === "status") values = ["success", "failure"];
      else values = frequentTypes(await sample(events, window, sinceMs, untilMs, o, stop), o.maxGroups);
      const valueCounts = new Array(values.length);
      await inPool(values, o.concurrency, stop, async (value, i) => {
        valueCounts[i] = await count({ ...window, [key]: value });
      });
      if (valueCounts.reduce((a, b) => a + b, 0) > total) {
        throw ignoredFilters(url, "the groups add up to more than the window's total");
      }
      const groups = groupsOf(o.groupBy, values, valueCounts, total);
      const askedCounts = groups.names.slice(0, groups.asked).map((name) => valueCounts[values.indexOf(name)]);

      // The plan: each later boundary asks the total and each asked group; then two checks.
      const valueCost = o.groupBy === "event_type" ? 1 : types;
      const perBoundary = types + groups.asked * valueCost;
      const plan = fitPlan(sinceMs, untilMs, o.bucketMs, total === 0 ? 0 : perBoundary, 2 * types, left[0]);
      const columns = 1 + groups.asked;
      const known = new Float64Array(plan.count * columns).fill(NaN);
      known.set([total, ...askedCounts]);
      const requests = [];
      if (total > 0) {
        for (let b = 1; b < plan.count; b++) {
          const from = { ...window, since: iso(plan.firstMs + b * plan.bucketMs) };
          requests.push([b * columns, from]);
          groups.names.slice(0, groups.asked).forEach((name, g) => requests.push([b * columns + 1 + g, { ...from, [key]: name }]));
        }
      } else {
        known.fill(0);
      }
      // Groups in eventTimeline's order (severities by urgency, other values alphabetically),
      // with "other" last; the derived group is last only while counting.
      const order = groups.names.map((_, i) => i);
      if (o.groupBy !== "severity") {
        const rank = (name) => (name === "other" && o.groupBy === "event_type" ? "\uffff" : name);
        order.sort((a, b) => (rank(groups.names[a]) < rank(groups.names[b]) ? -1 : 1));
      }
      const timelineOfKnown = (assembled) => {
        const g = order.length;
        const counts = new Uint32Array(assembled.counts.length);
        for (let b = 0; b < plan.count; b++) order.forEach((from, to) => { counts[b * g + to] = assembled.counts[b * g + from]; });
        const names = order.map((i) => groups.names[i]);
        return {
          ...timelineOf([plan.startMs, plan.endMs, plan.bucketMs, plan.firstMs, names, assembled.totals, counts, 0]),
          source: "counts",
          requests: used(),
        };
      };
      // What the whole plan sends when nothing is retried: what is answered, the boundaries, the checks.
      const planned = answered + (plan.count - 1) * (total === 0 ? 0 : perBoundary) + 2 * types;
      await inPool(requests, o.concurrency, stop, async ([at, q]) => {
        known[at] = await count(q);
        if (o.onPartial === undefined) return;
        const assembled = assemble(known, groups.asked, groups.names.length, url);
        const partial = timelineOfKnown(assembled);
        partial.pending = assembled.pending;
        partial.requestsDone = answered;
        partial.requestsPlanned = planned;
        try {
          o.onPartial(partial);
        } catch {
          // A throwing observer must not break the timeline it observes.
        }
      });

      // Checked, never assumed: an instant a century after `until` holds nothing (a PCE that
      // ignores the time filters counts its events there), and the window still holds its total.
      const later = iso(untilMs + CENTURY_MS);
      const [after, recount] = await Promise.all([count({ ...window, since: later, until: later }), count(window)]);
      if (after !== 0) throw ignoredFilters(url, "a window a century after `until` is not empty");
      if (recount !== total) {
        throw pceError("invalid_response",
          `The window held ${total} events when GET ${url} began counting it and ${recount} at the end: events arrived or expired inside it meanwhile, so its buckets would disagree. Count a window that ends a little in the past (until), or retry.`, url);
      }
      return timelineOfKnown(assemble(known, groups.asked, groups.names.length, url));
    } catch (e) {
      stop.abort();
      throw e;
    }
  };
}

/** The event types of up to SAMPLE_SIZE newest events of each of SAMPLE_SLICES slices of the window. */
async function sample(events, window, sinceMs, untilMs, o, stop) {
  const slices = [];
  for (let i = 0; i < SAMPLE_SLICES; i++) {
    slices.push({
      ...window,
      since: i === 0 ? window.since : iso(sinceMs + Math.floor(((untilMs - sinceMs) * i) / SAMPLE_SLICES)),
      until: i === SAMPLE_SLICES - 1 ? window.until : iso(sinceMs + Math.floor(((untilMs - sinceMs) * (i + 1)) / SAMPLE_SLICES)),
      maxResults: SAMPLE_SIZE,
    });
  }
  const types = [];
  await inPool(slices, o.concurrency, stop, async (slice) => {
    for (const event of await events(slice)) types.push(event.event_type);
  });
  return types;
}
