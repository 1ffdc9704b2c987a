#!/usr/bin/env python3
"""Robustness and cost of hallmark's fingerprint (the ISCC Image-Code), for
bench/fingerprint-robustness.sh.

Makes the natural photographs bundled with scikit-image and edited copies of
each (the edits of tests/oracle/python/fingerprints.py, imported from there),
fingerprints every file with the release binary `fingerprints` (the library's
own code), and prints Markdown:

1. per edit, the share of copies recovered at the library's thresholds (the
   repository's 64-bit candidate radius, DEFAULT_RADIUS64, and the 256-bit
   match distance, recover::MATCH_DISTANCE; the binary reports both) and the
   distribution of the 64- and 256-bit distances between original and copy;
2. false matches: every pair of versions (original or edited) of two
   different photographs, and the closest such pair;
3. cost: the binary's in-process milliseconds per megapixel against
   iscc-sdk's (fingerprints.py time) on the same files in the same run.

Usage (in the venv tests/run.sh installs):
    fingerprint_robustness.py FINGERPRINTS_BIN WORK_DIR [REPEAT]
REPEAT (default 5) is how many times each side fingerprints each file for the
cost: the best time counts. Writes WORK_DIR/results.md and WORK_DIR/results.json.
"""

import base64
import contextlib
import importlib.util
import io
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORACLE = ROOT / "tests" / "oracle" / "python" / "fingerprints.py"

# The edits, in table order: (name, fingerprints.py op, made from, suffix, description).
# "made from" is the original, or the output of an earlier edit.
EDITS = [
    ("jpeg_q75", "jpeg75", "original", ".jpg", "JPEG quality 75"),
    ("jpeg_q50", "jpeg50", "original", ".jpg", "JPEG quality 50"),
    ("resize_50", "resize50", "original", ".jpg", "half width and height (LANCZOS), JPEG q85"),
    ("png_to_jpeg", "png2jpeg", "original", ".jpg", "PNG original to JPEG q90"),
    ("jpeg_to_webp", "jpeg2webp", "jpeg_q75", ".webp", "the q75 JPEG to lossy WebP q80"),
    ("crop_5", "crop5", "original", ".jpg", "5 % off each edge, JPEG q90"),
    ("rotate_2", "rotate2", "original", ".jpg", "2° counter-clockwise, white corners, JPEG q90"),
    ("mirror", "mirror", "original", ".jpg", "left-right mirror, JPEG q90"),
]
# The target: >= 95 % recovered for re-encoding at quality >= 50, resizing
# to >= 50 % and format conversion.
TARGET_EDITS = {"jpeg_q75", "jpeg_q50", "resize_50", "png_to_jpeg", "jpeg_to_webp"}
TARGET_SHARE = 0.95


def load_oracle():
    """tests/oracle/python/fingerprints.py as a module."""
    spec = importlib.util.spec_from_file_location("hallmark_fingerprints_oracle", ORACLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_inputs(oracle, work):
    """The photographs and their edited copies: {(stem, version): path}."""
    photos_dir, edits_dir = work / "photos", work / "edits"
    edits_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        oracle.photos(photos_dir, len(oracle.PHOTOS))
    names = json.loads(printed.getvalue())
    files = {}
    for name in names:
        stem = Path(name).stem
        files[(stem, "original")] = photos_dir / name
        for edit, op, source, suffix, _ in EDITS:
            target = edits_dir / f"{stem}__{edit}{suffix}"
            oracle.edit(op, str(files[(stem, source)]), str(target))
            files[(stem, edit)] = target
    return files


def run_json_lines(command):
    """Run a command that prints JSON lines; it must succeed."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def body256(iscc):
    """The 256-bit body of an `ISCC:EED...` string, as an int."""
    text = iscc.removeprefix("ISCC:")
    unit = base64.b32decode(text + "=" * (-len(text) % 8))
    if len(unit) != 34 or unit[:2] != b"\x21\x07":
        raise SystemExit(f"not a 256-bit Image-Code: {iscc}")
    return int.from_bytes(unit[2:], "big")


def d256(a, b):
    return bin(a ^ b).count("1")


def d64(a, b):
    return bin((a >> 192) ^ (b >> 192)).count("1")


def percent(share):
    """A share as a percentage: whole when it is, else one decimal (18/19 is 94.7 %, not 95 %)."""
    value = 100 * share
    return f"{value:.0f} %" if value == round(value) else f"{value:.1f} %"


def fmt_median(values):
    return f"{statistics.median(values):g}"


def machine():
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f", {kib / 2**20:.0f} GiB"
    return f"{os.cpu_count()} × {cpu}{mem}, Linux {platform.release()}"


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    binary, work = argv[0], Path(argv[1])
    repeat = int(argv[2]) if len(argv) > 2 else 5
    oracle = load_oracle()
    load_before = os.getloadavg()

    files = make_inputs(oracle, work)
    stems = sorted({stem for stem, _ in files})
    versions = ["original"] + [e[0] for e in EDITS]
    paths = [str(files[(s, v)]) for s in stems for v in versions]

    [limits] = run_json_lines([binary, "--thresholds"])
    r64, t256 = limits["radius64"], limits["match_distance"]

    ours = {line["file"]: line for line in run_json_lines([binary, "--repeat", str(repeat), *paths])}
    errors = [line for line in ours.values() if "error" in line]
    if errors:
        raise SystemExit(f"fingerprints failed: {errors}")
    sdk = {line["file"]: line for line in run_json_lines([sys.executable, str(ORACLE), "time", str(repeat), *paths])}
    load_after = os.getloadavg()

    code = {}
    for key, path in files.items():
        line = ours[str(path)]
        code[key] = body256(line["iscc"])
        if f"{code[key] >> 192:016x}" != line["code64"]:
            raise SystemExit(f"{path}: code64 {line['code64']} is not the first 64 bits of {line['iscc']}")

    out = []
    say = out.append
    today = datetime.now(timezone.utc).date().isoformat()
    import iscc_sdk
    import PIL

    say(f"Measured {today} on {machine()}; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after. iscc-sdk {iscc_sdk.__version__}, Pillow {PIL.__version__}.")
    say("")
    say(f"{len(stems)} photographs × {len(EDITS)} edits. Recovered = 64-bit distance ≤ **{r64}** "
        f"(the repository's candidate radius) and 256-bit distance ≤ **{t256}** (the match distance).")
    say("")

    # 1. Genuine pairs: original vs edit.
    say("| edit | how | recovered | 64-bit median / max | 256-bit median / max | missed | target |")
    say("|---|---|---:|---:|---:|---|---|")
    results = {"date": today, "machine": machine(), "load": [load_before[0], load_after[0]],
               "radius64": r64, "match_distance": t256, "edits": {}}
    for edit, _, _, _, how in EDITS:
        pairs = [(s, d64(code[(s, "original")], code[(s, edit)]), d256(code[(s, "original")], code[(s, edit)]))
                 for s in stems]
        ok = [s for s, a, b in pairs if a <= r64 and b <= t256]
        missed = [f"{s} ({a}/{b})" for s, a, b in pairs if not (a <= r64 and b <= t256)]
        if len(missed) > len(pairs) / 2:
            missed = ["all" + (" but " + ", ".join(ok) if ok else "")]
        share = len(ok) / len(pairs)
        target = ""
        if edit in TARGET_EDITS:
            target = f"≥ 95 %: {'met' if share >= TARGET_SHARE else '**not met**'}"
        a64 = [a for _, a, _ in pairs]
        a256 = [b for _, _, b in pairs]
        say(f"| {edit} | {how} | {len(ok)}/{len(pairs)} ({percent(share)}) | {fmt_median(a64)} / {max(a64)} "
            f"| {fmt_median(a256)} / {max(a256)} | {', '.join(missed) or '–'} | {target} |")
        results["edits"][edit] = {"recovered": len(ok), "of": len(pairs), "pairs": pairs}
    say("")
    say("Missed copies are listed as photo (64-bit / 256-bit distance).")
    say("")

    # The same at other candidate radii (what a different radius64 would change).
    keys = [(s, v) for s in stems for v in versions]
    impostors = [(a, b, d64(code[a], code[b]), d256(code[a], code[b]))
                 for a, b in itertools.combinations(keys, 2) if a[0] != b[0]]
    radii = sorted({3, r64, limits["max_radius64"]})
    say(f"Recovered at other 64-bit candidate radii (256-bit ≤ {t256}):")
    say("")
    say("| edit | " + " | ".join(f"radius {r}" for r in radii) + " |")
    say("|---|" + "---:|" * len(radii))
    for edit, _, _, _, _ in EDITS:
        pairs = results["edits"][edit]["pairs"]
        cells = [f"{sum(1 for _, a, b in pairs if a <= r and b <= t256)}/{len(pairs)}" for r in radii]
        say(f"| {edit} | " + " | ".join(cells) + " |")
    cells = [f"{sum(1 for p in impostors if p[2] <= r and p[3] <= t256)} "
             f"({sum(1 for p in impostors if p[2] <= r)} candidates)" for r in radii]
    say(f"| false matches of {len(impostors)} impostor pairs | " + " | ".join(cells) + " |")
    say("")

    # 2. Impostors: versions of different photographs.
    originals = [p for p in impostors if p[0][1] == "original" and p[1][1] == "original"]
    say("| impostor pairs | pairs | 64-bit candidates (≤ radius) | false matches | 64-bit min / median | 256-bit min / median |")
    say("|---|---:|---:|---:|---:|---:|")
    for label, pairs in (("distinct originals", originals), ("all versions of distinct photographs", impostors)):
        cand = sum(1 for p in pairs if p[2] <= r64)
        false = sum(1 for p in pairs if p[2] <= r64 and p[3] <= t256)
        say(f"| {label} | {len(pairs)} | {cand} | {false} | {min(p[2] for p in pairs)} / {fmt_median([p[2] for p in pairs])} "
            f"| {min(p[3] for p in pairs)} / {fmt_median([p[3] for p in pairs])} |")
    name = lambda k: k[0] if k[1] == "original" else f"{k[0]}/{k[1]}"  # noqa: E731
    by256 = sorted(impostors, key=lambda p: (p[3], p[2]))
    by64 = sorted(impostors, key=lambda p: (p[2], p[3]))
    say("")
    say("Closest impostors by 256-bit distance (256 / 64 bits): "
        + "; ".join(f"{name(a)} – {name(b)} {y}/{x}" for a, b, x, y in by256[:3]) + ".")
    if by64[:3] != by256[:3]:
        say("Closest by 64-bit distance: "
            + "; ".join(f"{name(a)} – {name(b)} {y}/{x}" for a, b, x, y in by64[:3]) + ".")
    second = next((p for p in by256 if {p[0][0], p[1][0]} != {by256[0][0][0], by256[0][1][0]}), None)
    if second:
        a, b, x, y = second
        say(f"Closest pair of other photographs: {name(a)} – {name(b)} {y}/{x}.")
    say("")
    results["impostors"] = {
        "pairs": len(impostors),
        "candidates": sum(1 for p in impostors if p[2] <= r64),
        "false_matches": sum(1 for p in impostors if p[2] <= r64 and p[3] <= t256),
        "closest256": [[name(a), name(b), y, x] for a, b, x, y in by256[:5]],
    }

    # 3. Cost per megapixel, both implementations on the same files.
    rows = []
    for path in paths:
        mp = sdk[path]["megapixels"]
        rows.append((Path(path).suffix, mp, ours[path]["ms"], sdk[path]["ms"]))
    say(f"Cost per image (best of {repeat}, single thread, file bytes in memory for hallmark; "
        "iscc-sdk `code_image(bits=256)` in-process, warm):")
    say("")
    say("| files | count | megapixels (median) | hallmark ms/MP (median) | iscc-sdk ms/MP (median) | ratio of medians | per-file speed-up (median) |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    results["cost"] = {}
    groups = [("all", rows)] + [(f"{ext} only", [r for r in rows if r[0] == ext]) for ext in (".png", ".jpg", ".webp")]
    for label, group in groups:
        if not group:
            continue
        ours_mp = statistics.median(r[2] / r[1] for r in group)
        sdk_mp = statistics.median(r[3] / r[1] for r in group)
        speedup = statistics.median(r[3] / r[2] for r in group)
        say(f"| {label} | {len(group)} | {statistics.median(r[1] for r in group):.2f} | {ours_mp:.1f} | {sdk_mp:.1f} "
            f"| {sdk_mp / ours_mp:.2f}× | {speedup:.2f}× |")
        results["cost"][label] = {"files": len(group), "hallmark_ms_per_mp": ours_mp,
                                  "iscc_sdk_ms_per_mp": sdk_mp, "speedup": speedup}

    text = "\n".join(out) + "\n"
    (work / "results.md").write_text(text)
    (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(text, end="")


if __name__ == "__main__":
    main(sys.argv[1:])
