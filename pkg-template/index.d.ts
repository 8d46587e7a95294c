/** Where and how to reach one PCE org. */
export interface PceConfig {
  /** The PCE's base URL, such as "https://pce.example.com:8443"; a path prefix is allowed ("http://127.0.0.1:8080/pce"). */
  url: string;
  /** The org whose events are read: the N in /orgs/N. */
  orgId: number;
  /** The API key's username ("api_..."), sent as the HTTP Basic user. Omit both key and secret when a same-origin proxy adds credentials. */
  apiKey?: string;
  /** The API key's secret, sent as the HTTP Basic password. */
  apiSecret?: string;
  /** The API version; default "v2". Requests go to {url}/api/{apiVersion}/orgs/{orgId}/events. */
  apiVersion?: string;
  /** The time limit of each HTTP request, body included; default 30000. */
  timeoutMs?: number;
  /** Retries of 429, 502, 503, 504 and network errors; default 3; 0 turns retries off. */
  maxRetries?: number;
  /** The time limit of a whole asynchronous collection (more than 10000 events); default 600000. */
  asyncTimeoutMs?: number;
  /**
   * Requests a minute that every call of this package for the same url, org and key shares
   * (queries, counts, watches, timelines, several charts on one page); a call over it waits its
   * turn. Default 450, below the PCE's 500 a minute per key; 0 turns the budget off.
   */
  requestsPerMinute?: number;
}

/** The PCE's severities, most urgent first. */
export type Severity = "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug";

/** Filters of an events query; every key is optional. */
export interface EventQuery {
  /**
   * Only events of this type, such as "user.sign_in" (event_type), or of any of 1 to 20
   * distinct types: one request each (at most 6 in flight), merged newest first.
   */
  eventType?: string | readonly string[];
  /** Only successes or only failures (status). */
  status?: "success" | "failure";
  /** Only events of this severity (severity). */
  severity?: Severity;
  /**
   * Only events whose creator has this href, username or host name, such as "/users/14"
   * or "/orgs/1/agents/66" (created_by). Every answer is checked against it.
   */
  createdBy?: string;
  /** Only events recorded by this PCE of a Supercluster, a host name (pce_fqdn). Every answer is checked against it. */
  pceFqdn?: string;
  /** Only events at or after this instant: an RFC 3339 string or a Date (timestamp[gte]). */
  since?: string | Date;
  /** Only events at or before this instant: an RFC 3339 string or a Date (timestamp[lte]). */
  until?: string | Date;
  /** How many events at most; default 100, the PCE's own default. Above 10000 the query runs as an asynchronous collection. */
  maxResults?: number;
  /** Cancels the whole operation, an asynchronous job included. */
  signal?: AbortSignal;
  /** Called as an asynchronous collection moves on. */
  onProgress?: (progress: QueryProgress) => void;
}

/** One step of an asynchronous collection. */
export interface QueryProgress {
  /** Where the collection stands. */
  phase: "requested" | "running" | "downloading" | "done";
  /** Milliseconds since the collection started. */
  elapsedMs: number;
  /** The PCE's job href, such as "/orgs/1/jobs/<uuid>". */
  job?: string;
}

/** Who or what caused an event: exactly one key, such as `{ user: { href, username } }`. */
export type CreatedBy = {
  [kind: string]: {
    href?: string;
    username?: string;
    hostname?: string | null;
    name?: string | null;
    [k: string]: unknown;
  };
};

/** The API request behind an event. */
export interface EventAction {
  uuid?: string;
  api_endpoint: string | null;
  api_method: string | null;
  http_status_code: number | null;
  src_ip: string | null;
  info?: Record<string, unknown> | null;
  [k: string]: unknown;
}

/** One resource an event created, changed or deleted. */
export interface ResourceChange {
  uuid?: string;
  resource: Record<string, Record<string, unknown>>;
  changes: Record<string, { before?: unknown; after?: unknown; created?: unknown[]; deleted?: unknown[] }>;
  change_type: "create" | "update" | "delete" | (string & {});
  [k: string]: unknown;
}

/** A notification attached to an event. */
export interface EventNotification {
  uuid?: string;
  notification_type: string;
  info: Record<string, unknown> | null;
  [k: string]: unknown;
}

/** An event exactly as the PCE sent it (snake_case wire names); fields of newer PCE versions are kept. */
export interface PceEvent {
  href: string;
  /** RFC 3339, such as "2022-08-17T17:48:26.666Z". */
  timestamp: string;
  pce_fqdn: string;
  created_by: CreatedBy;
  /** "resource.verb", such as "user.sign_in". */
  event_type: string;
  status: "success" | "failure" | null | (string & {});
  severity: Severity | (string & {});
  action: EventAction | null;
  resource_changes: ResourceChange[];
  notifications: EventNotification[];
  [field: string]: unknown;
}

/** What went wrong. */
export type PceErrorKind =
  | "invalid_argument"
  | "http"
  | "network"
  | "timeout"
  | "aborted"
  | "invalid_response"
  | "async_job_failed";

/** Every failure of this package: an Error named "PceError". */
export interface PceError extends Error {
  name: "PceError";
  /** What went wrong. */
  kind: PceErrorKind;
  /** The HTTP status, for kind "http". */
  status?: number;
  /** The PCE's error token, from its body [{"token", "message"}]. */
  token?: string;
  /** The PCE's error message, from its body [{"token", "message"}]. */
  pceMessage?: string;
  /** Seconds, when the PCE sent Retry-After. */
  retryAfter?: number;
  /** The request URL (never with credentials). */
  url?: string;
}

/** Queries the org's events; resolves with them newest first, as the PCE sent them. */
export function queryEvents(config: PceConfig, query?: EventQuery): Promise<PceEvent[]>;

/** Counts the events that match a query (one GET with max_results=0, reading X-Total-Count). */
export function countEvents(
  config: PceConfig,
  query?: Omit<EventQuery, "maxResults" | "onProgress">,
): Promise<number>;

/** Fetches one event by its href ("/orgs/7/events/<id>", "/system_events/<id>") or bare id. */
export function getEvent(config: PceConfig, hrefOrId: string, options?: { signal?: AbortSignal }): Promise<PceEvent>;

/** Whether a caught value is a PceError. */
export function isPceError(e: unknown): e is PceError;

/** Filters of a live tail: those of EventQuery that make sense while following new events. */
export type WatchQuery = Omit<EventQuery, "until" | "maxResults" | "signal" | "onProgress">;

/** How a live tail polls and how it stops. */
export interface WatchOptions {
  /** The wait between polls; default 10000. */
  intervalMs?: number;
  /** How late an event may appear (by its PCE timestamp) and still be delivered; default 60000. */
  lookbackMs?: number;
  /** Stops the watch: the pending next() resolves done and no request follows. */
  signal?: AbortSignal;
  /** Told of transient failures (network, timeout, async_job_failed, http 408/429/5xx) while the watch goes on. */
  onError?: (error: PceError) => void;
  /**
   * The `cursor` of the last batch handled, saved by an earlier watch: this watch delivers
   * exactly the events that one would have delivered next. It must come from a watch of the
   * same org, filters and lookbackMs; `since` is kept as a floor.
   */
  resumeFrom?: string;
}

/** A batch of a watch: new events, oldest first, and the cursor to resume after them. */
export type WatchBatch = PceEvent[] & {
  /** Opaque and compact (its size follows the events of one lookback window); pass it as `resumeFrom`. */
  readonly cursor: string;
};

/**
 * Follows the org's events: each value is a non-empty batch of events not delivered before, oldest first.
 * With `since`, the first batch holds every matching event from then on; without it, events that appear after the start.
 */
export function watchEvents(
  config: PceConfig,
  query?: WatchQuery,
  options?: WatchOptions,
): AsyncIterableIterator<WatchBatch>;

/** How eventTimeline buckets and groups. */
export interface TimelineOptions {
  /** The bucket size; default the smallest of 1 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 3 h, 6 h, 12 h, 1 d, 7 d giving at most 120 buckets. */
  bucketMs?: number;
  /** The window's start; default the earliest event. */
  start?: string | Date;
  /** The window's end, inclusive; default the latest event. */
  end?: string | Date;
  /** What each bar is split by; default "severity". */
  groupBy?: "severity" | "event_type" | "status" | "created_by";
}

/** One bucket of a timeline. */
export interface TimelineBucket {
  /** The bucket's start, RFC 3339. */
  start: string;
  /** Events in the bucket. */
  total: number;
  /** Events in the bucket per group, every group present. */
  counts: Record<string, number>;
}

/** Event counts over time, per group. */
export interface Timeline {
  /** The window's start, RFC 3339. */
  start: string;
  /** The window's end, RFC 3339. */
  end: string;
  /** The bucket size. */
  bucketMs: number;
  /** Every group seen, in a stable order (severities by urgency, other values alphabetically). */
  groups: string[];
  /** Contiguous buckets, the first aligned to a multiple of bucketMs since the epoch (UTC). */
  buckets: TimelineBucket[];
  /** Events whose timestamp could not be read or lies outside start..end. */
  skipped: number;
}

/** Counts events per time bucket and group, synchronously; usable before any other call. */
export function eventTimeline(events: readonly PceEvent[], options?: TimelineOptions): Timeline;

/** The window queryTimeline counts: an EventQuery with a required start. */
export interface TimelineQuery extends Omit<EventQuery, "maxResults" | "onProgress"> {
  /** The window's start, inclusive. */
  since: string | Date;
  /** The window's end, inclusive; default now, pinned when the call starts. */
  until?: string | Date;
}

/** How queryTimeline buckets, groups and spends its requests. */
export interface QueryTimelineOptions extends Omit<TimelineOptions, "start" | "end" | "groupBy"> {
  /** What each bar is split by; default "severity". A PCE cannot count by created_by: use eventTimeline over queryEvents' events. */
  groupBy?: "severity" | "status" | "event_type";
  /** For groupBy "event_type": the types with a group of their own, the most frequent in a sample of the window; default 8; the rest is "other". */
  maxGroups?: number;
  /** Requests in flight at most; default 6. */
  concurrency?: number;
  /** Requests of the whole plan, retries included; default 200. Without bucketMs, buckets grow to the next round size until the plan fits. */
  maxRequests?: number;
  /** A window of at most this many events is downloaded (one GET) and counted with eventTimeline; default 10000; 0 = never. */
  downloadBelow?: number;
  /** Cancels every request of the plan at once. */
  signal?: AbortSignal;
  /** Partial timelines as counts arrive; the pending buckets count 0 meanwhile. A throwing callback is ignored. */
  onPartial?: (partial: QueriedTimeline & {
    /** Indexes of the buckets not counted yet. */
    pending: number[];
    /** Requests answered so far. */
    requestsDone: number;
    /** Requests of the whole plan, without retries. */
    requestsPlanned: number;
  }) => void;
}

/** A timeline from queryTimeline: eventTimeline's shape, and how it was made. */
export interface QueriedTimeline extends Timeline {
  /** "counts": counted on the PCE; "events": a small window downloaded and counted locally. */
  source: "counts" | "events";
  /** Requests sent, retries included. */
  requests: number;
}

/**
 * Counts a window's events per time bucket and group on the PCE (one `max_results=0` count per
 * bucket boundary and group), so its cost grows with the bars, not with the events.
 */
export function queryTimeline(config: PceConfig, query: TimelineQuery, options?: QueryTimelineOptions): Promise<QueriedTimeline>;

/** An Elastic Common Schema document made from one PCE event by toEcs. */
export interface EcsDocument {
  /** The event's timestamp, when it is a readable date. */
  "@timestamp"?: string;
  /** The ECS version the mapping follows. */
  ecs: { version: string };
  /** What happened: action is the event type, id the uuid at the end of the href. */
  event: {
    kind: "event";
    module: "illumio";
    action?: string;
    id?: string;
    category?: string[];
    type?: string[];
    outcome: "success" | "failure" | "unknown";
    /** Syslog's number of the severity: 0 (emerg) to 7 (debug). */
    severity?: number;
  };
  /** The PCE's severity name. */
  log?: { level: string };
  /** The PCE that recorded the event (pce_fqdn). */
  observer?: { hostname: string };
  /** The user or service account that caused the event. */
  user?: { name?: string; id?: string };
  /** The agent (VEN) that caused the event. */
  host?: { hostname?: string; id?: string };
  /** The client address of the API request (action.src_ip), when it is an IP address. */
  source?: { ip: string };
  /** The API endpoint of the request (action.api_endpoint). */
  url?: { path: string };
  /** The API request's method and status (action.api_method, action.http_status_code). */
  http?: { request?: { method: string }; response?: { status_code: number } };
  /** Every field of the PCE event not moved verbatim into an ECS field, with its PCE name. */
  illumio: { [field: string]: unknown };
}

/** Maps a PCE event to an Elastic Common Schema document, synchronously; nothing of the event is lost. */
export function toEcs(event: PceEvent): EcsDocument;
