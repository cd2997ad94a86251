#!/usr/bin/env bash
# The project's one test command (README, CONTRIBUTING.md, .ci/run).
#
# 1. Makes sure PostgreSQL and Redis run on 127.0.0.1 (starting them if they are installed but stopped) and
#    exports DATABASE_URL and REDIS_URL for the storage and end-to-end tests.
# 2. Runs every test of the workspace with all features (nextest when installed), then the doc tests.
#
# It fails with a message naming what is missing when a service cannot be started.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT_SECONDS=20

section() {
    printf '\n==> %s\n' "$*"
}

fail() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Checks that a command exists, or fails naming the Debian package that provides it.
require() {
    local command="$1" package="$2"
    if ! command -v "$command" >/dev/null 2>&1; then
        fail "'$command' is not installed; install it with: apt-get install -y $package"
    fi
}

# Polls a readiness check once a second for up to WAIT_SECONDS.
wait_for() {
    local name="$1"
    shift
    local waited=0
    until "$@" >/dev/null 2>&1; do
        if ((waited >= WAIT_SECONDS)); then
            fail "$name did not become ready within ${WAIT_SECONDS}s (checked with: $*)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

postgres_ready() {
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
}

redis_ready() {
    [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
}

ensure_postgres() {
    require pg_isready postgresql
    if postgres_ready; then
        echo "PostgreSQL is running on $PG_HOST:$PG_PORT"
        return
    fi
    require pg_ctlcluster postgresql
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$version" ]] || fail "PostgreSQL has no cluster under /etc/postgresql; install it with: apt-get install -y postgresql"
    echo "Starting PostgreSQL $version (cluster main)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
        fail "could not start PostgreSQL with: pg_ctlcluster --skip-systemctl-redirect $version main start"
    wait_for PostgreSQL postgres_ready
    echo "PostgreSQL is running on $PG_HOST:$PG_PORT"
}

ensure_redis() {
    require redis-cli redis-server
    if redis_ready; then
        echo "Redis is running on $REDIS_HOST:$REDIS_PORT"
        return
    fi
    require redis-server redis-server
    echo "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
        fail "could not start Redis (see /var/log/redis/ci.log)"
    wait_for Redis redis_ready
    echo "Redis is running on $REDIS_HOST:$REDIS_PORT"
}

section "Services: PostgreSQL and Redis"
ensure_postgres
ensure_redis
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@$PG_HOST:$PG_PORT/test}"
export REDIS_URL="${REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT}"
echo "DATABASE_URL=$DATABASE_URL"
echo "REDIS_URL=$REDIS_URL"

# The tests need a database they may create schemas in. On a fresh Debian install only `postgres` exists, with
# peer authentication on the socket: create the `test` database there when it is missing, then check the URL.
ensure_test_database() {
    if psql "$DATABASE_URL" -qtAc 'select 1' >/dev/null 2>&1; then
        return
    fi
    local database="${DATABASE_URL##*/}"
    database="${database%%\?*}"
    if command -v runuser >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- createdb "$database" >/dev/null 2>&1 || true
    fi
    psql "$DATABASE_URL" -qtAc 'select 1' >/dev/null 2>&1 ||
        fail "cannot connect to $DATABASE_URL: create the database and allow this user (for example trust auth for 127.0.0.1 in pg_hba.conf), or set DATABASE_URL"
}
require psql postgresql-client
ensure_test_database

if cargo nextest --version >/dev/null 2>&1; then
    section "Tests: cargo nextest run --workspace --all-features --locked --no-fail-fast"
    cargo nextest run --workspace --all-features --locked --no-fail-fast
else
    section "Tests: cargo test --workspace --all-features --locked --no-fail-fast (cargo-nextest not installed)"
    cargo test --workspace --all-features --locked --no-fail-fast
fi

section "Doc tests: cargo test --workspace --all-features --locked --doc"
cargo test --workspace --all-features --locked --doc

section "All tests passed"
