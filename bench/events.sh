#!/usr/bin/env bash
# Event-log benchmarks (issue: learners and the append-only log). Prints a
# Markdown table for docs/BENCHMARKS.md.
#
#   bench/events.sh            # 1,000,000 events
#   bench/events.sh 200000     # a quicker run
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
events="${1:-1000000}"
cargo run --release --locked -q -p qalam-core --example bench_events -- "$events"
