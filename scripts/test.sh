#!/usr/bin/env bash
# Runs every Qalam test on a Debian/Ubuntu machine, installing what it needs.
# Safe to run again: installed packages and built artefacts are reused.
source "$(dirname "$0")/lib.sh"
cd "$QALAM_ROOT"

require_rust
apt_install "${DESKTOP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

# The desktop crate embeds ui/dist, so the UI is built before any cargo step.
ui_deps
say "checking and unit-testing the UI (svelte-check, vitest)"
(cd ui && npm run check --silent && npm test --silent)
build_ui

say "checking formatting (cargo fmt)"
cargo fmt --all -- --check

say "linting (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "starting a throwaway PostgreSQL on 127.0.0.1 for the server's storage tests"
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT

say "running the Rust tests (unit, property, storage contract on SQLite and PostgreSQL, CLI end-to-end)"
cargo test --workspace --locked

say "fuzzing the pack reader, the manifest parser, the sync wire formats and sync files (short run)"
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" scripts/fuzz.sh

say "building the CLI and the sample packs"
cargo build --locked -p qalam
work="$(mktemp -d)"
trap 'rm -rf "$work"; scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
build_sample_packs "$work/packs" "$work/keys/sample-publisher.key"

say "browser end-to-end tests (Chromium, against qalam serve)"
(cd ui && QALAM_BIN="$(qalam_bin)" QALAM_SAMPLE_PACKS="$work/packs" \
  QALAM_SAMPLE_PUBKEY="$work/keys/sample-publisher.key.pub" npm run test:e2e --silent)

say "desktop smoke test (Tauri window under Xvfb)"
scripts/desktop-smoke.sh

say "all tests passed"
