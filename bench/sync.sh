#!/usr/bin/env bash
# Sync benchmarks (issue: campus server and opportunistic sync). Prints a
# Markdown table for docs/BENCHMARKS.md ("Sync").
#
#   bench/sync.sh             # 100,000 events
#   bench/sync.sh 20000       # a quicker run
#   QALAM_BENCH_POSTGRES=1 bench/sync.sh   # server on PostgreSQL, in a fresh
#                             # database on $QALAM_TEST_POSTGRES_URL's server
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
export QALAM_BENCH_EVENTS="${1:-100000}"
cargo test --release --locked -q -p qalam --test sync_bench -- --ignored --nocapture 2>&1 \
  | grep -E '^\|'
