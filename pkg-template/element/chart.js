// The timeline chart of <pce-event-timeline>: stacked SVG bars from a queryTimeline() or
// eventTimeline() result, with a hover/keyboard tooltip, drag-to-zoom and click-to-zoom.
// A partial timeline (counts still arriving) marks its pending bars.

import { h, s, clear, fmtTick, fmtDateTime, fmtDuration, fmtCount, isUtc, SEVERITIES } from "./dom.js";
import { totalOf } from "./data.js";

const MARGIN = { top: 10, right: 12, bottom: 26, left: 48 };
const MAX_SERIES = 8; // categorical colours; the rest are summed as "other"
const TICK_STEPS = [
  60e3, 5 * 60e3, 10 * 60e3, 15 * 60e3, 30 * 60e3, 3600e3, 2 * 3600e3, 3 * 3600e3,
  6 * 3600e3, 12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3, 14 * 86400e3,
];

/** The series to stack, bottom first, each with a CSS class chosen from a fixed set. */
export function seriesOf(timeline, groupBy) {
  const totals = new Map(timeline.groups.map((g) => [g, 0]));
  for (const b of timeline.buckets) {
    for (const [g, n] of Object.entries(b.counts)) totals.set(g, (totals.get(g) ?? 0) + n);
  }
  const make = (keys, cls, label) => ({
    keys, cls, label,
    total: keys.reduce((a, k) => a + (totals.get(k) ?? 0), 0),
    values: timeline.buckets.map((b) => keys.reduce((a, k) => a + (b.counts[k] ?? 0), 0)),
  });
  // A counted timeline names every group it asked for; the legend shows those that occur.
  const groups = [...totals.keys()].filter((g) => totals.get(g) > 0);
  if (groupBy === "severity") {
    const known = SEVERITIES.filter((sv) => totals.get(sv) > 0).map((sv) => make([sv], `sev-${sv}`, sv));
    const unknown = groups.filter((g) => !SEVERITIES.includes(g));
    return unknown.length ? [...known, make(unknown, "sev-unknown", unknown.length === 1 ? unknown[0] : "other")] : known;
  }
  if (groupBy === "status") {
    const order = ["failure", "success"];
    const known = order.filter((g) => totals.get(g) > 0).map((g) => make([g], `st-${g}`, g));
    const rest = groups.filter((g) => !order.includes(g));
    return [...known, ...rest.map((g) => make([g], "st-other", g))].slice(0, MAX_SERIES + 2);
  }
  // queryTimeline's "other" (the types it did not count apart) goes on top, with the types left over here.
  const other = groupBy === "event_type" && totals.get("other") > 0;
  const sorted = groups.filter((g) => !(other && g === "other")).sort((a, b) => totals.get(b) - totals.get(a) || a.localeCompare(b));
  const top = sorted.length + (other ? 1 : 0) > MAX_SERIES ? sorted.slice(0, MAX_SERIES - 1) : sorted;
  const out = top.map((g, i) => make([g], `cat-${i}`, g));
  const rest = [...sorted.slice(top.length), ...(other ? ["other"] : [])];
  if (rest.length) out.push(make(rest, "cat-other", other ? "other types" : `${rest.length} other types`));
  return out;
}

function niceStep(max, ticks) {
  const raw = Math.max(1, max / ticks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return Math.max(1, Math.ceil(m * p));
  return Math.ceil(10 * p);
}

/** The stacked bar chart, its legend and tooltip, drawn into elements the caller owns. */
export class Chart {
  constructor({ svg, wrap, tooltip, empty, legend, onZoom, onZoomOut, onPick, canPick }) {
    Object.assign(this, { svg, wrap, tooltip, empty, legend, onZoom, onZoomOut, onPick, canPick });
    this.data = null;
    this.active = -1;
    this.drag = null;
    svg.addEventListener("pointerdown", (e) => this.pointerDown(e));
    svg.addEventListener("pointermove", (e) => this.pointerMove(e));
    svg.addEventListener("pointerup", (e) => this.pointerUp(e));
    svg.addEventListener("pointercancel", () => this.endDrag());
    svg.addEventListener("pointerleave", () => { if (!this.drag) this.hideTip(); });
    svg.addEventListener("keydown", (e) => this.key(e));
    svg.addEventListener("blur", () => this.hideTip());
    svg.addEventListener("focus", () => {
      if (!this.data) return;
      if (this.active < 0) this.active = this.lastNonEmpty();
      this.showTip(this.active);
    });
    new ResizeObserver(() => { if (this.data) this.draw(); }).observe(wrap);
  }

  /** Draws a timeline; `view` is { since, until, groupBy } in ms; `pending`, the bars not counted yet. */
  render(timeline, view, { pending = [] } = {}) {
    const series = seriesOf(timeline, view.groupBy);
    const starts = timeline.buckets.map((b) => Date.parse(b.start));
    this.data = { timeline, view, series, starts, bucketMs: timeline.bucketMs, pending: new Set(pending) };
    if (this.active >= starts.length) this.active = -1;
    this.draw();
    this.drawLegend();
  }

  /** Shows a message instead of bars. */
  fail(message) {
    this.data = null;
    clear(this.svg).removeAttribute("data-total");
    clear(this.legend);
    this.hideTip();
    this.empty.textContent = message;
    this.empty.hidden = false;
  }

  geometry() {
    const width = Math.max(280, this.wrap.clientWidth);
    const height = width < 600 ? 180 : 230;
    const n = this.data.starts.length;
    const max = Math.max(1, ...this.data.timeline.buckets.map((b) => b.total));
    const step = niceStep(max, height < 200 ? 3 : 4);
    const yMax = Math.ceil(max / step) * step;
    // Room for the widest label of the y axis (millions of events at PCE scale), about 7 px a character.
    const left = Math.max(MARGIN.left, 16 + 7 * fmtCount(yMax).length);
    const plotW = width - left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const t0 = n ? this.data.starts[0] : this.data.view.since;
    const span = Math.max(1, n * this.data.bucketMs);
    return { width, height, n, left, step, yMax, plotW, plotH, t0, span, bw: plotW / Math.max(1, n) };
  }

  xOf(t, g) { return g.left + ((t - g.t0) / g.span) * g.plotW; }
  tOf(x, g) { return g.t0 + ((x - g.left) / g.plotW) * g.span; }

  draw() {
    const { timeline, series, view } = this.data;
    const g = this.geometry();
    this.g = g;
    const svg = clear(this.svg);
    svg.setAttribute("viewBox", `0 0 ${g.width} ${g.height}`);
    svg.setAttribute("width", String(g.width));
    svg.setAttribute("height", String(g.height));
    const total = totalOf(timeline);
    svg.setAttribute("data-total", String(total));
    svg.setAttribute("data-buckets", String(g.n));
    svg.setAttribute("data-bucket-ms", String(timeline.bucketMs));
    svg.setAttribute("data-since", new Date(view.since).toISOString());
    svg.setAttribute("data-until", new Date(view.until).toISOString());
    svg.setAttribute("data-pending", String(this.data.pending.size));
    svg.setAttribute("aria-label",
      `Timeline of ${fmtCount(total)} events, ${g.n} bars of ${fmtDuration(timeline.bucketMs)}, ` +
      `from ${fmtDateTime(view.since)} to ${fmtDateTime(view.until)}`);
    this.empty.textContent = "No events in this range.";
    this.empty.hidden = total > 0 || this.data.pending.size > 0;

    const { step, yMax } = g;
    const yOf = (v) => MARGIN.top + g.plotH - (v / yMax) * g.plotH;

    const axis = s("g", { class: "axis", "aria-hidden": "true" });
    for (let v = 0; v <= yMax; v += step) {
      const y = yOf(v);
      axis.append(s("line", { class: v === 0 ? "base" : "grid", x1: g.left, x2: g.width - MARGIN.right, y1: y, y2: y }));
      axis.append(s("text", { x: g.left - 8, y: y + 4, "text-anchor": "end" }, fmtCount(v)));
    }
    // Time ticks: a round step, at least ~90 px apart, aligned in the displayed zone.
    const pxPerMs = g.plotW / g.span;
    const tickStep = TICK_STEPS.find((st) => st * pxPerMs >= (st >= 86400e3 ? 64 : 90)) ?? TICK_STEPS.at(-1);
    const offset = this.zoneOffset(g.t0);
    let t = Math.ceil((g.t0 + offset) / tickStep) * tickStep - offset;
    for (; t <= g.t0 + g.span; t += tickStep) {
      const x = this.xOf(t, g);
      if (x < g.left - 0.5 || x > g.width - MARGIN.right - 20) continue;
      axis.append(s("line", { class: "tick", x1: x, x2: x, y1: MARGIN.top + g.plotH, y2: MARGIN.top + g.plotH + 4 }));
      axis.append(s("text", { x, y: g.height - 8, "text-anchor": "middle" }, fmtTick(t, tickStep, g.span)));
    }
    svg.append(axis);

    const bars = s("g", { class: "bars" });
    const gap = g.bw > 5 ? Math.min(2, g.bw * 0.15) : 0;
    for (let i = 0; i < g.n; i++) {
      const b = timeline.buckets[i];
      const waiting = this.data.pending.has(i);
      const col = s("g", { class: waiting ? "bucket pending" : "bucket", "data-index": i, "data-start": b.start, "data-total": b.total });
      const x = g.left + i * g.bw + gap / 2;
      if (waiting) col.append(s("rect", { class: "pending-mark", x, y: MARGIN.top, width: Math.max(0.5, g.bw - gap), height: g.plotH }));
      let acc = 0;
      for (const se of series) {
        const v = se.values[i];
        if (!v) continue;
        const y1 = yOf(acc + v);
        const y0 = yOf(acc);
        acc += v;
        col.append(s("rect", { class: `bar ${se.cls}`, x, y: y1, width: Math.max(0.5, g.bw - gap), height: Math.max(0.75, y0 - y1) }));
      }
      bars.append(col);
    }
    svg.append(bars);
    this.hover = s("rect", { class: "hover-band", x: 0, y: MARGIN.top, width: 0, height: g.plotH, visibility: "hidden" });
    this.sel = s("rect", { class: "selection", x: 0, y: MARGIN.top, width: 0, height: g.plotH, visibility: "hidden" });
    svg.append(this.hover, this.sel);
    if (this.active >= 0 && this.svg.getRootNode().activeElement === this.svg) this.showTip(this.active);
  }

  zoneOffset(t) {
    return isUtc() ? 0 : -new Date(t).getTimezoneOffset() * 60e3;
  }

  drawLegend() {
    const { series, view } = this.data;
    const ul = clear(this.legend);
    for (const se of series) {
      const pickable = this.onPick && se.keys.length === 1 && (this.canPick?.(view.groupBy, se.keys[0]) ?? true);
      const body = [
        h("span", { class: `swatch ${se.cls}`, "aria-hidden": "true" }),
        h("span", { class: "legend-label" }, se.label),
        h("span", { class: "legend-count" }, fmtCount(se.total)),
      ];
      ul.append(h("li", {},
        pickable
          ? h("button", {
            type: "button", class: "legend-item",
            title: `Show only ${se.label}`,
            onclick: () => this.onPick(view.groupBy, se.keys[0]),
          }, body)
          : h("span", { class: "legend-item static" }, body)));
    }
  }

  lastNonEmpty() {
    const b = this.data.timeline.buckets;
    for (let i = b.length - 1; i >= 0; i--) if (b[i].total > 0) return i;
    return b.length - 1;
  }

  bucketRange(i) {
    const { starts, bucketMs, view } = this.data;
    return [Math.max(view.since, starts[i]), Math.min(view.until, starts[i] + bucketMs - 1)];
  }

  showTip(i) {
    if (!this.data || i < 0 || i >= this.data.starts.length) return this.hideTip();
    this.active = i;
    const { timeline, series, bucketMs } = this.data;
    const g = this.g;
    const b = timeline.buckets[i];
    const x = g.left + i * g.bw;
    this.hover.setAttribute("x", String(x));
    this.hover.setAttribute("width", String(Math.max(1, g.bw)));
    this.hover.setAttribute("visibility", "visible");
    const [from] = this.bucketRange(i);
    const rows = series.filter((se) => se.values[i] > 0).slice().reverse();
    const tip = clear(this.tooltip);
    tip.append(
      h("p", { class: "tip-time" }, fmtDateTime(from), h("span", { class: "muted" }, ` · ${fmtDuration(bucketMs)}`)),
      this.data.pending.has(i)
        ? h("p", { class: "tip-total" }, "counting…")
        : h("p", { class: "tip-total" }, h("strong", {}, fmtCount(b.total)), b.total === 1 ? " event" : " events"),
      rows.length
        ? h("ul", { class: "tip-rows" }, rows.map((se) => h("li", {},
          h("span", { class: `swatch ${se.cls}`, "aria-hidden": "true" }),
          h("span", { class: "tip-label" }, se.label),
          h("span", { class: "tip-count" }, fmtCount(se.values[i])))))
        : null,
      h("p", { class: "tip-hint" }, "Click or Enter to zoom in"),
    );
    tip.hidden = false;
    const wrapW = this.wrap.clientWidth;
    const tipW = tip.offsetWidth;
    let left = x + g.bw + 10;
    if (left + tipW > wrapW - 4) left = Math.max(4, x - tipW - 10);
    tip.style.left = `${left}px`;
    tip.style.top = `${MARGIN.top}px`;
    return undefined;
  }

  hideTip() {
    this.tooltip.hidden = true;
    this.hover?.setAttribute("visibility", "hidden");
  }

  localX(e) {
    const r = this.svg.getBoundingClientRect();
    return ((e.clientX - r.left) / r.width) * this.g.width;
  }

  indexAt(x) {
    const i = Math.floor((x - this.g.left) / this.g.bw);
    return i >= 0 && i < this.g.n ? i : -1;
  }

  pointerDown(e) {
    if (!this.data || e.button !== 0) return;
    this.svg.setPointerCapture(e.pointerId);
    const x = Math.min(Math.max(this.localX(e), this.g.left), this.g.width - MARGIN.right);
    this.drag = { x0: x, x1: x, moved: false };
  }

  pointerMove(e) {
    if (!this.data) return;
    const x = this.localX(e);
    if (this.drag) {
      const cx = Math.min(Math.max(x, this.g.left), this.g.width - MARGIN.right);
      this.drag.x1 = cx;
      if (Math.abs(cx - this.drag.x0) > 4) this.drag.moved = true;
      if (this.drag.moved) {
        const a = Math.min(this.drag.x0, cx);
        this.sel.setAttribute("x", String(a));
        this.sel.setAttribute("width", String(Math.abs(cx - this.drag.x0)));
        this.sel.setAttribute("visibility", "visible");
        this.hideTip();
        return;
      }
    }
    const i = this.indexAt(x);
    if (i < 0) this.hideTip(); else if (i !== this.active || this.tooltip.hidden) this.showTip(i);
  }

  pointerUp(e) {
    if (!this.drag) return;
    const { x0, x1, moved } = this.drag;
    this.endDrag();
    if (moved) {
      const { since, until } = this.data.view;
      const a = Math.max(since, Math.floor(this.tOf(Math.min(x0, x1), this.g)));
      const b = Math.min(until, Math.ceil(this.tOf(Math.max(x0, x1), this.g)));
      if (b - a >= 1000) this.onZoom(a, b);
    } else {
      const i = this.indexAt(this.localX(e));
      if (i >= 0) this.zoomBucket(i);
    }
  }

  endDrag() {
    this.drag = null;
    this.sel?.setAttribute("visibility", "hidden");
  }

  zoomBucket(i) {
    const [a, b] = this.bucketRange(i);
    if (b - a >= 1000) this.onZoom(a, b);
  }

  key(e) {
    if (!this.data) return;
    const n = this.data.starts.length;
    let i = this.active < 0 ? this.lastNonEmpty() : this.active;
    switch (e.key) {
      case "ArrowLeft": i = Math.max(0, i - 1); break;
      case "ArrowRight": i = Math.min(n - 1, i + 1); break;
      case "Home": i = 0; break;
      case "End": i = n - 1; break;
      case "PageUp": i = Math.max(0, i - 10); break;
      case "PageDown": i = Math.min(n - 1, i + 10); break;
      case "Enter": case " ": e.preventDefault(); this.zoomBucket(i); return;
      case "-": case "_": case "Backspace": e.preventDefault(); this.onZoomOut(); return;
      case "Escape": this.hideTip(); return;
      default: return;
    }
    e.preventDefault();
    this.showTip(i);
  }
}
