// The browser and bundler entry. The WebAssembly is fetched and instantiated while this
// module loads, so every export, the synchronous ones included, works once the import resolves.
import init, * as wasm from "./illumio_events.js";
import { makeEventTimeline, timelineOf } from "./timeline.js";
import { makeQueryTimeline } from "./query-timeline.js";
import { makeGetEvent } from "./get-event.js";
import * as transport from "./transport.js";

await init({ module_or_path: new URL("./illumio_events_bg.wasm", import.meta.url) });

export { queryEvents, countEvents, watchEvents, isPceError } from "./illumio_events.js";
export const getEvent = makeGetEvent(wasm, transport);
export const eventTimeline = makeEventTimeline(wasm);
export const queryTimeline = makeQueryTimeline({ ...wasm, eventTimeline, timelineOf });
export { toEcs } from "./ecs.js";
