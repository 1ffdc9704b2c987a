#!/usr/bin/env bash
# The manifest repository under load: `repository-bench` (bench/src/bin/) fills
# a repository with N random fingerprints plus 1 % planted near-duplicates,
# then measures size on disk, build time, query latency (median, p99) and
# recall at 64-bit radius 3 and 7, on SQLite and on PostgreSQL.
#
#   bash bench/repository.sh [N ...]     default N: 1000000
#
# SQLite lives in target/bench/repository/; PostgreSQL is a throwaway cluster
# in target/bench/pg (scripts/pg-throwaway.sh, on a free loopback port, or
# PG_PORT), started with larger buffers than the defaults (PG_OPTS below).
# Each size is built afresh, unless REUSE=1: then a repository left by an
# earlier run of the same size is queried again without rebuilding.
# BACKENDS="sqlite postgres" (the default) selects the backends.
# Logs: target/bench/repository/{sqlite,postgres}-N.log. A benchmark, not a
# test: 1 M codes take about 5 minutes per backend, 10 M about an hour.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/repository"
PG_DIR="$ROOT/target/bench/pg"
BACKENDS="${BACKENDS:-sqlite postgres}"
REUSE="${REUSE:-}"
# The defaults (128 MB of shared buffers, 1 GB of WAL between checkpoints) are
# sized for a laptop; these are the settings the figures in bench/README.md used.
export PG_OPTS="${PG_OPTS:--c shared_buffers=2GB -c max_wal_size=8GB -c checkpoint_timeout=30min}"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)
for n in "${sizes[@]}"; do
    case "$n" in
        '' | *[!0-9]*) echo "repository.sh: N must be a number, not '$n'" >&2; exit 2 ;;
    esac
done

say "building (release)"
cargo build --quiet --release --locked -p hallmark-bench --bin repository-bench
BENCH="$ROOT/target/release/repository-bench"
mkdir -p "$WORK"

machine() {
    printf '%s × %s, %s GiB; load average %s\n' "$(nproc)" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
        "$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
        "$(cut -d ' ' -f 1-3 /proc/loadavg)"
}

for n in "${sizes[@]}"; do
    reuse=()
    [ -n "$REUSE" ] && reuse=(--reuse)
    for backend in $BACKENDS; do
        log="$WORK/$backend-$n.log"
        say "$backend, $n codes (log: ${log#"$ROOT"/})"
        case "$backend" in
            sqlite)
                db="$WORK/sqlite-$n.db"
                [ -n "$REUSE" ] || rm -f "$db" "$db-wal" "$db-shm"
                {
                    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(machine)"
                    "$BENCH" --url "sqlite:$db" --n "$n" "${reuse[@]}"
                    echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
                } 2>&1 | tee "$log"
                ;;
            postgres)
                bash "$ROOT/scripts/pg-throwaway.sh" stop "$PG_DIR" 2>/dev/null || true
                [ -n "$REUSE" ] || rm -rf "$PG_DIR"
                port="${PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
                {
                    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(machine); PG_OPTS=$PG_OPTS"
                    PG_DB="bench_$n" bash "$ROOT/scripts/pg-throwaway.sh" run "$PG_DIR" "$port" -- \
                        bash -c '"$1" --url "$HALLMARK_TEST_POSTGRES_URL" --n "$2" "${@:3}"' \
                        repository-bench "$BENCH" "$n" "${reuse[@]}"
                    echo "# done $(date -u +%Y-%m-%dT%H:%M:%SZ); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
                } 2>&1 | tee "$log"
                ;;
            *)
                echo "repository.sh: unknown backend '$backend' (sqlite, postgres)" >&2
                exit 2
                ;;
        esac
    done
done
