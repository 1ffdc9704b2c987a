#!/usr/bin/env python3
"""Crawl URLs the way dataset builders do, and say what each crawler decided.

    crawl.py OUT_DIR URL...

Runs img2dataset (default settings for the X-Robots-Tag directives it honours:
noai, noimageai, noindex, noimageindex; no resizing and no re-encoding, so the
downloaded bytes are the served bytes) into OUT_DIR, and asks datadiligence's
header rules (X-Robots-Tag, TDMRep; no network service) about each URL.
Prints one JSON object: {"img2dataset": {url: {"status", "error", "file"}},
"datadiligence": {url: {"x_robots_tag": bool, "tdmrep": bool}}}.
"""

import glob
import json
import os
import sys

import datadiligence.rules as rules
import pandas as pd
from img2dataset import download


def main():
    out_dir, urls = sys.argv[1], sys.argv[2:]
    url_list = os.path.join(out_dir, "urls.txt")
    os.makedirs(out_dir, exist_ok=True)
    with open(url_list, "w", encoding="utf-8") as f:
        f.write("\n".join(urls) + "\n")
    images = os.path.join(out_dir, "images")
    download(
        url_list=url_list,
        output_folder=images,
        input_format="txt",
        output_format="files",
        processes_count=1,
        thread_count=2,
        resize_mode="no",
        skip_reencode=True,
        retries=0,
        timeout=10,
        distributor="multiprocessing",
        enable_wandb=False,
    )
    crawled = {}
    for parquet in sorted(glob.glob(os.path.join(images, "*.parquet"))):
        for row in pd.read_parquet(parquet).to_dict("records"):
            file = None
            if row["status"] == "success":
                stem = os.path.join(images, row["key"][:5], row["key"])
                found = [p for p in glob.glob(stem + ".*") if not p.endswith((".json", ".txt"))]
                file = found[0] if found else None
            crawled[row["url"]] = {
                "status": row["status"],
                "error": row["error_message"],
                "file": file,
            }
    diligence = {
        url: {
            "x_robots_tag": rules.XRobotsTagHeader().is_allowed(url=url),
            "tdmrep": rules.TDMRepHeader().is_allowed(url=url),
        }
        for url in urls
    }
    print(json.dumps({"img2dataset": crawled, "datadiligence": diligence}))


if __name__ == "__main__":
    main()
