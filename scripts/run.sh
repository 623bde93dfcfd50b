#!/usr/bin/env bash
# Builds Qalam and opens it with the sample course packs installed into the
# default data folder. Safe to run again: it reuses what is already built
# and installed. Without a display it serves the same app over HTTP instead.
source "$(dirname "$0")/lib.sh"
cd "$QALAM_ROOT"

require_rust
apt_install "${DESKTOP_PACKAGES[@]}"
build_ui

say "building Qalam (CLI and desktop app)"
cargo build --locked -p qalam -p qalam-desktop
bin="$(qalam_bin)"

data="${QALAM_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/qalam}"
key="${XDG_DATA_HOME:-$HOME/.local/share}/qalam-publisher/sample-publisher.key"
say "building and signing the sample packs (course-packs/ → course-packs/dist/)"
build_sample_packs "$QALAM_ROOT/course-packs/dist" "$key"

say "installing the sample packs into $data"
"$bin" --data "$data" trust add "$key.pub" --name "Qalam sample packs"
"$bin" --data "$data" pack import "$QALAM_ROOT/course-packs/dist"

# Importing packs and managing learners in the app needs a facilitator.
# On first run, make one with a random PIN and say it once.
if ! "$bin" --data "$data" learner list --json | grep -q '"role": "facilitator"'; then
  pin="$(python3 -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')"
  "$bin" --data "$data" learner add "Facilitator" --pin "$pin" --facilitator >/dev/null
  say "created a facilitator account for this data folder"
  echo "Sign in to Import packs and Settings as \"Facilitator\" with PIN $pin (note it now; it is not shown again)."
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  say "opening the Qalam desktop app"
  QALAM_DATA="$data" exec "$CARGO_TARGET_DIR/debug/qalam-desktop"
fi

listen="${QALAM_LISTEN:-127.0.0.1:8080}"
say "no display found: serving Qalam in web mode"
echo "Open http://$listen/ in a browser on this machine."
echo "To let phones and tablets on the study centre's network use it, run again with QALAM_LISTEN=0.0.0.0:8080"
echo "and open http://<this machine's address>:8080/ on them. Press Ctrl+C to stop."
exec "$bin" --data "$data" serve --listen "$listen" --ui-dir "$QALAM_ROOT/ui/dist"
