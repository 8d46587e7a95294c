// The class behind <pce-event-timeline>; element.js defines it once the package has loaded.

import { setUtc, fmtDateTime, fmtDuration, fmtCount, zoneLabel } from "./dom.js";
import { Chart } from "./chart.js";
import { EventList } from "./list.js";
import { Pager } from "./pager.js";
import { renderDetail } from "./detail.js";
import { styles } from "./style.js";
import { buildShadow, renderTable, ProgressLine, PceErrorEvent } from "./shadow.js";
import {
  MAX_EVENTS, pickFilter, elementError, resolveConfig, loadTimeline, slideTimeline,
  windowOf, widerWindow, phaseText, intervalOf, bucketOf, totalOf,
} from "./data.js";

const VIEWS = ["chart", "chart+list", "full"];
const GROUPS = ["severity", "status", "event_type", "created_by"];
// Attributes that change the window or its filters (chart and list are fetched again), those that
// change only how the chart is counted (the list stays), and those that only redraw.
const FETCH_ATTRS = ["src", "org", "since", "until", "event-type", "severity", "status", "created-by", "pce-fqdn", "live", "interval"];
const CHART_ATTRS = ["group-by", "bucket"];
const DRAW_ATTRS = ["view", "time-zone", "selected"];
const PROPERTIES = [
  "src", "org", "config", "since", "until", "eventType", "severity", "status", "createdBy", "pceFqdn",
  "groupBy", "bucket", "live", "interval", "view", "timeZone", "selected",
];

let ie = null; // the package's web entry, handed over by element.js

/** The custom element <pce-event-timeline>. */
export class PceEventTimeline extends HTMLElement {
  /** Hands the element the package's web entry (queryEvents, countEvents, ...). */
  static use(module) { ie = module; }

  static get observedAttributes() { return [...FETCH_ATTRS, ...CHART_ATTRS, ...DRAW_ATTRS]; }

  #root;
  #el;
  #chart;
  #list;
  #config = null;        // the `config` property, when set
  #base = null;          // the chart: { since, until, span, relative, config, query, groupBy, timeline, total, complete, source, requests, countedUntil }
  #pager;                // the list's pages (pager.js)
  #timeline = null;
  #load = null;          // { ctl, gen, cancelled, chart, list }
  #gen = 0;
  #live = null;          // { ctl, timer }
  #detailCtl = null;
  #scheduled = false;
  #dirtyFetch = true;    // attributes that change what is fetched changed since the last update
  #dirtyChart = false;   // group-by or bucket changed
  #dirtyLive = false;    // live or interval changed
  #zoomStack = [];
  #internal = false;     // attributes being set by the element itself (zoom)
  #detailReturn = null;
  #openHref = null;
  #progress = null;      // the progress line (ProgressLine)
  #partialArgs = null;   // the latest partial chart, until the next frame draws it

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

  /** The timeline drawn now (complete, as queryTimeline or eventTimeline gave it), or null. */
  get timeline() { return this.#timeline; }
  /** Whether requests for the current attributes are in flight (the list's next page aside). */
  get loading() { return this.#load !== null; }
  /** The events loaded into the list (views with a list), newest first: a page, then more as it scrolls. */
  get events() { return this.#pager.records.map((r) => r.ev); }
  /** How many events match the filters in the window drawn (what the PCE counted). */
  get total() { return this.#base?.total ?? 0; }

  /** Fetches the current window again. */
  refresh() {
    this.#base = null;
    this.#pager.reset();
    if (this.isConnected) this.#startLoad(this.#window(), { chart: true, list: this.view !== "chart" });
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
    else if (CHART_ATTRS.includes(name)) this.#dirtyChart = true;
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
    this.#pager.stop();
    this.#stopLive();
    this.#detailCtl?.abort();
    this.#detailCtl = null;
    this.#progress.hide();
    // Whatever was loaded may be stale when the element comes back.
    this.#dirtyFetch = true;
  }

  /**
   * Brings the drawing up to date with the attributes: a new window or filter fetches chart and
   * list, a new grouping or bucket size counts the same window again, showing the list fetches
   * its first page, live changes start or stop the watch, and the rest redraws.
   */
  #update() {
    setUtc(this.timeZone === "utc");
    this.#applyView();
    const fetch = this.#dirtyFetch || (!this.#base && !this.#load);
    const chart = this.#dirtyChart;
    const live = this.#dirtyLive;
    this.#dirtyFetch = this.#dirtyChart = this.#dirtyLive = false;
    const wantList = this.view !== "chart";
    if (fetch) {
      this.#startLoad(this.#window(), { chart: true, list: wantList });
      return;
    }
    // The same window again, as drawn (a relative one is not moved to now by a regrouping), or
    // the one in flight, whose parts are kept.
    const base = this.#base;
    const load = this.#load;
    const list = wantList && !this.#pager.page && !load?.list;
    if (chart || list) {
      const win = load?.win ?? { since: base.since, until: base.until, relative: base.relative };
      this.#startLoad(win, { chart: chart || Boolean(load?.chart), list: list || Boolean(load?.list) });
      return;
    }
    if (!base) return; // the first load in flight draws when it is done
    if (live) {
      this.#stopLive();
      // The watch starts where the loaded window ends, so nothing between is missed.
      if (this.live && base.relative && !this.#load) this.#startLive();
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
    return resolveConfig(this.#config, this.src, this.org, document.baseURI);
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

  /** The window the attributes ask for: { since, until, relative } in ms, or null when unreadable. */
  #window() { return windowOf(this.since, this.until, Date.now()); }

  // ------------------------------------------------------------ loading

  /**
   * Fetches a window: its chart (counted, with partial charts as counts arrive), the list's
   * first page, or both; whatever was in flight is cancelled. `pce-load` follows a chart.
   */
  async #startLoad(win, { chart, list }) {
    if (this.#load) this.#load.ctl.abort();
    this.#stopLive();
    this.#pager.stop();
    const ctl = new AbortController();
    const gen = ++this.#gen;
    const job = { ctl, gen, cancelled: false, chart, list, win };
    this.#load = job;
    let config;
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
    const query = { ...this.#filters(), since: new Date(win.since).toISOString(), until: new Date(win.until).toISOString() };
    const groupBy = GROUPS.includes(this.groupBy) ? this.groupBy : "severity";
    const started = performance.now();
    this.#progress.show(chart ? "Counting events…" : "Loading the newest events…", "", started);
    if (list) { this.#pager.reset(); this.#renderList(); }
    try {
      const [loaded] = await Promise.all([
        chart ? loadTimeline(ie, config, query, {
          groupBy, bucketMs: bucketOf(this.bucket), signal: ctl.signal,
          onPartial: (p) => this.#partial(p, win, groupBy, started, gen),
          onProgress: (p) => {
            if (gen !== this.#gen) return;
            if (p.phase === "loading") this.#progress.show(`Loading ${fmtCount(p.want)} events…`, "", started);
            else this.#progress.show(`Collecting ${fmtCount(p.want)} events`, phaseText(p), started, p);
          },
        }) : null,
        list ? this.#pager.first(ie, config, query, { signal: ctl.signal, stale: () => gen !== this.#gen }).then(() => this.#renderList()) : null,
      ]);
      if (gen !== this.#gen) return;
      this.#load = null;
      this.#progress.hide();
      if (loaded) {
        this.#base = {
          ...loaded, since: win.since, until: win.until, span: win.until - win.since, relative: win.relative,
          config, query, groupBy, countedUntil: win.until,
        };
        this.#timeline = loaded.timeline;
      }
      this.#render();
      if (loaded) {
        const { timeline, total, complete, source, requests } = loaded;
        this.dispatchEvent(new CustomEvent("pce-load", { detail: { timeline, total, complete, source, requests }, bubbles: true, composed: true }));
      }
      this.#syncSelected();
      if (this.live && this.#base?.relative) this.#startLive();
    } catch (err) {
      if (gen !== this.#gen) return; // superseded by newer attributes, or removed
      ctl.abort(); // the chart or the list may still be under way: neither is drawn now
      this.#load = null;
      this.#progress.hide();
      if (err?.kind === "aborted" && !job.cancelled) return;
      if (this.#base) this.#render();
      else this.#chart.fail(err?.kind === "aborted" ? "Loading cancelled." : "The events could not be loaded.");
      this.#dispatchError(err, "load");
    }
  }

  /**
   * A partial chart while counts arrive, its pending bars marked: counts come faster than
   * frames, so each frame draws the latest, and none once its load is over.
   */
  #partial(p, win, groupBy, started, gen) {
    const queued = this.#partialArgs;
    this.#partialArgs = [p, win, groupBy, started, gen];
    if (!queued) requestAnimationFrame(() => this.#drawPartial());
  }

  #drawPartial() {
    const [p, win, groupBy, started, gen] = this.#partialArgs;
    this.#partialArgs = null;
    if (this.#load?.gen !== gen || !this.#load.chart) return;
    this.#drawChart(p, { since: win.since, until: win.until, groupBy, complete: true }, p.pending);
    const bars = p.buckets.length;
    const detail = `${fmtCount(p.requestsDone)} of ${fmtCount(p.requestsPlanned)} requests · ${fmtCount(bars - p.pending.length)} of ${fmtCount(bars)} bars`;
    this.#progress.show("Counting events on the PCE…", detail, started, { phase: "counting" }, p.requestsDone / Math.max(1, p.requestsPlanned));
  }

  #dispatchError(err, during) {
    this.dispatchEvent(new PceErrorEvent(err, during));
  }

  // ------------------------------------------------------------ live

  async #startLive() {
    if (!ie?.watchEvents || !this.#base || this.#live) return;
    const ctl = new AbortController();
    const me = { ctl, timer: 0 };
    this.#live = me;
    const interval = intervalOf(this.interval);
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

  /**
   * Adds a live batch (oldest first) to the last bars and the top of the list, and moves the
   * window to now by whole bars. Only events after the counted window's end are added to the
   * chart (the ones before were counted already); the watch delivers each event once.
   */
  #slide(batch) {
    const base = this.#base;
    if (!base || !base.relative) return;
    const fresh = batch.map((ev) => ({ ev, t: Date.parse(ev.timestamp) })).filter((r) => !Number.isNaN(r.t));
    const until = Math.max(Date.now(), ...fresh.map((r) => r.t), base.until);
    const counted = fresh.filter((r) => r.t > base.countedUntil).map((r) => r.ev);
    let timeline;
    try {
      timeline = slideTimeline(ie, base.timeline, counted, { until, span: base.span, groupBy: base.groupBy });
    } catch (err) {
      this.#dispatchError(err, "timeline");
      return;
    }
    const since = Date.parse(timeline.start);
    const total = totalOf(timeline);
    this.#base = { ...base, timeline, since, until, total };
    this.#timeline = timeline;
    const added = this.#pager.addLive(fresh, since);
    this.#render({ added });
    this.dispatchEvent(new CustomEvent("pce-load", {
      detail: { timeline, total, complete: base.complete, source: base.source, requests: base.requests, live: true },
      bubbles: true, composed: true,
    }));
  }

  // ------------------------------------------------------------ drawing

  #render({ added = 0 } = {}) {
    if (this.#base) this.#drawChart(this.#base.timeline, this.#base);
    this.#renderList({ added });
  }

  /** The chart, its title, range and table; `w` is { since, until, groupBy, complete, total, relative }. */
  #drawChart(timeline, w, pending) {
    const { since, until, groupBy } = w;
    const live = Boolean(this.#live) && w.relative;
    this.#el.chartRange.textContent = live
      ? `${fmtDateTime(since)} → now · ${fmtDuration(until - since)} · live`
      : `${fmtDateTime(since)} → ${fmtDateTime(until)} ${zoneLabel()} · ${fmtDuration(until - since)}`;
    if (!w.complete) this.#el.chartRange.textContent += ` · by creator: the newest ${fmtCount(MAX_EVENTS)} of ${fmtCount(w.total)}`;
    this.#el.zoomOut.disabled = this.#zoomStack.length === 0 && !this.#window()?.relative;
    this.#chart.render(timeline, { since, until, groupBy }, { pending });
    this.#el.chartTitle.textContent = `Events per ${fmtDuration(timeline.bucketMs)}`;
    renderTable(this.#el, timeline, groupBy, { since, until });
  }

  #renderList({ added = 0 } = {}) {
    // The total counted is the list's only for the same window and filters.
    const same = JSON.stringify(this.#base?.query) === JSON.stringify(this.#pager.page?.query);
    if (this.view !== "chart") this.#pager.render(same && !this.#load?.chart ? this.#base.total : undefined, { added });
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
    const wider = widerWindow(this.#window(), Date.now());
    if (wider) this.#setWindow(...wider);
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

  /** A legend item chosen: the element narrows its own filter to it and says so with pce-filter. */
  #pick(groupBy, value) {
    const name = pickFilter(groupBy, value);
    if (name === null) return;
    this.setAttribute(name, value);
    this.dispatchEvent(new CustomEvent("pce-filter", { detail: { name, value }, bubbles: true, composed: true }));
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
    const rec = this.#pager.records.find((r) => r.ev.href === href);
    if (rec) { this.#openDetail(rec.ev, { focus: false }); return; }
    this.#detailCtl?.abort();
    const ctl = new AbortController();
    this.#detailCtl = ctl;
    try {
      const ev = await ie.getEvent((this.#pager.page ?? this.#base).config, href, { signal: ctl.signal });
      if (this.selected === href && !ctl.signal.aborted) this.#openDetail(ev, { focus: false });
    } catch (err) {
      if (err?.kind !== "aborted") this.#dispatchError(err, "select");
    }
  }

  // ------------------------------------------------------------ the shadow tree

  #build() {
    const el = buildShadow(this.#root);
    this.#progress = new ProgressLine(el);
    this.#el = el;

    this.#chart = new Chart({
      svg: el.svg, wrap: el.wrap, tooltip: el.tooltip, empty: el.empty, legend: el.legend,
      onZoom: (a, b) => this.#zoomTo(a, b),
      onZoomOut: () => this.#zoomOut(),
      onPick: (groupBy, value) => this.#pick(groupBy, value),
      canPick: (groupBy, value) => pickFilter(groupBy, value) !== null,
    });
    this.#list = new EventList({
      viewport: el.list, spacer: el.spacer, empty: el.listEmpty,
      onOpen: (rec) => this.#select(rec, { focus: true }),
    });
    this.#list.onMove = (rec) => { if (!el.detail.hidden) this.#select(rec, { focus: false }); };
    this.#pager = new Pager({ list: this.#list, el, onError: (err) => this.#dispatchError(err, "load"), busy: () => this.#load !== null });
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
