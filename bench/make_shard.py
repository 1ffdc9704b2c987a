#!/usr/bin/env python3
"""Make the WebDataset shards `bench/scan.sh` filters.

    make_shard.py WORK N SIGNED_EVERY HALLMARK CREDENTIALS

Writes N photographs-like JPEGs of about 75 KB (smooth gradients with
grain, 640×480, quality 70; Pillow), signs every SIGNED_EVERY-th with
`hallmark sign` (AI training not allowed; the others unsigned), and packs
WORK/mixed.tar (key.jpg + key.json per sample, in key order) and
WORK/unsigned.tar (the same samples, all unsigned). Existing shards are kept.
"""

import io
import json
import os
import random
import subprocess
import sys
import tarfile

from PIL import Image, ImageFilter


def photo(seed):
    rng = random.Random(seed)
    w, h = 640, 480
    base = Image.linear_gradient("L").resize((w, h)).rotate(rng.uniform(0, 360))
    colour = Image.merge(
        "RGB",
        [base.point(lambda v, k=k: (v * (k + 1) + rng.randrange(256)) % 256) for k in range(3)],
    )
    noise = Image.effect_noise((w, h), rng.uniform(20, 40)).convert("RGB")
    picture = Image.blend(colour, noise, 0.25).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=70)
    return out.getvalue()


def pack(path, samples):
    partial = path + ".partial"
    with tarfile.open(partial, "w", format=tarfile.USTAR_FORMAT) as tar:
        for key, jpg in samples:
            for ext, data in (("jpg", jpg), ("json", json.dumps({"key": key}).encode())):
                info = tarfile.TarInfo(f"{key}.{ext}")
                info.size = len(data)
                info.mtime = 1_700_000_000
                tar.addfile(info, io.BytesIO(data))
    os.replace(partial, path)


def main():
    work, n, every, hallmark, credentials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    mixed, unsigned = os.path.join(work, "mixed.tar"), os.path.join(work, "unsigned.tar")
    if os.path.exists(mixed) and os.path.exists(unsigned):
        return
    images = os.path.join(work, "images")
    to_sign = os.path.join(work, "to-sign")
    signed = os.path.join(work, "signed")
    for d in (images, to_sign):
        os.makedirs(d, exist_ok=True)
    plain = []
    for i in range(n):
        key = f"{i:06d}"
        data = photo(i)
        plain.append((key, data))
        if i % every == 0:
            with open(os.path.join(to_sign, key + ".jpg"), "wb") as f:
                f.write(data)
    subprocess.run(
        [hallmark, "sign", "--recursive", to_sign, "-o", signed, "--credentials", credentials],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "HALLMARK_PASSPHRASE": "hallmark-example"},
    )
    samples = []
    for key, data in plain:
        path = os.path.join(signed, key + ".jpg")
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
        samples.append((key, data))
    pack(mixed, samples)
    pack(unsigned, plain)


if __name__ == "__main__":
    main()
