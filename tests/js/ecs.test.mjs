// toEcs: every document it makes checked against the ECS field definitions of @elastic/ecs
// (its EcsFlat table: each field's type, allowed values and whether it may be an array),
// over every event pce-sim generates and every fixture; and nothing of the event is lost.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { toEcs, queryEvents } from "illumio-events";
import { EcsFlat, EcsVersion } from "@elastic/ecs";
import { startSim } from "./sim.mjs";

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/illumio-py-events.json", import.meta.url), "utf8"));
const STRINGS = new Set(["keyword", "constant_keyword", "wildcard", "match_only_text", "text"]);

/** Every problem of one document as ECS sees it; custom fields live under `illumio` only. */
function ecsProblems(doc) {
  const problems = [];
  const check = (name, value) => {
    const field = EcsFlat[name];
    if (field.type === "object" || field.type === "flattened" || field.type === "nested") return;
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !field.normalize.includes("array")) problems.push(`${name} is an array`);
    for (const v of values) {
      const ok = STRINGS.has(field.type) ? typeof v === "string"
        : field.type === "long" || field.type === "integer" ? Number.isSafeInteger(v)
          : field.type === "date" ? typeof v === "string" && !Number.isNaN(Date.parse(v))
            : field.type === "ip" ? typeof v === "string" && isIP(v) !== 0
              : false;
      if (!ok) problems.push(`${name} = ${JSON.stringify(v)} is not a ${field.type}`);
      if (field.allowed_values && !field.allowed_values.some((a) => a.name === v)) {
        problems.push(`${name} = ${JSON.stringify(v)} is not an allowed value`);
      }
    }
  };
  const walk = (object, prefix) => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix + key;
      if (name === "illumio") continue;
      if (EcsFlat[name]) check(name, value);
      else if (value !== null && typeof value === "object" && !Array.isArray(value)) walk(value, `${name}.`);
      else problems.push(`${name} is not an ECS ${EcsVersion} field`);
    }
  };
  walk(doc, "");
  // Each event.type must be one the ECS lists for the document's categories.
  const categories = doc.event?.category ?? [];
  for (const type of doc.event?.type ?? []) {
    const expected = categories.flatMap((c) =>
      EcsFlat["event.category"].allowed_values.find((a) => a.name === c)?.expected_event_types ?? []);
    if (!expected.includes(type)) problems.push(`event.type ${type} is not expected for ${categories}`);
  }
  if (doc["@timestamp"] === undefined) problems.push("no @timestamp");
  return problems;
}

/** The PCE event back from a document: what proves that nothing was lost. */
function original(doc) {
  const event = { ...doc.illumio };
  if (doc["@timestamp"] !== undefined) event.timestamp = doc["@timestamp"];
  if (doc.event.action !== undefined) event.event_type = doc.event.action;
  if (doc.log?.level !== undefined) event.severity = doc.log.level;
  if (doc.observer?.hostname !== undefined) event.pce_fqdn = doc.observer.hostname;
  return event;
}

/** Sorted keys, so that deepEqual compares content and not key order. */
const canonical = (v) => (Array.isArray(v) ? v.map(canonical)
  : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);

describe("toEcs", { timeout: 120000 }, () => {
  let sim;
  let generated;
  before(async () => {
    sim = await startSim();
    generated = await queryEvents(sim.config(), { maxResults: 10000 });
  });
  after(async () => { await sim?.stop(); });

  it("the check has teeth: it refuses unknown names, wrong types, unexpected types and arrays", () => {
    const good = toEcs(fixtures[1]);
    assert.deepEqual(ecsProblems(good), []);
    const broken = structuredClone(good);
    broken.event.severity = "info";
    broken.event.actions = "x";
    broken.source.ip = "FILTERED";
    broken.event.type = ["deletion"];
    broken.log.level = ["info"];
    assert.deepEqual(ecsProblems(broken).sort(), [
      "event.actions is not an ECS 9.4.0 field".replace("9.4.0", EcsVersion),
      "event.severity = \"info\" is not a long",
      "event.type deletion is not expected for authentication",
      "log.level is an array",
      "source.ip = \"FILTERED\" is not a ip",
    ].sort());
    const untimed = structuredClone(good);
    delete untimed["@timestamp"];
    assert.deepEqual(ecsProblems(untimed), ["no @timestamp"]);
    assert.deepEqual(ecsProblems({ ...good, event: { ...good.event, kind: "eventful" } }),
      ["event.kind = \"eventful\" is not an allowed value"]);
  });

  it("maps every generated event and every fixture to valid ECS and keeps every source field", () => {
    const events = [...generated, ...fixtures];
    assert.ok(generated.length > 3000, `${generated.length} generated events`);
    const categories = new Set();
    for (const event of events) {
      const doc = toEcs(event);
      assert.deepEqual(ecsProblems(doc), [], `${event.event_type} ${event.href}`);
      assert.deepEqual(canonical(original(doc)), canonical(event), `lost a field of ${event.href}`);
      assert.deepEqual(doc, JSON.parse(JSON.stringify(doc)), "plain JSON");
      for (const c of doc.event.category ?? []) categories.add(c);
    }
    assert.deepEqual([...categories].sort(), ["authentication", "configuration", "host", "iam"]);
  });

  it("maps the fields the README lists", () => {
    const signIn = fixtures.find((e) => e.event_type === "user.sign_in");
    const doc = toEcs(signIn);
    assert.equal(doc["@timestamp"], signIn.timestamp);
    assert.equal(doc.ecs.version, EcsVersion);
    assert.deepEqual(doc.event, {
      kind: "event", module: "illumio", action: "user.sign_in", category: ["authentication"], type: ["start"],
      outcome: "success", id: signIn.href.split("/").pop(), severity: 6,
    });
    assert.deepEqual(doc.log, { level: "info" });
    assert.deepEqual(doc.user, { name: "first.last@company.com", id: "/users/1" });
    assert.deepEqual(doc.source, { ip: "10.10.10.10" });
    assert.deepEqual(doc.observer, { hostname: "pce.company.com" });
    assert.deepEqual(doc.url, { path: "/login/users/sign_in" });
    assert.deepEqual(doc.http, { request: { method: "POST" }, response: { status_code: 302 } });
    assert.equal(doc.illumio.href, signIn.href);
    assert.equal(doc.illumio.status, "success");
    assert.equal(doc.illumio.timestamp, undefined);

    const agent = generated.find((e) => e.created_by.agent?.hostname || e.created_by.ven?.hostname);
    const agentDoc = toEcs(agent);
    assert.deepEqual(agentDoc.event.category, ["host"]);
    assert.equal(agentDoc.host.hostname, (agent.created_by.agent ?? agent.created_by.ven).hostname);
    const failed = generated.find((e) => e.status === "failure");
    assert.equal(toEcs(failed).event.outcome, "failure");
    const unknown = generated.find((e) => e.status === null);
    assert.equal(toEcs(unknown).event.outcome, "unknown");
    const filtered = generated.find((e) => e.action?.src_ip === "FILTERED");
    assert.equal(toEcs(filtered).source, undefined);
    assert.equal(toEcs(filtered).illumio.action.src_ip, "FILTERED");
  });

  it("keeps unknown fields and odd values under illumio, and refuses a non-object", () => {
    const odd = { href: "/orgs/1/events/x", timestamp: "not a date", event_type: "brand_new.thing", status: null,
      severity: "loud", pce_fqdn: null, created_by: { robot: { href: "/r/1" } }, action: null,
      resource_changes: [], notifications: [], future_field: { a: [1, 2] } };
    const doc = toEcs(odd);
    assert.deepEqual(ecsProblems(doc), ["no @timestamp"]);
    assert.deepEqual(canonical(original(doc)), canonical(odd));
    assert.equal(doc.event.category, undefined);
    assert.equal(doc.log.level, "loud");
    assert.equal(doc.event.severity, undefined);
    assert.throws(() => toEcs(null), TypeError);
    assert.throws(() => toEcs("x"), TypeError);
  });

  it("is the same function for require()", () => {
    const require = createRequire(import.meta.url);
    assert.deepEqual(require("illumio-events").toEcs(fixtures[0]), toEcs(fixtures[0]));
  });
});
