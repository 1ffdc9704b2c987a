#!/usr/bin/env bash
# Build the browser package (verifier and signer) into wasm/pkg (an npm package) and print its sizes.
#
# Idempotent: installs what it needs only when missing — the wasm32 target,
# the wasm-bindgen CLI matching the wasm-bindgen crate in Cargo.lock exactly,
# and binaryen's wasm-opt (pinned in tools/package-lock.json). Debian 12's
# binaryen (108) cannot be used: it writes wasm-bindgen's externref table
# back as `anyref`, which browsers reject.
set -euo pipefail

WASM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$WASM_DIR"
# Built beside pkg and swapped in at the end, so pkg is never half-built.
FINAL_PKG="$WASM_DIR/pkg"
PKG="$WASM_DIR/pkg.build"
BUDGET=$((1536 * 1024))   # 1.5 MiB, gzip -9
SIGNING_BUDGET=$((3584 * 1024))   # 3.5 MiB, gzip -9: what a page that signs downloads (core and signing modules)

# shellcheck source=../scripts/common.sh
source "$WASM_DIR/../scripts/common.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $BINDGEN_VERSION"
    # Its own lock file names a webpki-roots release the registry may not carry; fall back to resolving afresh.
    cargo install --quiet --locked wasm-bindgen-cli --version "$BINDGEN_VERSION" 2>/dev/null \
        || cargo install --quiet wasm-bindgen-cli --version "$BINDGEN_VERSION"
fi

TOOLS="$WASM_DIR/tools"
WASM_OPT="$TOOLS/node_modules/.bin/wasm-opt"
if ! { [ -x "$WASM_OPT" ] && cmp -s "$TOOLS/package-lock.json" "$TOOLS/node_modules/.package-lock.json.copy"; }; then
    say "installing binaryen (wasm-opt) from npm"
    command -v npm >/dev/null || apt_install nodejs npm
    (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$TOOLS/package-lock.json" "$TOOLS/node_modules/.package-lock.json.copy"
fi

# The features rustc enables by default for wasm32.
FEATURES_OPT=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue)

# wasm-opt on one module's wasm ($1), in place, with extra flags ($2, quoted, may be empty).
optimise() {
    local wasm="$1" opt_flags="$2"
    # shellcheck disable=SC2086 # $opt_flags is a list of flags, or nothing
    "$WASM_OPT" -Oz $opt_flags --strip-debug --strip-producers "${FEATURES_OPT[@]}" \
        "$wasm" -o "$wasm.opt"
    mv "$wasm.opt" "$wasm"
}

# Build one module: cargo, wasm-bindgen, then wasm-opt in the background (it runs while the
# next module compiles; `finish_optimising` waits for them all). $1 = name, rest = cargo flags.
# The modules share one target folder, so only what their features change is built twice.
OPTIMISING=()
build_module() {
    local name="$1"
    shift
    say "building $name"
    cargo build --locked --release --target wasm32-unknown-unknown "$@"
    # --experimental-reset-state-function: __wbg_reset_state() instantiates the
    # module afresh, which js/hallmark_wasm.js does after a trap.
    wasm-bindgen --target web --experimental-reset-state-function --out-dir "$PKG" --out-name "$name" \
        target/wasm32-unknown-unknown/release/hallmark_wasm.wasm
    say "wasm-opt -Oz $name (in the background)"
    optimise "$PKG/${name}_bg.wasm" "" &
    OPTIMISING+=("$!:$name")
}

finish_optimising() {
    local job
    for job in "${OPTIMISING[@]}"; do
        if ! wait "${job%%:*}"; then
            echo "wasm-opt failed on ${job#*:}" >&2
            exit 1
        fi
    done
    say "wasm-opt done"
}

rm -rf "$PKG"
# The core module verifies every format but PDF; the PDF module adds lopdf
# and is fetched by js/hallmark_wasm.js only when a PDF is verified; the
# fingerprint module holds the library's image decoders (and none of the
# verifier) and is fetched only when a file is fingerprinted; the signing module
# (credentials, signing and the library's fingerprint; none of the verifier's
# exports) only when a page first signs.
build_module hallmark_wasm_core
build_module hallmark_wasm_pdf --features pdf
build_module hallmark_wasm_fingerprint --features fingerprint-module
build_module hallmark_wasm_sign --features sign-module
finish_optimising
# Optimising the core module until nothing more shrinks (--converge) saves a few KB gzipped
# and costs about two minutes: done only when the core is over its budget without it.
if [ "$(gzip -9 -c "$PKG/hallmark_wasm_core_bg.wasm" | wc -c)" -gt "$BUDGET" ]; then
    say "the core module is over its budget: wasm-opt -Oz --converge"
    optimise "$PKG/hallmark_wasm_core_bg.wasm" "--converge"
fi
# The same for the signing module, when a signing page would be over its budget without it.
if [ $(($(gzip -9 -c "$PKG/hallmark_wasm_core_bg.wasm" | wc -c) + $(gzip -9 -c "$PKG/hallmark_wasm_sign_bg.wasm" | wc -c))) -gt "$SIGNING_BUDGET" ]; then
    say "a signing page is over its budget: wasm-opt -Oz --converge on the signing module"
    optimise "$PKG/hallmark_wasm_sign_bg.wasm" "--converge"
fi
mv "$PKG/hallmark_wasm_core_bg.wasm" "$PKG/hallmark_wasm_bg.wasm"
mv "$PKG/hallmark_wasm_core_bg.wasm.d.ts" "$PKG/hallmark_wasm_bg.wasm.d.ts"
cp js/hallmark_wasm.js js/hallmark_wasm.d.ts "$PKG/"

# The licence texts, from the repository's root, listed in the package's files.
EXTRA_FILES=""
for license in LICENSE-MIT LICENSE-APACHE; do
    if [ -f "$WASM_DIR/../$license" ]; then
        cp "$WASM_DIR/../$license" "$PKG/$license"
        EXTRA_FILES+=", \"$license\""
    else
        say "warning: $license is missing from the repository root; the package will not carry it"
    fi
done

VERSION="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
cat > "$PKG/package.json" <<JSON
{
  "name": "hallmark-wasm",
  "version": "$VERSION",
  "description": "Sign and verify Content Credentials (C2PA) and their \"do not train\" policy in the browser, offline",
  "license": "MIT OR Apache-2.0",
  "repository": { "type": "git", "url": "https://github.com/hallmark-c2pa/hallmark" },
  "keywords": ["c2pa", "content-credentials", "provenance", "ai-training", "wasm"],
  "type": "module",
  "main": "hallmark_wasm.js",
  "module": "hallmark_wasm.js",
  "types": "hallmark_wasm.d.ts",
  "exports": {
    ".": { "types": "./hallmark_wasm.d.ts", "default": "./hallmark_wasm.js" },
    "./hallmark_wasm_bg.wasm": "./hallmark_wasm_bg.wasm",
    "./hallmark_wasm_pdf_bg.wasm": "./hallmark_wasm_pdf_bg.wasm",
    "./hallmark_wasm_fingerprint_bg.wasm": "./hallmark_wasm_fingerprint_bg.wasm",
    "./hallmark_wasm_sign_bg.wasm": "./hallmark_wasm_sign_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": [
    "hallmark_wasm.js", "hallmark_wasm.d.ts", "hallmark_wasm_bg.wasm", "hallmark_wasm_bg.wasm.d.ts",
    "hallmark_wasm_core.js", "hallmark_wasm_core.d.ts",
    "hallmark_wasm_pdf.js", "hallmark_wasm_pdf.d.ts", "hallmark_wasm_pdf_bg.wasm", "hallmark_wasm_pdf_bg.wasm.d.ts",
    "hallmark_wasm_fingerprint.js", "hallmark_wasm_fingerprint.d.ts", "hallmark_wasm_fingerprint_bg.wasm",
    "hallmark_wasm_fingerprint_bg.wasm.d.ts",
    "hallmark_wasm_sign.js", "hallmark_wasm_sign.d.ts", "hallmark_wasm_sign_bg.wasm", "hallmark_wasm_sign_bg.wasm.d.ts",
    "README.md"$EXTRA_FILES
  ],
  "sideEffects": false
}
JSON
cp README.md "$PKG/README.md"
rm -rf "$FINAL_PKG"
mv "$PKG" "$FINAL_PKG"
PKG="$FINAL_PKG"

# The browser extension carries its own copy: an extension may only load files inside itself.
if [ -d "$WASM_DIR/extension" ]; then
    rm -rf "$WASM_DIR/extension/pkg"
    mkdir -p "$WASM_DIR/extension/pkg"
    # The signing module's JavaScript only (hallmark_wasm.js imports it); the extension never signs.
    cp "$PKG/hallmark_wasm.js" "$PKG/hallmark_wasm_core.js" "$PKG/hallmark_wasm_bg.wasm" \
        "$PKG/hallmark_wasm_fingerprint.js" "$PKG/hallmark_wasm_fingerprint_bg.wasm" \
        "$PKG/hallmark_wasm_sign.js" "$WASM_DIR/extension/pkg/"
fi

mib() { awk -v n="$1" 'BEGIN { printf "%.2f", n / 1048576 }'; }
raw() { stat -c %s "$PKG/$1"; }
gz() { gzip -9 -c "$PKG/$1" | wc -c; }
size_line() { echo "$1 ($2): $(raw "$1") bytes raw, $(gz "$1") bytes gzip -9 ($(mib "$(gz "$1")") MiB)"; }
size_line hallmark_wasm_pdf_bg.wasm "fetched only for PDFs"
size_line hallmark_wasm_fingerprint_bg.wasm "fetched only to fingerprint"
size_line hallmark_wasm_sign_bg.wasm "fetched only to sign; all a page downloads before its first signature"
GZ=$(gz hallmark_wasm_bg.wasm)
echo "hallmark_wasm_bg.wasm: $(raw hallmark_wasm_bg.wasm) bytes raw, $GZ bytes gzip -9 ($(mib "$GZ") MiB; budget $(mib "$BUDGET") MiB: $([ "$GZ" -le "$BUDGET" ] && echo within || echo OVER))"
# What a page that signs and checks what it signed (the studio) downloads: the core and the
# signing module, which carries the fingerprint (such a page never needs the fingerprint module).
SIGNING_GZ=$((GZ + $(gz hallmark_wasm_sign_bg.wasm)))
echo "a signing page that verifies too (core + sign): $SIGNING_GZ bytes gzip -9 ($(mib "$SIGNING_GZ") MiB; budget $(mib "$SIGNING_BUDGET") MiB: $([ "$SIGNING_GZ" -le "$SIGNING_BUDGET" ] && echo within || echo OVER))"
if [ "$GZ" -gt "$BUDGET" ]; then
    echo "the core module is $GZ bytes gzipped, over its budget of $BUDGET: move what only some files need into a lazily fetched module" >&2
    exit 1
fi
if [ "$SIGNING_GZ" -gt "$SIGNING_BUDGET" ]; then
    echo "a signing page downloads $SIGNING_GZ bytes gzipped, over its budget of $SIGNING_BUDGET" >&2
    exit 1
fi
