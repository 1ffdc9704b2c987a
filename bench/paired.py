#!/usr/bin/env python3
"""Time two commands in turn, A B A B …, and print table rows for them.

    paired.py RUNS MEGABYTES SAMPLES WHAT_A WHAT_B SENTENCE -- A ... -- B ...

Each command runs once as a warm-up, then RUNS times each, alternating, so
that a ratio holds when the machine's speed drifts. Wall time is measured
around the process alone (its output thrown away); a `--remove FILE` before
a command's arguments deletes FILE before each of its runs, untimed. Prints
a Markdown row per command (median wall time, samples/s, MB/s) and a row
with SENTENCE, whose {ratio} is the median of the paired ratios B/A.
"""

import os
import statistics
import subprocess
import sys
import time


def split(argv):
    """The remove list and the command of one `-- [--remove F]... CMD...` group."""
    remove = []
    while argv[:1] == ["--remove"]:
        remove.append(argv[1])
        argv = argv[2:]
    return remove, argv


def run(remove, command):
    for path in remove:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit status {done.returncode}")
    return took


def main():
    args = sys.argv[1:]
    runs, megabytes, samples = int(args[0]), float(args[1]), int(args[2])
    what_a, what_b, sentence = args[3], args[4], args[5]
    rest = args[6:]
    if rest[:1] != ["--"] or "--" not in rest[1:]:
        sys.exit(__doc__)
    second = rest.index("--", 1)
    a = split(rest[1:second])
    b = split(rest[second + 1 :])
    run(*a)
    run(*b)
    pairs = [(run(*a), run(*b)) for _ in range(runs)]
    for what, secs in ((what_a, statistics.median(p[0] for p in pairs)),
                       (what_b, statistics.median(p[1] for p in pairs))):
        print(f"| {what} | {secs:.3f} s | {samples / secs:,.0f} | {megabytes / secs:,.0f} |")
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    print(f"| {sentence.format(ratio=f'{ratio:.2f}')} (median of {runs} paired ratios) | | | |")


if __name__ == "__main__":
    main()
