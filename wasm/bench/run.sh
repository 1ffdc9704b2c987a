#!/usr/bin/env bash
# Benchmark hallmark-wasm against @contentauth/c2pa-web and @trustnxt/c2pa-ts in
# one headless Chromium run: download size, time to initialise, and verification
# time for a ~1 MB JPEG and a ~50 MB MP4 signed by hallmark. Prints a Markdown
# table (also written to target/bench-browser/results.md, raw numbers to
# results.json). See README.md.
#
# Idempotent: installs what it needs only when missing (Debian's chromium and
# ffmpeg, the npm packages pinned in package-lock.json), builds wasm/pkg if it is
# not there, and keeps the generated inputs in target/bench-browser/ so reruns
# only re-sign them when the hallmark CLI changed.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WASM_DIR="$(dirname "$BENCH_DIR")"
ROOT="$(dirname "$WASM_DIR")"
OUT="$ROOT/target/bench-browser"
RAW="$OUT/raw"          # unsigned inputs, made once
INPUTS="$OUT/inputs"    # signed inputs + the example CA, served to the pages
BUILD="$OUT/build"      # what the pages load for c2pa-web and c2pa-ts

# shellcheck source=../../scripts/common.sh
source "$ROOT/scripts/common.sh"

# --- tools ---------------------------------------------------------------------
command -v cargo >/dev/null || { echo "cargo (Rust) is needed to build the hallmark CLI" >&2; exit 1; }
command -v npm >/dev/null && command -v node >/dev/null || apt_install nodejs npm
[ -x /usr/bin/chromium ] || apt_install chromium
command -v ffmpeg >/dev/null || apt_install ffmpeg
command -v gzip >/dev/null || apt_install gzip

# --- hallmark-wasm -------------------------------------------------------------
if [ ! -f "$WASM_DIR/pkg/hallmark_wasm.js" ] || [ ! -f "$WASM_DIR/pkg/hallmark_wasm_bg.wasm" ]; then
    say "wasm/pkg is missing: building it"
    bash "$WASM_DIR/build.sh"
fi

# --- npm packages (pinned) -----------------------------------------------------
if ! { [ -d "$BENCH_DIR/node_modules" ] && cmp -s "$BENCH_DIR/package-lock.json" "$BENCH_DIR/node_modules/.package-lock.json.copy"; }; then
    say "installing the benchmark's npm packages"
    (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$BENCH_DIR/package-lock.json" "$BENCH_DIR/node_modules/.package-lock.json.copy"
fi

# --- hallmark CLI --------------------------------------------------------------
say "building the hallmark CLI (cargo build --release -p hallmark-cli)"
(cd "$ROOT" && cargo build --quiet --release -p hallmark-cli)
HALLMARK="${CARGO_TARGET_DIR:-$ROOT/target}/release/hallmark"

# --- inputs --------------------------------------------------------------------
mkdir -p "$RAW" "$INPUTS" "$BUILD/c2pa-web" "$BUILD/c2pa-ts"

# The recipes; a changed recipe remakes its file.
JPEG_ARGS=(-f lavfi -i "mandelbrot=size=1600x1080:end_pts=1,noise=alls=12:all_seed=42" -frames:v 1 -q:v 2)
MP4_ARGS=(-f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=8:allf=t:all_seed=7" -t 20
          -c:v libx264 -preset veryfast -b:v 20M -maxrate 20M -bufsize 40M -pix_fmt yuv420p -movflags +faststart)

make_raw() { # OUT ARGS...
    local out="$1"; shift
    local recipe="$*"
    if [ -f "$out" ] && [ "$(cat "$out.recipe" 2>/dev/null)" = "$recipe" ]; then return; fi
    say "making $(basename "$out") with ffmpeg"
    ffmpeg -nostdin -v error -y "$@" "$out.tmp.${out##*.}"
    mv "$out.tmp.${out##*.}" "$out"
    printf '%s' "$recipe" > "$out.recipe"
}
make_raw "$RAW/photo.jpg" "${JPEG_ARGS[@]}"
make_raw "$RAW/video.mp4" "${MP4_ARGS[@]}"

CREDS="$OUT/credentials"
example_keys_copy "$CREDS"
cp "$CREDS/ca.pem" "$INPUTS/ca.pem"

sign() { # IN OUT: re-signed when missing or older than its input or the CLI
    if [ -f "$2" ] && [ "$2" -nt "$1" ] && [ "$2" -nt "$HALLMARK" ]; then return; fi
    say "signing $(basename "$1") with hallmark"
    HALLMARK_PASSPHRASE=hallmark-example "$HALLMARK" sign "$1" -o "$2" --credentials "$CREDS" --force --color never >&2
}
sign "$RAW/photo.jpg" "$INPUTS/photo.jpg"
sign "$RAW/video.mp4" "$INPUTS/video.mp4"

# --- what the pages load for c2pa-web and c2pa-ts -------------------------------
ESBUILD=("$BENCH_DIR/node_modules/.bin/esbuild" --bundle --format=esm --minify --platform=browser
         --target=chrome120 --legal-comments=none --log-level=warning)
say "bundling c2pa-web and c2pa-ts with esbuild"
"${ESBUILD[@]}" "$BENCH_DIR/src/c2pa-web-entry.js" --outfile="$BUILD/c2pa-web/c2pa-web.min.js"
cp "$BENCH_DIR/node_modules/@contentauth/c2pa-web/dist/resources/c2pa_bg.wasm" "$BUILD/c2pa-web/c2pa_bg.wasm"
"${ESBUILD[@]}" "$BENCH_DIR/src/c2pa-ts-entry.js" --outfile="$BUILD/c2pa-ts/c2pa-ts.min.js"

# --- run -----------------------------------------------------------------------
say "running the benchmark in $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
cd "$BENCH_DIR"
node bench.mjs "$BUILD" "$INPUTS"
