// The event list of <pce-event-timeline>: newest first, virtualised (only the rows in view exist in the DOM),
// so 100000 events scroll as smoothly as 100. Keyboard: ↑ ↓ PgUp PgDn Home End, Enter opens.
// Near its end it asks for more (onNearEnd): the element loads the next page of older events.

import { h, fmtDateTime, creator, kindLabel, sevClass, str } from "./dom.js";

export const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const NEAR_END_ROWS = 40; // how close to the last row the next page is asked for, so it is there in time
const FRESH_MS = 4000;

const STATUS_CLASS = { success: "st-success", failure: "st-failure" };

/** The virtualised list of events, drawn into a viewport element the caller owns. */
export class EventList {
  constructor({ viewport, spacer, empty, onOpen }) {
    Object.assign(this, { viewport, spacer, empty, onOpen });
    this.records = [];
    this.more = false;
    this.pool = [];
    this.active = -1;
    this.fresh = new Map(); // href -> time it arrived
    this.frame = 0;
    this.freshTimer = 0;
    viewport.addEventListener("scroll", () => this.schedule(), { passive: true });
    viewport.addEventListener("click", (e) => {
      const row = e.target.closest(".row");
      if (!row) return;
      const i = Number(row.dataset.index);
      this.setActive(i, { scroll: false });
      this.onOpen(this.records[i], i);
    });
    viewport.addEventListener("keydown", (e) => this.key(e));
    viewport.addEventListener("focus", () => {
      if (this.active < 0 && this.records.length) this.setActive(this.firstVisible(), { scroll: false });
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  /**
   * Replaces the rows; `added` new events at the top keep the active row and the rows in view,
   * as does `keep` (a page appended); `more` says whether older events can still be asked for.
   */
  setRecords(records, { added = 0, keep = false, more = false } = {}) {
    const activeHref = this.records[this.active]?.ev.href;
    this.records = records;
    this.more = more;
    this.spacer.style.height = `${records.length * ROW_HEIGHT}px`;
    this.empty.hidden = records.length > 0;
    if (added > 0) {
      const now = performance.now();
      for (let i = 0; i < added && i < records.length; i++) this.fresh.set(records[i].ev.href, now);
      // Someone reading further down keeps the same rows in view.
      if (this.viewport.scrollTop > 0) this.viewport.scrollTop += added * ROW_HEIGHT;
    }
    if (activeHref !== undefined) {
      const shifted = this.active + added;
      this.active = records[shifted]?.ev.href === activeHref ? shifted : records.findIndex((r) => r.ev.href === activeHref);
    } else {
      this.active = -1;
    }
    if (added === 0 && !keep && activeHref === undefined) this.viewport.scrollTop = 0;
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  firstVisible() {
    return Math.min(this.records.length - 1, Math.floor(this.viewport.scrollTop / ROW_HEIGHT));
  }

  makeRow() {
    const cells = {
      time: h("span", { class: "c-time" }),
      sev: h("span", { class: "c-sev" }, h("span", { class: "badge" })),
      type: h("span", { class: "c-type" }),
      status: h("span", { class: "c-status" }),
      who: h("span", { class: "c-who" }, h("span", { class: "kind" }), h("span", { class: "who-name" })),
      ip: h("span", { class: "c-ip" }),
      api: h("span", { class: "c-api" }),
    };
    const row = h("div", { class: "row", role: "option" }, Object.values(cells));
    row.cells = cells;
    return row;
  }

  render() {
    const n = this.records.length;
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 400;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const want = Math.max(0, last - first + 1);
    while (this.pool.length < want) {
      const row = this.makeRow();
      this.pool.push(row);
      this.viewport.append(row);
    }
    const now = performance.now();
    for (const [href, at] of this.fresh) if (now - at > FRESH_MS) this.fresh.delete(href);
    let activeId = "";
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      const i = first + k;
      if (k >= want) { row.hidden = true; row.removeAttribute("id"); continue; }
      row.hidden = false;
      this.fill(row, this.records[i], i, n);
      row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
      if (i === this.active) activeId = row.id;
    }
    if (activeId) this.viewport.setAttribute("aria-activedescendant", activeId);
    else this.viewport.removeAttribute("aria-activedescendant");
    if (this.more && this.onNearEnd && last >= n - NEAR_END_ROWS) queueMicrotask(() => this.onNearEnd());
    if (this.fresh.size && !this.freshTimer) {
      this.freshTimer = setTimeout(() => { this.freshTimer = 0; this.schedule(); }, FRESH_MS);
    }
  }

  fill(row, rec, i, n) {
    const ev = rec.ev;
    if (row.dataset.index !== String(i) || row.rec !== rec) {
      row.rec = rec;
      row.dataset.index = String(i);
      row.id = `row-${i}`;
      row.setAttribute("aria-posinset", String(i + 1));
      const c = row.cells;
      c.time.textContent = fmtDateTime(rec.t);
      const sev = typeof ev.severity === "string" ? ev.severity : str(ev.severity);
      c.sev.firstChild.className = `badge ${sevClass(sev)}`;
      c.sev.firstChild.textContent = sev;
      c.type.textContent = str(ev.event_type);
      const status = ev.status === null || ev.status === undefined ? "—" : str(ev.status);
      c.status.textContent = status;
      c.status.className = `c-status ${STATUS_CLASS[ev.status] ?? "st-other"}`;
      const [kind, name] = creator(ev);
      c.who.firstChild.textContent = kindLabel(kind);
      c.who.lastChild.textContent = kind === "system" ? "" : name;
      const act = ev.action && typeof ev.action === "object" ? ev.action : null;
      c.ip.textContent = act?.src_ip ? str(act.src_ip) : "—";
      c.api.textContent = act?.api_endpoint ? `${str(act.api_method ?? "")} ${str(act.api_endpoint)}`.trim() : "—";
      row.title = `${str(ev.event_type)} · ${name}`;
    }
    row.setAttribute("aria-setsize", String(n));
    row.setAttribute("aria-selected", i === this.active ? "true" : "false");
    row.classList.toggle("active", i === this.active);
    row.classList.toggle("fresh", this.fresh.has(ev.href));
  }

  setActive(i, { scroll = true } = {}) {
    if (!this.records.length) return;
    this.active = Math.max(0, Math.min(this.records.length - 1, i));
    if (scroll) {
      const y = this.active * ROW_HEIGHT;
      const vp = this.viewport;
      if (y < vp.scrollTop) vp.scrollTop = y;
      else if (y + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = y + ROW_HEIGHT - vp.clientHeight;
    }
    this.render();
  }

  key(e) {
    const n = this.records.length;
    if (!n) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    let i = this.active < 0 ? this.firstVisible() - 1 : this.active;
    switch (e.key) {
      case "ArrowDown": i += 1; break;
      case "ArrowUp": i -= 1; break;
      case "PageDown": i += page; break;
      case "PageUp": i -= page; break;
      case "Home": i = 0; break;
      case "End": i = n - 1; break;
      case "Enter": case " ":
        e.preventDefault();
        if (this.active >= 0) this.onOpen(this.records[this.active], this.active);
        return;
      default: return;
    }
    e.preventDefault();
    this.setActive(i);
    if (this.onMove) this.onMove(this.records[this.active], this.active);
  }
}
