#!/usr/bin/env bash
# Smoke test of the real desktop window: builds the Tauri app, starts it under
# Xvfb with the sample packs installed, checks that its window appears and
# shows the UI, and saves a screenshot to artifacts/desktop.png.
source "$(dirname "$0")/lib.sh"
cd "$QALAM_ROOT"
apt_install xvfb xauth x11-utils imagemagick

cargo build --locked -p qalam -p qalam-desktop
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build_sample_packs "$work/packs" "$work/key"
"$(qalam_bin)" --data "$work/data" trust add "$work/key.pub" >/dev/null
"$(qalam_bin)" --data "$work/data" pack import "$work/packs" >/dev/null

mkdir -p artifacts
export QALAM_DATA="$work/data" APP="$CARGO_TARGET_DIR/debug/qalam-desktop" OUT="$QALAM_ROOT/artifacts/desktop.png"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$APP" & pid=$!
  for _ in $(seq 1 60); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"Qalam\"" && break
    kill -0 "$pid" 2>/dev/null || { echo "the app exited before opening its window"; exit 1; }
    sleep 1
  done
  xwininfo -root -tree | grep -q "\"Qalam\"" || { echo "no Qalam window after 60 s"; kill "$pid"; exit 1; }
  sleep 8
  import -window root "$OUT"
  kill -0 "$pid" || { echo "the app died after opening its window"; exit 1; }
  kill "$pid"
'
colours="$(identify -format %k "$OUT")"
[ "$colours" -gt 50 ] || die "the desktop window looks empty ($colours colours in $OUT)"
echo "desktop smoke test: window opened and rendered the UI ($colours colours); screenshot at artifacts/desktop.png"
echo "1 passed, 0 failed"
