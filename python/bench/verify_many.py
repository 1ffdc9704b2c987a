"""Benchmark: hallmark.verify_many over 1,000 signed JPEGs against a
c2pa-python Reader loop and c2pa-python in a 2-thread pool, same files, one run.

    target/python/venv/bin/python python/bench/verify_many.py [--count 1000] [--jobs 2]

Makes a 512×512 photograph JPEG (scikit-image's astronaut, quality 90, in the
c2pa-python oracle's venv, which has Pillow and scikit-image), signs COUNT
copies with hallmark (each with its own title, so every manifest differs),
then times each reader over the folder and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hallmark

ROOT = Path(__file__).resolve().parents[2]
ORACLE_PYTHON = ROOT / "target" / "oracles" / "venv" / "bin" / "python"
KEYS = ROOT / "keys-example"

MAKE_PHOTO = """
import sys
from PIL import Image
from skimage import data
Image.fromarray(data.astronaut()).save(sys.argv[1], quality=90)
"""


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        keys = base / "keys"
        keys.mkdir()
        for item in KEYS.iterdir():
            (keys / item.name).write_bytes(item.read_bytes())
            if item.suffix == ".key":
                (keys / item.name).chmod(0o600)
        photo = base / "photo.jpg"
        subprocess.run([str(ORACLE_PYTHON), "-c", MAKE_PHOTO, str(photo)], check=True)
        credentials = hallmark.Credentials(keys, "hallmark-example")
        original = photo.read_bytes()
        folder = base / "signed"
        folder.mkdir()
        for i in range(args.count):
            signed = hallmark.sign(original, credentials=credentials, title=f"photo {i:04}", format="jpg")
            (folder / f"photo-{i:04}.jpg").write_bytes(signed)
        paths = sorted(folder.glob("*.jpg"))
        size = sum(p.stat().st_size for p in paths) / len(paths)

        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        states = {r["state"] for r in hallmark.verify_many(paths, jobs=args.jobs)}
        ours = (time.perf_counter() - started, time.process_time() - cpu)
        assert states == {"valid"}, states

        started, cpu = time.perf_counter(), time.process_time()
        loop_states = {hallmark.verify(p)["state"] for p in paths}
        ours_loop = (time.perf_counter() - started, time.process_time() - cpu)
        assert loop_states == {"valid"}, loop_states

        theirs = {}
        for threads in (1, 2):
            out = subprocess.run(
                [str(ORACLE_PYTHON), str(Path(__file__).with_name("c2pa_reader.py")), str(folder), "--threads", str(threads)],
                check=True, capture_output=True, text=True,
            )
            theirs[threads] = json.loads(out.stdout)
    n = len(paths)
    rows = [
        (f"hallmark.verify_many, jobs={args.jobs}", ours),
        ("hallmark.verify, a loop", ours_loop),
        ("c2pa-python Reader, a loop", (theirs[1]["seconds"], theirs[1]["cpu"])),
        ("c2pa-python Reader, 2-thread pool", (theirs[2]["seconds"], theirs[2]["cpu"])),
    ]
    loop, loop_cpu = theirs[1]["seconds"], theirs[1]["cpu"]
    print(f"{n} signed JPEGs of {size / 1024:.0f} KiB on average; {os.cpu_count()} cores ({cpu_model()}); "
          f"{datetime.date.today().isoformat()}; Python {sys.version.split()[0]}, "
          f"c2pa-python {theirs[1]['c2pa_python']}, hallmark {hallmark.__version__}; "
          f"load average {load:.2f} when it started")
    print()
    print("| reader | wall s | files/s | vs the loop (wall) | CPU s | files per CPU-s | vs the loop (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, (seconds, cpu) in rows:
        print(f"| {name} | {seconds:.2f} | {n / seconds:.0f} | {loop / seconds:.1f}× "
              f"| {cpu:.2f} | {n / cpu:.0f} | {loop_cpu / cpu:.1f}× |")


if __name__ == "__main__":
    main()
