// The types of `illumio-events/element`: importing it defines <pce-event-timeline>.
import type { PceConfig, PceError, PceEvent, Timeline } from "./index.js";

/** A PceConfig the element accepts: never with credentials (a key in a page is a key for every visitor). */
export type PceElementConfig = Omit<PceConfig, "apiKey" | "apiSecret"> & { apiKey?: never; apiSecret?: never };

/** How much the element shows. */
export type PceTimelineView = "chart" | "chart+list" | "full";

/** What each bar is split by. */
export type PceTimelineGroupBy = "severity" | "status" | "event_type" | "created_by";

/** The detail of `pce-load`: a complete timeline is drawn. */
export interface PceLoadDetail {
  /** The timeline drawn. */
  timeline: Timeline | null;
  /** How many events match in the window, as the PCE counted them. */
  total: number;
  /** False when the element keeps only the newest 200000 of them. */
  complete: boolean;
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
  /** config (attributes refused), load, live (the watch), select (getEvent), timeline (eventTimeline). */
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
  /** The timeline drawn now. */
  readonly timeline: Timeline | null;
  /** Whether requests for the current attributes are in flight. */
  readonly loading: boolean;
  /** The events of the window drawn now, newest first. */
  readonly events: PceEvent[];
  /** How many events match in the loaded window. */
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
