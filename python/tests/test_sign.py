"""sign over the library's options, checked by verifying what it signed."""

from __future__ import annotations

from pathlib import Path

import hallmark
from conftest import KEYS, MEDIA, PASSPHRASE, cli_lines


def test_sign_a_file_then_verify_it_trusted(credentials: Path, tmp_path: Path) -> None:
    output = tmp_path / "signed.jpg"
    result = hallmark.sign(
        MEDIA / "sample.jpg", output,
        credentials=credentials, passphrase=PASSPHRASE,
        title="A photograph", author="Ada", allow="ai_inference",
    )
    assert result["output"] == str(output)
    assert result["format"] == "JPEG"
    assert result["kept_parent"] is False
    assert result["manifest_bytes"] > 0
    assert result["soft_binding"] == "added"
    report = hallmark.verify(output, trust=KEYS / "ca.pem")
    assert report == cli_lines([output], trust=[KEYS / "ca.pem"])[0]
    assert report["state"] == "trusted"
    assert report["title"] == "A photograph"
    assert report["policy"]["ai_inference"] == {"use": "allowed"}
    assert hallmark.may_use(report, "ai_training") == "notAllowed"


def test_sign_bytes_and_resign(credentials: Path) -> None:
    loaded = hallmark.Credentials(credentials, PASSPHRASE)
    once = hallmark.sign((MEDIA / "sample.png").read_bytes(), credentials=loaded, allow="all")
    assert isinstance(once, bytes)
    twice = hallmark.sign(once, credentials=loaded, soft_binding=False, iptc=False)
    report = hallmark.verify(twice)
    assert report["state"] == "valid"
    assert report["manifest_count"] == 2
    assert "soft_bindings" not in report
    assert [hallmark.may_use(report, k) for k in ["ai_training", "data_mining"]] == ["notAllowed", "notAllowed"]


def test_sign_a_sidecar(credentials: Path, tmp_path: Path) -> None:
    media = tmp_path / "sample.pdf"
    media.write_bytes((MEDIA / "sample.pdf").read_bytes())
    sidecar = tmp_path / "sample.c2pa"
    hallmark.sign(media, sidecar, credentials=credentials, passphrase=PASSPHRASE, sidecar=True)
    assert media.read_bytes() == (MEDIA / "sample.pdf").read_bytes()
    report = hallmark.verify(media)
    assert report == cli_lines([media])[0]
    assert report["state"] == "valid"
    assert report["sidecar"] == str(sidecar)


def test_derive_keeps_the_originals_policy(credentials: Path, tmp_path: Path) -> None:
    original = tmp_path / "original.jpg"
    hallmark.sign(MEDIA / "sample.jpg", original, credentials=credentials, passphrase=PASSPHRASE,
                  allow="data_mining")
    rendition = tmp_path / "rendition.png"
    derived = hallmark.derive(
        MEDIA / "sample.png", rendition, original=original,
        credentials=credentials, passphrase=PASSPHRASE, restrict=["ai_inference"],
    )
    assert derived["output"] == str(rendition)
    assert derived["policy"]["data_mining"] == {"use": "allowed"}
    assert derived["policy"]["ai_inference"] == {"use": "notAllowed"}
    report = hallmark.verify(rendition, trust=KEYS / "ca.pem")
    assert report == cli_lines([rendition], trust=[KEYS / "ca.pem"])[0]
    assert report["ingredients"][0]["relationship"] == "parentOf"
    assert report["ingredients"][0]["active_manifest"] == derived["original_manifest"]
    assert hallmark.may_use(report, "data_mining") == "allowed"
    assert hallmark.may_use(report, "ai_training") == "notAllowed"
    # An original without credentials cannot carry a chain.
    try:
        hallmark.derive(MEDIA / "sample.png", tmp_path / "x.png", original=MEDIA / "sample.jpg",
                        credentials=credentials, passphrase=PASSPHRASE)
    except hallmark.BadInput as error:
        assert "no Content Credentials" in str(error)
    else:
        raise AssertionError("derive from an unsigned original succeeded")
    assert not (tmp_path / "x.png").exists()
