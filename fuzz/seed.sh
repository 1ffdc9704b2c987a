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
echo "seeded $(find "$corpus" -type f | wc -l) files in $corpus"
