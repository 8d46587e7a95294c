#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 20), on a corpus seeded from
# tests/fixtures, and prints one line of libFuzzer's numbers per target.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (make test-fuzz, make fuzz-long FUZZ_SECONDS=...)
# cargo-fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never
seconds="${1:-20}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(check_events query href retry_after rfc3339 async_job)

node seed-corpus.mjs
# -O: optimized, as shipped; -a: with overflow checks and debug assertions, so an
# arithmetic overflow is a crash here rather than a silently wrong answer in the wasm build.
cargo fuzz build -O -a

mkdir -p ../target/fuzz-logs
report=../target/fuzz-report.tsv
printf 'target\tseconds\texecutions\texec/s\tcorpus\tcoverage\tfeatures\n' >"$report"
failed=()
for t in "${targets[@]}"; do
  log="../target/fuzz-logs/$t.log"
  if cargo fuzz run -O -a "$t" "corpus/$t" -- -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
  fi
  stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(stat number_of_executed_units)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$seconds" "${execs:-?}" "$(stat average_exec_per_sec)" \
    "${corp:-?}" "${cov:-?}" "${ft:-?}" >>"$report"
  echo "fuzz $t: $status, ${execs:-?} inputs in ${seconds} s, corpus ${corp:-?}, coverage ${cov:-?} edges"
  if [[ $status != ok ]]; then
    grep -E "panicked at|Test unit written|SUMMARY|ERROR" "$log" | head -8 >&2
  fi
done
column -t -s $'\t' "$report" 2>/dev/null || cat "$report"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (logs in target/fuzz-logs/, inputs in fuzz/artifacts/)" >&2
  exit 1
fi
