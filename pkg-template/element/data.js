// The data side of <pce-event-timeline>: the chart's counts and the list's pages from the PCE,
// live arrivals added to both, and the small parsers of its attributes. No DOM here (dom.js lends SEVERITIES).

import { SEVERITIES } from "./dom.js";

export const SYNC_LIMIT = 10000;   // the PCE's largest max_results; above it, the asynchronous collection
export const MAX_EVENTS = 200000;  // the most events downloaded for a chart the PCE cannot count
export const PAGE_SIZE = 1000;     // the list's page: the newest first, older ones as it scrolls
const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** How many events a timeline's bars hold in all. */
export const totalOf = (timeline) => timeline.buckets.reduce((a, b) => a + b.total, 0);

/** A PceError-shaped error for what the element itself refuses (isPceError accepts it). */
export function elementError(kind, message) {
  const e = new Error(message);
  e.name = "PceError";
  e.kind = kind;
  return e;
}

/**
 * The PceConfig of the `config` property or of the src and org attributes, or a PceError-shaped
 * invalid_argument: credentials are refused, since a key in a page is a key for every visitor.
 */
export function resolveConfig(config, srcAttr, orgAttr, baseURI) {
  if (config) {
    const c = config;
    if (typeof c !== "object") throw elementError("invalid_argument", "config must be a PceConfig object.");
    if (c.apiKey !== undefined || c.apiSecret !== undefined) {
      throw elementError("invalid_argument",
        "<pce-event-timeline> refuses apiKey and apiSecret: a key in a page is a key for every visitor. Point src at a same-origin proxy that adds the credentials.");
    }
    return { ...c };
  }
  const src = srcAttr.trim();
  if (!src) throw elementError("invalid_argument", "<pce-event-timeline> needs src (the PCE or proxy URL, such as /pce) and org, or the config property.");
  let url;
  try {
    url = new URL(src, baseURI);
  } catch {
    throw elementError("invalid_argument", `src "${src}" is not a URL.`);
  }
  if (url.username || url.password) {
    throw elementError("invalid_argument", "src must not carry credentials: point it at a same-origin proxy that adds them.");
  }
  const org = Number(orgAttr);
  if (!Number.isInteger(org) || org <= 0) throw elementError("invalid_argument", `org "${orgAttr}" is not a positive integer.`);
  return { url: url.href.replace(/\/+$/, ""), orgId: org };
}

/** "24h", "7d", "90m", "30s", "2w" in milliseconds; NaN for anything else. */
export function parseDuration(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(String(text ?? ""));
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

/**
 * The old way to a chart, kept for what the PCE cannot count (created_by): a count first,
 * then one synchronous page or the asynchronous collection, at most MAX_EVENTS events.
 */
export async function downloadWindow(ie, config, query, { signal, onProgress }) {
  const total = await ie.countEvents(config, { ...query, signal });
  const want = Math.min(total, MAX_EVENTS);
  let events = [];
  if (total > SYNC_LIMIT) {
    onProgress({ phase: "requested", elapsedMs: 0, want });
    events = await ie.queryEvents(config, { ...query, maxResults: want, signal, onProgress: (p) => onProgress({ ...p, want }) });
  } else if (total > 0) {
    onProgress({ phase: "loading", elapsedMs: 0, want });
    events = await ie.queryEvents(config, { ...query, maxResults: SYNC_LIMIT, signal });
  }
  return { events, total, complete: total <= MAX_EVENTS };
}

/**
 * The chart of a window: counted on the PCE with queryTimeline, so its cost follows the
 * number of bars, not of events; by creator (which the PCE cannot count) from downloaded events.
 * Resolves to { timeline, total, complete, source, requests }.
 */
export async function loadTimeline(ie, config, query, { groupBy, bucketMs, signal, onPartial, onProgress }) {
  if (groupBy === "created_by") {
    const { events, total, complete } = await downloadWindow(ie, config, query, { signal, onProgress });
    const options = { start: query.since, end: query.until, groupBy };
    if (bucketMs !== undefined) options.bucketMs = bucketMs;
    return { timeline: ie.eventTimeline(events, options), total, complete, source: "download", requests: null };
  }
  // By event type each type counted apart costs a request per bar: four (and "other") keep
  // 30 days in bars of a day within queryTimeline's 200 requests, where eight need bars of a week.
  const options = { groupBy, signal, onPartial, ...(groupBy === "event_type" ? { maxGroups: 4 } : {}) };
  if (bucketMs !== undefined) options.bucketMs = bucketMs;
  const timeline = await ie.queryTimeline(config, query, options);
  return { timeline, total: totalOf(timeline), complete: true, source: timeline.source, requests: timeline.requests };
}

/**
 * The next page of the list, older than the events loaded: the PCE's timestamp[lte] is
 * inclusive, so the oldest timestamp is asked again and the events already shown are dropped.
 * Resolves to { records, more }.
 */
export async function fetchPage(ie, config, query, loaded, { signal }) {
  const q = { ...query, maxResults: PAGE_SIZE, signal };
  const oldest = loaded.at(-1);
  if (oldest) q.until = oldest.ev.timestamp;
  const events = await ie.queryEvents(config, q);
  const seen = new Set();
  for (let i = loaded.length - 1; i >= 0 && loaded[i].t === oldest.t; i--) seen.add(loaded[i].ev.href);
  const fresh = events.filter((ev) => !seen.has(ev.href));
  // A full page with nothing new would ask the same again forever: more than a page of events
  // share one timestamp, and timestamp filters cannot reach the rest of them.
  return { records: toRecords(fresh), more: events.length >= PAGE_SIZE && fresh.length > 0 };
}

/**
 * Adds live arrivals (and the time that passed) to a timeline and moves its window to `until`
 * by whole buckets, so every count stays exact without asking the PCE again: arrivals are
 * counted with eventTimeline over the same start and bucket size, whose buckets then line up
 * one for one with the drawn ones. Returns a new timeline.
 */
export function slideTimeline(ie, timeline, events, { until, span, groupBy }) {
  const mini = ie.eventTimeline(events, {
    start: timeline.start, end: new Date(until).toISOString(), groupBy, bucketMs: timeline.bucketMs,
  });
  const groups = [...timeline.groups];
  // queryTimeline's event_type chart has an "other" group for the types it did not pick.
  const fold = groupBy === "event_type" && groups.includes("other");
  const buckets = timeline.buckets.map((b) => ({ ...b, counts: { ...b.counts } }));
  mini.buckets.forEach((m, i) => {
    if (i >= buckets.length) buckets.push({ start: m.start, total: 0, counts: Object.fromEntries(groups.map((g) => [g, 0])) });
    const b = buckets[i];
    for (const [g, n] of Object.entries(m.counts)) {
      if (!n) continue;
      const key = groups.includes(g) || !fold ? g : "other";
      if (!groups.includes(key)) {
        groups.push(key);
        for (const other of buckets) other.counts[key] ??= 0;
      }
      b.counts[key] += n;
      b.total += n;
    }
  });
  let start = timeline.start;
  // A bar wholly older than the window leaves it; the next bar's start is then the window's.
  while (buckets.length > 1 && Date.parse(buckets[1].start) <= until - span) {
    buckets.shift();
    start = buckets[0].start;
  }
  return { ...timeline, start, end: new Date(until).toISOString(), groups, buckets };
}

/** Events as { ev, t } records, newest first. */
export function toRecords(events) {
  const recs = events.map((ev) => ({ ev, t: Date.parse(ev.timestamp) }));
  let sorted = true;
  for (let i = 1; i < recs.length && sorted; i++) if (!(recs[i - 1].t >= recs[i].t)) sorted = false;
  if (!sorted) recs.sort((a, b) => (Number.isNaN(a.t) ? 1 : Number.isNaN(b.t) ? -1 : b.t - a.t));
  return recs;
}

/** The live poll interval of the `interval` attribute: a duration ("5s") or seconds; 10 s otherwise. */
export function intervalOf(text) {
  const d = parseDuration(text);
  const ms = Number.isFinite(d) ? d : Number(text) * 1000;
  return Number.isFinite(ms) && ms >= 500 ? ms : 10000;
}

/** The bucket size of the `bucket` attribute, or undefined for "auto" (and anything unreadable). */
export function bucketOf(text) {
  if (!text || text === "auto") return undefined;
  const d = parseDuration(text);
  return Number.isFinite(d) ? d : undefined;
}

/** The window of the since and until attributes: { since, until, relative } in ms, or null when unreadable. */
export function windowOf(sinceAttr, untilAttr, now) {
  const sinceText = sinceAttr || "24h";
  const until = untilAttr ? Date.parse(untilAttr) : now;
  const rel = parseDuration(sinceText);
  const since = Number.isFinite(rel) ? until - rel : Date.parse(sinceText);
  if (!Number.isFinite(since) || !Number.isFinite(until) || !(since < until)) return null;
  return { since, until, relative: !untilAttr && Number.isFinite(rel) };
}

/** The next preset after a span: 1h → 24h → 7d → 30d, else twice the span. */
export function widerPreset(span) {
  for (const [text, ms] of [["24h", 86400e3], ["7d", 7 * 86400e3], ["30d", 30 * 86400e3]]) if (ms > span) return text;
  return `${Math.round((2 * span) / 3600e3)}h`;
}

/** [since, until] attributes of a zoom out with no zoom to undo: the next preset, or twice the window around it. */
export function widerWindow(win, now) {
  if (!win) return null;
  const span = win.until - win.since;
  if (win.relative) return [widerPreset(span), ""];
  const to = Math.min(now, win.until + span / 2);
  return [new Date(Math.floor(to - 2 * span)).toISOString(), new Date(Math.ceil(to)).toISOString()];
}

/** What an asynchronous collection's phase means, for the progress line. */
export function phaseText(p) {
  const label = {
    requested: "job requested, waiting for the PCE",
    running: "the PCE is collecting the events",
    downloading: "downloading the result",
    done: "done, drawing",
  }[p.phase] ?? p.phase;
  return `asynchronous job · ${label}`;
}

/** The filter attribute a legend group narrows to, or null when it names no single valid value. */
export function pickFilter(groupBy, value) {
  if (groupBy === "severity") return SEVERITIES.includes(value) ? "severity" : null;
  if (groupBy === "status") return value === "success" || value === "failure" ? "status" : null;
  // "other" is queryTimeline's group of the types it did not count apart, not a type.
  if (groupBy === "event_type") return typeof value === "string" && value !== "" && value !== "other" && !value.includes(",") ? "event-type" : null;
  return null;
}
