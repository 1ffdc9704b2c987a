#!/usr/bin/env bash
# Load test of `hallmark serve` with oha, on loopback only, with bounded
# request counts: a 1 MB signed JPEG at concurrency 1, 16 and 64. Reports
# requests/s, p50/p99 latency, how many cores the service kept busy, its peak
# RSS, and the cost per file against `hallmark verify` on the same file.
# A benchmark, not a test. REQUESTS=N scales the request counts (default 1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/serve"
SCALE="${REQUESTS:-1}"
OHA_VERSION="1.16.0"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

if ! oha --version 2>/dev/null | grep -q "$OHA_VERSION"; then
    say "installing oha $OHA_VERSION"
    cargo install --quiet --locked oha --version "$OHA_VERSION"
fi
say "building (release)"
cargo build --quiet --release --locked -p hallmark-cli -p hallmark-bench --bin hallmark --bin make-inputs
HALLMARK="$ROOT/target/release/hallmark"
"$ROOT/target/release/make-inputs" "$ROOT/target/bench/inputs" tests/fixtures/media/sample.mp4

example_keys_copy "$WORK/creds"
FILE="$WORK/signed-1M.jpg"
[ -f "$FILE" ] || HALLMARK_PASSPHRASE=hallmark-example "$HALLMARK" sign --credentials "$WORK/creds" \
    "$ROOT/target/bench/inputs/jpeg-1M.jpg" -o "$FILE" >/dev/null

PORT=18480
"$HALLMARK" serve --listen "127.0.0.1:$PORT" --trust keys-example/ca.pem --log-format json \
    2> "$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/v1/verify?for=ai_training"
curl -sf --data-binary "@$FILE" -H 'Content-Type: image/jpeg' "$URL" | grep -q '"state":"trusted"'

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
for level in "1 200" "16 2000" "64 4000"; do
    set -- $level
    concurrency=$1; requests=$(( $2 * SCALE ))
    say "concurrency $concurrency, $requests requests"
    before=$(cpu_ticks)
    oha --no-tui --output-format json -n "$requests" -c "$concurrency" -m POST \
        -H 'Content-Type: image/jpeg' -D "$FILE" "$URL" > "$WORK/oha-c$concurrency.json"
    after=$(cpu_ticks)
    echo "$concurrency $((after - before))" > "$WORK/cpu-c$concurrency.txt"
done
grep VmHWM "/proc/$SERVER/status" | awk '{print $2}' > "$WORK/peak-rss-kib.txt"

say "the CLI on the same file, 50 runs"
start=$(date +%s.%N)
for _ in $(seq 50); do "$HALLMARK" verify --json --trust keys-example/ca.pem "$FILE" >/dev/null; done
end=$(date +%s.%N)
echo "$start $end" > "$WORK/cli-times.txt"

python3 - "$WORK" "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import json, sys
from pathlib import Path
work, ticks, cores = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
start, end = map(float, (work / "cli-times.txt").read_text().split())
cli_ms = (end - start) / 50 * 1000
rss = int((work / "peak-rss-kib.txt").read_text()) / 1024
print(f"`hallmark serve`, 1 MB signed JPEG, loopback, {cores} cores; `hallmark verify` per file: {cli_ms:.1f} ms\n")
print("| concurrency | requests | requests/s | p50 | p99 | non-200 | cores busy | ms per file (server) |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for c in (1, 16, 64):
    data = json.loads((work / f"oha-c{c}.json").read_text())
    summary, pct = data["summary"], data["latencyPercentiles"]
    codes = data.get("statusCodeDistribution", {})
    total = sum(codes.values())
    non_ok = total - codes.get("200", 0)
    cpu_seconds = int((work / f"cpu-c{c}.txt").read_text().split()[1]) / ticks
    busy = cpu_seconds / summary["total"]
    per_file = cpu_seconds / max(total, 1) * 1000
    print(f"| {c} | {total} | {summary['requestsPerSec']:.0f} | {pct['p50']*1000:.1f} ms | {pct['p99']*1000:.1f} ms "
          f"| {non_ok} | {busy:.2f} | {per_file:.1f} ms CPU |")
print(f"\nService peak RSS: {rss:.0f} MiB")
PY
