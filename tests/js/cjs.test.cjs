// CommonJS consumers: require("illumio-events") works, and shares one instance with import.
const { after, before, describe, it } = require("node:test");
const assert = require("node:assert/strict");

describe("require(\"illumio-events\")", { timeout: 60000 }, () => {
  let sim;
  let helpers;
  before(async () => {
    const { startSim } = await import("./sim.mjs");
    helpers = await import("./helpers.mjs");
    sim = await startSim();
  });
  after(async () => { await sim?.stop(); });

  it("exports the four functions", () => {
    const pkg = require("illumio-events");
    for (const name of ["queryEvents", "countEvents", "getEvent", "isPceError"]) {
      assert.equal(typeof pkg[name], "function", name);
    }
  });

  it("runs a query, a count and a get", async () => {
    const { queryEvents, countEvents, getEvent } = require("illumio-events");
    await sim.clearRequests();
    const events = await queryEvents(sim.config(), { maxResults: 5 });
    assert.equal(events.length, 5);
    const { body } = await sim.rawJson("/orgs/1/events?max_results=5");
    assert.deepStrictEqual(events, body);
    assert.ok((await countEvents(sim.config())) >= 3000);
    assert.deepStrictEqual(await getEvent(sim.config(), events[0].href), events[0]);
    const requests = await helpers.sent(sim);
    assert.deepEqual(requests.map((r) => r.query), ["max_results=5", "max_results=0", ""]);
  });

  it("rejects with a PceError that isPceError recognises", async () => {
    const { queryEvents, isPceError } = require("illumio-events");
    const error = await helpers.rejection(() => queryEvents(sim.config(), { evenType: "x" }));
    assert.equal(isPceError(error), true);
    helpers.assertInvalidArgument(error, "evenType");
  });

  it("ESM import and CJS require share one instance", async () => {
    const cjs = require("illumio-events");
    const esm = await import("illumio-events");
    for (const name of ["queryEvents", "countEvents", "getEvent", "isPceError"]) {
      assert.equal(esm[name], cjs[name], name);
    }
    const fromEsm = await helpers.rejection(() => esm.getEvent(sim.config(), "../x"));
    assert.equal(cjs.isPceError(fromEsm), true);
    const [a, b] = await Promise.all([cjs.queryEvents(sim.config(), { maxResults: 3 }), esm.queryEvents(sim.config(), { maxResults: 3 })]);
    assert.deepStrictEqual(a, b);
  });
});
