#!/usr/bin/env bash
# The shard filter against what dataset builders write today: `hallmark scan`
# on a 1,000-sample WebDataset shard of ~75 KB JPEGs (10 % signed, AI
# training not allowed) against webdataset + c2pa-python making the same
# decisions (bench/scan_baseline.py), and on the same shard unsigned (the
# pre-check floor) against reading the tar alone (`tar -xOf SHARD`). The two
# commands of each comparison run in turn, RUNS pairs (default 15) after a
# warm-up; prints the median wall time, samples/s and MB/s of each, and the
# median of the paired ratios. A benchmark, not a test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/scan"
RUNS="${RUNS:-15}"
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

MB=$(stat -c %s "$WORK/mixed.tar" | awk '{printf "%.1f", $1 / 1e6}')
say "measuring ($RUNS pairs of runs; shard of $MB MB, $(nproc) cores)"
echo "| command | median wall | samples/s | MB/s |"
echo "| --- | ---: | ---: | ---: |"
python3 bench/paired.py "$RUNS" "$MB" 1000 \
    "hallmark scan (10 % signed)" "webdataset + c2pa-python (10 % signed)" \
    "**hallmark scan is {ratio}× as fast as webdataset + c2pa-python**" \
    -- --remove "$WORK/out-h.tar" "$HALLMARK" scan "$WORK/mixed.tar" --for ai_training -o "$WORK/out-h.tar" \
    -- --remove "$WORK/out-p.tar" "$VENV/bin/python" bench/scan_baseline.py "$WORK/mixed.tar" "$WORK/out-p.tar"
# The same decisions: both filtered shards hold the same samples.
if [ "$(tar -tf "$WORK/out-h.tar" | sort)" != "$(tar -tf "$WORK/out-p.tar" | sort)" ]; then
    echo "the two filters kept different samples" >&2
    exit 1
fi
# The floor: hallmark's pre-check on the same shard unsigned, and reading the tar alone.
python3 bench/paired.py "$RUNS" "$MB" 1000 \
    "hallmark scan, decisions only, all unsigned (the pre-check floor)" "tar -xOf (reading the tar alone)" \
    "reading the tar alone takes {ratio} of the pre-check floor's time" \
    -- "$HALLMARK" scan "$WORK/unsigned.tar" --for ai_training \
    -- tar -xOf "$WORK/unsigned.tar"
