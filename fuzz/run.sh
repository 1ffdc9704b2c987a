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
# Seed when a target has no corpus yet (seed.sh is idempotent).
for target in "${targets[@]}"; do
    if [ ! -d "corpus/$target" ]; then bash seed.sh; break; fi
done
cargo +nightly fuzz build -O
mkdir -p logs

# Crashes, timeouts, out-of-memory and leaks in artifacts/TARGET (slow-unit
# files are only reports).
count_findings() {
    find "artifacts/$1" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l
}

run_one() {
    local target="$1" timeout=10
    # Every credentials input that parses runs scrypt (up to twice hallmark's own
    # cost, about 2.5 s under AddressSanitizer): give it room on a loaded machine.
    [ "$target" = credentials_pem ] && timeout=30
    # A shard scan runs its reader on a thread of its own, which may still be
    # running its thread-local destructors when the scan has returned: the
    # leak checker then reports glibc's 32-byte destructor list (it does not
    # reproduce). Memory stays bounded by the limits below.
    local leaks=1
    [ "$target" = shard_reader ] && leaks=0
    mkdir -p "corpus/$target" "artifacts/$target"
    local earlier started=$SECONDS
    earlier="$(count_findings "$target")"
    # -timeout: seconds one input may take; -rss_limit_mb: 2 GiB (also the
    # largest single allocation); -max_len: inputs up to 256 KiB (signed seeds
    # are a few tens of KiB).
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=262144 \
        -detect_leaks="$leaks" -print_final_stats=1 > "logs/$target.log" 2>&1 || true
    local took=$((SECONDS - started)) execs corpus findings
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')"
    corpus="$(find "corpus/$target" -type f | wc -l)"
    findings=$(($(count_findings "$target") - earlier))
    local how="in $took s"
    # libFuzzer stops at its first finding.
    [ "$findings" -gt 0 ] && how="in $took s, stopped at its first finding (logs/$target.log)"
    echo "$target: ${execs:-?} executions $how, corpus $corpus, findings $findings"
}

running=0
for target in "${targets[@]}"; do
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then wait -n; running=$((running - 1)); fi
done
wait
