"""Where runs are stored: ``$ALUSIM_STORE`` if set, else ``~/.alusim`` (``--store DIR`` overrides both)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "ALUSIM_STORE"


def default_store_root() -> Path:
    """The run store used when no ``--store`` is given: ``$ALUSIM_STORE`` or ``~/.alusim``."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return Path(value).expanduser()
    return Path.home() / ".alusim"
