"""An example that uses the whole typed API: `mypy --strict` must accept it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import hallmark

if TYPE_CHECKING:
    from hallmark._native import Answer


def keep_for_training(paths: list[Path], trust: Path) -> list[str]:
    kept: list[str] = []
    verifier = hallmark.Verifier(trust=trust)
    for report in verifier.verify_many(paths, jobs=2):
        answer: Answer = hallmark.may_use(report, "ai_training")
        if answer == "allowed" and isinstance(report["file"], str):
            kept.append(report["file"])
    return kept


def one(path: Path) -> str:
    try:
        report = hallmark.verify(path, format=None, trust=[path.with_name("ca.pem")])
    except hallmark.BadInput as err:
        return f"unusable ({err.kind}): {err}"
    except hallmark.Error as err:
        return str(err)
    decision = hallmark.decide(report, "data_mining")
    return str(decision["answer"])


def sign_all(folder: Path, passphrase: str) -> int:
    credentials = hallmark.Credentials(folder / "keys", passphrase)
    signed: bytes = hallmark.sign(b"...", credentials=credentials, allow=["ai_inference"])
    result = hallmark.sign(folder / "in.jpg", folder / "out.jpg", credentials=credentials, constrain={"data_mining": "ask"})
    return len(signed) + int(result["manifest_bytes"])


version: str = hallmark.__version__
schema: int = hallmark.SCHEMA_VERSION
