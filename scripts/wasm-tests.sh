#!/usr/bin/env bash
# The wasm-bindgen tests (tests/web.rs) against a private pce-sim, in Node and in headless Chrome.
# The simulator's URL reaches the test build at compile time (PCE_SIM_URL, read with option_env!).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SIM=${PCE_SIM_BIN:-target/release/pce-sim}
# The same credentials tests/web.rs sends.
API_KEY=api_0123456789abcdef
API_SECRET=wasm-test-secret

[[ -x $SIM ]] || { echo "wasm-tests: $SIM is missing: run make sim" >&2; exit 1; }
log=$(mktemp -d)
"$SIM" --listen 127.0.0.1:0 --control --cors --org 1 --api-key "$API_KEY" --api-secret "$API_SECRET" \
  --events 400 --seed 11 --now 2026-11-20T12:00:00Z >"$log/out" 2>"$log/err" &
sim_pid=$!
stop() {
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  rm -rf "$log"
}
trap stop EXIT

url=
for _ in $(seq 150); do
  url=$(grep -oE 'http://[^[:space:]]+' "$log/out" | head -n1 || true)
  [[ -n $url ]] && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $url ]] || { echo "wasm-tests: pce-sim did not start: $(cat "$log/err")" >&2; exit 1; }
export PCE_SIM_URL=${url%/}
# A port nothing listens on, for the network-error test: bound, read and released.
PCE_CLOSED_URL="http://127.0.0.1:$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export PCE_CLOSED_URL
echo "wasm-tests: pce-sim at $PCE_SIM_URL"

# Each run must report tests that ran: a runner that skips (as the browser one does for a suite
# not configured for browsers, unless WASM_BINDGEN_USE_BROWSER is set) fails this script.
run() {
  "$@" 2>&1 | tee "$log/run"
  grep -qE '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$log/run" ||
    { echo "wasm-tests: no passing tests reported by: $*" >&2; exit 1; }
}
run wasm-pack test --node -- --test web
WASM_BINDGEN_USE_BROWSER=1 run wasm-pack test --headless --chrome \
  --chromedriver "${CHROMEDRIVER:-/usr/bin/chromedriver}" -- --test web
