#!/usr/bin/env bash
# The manifest repository under a publish + lookup mix: 16 clients
# (`repository-load`, bench/src/bin/) for 20 s against `hallmark serve
# --repository`, one publishing of a distinct signed file in every four
# requests and otherwise a by-binding lookup, on SQLite and on PostgreSQL
# (a throwaway cluster, scripts/pg-throwaway.sh). Prints p50/p99 per kind
# and the errors; each service is started on 127.0.0.1 and stopped by its
# PID, also on failure. A benchmark, not a test.
#
#   bash bench/repository-load.sh          CLIENTS=16 SECONDS_EACH=20 FILES=3000
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/repository-load"
PG_DIR="$WORK/pg"
CLIENTS="${CLIENTS:-16}"
SECONDS_EACH="${SECONDS_EACH:-20}"
FILES="${FILES:-3000}"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

say "building (release)"
cargo build --quiet --release --locked -p hallmark-cli -p hallmark-bench --bin hallmark --bin repository-load
HALLMARK="$ROOT/target/release/hallmark"
LOAD="$ROOT/target/release/repository-load"

# Distinct manifests to publish: the JPEG, PNG and WebP samples signed many times
# (the same pictures, so lookups find many manifests: one per signer answers).
if [ "$(find "$WORK/signed" -type f 2>/dev/null | wc -l)" -lt "$FILES" ]; then
    say "signing $FILES copies of the samples"
    rm -rf "$WORK/originals" "$WORK/signed"
    mkdir -p "$WORK/originals"
    for i in $(seq "$FILES"); do
        case $((i % 3)) in
            0) cp tests/fixtures/media/sample.jpg "$WORK/originals/$i.jpg" ;;
            1) cp tests/fixtures/media/sample.png "$WORK/originals/$i.png" ;;
            2) cp tests/fixtures/media/sample.webp "$WORK/originals/$i.webp" ;;
        esac
    done
    example_keys_copy "$WORK/creds"
    HALLMARK_PASSPHRASE=hallmark-example "$HALLMARK" sign --credentials "$WORK/creds" -r \
        "$WORK/originals" -o "$WORK/signed" >/dev/null
fi

SERVER=""
stop_all() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    bash "$ROOT/scripts/pg-throwaway.sh" stop "$PG_DIR" 2>/dev/null || true
}
trap stop_all EXIT

run_against() { # NAME URL
    local name="$1" url="$2" port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "$HALLMARK" serve --listen "127.0.0.1:$port" --repository "$url" --trust keys-example/ca.pem \
        --publish-limit 0 --max-manifests-per-signer 1000000 --log-format json 2> "$WORK/serve-$name.log" &
    SERVER=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    say "$name: $CLIENTS clients for $SECONDS_EACH s"
    "$LOAD" "http://127.0.0.1:$port" "$WORK/signed" "$CLIENTS" "$SECONDS_EACH" 3 | tee "$WORK/$name.json"
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}

rm -f "$WORK/repository.db"*
run_against sqlite "sqlite:$WORK/repository.db"

PG_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
bash "$ROOT/scripts/pg-throwaway.sh" stop "$PG_DIR" 2>/dev/null || true
rm -rf "$PG_DIR"
PG_URL="$(bash "$ROOT/scripts/pg-throwaway.sh" start "$PG_DIR" "$PG_PORT")"
run_against postgres "$PG_URL"

printf '\n%s × %s\n' "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
python3 - "$WORK" <<'EOF'
import json, sys
print("| backend | req/s | publish p50 / p99 | lookup p50 / p99 | errors |")
print("| --- | ---: | ---: | ---: | ---: |")
for name in ("sqlite", "postgres"):
    r = json.load(open(f"{sys.argv[1]}/{name}.json"))
    p, l = r["publish"], r["lookup"]
    print(f"| {name} | {r['requests_per_second']:.0f} | {p['p50_ms']} / {p['p99_ms']} ms ({p['count']}) "
          f"| {l['p50_ms']} / {l['p99_ms']} ms ({l['count']}) | {p['errors'] + l['errors']} |")
EOF
