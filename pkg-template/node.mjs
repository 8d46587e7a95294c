// Node's ES module entry: the CommonJS entry is the one instance for both module systems,
// so `import` and `require` in one process share the same WebAssembly memory. It is loaded
// with require and its exports named here: importing it would have Node scan its source for
// exports first (about 1.5 ms of a cold start).
import { createRequire } from "node:module";

const pkg = createRequire(import.meta.url)("./index.cjs");
export const { queryEvents, countEvents, getEvent, watchEvents, eventTimeline, queryTimeline, isPceError, toEcs } = pkg;
