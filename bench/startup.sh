#!/usr/bin/env bash
# Whole-process start-up (issue: learners on shared laptops): how long a
# fresh process takes to open a data folder holding 1,000,000 events exactly
# as the app does and answer the profile picker. Prints a Markdown table for
# docs/BENCHMARKS.md. Release build; each time is the median of RUNS runs.
#
#   bench/startup.sh            # 1,000,000 events
#   bench/startup.sh 200000     # a quicker run
#
# `qalam learner picker` runs the app's start path: Device::open (schema
# check, identity, clean-up), the background start-up thread (database
# check, backup when due) and `profiles_for_picker`, then prints the JSON.
# Baselines in the same run: the same command on an empty data folder,
# `qalam --version` (process start alone) and `sqlite3 DB 'select count(*)
# from events'` on the same database.
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
apt_install sqlite3

EVENTS="${1:-1000000}"
RUNS="${RUNS:-21}"
LEARNERS="${LEARNERS:-200}"
work="${BENCH_DIR:-$(mktemp -d /var/tmp/qalam-startup.XXXX)}"
trap 'rm -rf "$work"' EXIT

cargo build --release --locked -p qalam >/dev/null
bin="$(qalam_bin release)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Wall time of one whole process, in milliseconds.
ms() { python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(f"{(time.perf_counter() - t) * 1000:.1f}")
PY
}
median_ms() { local times=(); for _ in $(seq 1 "$RUNS"); do times+=("$(ms "$@")"); done; printf '%s\n' "${times[@]}" | median; }

say "empty data folder"
"$bin" --data "$work/empty" learner picker >/dev/null
"$bin" --data "$work/empty" backup >/dev/null

say "simulating $EVENTS events for $LEARNERS learners (takes a minute or more)"
sim_ms="$(ms "$bin" --data "$work/full" simulate --learners "$LEARNERS" --events "$EVENTS" --seed 1)"
# A fresh backup, as the app keeps one a day: start-up does not take one.
"$bin" --data "$work/full" backup >/dev/null
db="$work/full/qalam.db"
held="$(sqlite3 "$db" 'select count(*) from events')"
db_mb="$(python3 -c "import os; print(round(os.path.getsize('$db') / 1e6))")"
picker_len="$("$bin" --data "$work/full" learner picker | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

say "start-up, $RUNS runs each (warm page cache)"
"$bin" --data "$work/full" learner picker >/dev/null
version_ms="$(median_ms "$bin" --version)"
empty_ms="$(median_ms "$bin" --data "$work/empty" learner picker)"
full_ms="$(median_ms "$bin" --data "$work/full" learner picker)"
count_ms="$(median_ms sqlite3 "$db" 'select count(*) from events')"

check_time() {
  "$bin" --data "$work/full" learner picker --check 2>&1 >/dev/null |
    sed -nE 's/^database check: ([a-z]+) in ([0-9]+) ms.*/\2/p'
}

cold_ms="—"; cold_check_ms="—"
if [ -w /proc/sys/vm/drop_caches ]; then
  say "start-up and the database check with a cold page cache (median of 5)"
  times=(); checks=()
  for _ in 1 2 3 4 5; do
    sync; echo 3 > /proc/sys/vm/drop_caches
    times+=("$(ms "$bin" --data "$work/full" learner picker)")
    sync; echo 3 > /proc/sys/vm/drop_caches
    checks+=("$(check_time)")
  done
  cold_ms="$(printf '%s\n' "${times[@]}" | median) ms"
  cold_check_ms="$(printf '%s\n' "${checks[@]}" | median) ms"
fi

say "the database check that runs in the background (median of 3)"
checks=()
for _ in 1 2 3; do checks+=("$(check_time)"); done
check_ms="$(printf '%s\n' "${checks[@]}" | median)"
sqlite_check_ms="$(RUNS=3 median_ms sqlite3 "$db" 'PRAGMA quick_check')"

say "qalam doctor --repair after 4 pages of garbage in the middle of the file"
python3 - "$db" <<'PY'
import os, sys
path = sys.argv[1]
pages = os.path.getsize(path) // 4096
with open(path, "r+b") as f:
    f.seek(pages // 2 * 4096)
    f.write(bytes((i * 131 + 7) % 256 for i in range(4 * 4096)))
PY
start="$(date +%s.%N)"
"$bin" --data "$work/full" doctor --repair >"$work/repair.txt" || true
repair_s="$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")"
grep -E '^(repair|NOTE|all checks|PROBLEM)' "$work/repair.txt" | grep -vE 'restored 0 rows' || true
kept="$(sqlite3 "$db" 'select count(*) from events')"
doctor_after="$(tail -1 "$work/repair.txt")"

echo
echo "| measure | result | baseline (same run) | target |"
echo "|---|---|---|---|"
echo "| \`simulate\` $held events, $LEARNERS learners | $(python3 -c "print(f'{$sim_ms/1000:.1f}')") s | — | — |"
echo "| database size | ${db_mb} MB | — | — |"
echo "| whole process: open as the app does + picker ($picker_len profiles), $held events (median of $RUNS) | ${full_ms} ms | empty folder: ${empty_ms} ms; \`qalam --version\`: ${version_ms} ms; \`sqlite3 DB 'select count(*) from events'\`: ${count_ms} ms | < 300 ms |"
echo "| same, cold page cache (median of 5) | ${cold_ms} | — | — |"
echo "| background database check (\`PRAGMA quick_check\`), $held events (median of 3) | ${check_ms} ms | \`sqlite3 DB 'PRAGMA quick_check'\`: ${sqlite_check_ms} ms | off the start path |"
echo "| same, cold page cache (median of 5) | ${cold_check_ms} | — | off the start path |"
echo "| \`doctor --repair\` after 4 garbage pages mid-file (whole process, incl. the doctor after it) | ${repair_s} s, $kept of $held events kept | — | — |"
echo
echo "doctor after the repair: $doctor_after"
