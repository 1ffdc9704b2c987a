#!/usr/bin/env bash
# Run hallmark's fuzz targets, each for SECONDS (default 1200), PARALLEL at a
# time (default 2), and print one summary line per target: executions,
# corpus size and findings. Findings land in fuzz/artifacts/TARGET/.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${1:-1200}"; shift || true
parallel="${PARALLEL:-2}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
[ -d corpus ] || bash seed.sh
cargo +nightly fuzz build -O
mkdir -p logs

run_one() {
    local target="$1"
    mkdir -p "corpus/$target" "artifacts/$target"
    # -timeout: one input may take at most 10 s; -rss_limit_mb: 2 GiB;
    # -max_len: inputs up to 256 KiB (signed seeds are a few tens of KiB).
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -print_final_stats=1 > "logs/$target.log" 2>&1 || true
    local execs corpus findings
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')"
    corpus="$(find "corpus/$target" -type f | wc -l)"
    findings="$(find "artifacts/$target" -type f | wc -l)"
    echo "$target: ${execs:-?} executions in ${seconds} s, corpus $corpus, findings $findings"
}

running=0
for target in "${targets[@]}"; do
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then wait -n; running=$((running - 1)); fi
done
wait
