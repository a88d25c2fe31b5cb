"""Where the embedded dataset lives."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_data_dir() -> Path:
    """Folder of the embedded default dataset shipped inside the package."""
    return Path(str(resources.files("alusim") / "data" / "default"))
