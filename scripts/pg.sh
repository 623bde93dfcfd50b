#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the storage tests.
#
#   eval "$(scripts/pg.sh start)"   # installs postgresql if missing, starts a
#                                   # cluster, exports QALAM_TEST_POSTGRES_URL
#   scripts/pg.sh status
#   scripts/pg.sh stop              # stops it and deletes its folder
#
# Only the `export …` line goes to stdout; everything else goes to stderr.
# The cluster trusts local connections without a password: it listens on
# 127.0.0.1 only and holds nothing but test databases. PostgreSQL refuses to
# run as root, so as root the cluster belongs to the `postgres` user that
# the Debian package creates.
source "$(dirname "$0")/lib.sh"

PG_DIR="${QALAM_PG_DIR:-${TMPDIR:-/tmp}/qalam-pg-$(id -u)}"
DATA="$PG_DIR/data"
PORT_FILE="$PG_DIR/port"
PG_USER_NAME=qalam

pg_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$bin" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  echo "$bin"
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [ -f "$DATA/PG_VERSION" ] && as_owner "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

print_url() {
  echo "export QALAM_TEST_POSTGRES_URL=postgres://$PG_USER_NAME@127.0.0.1:$(cat "$PORT_FILE")/postgres"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  apt_install postgresql >&2
  if is_running; then
    echo "PostgreSQL already running in $PG_DIR" >&2
    print_url
    return
  fi
  local bin
  bin="$(pg_bin)"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    chmod 700 "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    as_owner "$bin/initdb" -D "$DATA" -U "$PG_USER_NAME" --auth=trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
      || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  local port
  for port in $(seq 55432 55531); do
    port_is_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=300" \
      start >&2; then
      echo "$port" >"$PORT_FILE"
      echo "PostgreSQL started on 127.0.0.1:$port (data in $DATA)" >&2
      print_url
      return
    fi
    tail -n 5 "$PG_DIR/server.log" >&2 || true
  done
  die "could not start PostgreSQL on any port in 55432-55531"
}

stop() {
  if is_running; then
    as_owner "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
  rm -rf "$PG_DIR"
  echo "PostgreSQL stopped; $PG_DIR removed" >&2
}

status() {
  if is_running; then
    echo "running in $PG_DIR" >&2
    print_url
  else
    echo "not running" >&2
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/pg.sh start|stop|status" ;;
esac
