// The one budget a test checks: the packed package's wasm, gzipped, in bytes (deterministic).
// The goal (under 100 KB) and the history live in BENCHMARKS.md; this guards against regressions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const WASM_GZIP_BUDGET = 100_000;

test(`the wasm stays under ${WASM_GZIP_BUDGET} bytes gzipped, and both runtimes ship the same module`, () => {
  const root = dirname(createRequire(import.meta.url).resolve("illumio-events/package.json"));
  const node = readFileSync(join(root, "node/illumio_events_bg.wasm"));
  const web = readFileSync(join(root, "web/illumio_events_bg.wasm"));
  assert.ok(node.equals(web));
  const gzipped = gzipSync(node, { level: 9 }).length;
  assert.ok(gzipped < WASM_GZIP_BUDGET, `${gzipped} bytes gzipped, over the budget of ${WASM_GZIP_BUDGET}`);
  assert.ok(gzipped > 10_000, `${gzipped} bytes: not a real build`);
});
