// The shadow tree of <pce-event-timeline>: progress, chart card (with its table), list card and
// detail panel, built from text nodes and plain attributes only. The element wires them up.

import { h, s, clear, fmtDateTime, fmtDuration, fmtCount, zoneLabel } from "./dom.js";
import { seriesOf } from "./chart.js";

/** Builds the tree into a shadow root and returns its named parts. */
export function buildShadow(root) {
  const el = {};
  el.progressTitle = h("strong", { id: "progress-title" }, "Loading…");
  el.progressDetail = h("span", { id: "progress-detail" });
  el.cancel = h("button", { type: "button", class: "btn", id: "cancel", part: "button" }, "Cancel");
  el.progressMeter = h("progress", { id: "progress-meter", class: "progress-meter", max: "1", "aria-labelledby": "progress-title", hidden: true });
  el.progress = h("div", { id: "progress", class: "progress", part: "progress", role: "status", "aria-live": "polite", hidden: true },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    h("div", { class: "progress-text" }, el.progressTitle, el.progressDetail),
    el.progressMeter,
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

  root.append(h("div", { class: "frame", part: "frame" }, el.progress, chartCard, el.listCard), el.detail);
  return el;
}

/** The chart's text alternative: every non-empty bucket with its counts per group. */
export function renderTable(el, timeline, groupBy, view) {
  const table = clear(el.table);
  if (!timeline) { el.tableSummary.textContent = "The chart as a table"; return; }
  const series = seriesOf(timeline, groupBy);
  const rows = timeline.buckets.map((b, i) => [b, i]).filter(([b]) => b.total > 0);
  el.tableSummary.textContent =
    `The chart as a table: ${fmtCount(rows.length)} non-empty bar${rows.length === 1 ? "" : "s"} of ${fmtDuration(timeline.bucketMs)}`;
  table.append(
    h("caption", { class: "muted" }, `Events per ${fmtDuration(timeline.bucketMs)} from ${fmtDateTime(view.since)} to ${fmtDateTime(view.until)} ${zoneLabel()}; bars with no event are left out.`),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Bar start"), h("th", { scope: "col" }, "Events"),
      series.map((se) => h("th", { scope: "col" }, se.label)))),
    h("tbody", {}, rows.map(([b, i]) => h("tr", { "data-start": b.start, "data-total": String(b.total) },
      h("th", { scope: "row" }, fmtDateTime(Date.parse(b.start))),
      h("td", {}, fmtCount(b.total)),
      series.map((se) => h("td", {}, fmtCount(se.values[i])))))));
}

/** The progress line over the chart: what is being fetched, and for how long. */
export class ProgressLine {
  constructor(el) {
    this.el = el;
    this.state = null;
    this.timer = 0;
  }

  /**
   * Shows a title and a detail; `p` names the phase (an asynchronous collection's, or
   * "counting"); `fraction`, when known, fills the meter.
   */
  show(title, detail, started, p, fraction) {
    this.state = { title, detail, started, p };
    this.el.progress.hidden = false;
    this.el.progressTitle.textContent = title;
    this.el.progressMeter.hidden = fraction === undefined;
    if (fraction !== undefined) this.el.progressMeter.value = Math.min(1, Math.max(0, fraction));
    this.tick();
    if (!this.timer) this.timer = setInterval(() => this.tick(), 200);
  }

  tick() {
    if (!this.state) return;
    const secs = ((performance.now() - this.state.started) / 1000).toFixed(1);
    this.el.progressDetail.textContent = [this.state.detail, `${secs} s`].filter(Boolean).join(" · ");
    this.el.progress.dataset.phase = this.state.p?.phase ?? "";
  }

  /** Hides the line and stops its clock. */
  hide() {
    this.el.progress.hidden = true;
    clearInterval(this.timer);
    this.timer = 0;
    this.state = null;
  }
}

/** A `pce-error` event: the PceError as detail, and `during` telling what was being done. */
export class PceErrorEvent extends CustomEvent {
  constructor(error, during) {
    super("pce-error", { detail: error, bubbles: true, composed: true });
    this.during = during;
  }
}
