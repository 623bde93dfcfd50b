#!/usr/bin/env bash
# Campus server load benchmarks (issue: campus server and opportunistic
# sync): ingest rate, memory at rest and under load, 200 devices syncing at
# once, and a full sync through a link cut every 64 KiB. Prints Markdown
# tables for docs/BENCHMARKS.md ("Sync").
#
#   bench/server.sh                 # all three, 100,000 events, 200 devices
#   bench/server.sh ingest          # one of: ingest, devices, cuts
#   QALAM_BENCH_EVENTS=20000 QALAM_BENCH_DEVICES=50 bench/server.sh   # quicker
#   QALAM_BENCH_CENTRES=200 bench/server.sh devices   # each device alone in
#                                   # its centre: pushes only, no pulls
#   QALAM_BENCH_POSTGRES=1 bench/server.sh devices   # server on PostgreSQL, in
#                                   # a fresh database on $QALAM_TEST_POSTGRES_URL
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
case "${1:-all}" in
  ingest) tests=(server_ingest_and_memory) ;;
  devices) tests=(many_devices_at_once) ;;
  cuts) tests=(sync_through_cuts) ;;
  all) tests=(server_ingest_and_memory many_devices_at_once sync_through_cuts) ;;
  *) die "unknown benchmark ${1}: use ingest, devices, cuts or all" ;;
esac
cargo build --release --locked -q -p qalam
for t in "${tests[@]}"; do
  say "$t"
  cargo test --release --locked -q -p qalam --test sync_load -- --ignored --nocapture \
    --test-threads=1 --exact "$t" 2>&1 | grep -E '^\||panicked'
done
