#!/usr/bin/env bash
# Sync benchmarks (issue: campus server and opportunistic sync). Prints a
# Markdown table for docs/BENCHMARKS.md ("Sync").
#
#   bench/sync.sh             # 100,000 events
#   bench/sync.sh 20000       # a quicker run
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
export QALAM_BENCH_EVENTS="${1:-100000}"
cargo test --release --locked -q -p qalam --test sync_bench -- --ignored --nocapture 2>&1 \
  | grep -E '^\|'
