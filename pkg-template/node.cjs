// Node's CommonJS entry, and the one instance Node's ES module entry re-exports, so that
// `import` and `require` in one process share the same WebAssembly memory.
const wasm = require("./illumio_events.cjs");
const { makeEventTimeline, timelineOf } = require("./timeline.cjs");
const transport = require("./transport.cjs");
const { makeGetEvent } = require("./get-event.cjs");

exports.queryEvents = wasm.queryEvents;
exports.countEvents = wasm.countEvents;
exports.getEvent = makeGetEvent(wasm, transport);
exports.watchEvents = wasm.watchEvents;
exports.eventTimeline = makeEventTimeline(wasm);
exports.isPceError = wasm.isPceError;

// Loaded at their first call: each module loaded at import adds to every process's cold start.
let planned;
exports.queryTimeline = function queryTimeline(config, query, options) {
  planned ??= require("./query-timeline.cjs").makeQueryTimeline({ ...wasm, eventTimeline: exports.eventTimeline, timelineOf });
  return planned(config, query, options);
};
exports.toEcs = function toEcs(event) {
  return require("./ecs.cjs").toEcs(event);
};
