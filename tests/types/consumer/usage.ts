// Compiled by tests/types/types.test.mjs with `tsc --noEmit --strict` against the packed package,
// once per consumer kind: Node ES module, Node CommonJS and bundler. Every public type is used,
// and each `@ts-expect-error` line must stay an error: if the types loosened (a misspelt option
// accepted, a wrong severity accepted, `any` somewhere), tsc reports the directive as unused.
// The test replaces the next line for CommonJS with `import ie = require("illumio-events");`.
import * as ie from "illumio-events";
import { isPceError, queryEvents, type PceError, type PceEvent } from "illumio-events";

const full: ie.PceConfig = {
  url: "https://pce.example.com:8443",
  orgId: 1,
  apiKey: "api_0123456789abcdef",
  apiSecret: "secret",
  apiVersion: "v2",
  timeoutMs: 30000,
  maxRetries: 0,
  asyncTimeoutMs: 600000,
};
// Behind a same-origin proxy: no credentials at all.
const proxied: ie.PceConfig = { url: "http://127.0.0.1:8080/pce", orgId: 7 };

const phases: ie.QueryProgress["phase"][] = [];
const query: ie.EventQuery = {
  eventType: "user.sign_in",
  status: "failure",
  severity: "warning",
  since: new Date(0),
  until: "2026-11-20T12:00:00Z",
  maxResults: 20000,
  signal: new AbortController().signal,
  onProgress: (p) => {
    const phase: "requested" | "running" | "downloading" | "done" = p.phase;
    const elapsedMs: number = p.elapsedMs;
    const job: string | undefined = p.job;
    phases.push(phase);
    void elapsedMs;
    void job;
  },
};

/** Exhaustive over Severity: a member missing or added breaks the `never` check or a case label. */
export function rank(severity: ie.Severity): number {
  switch (severity) {
    case "emerg": return 0;
    case "alert": return 1;
    case "crit": return 2;
    case "err": return 3;
    case "warning": return 4;
    case "notice": return 5;
    case "info": return 6;
    case "debug": return 7;
    default: {
      const unreachable: never = severity;
      return unreachable;
    }
  }
}

/** Exhaustive over PceErrorKind. */
export function advice(kind: ie.PceErrorKind): string {
  switch (kind) {
    case "invalid_argument": return "fix the call";
    case "http": return "read status";
    case "network": return "check the connection";
    case "timeout": return "raise timeoutMs";
    case "aborted": return "the caller stopped it";
    case "invalid_response": return "the PCE sent something odd";
    case "async_job_failed": return "the PCE's job failed";
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** Reads every field of an event with the type the contract gives it. */
export function describe(event: PceEvent): string {
  const href: string = event.href;
  const timestamp: string = event.timestamp;
  const fqdn: string = event.pce_fqdn;
  const eventType: string = event.event_type;
  const status: "success" | "failure" | null | string = event.status;
  const severity: ie.Severity | string = event.severity;
  // An unknown severity passes through; comparing with a known one still type-checks.
  const known: boolean = event.severity === "err";

  const createdBy: ie.CreatedBy = event.created_by;
  const kind: string | undefined = Object.keys(createdBy)[0];
  const user = createdBy["user"];
  const username: string | undefined = user?.username;
  const hostname: string | null | undefined = createdBy["ven"]?.hostname;
  const clusterName: string | null | undefined = createdBy["container_cluster"]?.name;
  const extraOfKind: unknown = createdBy["agent"]?.["anything"];

  const action: ie.EventAction | null = event.action;
  const endpoint: string | null | undefined = action?.api_endpoint;
  const method: string | null | undefined = action?.api_method;
  const code: number | null | undefined = action?.http_status_code;
  const srcIp: string | null | undefined = action?.src_ip;
  const info: Record<string, unknown> | null | undefined = action?.info;

  const changes: ie.ResourceChange[] = event.resource_changes;
  const changeTypes: string[] = changes.map((c) => c.change_type);
  const before: unknown = changes[0]?.changes["name"]?.before;
  const created: unknown[] | undefined = changes[0]?.changes["members"]?.created;
  const resource: Record<string, Record<string, unknown>> | undefined = changes[0]?.resource;

  const notifications: ie.EventNotification[] = event.notifications;
  const notificationType: string | undefined = notifications[0]?.notification_type;
  const notificationInfo: Record<string, unknown> | null | undefined = notifications[0]?.info;

  // Fields of newer PCE versions are kept, typed unknown rather than any.
  const newer: unknown = event["added_in_pce_25"];
  // @ts-expect-error an unknown field is unknown, so it is no string without a check
  const notAString: string = event["added_in_pce_25"];
  // @ts-expect-error the wire names are snake_case, as the PCE sent them
  const camel: string = event.eventType;

  void [href, timestamp, fqdn, eventType, status, severity, known, kind, username, hostname, clusterName,
    extraOfKind, endpoint, method, code, srcIp, info, changeTypes, before, created, resource,
    notificationType, notificationInfo, newer, notAString, camel];
  return `${timestamp} ${eventType}`;
}

/** What a dashboard does with a failure: narrow with isPceError, then read the contract's fields. */
export function explain(e: unknown): string {
  // @ts-expect-error a caught value is unknown until narrowed
  void e.kind;
  if (isPceError(e)) {
    const error: PceError = e;
    const asError: Error = e;
    const name: "PceError" = e.name;
    const kind: ie.PceErrorKind = e.kind;
    const status: number | undefined = e.status;
    const token: string | undefined = e.token;
    const pceMessage: string | undefined = e.pceMessage;
    const retryAfter: number | undefined = e.retryAfter;
    const url: string | undefined = e.url;
    const message: string = e.message;
    void [error, asError, name, status, token, pceMessage, retryAfter, url];
    return `${advice(kind)}: ${message}`;
  }
  if (ie.isPceError(e)) {
    const kind: ie.PceErrorKind = e.kind;
    return kind;
  }
  return String(e);
}

export async function run(): Promise<void> {
  const controller = new AbortController();
  const events: PceEvent[] = await queryEvents(full, query);
  const none: ie.PceEvent[] = await ie.queryEvents(proxied);
  const count: number = await ie.countEvents(full, { eventType: "user.sign_in", signal: controller.signal });
  const all: number = await ie.countEvents(proxied);
  const one: ie.PceEvent = await ie.getEvent(full, "/orgs/1/events/7a3b", { signal: controller.signal });
  const byId: PceEvent = await ie.getEvent(proxied, "7a3b");
  void [events.map(describe), none, count, all, one, byId, phases];

  // createdBy, pceFqdn, and several event types: a readonly array works, as does a tuple.
  const families = ["user.sign_in", "user.login"] as const;
  const byCreator: PceEvent[] = await ie.queryEvents(full, { eventType: families, createdBy: "/users/14", pceFqdn: "pce2.example.com" });
  const types: readonly string[] = ["agent.tampering", "agent.clone_detected"];
  const tampering: number = await ie.countEvents(full, { eventType: types, createdBy: "/orgs/1/agents/66" });
  const watchMany: ie.WatchQuery = { eventType: ["user.sign_in"], createdBy: "first.last@company.com", pceFqdn: "pce.example.com" };
  void [byCreator, tampering, watchMany];
  // @ts-expect-error createdBy is one string, not an array
  ie.queryEvents(full, { createdBy: ["/users/14"] });
  // @ts-expect-error event types are strings
  ie.queryEvents(full, { eventType: [1, 2] });
  // @ts-expect-error pceFqdn is a host name string
  ie.countEvents(full, { pceFqdn: 7 });
  // @ts-expect-error a misspelt filter: createdBy
  ie.queryEvents(full, { created_by: "/users/14" });

  // The live tail: batches of PceEvent[], typed options, errors as PceError.
  const watchQuery: ie.WatchQuery = { eventType: "user.sign_in", status: "success", severity: "info", since: new Date(0) };
  const watchOptions: ie.WatchOptions = { intervalMs: 10000, lookbackMs: 60000, signal: controller.signal, onError: (e: PceError) => void explain(e) };
  const watch: AsyncIterableIterator<PceEvent[]> = ie.watchEvents(full, watchQuery, watchOptions);
  for await (const batch of ie.watchEvents(proxied)) { const newest: PceEvent | undefined = batch[0]; void newest; break; }
  for await (const batch of ie.watchEvents(full, watchQuery, { resumeFrom: "saved" })) { const saved: string = batch.cursor; void saved; break; }
  // @ts-expect-error a cursor is the string a batch carries
  ie.watchEvents(full, {}, { resumeFrom: 1 });
  const doc: ie.EcsDocument = ie.toEcs({} as PceEvent);
  const outcome: "success" | "failure" | "unknown" = doc.event.outcome;
  void outcome;
  await watch.return?.();
  // @ts-expect-error a watch has no end: until is no WatchQuery option
  ie.watchEvents(full, { until: "2026-11-20T12:00:00Z" });
  // @ts-expect-error nor is maxResults
  ie.watchEvents(full, { maxResults: 10 });
  // @ts-expect-error a misspelt watch option: intervalMs
  ie.watchEvents(full, {}, { interval: 1000 });

  // The timeline: synchronous, over readonly events.
  const timelineOptions: ie.TimelineOptions = { bucketMs: 60000, start: new Date(0), end: "2026-11-20T12:00:00Z", groupBy: "created_by" };
  const timeline: ie.Timeline = ie.eventTimeline(events as readonly PceEvent[], timelineOptions);
  const bucket: ie.TimelineBucket | undefined = timeline.buckets[0];
  const perGroup: number | undefined = bucket?.counts[timeline.groups[0] ?? "err"];
  const span: [string, string, number, number] = [timeline.start, timeline.end, timeline.bucketMs, timeline.skipped];
  void [perGroup, span, bucket?.start, bucket?.total, ie.eventTimeline([])];
  // @ts-expect-error groupBy is one of severity, event_type, status, created_by
  ie.eventTimeline(events, { groupBy: "user" });
  // @ts-expect-error the timeline is synchronous: no Promise
  await ie.eventTimeline(events).then(() => undefined);

  // The timeline counted on the PCE: the same Timeline, and how it was made.
  const partials: number[] = [];
  const counted: ie.QueriedTimeline = await ie.queryTimeline({ ...full, requestsPerMinute: 300 }, { since: new Date(0), severity: "err" }, {
    groupBy: "event_type", maxGroups: 5, bucketMs: 3600000, concurrency: 4, maxRequests: 100, downloadBelow: 0,
    signal: new AbortController().signal,
    onPartial: (p) => { partials.push(p.pending.length, p.requestsDone, p.requestsPlanned, p.buckets.length); },
  });
  const source: "counts" | "events" = counted.source;
  const drawnLikeLocal: ie.Timeline = counted;
  void [source, drawnLikeLocal, counted.requests];
  // @ts-expect-error since is required: a timeline needs its window's start
  await ie.queryTimeline(full, { until: "2026-11-20T12:00:00Z" });
  // @ts-expect-error a PCE cannot count by created_by
  await ie.queryTimeline(full, { since: "2026-11-01T00:00:00Z" }, { groupBy: "created_by" });
  // @ts-expect-error maxResults has no meaning for a timeline
  await ie.queryTimeline(full, { since: "2026-11-01T00:00:00Z", maxResults: 10 });
  // @ts-expect-error start is TimelineOptions' window, the query's since here
  await ie.queryTimeline(full, { since: "2026-11-01T00:00:00Z" }, { start: "2026-11-01T00:00:00Z" });

  // The checks the contract makes at run time are also compile-time errors where TypeScript can see them.
  // @ts-expect-error a misspelt option: eventType
  await ie.queryEvents(full, { evenType: "user.sign_in" });
  // @ts-expect-error the wire name instead of the option: maxResults
  await ie.queryEvents(full, { max_results: 500 });
  // @ts-expect-error "error" is no Severity ("err" is)
  await ie.queryEvents(full, { severity: "error" });
  // @ts-expect-error status is "success" or "failure"
  await ie.queryEvents(full, { status: "ok" });
  // @ts-expect-error since is a string or a Date
  await ie.queryEvents(full, { since: 1700000000000 });
  // @ts-expect-error orgId is a number
  await ie.queryEvents({ url: "https://pce.example.com:8443", orgId: "1" });
  // @ts-expect-error url is required
  await ie.queryEvents({ orgId: 1 });
  // @ts-expect-error a misspelt config key: apiKey
  await ie.queryEvents({ url: "https://pce.example.com:8443", orgId: 1, apikey: "api_x" });
  // @ts-expect-error countEvents takes no maxResults
  await ie.countEvents(full, { maxResults: 10 });
  // @ts-expect-error countEvents reports no progress
  await ie.countEvents(full, { onProgress: () => undefined });
  // @ts-expect-error hrefOrId is a string
  await ie.getEvent(full, 42);
  // @ts-expect-error getEvent's options hold only a signal
  await ie.getEvent(full, "7a3b", { timeoutMs: 5 });
  // @ts-expect-error the events are PceEvent[], not strings
  const wrong: string[] = await ie.queryEvents(full);
  // @ts-expect-error not an error kind
  const kind: ie.PceErrorKind = "http_error";
  // @ts-expect-error not a progress phase
  const phase: ie.QueryProgress["phase"] = "queued";
  void [wrong, kind, phase];
}
