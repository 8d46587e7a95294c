// Seeds fuzz/corpus/<target>/ from tests/fixtures/illumio-py-events.json and the hand-written
// cases below, in each target's input layout (see the `Input` struct of each fuzz target).
// Usage: node fuzz/seed-corpus.mjs [FIXTURES]. Idempotent: files are named by their content's hash.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const fixturesPath = process.argv[2] ?? `${here}../tests/fixtures/illumio-py-events.json`;
const fixtureText = readFileSync(fixturesPath, "utf8");
const fixtures = JSON.parse(fixtureText);

const counts = {};
function seed(target, bytes) {
  const dir = `${here}corpus/${target}`;
  mkdirSync(dir, { recursive: true });
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  writeFileSync(`${dir}/seed-${createHash("sha1").update(buf).digest("hex").slice(0, 16)}`, buf);
  counts[target] = (counts[target] ?? 0) + 1;
}
const prefixed = (prefix, text) => Buffer.concat([Buffer.from(prefix), Buffer.from(text)]);

// Every string that looks like an href or a timestamp anywhere in the fixtures.
const strings = [];
(function walk(v) {
  if (typeof v === "string") strings.push(v);
  else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
})(fixtures);
const hrefs = [...new Set(strings.filter((s) => s.startsWith("/")))];
const timestamps = [...new Set(strings.filter((s) => /^\d{4}-\d\d-\d\dT/.test(s)))];

// check_events: raw bodies.
seed("check_events", fixtureText);
seed("check_events", JSON.stringify(fixtures));
for (const e of fixtures) {
  seed("check_events", JSON.stringify(e));
  seed("check_events", JSON.stringify([e]));
}
for (const body of ["[]", "{}", "[{}]", "null", "[1]", '[{"href":"/orgs/1/events/a","href":5,"timestamp":"t","event_type":"e"}]',
  '{"href":"\\/orgs\\/1\\/events\\/a","timestamp":"2022","event_type":"x"}', "[".repeat(200), '[{"x":1e400}]']) {
  seed("check_events", body);
}

// href: org_id (8 bytes), prefix choice (1 byte), then the href.
const orgPrefix = Buffer.alloc(9);
orgPrefix.writeBigUInt64LE(1n);
for (const h of [...hrefs, "71d7ba77-7a84-4e56-ae46-7226b983b550", "/orgs/1/jobs/abc-1", "/api/v2/orgs/1/jobs/abc-1",
  "/orgs/1/datafiles/d1", "/api/v2/orgs/1/datafiles/d1", "/orgs/1/events/../../users", "/system_events/a%2F", "//evil/x"]) {
  seed("href", prefixed(orgPrefix, h));
}

// rfc3339: millis (8 bytes), secs (8 bytes), then the text.
for (const t of [...timestamps, "2026-11-01T00:00:00+01:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:60.999999999-23:59",
  "2022-08-17t17:48:26.666000001z", "Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 29 Feb 2024 23:59:59 GMT"]) {
  seed("rfc3339", prefixed(Buffer.alloc(16), t));
}

// retry_after: now_ms (8 bytes), attempt, maxRetries (1 byte each), jitter (2 bytes), then the header.
const now = Buffer.alloc(12);
now.writeBigInt64LE(BigInt(Date.parse(timestamps[0] ?? "2022-08-17T18:12:24.268Z")));
now[9] = 3;
for (const h of ["0", "7", "120", " 5 ", "", "-1", "1.5", "Sun, 06 Nov 1994 08:49:37 GMT", "Wed, 21 Oct 2099 07:28:00 GMT", "9".repeat(400)]) {
  seed("retry_after", prefixed(now, h));
}

// async_job: no Location, no Retry-After, no earlier polls (3 zero bytes), then a job body.
const job = (fields) => JSON.stringify({ href: "/orgs/1/jobs/x", job_type: ":illumio/async_requests", description: "/api/v2/orgs/1/events", result: {}, requested_at: timestamps[0], requested_by: { href: "/users/1" }, ...fields });
for (const body of [job({ status: "running" }), job({ status: "pending" }), job({ status: "done", result: { href: "/orgs/1/datafiles/d1" }, terminated_at: timestamps[0] }),
  job({ status: "done", result: { href: "/api/v2/orgs/1/datafiles/d-1" } }), job({ status: "failed", result: { message: "no" } }),
  job({ status: "failed", errors: [{ message: "x" }] }), job({ status: "done", result: { href: "/orgs/1/workloads/x" } }), "[]", "null", '{"status":3}']) {
  seed("async_job", prefixed(Buffer.alloc(3), body));
}

// query: a generator builds the option lists; a few byte strings to start from.
for (let i = 0; i < 8; i++) seed("query", createHash("sha256").update(`query seed ${i}`).digest());

console.log(`seeded ${Object.entries(counts).map(([t, n]) => `${t}: ${n}`).join(", ")} (fixtures: ${fixtures.length} events, ${hrefs.length} hrefs, ${timestamps.length} timestamps)`);
