#!/usr/bin/env bash
# Benchmark signing in the browser against the CLI, in one run: per image in
# Debian's Chromium and Debian's Firefox ESR (the browser package's `sign`,
# driven over WebDriver BiDi) against `hallmark sign -j 1` on the same files,
# and the studio page's memory over a 500-file batch in Chromium. Prints a
# Markdown table (also written to target/bench-signing/results.md, raw numbers
# to results.json). See README.md.
#
# Idempotent: installs what it needs only when missing (Debian's chromium,
# firefox-esr and ffmpeg, the test driver's npm packages), builds wasm/pkg if it
# is not there, and keeps the generated inputs in target/bench-signing/.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WASM_DIR="$(dirname "$BENCH_DIR")"
ROOT="$(dirname "$WASM_DIR")"
OUT="$ROOT/target/bench-signing"

# shellcheck source=../../scripts/common.sh
source "$ROOT/scripts/common.sh"

command -v npm >/dev/null && command -v node >/dev/null || apt_install nodejs npm
apt_install chromium firefox-esr ffmpeg
if ! { [ -d "$WASM_DIR/tests/node_modules/puppeteer-core" ] && [ -d "$WASM_DIR/tests/node_modules/playwright-core" ]; }; then
    say "installing the browser driver's npm packages"
    (cd "$WASM_DIR/tests" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
if [ ! -f "$WASM_DIR/pkg/hallmark_wasm_sign_bg.wasm" ]; then
    say "wasm/pkg is missing: building it"
    bash "$WASM_DIR/build.sh"
fi
say "building the hallmark CLI (cargo build --release -p hallmark-cli)"
(cd "$ROOT" && cargo build --quiet --release -p hallmark-cli)
HALLMARK="${CARGO_TARGET_DIR:-$ROOT/target}/release/hallmark"

# Inputs: 12 photographs-sized JPEGs (1600×1080, noisy, about 1 MB each) for the
# per-image times, and 500 smaller ones (800×600) for the batch. Made once.
mkdir -p "$OUT/photos" "$OUT/batch"
if [ ! -f "$OUT/photos/photo-12.jpg" ]; then
    say "making 12 photographs (ffmpeg)"
    ffmpeg -loglevel error -y -f lavfi -i "mandelbrot=size=1600x1080:rate=1,noise=alls=12:allf=t:all_seed=42" \
        -frames:v 12 -q:v 2 "$OUT/photos/photo-%02d.jpg"
fi
if [ ! -f "$OUT/batch/image-500.jpg" ]; then
    say "making the 500-file batch (ffmpeg)"
    ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=800x600:rate=25,noise=alls=10:allf=t:all_seed=7" \
        -frames:v 500 -q:v 3 "$OUT/batch/image-%03d.jpg"
fi

say "signing in Chromium and Firefox ESR, and with the CLI"
HALLMARK="$HALLMARK" node "$BENCH_DIR/signing.mjs" "$OUT" | tee "$OUT/results.md"
