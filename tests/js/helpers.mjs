// Assertions shared by the test files: what every request must look like, what every error must carry.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { isPceError, queryEvents } from "illumio-events";
import { API_KEY, API_SECRET, BASIC_AUTH } from "./sim.mjs";

export { delay };

/** Runs `call` and returns what it rejected with; fails if it resolved. */
export async function rejection(call) {
  let value;
  try {
    value = await call();
  } catch (error) {
    return error;
  }
  assert.fail(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
}

const FIELDS = ["status", "token", "pceMessage", "retryAfter", "url"];

/**
 * Checks the contract of every PceError: an Error named "PceError" with a kind, a readable
 * message, isPceError true, no credential anywhere; then `expected` field by field
 * (a field given as undefined must be absent).
 */
export function assertPceError(error, expected) {
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.equal(error.name, "PceError");
  assert.equal(isPceError(error), true);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 20 && /[a-z]/.test(error.message), `unreadable message: ${error.message}`);
  assert.ok(!/\bat \S+ \(|wasm-function|RuntimeError|unreachable|panicked/.test(error.message), error.message);
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(error[key], value, `${key} of ${error.message}`);
  }
  for (const key of FIELDS) {
    if (error[key] !== undefined) {
      const type = key === "status" || key === "retryAfter" ? "number" : "string";
      assert.equal(typeof error[key], type, `${key} is ${typeof error[key]}`);
    }
  }
  assertNoSecret(error);
  return error;
}

/** The secret (and the Basic header that encodes it) appear nowhere in an error. */
export function assertNoSecret(error) {
  const everything = [error.message, String(error.stack), JSON.stringify(error), String(error),
    ...FIELDS.map((k) => String(error[k]))].join("\n");
  const encoded = BASIC_AUTH.slice("Basic ".length);
  for (const secret of [API_SECRET, encoded, `${API_KEY}:`]) {
    assert.ok(!everything.includes(secret), `the error reveals ${secret}: ${everything}`);
  }
}

/** An invalid_argument that names `option`. */
export function assertInvalidArgument(error, option) {
  assertPceError(error, { kind: "invalid_argument", status: undefined });
  assert.ok(error.message.includes(`\`${option}\``), `message does not name ${option}: ${error.message}`);
}

/**
 * The API requests since the last clearRequests(), each checked: only GET, Accept: application/json,
 * the Basic header of the test credentials (or none, with `auth: false`).
 */
export async function sent(sim, { auth = true } = {}) {
  const requests = await sim.requests();
  for (const r of requests) {
    assert.equal(r.method, "GET", `${r.method} ${r.path}`);
    assert.equal(r.headers.accept, "application/json", `Accept of ${r.path}`);
    if (auth) assert.equal(r.headers.authorization, BASIC_AUTH, `Authorization of ${r.path}`);
    else assert.equal(r.headers.authorization, undefined, `Authorization of ${r.path}`);
  }
  return requests;
}

/** Asserts that nothing at all reached the simulator's API. */
export async function assertNothingSent(sim) {
  assert.deepEqual(await sim.requests(), []);
}

/** After a failure the next call works: a plain query of two events. */
export async function assertRecovers(sim, config = sim.config()) {
  await sim.clearFaults();
  const events = await queryEvents(config, { maxResults: 2 });
  assert.equal(events.length, 2);
  for (const e of events) assert.equal(typeof e.href, "string");
}

/** Waits, then asserts no further API request arrived: the operation really stopped. */
export async function assertQuiet(sim, ms = 700) {
  const before = (await sim.requests()).length;
  await delay(ms);
  assert.equal((await sim.requests()).length, before, "requests kept arriving after the operation ended");
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bounds a wait: rejects after `ms` unless `promise` settled first. */
export async function within(ms, promise, what = "the call") {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}
