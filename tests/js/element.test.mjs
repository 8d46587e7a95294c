// `illumio-events/element` where there is no DOM (Node, server-side rendering): importing it,
// twice, defines nothing, loads no WebAssembly and throws nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

test("importing illumio-events/element in Node does nothing and throws nothing", async () => {
  assert.equal(typeof globalThis.customElements, "undefined");
  const first = await import("illumio-events/element");
  const second = await import("illumio-events/element");
  assert.deepEqual(Object.keys(first), []);
  assert.equal(first, second);
  assert.equal(typeof globalThis.customElements, "undefined");
  assert.equal(typeof globalThis.HTMLElement, "undefined");
});

test("the element's entry resolves through the package's exports, with its types", () => {
  const require = createRequire(import.meta.url);
  const pkg = require("illumio-events/package.json");
  assert.deepEqual(pkg.exports["./element"], { types: "./element.d.ts", default: "./element.js" });
  for (const file of ["element.js", "element.d.ts", "element/"]) assert.ok(pkg.files.includes(file), file);
  // The element defines itself on import: bundlers must keep it although nothing is imported by name.
  assert.ok(pkg.sideEffects.includes("./element.js"));
});
