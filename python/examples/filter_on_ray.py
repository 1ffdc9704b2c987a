"""Filter WebDataset shards for AI training on a Ray cluster, both ways.

    python filter_on_ray.py SHARD_DIR OUT_DIR [RAY_ADDRESS]

1. One Ray task per shard: each shard in SHARD_DIR is scanned with
   hallmark.scan_shard, its kept samples copied byte for byte into
   OUT_DIR/shards/NAME, its decisions into OUT_DIR/shards/NAME.decisions.jsonl.
2. Image bytes: the same shards read with Ray's own WebDataset reader
   (decoder=None: never decode, the bytes carry the credentials), each image
   decided by the same rules, the kept rows written with encoder=None.

Without RAY_ADDRESS, a local cluster with 2 CPUs is started and stopped.
Prints one JSON object with the per-shard summaries and the kept image keys.
"""

import glob
import json
import os
import sys

import ray

from hallmark.ray import filter_images, scan_shards


def main() -> None:
    shard_dir, out_dir = sys.argv[1], sys.argv[2]
    address = sys.argv[3] if len(sys.argv) > 3 else None
    ray.init(address=address, num_cpus=None if address else 2, include_dashboard=False, log_to_driver=False)
    try:
        shards = sorted(glob.glob(os.path.join(shard_dir, "*.tar")))

        # 1. A dataset of shard paths, one task per shard.
        summaries = scan_shards(shards, kind="ai_training", output_dir=os.path.join(out_dir, "shards")).take_all()

        # 2. A dataset of image bytes: never let Ray decode or re-encode them.
        samples = ray.data.read_webdataset(shards, decoder=None)
        images = samples.rename_columns({"jpg": "bytes"}).select_columns(["__key__", "bytes"])
        kept = filter_images(images, kind="ai_training")
        kept.select_columns(["__key__", "bytes"]).rename_columns({"bytes": "jpg"}).write_webdataset(
            os.path.join(out_dir, "images"), encoder=None
        )
        keys = sorted(row["__key__"] for row in kept.select_columns(["__key__"]).take_all())

        print(json.dumps({"shards": sorted(summaries, key=lambda s: s["shard"]), "kept_keys": keys}))
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
