// <pce-event-timeline>: the event timeline as one tag. Importing this module defines the element
// (once, however often it is imported); where customElements does not exist (Node, server-side
// rendering) it defines nothing and throws nothing, and loads no WebAssembly.
//
// The element holds no credentials: it reaches the PCE through a same-origin proxy (`src`), and a
// `config` carrying apiKey/apiSecret is refused, since a key in a page is a key for every visitor.

const TAG = "pce-event-timeline";

if (typeof globalThis.customElements !== "undefined" && typeof globalThis.HTMLElement !== "undefined"
  && !globalThis.customElements.get(TAG)) {
  // The package and the element's parts load only in a browser; a dynamic import keeps Node quiet.
  const [ie, { PceEventTimeline }] = await Promise.all([import("./web/index.js"), import("./element/timeline-element.js")]);
  if (!globalThis.customElements.get(TAG)) {
    PceEventTimeline.use(ie);
    globalThis.customElements.define(TAG, PceEventTimeline);
  }
}

export {};
