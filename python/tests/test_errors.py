"""Errors are typed by the library's kind of fault, never a panic."""

from __future__ import annotations

from pathlib import Path

import pytest

import hallmark
from conftest import KEYS, MEDIA, PASSPHRASE

KINDS = {
    hallmark.BadInput: "bad_input",
    hallmark.BadRequest: "bad_request",
    hallmark.BadSetup: "bad_setup",
    hallmark.Environment: "environment",
    hallmark.Internal: "internal",
}


def test_the_hierarchy() -> None:
    assert issubclass(hallmark.Error, Exception)
    assert hallmark.Error.kind is None
    for cls, kind in KINDS.items():
        assert issubclass(cls, hallmark.Error)
        assert cls.kind == kind
        assert cls.__module__ == "hallmark"


@pytest.mark.parametrize(
    "data, words",
    [(b"", "empty"), (b"%PDF-1.7 but broken", "PDF"), (bytes(range(256)), "unsupported"), (b"\xff\xd8\xff" + b"\0" * 64, "JPEG")],
)
def test_bad_bytes_are_bad_input(data: bytes, words: str) -> None:
    with pytest.raises(hallmark.BadInput) as raised:
        hallmark.verify(data)
    assert raised.value.kind == "bad_input"
    assert "bytes" in str(raised.value)


def test_a_missing_file_is_an_environment_error(tmp_path: Path) -> None:
    with pytest.raises(hallmark.Environment, match="missing.jpg"):
        hallmark.verify(tmp_path / "missing.jpg")


def test_a_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(hallmark.Error):
        hallmark.verify(tmp_path)


def test_unusable_trust_is_bad_setup(tmp_path: Path) -> None:
    with pytest.raises(hallmark.BadSetup, match="cannot read the trust list"):
        hallmark.verify(MEDIA / "sample.jpg", trust=tmp_path / "nope.pem")
    binary = tmp_path / "binary.pem"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(hallmark.BadSetup, match="not a trust list"):
        hallmark.Verifier(trust=binary)
    with pytest.raises(hallmark.BadSetup):
        hallmark.Verifier(trust="-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")


def test_trust_as_path_text_bytes_or_list(credentials: Path) -> None:
    signed = hallmark.sign((MEDIA / "sample.png").read_bytes(), credentials=credentials, passphrase=PASSPHRASE)
    assert hallmark.verify(signed)["state"] == "valid"
    pem = (KEYS / "ca.pem").read_text()
    for trust in [KEYS / "ca.pem", str(KEYS / "ca.pem"), pem, pem.encode(), [KEYS / "ca.pem"], [pem, KEYS / "ca.pem"]]:
        assert hallmark.verify(signed, trust=trust)["state"] == "trusted", trust
        assert hallmark.Verifier(trust=trust).verify(signed)["state"] == "trusted", trust


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError, match="expected a path"):
        hallmark.verify(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hallmark.Verifier(trust=42)  # type: ignore[arg-type]
    with pytest.raises(hallmark.BadRequest):
        hallmark.verify_many([], jobs=0)
    for single in ["photo.jpg", b"\xff\xd8", MEDIA / "sample.jpg"]:
        with pytest.raises(TypeError, match="for one item use verify"):
            hallmark.verify_many(single)  # type: ignore[arg-type]


def test_verify_many_raises_at_the_position_of_a_wrong_item() -> None:
    sample = MEDIA / "sample.png"
    iterator = hallmark.verify_many([sample, sample, 3.5, sample])  # type: ignore[list-item]
    assert next(iterator)["state"] == "none"
    assert next(iterator)["state"] == "none"
    with pytest.raises(TypeError):
        next(iterator)
    assert next(iterator)["state"] == "none"
    with pytest.raises(StopIteration):
        next(iterator)


def test_verify_many_raises_the_input_iterators_error_in_place() -> None:
    def items() -> object:
        yield MEDIA / "sample.png"
        raise KeyError("the source failed")

    iterator = hallmark.verify_many(items())  # type: ignore[arg-type]
    assert next(iterator)["state"] == "none"
    with pytest.raises(KeyError, match="the source failed"):
        next(iterator)
    assert list(iterator) == []


def test_signing_errors(credentials: Path, tmp_path: Path) -> None:
    with pytest.raises(hallmark.BadSetup, match="wrong passphrase"):
        hallmark.Credentials(credentials, "not the passphrase")
    with pytest.raises(hallmark.BadSetup, match="no credentials here"):
        hallmark.Credentials(tmp_path / "none", PASSPHRASE)
    with pytest.raises(hallmark.BadSetup, match="passphrase"):
        hallmark.sign(b"x", credentials=credentials)
    loaded = hallmark.Credentials(credentials, PASSPHRASE)
    existing = tmp_path / "exists.jpg"
    existing.write_bytes(b"keep me")
    with pytest.raises(hallmark.BadRequest, match="already exists"):
        hallmark.sign(MEDIA / "sample.jpg", existing, credentials=loaded)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(hallmark.BadRequest, match="both allowed and constrained"):
        hallmark.sign(b"x", credentials=loaded, allow="data_mining", constrain={"data_mining": "ask"})
    with pytest.raises(hallmark.BadRequest):
        hallmark.sign(b"x", credentials=loaded, source_type="made up")
    with pytest.raises(hallmark.BadInput):
        hallmark.sign(b"not media", credentials=loaded)
    with pytest.raises(hallmark.BadRequest, match="cannot sign"):
        hallmark.sign(MEDIA / "sample.pdf", tmp_path / "out.pdf", credentials=loaded)


def test_hostile_bytes_never_panic() -> None:
    """Mutations of a signed file and random prefixes: a report or a hallmark.Error, nothing else."""
    import random

    rng = random.Random(17)
    seeds = [(MEDIA / name).read_bytes() for name in ["sample.jpg", "sample.png", "sample.mp4", "sample.wav", "sample.pdf"]]
    for _ in range(300):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = data[: rng.randint(1, len(data))]
        try:
            report = hallmark.verify(bytes(data))
        except hallmark.Error:
            continue
        assert report["state"] in {"none", "invalid", "valid", "trusted"}
