// The event timeline demo: a filter bar and summary cards around <pce-event-timeline>, which draws
// the chart (counted on the PCE), the list (the newest events, more as it scrolls) and the
// detail panel, and does the fetching. The filters live in the URL;
// every failure the element reports becomes a banner that says what to do. The page holds no
// credentials: pce-sim adds them to /pce/api/... on the server side.

// boot.js has loaded the element already, and shown a banner if it could not.
import "/pkg/element.js";
import { h, clear, setUtc, fmtCount, toInputValue, fromInputValue, creator, SEVERITIES } from "/pkg/element/dom.js";
import { describeError, errorDetails } from "./errors.js";

const PRESETS = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const EVERY = [2, 5, 10, 30];
const DEFAULTS = {
  range: "24h", from: NaN, to: NaN, types: [], actor: "", pce: "", severity: "", status: "",
  group: "severity", live: false, every: 5, utc: false,
};
const GROUPS = ["severity", "event_type", "status", "created_by"];
const MAX_TYPES = 20; // what the package accepts in one query
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

const $ = (id) => document.getElementById(id);

let pce = null;           // { orgId, source }
let state = { ...DEFAULTS };
let openHref = null;      // the event in the detail panel, kept in the URL
let timeline = null;      // the element, once the PCE's org is known
let loaded = false;       // a view has been drawn since the last change of filters
const knownTypes = new Set(COMMON_TYPES);
const knownActors = new Map(); // href -> "kind: name"
const knownPces = new Set();

const el = {
  source: $("source"), live: $("live"), every: $("every"), tz: $("tz"), form: $("filters"),
  range: $("range"), from: $("from"), to: $("to"), type: $("type"), types: $("known-types"),
  typeMenu: $("type-menu"), typeList: $("type-list"), actor: $("actor"), actors: $("known-actors"),
  pce: $("pce"), pceField: $("pce-field"),
  severity: $("severity"), status: $("status"), group: $("group"), reset: $("reset"),
  banners: $("banners"), stats: $("stats"), main: $("main"),
};

// ---------------------------------------------------------------- URL state

/** Event types typed or chosen: trimmed, without repeats, at most MAX_TYPES. */
function parseTypes(text) {
  return [...new Set(String(text ?? "").split(",").map((t) => t.trim()).filter(Boolean))].slice(0, MAX_TYPES);
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  const st = { ...DEFAULTS };
  const range = p.get("range");
  if (range && (range in PRESETS || range === "custom")) st.range = range;
  st.from = Date.parse(p.get("from") ?? "");
  st.to = Date.parse(p.get("to") ?? "");
  if (st.range === "custom" && !(st.from < st.to)) st.range = DEFAULTS.range;
  st.types = parseTypes(p.get("type"));
  st.actor = (p.get("actor") ?? "").trim();
  st.pce = (p.get("pce") ?? "").trim();
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
  if (state.types.length) p.set("type", state.types.join(","));
  if (state.actor) p.set("actor", state.actor);
  if (state.pce) p.set("pce", state.pce);
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

/** The window drawn now, else the one the state asks for. */
function shownRange() {
  const t = timeline?.timeline;
  if (t) return { since: Date.parse(t.start), until: Date.parse(t.end) };
  if (state.range === "custom") return { since: state.from, until: state.to };
  const until = Date.now();
  return { since: until - PRESETS[state.range], until };
}

function syncControls() {
  el.range.value = state.range;
  for (const f of document.querySelectorAll(".custom-range")) f.hidden = state.range !== "custom";
  const { since, until } = shownRange();
  el.from.value = toInputValue(state.range === "custom" ? state.from : since);
  el.to.value = toInputValue(state.range === "custom" ? state.to : until);
  if (parseTypes(el.type.value).join(",") !== state.types.join(",")) el.type.value = state.types.join(", ");
  for (const box of el.typeList.querySelectorAll("input")) box.checked = state.types.includes(box.value);
  el.typeMenu.querySelector("summary").textContent = state.types.length > 1 ? `${state.types.length} ▾` : "▾";
  el.actor.value = state.actor;
  syncPceOptions();
  el.severity.value = state.severity;
  el.status.value = state.status;
  el.group.value = state.group;
  el.every.value = String(state.every);
  el.tz.setAttribute("aria-pressed", String(state.utc));
  el.live.setAttribute("aria-pressed", String(state.live));
  el.live.classList.toggle("running", state.live && loaded);
  el.live.disabled = !timeline || state.range === "custom";
  el.live.title = state.range === "custom"
    ? "Live mode follows a preset range (last hour, 24 hours, 7 or 30 days)"
    : state.live ? "Stop following new events" : "Follow new events as they arrive";
}

/** Hands the state to the element as attributes; it decides whether that needs requests. */
function applyToElement() {
  if (!timeline) return;
  const t = timeline;
  if (state.range === "custom") {
    t.since = new Date(state.from).toISOString();
    t.until = new Date(state.to).toISOString();
  } else {
    t.since = state.range;
    t.until = "";
  }
  t.eventType = state.types.join(",");
  t.createdBy = state.actor;
  t.pceFqdn = state.pce;
  t.severity = state.severity;
  t.status = state.status;
  t.groupBy = state.group;
  t.live = state.live;
  t.interval = `${state.every}s`;
  t.timeZone = state.utc ? "utc" : "local";
  t.selected = openHref ?? "";
}

/** Changes the view: new state, URL, controls, then the element. */
function setState(patch, { push = true } = {}) {
  const prev = state;
  state = { ...state, ...patch };
  if (state.range === "custom") state.live = false;
  const fetches = ["range", "from", "to", "types", "actor", "pce", "severity", "status"]
    .some((k) => JSON.stringify(prev[k]) !== JSON.stringify(state[k]));
  if (fetches) loaded = false;
  setUtc(state.utc);
  writeUrl({ push });
  syncControls();
  applyToElement();
}

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

// ---------------------------------------------------------------- the element's events

function onLoad(e) {
  loaded = true;
  const events = timeline.events;
  dismissBanner("load");
  dismissBanner("timeline");
  if (e.detail.live) dismissBanner("live");
  markConnected(true);
  // Only a chart by creator is drawn from downloaded events, and only it can be capped.
  if (!e.detail.complete) {
    showBanner("cap", { level: "warn", title: `The chart by creator shows the newest ${fmtCount(e.detail.timeline.buckets.reduce((a, b) => a + b.total, 0))} of ${fmtCount(e.detail.total)} events.`, advice: "The PCE cannot count events by creator, so this chart is drawn from downloaded events. Choose another “Chart by” grouping to count all of them, or narrow the time range. The list covers every event." });
  } else dismissBanner("cap");
  learn(events);
  renderStats(e.detail, events);
  syncControls();
}

function onError(e) {
  const err = e.detail;
  switch (e.during) {
    case "live":
      showError("live", err, () => setState({ live: true }), { live: true });
      break;
    case "select":
      openHref = null;
      writeUrl({ push: false });
      showError("detail", err, null);
      break;
    case "timeline":
      showBanner("timeline", {
        level: "warn", kind: "timeline",
        title: `The chart could not add the new events by ${state.group.replace("_", " ")}.`,
        advice: "eventTimeline() rejected them; the list below has them. Choose another “Chart by” grouping.",
      }, { details: errorDetails(err) });
      break;
    default:
      if (err?.kind !== "aborted") markConnected(false, err);
      showError("load", err, () => timeline.refresh());
  }
}

function onRange(e) {
  const { since, until, start, end } = e.detail;
  if (!until && since in PRESETS) setState({ range: since });
  else setState({ range: "custom", from: Date.parse(start), to: Date.parse(end) });
}

/** A legend item narrowed the element's filter: the filter bar and the URL follow. */
function onFilter(e) {
  const { name, value } = e.detail;
  if (name === "severity") setState({ severity: value });
  else if (name === "status") setState({ status: value });
  else if (name === "event-type") setState({ types: parseTypes(value) });
}

function onSelect(e) {
  openHref = e.detail.href;
  document.body.classList.toggle("detail-open", Boolean(openHref));
  writeUrl({ push: false });
}

// ---------------------------------------------------------------- summary and suggestions

/** Remembers the types, actors and PCEs seen, for the filters' suggestions. */
function learn(events) {
  let types = false; let actors = false;
  for (const ev of events) {
    if (typeof ev.event_type === "string" && !knownTypes.has(ev.event_type)) { knownTypes.add(ev.event_type); types = true; }
    const [kind, name] = creator(ev);
    const href = ev.created_by?.[kind]?.href;
    if (typeof href === "string" && href && !knownActors.has(href)) { knownActors.set(href, `${kind}: ${name}`); actors = true; }
    if (typeof ev.pce_fqdn === "string" && ev.pce_fqdn) knownPces.add(ev.pce_fqdn);
  }
  if (types) updateTypeSuggestions();
  if (actors) {
    const opts = [...knownActors].sort((a, b) => a[1].localeCompare(b[1])).slice(0, 500)
      .map(([href, label]) => h("option", { value: href, label }, label));
    clear(el.actors).append(...opts);
  }
}

function syncPceOptions() {
  const all = new Set(knownPces);
  if (state.pce) all.add(state.pce);
  // A choice only when the events come from more than one PCE (a Supercluster), or one was chosen.
  el.pceField.hidden = all.size < 2 && !state.pce;
  const wanted = ["", ...[...all].sort()];
  const have = [...el.pce.options].map((o) => o.value);
  if (wanted.join("\n") !== have.join("\n")) {
    clear(el.pce).append(...wanted.map((v) => h("option", { value: v }, v || "any")));
  }
  el.pce.value = state.pce;
}

function updateTypeSuggestions() {
  const sorted = [...knownTypes].sort().slice(0, 500);
  clear(el.types).append(...sorted.map((t) => h("option", { value: t })));
  clear(el.typeList).append(h("legend", { class: "sr-only" }, "Event types to show"),
    ...sorted.map((t) => h("label", { class: "multi-item" },
      h("input", { type: "checkbox", value: t, checked: state.types.includes(t) }), h("span", {}, t))));
}

/** Sums a timeline's counts of some groups over every bar. */
function countOf(t, groups) {
  return t.buckets.reduce((a, b) => a + groups.reduce((x, g) => x + (b.counts[g] ?? 0), 0), 0);
}

/**
 * The summary cards: exact from the chart's counts where its grouping gives them, otherwise
 * from the events the list has loaded (the newest), and then they say so.
 */
function renderStats(detail, events) {
  const t = detail.timeline;
  const total = detail.total;
  const sample = events.length < total ? `in the newest ${fmtCount(events.length)}` : null;
  let failures = 0; let severe = 0;
  const actors = new Set(); const types = new Map();
  for (const ev of events) {
    if (ev.status === "failure") failures++;
    if (ev.severity === "emerg" || ev.severity === "alert" || ev.severity === "crit" || ev.severity === "err") severe++;
    const [kind, name] = creator(ev);
    actors.add(`${kind}:${name}`);
    types.set(ev.event_type, (types.get(ev.event_type) ?? 0) + 1);
  }
  let failNote = sample; let severeNote = sample; let topNote = sample;
  let base = events.length;
  if (state.group === "status") { failures = countOf(t, ["failure"]); base = total; failNote = null; }
  if (state.group === "severity") { severe = countOf(t, ["emerg", "alert", "crit", "err"]); severeNote = null; }
  if (state.group === "event_type") {
    types.clear();
    for (const g of t.groups) if (g !== "other") types.set(g, countOf(t, [g]));
    topNote = null;
  }
  let top = null;
  for (const [ty, n] of types) if (!top || n > top[1]) top = [ty, n];
  const card = (label, value, cls, note) => h("div", { class: `stat ${cls ?? ""}` },
    h("p", { class: "stat-label" }, label), h("p", { class: "stat-value" }, value), note ? h("p", { class: "stat-note" }, note) : null);
  const pct = base ? `${((failures / base) * 100).toFixed(1)} %` : null;
  clear(el.stats).append(
    card("Events", fmtCount(total), ""),
    card("Failures", fmtCount(failures), failures ? "stat-failure" : "", [pct, failNote].filter(Boolean).join(" ") || null),
    card("err or worse", fmtCount(severe), severe ? "stat-severe" : "", severeNote),
    card("Actors", fmtCount(actors.size), "", sample ?? "users, agents, system"),
    card("Most frequent", top ? top[0] : "—", "stat-wide", top ? `${fmtCount(top[1])} events${topNote ? ` ${topNote}` : ""}` : null),
  );
}

// ---------------------------------------------------------------- controls

el.form.addEventListener("submit", (e) => {
  e.preventDefault();
  applyForm();
});
for (const c of [el.severity, el.status, el.pce]) c.addEventListener("change", () => applyForm());
for (const c of [el.type, el.actor]) c.addEventListener("change", () => applyForm());
el.typeList.addEventListener("change", () => {
  const checked = new Set([...el.typeList.querySelectorAll("input:checked")].map((b) => b.value));
  const listed = new Set([...el.typeList.querySelectorAll("input")].map((b) => b.value));
  // In the order chosen; types typed by hand that the list does not offer stay chosen.
  const kept = state.types.filter((t) => checked.has(t) || !listed.has(t));
  const added = [...checked].filter((t) => !kept.includes(t));
  setState({ types: parseTypes([...kept, ...added].join(",")) });
});
el.group.addEventListener("change", () => setState({ group: el.group.value }));
el.range.addEventListener("change", () => {
  if (el.range.value === "custom") {
    const { since, until } = shownRange();
    setState({ range: "custom", from: since, to: until });
    el.from.focus();
  } else setState({ range: el.range.value });
});
for (const c of [el.from, el.to]) c.addEventListener("change", () => applyForm());
el.reset.addEventListener("click", () => setState({ ...DEFAULTS, live: state.live && DEFAULTS.range !== "custom", every: state.every, utc: state.utc }));
el.live.addEventListener("click", () => setState({ live: !state.live }));
el.every.addEventListener("change", () => setState({ every: Number(el.every.value) }, { push: false }));
el.tz.addEventListener("click", () => setState({ utc: !state.utc }, { push: false }));

function applyForm() {
  const patch = {
    types: parseTypes(el.type.value), actor: el.actor.value.trim(), pce: el.pce.value,
    severity: el.severity.value, status: el.status.value,
  };
  if (el.range.value === "custom") {
    const from = fromInputValue(el.from.value);
    const to = fromInputValue(el.to.value);
    el.to.setCustomValidity(from < to ? "" : "The end must come after the start.");
    if (!(from < to)) { el.to.reportValidity(); return; }
    if (from !== state.from || to !== state.to) Object.assign(patch, { range: "custom", from, to });
  }
  setState(patch);
}

// The type list closes like a menu: a click elsewhere or Escape.
document.addEventListener("click", (e) => {
  if (el.typeMenu.open && !el.typeMenu.contains(e.target)) el.typeMenu.open = false;
});
el.typeMenu.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && el.typeMenu.open) {
    el.typeMenu.open = false;
    el.typeMenu.querySelector("summary").focus();
  }
});

document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
  // Inside the element (whose events arrive retargeted to it) there is nothing to type into.
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    el.type.focus();
    el.type.select();
  }
});

window.addEventListener("popstate", () => {
  state = readUrl();
  loaded = false;
  setUtc(state.utc);
  document.body.classList.toggle("detail-open", Boolean(openHref));
  syncControls();
  applyToElement();
});

// ---------------------------------------------------------------- start

async function start() {
  state = readUrl();
  setUtc(state.utc);
  updateTypeSuggestions();
  syncControls();
  try {
    const res = await fetch("/pce-config.json", { headers: { accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error(`GET /pce-config.json answered ${res.status}`);
    const cfg = await res.json();
    if (!Number.isInteger(cfg.orgId) || cfg.orgId <= 0) throw new Error("pce-config.json has no valid orgId");
    pce = { orgId: cfg.orgId, source: typeof cfg.source === "string" ? cfg.source : "simulator" };
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
  const t = document.createElement("pce-event-timeline");
  t.id = "timeline";
  t.src = "/pce";
  t.org = String(pce.orgId);
  t.view = "full";
  t.addEventListener("pce-load", onLoad);
  t.addEventListener("pce-error", onError);
  t.addEventListener("pce-range", onRange);
  t.addEventListener("pce-select", onSelect);
  t.addEventListener("pce-filter", onFilter);
  timeline = t;
  applyToElement();
  document.body.classList.toggle("detail-open", Boolean(openHref));
  el.main.append(t);
  syncControls();
}

start();
