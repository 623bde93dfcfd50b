#!/usr/bin/env bash
# Pack benchmarks (issue: course packs from USB). Prints a Markdown table for
# docs/BENCHMARKS.md. Release build; each figure is the median of RUNS runs,
# with the baseline measured in the same run on the same files.
#
#   bench/run.sh            # 1 GiB pack of 2,000 files, 200 packs for listing
#   SIZE_MB=256 bench/run.sh  # a quicker run
source "$(dirname "$0")/../scripts/lib.sh"
cd "$QALAM_ROOT"
apt_install unzip time

SIZE_MB="${SIZE_MB:-1024}"
FILES="${FILES:-2000}"
RUNS="${RUNS:-3}"
LIST_PACKS="${LIST_PACKS:-200}"
work="${BENCH_DIR:-$(mktemp -d /var/tmp/qalam-bench.XXXX)}"
trap 'rm -rf "$work"' EXIT

cargo build --release --locked -p qalam >/dev/null
bin="$(qalam_bin release)"

say "generating a ${SIZE_MB} MiB pack of ${FILES} files in $work"
python3 bench/gen_pack_source.py "$work/src" org.bench.big "$SIZE_MB" "$FILES"
"$bin" pack build "$work/src" --out "$work/big.qpack" >/dev/null
rm -rf "$work/src"
ls -l "$work/big.qpack"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(f"{time.perf_counter() - t:.3f}")
PY
}

baseline() {
  rm -rf "$work/unzipped"
  secs bash -c "unzip -q '$work/big.qpack' -d '$work/unzipped' && cd '$work/unzipped' && find . -type f -print0 | xargs -0 sha256sum >/dev/null"
}
qalam_import() {
  rm -rf "$work/data"
  secs "$bin" --data "$work/data" pack import --allow-untrusted "$work/big.qpack"
}

say "import vs unzip + sha256sum ($RUNS runs each, alternating)"
base_times=(); qalam_times=()
for _ in $(seq 1 "$RUNS"); do
  base_times+=("$(baseline)")
  qalam_times+=("$(qalam_import)")
done
base="$(printf '%s\n' "${base_times[@]}" | median)"
ours="$(printf '%s\n' "${qalam_times[@]}" | median)"
rm -rf "$work/data" "$work/unzipped"
peak_kb="$( { /usr/bin/time -f '%M' "$bin" --data "$work/data" pack import --allow-untrusted "$work/big.qpack" >/dev/null; } 2>&1 | tail -1)"
rm -rf "$work/data"

say "pack list with $LIST_PACKS installed packs"
for i in $(seq 1 "$LIST_PACKS"); do
  python3 bench/gen_pack_source.py "$work/small/src$i" "org.bench.p$i" 1 20
  "$bin" pack build "$work/small/src$i" --out "$work/small/p$i.qpack" >/dev/null
  rm -rf "$work/small/src$i"
done
"$bin" --data "$work/list" pack import --allow-untrusted "$work/small" >/dev/null
list_times=()
for _ in $(seq 1 21); do list_times+=("$(secs "$bin" --data "$work/list" pack list)"); done
list_med="$(printf '%s\n' "${list_times[@]}" | median)"
json_times=()
for _ in $(seq 1 21); do json_times+=("$(secs "$bin" --data "$work/list" pack list --json)"); done
json_med="$(printf '%s\n' "${json_times[@]}" | median)"

ratio="$(python3 -c "print(f'{$base / $ours:.2f}')")"
echo
echo "| measure | result | target |"
echo "|---|---|---|"
echo "| baseline: unzip + sha256sum, ${SIZE_MB} MiB / ${FILES} files (median of $RUNS) | ${base} s | — |"
echo "| qalam pack import, same file (median of $RUNS) | ${ours} s | — |"
echo "| speed relative to baseline | ${ratio}× | ≥ 0.8× |"
echo "| peak memory of the import (max RSS) | $((peak_kb / 1024)) MB | < 64 MB |"
echo "| qalam pack list, ${LIST_PACKS} packs (median of 21) | $(python3 -c "print(round($list_med*1000))") ms | < 50 ms |"
echo "| qalam pack list --json, ${LIST_PACKS} packs (median of 21) | $(python3 -c "print(round($json_med*1000))") ms | < 50 ms |"
