#!/usr/bin/env bash
# Set everything up, test tools included, and run the whole test suite. The storage tests
# also run against PostgreSQL: a throwaway server (Debian's postgresql, installed when
# missing and run as root) on 127.0.0.1, stopped and deleted at the end.
# Usage: scripts/test.sh [pytest arguments]
#        scripts/test.sh --fast [pytest arguments]: only the fast tier (unit and service
#        tests on fakes: no model files, no servers, no processes), in well under a minute,
#        on the venv a first run of this script (or scripts/setup.sh --dev) made.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }

FAST_TIER="not (models or slow or postgres or e2e or static)"
if [[ "${1:-}" == "--fast" ]]; then
  shift
  if [[ ! -x .venv/bin/python ]]; then
    log "no .venv yet: run scripts/setup.sh --dev (or this script without --fast) once"
    exit 2
  fi
  exec .venv/bin/python -m pytest -p no:cacheprovider -q -m "$FAST_TIER" "$@"
fi

bash scripts/setup.sh --dev

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z "$bin" && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian's postgresql for the storage tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  if [[ -z "$bin" ]]; then
    log "no PostgreSQL server here: its tests are skipped (install postgresql, or set"
    log "MNEMO_TEST_POSTGRES_URL to a server where the tests may create databases)"
    return
  fi
  pg_dir=$(mktemp -d /tmp/mnemo-test-pg.XXXXXX)
  local port run=()
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [[ $(id -u) == 0 ]]; then
    chown postgres "$pg_dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 >/dev/null
  "${run[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
  trap 'stop_postgres' EXIT
  export MNEMO_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
}

stop_postgres() {
  local bin run=()
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [[ $(id -u) == 0 ]] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null || true
  rm -rf "$pg_dir"
}

[[ -n "${MNEMO_TEST_POSTGRES_URL:-}" ]] || start_postgres
.venv/bin/python -m pytest -p no:cacheprovider -q "$@"
