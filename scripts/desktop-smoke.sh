#!/usr/bin/env bash
# Tests of the real desktop window: builds the Tauri app and, under Xvfb with
# the sample packs installed,
# 1. starts it, checks that its window appears and shows the UI, and saves a
#    screenshot to artifacts/desktop.png;
# 2. drives it through tauri-driver (WebDriver for WebKitGTK): library,
#    pack, lesson in its sandboxed frame on the app's origin, Arabic right to left,
#    with screenshots in artifacts/; then, with two learner profiles,
#    that Tauri commands act only as the learner signed in in the window.
source "$(dirname "$0")/lib.sh"
cd "$QALAM_ROOT"
apt_install xvfb xauth x11-utils imagemagick webkit2gtk-driver
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver (WebDriver for the Tauri window)"
  cargo install tauri-driver --locked
fi

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

say "driving the desktop window with tauri-driver"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
native="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PORT="$port" NATIVE="$native" UI_DIR="$QALAM_ROOT/ui" ART="$QALAM_ROOT/artifacts" QALAM_BIN="$(qalam_bin)"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port "$PORT" --native-port "$NATIVE" >"$ART/tauri-driver.log" 2>&1 & drv=$!
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
  cd "$UI_DIR" && DRIVER="http://127.0.0.1:$PORT" OUT="$ART" node --test tests/desktop/desktop.e2e.mjs; rc=$?
  kill "$drv" 2>/dev/null
  exit $rc
'
echo "desktop tests passed; screenshots in artifacts/"
