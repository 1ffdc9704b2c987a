"""Whole-process comparisons for bench/compare.sh: each pair of commands
runs alternately, several times, under /usr/bin/time; the medians, their
ratio and the peak RSS go into a Markdown table.

Usage: python3 compare.py HALLMARK_BIN INPUTS_DIR WORK_DIR PEER_PYTHON RUNS
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HALLMARK, INPUTS, WORK, PEER_PYTHON, RUNS = sys.argv[1:6]
INPUTS, WORK, RUNS = Path(INPUTS), Path(WORK), int(RUNS)
SIGNED = WORK / "signed"
CREDS = WORK / "creds"
ENV = dict(os.environ, HALLMARK_PASSPHRASE="hallmark-example", NO_COLOR="1")


def timed(command):
    """Run a command under /usr/bin/time: (seconds, peak RSS in KiB). It must succeed."""
    with tempfile.NamedTemporaryFile("r") as report:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", report.name] + command
        done = subprocess.run(full, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode not in (0,):
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
        seconds, rss = report.read().split()[-2:]
        return float(seconds), int(rss)


def sh(script):
    return ["sh", "-c", script]


def pair(label, ours, reference, target, prepare=None):
    """Alternate ours and the reference RUNS times (after one warm-up each); report medians."""
    times = {"ours": [], "ref": []}
    rss = []
    for run in range(RUNS + 1):
        for side, command in (("ours", ours), ("ref", reference)):
            if prepare:
                prepare()
            seconds, kib = timed(command)
            if run > 0:
                times[side].append(seconds)
                if side == "ours":
                    rss.append(kib)
    ours_m, ref_m = statistics.median(times["ours"]), statistics.median(times["ref"])
    ratio = ours_m / ref_m if ref_m else float("inf")
    return {"label": label, "ours": ours_m, "ref": ref_m, "ratio": ratio, "target": target, "rss": max(rss)}


def clean_out():
    for p in (WORK / "out").glob("*"):
        p.unlink()


def main():
    (WORK / "out").mkdir(parents=True, exist_ok=True)
    rows = []
    wav = INPUTS / "wav-200M.wav"
    rows.append(pair(
        "`hallmark verify` signed 200 MB WAV vs `sha256sum`",
        [HALLMARK, "verify", "--json", str(SIGNED / "wav-200M.wav")],
        ["sha256sum", str(SIGNED / "wav-200M.wav")],
        "≤ 1.25×"))
    rows.append(pair(
        "`hallmark sign` 200 MB WAV vs `cp` + `sha256sum` of the copy",
        [HALLMARK, "sign", str(wav), "-o", str(WORK / "out/signed.wav"), "--credentials", str(CREDS)],
        sh(f"cp {wav} {WORK}/out/copy.wav && sha256sum {WORK}/out/copy.wav"),
        "≤ 1.5×", prepare=clean_out))
    jpegs = SIGNED / "jpegs"
    pj = pair(
        "`hallmark verify --json` 1,000 small JPEGs vs c2pa-python `Reader` loop",
        [HALLMARK, "verify", "--json", "--recursive", str(jpegs)],
        [PEER_PYTHON, str(Path(__file__).parent / "peer_verify.py"), str(jpegs)],
        "≥ 5× faster")
    rows.append(pj)

    # Peak RSS as inputs grow.
    memory = []
    for kind, names in (("WAV", ["wav-10M.wav", "wav-200M.wav", "wav-1G.wav"]),
                        ("MP4", ["mp4-10M.mp4", "mp4-200M.mp4", "mp4-1G.mp4"]),
                        ("JPEG", ["jpeg-2M.jpg", "jpeg-20M.jpg"])):
        for name in names:
            clean_out()
            _, sign_rss = timed([HALLMARK, "sign", str(INPUTS / name), "-o", str(WORK / "out" / name), "--credentials", str(CREDS)])
            _, verify_rss = timed([HALLMARK, "verify", "--json", str(SIGNED / name)])
            size = (INPUTS / name).stat().st_size
            memory.append((kind, name, size, sign_rss, verify_rss))

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {date.today()}; "
          f"medians of {RUNS} alternating runs after one warm-up, warm page cache.\n")
    print("| measure | hallmark | reference | ratio | target | hallmark peak RSS |")
    print("| --- | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        if r is pj:
            ratio = f"{1 / r['ratio']:.1f}× faster"
        else:
            ratio = f"{r['ratio']:.2f}×"
        print(f"| {r['label']} | {r['ours']:.3f} s | {r['ref']:.3f} s | {ratio} | {r['target']} | {r['rss'] / 1024:.1f} MiB |")
    print("\n| input | size | sign peak RSS | verify peak RSS |")
    print("| --- | ---: | ---: | ---: |")
    for kind, name, size, s, v in memory:
        print(f"| {kind} `{name}` | {size / 1e6:.0f} MB | {s / 1024:.1f} MiB | {v / 1024:.1f} MiB |")
    for kind in ("WAV", "MP4"):
        series = [m for m in memory if m[0] == kind]
        growth_sign = (series[-1][3] - series[0][3]) / 1024
        growth_verify = (series[-1][4] - series[0][4]) / 1024
        print(f"\n{kind} {series[0][1]} → {series[-1][1]}: sign RSS grows {growth_sign:.1f} MiB, "
              f"verify RSS grows {growth_verify:.1f} MiB"
              + (" (target < 16 MiB)" if kind == "WAV" else " (reported; see README)"))
    json.dump({"rows": rows, "memory": memory}, open(WORK / "results.json", "w"), indent=1)


if __name__ == "__main__":
    main()
