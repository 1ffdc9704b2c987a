"""The shard filter from Python: the same decisions and filtered shard as
``hallmark scan``, ``webdataset`` reads the result back, a truncated shard
raises ``BadInput`` with the decisions before the damage written, and
``decide_file`` keeps and drops single reports by the same rules."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest

import hallmark
from conftest import MEDIA, PASSPHRASE, cli_binary


def _sign(credentials: Path, src: Path, out: Path, *options: str) -> bytes:
    subprocess.run(
        [str(cli_binary()), "sign", str(src), "-o", str(out), "--credentials", str(credentials), *options],
        check=True,
        capture_output=True,
        env={"HALLMARK_PASSPHRASE": PASSPHRASE, "PATH": "/usr/bin:/bin"},
    )
    return out.read_bytes()


@pytest.fixture(scope="module")
def shard(tmp_path_factory: pytest.TempPathFactory, credentials: Path) -> Path:
    work = tmp_path_factory.mktemp("shards")
    jpg = MEDIA / "sample.jpg"
    allowed = _sign(credentials, jpg, work / "a.jpg", "--allow", "all")
    refused = _sign(credentials, jpg, work / "r.jpg")
    terms = _sign(credentials, jpg, work / "t.jpg", "--constrain", "ai_training=ask first")
    tampered = bytearray(allowed)
    tampered[-40] ^= 0x20
    members = [
        ("000.jpg", allowed), ("000.json", b'{"i": 0}'),
        ("001.jpg", refused), ("001.json", b'{"i": 1}'),
        ("002.jpg", terms), ("002.json", b'{"i": 2}'),
        ("003.jpg", jpg.read_bytes()), ("003.json", b'{"i": 3}'),
        ("004.jpg", bytes(tampered)), ("004.json", b'{"i": 4}'),
        ("005.jpg", b"not an image"), ("005.json", b'{"i": 5}'),
    ]
    path = work / "shard-000000.tar"
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _cli_scan(shard: Path, out: Path, *rules: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [str(cli_binary()), "scan", str(shard), "--for", "ai_training", "-o", str(out), *rules],
        capture_output=True, text=True, check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_scan_shard_gives_the_clis_decisions_and_filtered_shard(shard: Path, tmp_path: Path) -> None:
    ours = hallmark.scan_shard(shard, kind="ai_training", output=tmp_path / "py.tar")
    theirs = _cli_scan(shard, tmp_path / "cli.tar")
    assert ours["decisions"] == theirs
    assert [d["key"] for d in ours["decisions"] if d["keep"]] == ["000", "003"]
    assert (ours["samples"], ours["kept"], ours["dropped"]) == (6, 2, 4)
    assert (tmp_path / "py.tar").read_bytes() == (tmp_path / "cli.tar").read_bytes()
    # The kept members, byte for byte.
    with tarfile.open(shard) as src, tarfile.open(tmp_path / "py.tar") as out:
        kept = {m.name: src.extractfile(m).read() for m in src.getmembers() if m.name[:3] in ("000", "003")}  # type: ignore[union-attr]
        written = {m.name: out.extractfile(m).read() for m in out.getmembers()}  # type: ignore[union-attr]
    assert written == kept


def test_webdataset_reads_the_filtered_shard(shard: Path, tmp_path: Path) -> None:
    import webdataset as wds

    hallmark.scan_shard(shard, kind="ai_training", output=tmp_path / "f.tar", unsigned="drop")
    samples = list(wds.WebDataset(str(tmp_path / "f.tar"), shardshuffle=False))
    assert [s["__key__"] for s in samples] == ["000"]
    assert hallmark.verify(samples[0]["jpg"])["state"] == "valid"


def test_rules_and_decisions_file(shard: Path, tmp_path: Path) -> None:
    decisions = tmp_path / "d.jsonl"
    result = hallmark.scan_shard(
        shard, kind="ai_training", decisions=decisions, constrained="keep", invalid="keep", unreadable="keep"
    )
    assert result["decisions"] == str(decisions)
    lines = [json.loads(line) for line in decisions.read_text().splitlines()]
    assert [d["keep"] for d in lines] == [True, False, True, True, True, True]
    assert lines == _cli_scan(shard, tmp_path / "c.tar", "--constrained", "keep", "--invalid", "keep", "--unreadable", "keep")
    with pytest.raises(hallmark.BadRequest, match="expected \"keep\" or \"drop\""):
        hallmark.scan_shard(shard, kind="ai_training", unsigned="maybe")  # type: ignore[arg-type]


def test_a_truncated_shard_raises_bad_input_after_the_decisions_before_it(shard: Path, tmp_path: Path) -> None:
    whole = shard.read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole[: whole.index(b"004.jpg") + 512 + 100])
    decisions = tmp_path / "d.jsonl"
    with pytest.raises(hallmark.BadInput, match="cut.tar: not a readable tar shard") as raised:
        hallmark.scan_shard(cut, kind="ai_training", output=tmp_path / "out.tar", decisions=decisions)
    assert raised.value.kind == "bad_input"
    assert [json.loads(line)["key"] for line in decisions.read_text().splitlines()] == ["000", "001", "002", "003"]
    assert not (tmp_path / "out.tar").exists()


def test_decide_file_applies_the_same_rules_to_one_report(shard: Path) -> None:
    reports = hallmark.verify_many([MEDIA / "sample.jpg", b"not an image"])
    unsigned, garbage = list(reports)
    assert hallmark.decide_file(unsigned, kind="ai_training") == {
        "state": "none", "use": "unknown", "basis": "nothing", "keep": True, "reason": "no Content Credentials",
    }
    assert hallmark.decide_file(unsigned, kind="ai_training", unsigned="drop")["keep"] is False
    dropped = hallmark.decide_file(garbage, kind="ai_training")
    assert (dropped["state"], dropped["keep"]) == ("error", False)
    assert dropped["reason"].startswith("unreadable: ")
