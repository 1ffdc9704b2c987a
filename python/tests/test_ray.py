"""The README's Ray example (python/examples/filter_on_ray.py) on a local
Ray cluster with 2 CPUs, over 8 generated shards: one task per shard gives
exactly ``hallmark scan``'s decisions, and the image-bytes pipeline keeps
exactly the samples the shard filter keeps, bytes unchanged."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from conftest import MEDIA, PASSPHRASE, ROOT, cli_binary


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory, credentials: Path) -> Path:
    work = tmp_path_factory.mktemp("ray")
    jpg = MEDIA / "sample.jpg"

    def sign(out: str, *options: str) -> bytes:
        subprocess.run(
            [str(cli_binary()), "sign", str(jpg), "-o", str(work / out), "--credentials", str(credentials), *options],
            check=True, capture_output=True, env={"HALLMARK_PASSPHRASE": PASSPHRASE, "PATH": "/usr/bin:/bin"},
        )
        return (work / out).read_bytes()

    kinds = {"allowed": sign("a.jpg", "--allow", "all"), "refused": sign("r.jpg"), "unsigned": jpg.read_bytes()}
    folder = work / "shards"
    folder.mkdir()
    for s in range(8):
        with tarfile.open(folder / f"shard-{s:06d}.tar", "w", format=tarfile.USTAR_FORMAT) as tar:
            for i, kind in enumerate(["allowed", "refused", "unsigned", "refused", "allowed"]):
                key = f"{s:02d}{i:04d}"
                for ext, data in (("jpg", kinds[kind]), ("txt", kind.encode())):
                    info = tarfile.TarInfo(f"{key}.{ext}")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
    return folder


def test_the_ray_example_filters_like_hallmark_scan(shards: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "python" / "examples" / "filter_on_ray.py"), str(shards), str(out)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(printed["shards"]) == 8
    expected_keys = []
    for summary in printed["shards"]:
        shard = Path(summary["shard"])
        cli = subprocess.run(
            [str(cli_binary()), "scan", str(shard), "--for", "ai_training"], capture_output=True, text=True, check=True,
        )
        theirs = [json.loads(line) for line in cli.stdout.splitlines()]
        ours = [json.loads(line) for line in Path(summary["decisions"]).read_text().splitlines()]
        assert ours == theirs
        assert (summary["samples"], summary["kept"]) == (5, 3)
        expected_keys += [d["key"] for d in theirs if d["keep"]]
        # The filtered shard holds the kept samples' members, unchanged.
        with tarfile.open(summary["output"]) as tar:
            names = [m.name for m in tar.getmembers()]
        assert names == [f"{k}.{e}" for k in [d["key"] for d in theirs if d["keep"]] for e in ("jpg", "txt")]
    assert printed["kept_keys"] == sorted(expected_keys)
    # The image pipeline wrote exactly the kept images, byte for byte (so
    # with their credentials): never decoded, never re-encoded.
    originals = {}
    for shard in sorted(shards.glob("*.tar")):
        with tarfile.open(shard) as tar:
            for member in tar.getmembers():
                if member.name.endswith(".jpg"):
                    originals[member.name[:-4]] = tar.extractfile(member).read()  # type: ignore[union-attr]
    written = {}
    for path in sorted((out / "images").glob("*.tar")):
        with tarfile.open(path) as tar:
            for member in tar.getmembers():
                written[member.name.split(".")[0]] = tar.extractfile(member).read()  # type: ignore[union-attr]
    assert sorted(written) == sorted(expected_keys)
    assert all(written[key] == originals[key] for key in written)


def test_the_readmes_ray_example_is_the_example_that_runs() -> None:
    """The README quotes python/examples/filter_on_ray.py: every line of its
    Ray block is in the example, in order, so the quote cannot drift from
    the code the test above runs."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Filtering a dataset on a cluster") :]
    block = section[section.index("```python\n") + 10 : section.index("```\n", section.index("```python\n") + 10)]
    example = [line.strip() for line in (ROOT / "python" / "examples" / "filter_on_ray.py").read_text().splitlines()]
    at = 0
    for line in (line.strip() for line in block.splitlines() if line.strip()):
        assert line in example[at:], f"README line not in the example (in order): {line}"
        at = example.index(line, at) + 1
