"""CAWG identities: the same `identities` as the CLI, each with its own
verdict; an issuer is pinned with `Verifier(identity_issuers=...)`, offline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import hallmark
from conftest import ROOT, cli_binary

FIXTURES = ROOT / "tests" / "fixtures" / "identity"
ADOBE = FIXTURES / "claim_aggregation" / "adobe_connected_identities.jpg"
STAGE_DID = FIXTURES / "claim_aggregation" / "connected_identities_did.json"
FILES = [
    ADOBE,
    FIXTURES / "claim_aggregation" / "ims_multiple_manifests.jpg",
    FIXTURES / "validation_method" / "pad1_invalid.jpg",
    FIXTURES / "claim_aggregation" / "ica_validation" / "signature_mismatch.jpg",
]


def cli_line(path: Path, issuers: list[Path]) -> dict[str, object]:
    command = [str(cli_binary()), "verify", "--json", str(path)]
    for issuer in issuers:
        command += ["--identity-issuer", str(issuer)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return json.loads(result.stdout)


@pytest.mark.parametrize("pinned", [False, True], ids=["unpinned", "pinned"])
def test_identities_are_the_clis(pinned: bool) -> None:
    issuers = [STAGE_DID] if pinned else []
    verifier = hallmark.Verifier(identity_issuers=issuers or None)
    for path in FILES:
        line = cli_line(path, issuers)
        report = verifier.verify(path)
        assert report == line, path.name
        assert report["identities"], path.name
    adobe = verifier.verify(ADOBE)
    assert adobe["state"] == "valid"
    assert adobe["identities"][0]["state"] == ("verified" if pinned else "unverified")


def test_a_pinned_document_may_be_given_as_text() -> None:
    by_text = hallmark.Verifier(identity_issuers=STAGE_DID.read_text())
    assert by_text.verify(ADOBE)["identities"][0]["state"] == "verified"
    by_list = hallmark.Verifier(identity_issuers=[STAGE_DID.read_bytes()])
    assert by_list.verify(ADOBE)["identities"][0]["state"] == "verified"


def test_a_document_that_cannot_verify_is_a_setup_error() -> None:
    with pytest.raises(hallmark.BadSetup) as raised:
        hallmark.Verifier(identity_issuers='{"id": "did:example:123"}')
    assert "only did:web issuers are pinned" in str(raised.value)
