#!/usr/bin/env bash
# `make demo`: serves the demo page (www/) and the package (pkg/) with pce-sim on 127.0.0.1.
#   make demo                      a simulated PCE: 30 days of seeded events, a few new ones a minute
#   PCE_URL=https://pce.example.com:8443 PCE_ORG=1 PCE_API_KEY=api_... PCE_API_SECRET=... \
#     [PCE_CA_FILE=ca.pem] [PCE_INSECURE_UPSTREAM=1] make demo
#                                  pce-sim as a proxy to a real PCE, adding the credentials itself
# PORT (default 8080) picks the port. The page never sees a credential.
set -euo pipefail
cd "$(dirname "$0")/.."

SIM=target/release/pce-sim
PORT="${PORT:-8080}"
[[ -x "$SIM" ]] || { echo "demo: $SIM is missing; make demo builds it" >&2; exit 1; }
[[ -f pkg/web/index.js ]] || { echo "demo: pkg/ is missing; make demo (or make pkg) builds it" >&2; exit 1; }
[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "demo: PORT must be a number" >&2; exit 2; }

args=(--listen "127.0.0.1:$PORT" --www www --pkg pkg)
if [[ -n "${PCE_URL:-}" ]]; then
  if [[ -z "${PCE_API_KEY:-}" || -z "${PCE_API_SECRET:-}" ]]; then
    echo "demo: PCE_URL needs PCE_API_KEY and PCE_API_SECRET (an API key of a user who may read events)" >&2
    exit 2
  fi
  org="${PCE_ORG:-1}"
  [[ "$org" =~ ^[1-9][0-9]*$ ]] || { echo "demo: PCE_ORG must be a positive integer" >&2; exit 2; }
  if [[ -n "${PCE_CA_FILE:-}" && ! -r "$PCE_CA_FILE" ]]; then
    echo "demo: PCE_CA_FILE $PCE_CA_FILE is not readable" >&2
    exit 2
  fi
  # The secret goes through the environment, not the command line that `ps` shows every user.
  export PCE_SIM_UPSTREAM_SECRET="$PCE_API_SECRET"
  args+=(--org "$org" --upstream "$PCE_URL" --upstream-key "$PCE_API_KEY")
  [[ -n "${PCE_CA_FILE:-}" ]] && args+=(--upstream-ca "$PCE_CA_FILE")
  # An http:// PCE sends the key in clear: pce-sim refuses it unless asked, and warns.
  [[ "${PCE_INSECURE_UPSTREAM:-}" == 1 ]] && args+=(--insecure-upstream)
  what="a proxy to the PCE at ${PCE_URL%%\?*}, org $org"
else
  args+=(--events 20000 --days 30 --live-per-minute 6)
  what="a simulated PCE, org 1: 20000 events over 30 days, about 6 new ones a minute"
fi

# pce-sim's ready line also names its own simulator credentials (and, with --control, its control
# token, which demo.sh never asks for); show the URL instead.
"$SIM" "${args[@]}" | while IFS= read -r line; do
  if [[ "$line" =~ ^pce-sim\ ready\ at\ (http://[^ ]+) ]]; then
    url="${BASH_REMATCH[1]%/}/"
    printf '\n  illumio-events demo: %s\n  Open %s in a browser. Ctrl-C stops it.\n\n' "$what" "$url"
  else
    printf '%s\n' "$line"
  fi
done
