"""Shared fixtures: the CLI to compare with, credentials, and the corpus of
files the Rust suites use (hallmark-signed, c2pa-python-signed, tampered,
truncated, unsigned, garbage), made once per run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "tests" / "fixtures" / "media"
KEYS = ROOT / "keys-example"
PASSPHRASE = "hallmark-example"
ORACLE = ROOT / "tests" / "oracle" / "python" / "oracle.py"
ORACLE_PYTHON = ROOT / "target" / "oracles" / "venv" / "bin" / "python"

#: Every format hallmark signs (as the Rust interop suites list them).
SIGNABLE = [
    "sample.jpg", "sample.png", "sample.webp", "sample.tif", "sample.dng",
    "sample.gif", "sample.svg", "sample.heic", "sample.avif", "sample.jxl",
    "sample.mp4", "sample.mov", "sample.avi", "sample.m4a", "sample.wav",
    "sample.mp3", "sample.flac",
]
#: What c2pa-python signs in the interop suite.
ORACLE_SIGNABLE = ["sample.jpg", "sample.png", "sample.webp", "sample.mp4", "sample.wav"]


def cli_binary() -> Path:
    """The hallmark CLI to compare with: $HALLMARK_BIN, else the newer of the
    release and debug builds."""
    given = os.environ.get("HALLMARK_BIN")
    if given:
        return Path(given)
    built = [p for p in (ROOT / "target" / "release" / "hallmark", ROOT / "target" / "debug" / "hallmark") if p.exists()]
    if not built:
        raise RuntimeError("no hallmark CLI built: run `cargo build -p hallmark-cli` (python/test.sh does)")
    return max(built, key=lambda p: p.stat().st_mtime)


def cli_lines(paths: list[Path] | list[str], trust: list[Path] | None = None) -> list[dict[str, object]]:
    """The lines `hallmark verify --json` prints for `paths`, parsed."""
    command = [str(cli_binary()), "verify", "--json", *[str(p) for p in paths]]
    for anchor in trust or []:
        command += ["--trust", str(anchor)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(paths), result.stderr
    return lines


@dataclass
class Corpus:
    """Files of every kind, by case name, and the CA that vouches for their signers."""

    files: dict[str, Path]
    hallmark_ca: Path
    oracle_ca: Path


@pytest.fixture(scope="session")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of keys-example with private key files (hallmark refuses readable ones)."""
    folder = tmp_path_factory.mktemp("keys") / "keys"
    shutil.copytree(KEYS, folder)
    for key in folder.glob("*.key"):
        key.chmod(0o600)
    return folder


def _sign_with_cli(credentials: Path, inputs: list[Path], out: Path) -> None:
    out.mkdir()
    result = subprocess.run(
        [str(cli_binary()), "sign", *map(str, inputs), "-o", str(out), "--credentials", str(credentials)],
        env={**os.environ, "HALLMARK_PASSPHRASE": PASSPHRASE},
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def _oracle(*args: str) -> dict[str, object]:
    if not ORACLE_PYTHON.exists():
        raise RuntimeError(f"{ORACLE_PYTHON}: the c2pa-python oracle's venv is missing (tests/run.sh makes it)")
    result = subprocess.run([str(ORACLE_PYTHON), str(ORACLE), *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, credentials: Path) -> Corpus:
    base = tmp_path_factory.mktemp("corpus")
    files: dict[str, Path] = {}
    signed = base / "hallmark"
    _sign_with_cli(credentials, [MEDIA / name for name in SIGNABLE], signed)
    for name in SIGNABLE:
        files[f"hallmark-signed {name}"] = signed / name
    for name in sorted(p.name for p in MEDIA.glob("sample.*")):
        files[f"unsigned {name}"] = MEDIA / name

    ca = _oracle("make-ca", str(base / "oracle-ca"))
    oracle_dir = base / "c2pa-python"
    oracle_dir.mkdir()
    for name in ORACLE_SIGNABLE:
        output = oracle_dir / name
        _oracle("sign", str(MEDIA / name), str(output), "--chain", str(ca["chain"]), "--key", str(ca["key"]))
        files[f"c2pa-python-signed {name}"] = output

    broken = base / "broken"
    broken.mkdir()
    for name in ["sample.jpg", "sample.png", "sample.wav", "sample.mp4"]:
        data = bytearray((signed / name).read_bytes())
        # Flip one byte of the content near the end, past the manifest: the hash no longer holds.
        data[-40] ^= 0x55
        (broken / f"tampered-{name}").write_bytes(bytes(data))
        files[f"tampered {name}"] = broken / f"tampered-{name}"
        whole = (signed / name).read_bytes()
        (broken / f"truncated-{name}").write_bytes(whole[: len(whole) // 2])
        files[f"truncated {name}"] = broken / f"truncated-{name}"
    garbage = {
        "garbage.jpg": b"%PDF-1.7 not a jpeg at all" * 10,
        "garbage.bin": bytes(range(256)) * 4,
        "empty.png": b"",
        "text.txt": b"hello, world\n",
    }
    for name, data in garbage.items():
        (broken / name).write_bytes(data)
        files[f"garbage {name}"] = broken / name
    return Corpus(files=files, hallmark_ca=KEYS / "ca.pem", oracle_ca=Path(str(ca["ca"])))
