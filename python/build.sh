#!/usr/bin/env bash
# Build the `hallmark` Python package into a venv, idempotently:
#   target/python/venv  with maturin, pytest and mypy (python/requirements.txt),
#   and the package itself, built by maturin (release) from the current sources.
# The venv is made again only when requirements.txt changes (a stamp holds its
# hash); the package is rebuilt by cargo incrementally, in the root's target/,
# so the library's dependencies are shared with the other builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/target/python/venv"
REQ="$ROOT/python/requirements.txt"
STAMP="$VENV/.hallmark-stamp"

say() { printf '\n==> %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ] || [ ! -f "$STAMP" ] \
    || [ "$(cat "$STAMP")" != "$(sha256sum "$REQ" | cut -d' ' -f1)" ]; then
    say "setting up $VENV from python/requirements.txt"
    command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3; }
    python3 -c 'import ensurepip, venv' 2>/dev/null \
        || { apt-get update -qq && apt-get install -y -qq python3-venv; }
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
    sha256sum "$REQ" | cut -d' ' -f1 > "$STAMP"
fi

# Release by default (what benchmarks measure); python/test.sh builds with the dev
# profile (dependencies optimised, as in the root's profile), which shares the
# dependencies the root workspace's tests already built instead of compiling
# them all again.
PROFILE="${HALLMARK_PY_PROFILE:-release}"
case "$PROFILE" in
    release) PROFILE_FLAG=(--release) ;;
    dev) PROFILE_FLAG=() ;;
    *) echo "HALLMARK_PY_PROFILE must be release or dev, not '$PROFILE'" >&2; exit 2 ;;
esac
say "building the hallmark Python package (maturin, $PROFILE) into $VENV"
# maturin develop installs the extension and the package's Python files into the venv.
(
    cd "$ROOT/python"
    VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" CARGO_TARGET_DIR="$ROOT/target" \
        "$VENV/bin/maturin" develop "${PROFILE_FLAG[@]}" --locked --quiet
)
"$VENV/bin/python" -c 'import hallmark; print("hallmark", hallmark.__version__, "from", hallmark.__file__)'
