// The data side of <pce-event-timeline>: reading a window's events from the PCE, keeping them
// newest first, and the small parsers of its attributes. No DOM here (dom.js lends SEVERITIES).

import { SEVERITIES } from "./dom.js";

export const SYNC_LIMIT = 10000;   // the PCE's largest max_results; above it, the asynchronous collection
export const MAX_EVENTS = 200000;  // what one element keeps in memory at most
const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

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
 * Fetches the events of a window: a count first, then one synchronous page or the asynchronous
 * collection. The only place the element reads events from the PCE, so that a counting API
 * (queryTimeline) can replace it without touching the rest.
 */
export async function fetchWindow(ie, config, query, { signal, onProgress }) {
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

/** Events as { ev, t } records, newest first. */
export function toRecords(events) {
  const recs = events.map((ev) => ({ ev, t: Date.parse(ev.timestamp) }));
  let sorted = true;
  for (let i = 1; i < recs.length && sorted; i++) if (!(recs[i - 1].t >= recs[i].t)) sorted = false;
  if (!sorted) recs.sort((a, b) => (Number.isNaN(a.t) ? 1 : Number.isNaN(b.t) ? -1 : b.t - a.t));
  return recs;
}

/** The index of the first record (newest first) at or before t. */
export function lowerIndex(r, t) {
  let a = 0; let b = r.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (r[m].t > t) a = m + 1; else b = m;
  }
  return a;
}

/** The next preset after a span: 1h → 24h → 7d → 30d, else twice the span. */
export function widerPreset(span) {
  for (const [text, ms] of [["24h", 86400e3], ["7d", 7 * 86400e3], ["30d", 30 * 86400e3]]) if (ms > span) return text;
  return `${Math.round((2 * span) / 3600e3)}h`;
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
  if (groupBy === "event_type") return typeof value === "string" && value !== "" && !value.includes(",") ? "event-type" : null;
  return null;
}
