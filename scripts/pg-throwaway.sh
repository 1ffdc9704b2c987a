#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, on this machine only.
#
#   pg-throwaway.sh start DIR PORT       start (creating if needed); prints the URL
#   pg-throwaway.sh stop  DIR [PORT]     stop it (by the postmaster's PID); no-op if stopped
#   pg-throwaway.sh url   DIR PORT       print the URL
#   pg-throwaway.sh run   DIR PORT -- COMMAND...
#                                        start, run COMMAND with HALLMARK_TEST_POSTGRES_URL
#                                        set, and stop again however COMMAND ends (a trap);
#                                        exits with COMMAND's status
#
# Idempotent: start on a running cluster prints the URL again; stop on a stopped
# one does nothing. The cluster lives in DIR/data, its unix socket in DIR, its
# log in DIR/postgres.log; it listens on 127.0.0.1:PORT only and trusts local
# connections (it is for tests: never put data you care about in it).
#
# initdb and postgres refuse to run as root, so as root the server runs as
# the `postgres` user of Debian's package, and DIR is handed to that user.
# Debian's `postgresql` package is installed with apt-get if no server is found.
#
# Environment: PG_BINDIR (the server's bin folder; default: the newest
# /usr/lib/postgresql/*/bin), PG_USER and PG_DB (role and database created for
# the tests; default hallmark), PG_OPTS (more server options, e.g.
# "-c shared_buffers=512MB").
set -euo pipefail

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
dir=$2
port=${3:-}
pg_user=${PG_USER:-hallmark}
pg_db=${PG_DB:-hallmark}

case "$port" in
    '' ) [ "$action" = stop ] || usage ;;
    *[!0-9]* ) echo "pg-throwaway: PORT must be a number, not '$port'" >&2; exit 2 ;;
esac
case "$pg_user$pg_db" in
    *[!A-Za-z0-9_]* ) echo "pg-throwaway: PG_USER and PG_DB must be plain identifiers" >&2; exit 2 ;;
esac

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
log=$dir/postgres.log

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        echo "$PG_BINDIR"
        return
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/pg_ctl" ]; then
        echo "$found"
    fi
}

bindir=$(find_bindir)
if [ -z "$bindir" ] && { [ "$action" = start ] || [ "$action" = run ]; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "pg-throwaway: installing Debian's postgresql package" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
        bindir=$(find_bindir)
    fi
fi

# Runs a server program as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() {
    echo "postgres://$pg_user@127.0.0.1:$port/$pg_db"
}

# The postmaster's PID if it is running, else nothing.
running_pid() {
    [ -f "$data/postmaster.pid" ] || return 0
    local pid
    pid=$(head -n 1 "$data/postmaster.pid")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "$pid"
    fi
}

psql_admin() {
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres "$@"
}

start() {
    if [ -z "$bindir" ]; then
        echo "pg-throwaway: no PostgreSQL server found (set PG_BINDIR)" >&2
        exit 1
    fi
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$dir"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
            echo "pg-throwaway: initdb failed; see $dir/initdb.log" >&2
            exit 1
        }
    fi
    if [ -z "$(running_pid)" ]; then
        as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-k $dir -h 127.0.0.1 -p $port ${PG_OPTS:-}" start >/dev/null || {
            echo "pg-throwaway: the server did not start; see $log" >&2
            exit 1
        }
    fi
    psql_admin <<SQL
SELECT 'CREATE ROLE $pg_user LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pg_user')\gexec
SELECT 'CREATE DATABASE $pg_db OWNER $pg_user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$pg_db')\gexec
SQL
    url
}

stop() {
    local pid
    pid=$(running_pid)
    [ -n "$pid" ] || return 0
    if [ -n "$bindir" ]; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    # Whatever pg_ctl did, make sure this postmaster (and only it) is gone.
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
}

case "$action" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    run)
        shift 3
        [ "${1:-}" = -- ] && shift
        [ $# -ge 1 ] || usage
        trap stop EXIT
        trap 'exit 130' INT TERM
        HALLMARK_TEST_POSTGRES_URL=$(start)
        export HALLMARK_TEST_POSTGRES_URL
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
    *) usage ;;
esac
