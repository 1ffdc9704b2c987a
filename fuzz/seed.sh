#!/usr/bin/env bash
# Seed the fuzz corpora from real files: the sample media, the same media
# signed by hallmark with the example keys (every use not allowed, the policy
# the verify targets hold intact files to), the example credentials, a real
# report and real assertions. Idempotent; corpora live in fuzz/corpus/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus"
media="$root/tests/fixtures/media"
# shellcheck source=../scripts/common.sh
source "$root/scripts/common.sh"

cargo build --quiet --release --locked -p hallmark-cli --manifest-path "$root/Cargo.toml"
hallmark="$root/target/release/hallmark"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
signed="$scratch/signed"
example_keys_copy "$scratch/creds"
HALLMARK_PASSPHRASE=hallmark-example "$hallmark" sign --credentials "$scratch/creds" \
    -o "$signed/" "$media"/sample.{jpg,png,wav,avi,mp4,mov,m4a,heic,avif,webp,gif,tif,svg,mp3,flac,jxl,dng} >/dev/null

seed() { # seed TARGET FILE...
    mkdir -p "$corpus/$1"
    local target="$1"; shift
    for f in "$@"; do cp -f "$f" "$corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"; done
}
seed verify_jpeg "$media/sample.jpg" "$signed/sample.jpg"
seed verify_png "$media/sample.png" "$signed/sample.png"
seed verify_riff "$media/sample.wav" "$media/sample.avi" "$signed/sample.wav" "$signed/sample.avi"
seed verify_bmff "$media"/sample.{mp4,mov,m4a,heic,avif} "$signed"/sample.{mp4,mov,m4a,heic,avif}
mkdir -p "$corpus/verify_any"
# verify_any reads its first byte as the declared format (0x00 JPEG, 0x05 GIF, 0xff none:
# sniff the content), so each seed is stored behind a few such bytes.
for f in "$media"/sample.* "$signed"/sample.*; do
    case "$f" in *.md) continue ;; esac
    for pick in 00 05 ff; do
        { printf "\\x$pick"; cat "$f"; } > "$corpus/verify_any/$pick-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
done

mkdir -p "$corpus/policy_assertion" "$corpus/credentials_pem" "$corpus/report_json"
"$hallmark" inspect --json "$signed/sample.png" 2>/dev/null \
    | python3 -c '
import json, sys
store = json.load(sys.stdin)
n = 0
def walk(v):
    global n
    if isinstance(v, dict):
        if "entries" in v:
            open(sys.argv[1] + f"/assertion-{n}.json", "w").write(json.dumps(v)); n += 1
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(store)
' "$corpus/policy_assertion"
printf '{"entries":{"c2pa.ai_training":{"use":"constrained","constraint_info":"ask"},"cawg.ai_inference":{"use":"allowed"},"cawg.data_mining":{"use":"notAllowed"}}}' \
    > "$corpus/policy_assertion/mixed.json"
{ cat "$root/keys-example/chain.pem"; printf '\0'; cat "$root/keys-example/signer.key"; printf '\0hallmark-example'; } \
    > "$corpus/credentials_pem/example"
{ cat "$root/keys-example/ca.pem"; printf '\0'; cat "$root/keys-example/ca.key"; printf '\0wrong'; } \
    > "$corpus/credentials_pem/ca-wrong-passphrase"
"$hallmark" verify --json --trust "$root/keys-example/ca.pem" "$signed/sample.jpg" > "$corpus/report_json/trusted.json" || true
"$hallmark" verify --json "$media/sample.jpg" > "$corpus/report_json/none.json" || true

# xmp_merge: the first byte picks the policy (two bits a kind: 0xaa every use not allowed,
# 0x55 every use allowed, 0x5a training not allowed, 0xff every use constrained), the rest is
# a packet: ExifTool's, TDMRep's, Inkscape's RDF and hallmark's own from the signed samples.
mkdir -p "$corpus/xmp_merge"
python3 - "$corpus/xmp_merge" "$root/tests/fixtures/xmp"/* "$signed"/sample.* <<'PY'
import os, re, sys
out, files = sys.argv[1], sys.argv[2:]
for path in files:
    data = open(path, "rb").read()
    name = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)
    packets = re.findall(rb"<\?xpacket begin.*?<\?xpacket end[^>]*>", data, re.S)
    packets += re.findall(rb"<rdf:RDF.*?</rdf:RDF>", data, re.S)[:1]
    for n, packet in enumerate(packets[:2]):
        for pick in (0xaa, 0x55, 0x5a, 0xff):
            open(f"{out}/{pick:02x}-{n}-{name}", "wb").write(bytes([pick]) + packet)
PY

# shard_reader: WebDataset shards built from the signed and unsigned samples (a tar, a
# tar.gz, a pax shard with a long member name, and a GNU one with a directory).
mkdir -p "$corpus/shard_reader" "$scratch/shard/dir"
( cd "$scratch/shard"
  cp "$signed/sample.jpg" 0001.jpg; printf '{"caption":"a"}' > 0001.json; printf '3' > 0001.cls
  cp "$signed/sample.png" 0002.png; printf 'two' > 0002.txt
  cp "$media/sample.webp" 0003.webp; printf '{}' > 0003.json
  cp "$signed/sample.gif" 0004.left.gif; cp "$media/sample.gif" 0004.right.gif
  long="$(printf 'd%.0s' $(seq 1 120))"; mkdir -p "$long"; cp "$media/sample.png" "$long/0005.png"
  cp "$media/sample.jpg" dir/0006.jpg
  tar --format=ustar -cf "$corpus/shard_reader/signed.tar" 0001.jpg 0001.json 0001.cls 0002.png 0002.txt 0003.webp 0003.json
  tar --format=ustar -cf - 0001.jpg 0001.json 0004.left.gif 0004.right.gif | gzip -9n > "$corpus/shard_reader/signed.tar.gz"
  tar --format=pax -cf "$corpus/shard_reader/pax-long-name.tar" 0003.webp "$long/0005.png" 0003.json
  tar --format=gnu -cf "$corpus/shard_reader/gnu-dir.tar" dir 0004.left.gif "$long/0005.png" )

# fingerprint_decode: the first byte picks the declared format (0 JPEG, 1 PNG, 2 WebP, 3 GIF,
# 4 TIFF, 5 BMP; 0xff: as it is), the rest is an image: the samples, signed and not.
mkdir -p "$corpus/fingerprint_decode"
python3 - "$scratch/sample.bmp" <<'PY'
import struct, sys
w, h = 4, 3
row = bytes(c for x in range(w) for c in (40 * x, 80, 200)) + b"\0" * ((4 - w * 3 % 4) % 4)
pixels = row * h
header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
open(sys.argv[1], "wb").write(header + info + pixels)
PY
for f in "$media"/sample.{jpg,png,webp,gif,tif,dng} "$signed"/sample.{jpg,png,webp,gif,tif} \
    "$root/tests/fixtures/xmp"/{plain.jpg,plain.png,plain.webp,lossless.webp,alpha.webp,plain.gif,plain.tif} \
    "$scratch/sample.bmp"; do
    case "$f" in
        *.jpg) pick=00 ;; *.png) pick=01 ;; *.webp) pick=02 ;; *.gif) pick=03 ;;
        *.tif|*.dng) pick=04 ;; *.bmp) pick=05 ;;
    esac
    for p in "$pick" ff; do
        { printf "\\x$p"; cat "$f"; } > "$corpus/fingerprint_decode/$p-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
done

# publish_body: 0xff and a manifest store (the .c2pa sidecars of three images), or the index
# of a format in MediaFormat::ALL and a signed file of that format.
mkdir -p "$corpus/publish_body" "$scratch/sidecar"
for ext in jpg png webp; do cp "$media/sample.$ext" "$scratch/sidecar/$ext.$ext"; done
HALLMARK_PASSPHRASE=hallmark-example "$hallmark" sign --credentials "$scratch/creds" --sidecar \
    "$scratch/sidecar"/{jpg.jpg,png.png,webp.webp} >/dev/null
for f in "$scratch/sidecar"/*.c2pa; do
    { printf '\xff'; cat "$f"; } > "$corpus/publish_body/ff-$(basename "$f")"
done
for f in "$signed"/sample.*; do
    case "$f" in
        *.jpg) pick=00 ;; *.png) pick=01 ;; *.webp) pick=02 ;; *.tif) pick=03 ;; *.dng) pick=04 ;;
        *.gif) pick=05 ;; *.svg) pick=06 ;; *.heic) pick=07 ;; *.avif) pick=08 ;; *.jxl) pick=09 ;;
        *.mp4) pick=0a ;; *.mov) pick=0b ;; *.avi) pick=0c ;; *.m4a) pick=0d ;; *.wav) pick=0e ;;
        *.mp3) pick=10 ;; *.flac) pick=11 ;; *) continue ;;
    esac
    { printf "\\x$pick"; cat "$f"; } > "$corpus/publish_body/$pick-$(basename "$f")"
done
echo "seeded $(find "$corpus" -type f | wc -l) files in $corpus"
