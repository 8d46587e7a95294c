// The packed package's own page and metadata, as npm shows them: its README is
// pkg-template/README.md (a user's guide, no test reports), and package.json links home.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = dirname(createRequire(import.meta.url).resolve("illumio-events/package.json"));
const repo = new URL("../../", import.meta.url);

test("the tarball's README is the package's own page", () => {
  const shipped = readFileSync(join(root, "README.md"), "utf8");
  assert.equal(shipped, readFileSync(new URL("pkg-template/README.md", repo), "utf8"));
  for (const section of ["npm install illumio-events", "createdBy", "pceFqdn", "The 100-event default", "## Errors", "CORS", "TLS"]) {
    assert.ok(shipped.includes(section), `the page covers ${section}`);
  }
  for (const report of ["make test", "Fuzzing", "inputs tried", "load average", "BENCHMARKS.md"]) {
    assert.ok(!shipped.includes(report), `no test report or build note on the page: ${report}`);
  }
});

test("package.json names the repository, home page and issue tracker, and has no side effects", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.match(pkg.repository?.url ?? "", /^git\+https:\/\//);
  assert.match(pkg.homepage ?? "", /^https:\/\//);
  assert.match(pkg.bugs?.url ?? "", /^https:\/\//);
  assert.ok(pkg.files.includes("README.md"));
  assert.ok(pkg.sideEffects === false || Array.isArray(pkg.sideEffects));
});
