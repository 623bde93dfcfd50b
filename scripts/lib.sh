# Shared helpers for Qalam's scripts. Sourced, not run.
set -euo pipefail

QALAM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qalam/target}"
# A CI machine builds once: incremental caches only fill its disk.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian/Ubuntu packages given that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "system packages already installed: $*"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found; install these packages by hand: ${missing[*]}"
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

DESKTOP_PACKAGES=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev xdg-utils)
TEST_PACKAGES=(xvfb xauth chromium fonts-noto-core unzip)

require_rust() {
  command -v cargo >/dev/null || die "Rust is not installed; install it with rustup (https://rustup.rs), then run this again"
}

require_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $major is too old; the UI needs Node.js 20 or newer"
}

# Installs the UI's npm packages when package-lock.json changed since the last install.
ui_deps() {
  require_node
  local stamp="$QALAM_ROOT/ui/node_modules/.qalam-lock-hash"
  local want
  want="$(sha256sum "$QALAM_ROOT/ui/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "npm packages already installed"
    return
  fi
  say "installing the UI's npm packages (npm ci)"
  (cd "$QALAM_ROOT/ui" && npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
}

build_ui() {
  ui_deps
  say "building the UI (ui/dist)"
  (cd "$QALAM_ROOT/ui" && npm run build --silent)
}

qalam_bin() { echo "$CARGO_TARGET_DIR/${1:-debug}/qalam"; }

# Builds and signs the sample packs into $1 with the publisher key $2
# (created on first use).
build_sample_packs() {
  local out="$1" key="$2" bin
  bin="$(qalam_bin "${3:-debug}")"
  mkdir -p "$out" "$(dirname "$key")"
  if [ ! -f "$key" ]; then
    "$bin" pack keygen --out "$key"
  fi
  for src in "$QALAM_ROOT"/course-packs/*/; do
    [ -f "$src/pack.toml" ] || continue
    "$bin" pack build "$src" --out "$out/$(basename "$src").qpack" --key "$key"
  done
}
