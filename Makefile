# The only entry points: `make demo`, `make test`, `make bench` (and `make pkg`).
# Each installs what is missing first (scripts/ensure-tools.sh), so a fresh machine needs nothing else.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TERM_COLOR := never

SIM := target/release/pce-sim
PKG_TGZ := target/illumio-events.tgz
PCE_ORG ?= 1

.PHONY: all tools pkg sim consumer demo test lint test-rust test-wasm test-js test-types test-e2e bench clean
.PHONY: test-fuzz fuzz-long test-tools standalone

all: pkg sim

tools:
	@scripts/ensure-tools.sh rust wasm node

# Every tool a suite needs, installed before the first suite runs, so that none can skip.
test-tools:
	@scripts/ensure-tools.sh rust wasm node browser fuzz

pkg: tools
	scripts/build-pkg.sh

sim: tools
	cargo build --quiet --release -p pce-sim

# The packed tarball, installed into tests/js as a user would install it.
consumer: pkg
	rm -f target/illumio-events-*.tgz
	cd pkg && npm pack --silent --pack-destination ../target >/dev/null
	mv target/illumio-events-*.tgz $(PKG_TGZ)
	cd tests/js && rm -rf node_modules/illumio-events && npm install --no-save --no-audit --no-fund --silent ../../$(PKG_TGZ)

demo: pkg sim
	scripts/demo.sh

test: test-tools standalone lint test-rust consumer sim test-js test-types test-wasm test-e2e test-fuzz
	@echo "make test: every suite passed"

# A user's clone has only the repository: no tracked file but prose may read the folder beside it.
standalone:
	@found=$$(git ls-files -z | xargs -0 grep -l '\.\./shar[e]d/' -- | grep -v '\.md$$' || true); \
	  [[ -z $$found ]] || { echo "these tracked files read the shared folder beside the repository, absent from a clone: $$found" >&2; exit 1; }

lint:
	cargo fmt --all -- --check
	cargo clippy --quiet --workspace --all-targets -- -D warnings
	cargo clippy --quiet -p illumio-events --target wasm32-unknown-unknown --all-targets -- -D warnings

test-rust:
	cargo test --quiet --workspace

test-js: consumer sim
	cd tests/js && node --test --test-concurrency=2 --test-reporter=spec

test-types: consumer
	node --test --test-reporter=spec tests/types

test-wasm: sim
	@scripts/ensure-tools.sh browser
	scripts/wasm-tests.sh

test-e2e: consumer sim
	@scripts/ensure-tools.sh browser
	cd tests/e2e && node --test --test-concurrency=1 --test-reporter=spec

# Every fuzz target for a bounded time (fuzz/run.sh); fuzz-long for as long as asked: make fuzz-long FUZZ_SECONDS=3600
FUZZ_SECONDS ?= 1800
test-fuzz:
	@scripts/ensure-tools.sh fuzz
	fuzz/run.sh 20

fuzz-long:
	@scripts/ensure-tools.sh fuzz
	fuzz/run.sh $(FUZZ_SECONDS)

# pce-sim at 5 million events first (1000 filtered counts in-process; then start time, memory
# and the counts over HTTP), then the package.
bench: consumer sim
	@scripts/ensure-tools.sh browser
	cargo test --quiet --release -p pce-sim --bin pce-sim -- --ignored --nocapture
	cargo test --quiet --release -p pce-sim --test scale -- --ignored --nocapture
	node bench/run.mjs

clean:
	rm -rf target pkg node_modules tests/js/node_modules tests/artifacts
