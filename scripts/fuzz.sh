#!/usr/bin/env bash
# Runs the cargo-fuzz targets (pack reader, manifest, sync wire, bundle file) for
# FUZZ_SECONDS each (default 30), from the committed seeds. Needs a nightly
# toolchain; installs cargo-fuzz when it is missing.
#
#   scripts/fuzz.sh                 # a short run, as the test command does
#   FUZZ_SECONDS=600 scripts/fuzz.sh
source "$(dirname "$0")/lib.sh"
cd "$QALAM_ROOT/fuzz"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzzing skipped: no nightly Rust toolchain (install one with 'rustup toolchain install nightly')"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

seconds="${FUZZ_SECONDS:-30}"
export CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
for target in pack_reader manifest sync_wire bundle_file; do
  say "fuzzing $target for ${seconds}s"
  corpus="$(mktemp -d)"
  cp -r "seeds/$target/." "$corpus/"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=512 2>&1 | tail -n 3
  rm -rf "$corpus"
done
echo "fuzzing found no crash"
