#!/usr/bin/env bash
# Installs what the build and the tests need, only where it is missing: quick when all is there.
# Usage: scripts/ensure-tools.sh [rust] [wasm] [node] [browser]
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'ensure-tools: %s\n' "$*" >&2; }

rust() {
  command -v cargo >/dev/null || { say "cargo is missing: install Rust with rustup first"; exit 1; }
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
}

wasm() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  # The package's std is rebuilt from source (scripts/build-pkg.sh): that needs rust-src.
  rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
    # Not --locked: the CLI's lock file names crate versions this registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  if ! command -v wasm-pack >/dev/null; then
    say "installing wasm-pack (about 5 minutes, once)"
    cargo install wasm-pack
  fi
}

node_modules() {
  command -v npm >/dev/null || { say "node and npm are missing"; exit 1; }
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing the node development packages"
    npm ci --no-audit --no-fund
  fi
}

browser() {
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    say "installing Chromium and ChromeDriver from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

fuzz() {
  # cargo-fuzz drives libFuzzer; fuzz/run.sh lets the stable toolchain take its -Z flags (RUSTC_BOOTSTRAP=1).
  if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz (about 3 minutes, once)"
    cargo install cargo-fuzz --locked
  fi
}

for what in "${@:-rust wasm node_modules browser}"; do
  for step in $what; do
    case "$step" in
      node) node_modules ;;
      *) "$step" ;;
    esac
  done
done
