// Compiled by tests/types/types.test.mjs with `tsc --noEmit --strict` for a bundler with the DOM
// library: a dashboard that uses <pce-event-timeline> through "illumio-events/element". Each
// `@ts-expect-error` line must stay an error, or tsc reports the directive as unused.
import "illumio-events/element";
import type { PceElementConfig, PceEventTimelineElement, PceLoadDetail, PceRangeDetail } from "illumio-events/element";
import type { PceEvent, Timeline } from "illumio-events";

// The tag name gives the element's own type, from HTMLElementTagNameMap.
const el: PceEventTimelineElement = document.createElement("pce-event-timeline");
const found: PceEventTimelineElement | null = document.querySelector("pce-event-timeline");

el.src = "/pce";
el.org = "1";
el.since = "7d";
el.until = "";
el.eventType = "user.sign_in,user.sign_out";
el.severity = "err";
el.status = "failure";
el.createdBy = "/users/14";
el.pceFqdn = "pce1.example.com";
el.groupBy = "event_type";
el.bucket = "1h";
el.live = true;
el.interval = "5s";
el.view = "chart+list";
el.timeZone = "utc";
el.selected = "";
const config: PceElementConfig = { url: `${location.origin}/pce`, orgId: 1, timeoutMs: 10000 };
el.config = config;
el.config = null;
// @ts-expect-error a page must never hold a key: apiKey is refused by the types too
el.config = { url: "/pce", orgId: 1, apiKey: "api_x", apiSecret: "s" };
// @ts-expect-error live is a boolean
el.live = "yes";

const timeline: Timeline | null = el.timeline;
const loading: boolean = el.loading;
const events: PceEvent[] = el.events;
const total: number = el.total;
// @ts-expect-error timeline is read-only
el.timeline = null;
el.refresh();

el.addEventListener("pce-load", (e) => {
  const detail: PceLoadDetail = e.detail;
  const buckets: number = detail.timeline?.buckets.length ?? 0;
  const source: "counts" | "events" | "download" = detail.source;
  const requests: number | null = detail.requests;
  console.log(buckets, detail.total, detail.complete, source, requests);
});
el.addEventListener("pce-select", (e) => {
  const href: string | null = e.detail.href;
  const event: PceEvent | null = e.detail.event;
  console.log(href, event?.event_type);
});
el.addEventListener("pce-range", (e) => {
  const range: PceRangeDetail = e.detail;
  console.log(range.since, range.until, range.start, range.end);
});
el.addEventListener("pce-filter", (e) => {
  const name: "severity" | "status" | "event-type" = e.detail.name;
  console.log(name, e.detail.value.length);
});
el.addEventListener("pce-error", (e) => {
  console.log(e.detail.kind, e.detail.status, e.during);
  // @ts-expect-error the PceError's kind is one of a closed set
  const wrong: "teapot" = e.detail.kind;
  console.log(wrong);
});
// Other events keep the DOM's types.
el.addEventListener("click", (e) => console.log(e.clientX));
document.body.append(el);
console.log(found, timeline, loading, events, total);
