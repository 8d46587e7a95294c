// The detail panel of <pce-event-timeline> for one event: who, what, where, how, notifications, raw JSON.
// Every value is set as text.

import { h, clear, fmtDateTime, zoneLabel, creator, sevClass, str } from "./dom.js";

function section(title, ...body) {
  return h("section", { class: "d-section" }, h("h3", {}, title), ...body);
}

function fields(rows) {
  const dl = h("dl", { class: "kv" });
  for (const [k, v, cls] of rows) {
    if (v === undefined) continue;
    dl.append(h("dt", {}, k), h("dd", cls ? { class: cls } : {}, v instanceof Node ? v : str(v)));
  }
  return dl;
}

function value(v) {
  if (v === undefined) return h("span", { class: "muted" }, "(absent)");
  if (v === null) return h("span", { class: "muted" }, "null");
  if (typeof v === "string") return h("span", { class: "v-str" }, v);
  return h("code", { class: "v-json" }, JSON.stringify(v));
}

function changeRows(changes) {
  if (!changes || typeof changes !== "object" || !Object.keys(changes).length) {
    return h("p", { class: "muted" }, "No field changes recorded.");
  }
  const table = h("table", { class: "changes" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "field"), h("th", { scope: "col" }, "before"),
      h("th", { scope: "col", class: "arrow" }, ""), h("th", { scope: "col" }, "after"))));
  const tbody = h("tbody");
  for (const [field, ch] of Object.entries(changes)) {
    if (ch && typeof ch === "object" && ("created" in ch || "deleted" in ch) && !("before" in ch) && !("after" in ch)) {
      tbody.append(h("tr", {}, h("th", { scope: "row" }, field),
        h("td", {}, "deleted" in ch ? value(ch.deleted) : value(undefined)),
        h("td", { class: "arrow", "aria-label": "then" }, "→"),
        h("td", {}, "created" in ch ? value(ch.created) : value(undefined))));
    } else {
      const c = ch && typeof ch === "object" ? ch : { after: ch };
      tbody.append(h("tr", {}, h("th", { scope: "row" }, field), h("td", {}, value(c.before)),
        h("td", { class: "arrow", "aria-label": "becomes" }, "→"), h("td", {}, value(c.after))));
    }
  }
  table.append(tbody);
  return h("div", { class: "table-scroll" }, table);
}

function resourceName(resource) {
  if (!resource || typeof resource !== "object") return ["resource", "—"];
  const kind = Object.keys(resource)[0] ?? "resource";
  const r = resource[kind];
  if (!r || typeof r !== "object") return [kind, str(r)];
  return [kind, str(r.name ?? r.username ?? r.hostname ?? r.value ?? r.href ?? "")];
}

/** Fills the panel's kicker, title and body with one event, every value as text. */
export function renderDetail(ev, { kicker, title, body, onCopy }) {
  const t = Date.parse(ev.timestamp);
  kicker.textContent = ev.pce_fqdn ? `${str(ev.pce_fqdn)}` : "event";
  title.textContent = str(ev.event_type);
  clear(body);

  const sev = typeof ev.severity === "string" ? ev.severity : str(ev.severity);
  body.append(h("div", { class: "d-badges" },
    h("span", { class: `badge ${sevClass(sev)}` }, sev),
    h("span", { class: `pill ${ev.status === "failure" ? "st-failure" : ev.status === "success" ? "st-success" : "st-other"}` },
      ev.status === null || ev.status === undefined ? "no status" : str(ev.status)),
    h("span", { class: "d-time" }, fmtDateTime(t, { millis: true }), h("span", { class: "muted" }, ` ${zoneLabel()}`))));

  // Who
  const [kind, name] = creator(ev);
  const cb = ev.created_by && typeof ev.created_by === "object" ? ev.created_by[kind] : undefined;
  const whoRows = [["kind", kind], ["name", kind === "system" ? "the PCE itself" : name]];
  if (cb && typeof cb === "object") {
    for (const [k, v] of Object.entries(cb)) if (!["username", "hostname", "name"].includes(k) || v !== name) whoRows.push([k, value(v)]);
  }
  body.append(section("Who", fields(whoRows)));

  // What
  body.append(section("What", fields([
    ["event type", str(ev.event_type)],
    ["status", value(ev.status)],
    ["severity", value(ev.severity)],
    ["timestamp", str(ev.timestamp)],
    ["href", h("code", { class: "v-json" }, str(ev.href))],
  ])));

  // Where
  const changes = Array.isArray(ev.resource_changes) ? ev.resource_changes : [];
  body.append(section(`Where · ${changes.length} resource change${changes.length === 1 ? "" : "s"}`,
    changes.length
      ? h("div", { class: "d-changes" }, changes.map((rc) => {
        const [rkind, rname] = resourceName(rc?.resource);
        const href = rc?.resource?.[rkind]?.href;
        return h("div", { class: "d-change" },
          h("p", { class: "d-change-head" },
            h("span", { class: `pill ct-${["create", "update", "delete"].includes(rc?.change_type) ? rc.change_type : "other"}` }, str(rc?.change_type)),
            h("strong", {}, rkind), " ", rname,
            href && href !== rname ? h("code", { class: "v-json d-href" }, str(href)) : null),
          changeRows(rc?.changes));
      }))
      : h("p", { class: "muted" }, "No resource changed.")));

  // How
  const act = ev.action && typeof ev.action === "object" ? ev.action : null;
  body.append(section("How", act
    ? fields([
      ["API call", `${str(act.api_method ?? "—")} ${str(act.api_endpoint ?? "—")}`],
      ["HTTP status", value(act.http_status_code)],
      ["source IP", value(act.src_ip)],
      ["action uuid", act.uuid === undefined ? undefined : value(act.uuid)],
      ["info", act.info === undefined ? undefined : value(act.info)],
    ])
    : h("p", { class: "muted" }, "No action recorded (action is null).")));

  // Notifications
  const notes = Array.isArray(ev.notifications) ? ev.notifications : [];
  body.append(section(`Notifications · ${notes.length}`,
    notes.length
      ? h("ul", { class: "d-notes" }, notes.map((n) => h("li", {},
        h("strong", {}, str(n?.notification_type)),
        n?.info === null || n?.info === undefined
          ? h("span", { class: "muted" }, " no info")
          : h("pre", { class: "mini-json" }, JSON.stringify(n.info, null, 2)))))
      : h("p", { class: "muted" }, "None.")));

  // Raw JSON
  const raw = JSON.stringify(ev, null, 2);
  body.append(section("Raw JSON",
    h("div", { class: "raw-tools" }, h("button", { type: "button", class: "btn small", onclick: () => onCopy(raw) }, "Copy JSON")),
    h("pre", { class: "raw", tabindex: "0", "aria-label": "The event's raw JSON" }, raw)));
}
