// Node's CommonJS entry, and the one instance Node's ES module entry re-exports, so that
// `import` and `require` in one process share the same WebAssembly memory.
const wasm = require("./illumio_events.cjs");
const { makeEventTimeline, timelineOf } = require("./timeline.cjs");
const { makeQueryTimeline } = require("./query-timeline.cjs");
const { toEcs } = require("./ecs.cjs");
const { exchange } = require("./transport.cjs");
const { makeGetEvent } = require("./get-event.cjs");

exports.queryEvents = wasm.queryEvents;
exports.countEvents = wasm.countEvents;
exports.getEvent = makeGetEvent(wasm, exchange);
exports.watchEvents = wasm.watchEvents;
exports.eventTimeline = makeEventTimeline(wasm);
exports.queryTimeline = makeQueryTimeline({ ...wasm, eventTimeline: exports.eventTimeline, timelineOf });
exports.isPceError = wasm.isPceError;
exports.toEcs = toEcs;
