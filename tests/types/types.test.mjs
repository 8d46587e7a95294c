// The package's public types, as TypeScript 5 users meet them: the packed tarball is installed
// into a scratch folder and tests/types/consumer/usage.ts is compiled with `tsc --noEmit --strict`
// as a Node ES module, as Node CommonJS (both moduleResolution nodenext) and for a bundler
// (moduleResolution bundler). Run by `make test-types` after `make consumer`.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tarball = join(root, "target/illumio-events.tgz");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const ts = createRequire(import.meta.url)(join(root, "node_modules/typescript"));
const scratch = join(root, "target/types-consumer");
const usage = readFileSync(new URL("./consumer/usage.ts", import.meta.url), "utf8");
// Node consumers get AbortSignal and friends from @types/node, as a Node project would.
const TYPES_NODE = "@types/node@20.19.9";

const NAMESPACE_IMPORT = 'import * as ie from "illumio-events";';
const installed = join(scratch, "node_modules/illumio-events");

before(() => {
  assert.ok(existsSync(tarball), `${tarball} is missing: run make consumer first`);
  assert.match(ts.version, /^5\./, "TypeScript 5 is required");
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "types-consumer", private: true }));
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--silent", tarball, TYPES_NODE], {
    cwd: scratch,
    stdio: ["ignore", "inherit", "inherit"],
  });
});

/** Writes one consumer project beside the shared node_modules and compiles it. */
function compile(name, { type, compilerOptions, source = usage }) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "es2022", ...compilerOptions }, files: ["usage.ts"] }, null, 2),
  );
  writeFileSync(join(dir, "usage.ts"), source);
  const run = spawnSync(process.execPath, [tsc, "-p", dir, "--noEmit", "--strict", "--listFiles"], {
    cwd: dir,
    encoding: "utf8",
  });
  const files = run.stdout.split("\n").filter((l) => l.startsWith("/")).map((f) => realpathSync(f));
  const diagnostics = run.stdout.split("\n").filter((l) => !l.startsWith("/") && l.trim()).join("\n");
  return { status: run.status, files, diagnostics: diagnostics + run.stderr };
}

/** Asserts a clean compile whose "illumio-events" resolved to the given shipped declaration file. */
function assertCompiles(result, declaration) {
  assert.equal(result.diagnostics, "", "tsc reported errors");
  assert.equal(result.status, 0);
  const shipped = realpathSync(join(installed, declaration));
  assert.ok(result.files.includes(shipped), `"illumio-events" did not resolve to ${declaration}: ${result.files.join(", ")}`);
  const other = declaration === "index.d.ts" ? "index.d.cts" : "index.d.ts";
  assert.ok(!result.files.includes(realpathSync(join(installed, other))), `${other} was loaded too`);
}

const nodeOptions = { module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"] };

test("a Node ES module consumer (nodenext) type-checks against index.d.ts", () => {
  assertCompiles(compile("esm", { type: "module", compilerOptions: nodeOptions }), "index.d.ts");
});

test("a Node CommonJS consumer (nodenext, import = require) type-checks against index.d.cts", () => {
  assert.ok(usage.includes(NAMESPACE_IMPORT));
  const source = usage.replace(NAMESPACE_IMPORT, 'import ie = require("illumio-events");');
  assertCompiles(compile("cjs", { type: "commonjs", compilerOptions: nodeOptions, source }), "index.d.cts");
});

test("a bundler consumer (esnext, moduleResolution bundler, DOM) type-checks against index.d.ts", () => {
  const compilerOptions = { module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] };
  assertCompiles(compile("bundler", { type: "module", compilerOptions }), "index.d.ts");
});

test("a dashboard using <pce-event-timeline> (bundler, DOM) type-checks against element.d.ts", () => {
  const source = readFileSync(new URL("./consumer/element.ts", import.meta.url), "utf8");
  const compilerOptions = { module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] };
  const result = compile("element", { type: "module", compilerOptions, source });
  assert.equal(result.diagnostics, "", "tsc reported errors");
  assert.equal(result.status, 0);
  assert.ok(result.files.includes(realpathSync(join(installed, "element.d.ts"))), "illumio-events/element did not resolve to element.d.ts");
  // Without the directive, credentials in the element's config are an error.
  const withKey = source.replace("// @ts-expect-error a page must never hold a key: apiKey is refused by the types too\n", "");
  assert.notEqual(withKey, source);
  const negative = compile("element-negative", { type: "module", compilerOptions, source: withKey });
  assert.notEqual(negative.status, 0);
  // apiKey and apiSecret are typed `never`, so the strings given are the errors, on that one line.
  const line = withKey.split("\n").findIndex((l) => l.includes('apiKey: "api_x"')) + 1;
  assert.match(negative.diagnostics, /error TS2322: Type 'string' is not assignable to type 'undefined'/);
  assert.deepEqual([...new Set([...negative.diagnostics.matchAll(/usage\.ts\((\d+),/g)].map((m) => Number(m[1])))], [line]);
});

test("the compile fails when the consumer misuses the API (the check has teeth)", () => {
  // Without its directive, a misspelt option must be an error naming the option.
  const source = usage.replace("// @ts-expect-error a misspelt option: eventType\n", "");
  const result = compile("negative", { type: "module", compilerOptions: nodeOptions, source });
  assert.notEqual(result.status, 0);
  assert.match(result.diagnostics, /error TS\d+: .*'evenType' does not exist in type 'EventQuery'/);
  assert.equal(result.diagnostics.trim().split("\n").filter((l) => /error TS/.test(l)).length, 1);
});

test("the shipped index.d.ts and index.d.cts contain no `any` and export every name of the contract", () => {
  const contract = [
    "PceConfig", "EventQuery", "QueryProgress", "Severity", "PceEvent", "CreatedBy", "EventAction",
    "ResourceChange", "EventNotification", "PceErrorKind", "PceError",
    "queryEvents", "countEvents", "getEvent", "isPceError",
    "WatchQuery", "WatchOptions", "watchEvents", "TimelineOptions", "Timeline", "eventTimeline",
    "EcsDocument", "toEcs", "WatchBatch",
  ];
  for (const name of ["index.d.ts", "index.d.cts", "element.d.ts"]) {
    const text = readFileSync(join(installed, name), "utf8");
    const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
    const anys = [];
    const exported = new Set();
    const visit = (node) => {
      if (node.kind === ts.SyntaxKind.AnyKeyword) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        anys.push(`${name}:${line + 1}: ${text.split("\n")[line].trim()}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    for (const statement of file.statements) {
      const isExported = ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export;
      if (isExported && statement.name) exported.add(statement.name.text);
    }
    assert.deepEqual(anys, [], `${name} uses any`);
    // The same check a grep makes, outside comments: no `any` token anywhere in the code.
    const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
    for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
      assert.notEqual(scanner.getTokenText(), "any", `${name} has an \`any\` token`);
    }
    if (name === "element.d.ts") {
      assert.ok(text.includes('"pce-event-timeline": PceEventTimelineElement;'), "the tag is in HTMLElementTagNameMap");
      continue;
    }
    assert.deepEqual(contract.filter((n) => !exported.has(n)), [], `${name} lacks exports of the contract`);
  }
});
