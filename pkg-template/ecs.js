// toEcs: a PCE event as an Elastic Common Schema document. Plain JavaScript: it reads a few
// fields of one object and builds another, which costs nothing in wasm size or boundary crossings.
// scripts/build-pkg.sh derives the CommonJS copy (node/ecs.cjs) from this file.

/** The ECS version whose field definitions the tests check the documents against. */
const ECS_VERSION = "9.4.0";

// Syslog's numbering (RFC 5424), which the PCE's severity names come from.
const SEVERITY_CODES = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

// Event families by the part of event_type before the dot.
const IAM = new Set(["user", "api_key", "service_account", "role", "auth_security_principal",
  "permission", "user_group", "org", "password_policy", "authentication_settings"]);
const CONFIGURATION = new Set(["sec_rule", "rule_set", "sec_policy", "label", "label_group",
  "ip_list", "service", "workload", "workloads", "container_cluster", "container_workload_profile",
  "enforcement_boundary", "virtual_service", "virtual_server", "pairing_profile", "firewall_settings",
  "network_device", "network_enforcement_node", "security_principal", "lost_agent", "vulnerability_report",
  "settings", "system_settings", "traffic_collector_setting", "label_dimension"]);
// Sign-ins and logins: which ones open a session and which ones close it.
const AUTH_START = /^user\.(sign_in|login|login_session_created|pce_session_created|authenticate)$/;
const AUTH_END = /^user\.(sign_out|logout|login_session_terminated|pce_session_terminated)$/;

/** event.category and event.type for an event type, or null when no ECS category fits. */
function categorize(eventType) {
  const dot = eventType.indexOf(".");
  const family = dot < 0 ? eventType : eventType.slice(0, dot);
  const verb = dot < 0 ? "" : eventType.slice(dot + 1);
  if (AUTH_START.test(eventType)) return [["authentication"], ["start"]];
  if (AUTH_END.test(eventType)) return [["authentication"], ["end"]];
  if (eventType === "request.authentication_failed") return [["authentication"], ["info"]];
  const change = /(^|_)create$/.test(verb) ? "creation"
    : /(^|_)delete$/.test(verb) ? "deletion"
      : /(^|_)update$/.test(verb) ? "change" : "info";
  if (family === "agent" || family === "ven") {
    const type = /^(activate|pair|unsuspend)$/.test(verb) ? "start"
      : /^(goodbye|deactivate|unpair|suspend)$/.test(verb) ? "end"
        : /^(update|upgrade)$/.test(verb) ? "change" : "info";
    return [["host"], [type]];
  }
  if (IAM.has(family)) return [["iam"], family === "user" && change !== "info" ? [change, "user"] : [change]];
  if (CONFIGURATION.has(family)) return [["configuration"], [change]];
  return null;
}

/** Whether text is an IPv4 or IPv6 address, as an Elasticsearch `ip` field accepts it. */
function isIp(text) {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(text)) return true;
  if (!text.includes(":") || /[^0-9a-fA-F:.]/.test(text)) return false;
  // The WHATWG URL parser validates IPv6 literals the same way in Node and browsers.
  try {
    return new URL(`http://[${text}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v) => (typeof v === "string" && v !== "" ? v : undefined);

/** Sets doc[a][b]... = value unless value is undefined. */
function put(doc, path, value) {
  if (value === undefined) return;
  const keys = path.split(".");
  let at = doc;
  for (const key of keys.slice(0, -1)) at = at[key] ??= {};
  at[keys[keys.length - 1]] = value;
}

/**
 * Maps a PCE event to an ECS document. Pure and synchronous. The PCE fields that went
 * verbatim into an ECS field (timestamp, event_type, severity, pce_fqdn) leave `illumio`;
 * every other field, known or not, stays under `illumio` with the PCE's own name and value.
 */
export function toEcs(event) {
  if (!isObject(event)) {
    throw new TypeError(`toEcs expects a PCE event object, got ${event === null ? "null" : typeof event}`);
  }
  const illumio = { ...event };
  const doc = {};
  const moved = (field, path, value) => {
    put(doc, path, value);
    if (value !== undefined) delete illumio[field];
  };
  const timestamp = typeof event.timestamp === "string" && !Number.isNaN(Date.parse(event.timestamp))
    ? event.timestamp : undefined;
  moved("timestamp", "@timestamp", timestamp);
  put(doc, "ecs.version", ECS_VERSION);
  put(doc, "event.kind", "event");
  put(doc, "event.module", "illumio");
  const eventType = text(event.event_type);
  moved("event_type", "event.action", eventType);
  const categories = eventType === undefined ? null : categorize(eventType);
  if (categories) {
    put(doc, "event.category", categories[0]);
    put(doc, "event.type", categories[1]);
  }
  put(doc, "event.outcome", event.status === "success" || event.status === "failure" ? event.status : "unknown");
  const href = text(event.href);
  put(doc, "event.id", href?.slice(href.lastIndexOf("/") + 1) || undefined);
  const severity = text(event.severity);
  put(doc, "event.severity", Object.hasOwn(SEVERITY_CODES, severity ?? "") ? SEVERITY_CODES[severity] : undefined);
  moved("severity", "log.level", severity);
  moved("pce_fqdn", "observer.hostname", text(event.pce_fqdn));

  const createdBy = isObject(event.created_by) ? event.created_by : {};
  const [kind] = Object.keys(createdBy);
  const creator = isObject(createdBy[kind]) ? createdBy[kind] : {};
  if (kind === "user" || kind === "service_account") {
    put(doc, "user.name", text(creator.username) ?? text(creator.name));
    put(doc, "user.id", text(creator.href));
  } else if (kind === "agent" || kind === "ven") {
    put(doc, "host.hostname", text(creator.hostname));
    put(doc, "host.id", text(creator.href));
  }

  const action = isObject(event.action) ? event.action : {};
  const ip = text(action.src_ip);
  put(doc, "source.ip", ip !== undefined && isIp(ip) ? ip : undefined);
  put(doc, "url.path", text(action.api_endpoint));
  put(doc, "http.request.method", text(action.api_method));
  const code = action.http_status_code;
  put(doc, "http.response.status_code", Number.isSafeInteger(code) ? code : undefined);

  doc.illumio = illumio;
  return doc;
}
