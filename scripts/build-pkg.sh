#!/usr/bin/env bash
# Builds pkg/: the npm package, from the release wasm, wasm-bindgen's glue and pkg-template/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# The standard library is rebuilt with panics that abort at once: a wasm32 panic traps either
# way, and dropping the panic messages' formatting keeps the wasm under its 100 KB gzip budget
# (measured: 108,674 bytes gzipped with the prebuilt std, 98,603 with this). build-std is a
# nightly flag; RUSTC_BOOTSTRAP lets the stable toolchain take it, as fuzz/run.sh does.
# The panics' source locations, which such a panic never prints, go too (-353 bytes gzipped).
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/wasm-std RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
  cargo build --quiet --release --target wasm32-unknown-unknown -p illumio-events -Z build-std=std,panic_abort
raw=target/wasm-std/wasm32-unknown-unknown/release/illumio_events.wasm
out=target/pkg-build
rm -rf "$out" pkg
mkdir -p "$out" pkg/node pkg/web pkg/bin
wasm-bindgen --target nodejs --out-dir "$out/node" "$raw"
wasm-bindgen --target web --out-dir "$out/web" "$raw"
# Both targets import the same module from the same wasm bytes, so one optimised file serves both.
cmp -s "$out/node/illumio_events_bg.wasm" "$out/web/illumio_events_bg.wasm"
wasm-opt -Oz --converge --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$out/web/illumio_events_bg.wasm" -o "$out/opt.wasm"
cp "$out/opt.wasm" pkg/node/illumio_events_bg.wasm
cp "$out/opt.wasm" pkg/web/illumio_events_bg.wasm
# Modules for require(): each `export` becomes a CommonJS export.
commonjs() {
  local names
  names=$(sed -n 's/^export \(async function\|function\|const\) \([A-Za-z_]*\).*/\2/p' "$1")
  sed 's/^export \(async function\|function\|const\) /\1 /' "$1" > "$2"
  for name in $names; do printf 'exports.%s = %s;\n' "$name" "$name" >> "$2"; done
  ! grep -q '^export \|^import ' "$2"
}
# src/js/transport.js and src/js/body.js come out as wasm-bindgen snippets: they ship beside
# the glue (as CommonJS for Node, like timeline.js) and the glue's imports of them point there.
# The generated .d.ts files are typed `any`; the package's public types are pkg-template/index.d.ts.
snippets="transport body"
# Only the imports change: the wasm names its import modules by the original paths.
to_local() { sed -e '/@ts-self-types/d' -e "/require(\|^import /s#\./snippets/[^\`'\"]*/\(${snippets// /\\|}\)\.js#./\1.$1#" "$2"; }
to_local cjs "$out/node/illumio_events.js" > pkg/node/illumio_events.cjs
to_local js "$out/web/illumio_events.js" > pkg/web/illumio_events.js
! grep "require(\|^import " pkg/node/illumio_events.cjs pkg/web/illumio_events.js | grep -q snippets
for snippet in $snippets; do
  cp "src/js/$snippet.js" "pkg/web/$snippet.js"
  commonjs "src/js/$snippet.js" "pkg/node/$snippet.cjs"
done
cp pkg-template/node.mjs pkg/node/index.mjs
cp pkg-template/node.cjs pkg/node/index.cjs
cp pkg-template/web.js pkg/web/index.js
# The modules both entries share: as they are for the web, as CommonJS for Node.
for module in timeline query-timeline get-event ecs; do
  cp "pkg-template/$module.js" "pkg/web/$module.js"
  commonjs "pkg-template/$module.js" "pkg/node/$module.cjs"
done
# <pce-event-timeline>: the entry at the package root, its parts beside it, and its types.
cp pkg-template/element.js pkg/element.js
mkdir -p pkg/element
cp pkg-template/element/*.js pkg/element/
cp pkg-template/element.d.ts pkg/element.d.ts
mkdir -p pkg/bin
cp pkg-template/cli.mjs pkg/bin/illumio-events.mjs
chmod +x pkg/bin/illumio-events.mjs
cp pkg-template/index.d.ts pkg/index.d.ts
cp pkg-template/index.d.ts pkg/index.d.cts
cp pkg-template/package.json pkg/package.json
cp pkg-template/README.md pkg/README.md
printf 'pkg: %s bytes of wasm, %s gzipped\n' "$(wc -c < pkg/web/illumio_events_bg.wasm)" "$(gzip -9c pkg/web/illumio_events_bg.wasm | wc -c)"
