"""Fixtures for the raw-data reader tests: locate ``shared/data/raw`` or skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DEFAULT_RAW_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"


def _raw_dir() -> Path:
    return Path(os.environ.get("ALUSIM_RAW_DIR", DEFAULT_RAW_DIR)).expanduser()


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The shared raw-data folder; the test is skipped if it is absent."""
    path = _raw_dir()
    if not path.is_dir():
        pytest.skip(f"raw data folder not found at {path} (set ALUSIM_RAW_DIR to run the raw-data tests)")
    return path


@pytest.fixture
def raw_copy(raw_dir: Path, tmp_path: Path):
    """Copy one source folder of the raw data into ``tmp_path/raw`` (at test time) and return that root."""

    def copy(folder: str) -> Path:
        root = tmp_path / "raw"
        shutil.copytree(raw_dir / folder, root / folder)
        return root

    return copy
