"""hallmark on Ray Data: filter a dataset on a cluster.

An optional part of the package (``pip install 'hallmark[ray]'``). A pipeline
has one of two shapes, and each has a function here:

* a dataset of WebDataset shard paths: :func:`scan_shards` maps each shard
  through :func:`hallmark.scan_shard` (one Ray task per shard), writing a
  filtered shard and a decisions file per input, and returns one summary row
  per shard;
* a dataset of image bytes (e.g. ``ray.data.read_binary_files``):
  :func:`filter_images` verifies each batch with :func:`hallmark.verify_many`
  (Rust threads, the GIL released) and keeps the rows the shard filter's rules
  keep, with the decision in columns.

Never let Ray decode or re-encode the images on the way: ``read_webdataset``
and ``write_webdataset`` need ``decoder=None`` / ``encoder=None``, or the
bytes that carry the credentials are replaced by re-encoded pixels without
them.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Union

import hallmark

__all__ = ["scan_shards", "filter_images", "SUMMARY_COLUMNS"]

#: The columns of :func:`scan_shards`' rows besides ``shard``, ``output`` and
#: ``decisions``: the counts :func:`hallmark.scan_shard` returns.
SUMMARY_COLUMNS = ("samples", "kept", "dropped", "members", "verified", "prechecked", "bytes_read", "bytes_kept")

PathLike = Union[str, "os.PathLike[str]"]


def scan_shards(
    shards: Iterable[PathLike],
    *,
    kind: str,
    output_dir: PathLike,
    trust: Optional[Any] = None,
    constrained: str = "drop",
    invalid: str = "drop",
    unsigned: str = "keep",
    unreadable: str = "drop",
    recover: Optional[str] = None,
) -> "ray.data.Dataset":
    """Filter WebDataset shards on the Ray cluster, one task per shard.

    Each shard ``NAME`` becomes ``output_dir/NAME`` (the kept samples, byte for
    byte) and ``output_dir/NAME.decisions.jsonl`` (one decision per sample),
    as ``hallmark scan`` writes them. Returns a dataset with one row per shard:
    ``shard``, ``output``, ``decisions`` and the counts (:data:`SUMMARY_COLUMNS`).
    Nothing runs until the dataset is consumed (``take_all()``, ``write_*``).
    """
    import ray

    paths = [os.fspath(p) for p in shards]
    out = os.fspath(output_dir)
    rules = dict(constrained=constrained, invalid=invalid, unsigned=unsigned, unreadable=unreadable)

    def scan(row: dict[str, Any]) -> dict[str, Any]:
        shard = row["shard"]
        name = os.path.basename(shard)
        filtered = os.path.join(out, name)
        decisions = filtered + ".decisions.jsonl"
        summary = hallmark.scan_shard(
            shard, kind=kind, output=filtered, decisions=decisions, trust=trust, recover=recover, **rules
        )
        return {"shard": shard, "output": filtered, "decisions": decisions, **{k: summary[k] for k in SUMMARY_COLUMNS}}

    os.makedirs(out, exist_ok=True)
    items = ray.data.from_items([{"shard": p} for p in paths], override_num_blocks=max(1, len(paths)))
    return items.map(scan)


def filter_images(
    dataset: "ray.data.Dataset",
    *,
    kind: str,
    column: str = "bytes",
    trust: Optional[Any] = None,
    constrained: str = "drop",
    invalid: str = "drop",
    unsigned: str = "keep",
    unreadable: str = "drop",
    batch_size: int = 256,
) -> "ray.data.Dataset":
    """Keep the rows of a dataset of image bytes that the shard filter's rules keep.

    Each batch is verified with :func:`hallmark.verify_many` (Rust threads, the
    GIL released) and decided with :func:`hallmark.decide_file`; the decision is
    added as columns ``hallmark_state``, ``hallmark_use`` and ``hallmark_reason``,
    and the rows it drops are left out. ``column`` holds the bytes (what
    ``ray.data.read_binary_files`` calls ``bytes``); the bytes are not changed.
    """
    rules = dict(constrained=constrained, invalid=invalid, unsigned=unsigned, unreadable=unreadable)

    def decide(batch: dict[str, Any]) -> dict[str, Any]:
        verifier = hallmark.Verifier(trust=trust)
        images = [bytes(b) for b in batch[column]]
        decisions = [hallmark.decide_file(r, kind=kind, **rules) for r in verifier.verify_many(images)]  # type: ignore[arg-type]
        keep = [d["keep"] for d in decisions]
        out = {name: [v for v, k in zip(values, keep) if k] for name, values in batch.items()}
        for key in ("state", "use", "reason"):
            out["hallmark_" + key] = [d[key] for d in decisions if d["keep"]]
        return out

    return dataset.map_batches(decide, batch_size=batch_size, batch_format="numpy")
