"""verify and verify_many give exactly the CLI's `verify --json` line, for
every case the Rust suites use."""

from __future__ import annotations

from pathlib import Path

import pytest

import hallmark
from conftest import Corpus, cli_lines

CASE_KINDS = ["hallmark-signed", "c2pa-python-signed", "tampered", "truncated", "unsigned", "garbage"]


def test_the_corpus_has_every_kind_of_case(corpus: Corpus) -> None:
    kinds = {name.split(" ")[0] for name in corpus.files}
    assert kinds == set(CASE_KINDS)


@pytest.mark.parametrize("trusted", [False, True], ids=["no-trust", "trust"])
def test_verify_gives_the_cli_line_for_every_file(corpus: Corpus, trusted: bool) -> None:
    names = sorted(corpus.files)
    paths = [str(corpus.files[n]) for n in names]
    trust = [corpus.hallmark_ca, corpus.oracle_ca] if trusted else None
    expected = cli_lines(paths, trust=trust)
    states = set()
    for name, path, line in zip(names, paths, expected):
        states.add(line["state"])
        if line["state"] == "error":
            with pytest.raises(hallmark.Error) as raised:
                hallmark.verify(path, trust=trust)
            assert str(raised.value) == line["error"], name
        else:
            assert hallmark.verify(path, trust=trust) == line, name
    # The corpus covers every verdict, so the comparison means something.
    wanted = {"none", "invalid", "error", "trusted" if trusted else "valid"}
    assert wanted <= states, states
    # verify_many: the same lines, in the same order, error lines included.
    assert list(hallmark.verify_many(paths, trust=trust, jobs=2)) == expected
    if trusted:
        assert list(hallmark.Verifier(trust=trust).verify_many(paths)) == expected


def test_bytes_give_the_files_report_without_a_name(corpus: Corpus) -> None:
    verifier = hallmark.Verifier(trust=corpus.hallmark_ca)
    for name, path in sorted(corpus.files.items()):
        # Bytes have no name: claim the format the file's extension gives
        # (it decides between TIFF and DNG, whose contents look alike).
        claim = None if path.suffix in (".txt", ".bin") else path.suffix
        try:
            from_file = hallmark.verify(path, trust=corpus.hallmark_ca)
        except hallmark.Error as err:
            # The same error for the bytes, labelled "bytes" instead of the path.
            with pytest.raises(type(err)) as raised:
                verifier.verify(path.read_bytes(), format=claim)
            assert str(raised.value) == str(err).replace(str(path), "bytes"), name
            continue
        from_bytes = verifier.verify(path.read_bytes(), format=claim)
        assert from_bytes["file"] is None, name
        assert {**from_file, "file": None} == from_bytes, name


def test_every_signed_format_verifies(corpus: Corpus) -> None:
    for name, path in corpus.files.items():
        if name.startswith(("hallmark-signed", "c2pa-python-signed")):
            report = hallmark.verify(path)
            assert report["state"] == "valid", (name, report["statuses"])
            assert hallmark.may_use(report, "ai_training") == "notAllowed", name


def test_verify_many_yields_error_lines_and_goes_on(corpus: Corpus, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jpg"
    items = [corpus.files["hallmark-signed sample.jpg"], missing, b"", corpus.files["unsigned sample.png"]]
    reports = list(hallmark.verify_many(items))
    assert [r["state"] for r in reports] == ["valid", "error", "error", "none"]
    assert reports[1] == cli_lines([missing])[0]
    assert reports[2]["file"] is None and "empty" in reports[2]["error"]
    assert reports[0]["file"] == str(items[0])


def test_format_claims_the_format_of_bytes(corpus: Corpus) -> None:
    data = corpus.files["hallmark-signed sample.png"].read_bytes()
    assert hallmark.verify(data, format="png")["state"] == "valid"
    assert hallmark.verify(data, format="image/png")["format"] == "image/png"
    # The content decides; a claim only helps where the content is ambiguous.
    assert hallmark.verify(data, format="jpg")["format"] == "image/png"
    with pytest.raises(hallmark.BadRequest):
        hallmark.verify(data, format="nonsense")


def test_path_like_bytearray_and_memoryview(corpus: Corpus) -> None:
    path = corpus.files["hallmark-signed sample.jpg"]
    by_str = hallmark.verify(str(path))
    assert hallmark.verify(path) == by_str
    data = path.read_bytes()
    assert hallmark.verify(bytearray(data)) == hallmark.verify(memoryview(data)) == {**by_str, "file": None}
