"""may_use and decide answer as the library and `hallmark policy --json` do."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import hallmark
from conftest import MEDIA, PASSPHRASE, Corpus, cli_binary

KINDS = ["ai_training", "ai_generative_training", "ai_inference", "data_mining"]


def cli_policy(path: Path, kind: str) -> dict[str, object]:
    result = subprocess.run(
        [str(cli_binary()), "policy", str(path), "--for", kind, "--json"],
        capture_output=True, text=True, check=False,
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_decide_gives_the_cli_policy_line(corpus: Corpus) -> None:
    for name, path in sorted(corpus.files.items()):
        try:
            report = hallmark.verify(path)
        except hallmark.Error as err:
            report = {"file": str(path), "state": "error", "error": str(err)}
        for kind in KINDS:
            expected = cli_policy(path, kind)
            assert hallmark.decide(report, kind) == expected, (name, kind)
            assert hallmark.may_use(report, kind) == expected["answer"], (name, kind)


def test_allowed_constrained_and_broken(credentials: Path, tmp_path: Path) -> None:
    signed = hallmark.sign(
        (MEDIA / "sample.png").read_bytes(),
        credentials=credentials,
        passphrase=PASSPHRASE,
        allow=["ai_inference"],
        constrain={"data_mining": "research only"},
    )
    report = hallmark.verify(signed)
    assert [hallmark.may_use(report, k) for k in KINDS] == ["notAllowed", "notAllowed", "allowed", "constrained"]
    decision = hallmark.decide(report, "data_mining")
    assert decision["answer"] == "constrained"
    assert decision["constraint_info"] == "research only"
    assert decision["signer"] == "Example Creator"
    assert decision["basis"] == "credentials"
    # A broken signature answers "unknown", never what the broken manifest says.
    broken = bytearray(signed)
    broken[-40] ^= 0x55
    tampered = hallmark.verify(bytes(broken))
    assert tampered["state"] == "invalid"
    assert tampered["policy"]["ai_inference"] == {"use": "allowed"}
    assert hallmark.may_use(tampered, "ai_inference") == "unknown"


def test_error_lines_answer_unknown() -> None:
    line = {"file": "x.jpg", "state": "error", "error": "x.jpg: the file is empty"}
    assert hallmark.may_use(line, "ai_training") == "unknown"
    assert hallmark.decide(line, "ai_training") == {
        "file": "x.jpg", "kind": "ai_training", "answer": "unknown", "state": "error",
        "basis": "nothing", "error": "x.jpg: the file is empty",
    }


def test_bad_kinds_and_reports_are_bad_requests(corpus: Corpus) -> None:
    report = hallmark.verify(corpus.files["hallmark-signed sample.jpg"])
    with pytest.raises(hallmark.BadRequest, match="unknown kind of use"):
        hallmark.may_use(report, "ai_everything")
    with pytest.raises(hallmark.BadRequest, match="not a hallmark report"):
        hallmark.may_use({"state": "valid"}, "ai_training")
    with pytest.raises(hallmark.BadRequest):
        hallmark.decide("not a dict", "ai_training")  # type: ignore[arg-type]
