#!/usr/bin/env bash
# The shard filter against what dataset builders write today: `hallmark scan`
# on a 1,000-sample WebDataset shard of ~75 KB JPEGs (10 % signed, AI
# training not allowed) against webdataset + c2pa-python making the same
# decisions (bench/scan_baseline.py), and on the same shard unsigned (the
# pre-check floor) against reading the tar alone (`tar -xOf SHARD`). Each
# command runs RUNS times (default 5) after a warm-up; prints the median wall
# time, samples/s and MB/s. A benchmark, not a test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/scan"
RUNS="${RUNS:-5}"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

VENV="$ROOT/target/oracles/crawler"
if ! "$VENV/bin/python" -c 'import webdataset, c2pa, PIL' 2>/dev/null; then
    say "installing webdataset and c2pa-python in $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/crawler/requirements.txt
fi

say "building (release)"
cargo build --quiet --release --locked -p hallmark-cli
HALLMARK="$ROOT/target/release/hallmark"
mkdir -p "$WORK"
example_keys_copy "$WORK/creds"
say "making the shards in $WORK (kept between runs)"
"$VENV/bin/python" bench/make_shard.py "$WORK" 1000 10 "$HALLMARK" "$WORK/creds"

# Median wall seconds of RUNS runs of a command (after one warm-up).
median() {
    "$@" >/dev/null 2>&1
    local times=() start end
    for _ in $(seq "$RUNS"); do
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

MB=$(stat -c %s "$WORK/mixed.tar" | awk '{printf "%.1f", $1 / 1e6}')
row() {
    local what="$1" secs="$2"
    awk -v w="$what" -v s="$secs" -v mb="$MB" 'BEGIN { printf "| %s | %.3f s | %.0f samples/s | %.0f MB/s |\n", w, s, 1000 / s, mb / s }'
}
rm -f "$WORK"/out-*.tar
say "measuring ($RUNS runs each; shard of $MB MB, $(nproc) cores)"
echo "| command | median wall | samples/s | MB/s |"
echo "| --- | ---: | ---: | ---: |"
row "hallmark scan (10 % signed)" "$(median sh -c "rm -f $WORK/out-h.tar; exec $HALLMARK scan $WORK/mixed.tar --for ai_training -o $WORK/out-h.tar")"
row "webdataset + c2pa-python (10 % signed)" "$(median sh -c "rm -f $WORK/out-p.tar; exec $VENV/bin/python bench/scan_baseline.py $WORK/mixed.tar $WORK/out-p.tar")"
row "hallmark scan (unsigned)" "$(median sh -c "rm -f $WORK/out-u.tar; exec $HALLMARK scan $WORK/unsigned.tar --for ai_training -o $WORK/out-u.tar")"
row "tar -xOf (reading the tar alone)" "$(median sh -c "tar -xOf $WORK/unsigned.tar > /dev/null")"
