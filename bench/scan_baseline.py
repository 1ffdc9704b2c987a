#!/usr/bin/env python3
"""The same filter as `hallmark scan SHARD --for ai_training -o OUT`, the way
it is written today in Python: `webdataset` reads the shard (no decoding),
c2pa-python reads each image's manifest, the sample is kept unless an intact
manifest says AI training is not allowed or only on terms, or the manifest
is broken; `webdataset.TarWriter` writes the kept samples.

    scan_baseline.py SHARD OUT
"""

import io
import json
import sys

import c2pa
import webdataset as wds

LABELS = ("cawg.training-mining", "c2pa.training-mining")


def keep(jpg):
    try:
        with c2pa.Reader("image/jpeg", io.BytesIO(jpg)) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return True
    except c2pa.C2paError:
        return False
    if store.get("validation_state") not in ("Valid", "Trusted"):
        return False
    manifest = store["manifests"][store["active_manifest"]]
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") in LABELS:
            entries = assertion.get("data", {}).get("entries", {})
            for prefix in ("cawg.", "c2pa."):
                use = entries.get(prefix + "ai_training", {}).get("use")
                if use in ("notAllowed", "constrained"):
                    return False
    return True


def main():
    shard, out = sys.argv[1], sys.argv[2]
    kept = 0
    with wds.TarWriter(out) as sink:
        for sample in wds.WebDataset(shard, shardshuffle=False):
            if keep(sample["jpg"]):
                sink.write(sample)
                kept += 1
    print(kept)


if __name__ == "__main__":
    main()
