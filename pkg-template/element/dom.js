// Small DOM helpers of <pce-event-timeline>, also used by the demo page. Event data only ever
// reaches the page as text nodes or as values of plain attributes (title, aria-*, data-*), never as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h("p", { class: "x" }, "text", otherNode). */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element. */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

/** Removes every child of an element and returns it. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

// ---- time ----

// One zone for the whole page: the demo's UTC toggle and every element's time-zone attribute set it.
let utc = false;
/** Shows times in UTC (true) or local time (false). */
export function setUtc(on) { utc = on; }
/** Whether times are shown in UTC. */
export function isUtc() { return utc; }

const pad = (n, w = 2) => String(n).padStart(w, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parts(ms) {
  const d = new Date(ms);
  return utc
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds() }
    : { y: d.getFullYear(), mo: d.getMonth(), d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds() };
}

/** "2026-11-20 11:59:58" in the chosen zone. */
export function fmtDateTime(ms, { millis = false } = {}) {
  if (!Number.isFinite(ms)) return "—";
  const p = parts(ms);
  const base = `${p.y}-${pad(p.mo + 1)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
  return millis ? `${base}.${pad(p.ms, 3)}` : base;
}

/** A short label for an axis tick, as precise as the step needs. */
export function fmtTick(ms, stepMs, spanMs) {
  const p = parts(ms);
  const hm = `${pad(p.h)}:${pad(p.mi)}`;
  const day = `${p.d} ${MONTHS[p.mo]}`;
  if (stepMs >= 86400000) return day;
  if (spanMs <= 86400000 && !(p.h === 0 && p.mi === 0)) return hm;
  return p.h === 0 && p.mi === 0 ? day : `${day} ${hm}`;
}

/** "UTC" or "local time". */
export function zoneLabel() { return utc ? "UTC" : "local time"; }

/** The value of a datetime-local input for an instant, in the chosen zone. */
export function toInputValue(ms) {
  const p = parts(ms);
  return `${p.y}-${pad(p.mo + 1)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/** The instant a datetime-local value means, in the chosen zone; NaN when empty or invalid. */
export function fromInputValue(value) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?/.exec(value ?? "");
  if (!m) return NaN;
  const [y, mo, d, hh, mi, ss] = m.slice(1).map((x) => Number(x ?? 0));
  return utc ? Date.UTC(y, mo - 1, d, hh, mi, ss) : new Date(y, mo - 1, d, hh, mi, ss).getTime();
}

/** "15 minutes", "2 days": a duration in words. */
export function fmtDuration(ms) {
  if (ms < 60000) return `${Math.round(ms / 1000)} s`;
  const units = [[604800000, "week"], [86400000, "day"], [3600000, "hour"], [60000, "minute"]];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  if (ms >= 86400000) return `${(ms / 86400000).toFixed(1)} days`;
  if (ms >= 3600000) return `${(ms / 3600000).toFixed(1)} hours`;
  return `${Math.round(ms / 60000)} minutes`;
}

/** 12,345. */
export const fmtCount = (n) => n.toLocaleString("en-US");

// ---- event fields ----

/** The PCE's severities, most urgent first. */
export const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/** A class-name-safe token for a value (classes are chosen from fixed sets, never from data). */
export function sevClass(sev) {
  return SEVERITIES.includes(sev) ? `sev-${sev}` : "sev-unknown";
}

const KIND_LABELS = { container_cluster: "cluster" };
/** A short label of a created_by kind, for narrow columns. */
export const kindLabel = (kind) => KIND_LABELS[kind] ?? kind;

/** [kind, display name] of an event's created_by. */
export function creator(ev) {
  const cb = ev?.created_by;
  if (!cb || typeof cb !== "object") return ["unknown", "—"];
  const kind = Object.keys(cb)[0];
  if (kind === undefined) return ["unknown", "—"];
  const who = cb[kind];
  if (kind === "system") return [kind, "system"];
  if (who && typeof who === "object") {
    const name = who.username ?? who.hostname ?? who.name ?? who.href;
    if (typeof name === "string" && name !== "") return [kind, name];
  }
  return [kind, kind];
}

/** A value as text: strings as they are, null as —, the rest as JSON. */
export function str(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}
