// Node's ES module entry: the CommonJS entry is the one instance for both module systems,
// so `import` and `require` in one process share the same WebAssembly memory.
export { queryEvents, countEvents, getEvent, watchEvents, eventTimeline, queryTimeline, isPceError, toEcs } from "./index.cjs";
