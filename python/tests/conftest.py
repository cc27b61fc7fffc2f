"""Shared helpers: the repository, its fixtures, and the CLI to compare with."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def cli_path() -> str:
    """The dataprep-lineage binary: $DATAPREP_LINEAGE_BIN, else the
    repository's debug build (built once when missing)."""
    env = os.environ.get("DATAPREP_LINEAGE_BIN")
    if env:
        return env
    built = ROOT / "target" / "debug" / "dataprep-lineage"
    if not built.exists():
        if shutil.which("cargo") is None:
            pytest.skip("no dataprep-lineage binary and no cargo to build it")
        subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT, check=True)
    return str(built)


def cli(*args: str, cwd: Path = ROOT) -> str:
    """The CLI's standard output (it must exit 0)."""
    o = subprocess.run([cli_path(), *args, "--quiet"], cwd=cwd, capture_output=True)
    assert o.returncode == 0, o.stderr.decode()
    return o.stdout.decode()


def cli_json(*args: str, cwd: Path = ROOT):
    return json.loads(cli(*args, "--format", "json", cwd=cwd))


def fixtures():
    return sorted(p for p in FIXTURES.glob("*.json"))


def pairs():
    return sorted(p for p in (FIXTURES / "pairs").iterdir() if p.is_dir())
