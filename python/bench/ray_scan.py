"""The Ray example's shard pattern at scale: ``hallmark.ray.scan_shards`` over
8 copies of bench/scan.sh's 1,000-sample shard (``target/bench/scan/mixed.tar``,
~80 MB, 10 % signed) on a local Ray cluster with 2 CPUs.

    python python/bench/ray_scan.py [SHARD]

Prints the wall time of the Ray job (cluster start excluded), samples/s and
MB/s, the time spent inside ``hallmark.scan_shard`` summed over the tasks,
and the share of the workers' time spent outside hallmark (Ray's scheduling,
serialisation and task start-up): 1 - inside / (wall × 2).
"""

import os
import shutil
import sys
import tempfile
import time

import ray

import hallmark

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "bench", "scan", "mixed.tar")
    work = tempfile.mkdtemp(prefix="hallmark-ray-")
    try:
        shards = []
        for i in range(8):
            path = os.path.join(work, f"shard-{i:06d}.tar")
            shutil.copyfile(source, path)
            shards.append(path)
        size = sum(os.path.getsize(p) for p in shards)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

        def timed(row: dict) -> dict:
            started = time.perf_counter()
            summary = hallmark.scan_shard(
                row["shard"], kind="ai_training", output=row["shard"] + ".out", decisions=row["shard"] + ".jsonl"
            )
            return {"samples": summary["samples"], "inside": time.perf_counter() - started}

        items = ray.data.from_items([{"shard": p} for p in shards], override_num_blocks=len(shards))
        items.map(timed).take_all()  # warm-up: workers started, the extension loaded
        started = time.perf_counter()
        rows = items.map(timed).take_all()
        wall = time.perf_counter() - started
        samples = sum(r["samples"] for r in rows)
        inside = sum(r["inside"] for r in rows)
        print(f"8 shards, {samples} samples, {size / 1e6:.0f} MB on 2 CPUs: {wall:.2f} s wall, "
              f"{samples / wall:.0f} samples/s, {size / 1e6 / wall:.0f} MB/s; "
              f"inside hallmark.scan_shard {inside:.2f} s; outside hallmark {max(0.0, 1 - inside / (wall * 2)) * 100:.0f} %")
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
