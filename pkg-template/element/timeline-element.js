// The class behind <pce-event-timeline>; element.js defines it once the package has loaded.

import { h, s, clear, setUtc, fmtDateTime, fmtDuration, fmtCount, zoneLabel } from "./dom.js";
import { Chart, seriesOf } from "./chart.js";
import { EventList } from "./list.js";
import { renderDetail } from "./detail.js";
import { CSS } from "./style.js";

const SYNC_LIMIT = 10000;   // the PCE's largest max_results; above it, the asynchronous collection
const MAX_EVENTS = 200000;  // what one element keeps in memory at most
const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
const VIEWS = ["chart", "chart+list", "full"];
const GROUPS = ["severity", "status", "event_type", "created_by"];
// Attributes that change what is fetched; the others only change how it is drawn.
const FETCH_ATTRS = ["src", "org", "since", "until", "event-type", "severity", "status", "created-by", "pce-fqdn", "live", "interval"];
const DRAW_ATTRS = ["group-by", "bucket", "view", "time-zone", "selected"];
const PROPERTIES = [
  "src", "org", "config", "since", "until", "eventType", "severity", "status", "createdBy", "pceFqdn",
  "groupBy", "bucket", "live", "interval", "view", "timeZone", "selected",
];

let ie = null; // the package's web entry, handed over by element.js

/** "24h", "7d", "90m", "30s", "2w" in milliseconds; NaN for anything else. */
export function parseDuration(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(String(text ?? ""));
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

/** A PceError-shaped error for what the element itself refuses (isPceError accepts it). */
function elementError(kind, message) {
  const e = new Error(message);
  e.name = "PceError";
  e.kind = kind;
  return e;
}

/**
 * Fetches the events of a window: a count first, then one synchronous page or the asynchronous
 * collection. The only place the element reads events from the PCE, so that a counting API
 * (queryTimeline) can replace it without touching the rest.
 */
async function fetchWindow(config, query, { signal, onProgress }) {
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
function toRecords(events) {
  const recs = events.map((ev) => ({ ev, t: Date.parse(ev.timestamp) }));
  let sorted = true;
  for (let i = 1; i < recs.length && sorted; i++) if (!(recs[i - 1].t >= recs[i].t)) sorted = false;
  if (!sorted) recs.sort((a, b) => (Number.isNaN(a.t) ? 1 : Number.isNaN(b.t) ? -1 : b.t - a.t));
  return recs;
}

/** The index of the first record (newest first) at or before t. */
function lowerIndex(r, t) {
  let a = 0; let b = r.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (r[m].t > t) a = m + 1; else b = m;
  }
  return a;
}

/** A `pce-error` event: the PceError as detail, and `during` telling what was being done. */
class PceErrorEvent extends CustomEvent {
  constructor(error, during) {
    super("pce-error", { detail: error, bubbles: true, composed: true });
    this.during = during;
  }
}

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

/** The custom element <pce-event-timeline>. */
export class PceEventTimeline extends HTMLElement {
  /** Hands the element the package's web entry (queryEvents, countEvents, ...). */
  static use(module) { ie = module; }

  static get observedAttributes() { return [...FETCH_ATTRS, ...DRAW_ATTRS]; }

  #root;
  #el;
  #chart;
  #list;
  #config = null;        // the `config` property, when set
  #base = null;          // { key, since, until, span, relative, records, total, complete }
  #view = null;          // { since, until } in ms, within #base
  #timeline = null;
  #load = null;          // { ctl, gen, cancelled }
  #gen = 0;
  #live = null;          // { ctl, timer }
  #detailCtl = null;
  #scheduled = false;
  #dirtyFetch = true;    // attributes that change what is fetched changed since the last update
  #dirtyLive = false;    // live or interval changed
  #zoomStack = [];
  #internal = false;     // attributes being set by the element itself (zoom)
  #detailReturn = null;
  #openHref = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = [styles()];
    this.#build();
  }

  // ------------------------------------------------------------ reflected properties

  /** The PCE or proxy URL; relative ones resolve against the document's base URL. */
  get src() { return this.getAttribute("src") ?? ""; }
  set src(v) { this.setAttribute("src", v); }
  /** The org id (the N in /orgs/N). */
  get org() { return this.getAttribute("org") ?? ""; }
  set org(v) { this.setAttribute("org", String(v)); }
  /** The window's start: RFC 3339 or relative ("24h", "7d"); default "24h". */
  get since() { return this.getAttribute("since") ?? ""; }
  set since(v) { this.#setOrRemove("since", v); }
  /** The window's end, RFC 3339; default now. */
  get until() { return this.getAttribute("until") ?? ""; }
  set until(v) { this.#setOrRemove("until", v); }
  /** Comma-separated event types. */
  get eventType() { return this.getAttribute("event-type") ?? ""; }
  set eventType(v) { this.#setOrRemove("event-type", Array.isArray(v) ? v.join(",") : v); }
  /** One severity. */
  get severity() { return this.getAttribute("severity") ?? ""; }
  set severity(v) { this.#setOrRemove("severity", v); }
  /** "success" or "failure". */
  get status() { return this.getAttribute("status") ?? ""; }
  set status(v) { this.#setOrRemove("status", v); }
  /** The creator's href, username or hostname. */
  get createdBy() { return this.getAttribute("created-by") ?? ""; }
  set createdBy(v) { this.#setOrRemove("created-by", v); }
  /** The PCE (of a Supercluster) the events come from. */
  get pceFqdn() { return this.getAttribute("pce-fqdn") ?? ""; }
  set pceFqdn(v) { this.#setOrRemove("pce-fqdn", v); }
  /** What each bar is split by: severity (default), status, event_type, created_by. */
  get groupBy() { return this.getAttribute("group-by") ?? "severity"; }
  set groupBy(v) { this.#setOrRemove("group-by", v); }
  /** "auto" (default) or a duration such as "1h". */
  get bucket() { return this.getAttribute("bucket") ?? "auto"; }
  set bucket(v) { this.#setOrRemove("bucket", v); }
  /** Follows new events (only without `until`). */
  get live() { return this.hasAttribute("live"); }
  set live(v) { this.toggleAttribute("live", Boolean(v)); }
  /** The live poll interval: a duration ("5s") or seconds; default 10 s. */
  get interval() { return this.getAttribute("interval") ?? ""; }
  set interval(v) { this.#setOrRemove("interval", v === null || v === undefined ? v : String(v)); }
  /** "chart" (default), "chart+list" or "full" (with the detail panel). */
  get view() { return VIEWS.includes(this.getAttribute("view")) ? this.getAttribute("view") : "chart"; }
  set view(v) { this.#setOrRemove("view", v); }
  /** "local" (default) or "utc". */
  get timeZone() { return this.getAttribute("time-zone") === "utc" ? "utc" : "local"; }
  set timeZone(v) { this.#setOrRemove("time-zone", v); }
  /** The href of the event shown in the detail panel (view "full"). */
  get selected() { return this.getAttribute("selected") ?? ""; }
  set selected(v) { this.#setOrRemove("selected", v); }

  /** A PceConfig without credentials, instead of src and org. */
  get config() { return this.#config; }
  set config(v) {
    this.#config = v ?? null;
    this.#dirtyFetch = true;
    this.#schedule();
  }

  /** The timeline drawn now, or null. */
  get timeline() { return this.#timeline; }
  /** Whether requests for the current attributes are in flight. */
  get loading() { return this.#load !== null; }
  /** The events of the window drawn now, newest first. */
  get events() { return this.#viewRecords().map((r) => r.ev); }
  /** How many events match the filters in the loaded window (what the PCE counted). */
  get total() { return this.#base?.total ?? 0; }

  /** Fetches the current window again. */
  refresh() {
    this.#base = null;
    if (this.isConnected) this.#startLoad();
  }

  #setOrRemove(name, v) {
    if (v === null || v === undefined || v === "") this.removeAttribute(name);
    else this.setAttribute(name, String(v));
  }

  // ------------------------------------------------------------ lifecycle

  connectedCallback() {
    // Properties a framework set before the element was defined sit on the instance and hide
    // the accessors: hand them to the setters.
    for (const name of PROPERTIES) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    this.#schedule();
  }

  disconnectedCallback() {
    this.#scheduled = false;
    this.#abortAll();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (name === "selected") {
      // The element reflects its own selection; only a host's change opens or closes the panel.
      if (!this.#internal) queueMicrotask(() => this.#syncSelected());
      return;
    }
    if ((name === "since" || name === "until") && !this.#internal) this.#zoomStack = [];
    if (name === "live" || name === "interval") this.#dirtyLive = true;
    else if (FETCH_ATTRS.includes(name)) this.#dirtyFetch = true;
    this.#schedule();
  }

  /** One load or redraw per task, however many attributes change in it. */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (!this.#scheduled) return;
      this.#scheduled = false;
      if (this.isConnected) this.#update();
    });
  }

  #abortAll() {
    if (this.#load) { this.#load.ctl.abort(); this.#load = null; this.#gen++; }
    this.#stopLive();
    this.#detailCtl?.abort();
    this.#detailCtl = null;
    this.#hideProgress();
    // Whatever was loaded may be stale when the element comes back.
    this.#dirtyFetch = true;
  }

  /**
   * Brings the drawing up to date with the attributes: drawing-only changes redraw, a window
   * inside the loaded one (a zoom) is cut from memory, live changes start or stop the watch,
   * and anything else loads.
   */
  #update() {
    setUtc(this.timeZone === "utc");
    this.#applyView();
    const fetch = this.#dirtyFetch || !this.#base;
    const live = this.#dirtyLive;
    this.#dirtyFetch = false;
    this.#dirtyLive = false;
    if (fetch) {
      const win = this.#window();
      const base = this.#base;
      if (base && win && !this.#load && base.key === this.#fetchKey() && base.complete
        && win.since >= base.since && win.until <= base.until) {
        this.#stopLive();
        this.#view = { since: win.since, until: win.until };
        this.#render();
        this.#syncSelected();
        return;
      }
      this.#startLoad();
      return;
    }
    if (live) {
      this.#stopLive();
      // The watch starts where the loaded window ends, so nothing between is missed.
      if (this.live && this.#base?.relative && !this.#load) this.#startLive();
    }
    this.#render();
    this.#syncSelected();
  }

  /** Opens or closes the detail panel to match the `selected` attribute. */
  #syncSelected() {
    if (this.view !== "full" || !this.selected) {
      if (!this.#el.detail.hidden && !this.selected) this.#closeDetail({ quiet: true });
      return;
    }
    if (this.#base) this.#openSelected();
  }

  #applyView() {
    const view = this.view;
    this.#el.listCard.hidden = view === "chart";
    if (view !== "full" && !this.#el.detail.hidden) this.#closeDetail({ quiet: true });
  }

  // ------------------------------------------------------------ configuration

  /** The PceConfig to use, or throws a PceError-shaped invalid_argument. */
  #pceConfig() {
    if (this.#config) {
      const c = this.#config;
      if (typeof c !== "object") throw elementError("invalid_argument", "config must be a PceConfig object.");
      if (c.apiKey !== undefined || c.apiSecret !== undefined) {
        throw elementError("invalid_argument",
          "<pce-event-timeline> refuses apiKey and apiSecret: a key in a page is a key for every visitor. Point src at a same-origin proxy that adds the credentials.");
      }
      return { ...c };
    }
    const src = this.src.trim();
    if (!src) throw elementError("invalid_argument", "<pce-event-timeline> needs src (the PCE or proxy URL, such as /pce) and org, or the config property.");
    let url;
    try {
      url = new URL(src, document.baseURI);
    } catch {
      throw elementError("invalid_argument", `src "${src}" is not a URL.`);
    }
    if (url.username || url.password) {
      throw elementError("invalid_argument", "src must not carry credentials: point it at a same-origin proxy that adds them.");
    }
    const org = Number(this.org);
    if (!Number.isInteger(org) || org <= 0) throw elementError("invalid_argument", `org "${this.org}" is not a positive integer.`);
    return { url: url.href.replace(/\/+$/, ""), orgId: org };
  }

  /** The filters as an EventQuery (without the window). */
  #filters() {
    const q = {};
    const types = this.eventType.split(",").map((t) => t.trim()).filter(Boolean);
    if (types.length === 1) q.eventType = types[0];
    else if (types.length > 1) q.eventType = [...new Set(types)];
    if (this.severity) q.severity = this.severity;
    if (this.status) q.status = this.status;
    if (this.createdBy.trim()) q.createdBy = this.createdBy.trim();
    if (this.pceFqdn.trim()) q.pceFqdn = this.pceFqdn.trim();
    return q;
  }

  #fetchKey() {
    let cfg = null;
    try { cfg = this.#pceConfig(); } catch { /* reported by the load */ }
    return JSON.stringify([cfg, this.#filters()]);
  }

  /** The window the attributes ask for: { since, until, relative } in ms, or null when unreadable. */
  #window(now = Date.now()) {
    const sinceText = this.since || "24h";
    const untilText = this.until;
    const until = untilText ? Date.parse(untilText) : now;
    const rel = parseDuration(sinceText);
    const since = Number.isFinite(rel) ? until - rel : Date.parse(sinceText);
    if (!Number.isFinite(since) || !Number.isFinite(until) || !(since < until)) return null;
    return { since, until, relative: !untilText && Number.isFinite(rel) };
  }

  #intervalMs() {
    const text = this.interval;
    const d = parseDuration(text);
    const ms = Number.isFinite(d) ? d : Number(text) * 1000;
    return Number.isFinite(ms) && ms >= 500 ? ms : 10000;
  }

  #bucketMs() {
    const b = this.bucket;
    if (!b || b === "auto") return undefined;
    const d = parseDuration(b);
    return Number.isFinite(d) ? d : undefined;
  }

  // ------------------------------------------------------------ loading

  async #startLoad() {
    if (this.#load) this.#load.ctl.abort();
    this.#stopLive();
    const ctl = new AbortController();
    const gen = ++this.#gen;
    const job = { ctl, gen, cancelled: false };
    this.#load = job;
    let config;
    const win = this.#window();
    try {
      config = this.#pceConfig();
      if (!win) throw elementError("invalid_argument", `since "${this.since}" and until "${this.until}" are not a window: RFC 3339 or relative such as 24h, 7d, with since before until.`);
      if (!ie) throw elementError("invalid_argument", "the illumio-events package did not load.");
    } catch (err) {
      this.#load = null;
      this.#chart.fail(err.message);
      this.#dispatchError(err, "config");
      return;
    }
    const key = this.#fetchKey();
    const q = { ...this.#filters(), since: new Date(win.since).toISOString(), until: new Date(win.until).toISOString() };
    const started = performance.now();
    this.#showProgress("Counting events…", "", started);
    try {
      const { events, total, complete } = await fetchWindow(config, q, {
        signal: ctl.signal,
        onProgress: (p) => {
          if (gen !== this.#gen) return;
          if (p.phase === "loading") this.#showProgress(`Loading ${fmtCount(p.want)} events…`, "", started);
          else this.#showProgress(`Collecting ${fmtCount(p.want)} events`, phaseText(p), started, p);
        },
      });
      if (gen !== this.#gen) return;
      this.#base = {
        key, since: win.since, until: win.until, span: win.until - win.since, relative: win.relative,
        records: toRecords(events), total, complete, config, query: q,
      };
      this.#view = { since: win.since, until: win.until };
      this.#load = null;
      this.#hideProgress();
      this.#render();
      this.dispatchEvent(new CustomEvent("pce-load", { detail: { timeline: this.#timeline, total, complete }, bubbles: true, composed: true }));
      this.#syncSelected();
      if (this.live && win.relative) this.#startLive();
    } catch (err) {
      if (gen !== this.#gen) return; // superseded by newer attributes, or removed
      this.#load = null;
      this.#hideProgress();
      if (err?.kind === "aborted" && !job.cancelled) return;
      if (!this.#base) this.#chart.fail(err?.kind === "aborted" ? "Loading cancelled." : "The events could not be loaded.");
      this.#dispatchError(err, "load");
    }
  }

  #dispatchError(err, during) {
    this.dispatchEvent(new PceErrorEvent(err, during));
  }

  #viewRecords() {
    if (!this.#base || !this.#view) return [];
    const r = this.#base.records;
    return r.slice(lowerIndex(r, this.#view.until), lowerIndex(r, this.#view.since - 1));
  }

  // ------------------------------------------------------------ live

  async #startLive() {
    if (!ie?.watchEvents || !this.#base || this.#live) return;
    const ctl = new AbortController();
    const me = { ctl, timer: 0 };
    this.#live = me;
    const interval = this.#intervalMs();
    me.timer = setInterval(() => this.#slide([]), Math.max(5000, interval));
    const { config, query } = this.#base;
    // A watch has no end: the window's until is left out.
    const { until: _until, ...watchQuery } = query;
    try {
      const it = ie.watchEvents(config, { ...watchQuery, since: new Date(this.#base.until).toISOString() }, {
        intervalMs: interval,
        signal: ctl.signal,
        onError: (err) => { if (this.#live === me) this.#dispatchError(err, "live"); },
      });
      for await (const batch of it) {
        if (this.#live !== me) break;
        this.#slide(batch);
      }
    } catch (err) {
      if (this.#live === me && err?.kind !== "aborted") this.#dispatchError(err, "live");
    } finally {
      clearInterval(me.timer);
      if (this.#live === me) this.#live = null;
    }
  }

  #stopLive() {
    if (!this.#live) return;
    this.#live.ctl.abort();
    clearInterval(this.#live.timer);
    this.#live = null;
  }

  /** Adds a live batch (oldest first) and moves the window to now. */
  #slide(batch) {
    const base = this.#base;
    if (!base || !base.relative) return;
    const fresh = [];
    const seen = new Set();
    const minT = Math.min(...batch.map((ev) => Date.parse(ev.timestamp)).filter((t) => !Number.isNaN(t)));
    for (const r of base.records) { if (r.t < minT) break; seen.add(r.ev.href); }
    for (const ev of batch) {
      if (seen.has(ev.href)) continue;
      seen.add(ev.href);
      fresh.push({ ev, t: Date.parse(ev.timestamp) });
    }
    fresh.sort((a, b) => b.t - a.t);
    let records = base.records;
    if (fresh.length) {
      records = records.length && fresh.at(-1).t < records[0].t ? toRecords([...fresh, ...records].map((r) => r.ev)) : [...fresh, ...records];
    }
    const until = Math.max(Date.now(), fresh[0]?.t ?? 0, base.until);
    const since = until - base.span;
    let cut = records.length;
    while (cut > 0 && records[cut - 1].t < since) cut--;
    records.length = cut;
    this.#base = { ...base, records, since, until, total: records.length, query: { ...base.query, since: new Date(since).toISOString(), until: new Date(until).toISOString() } };
    this.#view = { since, until };
    this.#render({ added: fresh.filter((r) => r.t >= since).length });
    this.dispatchEvent(new CustomEvent("pce-load", { detail: { timeline: this.#timeline, total: records.length, complete: true, live: true }, bubbles: true, composed: true }));
  }

  // ------------------------------------------------------------ drawing

  #render({ added = 0 } = {}) {
    if (!this.#base || !this.#view) return;
    const { since, until } = this.#view;
    const recs = this.#viewRecords();
    const live = Boolean(this.#live) && this.#base.relative;
    this.#el.chartRange.textContent = live
      ? `${fmtDateTime(since)} → now · ${fmtDuration(until - since)} · live`
      : `${fmtDateTime(since)} → ${fmtDateTime(until)} ${zoneLabel()} · ${fmtDuration(until - since)}`;
    if (!this.#base.complete) this.#el.chartRange.textContent += ` · the newest ${fmtCount(MAX_EVENTS)} of ${fmtCount(this.#base.total)}`;
    this.#el.zoomOut.disabled = this.#zoomStack.length === 0 && !this.#window()?.relative;
    const groupBy = GROUPS.includes(this.groupBy) ? this.groupBy : "severity";
    let timeline;
    try {
      const options = { start: new Date(since).toISOString(), end: new Date(until).toISOString(), groupBy };
      const bucketMs = this.#bucketMs();
      if (bucketMs !== undefined) options.bucketMs = bucketMs;
      timeline = ie.eventTimeline(recs.map((r) => r.ev), options);
    } catch (err) {
      this.#timeline = null;
      this.#chart.fail(`No chart by ${groupBy.replace("_", " ")} for these events.`);
      this.#renderTable(null);
      this.#dispatchError(err, "timeline");
      timeline = null;
    }
    if (timeline) {
      this.#timeline = timeline;
      this.#chart.render(timeline, { since, until, groupBy });
      this.#el.chartTitle.textContent = `Events per ${fmtDuration(timeline.bucketMs)}`;
      this.#renderTable(timeline, groupBy);
    }
    if (this.view !== "chart") {
      this.#list.setRecords(recs, { added });
      this.#el.listCount.textContent = `${fmtCount(recs.length)} event${recs.length === 1 ? "" : "s"}, newest first`;
    }
  }

  /** The chart's text alternative: every non-empty bucket with its counts per group. */
  #renderTable(timeline, groupBy) {
    const table = clear(this.#el.table);
    if (!timeline) { this.#el.tableSummary.textContent = "The chart as a table"; return; }
    const series = seriesOf(timeline, groupBy);
    const rows = timeline.buckets.map((b, i) => [b, i]).filter(([b]) => b.total > 0);
    this.#el.tableSummary.textContent =
      `The chart as a table: ${fmtCount(rows.length)} non-empty bar${rows.length === 1 ? "" : "s"} of ${fmtDuration(timeline.bucketMs)}`;
    table.append(
      h("caption", { class: "muted" }, `Events per ${fmtDuration(timeline.bucketMs)} from ${fmtDateTime(this.#view.since)} to ${fmtDateTime(this.#view.until)} ${zoneLabel()}; bars with no event are left out.`),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Bar start"), h("th", { scope: "col" }, "Events"),
        series.map((se) => h("th", { scope: "col" }, se.label)))),
      h("tbody", {}, rows.map(([b, i]) => h("tr", { "data-start": b.start, "data-total": String(b.total) },
        h("th", { scope: "row" }, fmtDateTime(Date.parse(b.start))),
        h("td", {}, fmtCount(b.total)),
        series.map((se) => h("td", {}, fmtCount(se.values[i])))))));
  }

  // ------------------------------------------------------------ zoom

  #zoomTo(a, b) {
    if (!(b > a)) return;
    this.#zoomStack.push([this.since, this.until]);
    this.#setWindow(new Date(Math.floor(a)).toISOString(), new Date(Math.ceil(b)).toISOString());
  }

  #zoomOut() {
    const prev = this.#zoomStack.pop();
    if (prev) { this.#setWindow(prev[0], prev[1]); return; }
    const win = this.#window();
    if (!win) return;
    const span = win.until - win.since;
    if (win.relative) {
      this.#setWindow(widerPreset(span), "");
      return;
    }
    const to = Math.min(Date.now(), win.until + span / 2);
    this.#setWindow(new Date(Math.floor(to - 2 * span)).toISOString(), new Date(Math.ceil(to)).toISOString());
  }

  #setWindow(since, until) {
    this.#internal = true;
    try {
      this.since = since;
      this.until = until;
    } finally {
      this.#internal = false;
    }
    const win = this.#window();
    this.dispatchEvent(new CustomEvent("pce-range", {
      detail: {
        since: this.since, until: this.until,
        start: win ? new Date(win.since).toISOString() : null,
        end: win ? new Date(win.until).toISOString() : null,
      },
      bubbles: true, composed: true,
    }));
  }

  // ------------------------------------------------------------ selection and detail

  #select(rec, { focus }) {
    if (this.view === "full") {
      this.#openDetail(rec.ev, { focus });
      this.#reflectSelected(rec.ev.href);
    }
    this.dispatchEvent(new CustomEvent("pce-select", { detail: { href: rec.ev.href, event: rec.ev }, bubbles: true, composed: true }));
  }

  #openDetail(ev, { focus }) {
    const d = this.#el;
    if (d.detail.hidden) this.#detailReturn = this.#root.activeElement;
    renderDetail(ev, {
      kicker: d.detailKicker, title: d.detailTitle, body: d.detailBody,
      onCopy: (raw) => navigator.clipboard?.writeText(raw).catch(() => {}),
    });
    d.detail.hidden = false;
    d.detail.dataset.href = ev.href;
    this.#openHref = ev.href;
    if (focus) d.detailClose.focus();
  }

  #closeDetail({ quiet = false } = {}) {
    const d = this.#el;
    if (d.detail.hidden) return;
    d.detail.hidden = true;
    this.#openHref = null;
    if (quiet) return;
    this.#reflectSelected(null);
    const back = this.#detailReturn && this.#detailReturn.isConnected ? this.#detailReturn : d.list;
    back.focus();
    this.dispatchEvent(new CustomEvent("pce-select", { detail: { href: null, event: null }, bubbles: true, composed: true }));
  }

  #reflectSelected(href) {
    this.#internal = true;
    try { this.selected = href; } finally { this.#internal = false; }
  }

  /** Opens the `selected` event: from the loaded events, or fetched with getEvent. */
  async #openSelected() {
    const href = this.selected;
    if (!href || this.#openHref === href) return;
    const rec = this.#base?.records.find((r) => r.ev.href === href);
    if (rec) { this.#openDetail(rec.ev, { focus: false }); return; }
    this.#detailCtl?.abort();
    const ctl = new AbortController();
    this.#detailCtl = ctl;
    try {
      const ev = await ie.getEvent(this.#base.config, href, { signal: ctl.signal });
      if (this.selected === href && !ctl.signal.aborted) this.#openDetail(ev, { focus: false });
    } catch (err) {
      if (err?.kind !== "aborted") this.#dispatchError(err, "select");
    }
  }

  // ------------------------------------------------------------ progress

  #progress = null;
  #progressTimer = 0;
  #showProgress(title, detail, started, p) {
    this.#progress = { title, detail, started, p };
    this.#el.progress.hidden = false;
    this.#el.progressTitle.textContent = title;
    this.#tickProgress();
    if (!this.#progressTimer) this.#progressTimer = setInterval(() => this.#tickProgress(), 200);
  }
  #tickProgress() {
    if (!this.#progress) return;
    const secs = ((performance.now() - this.#progress.started) / 1000).toFixed(1);
    this.#el.progressDetail.textContent = [this.#progress.detail, `${secs} s`].filter(Boolean).join(" · ");
    this.#el.progress.dataset.phase = this.#progress.p?.phase ?? "";
  }
  #hideProgress() {
    this.#el.progress.hidden = true;
    clearInterval(this.#progressTimer);
    this.#progressTimer = 0;
    this.#progress = null;
  }

  // ------------------------------------------------------------ the shadow tree

  #build() {
    const el = {};
    el.progressTitle = h("strong", { id: "progress-title" }, "Loading…");
    el.progressDetail = h("span", { id: "progress-detail" });
    el.cancel = h("button", { type: "button", class: "btn", id: "cancel", part: "button" }, "Cancel");
    el.progress = h("div", { id: "progress", class: "progress", part: "progress", role: "status", "aria-live": "polite", hidden: true },
      h("span", { class: "spinner", "aria-hidden": "true" }),
      h("div", { class: "progress-text" }, el.progressTitle, el.progressDetail),
      el.cancel);

    el.chartTitle = h("h2", { id: "chart-title" }, "Timeline");
    el.chartRange = h("p", { class: "muted", id: "chart-range" });
    el.zoomOut = h("button", { type: "button", class: "btn", id: "zoom-out", part: "button", title: "Zoom out (-)" }, "Zoom out");
    el.svg = s("svg", {
      id: "chart", class: "chart", part: "svg", tabindex: "0", role: "application",
      "aria-roledescription": "timeline chart", "aria-label": "Events over time", "aria-describedby": "chart-help",
    });
    el.tooltip = h("div", { class: "tooltip", id: "tooltip", role: "tooltip", "aria-live": "polite", hidden: true });
    el.empty = h("p", { class: "chart-empty", id: "chart-empty" }, "Loading events…");
    el.wrap = h("div", { class: "chart-wrap", id: "chart-wrap" }, el.svg, el.tooltip, el.empty);
    el.legend = h("ul", { class: "legend", id: "legend", part: "legend", "aria-label": "Legend" });
    el.tableSummary = h("summary", {}, "The chart as a table");
    el.table = h("table", { class: "buckets", id: "buckets" });
    const chartCard = h("section", { class: "card chart-card", part: "chart", "aria-labelledby": "chart-title" },
      h("div", { class: "card-head" }, el.chartTitle, el.chartRange, h("div", { class: "card-tools" }, el.zoomOut)),
      el.wrap,
      h("div", { class: "chart-foot" }, el.legend,
        h("p", { class: "hint", id: "chart-help" },
          "Drag across the chart to zoom; click a bar to zoom into it. Keyboard: ← → pick a bar, Enter zooms, − zooms out.")),
      h("details", { class: "table-alt", part: "table" }, el.tableSummary, h("div", { class: "table-scroll" }, el.table)));

    el.listCount = h("p", { class: "muted", id: "list-count" });
    el.spacer = h("div", { class: "list-spacer", id: "list-spacer" });
    el.list = h("div", { class: "list", id: "list", tabindex: "0", role: "listbox", "aria-label": "Events, newest first" }, el.spacer);
    el.listEmpty = h("p", { class: "list-empty", id: "list-empty", hidden: true }, "No events match. Widen the time range or clear a filter.");
    el.listCard = h("section", { class: "card list-card", part: "list", "aria-labelledby": "list-title", hidden: true },
      h("div", { class: "card-head" }, h("h2", { id: "list-title" }, "Events"), el.listCount),
      h("div", { class: "list-head", "aria-hidden": "true" },
        ["Time", "Severity", "Event type", "Status", "Created by", "Source IP", "API call"].map((t, i) =>
          h("span", { class: ["c-time", "c-sev", "c-type", "c-status", "c-who", "c-ip", "c-api"][i] }, t))),
      el.list, el.listEmpty);

    el.detailKicker = h("p", { class: "detail-kicker", id: "detail-kicker" });
    el.detailTitle = h("h2", { id: "detail-title" }, "Event");
    el.detailClose = h("button", { type: "button", class: "btn icon", id: "detail-close", "aria-label": "Close the detail panel (Escape)" }, "✕");
    el.detailBody = h("div", { class: "detail-body", id: "detail-body" });
    el.detail = h("aside", { class: "detail", id: "detail", part: "panel", role: "dialog", "aria-labelledby": "detail-title", hidden: true },
      h("div", { class: "detail-head" }, h("div", {}, el.detailKicker, el.detailTitle), el.detailClose),
      el.detailBody);

    this.#root.append(h("div", { class: "frame", part: "frame" }, el.progress, chartCard, el.listCard), el.detail);
    this.#el = el;

    this.#chart = new Chart({
      svg: el.svg, wrap: el.wrap, tooltip: el.tooltip, empty: el.empty, legend: el.legend,
      onZoom: (a, b) => this.#zoomTo(a, b),
      onZoomOut: () => this.#zoomOut(),
    });
    this.#list = new EventList({
      viewport: el.list, spacer: el.spacer, empty: el.listEmpty,
      onOpen: (rec) => this.#select(rec, { focus: true }),
    });
    this.#list.onMove = (rec) => { if (!el.detail.hidden) this.#select(rec, { focus: false }); };
    el.zoomOut.addEventListener("click", () => this.#zoomOut());
    el.detailClose.addEventListener("click", () => this.#closeDetail());
    el.cancel.addEventListener("click", () => {
      if (!this.#load) return;
      this.#load.cancelled = true;
      this.#load.ctl.abort();
    });
    this.#root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !el.detail.hidden) { e.preventDefault(); this.#closeDetail(); }
    });
  }
}

/** The next preset after a span: 1h → 24h → 7d → 30d, else twice the span. */
function widerPreset(span) {
  for (const [text, ms] of [["24h", 86400e3], ["7d", 7 * 86400e3], ["30d", 30 * 86400e3]]) if (ms > span) return text;
  return `${Math.round((2 * span) / 3600e3)}h`;
}

function phaseText(p) {
  const label = {
    requested: "job requested, waiting for the PCE",
    running: "the PCE is collecting the events",
    downloading: "downloading the result",
    done: "done, drawing",
  }[p.phase] ?? p.phase;
  return `asynchronous job · ${label}`;
}
