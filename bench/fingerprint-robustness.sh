#!/usr/bin/env bash
# Robustness and cost of the fingerprint (the ISCC Image-Code): the natural
# photographs bundled with scikit-image and edited copies of each (JPEG q75 and
# q50, resize 50 %, PNG to JPEG, JPEG to WebP, crop 5 %, rotate 2°, mirror),
# fingerprinted by the library's release build. Prints Markdown tables: the
# share of copies recovered at the library's thresholds with their distances,
# false matches between distinct photographs, and the cost per megapixel
# against iscc-sdk on the same files in the same run. Writes
# target/bench/fingerprint/results.{md,json}. A benchmark, not a test.
# REPEAT=N sets how often each file is timed (best of N; default 5).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/fingerprint"
REPEAT="${REPEAT:-5}"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

command -v python3 >/dev/null || apt_install python3
VENV="$ROOT/target/oracles/venv"
if ! "$VENV/bin/python" -c 'import iscc_sdk, skimage, PIL' 2>/dev/null; then
    say "installing the Python oracles (iscc-sdk, Pillow, scikit-image) in $VENV"
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/oracle/python/requirements.txt
fi

say "building (release)"
cargo build --quiet --release --locked -p hallmark-bench --bin fingerprints

say "making the photographs and their edits in $WORK, fingerprinting, timing (best of $REPEAT)"
rm -rf "$WORK"
mkdir -p "$WORK"
"$VENV/bin/python" "$ROOT/bench/fingerprint_robustness.py" "$ROOT/target/release/fingerprints" "$WORK" "$REPEAT"
