// The types of `illumio-events/element`: importing it defines <pce-event-timeline>.
import type { PceConfig, PceError, PceEvent, Timeline } from "./index.js";

/** A PceConfig the element accepts: never with credentials (a key in a page is a key for every visitor). */
export type PceElementConfig = Omit<PceConfig, "apiKey" | "apiSecret"> & { apiKey?: never; apiSecret?: never };

/** How much the element shows. */
export type PceTimelineView = "chart" | "chart+list" | "full";

/** What each bar is split by: counted on the PCE, except created_by (drawn from at most 200000 downloaded events). */
export type PceTimelineGroupBy = "severity" | "status" | "event_type" | "created_by";

/** The detail of `pce-load`: a complete timeline is drawn (and, in views with a list, its first page loaded). */
export interface PceLoadDetail {
  /** The timeline drawn: queryTimeline's, or eventTimeline's for group-by created_by. */
  timeline: Timeline | null;
  /** How many events match in the window, as the PCE counted them. */
  total: number;
  /**
   * False only for group-by created_by, which the PCE cannot count: that chart is drawn from the
   * newest 200000 downloaded events, and this says it covers fewer than `total`.
   */
  complete: boolean;
  /** "counts" (counted on the PCE), "events" (a small window, downloaded in one request) or "download" (created_by). */
  source: "counts" | "events" | "download";
  /** The requests queryTimeline made; null for created_by. */
  requests: number | null;
  /** True when a live batch moved the window. */
  live?: boolean;
}

/** The detail of `pce-select`: the event chosen in the list, or nulls when the panel closes. */
export interface PceSelectDetail {
  /** The event's href. */
  href: string | null;
  /** The event as the PCE sent it. */
  event: PceEvent | null;
}

/** The detail of `pce-range`: the window after a zoom. */
export interface PceRangeDetail {
  /** The `since` attribute now: RFC 3339 or relative ("7d"). */
  since: string;
  /** The `until` attribute now; "" for now. */
  until: string;
  /** The window's start, RFC 3339. */
  start: string | null;
  /** The window's end, RFC 3339. */
  end: string | null;
}

/** The detail of `pce-filter`: a legend item was chosen, and the element narrowed its own filter to it. */
export interface PceFilterDetail {
  /** The attribute set: "severity", "status" or "event-type". */
  name: "severity" | "status" | "event-type";
  /** Its new value. */
  value: string;
}

/** `pce-error`: the PceError, and what the element was doing. */
export interface PceErrorEvent extends CustomEvent<PceError> {
  /** config (attributes refused), load (the chart's counts or the list's pages), live (the watch), select (getEvent), timeline (live events added to the chart). */
  readonly during: "config" | "load" | "live" | "select" | "timeline";
}

/** The events <pce-event-timeline> dispatches (they bubble and cross shadow roots). */
export interface PceEventTimelineEventMap extends HTMLElementEventMap {
  "pce-load": CustomEvent<PceLoadDetail>;
  "pce-select": CustomEvent<PceSelectDetail>;
  "pce-range": CustomEvent<PceRangeDetail>;
  "pce-filter": CustomEvent<PceFilterDetail>;
  "pce-error": PceErrorEvent;
}

/** <pce-event-timeline>: the PCE's events over time as a stacked chart, with an optional list and detail panel. */
export interface PceEventTimelineElement extends HTMLElement {
  /** The PCE or proxy URL (attribute src); relative ones resolve against the document's base URL. */
  src: string;
  /** The org id (attribute org). */
  org: string;
  /** A PceConfig without credentials, instead of src and org. */
  config: PceElementConfig | null;
  /** The window's start: RFC 3339 or relative ("24h", "7d", "30d"); default "24h". */
  since: string;
  /** The window's end, RFC 3339; "" for now. */
  until: string;
  /** Comma-separated event types (attribute event-type). */
  eventType: string;
  /** One severity. */
  severity: string;
  /** "success" or "failure". */
  status: string;
  /** The creator's href, username or hostname (attribute created-by). */
  createdBy: string;
  /** The PCE of a Supercluster (attribute pce-fqdn). */
  pceFqdn: string;
  /** What each bar is split by (attribute group-by). */
  groupBy: PceTimelineGroupBy | (string & {});
  /** "auto" or a duration such as "1h". */
  bucket: string;
  /** Follows new events (without `until`). */
  live: boolean;
  /** The live poll interval: a duration ("5s") or seconds. */
  interval: string;
  /** What is shown. */
  view: PceTimelineView | (string & {});
  /** Times in "local" time or "utc" (attribute time-zone). */
  timeZone: "local" | "utc" | (string & {});
  /** The href of the event in the detail panel (view "full"). */
  selected: string;
  /** The timeline drawn now, once complete (partial ones, while counts arrive, are only drawn). */
  readonly timeline: Timeline | null;
  /** Whether requests for the current attributes are in flight (the list's next page aside). */
  readonly loading: boolean;
  /** The events loaded into the list (views chart+list and full), newest first: a page of 1000, more as the list scrolls. */
  readonly events: PceEvent[];
  /** How many events match in the window drawn, as the PCE counted them. */
  readonly total: number;
  /** Fetches the current window again. */
  refresh(): void;
  addEventListener<K extends keyof PceEventTimelineEventMap>(
    type: K,
    listener: (this: PceEventTimelineElement, ev: PceEventTimelineEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PceEventTimelineEventMap>(
    type: K,
    listener: (this: PceEventTimelineElement, ev: PceEventTimelineEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "pce-event-timeline": PceEventTimelineElement;
  }
}
