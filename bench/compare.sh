#!/usr/bin/env bash
# Whole-process performance of hallmark against references measured in the
# same run: sha256sum (hashing speed), cp + sha256sum (copy and hash), and
# c2pa-python (the peer). Prints a Markdown table; writes target/bench/results.json.
# A benchmark, not a test: it is not part of CI's pass/fail. RUNS=N sets the repetitions.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench"
INPUTS="$WORK/inputs"
RUNS="${RUNS:-5}"

# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null || apt_install python3

VENV="$ROOT/target/oracles/venv"
if ! "$VENV/bin/python" -c 'import c2pa' 2>/dev/null; then
    say "installing c2pa-python in $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/oracle/python/requirements.txt
fi

say "building (release)"
cargo build --release --locked -p hallmark-cli -p hallmark-bench --bin hallmark --bin make-inputs
HALLMARK="$ROOT/target/release/hallmark"

say "making inputs in $INPUTS (kept between runs)"
"$ROOT/target/release/make-inputs" "$INPUTS" tests/fixtures/media/sample.mp4

example_keys_copy "$WORK/creds"
export HALLMARK_PASSPHRASE=hallmark-example
if [ ! -f "$WORK/signed/.done" ]; then
    say "signing the inputs the verify measurements read"
    rm -rf "$WORK/signed"
    mkdir -p "$WORK/signed"
    for f in "$INPUTS"/*.*; do
        "$HALLMARK" sign "$f" -o "$WORK/signed/$(basename "$f")" --credentials "$WORK/creds" >/dev/null
    done
    "$HALLMARK" sign --recursive "$INPUTS/jpegs" -o "$WORK/signed/jpegs" --credentials "$WORK/creds" >/dev/null
    touch "$WORK/signed/.done"
fi

say "measuring ($RUNS runs each)"
python3 "$ROOT/bench/compare.py" "$HALLMARK" "$INPUTS" "$WORK" "$VENV/bin/python" "$RUNS"
