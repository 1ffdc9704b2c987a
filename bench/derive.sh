#!/usr/bin/env bash
# Derive against sign on the same renditions, in one run: a 1600×1080
# photograph signed by its creator, 24 renditions made with libvips
# (`vips thumbnail`: WebP, JPEG and PNG at 128 to 1024 pixels), then
#   hallmark sign -j 1 RENDITIONS -o OUT               (a fresh manifest each)
#   hallmark derive RENDITIONS --from ORIGINAL -o OUT  (the original as parent)
# each RUNS times (default 5); prints the best whole-process times and their
# ratio (the target: derive at most 1.3× sign). A benchmark, not a test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/bench/derive"
RUNS="${RUNS:-5}"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

apt_install libvips-tools ffmpeg
say "building (release)"
cargo build --quiet --release --locked -p hallmark-cli
HALLMARK="$ROOT/target/release/hallmark"
export HALLMARK_PASSPHRASE=hallmark-example

rm -rf "$WORK"
mkdir -p "$WORK/renditions"
example_keys_copy "$WORK/creds"
ffmpeg -loglevel error -y -f lavfi -i "mandelbrot=size=1600x1080:end_pts=1,noise=alls=12:all_seed=42" \
    -frames:v 1 -q:v 2 "$WORK/photo.jpg"
"$HALLMARK" sign --credentials "$WORK/creds" "$WORK/photo.jpg" -o "$WORK/original.jpg" >/dev/null
for width in 128 256 384 512 640 768 896 1024; do
    for ext in webp jpg png; do
        vips thumbnail "$WORK/original.jpg" "$WORK/renditions/r-$width.$ext" "$width"
    done
done

best() { # COMMAND...: the best wall time of RUNS runs, in ms
    local best=999999999 start end ms
    for _ in $(seq "$RUNS"); do
        rm -rf "$WORK/out"
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        ms=$(((end - start) / 1000000))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    echo "$best"
}

say "sign and derive, $RUNS runs each"
SIGN=$(best "$HALLMARK" sign -j 1 --credentials "$WORK/creds" -r "$WORK/renditions" -o "$WORK/out")
DERIVE=$(best "$HALLMARK" derive "$WORK"/renditions/* --from "$WORK/original.jpg" --credentials "$WORK/creds" -o "$WORK/out")
N=$(find "$WORK/renditions" -type f | wc -l)
printf '\n%s × %s\n' "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "| $N renditions (libvips, 128–1024 px) | best of $RUNS | per rendition |"
echo "| --- | ---: | ---: |"
echo "| hallmark sign -j 1 | $SIGN ms | $((SIGN / N)) ms |"
echo "| hallmark derive --from original.jpg | $DERIVE ms | $((DERIVE / N)) ms |"
awk -v d="$DERIVE" -v s="$SIGN" 'BEGIN { printf "derive / sign: %.2f×\n", d / s }'
