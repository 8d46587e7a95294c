// The event timeline demo: filters in the URL, a chart from eventTimeline(), a virtualised
// list, a detail panel, live mode with watchEvents(), and a banner for every kind of failure.
// The page holds no credentials: pce-sim adds them to /pce/api/... on the server side.

import {
  h, clear, setUtc, fmtDateTime, fmtDuration, fmtCount, toInputValue, fromInputValue,
  zoneLabel, creator, SEVERITIES,
} from "/pkg/element/dom.js";
import { Chart } from "/pkg/element/chart.js";
import { EventList } from "/pkg/element/list.js";
import { renderDetail } from "/pkg/element/detail.js";

const $ = (id) => document.getElementById(id);
import { describeError, errorDetails } from "./errors.js";

const PRESETS = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const PRESET_ORDER = ["1h", "24h", "7d", "30d"];
const SYNC_LIMIT = 10000;      // the PCE's largest max_results; above it, the asynchronous collection
const MAX_EVENTS = 200000;     // what the page keeps in memory at most
const EVERY = [2, 5, 10, 30];
const DEFAULTS = { range: "24h", from: NaN, to: NaN, type: "", severity: "", status: "", group: "severity", live: false, every: 5, utc: false };
const GROUPS = ["severity", "event_type", "status", "created_by"];
// Suggestions before any event has been seen; the types seen in the data are added.
const COMMON_TYPES = [
  "agent.activate", "agent.clone_detected", "agent.goodbye", "agent.suspend", "agent.tampering", "agent.update",
  "api_key.create", "api_key.delete", "api_key.update", "container_cluster.update", "ip_list.create", "ip_list.delete",
  "ip_list.update", "label.create", "label.delete", "label.update", "request.authentication_failed",
  "rule_set.create", "rule_set.update", "sec_policy.create", "sec_rule.create", "sec_rule.delete", "sec_rule.update",
  "service.create", "system_task.agent_offline_check", "system_task.expire_service_account_api_keys",
  "system_task.prune_old_log_events", "user.login", "user.logout", "user.sign_in", "user.sign_out",
  "workload.create", "workload.delete", "workload.update", "workloads.bulk_update",
];

let ie = null;            // the illumio-events module
let pce = null;           // { config, orgId, source }
let state = { ...DEFAULTS };
let base = null;          // the last query: { key, since, until, count, records (newest first), complete }
let view = null;          // { since, until } within base
let loading = null;       // { ctl, gen, cancelled }
let generation = 0;
let live = null;          // { ctl }
let zoomStack = [];
let openHref = null;
const knownTypes = new Set(COMMON_TYPES);

const el = {
  source: $("source"), live: $("live"), every: $("every"), tz: $("tz"), form: $("filters"),
  range: $("range"), from: $("from"), to: $("to"), type: $("type"), types: $("known-types"),
  severity: $("severity"), status: $("status"), group: $("group"), reset: $("reset"),
  banners: $("banners"), progress: $("progress"), progressTitle: $("progress-title"),
  progressDetail: $("progress-detail"), cancel: $("cancel"), stats: $("stats"),
  chartRange: $("chart-range"), chartTitle: $("chart-title"), zoomOut: $("zoom-out"),
  listCount: $("list-count"), detail: $("detail"), detailBody: $("detail-body"),
  detailTitle: $("detail-title"), detailKicker: $("detail-kicker"), detailClose: $("detail-close"),
};

const chart = new Chart({
  svg: $("chart"), wrap: $("chart-wrap"), tooltip: $("tooltip"), empty: $("chart-empty"), legend: $("legend"),
  onZoom: (a, b) => zoomTo(a, b),
  onZoomOut: () => zoomOut(),
  onPick: (groupBy, value) => pickGroup(groupBy, value),
});

const list = new EventList({
  viewport: $("list"), spacer: $("list-spacer"), empty: $("list-empty"),
  onOpen: (rec) => openDetail(rec.ev, { focus: true }),
});
list.onMove = (rec) => { if (!el.detail.hidden) openDetail(rec.ev, { focus: false }); };

// ---------------------------------------------------------------- URL state

function readUrl() {
  const p = new URLSearchParams(location.search);
  const st = { ...DEFAULTS };
  const range = p.get("range");
  if (range && (range in PRESETS || range === "custom")) st.range = range;
  st.from = Date.parse(p.get("from") ?? "");
  st.to = Date.parse(p.get("to") ?? "");
  if (st.range === "custom" && !(st.from < st.to)) st.range = DEFAULTS.range;
  st.type = (p.get("type") ?? "").trim();
  if (SEVERITIES.includes(p.get("severity"))) st.severity = p.get("severity");
  if (["success", "failure"].includes(p.get("status"))) st.status = p.get("status");
  if (GROUPS.includes(p.get("group"))) st.group = p.get("group");
  st.live = p.get("live") === "1" && st.range !== "custom";
  const every = Number(p.get("every"));
  if (EVERY.includes(every)) st.every = every;
  st.utc = p.get("tz") === "utc";
  openHref = p.get("event");
  return st;
}

function writeUrl({ push }) {
  const p = new URLSearchParams();
  if (state.range !== DEFAULTS.range) p.set("range", state.range);
  if (state.range === "custom") {
    p.set("from", new Date(state.from).toISOString());
    p.set("to", new Date(state.to).toISOString());
  }
  if (state.type) p.set("type", state.type);
  if (state.severity) p.set("severity", state.severity);
  if (state.status) p.set("status", state.status);
  if (state.group !== DEFAULTS.group) p.set("group", state.group);
  if (state.live) p.set("live", "1");
  if (state.every !== DEFAULTS.every) p.set("every", String(state.every));
  if (state.utc) p.set("tz", "utc");
  if (openHref) p.set("event", openHref);
  const qs = p.toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ""}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

function syncControls() {
  el.range.value = state.range;
  for (const f of document.querySelectorAll(".custom-range")) f.hidden = state.range !== "custom";
  const { since, until } = resolveRange();
  el.from.value = toInputValue(state.range === "custom" ? state.from : since);
  el.to.value = toInputValue(state.range === "custom" ? state.to : until);
  el.type.value = state.type;
  el.severity.value = state.severity;
  el.status.value = state.status;
  el.group.value = state.group;
  el.every.value = String(state.every);
  el.tz.setAttribute("aria-pressed", String(state.utc));
  el.live.setAttribute("aria-pressed", String(state.live));
  el.live.disabled = !ie?.watchEvents || state.range === "custom";
  el.live.title = !ie?.watchEvents
    ? "This build of illumio-events has no watchEvents"
    : state.range === "custom"
      ? "Live mode follows a preset range (last hour, 24 hours, 7 or 30 days)"
      : state.live ? "Stop following new events" : "Follow new events as they arrive";
  el.zoomOut.disabled = zoomStack.length === 0 && state.range === "30d";
  document.documentElement.dataset.tz = state.utc ? "utc" : "local";
}

// ---------------------------------------------------------------- ranges and filters

function resolveRange() {
  if (state.range === "custom") return { since: state.from, until: state.to };
  if (state.live && base && base.presetKey === rangeKey()) {
    return { since: base.until - PRESETS[state.range], until: base.until };
  }
  const until = Date.now();
  return { since: until - PRESETS[state.range], until };
}

function rangeKey() { return `${state.range}|${filterKey()}`; }
function filterKey() { return JSON.stringify([state.type, state.severity, state.status]); }

function filters() {
  const q = {};
  if (state.type) q.eventType = state.type;
  if (state.severity) q.severity = state.severity;
  if (state.status) q.status = state.status;
  return q;
}

/** Changes the view: new state, URL, controls, then data (from memory when it can). */
function setState(patch, { push = true, zoom = false } = {}) {
  const prev = state;
  state = { ...state, ...patch };
  if (state.range === "custom") state.live = false;
  if (!zoom && (patch.range !== undefined || patch.from !== undefined)) zoomStack = [];
  if (zoom) zoomStack.push({ range: prev.range, from: prev.from, to: prev.to });
  writeUrl({ push });
  syncControls();
  const liveChanged = prev.live !== state.live || (state.live && (prev.every !== state.every || filterKey() !== JSON.stringify([prev.type, prev.severity, prev.status]) || prev.range !== state.range));
  if (patch.live === false && Object.keys(patch).length === 1) { stopLive(); return; }
  if (patch.group !== undefined && Object.keys(patch).length === 1) { render(); return; }
  if (patch.utc !== undefined && Object.keys(patch).length === 1) { render(); return; }
  if (liveChanged) stopLive();
  refresh();
}

async function refresh({ force = false } = {}) {
  const { since, until } = resolveRange();
  if (!force && base && base.complete && base.key === filterKey() && since >= base.since && until <= base.until) {
    view = { since, until };
    render();
    if (state.live && !live) startLive();
    return;
  }
  await load(since, until);
}

// ---------------------------------------------------------------- loading

async function load(since, until) {
  loading?.ctl.abort();
  const ctl = new AbortController();
  const gen = ++generation;
  const job = { ctl, gen, cancelled: false };
  loading = job;
  stopLive();
  dismissBanner("load");
  const q = { ...filters(), since: new Date(since).toISOString(), until: new Date(until).toISOString() };
  const started = performance.now();
  showProgress("Counting events…", "", started);
  try {
    const count = await ie.countEvents(pce.config, { ...q, signal: ctl.signal });
    if (gen !== generation) return;
    const want = Math.min(count, MAX_EVENTS);
    let events = [];
    if (count > SYNC_LIMIT) {
      showProgress(`Collecting ${fmtCount(want)} events`, "asynchronous job · requested", started);
      events = await ie.queryEvents(pce.config, {
        ...q, maxResults: want, signal: ctl.signal,
        onProgress: (p) => { if (gen === generation) showProgress(`Collecting ${fmtCount(want)} events`, phaseText(p), started, p); },
      });
    } else if (count > 0) {
      showProgress(`Loading ${fmtCount(count)} events…`, "", started);
      events = await ie.queryEvents(pce.config, { ...q, maxResults: SYNC_LIMIT, signal: ctl.signal });
    }
    if (gen !== generation) return;
    base = {
      key: filterKey(), presetKey: rangeKey(), since, until, count,
      records: toRecords(events), complete: count <= MAX_EVENTS,
    };
    view = { since, until };
    for (const ev of events) if (typeof ev.event_type === "string") knownTypes.add(ev.event_type);
    updateTypeSuggestions();
    markConnected(true);
    if (!base.complete) {
      showBanner("cap", { level: "warn", title: `Showing the newest ${fmtCount(MAX_EVENTS)} of ${fmtCount(count)} events.`, advice: "The chart and the list cover those only. Narrow the time range or add a filter to see everything." });
    } else dismissBanner("cap");
    render();
    if (openHref && el.detail.hidden) openFromUrl();
  } catch (err) {
    if (gen !== generation) return; // superseded by a newer view
    if (err?.kind === "aborted" && !job.cancelled) return;
    if (err?.kind !== "aborted") markConnected(false, err);
    showError("load", err, () => refresh({ force: true }));
  } finally {
    if (gen === generation) { hideProgress(); loading = null; }
  }
  if (gen === generation && state.live && base) startLive();
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

function toRecords(events) {
  const recs = events.map((ev) => ({ ev, t: Date.parse(ev.timestamp) }));
  let sorted = true;
  for (let i = 1; i < recs.length && sorted; i++) if (!(recs[i - 1].t >= recs[i].t)) sorted = false;
  if (!sorted) recs.sort((a, b) => (Number.isNaN(a.t) ? 1 : Number.isNaN(b.t) ? -1 : b.t - a.t));
  return recs;
}

/** The records of the view: a slice of base, found by binary search (newest first). */
function viewRecords() {
  if (!base) return [];
  const r = base.records;
  const lo = lowerIndex(r, view.until);  // first with t <= until
  const hi = lowerIndex(r, view.since - 1); // first with t < since
  return r.slice(lo, hi);
}
function lowerIndex(r, t) {
  let a = 0; let b = r.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (r[m].t > t) a = m + 1; else b = m;
  }
  return a;
}

// ---------------------------------------------------------------- progress

let progressTimer = 0;
let progressState = null;
function showProgress(title, detail, started, p) {
  progressState = { title, detail, started, p };
  el.progress.hidden = false;
  el.progressTitle.textContent = title;
  tickProgress();
  if (!progressTimer) progressTimer = setInterval(tickProgress, 200);
}
function tickProgress() {
  if (!progressState) return;
  const secs = ((performance.now() - progressState.started) / 1000).toFixed(1);
  el.progressDetail.textContent = [progressState.detail, `${secs} s`].filter(Boolean).join(" · ");
  el.progress.dataset.phase = progressState.p?.phase ?? "";
}
function hideProgress() {
  el.progress.hidden = true;
  clearInterval(progressTimer);
  progressTimer = 0;
  progressState = null;
}
el.cancel.addEventListener("click", () => {
  if (!loading) return;
  loading.cancelled = true;
  loading.ctl.abort();
});

// ---------------------------------------------------------------- banners

function showBanner(scope, d, { details = [], retry, live: isLive } = {}) {
  dismissBanner(scope);
  const actions = h("div", { class: "banner-actions" });
  const banner = h("div", {
    class: `banner level-${d.level}`, role: d.level === "info" ? "status" : "alert",
    "data-scope": scope, "data-kind": d.kind ?? "",
  },
  h("span", { class: "banner-icon", "aria-hidden": "true" }, d.level === "error" ? "!" : d.level === "warn" ? "!" : "i"),
  h("div", { class: "banner-text" },
    h("p", { class: "banner-title" }, isLive ? `Live mode: ${d.title}` : d.title),
    h("p", { class: "banner-advice" }, d.advice),
    details.length
      ? h("details", {}, h("summary", {}, "Details"),
        h("dl", { class: "kv" }, details.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])))
      : null),
  actions);
  if (retry) {
    const btn = h("button", { type: "button", class: "btn", onclick: () => { dismissBanner(scope); retry(); } }, "Retry");
    actions.append(btn);
    if (d.retryAfter > 0) {
      let left = Math.ceil(d.retryAfter);
      btn.disabled = true;
      btn.textContent = `Retry in ${left} s`;
      const t = setInterval(() => {
        left -= 1;
        if (left <= 0 || !banner.isConnected) { clearInterval(t); btn.disabled = false; btn.textContent = "Retry"; }
        else btn.textContent = `Retry in ${left} s`;
      }, 1000);
    }
  }
  actions.append(h("button", { type: "button", class: "btn ghost", "aria-label": "Dismiss", onclick: () => dismissBanner(scope) }, "Dismiss"));
  el.banners.append(banner);
  return banner;
}

function dismissBanner(scope) {
  for (const b of el.banners.querySelectorAll(".banner")) if (b.dataset.scope === scope) b.remove();
}

function showError(scope, err, retry, opts = {}) {
  const d = describeError(err, { source: pce?.source, orgId: pce?.orgId });
  if (!(err?.name === "PceError")) console.error(err);
  showBanner(scope, d, { details: errorDetails(err), retry, ...opts });
}

function markConnected(ok, err) {
  el.source.classList.toggle("bad", !ok);
  el.source.title = ok ? "The last request to the PCE succeeded" : `The last request failed: ${err?.message ?? "error"}`;
}

// ---------------------------------------------------------------- rendering

function render() {
  if (!base || !view) return;
  const recs = viewRecords();
  list.setRecords(recs);
  el.listCount.textContent = `${fmtCount(recs.length)} event${recs.length === 1 ? "" : "s"}, newest first`;
  renderStats(recs);
  syncControls();
  el.chartRange.textContent = `${fmtDateTime(view.since)} → ${fmtDateTime(view.until)} ${zoneLabel()} · ${fmtDuration(view.until - view.since)}`;
  drawChart(recs, view.since, view.until);
}

/** The chart from eventTimeline(); if the package cannot compute it, the list stays usable. */
function drawChart(recs, since, until) {
  let timeline;
  try {
    timeline = ie.eventTimeline(recs.map((r) => r.ev), {
      start: new Date(since).toISOString(), end: new Date(until).toISOString(), groupBy: state.group,
    });
  } catch (err) {
    const pceErr = err?.name === "PceError";
    showBanner("timeline", {
      level: "warn", kind: "timeline",
      title: `The chart could not be drawn by ${state.group.replace("_", " ")}.`,
      advice: "eventTimeline() rejected these events; the list below is complete. Choose another “Chart by” grouping.",
    }, { details: pceErr ? errorDetails(err) : [["message", String(err?.message ?? err)]] });
    chart.fail(`No chart by ${state.group.replace("_", " ")} for these events.`);
    return false;
  }
  dismissBanner("timeline");
  chart.render(timeline, { since, until, groupBy: state.group });
  el.chartTitle.textContent = `Events per ${fmtDuration(timeline.bucketMs)}`;
  return true;
}

function renderStats(recs) {
  let failures = 0; let severe = 0;
  const actors = new Set(); const types = new Map();
  for (const { ev } of recs) {
    if (ev.status === "failure") failures++;
    if (ev.severity === "emerg" || ev.severity === "alert" || ev.severity === "crit" || ev.severity === "err") severe++;
    const [kind, name] = creator(ev);
    actors.add(`${kind}:${name}`);
    types.set(ev.event_type, (types.get(ev.event_type) ?? 0) + 1);
  }
  let top = null;
  for (const [t, n] of types) if (!top || n > top[1]) top = [t, n];
  const card = (label, value, cls, note) => h("div", { class: `stat ${cls ?? ""}` },
    h("p", { class: "stat-label" }, label), h("p", { class: "stat-value" }, value), note ? h("p", { class: "stat-note" }, note) : null);
  clear(el.stats).append(
    card("Events", fmtCount(recs.length), "", base.complete ? null : `of ${fmtCount(base.count)}`),
    card("Failures", fmtCount(failures), failures ? "stat-failure" : "", recs.length ? `${((failures / recs.length) * 100).toFixed(1)} %` : null),
    card("err or worse", fmtCount(severe), severe ? "stat-severe" : ""),
    card("Actors", fmtCount(actors.size), "", "users, agents, system"),
    card("Most frequent", top ? top[0] : "—", "stat-wide", top ? `${fmtCount(top[1])} events` : null),
  );
}

function updateTypeSuggestions() {
  const opts = [...knownTypes].sort().slice(0, 500).map((t) => h("option", { value: t }));
  clear(el.types).append(...opts);
}

// ---------------------------------------------------------------- zoom

function zoomTo(a, b) {
  if (!(b > a)) return;
  setState({ range: "custom", from: Math.floor(a), to: Math.ceil(b), live: false }, { zoom: true });
}

function zoomOut() {
  const prev = zoomStack.pop();
  if (prev) {
    state = { ...state, ...prev };
    writeUrl({ push: true });
    syncControls();
    refresh();
    return;
  }
  if (state.range !== "custom") {
    const next = PRESET_ORDER[PRESET_ORDER.indexOf(state.range) + 1];
    if (next) setState({ range: next });
    return;
  }
  const span = state.to - state.from;
  const to = Math.min(Date.now(), state.to + span / 2);
  setState({ range: "custom", from: Math.floor(to - 2 * span), to: Math.ceil(to) });
}

function pickGroup(groupBy, value) {
  if (groupBy === "severity") setState({ severity: SEVERITIES.includes(value) ? value : "" });
  else if (groupBy === "status") setState({ status: ["success", "failure"].includes(value) ? value : "" });
  else if (groupBy === "event_type") setState({ type: value });
}

// ---------------------------------------------------------------- live

async function startLive() {
  if (!ie.watchEvents || !base || live) return;
  const ctl = new AbortController();
  const me = { ctl };
  live = me;
  el.live.classList.add("running");
  const slide = setInterval(() => slideLive([]), Math.max(5000, state.every * 1000));
  try {
    const it = ie.watchEvents(pce.config, { ...filters(), since: new Date(base.until).toISOString() }, {
      intervalMs: state.every * 1000,
      signal: ctl.signal,
      onError: (err) => { if (live === me) showError("live", err, null, { live: true }); },
    });
    for await (const batch of it) {
      if (live !== me) break;
      dismissBanner("live");
      slideLive(batch);
    }
  } catch (err) {
    if (live === me && err?.kind !== "aborted") {
      showError("live", err, () => setState({ live: true }), { live: true });
      live = null;
      setState({ live: false }, { push: false });
    }
  } finally {
    clearInterval(slide);
    if (live === me) live = null;
    if (!live) el.live.classList.remove("running");
  }
}

function stopLive() {
  if (!live) return;
  live.ctl.abort();
  live = null;
  el.live.classList.remove("running");
}

/** Adds a live batch (oldest first) and moves the window to now. */
function slideLive(batch) {
  if (!base || !state.live || state.range === "custom") return;
  const fresh = [];
  const minT = Math.min(...batch.map((ev) => Date.parse(ev.timestamp)).filter((t) => !Number.isNaN(t)));
  const seen = new Set();
  for (const r of base.records) { if (r.t < minT) break; seen.add(r.ev.href); }
  for (const ev of batch) {
    if (seen.has(ev.href)) continue;
    seen.add(ev.href);
    fresh.push({ ev, t: Date.parse(ev.timestamp) });
    if (typeof ev.event_type === "string" && !knownTypes.has(ev.event_type)) { knownTypes.add(ev.event_type); updateTypeSuggestions(); }
  }
  fresh.sort((a, b) => b.t - a.t);
  let records = base.records;
  if (fresh.length) {
    records = records.length && fresh.at(-1).t < records[0].t ? toRecords([...fresh, ...records].map((r) => r.ev)) : [...fresh, ...records];
  }
  const newest = Math.max(Date.now(), fresh[0]?.t ?? 0, base.until);
  const since = newest - PRESETS[state.range];
  let cut = records.length;
  while (cut > 0 && records[cut - 1].t < since) cut--;
  records.length = cut;
  base = { ...base, records, since, until: newest, count: records.length };
  view = { since, until: newest };
  const recs = viewRecords();
  drawChart(recs, since, newest);
  el.chartRange.textContent = `${fmtDateTime(since)} → now · ${fmtDuration(newest - since)} · live`;
  const added = fresh.filter((r) => r.t >= since).length;
  list.setRecords(recs, { added });
  el.listCount.textContent = `${fmtCount(recs.length)} event${recs.length === 1 ? "" : "s"}, newest first`;
  renderStats(recs);
}

// ---------------------------------------------------------------- detail panel

let detailReturn = null;
function openDetail(ev, { focus }) {
  if (el.detail.hidden) detailReturn = document.activeElement;
  renderDetail(ev, {
    kicker: el.detailKicker, title: el.detailTitle, body: el.detailBody,
    onCopy: (raw) => navigator.clipboard?.writeText(raw).catch(() => {}),
  });
  el.detail.hidden = false;
  document.body.classList.add("detail-open");
  el.detail.dataset.href = ev.href;
  openHref = ev.href;
  writeUrl({ push: false });
  if (focus) el.detailClose.focus();
}

function closeDetail() {
  if (el.detail.hidden) return;
  el.detail.hidden = true;
  document.body.classList.remove("detail-open");
  openHref = null;
  writeUrl({ push: false });
  const back = detailReturn && detailReturn.isConnected ? detailReturn : $("list");
  back.focus();
}

async function openFromUrl() {
  const href = openHref;
  const rec = base?.records.find((r) => r.ev.href === href);
  if (rec) { openDetail(rec.ev, { focus: false }); return; }
  try {
    const ev = await ie.getEvent(pce.config, href);
    if (openHref === href) openDetail(ev, { focus: false });
  } catch (err) {
    openHref = null;
    writeUrl({ push: false });
    showError("detail", err, null);
  }
}

el.detailClose.addEventListener("click", closeDetail);

// ---------------------------------------------------------------- controls

el.form.addEventListener("submit", (e) => {
  e.preventDefault();
  applyForm();
});
for (const c of [el.severity, el.status]) c.addEventListener("change", () => applyForm());
el.type.addEventListener("change", () => applyForm());
el.group.addEventListener("change", () => setState({ group: el.group.value }));
el.range.addEventListener("change", () => {
  if (el.range.value === "custom") {
    const { since, until } = view ?? resolveRange();
    setState({ range: "custom", from: since, to: until });
    el.from.focus();
  } else setState({ range: el.range.value });
});
for (const c of [el.from, el.to]) c.addEventListener("change", () => applyForm());
el.reset.addEventListener("click", () => setState({ ...DEFAULTS, live: state.live && DEFAULTS.range !== "custom", every: state.every, utc: state.utc }));
el.live.addEventListener("click", () => setState({ live: !state.live }));
el.every.addEventListener("change", () => setState({ every: Number(el.every.value) }, { push: false }));
el.tz.addEventListener("click", () => { setUtc(!state.utc); setState({ utc: !state.utc }, { push: false }); });
el.zoomOut.addEventListener("click", () => zoomOut());

function applyForm() {
  const patch = { type: el.type.value.trim(), severity: el.severity.value, status: el.status.value };
  if (el.range.value === "custom") {
    const from = fromInputValue(el.from.value);
    const to = fromInputValue(el.to.value);
    el.to.setCustomValidity(from < to ? "" : "The end must come after the start.");
    if (!(from < to)) { el.to.reportValidity(); return; }
    patch.range = "custom";
    patch.from = from;
    patch.to = to;
    if (from === state.from && to === state.to) { delete patch.from; delete patch.range; }
  }
  setState(patch);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !el.detail.hidden) { e.preventDefault(); closeDetail(); return; }
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) { e.preventDefault(); el.type.focus(); el.type.select(); }
});

window.addEventListener("popstate", () => {
  const next = readUrl();
  const wasLive = state.live;
  state = next;
  setUtc(state.utc);
  zoomStack = [];
  syncControls();
  if (wasLive !== state.live) stopLive();
  if (!openHref) closeDetailQuiet();
  refresh();
});

function closeDetailQuiet() {
  el.detail.hidden = true;
  document.body.classList.remove("detail-open");
}

// ---------------------------------------------------------------- start

async function start() {
  state = readUrl();
  setUtc(state.utc);
  updateTypeSuggestions();
  syncControls();
  try {
    ie = await import("/pkg/web/index.js");
  } catch (err) {
    console.error(err);
    showBanner("config", { level: "error", kind: "package", title: "The illumio-events package did not load.", advice: "Build it with make pkg, and check that pce-sim serves it (--pkg pkg)." });
    el.source.textContent = "Package missing";
    return;
  }
  const missing = ["queryEvents", "countEvents", "getEvent", "eventTimeline"].filter((f) => typeof ie[f] !== "function");
  if (missing.length) {
    showBanner("config", { level: "error", kind: "package", title: `This build of illumio-events lacks ${missing.join(", ")}.`, advice: "Rebuild the package (make pkg) and reload." });
    return;
  }
  try {
    const res = await fetch("/pce-config.json", { headers: { accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error(`GET /pce-config.json answered ${res.status}`);
    const cfg = await res.json();
    if (!Number.isInteger(cfg.orgId) || cfg.orgId <= 0) throw new Error("pce-config.json has no valid orgId");
    const source = typeof cfg.source === "string" ? cfg.source : "simulator";
    pce = { orgId: cfg.orgId, source, config: { url: `${location.origin}/pce`, orgId: cfg.orgId } };
  } catch (err) {
    console.error(err);
    showBanner("config", { level: "error", kind: "config", title: "pce-sim did not tell the page which PCE to show.", advice: "GET /pce-config.json failed. Check that the page is served by pce-sim (make demo) and reload." }, { details: [["message", String(err?.message ?? err)]], retry: () => location.reload() });
    el.source.textContent = "Not connected";
    el.source.classList.add("bad");
    return;
  }
  clear(el.source).append(
    h("span", { class: "dot", "aria-hidden": "true" }),
    pce.source === "simulator" ? "Simulated PCE" : pce.source,
    h("span", { class: "muted" }, ` · org ${pce.orgId}`));
  syncControls();
  await refresh({ force: true });
}

start();
