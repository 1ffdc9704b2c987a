#!/usr/bin/env python3
"""Keep the Python package's dependencies compiled with the root workspace's features.

The Python package (python/) is a cargo workspace of its own that builds in the root's
target/ folder. Cargo reuses a compiled dependency only when everything that went into it
matches, the features of every crate below it included, and the root's `cargo test
--workspace` turns on features (serde's `rc`, serde_json's `raw_value`, ...) that the Python
package alone would not: without help, the package compiles the C2PA engine and most of its
dependencies a second time. So python/Cargo.toml turns those features on itself, in two
blocks this script writes: [dependencies] for crates compiled for the target, and
[build-dependencies] for those compiled for the build host (proc-macros and build scripts,
whose features cargo keeps apart; python/build.rs exists only so that cargo reads them).

    python3 scripts/shared-features.py write    # rewrite the blocks (needs a nightly toolchain)
    python3 scripts/shared-features.py check-built BEFORE
        # after a build of the package: exit 1 if it compiled the engine again, i.e. if a
        # c2pa build appeared in target/debug/.fingerprint that is not listed in BEFORE

`write` compares cargo's unit graphs (`--unit-graph`, a nightly-only flag; nothing is
compiled). `check-built` needs only the stable toolchain: python/test.sh lists the engine's
builds before building the package and calls it after.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY_MANIFEST = ROOT / "python" / "Cargo.toml"
BLOCKS = {
    "dependencies": (
        "# BEGIN shared features (scripts/shared-features.py write)",
        "# END shared features",
    ),
    "build-dependencies": (
        "# BEGIN shared host features (scripts/shared-features.py write)",
        "# END shared host features",
    ),
}


def host_triple() -> str:
    out = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    return next(l.split(": ", 1)[1] for l in out.splitlines() if l.startswith("host: "))


def unit_graph(cwd: Path, *command: str) -> list[dict]:
    out = subprocess.run(
        ["cargo", "+nightly", *command, "--unit-graph", "-Z", "unstable-options",
         "--target", host_triple()],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["units"]


def features(units: list[dict]) -> dict[tuple[str, str, bool], set[str]]:
    """(package name, version, built for the host) -> features, for registry libraries."""
    found: dict[tuple[str, str, bool], set[str]] = {}
    for unit in units:
        pkg = unit["pkg_id"]
        if not pkg.startswith("registry+") or unit["mode"] != "build":
            continue
        if not ({"lib", "proc-macro", "rlib"} & set(unit["target"]["kind"])):
            continue
        name, version = pkg.rsplit("#", 1)[1].split("@", 1)
        key = (name, version, unit["platform"] is None)
        found.setdefault(key, set()).update(unit["features"])
    return found


def missing() -> dict[tuple[str, str, bool], set[str]]:
    """Every feature of each crate the root's test build compiles with more features than
    the Python package's build does."""
    root = features(unit_graph(ROOT, "test", "--workspace", "--no-run", "--locked"))
    python = features(unit_graph(ROOT / "python", "build", "--lib"))
    return {
        key: root[key] | feats
        for key, feats in python.items()
        if key in root and root[key] - feats
    }


def block(section: str, wanted: dict[tuple[str, str], set[str]]) -> str:
    begin, end = BLOCKS[section]
    names = [name for name, _ in wanted]
    lines = [begin]
    for (name, version), feats in sorted(wanted.items()):
        key = name if names.count(name) == 1 else f"{name}-{version.replace('.', '-')}"
        package = "" if key == name else f'package = "{name}", '
        default = "" if "default" in feats else "default-features = false, "
        listed = ", ".join(f'"{f}"' for f in sorted(feats - {"default"}))
        lines.append(
            f'{key} = {{ {package}version = "={version}", {default}features = [{listed}] }}'
        )
    lines.append(end)
    return "\n".join(lines)


def current(text: str, section: str) -> dict[tuple[str, str], set[str]]:
    begin, end = BLOCKS[section]
    inside = text.split(begin, 1)[1].split(end, 1)[0] if begin in text else ""
    found: dict[tuple[str, str], set[str]] = {}
    pattern = (r'^([\w-]+) = \{ (?:package = "([\w-]+)", )?version = "=([^"]+)", '
               r'(default-features = false, )?features = \[(.*)\] \}$')
    for line in inside.splitlines():
        m = re.match(pattern, line)
        if not m:
            continue
        feats = {f.strip().strip('"') for f in m.group(5).split(",") if f.strip()}
        if not m.group(4):
            feats.add("default")
        found[(m.group(2) or m.group(1), m.group(3))] = feats
    return found


def write() -> int:
    text = PY_MANIFEST.read_text()
    for begin, end in BLOCKS.values():
        if begin not in text or end not in text:
            print(f"{PY_MANIFEST}: the block {begin!r} is missing", file=sys.stderr)
            return 1
    wanted = {section: current(text, section) for section in BLOCKS}
    # Turning features on can turn on others: repeat until nothing is missing.
    for _ in range(10):
        gap = missing()
        if not gap:
            total = sum(len(w) for w in wanted.values())
            print(f"{PY_MANIFEST}: {total} shared dependencies listed; nothing missing")
            return 0
        for (name, version, host), feats in gap.items():
            section = "build-dependencies" if host else "dependencies"
            wanted[section].setdefault((name, version), set()).update(feats)
        for section, (begin, end) in BLOCKS.items():
            text = re.sub(re.escape(begin) + ".*?" + re.escape(end),
                          lambda _, s=section: block(s, wanted[s]), text, flags=re.S)
        PY_MANIFEST.write_text(text)
    print("the features did not settle after 10 rounds", file=sys.stderr)
    return 1


def engine_builds() -> set[str]:
    return {p.name for p in (ROOT / "target" / "debug" / ".fingerprint").glob("c2pa-*")}


def check_built(before_file: str) -> int:
    before = set(Path(before_file).read_text().split())
    added = engine_builds() - before
    if added:
        print(
            "the Python package compiled the C2PA engine again instead of reusing the root "
            "workspace's build: its dependencies' features differ. Run "
            "`python3 scripts/shared-features.py write` (new: " + ", ".join(sorted(added)) + ")",
            file=sys.stderr,
        )
        return 1
    print("the Python package reused the root workspace's build of the engine")
    return 0


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "write":
        return write()
    if mode == "list-engine-builds":
        print("\n".join(sorted(engine_builds())))
        return 0
    if mode == "check-built" and len(sys.argv) == 3:
        return check_built(sys.argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
