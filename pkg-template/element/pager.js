// The list's pages of <pce-event-timeline>: the newest events of the window first, older pages
// as the list is scrolled near its end, live arrivals at the top. The chart is counted apart
// (queryTimeline), so however many events a window holds, the list holds only what was read.

import { fmtCount } from "./dom.js";
import { fetchPage, toRecords } from "./data.js";

/** The pages of one list; `page` is null until the first one is in. */
export class Pager {
  constructor({ list, el, onError, busy }) {
    Object.assign(this, { list, el, onError, busy });
    this.page = null;   // { config, query, records, more }
    this.next = null;   // the request for the next page: { ctl }
    list.onNearEnd = () => this.loadMore();
  }

  /** The events loaded, newest first, as { ev, t } records. */
  get records() { return this.page?.records ?? []; }

  /** Forgets the pages (a new window) and stops the next one. */
  reset() {
    this.stop();
    this.page = null;
  }

  stop() {
    this.next?.ctl.abort();
    this.next = null;
  }

  /** Reads the first page of a window; false when `stale()` says a newer window took over. */
  async first(ie, config, query, { signal, stale }) {
    const { records, more } = await fetchPage(ie, config, query, [], { signal });
    if (stale()) return false;
    this.ie = ie;
    this.page = { config, query, records, more };
    return true;
  }

  /** The next page, when the list is scrolled near its end and no window is loading. */
  async loadMore() {
    const page = this.page;
    if (!page?.more || this.next || this.busy()) return;
    const me = { ctl: new AbortController() };
    this.next = me;
    this.render(this.total);
    try {
      const { records, more } = await fetchPage(this.ie, page.config, page.query, page.records, { signal: me.ctl.signal });
      if (this.page !== page || this.next !== me) return;
      page.records = [...page.records, ...records];
      page.more = more;
    } catch (err) {
      if (this.next !== me || err?.kind === "aborted") return;
      page.more = false;
      this.onError(err);
    } finally {
      if (this.next === me) this.next = null;
    }
    if (this.page === page) this.render(this.total);
  }

  /**
   * Live arrivals at the top, each once (a watch may start on the last counted instant), and
   * the events that left the window (older than `since`) dropped; returns how many were added.
   */
  addLive(fresh, since) {
    const page = this.page;
    if (!page) return 0;
    const seen = new Set(page.records.slice(0, 2 * fresh.length + 100).map((r) => r.ev.href));
    const news = toRecords(fresh.filter((r) => !seen.has(r.ev.href) && r.t >= since).map((r) => r.ev));
    let records = [...news, ...page.records];
    if (news.length && page.records.length && news.at(-1).t < page.records[0].t) records = toRecords(records.map((r) => r.ev));
    let cut = records.length;
    while (cut > 0 && records[cut - 1].t < since) cut--;
    records.length = cut;
    page.records = records;
    return news.length;
  }

  /** The rows and the count over them: the window's total as counted, and how many are loaded. */
  render(total, { added = 0 } = {}) {
    this.total = total;
    const page = this.page;
    const records = this.records;
    // A redraw of the same pages keeps the reader's place; a new window starts at the top.
    this.list.setRecords(records, { added, keep: page !== null && page === this.shown, more: Boolean(page?.more) });
    this.shown = page;
    // "No events match" waits for the first page.
    if (!page) this.list.empty.hidden = true;
    const d = this.el.list.dataset;
    d.loaded = String(records.length);
    d.more = String(Boolean(page?.more));
    if (!page) { this.el.listCount.textContent = "Loading the newest events…"; return; }
    const loading = this.next ? " · loading more…" : "";
    if (total === undefined && page.more) {
      this.el.listCount.textContent = `The newest ${fmtCount(records.length)} events, more as you scroll${loading}`;
      return;
    }
    const all = total ?? records.length;
    const part = records.length < all
      ? ` · the newest ${fmtCount(records.length)} loaded${page.more ? ", more as you scroll" : ""}`
      : "";
    this.el.listCount.textContent = `${fmtCount(all)} event${all === 1 ? "" : "s"}, newest first${part}${loading}`;
  }
}
