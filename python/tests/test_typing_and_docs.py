"""The stubs pass `mypy --strict` on an example, and the README's examples run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hallmark
from conftest import KEYS, MEDIA, ROOT

HERE = Path(__file__).parent
README = ROOT / "python" / "README.md"


def test_stubs_pass_mypy_strict_on_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HERE / "typing_example.py")],
        capture_output=True, text=True, check=False, cwd=HERE,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_a_misuse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('import hallmark\nhallmark.verify(b"", jobs=2)\nn: int = hallmark.may_use({}, "x")\n')
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(bad)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1, result.stdout
    assert 'Unexpected keyword argument "jobs"' in result.stdout
    assert "Incompatible types in assignment" in result.stdout


def test_the_package_is_typed() -> None:
    package = Path(hallmark.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "_native.pyi").exists()


def readme_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_examples() -> None:
    assert len(readme_blocks()) >= 3


@pytest.mark.parametrize("index", range(len(readme_blocks())))
def test_readme_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block runs in a folder holding what the README says it holds:
    photo.jpg, photos/ (a few images), keys/ (credentials), ca.pem."""
    shutil.copy(MEDIA / "sample.jpg", tmp_path / "photo.jpg")
    (tmp_path / "photos").mkdir()
    for name in ["sample.jpg", "sample.png", "sample.webp"]:
        shutil.copy(MEDIA / name, tmp_path / "photos" / name)
    shutil.copytree(KEYS, tmp_path / "keys")
    for key in (tmp_path / "keys").glob("*.key"):
        key.chmod(0o600)
    shutil.copy(KEYS / "ca.pem", tmp_path / "ca.pem")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HALLMARK_PASSPHRASE", "hallmark-example")
    code = readme_blocks()[index]
    exec(compile(code, f"README.md block {index}", "exec"), {"__name__": "__readme__"})
    assert os.getcwd() == str(tmp_path)
