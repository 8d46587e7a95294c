// `illumio-events tail`, from the packed tarball with npx, against pce-sim while events keep
// arriving (ties, late ones, bursts): killed with SIGKILL at random instants and restarted 20
// times, it writes the same events as one uninterrupted run, each exactly once.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { startSim } from "./sim.mjs";
import { assertNoSecretIn, killGroup, outputs, pceEnv, run, scratchInstall } from "./cli-helpers.mjs";

let dir;
let sim;
before(async () => {
  dir = scratchInstall();
  sim = await startSim(["--events", "200", "--async-delay-ms", "0"]);
});
after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const simNow = async () => Date.parse((await sim.control("GET", "clock")).now);
const iso = (ms) => new Date(ms).toISOString();
/** The events of an NDJSON file; `partial` allows a last line still without its line break. */
function lines(path, { partial = false } = {}) {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  if (!partial) assert.equal(end, text.length, `${path} ends in a torn line`);
  return text.slice(0, end).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** A seeded random number generator, so that a failure can be replayed. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// 20 here; make bench runs a longer soak of the same test with TAIL_KILLS=200.
const KILLS = Number(process.env.TAIL_KILLS ?? 20);

it(`tail survives ${KILLS} SIGKILLs at random instants: the same events as an uninterrupted run, each exactly once`, { timeout: 120000 + KILLS * 4000 }, async (t) => {
  const seed = Number(process.env.TAIL_SEED ?? Date.now() % 100000);
  const rand = random(seed);
  // Well before the first late event, so that only the lookback decides what is late.
  const since = iso((await simNow()) - 600000);
  const args = (name) => ["tail", "--event-type", "test.tail", "--since", since, "--interval", "100ms", "--lookback", "60s",
    "--out", join(dir, `${name}.ndjson`), "--state", join(dir, `${name}.state`)];
  const env = pceEnv(sim);

  // Events keep arriving: ties at one instant, a late one inside the lookback, now and then a burst.
  const injected = new Set();
  let feeding = true;
  const feed = (async () => {
    for (let round = 0; feeding; round++) {
      const now = await simNow();
      const batches = [
        { generate: 1 + Math.floor(rand() * 5), timestamp: iso(now), spread_ms: 0 },
        { generate: 1, timestamp: iso(now - 20000), spread_ms: 0 },
      ];
      if (round % 15 === 3) batches.push({ generate: 400, timestamp: iso(now - 2000), spread_ms: 2000 });
      for (const b of batches) {
        for (const e of await sim.inject({ ...b, overrides: { event_type: "test.tail" } })) injected.add(e.href);
      }
      await delay(150);
    }
  })();

  let wholeChild;
  let last;
  // Whatever fails, no run outlives the test.
  after(() => { for (const c of [wholeChild, last]) if (c && c.exitCode === null) killGroup(c, "SIGKILL"); });
  const whole = run(dir, args("whole"), { env, timeout: 100000 + KILLS * 4000, onSpawn: (child) => { wholeChild = child; } });
  const killedAt = [];
  let midBatch = 0;
  for (let i = 0; i < KILLS; i++) {
    let child;
    const piece = run(dir, args("pieces"), { env, onSpawn: (c) => { child = c; } });
    // npx and node start in about half a second; kill anywhere from before the first batch to well after.
    const wait = Math.floor(200 + rand() * 1300);
    await delay(wait);
    killGroup(child, "SIGKILL");
    const result = await piece;
    assert.equal(result.signal, "SIGKILL", `run ${i} ended by itself: ${result.code} ${result.stderr}`);
    killedAt.push(wait);
    // How often a kill fell between a batch's write and its state: FILE longer than STATE says.
    const state = existsSync(join(dir, "pieces.state")) ? JSON.parse(readFileSync(join(dir, "pieces.state"), "utf8")) : null;
    if (state?.length !== null && state !== null && readFileSync(join(dir, "pieces.ndjson")).length > state.length) midBatch++;
    // A torn write after the last saved batch, as a crash in the middle of a write leaves it.
    if (i % 5 === 2 && existsSync(join(dir, "pieces.ndjson"))) appendFileSync(join(dir, "pieces.ndjson"), '{"href":"/orgs/1/events/torn');
  }
  feeding = false;
  await feed;

  // The last run and the uninterrupted one catch up with everything, then stop as Ctrl-C stops them.
  const final = run(dir, args("pieces"), { env, onSpawn: (c) => { last = c; } });
  const deadline = Date.now() + 60000;
  const hrefs = (name) => lines(join(dir, `${name}.ndjson`), { partial: true }).map((e) => e.href);
  while (hrefs("pieces").length < injected.size || hrefs("whole").length < injected.size) {
    if (Date.now() > deadline) {
      const missing = [...injected].filter((h) => !hrefs("pieces").includes(h)).slice(0, 5);
      assert.fail(`caught up with ${hrefs("pieces").length} and ${hrefs("whole").length} of ${injected.size} (seed ${seed}), missing ${missing}`);
    }
    await delay(200);
  }
  await delay(500);
  killGroup(last, "SIGINT");
  killGroup(wholeChild, "SIGINT");
  await final;
  await whole;

  t.diagnostic(`${injected.size} events, seed ${seed}, ${midBatch} of ${KILLS} kills left FILE longer than STATE (a torn write the test appended included)`);
  const pieces = lines(join(dir, "pieces.ndjson"));
  const wholeRun = lines(join(dir, "whole.ndjson"));
  const message = `seed ${seed}, kills after ${killedAt.join(", ")} ms`;
  assert.equal(new Set(pieces.map((e) => e.href)).size, pieces.length, `an event twice: ${message}`);
  assert.equal(new Set(wholeRun.map((e) => e.href)).size, wholeRun.length, `an event twice in the whole run: ${message}`);
  assert.deepEqual(new Set(pieces.map((e) => e.href)), injected, message);
  const byHref = new Map(wholeRun.map((e) => [e.href, e]));
  assert.equal(byHref.size, injected.size);
  for (const e of pieces) assert.deepStrictEqual(e, byHref.get(e.href));
  const state = JSON.parse(readFileSync(join(dir, "pieces.state"), "utf8"));
  assert.equal(state.length, readFileSync(join(dir, "pieces.ndjson")).length, "STATE holds FILE's length");
  assert.equal(typeof state.cursor, "string");
  assertNoSecretIn(outputs);
  assertNoSecretIn([readFileSync(join(dir, "pieces.state"), "utf8")]);
});

it("tail refuses a state of another org and another filter with exit code 2", async () => {
  const state = join(dir, "pieces.state");
  const base = ["tail", "--out", join(dir, "pieces.ndjson"), "--state", state, "--interval", "100ms", "--lookback", "60s"];
  const size = readFileSync(join(dir, "pieces.ndjson")).length;
  for (const [extra, env] of [[["--event-type", "test.tail"], { PCE_ORG: "2" }], [["--event-type", "other"], {}]]) {
    const out = await run(dir, [...base, ...extra], { env: pceEnv(sim, env) });
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, /^illumio-events tail: invalid_argument: .*`resumeFrom`.*another org/);
  }
  assert.equal(readFileSync(join(dir, "pieces.ndjson")).length, size, "FILE untouched");
});
