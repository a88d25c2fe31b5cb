"""Parsed parameter-set files kept as JSON in ``$ALUSIM_CACHE/parameter-sets``, so that a run does not
parse the shipped calibration's YAML again (the pure-Python reader, twice with the resource check:
~0.1 s of every ``alusim run``).

An entry is named by the SHA-256 of the file's bytes, the alusim version, :data:`FORMAT` and the code
that reads the files: an edit anywhere is a new name, whatever the file's size and modification
time. Entries are data only (JSON, never a pickle) and are checked again on reading
(as the YAML's values are), so a planted or damaged entry can at worst be
ignored. Only files that were read without error are kept: a bad file is parsed, and refused, each
time. A cache folder that cannot be read or written is simply not used.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

FORMAT = 1
FOLDER = "parameter-sets"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The reader's own code (form checks, YAML limits): files read by older rules are read again."""
    from alusim.history import parameter_sets
    from alusim.scenario import yaml_budget

    digest = hashlib.sha256()
    for file in (parameter_sets.__file__, yaml_budget.__file__, __file__):
        digest.update(Path(file).read_bytes())
    return digest.digest()


def content_key(raw: bytes) -> str:
    from alusim import __version__

    digest = hashlib.sha256(f"alusim {__version__} parameter-set {FORMAT}\n".encode())
    digest.update(_code_fingerprint())
    digest.update(raw)
    return digest.hexdigest()


def _entry(key: str) -> Path:
    from alusim.dataset.cache import cache_root

    return cache_root() / FOLDER / f"{key}.json"


def load(key: str) -> dict | None:
    """The stored plain form (``{"parameters": …, "ensemble": […]}``) under ``key``, or None."""
    try:
        document = json.loads(_entry(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("key") != key:
        return None
    return document


def store(key: str, parameters: dict[str, float], ensemble: tuple[dict[str, float], ...]) -> None:
    """Keep the plain form under ``key`` (written to a temporary file and renamed: readers never see
    half an entry); silently skipped when the cache cannot be written."""
    target = _entry(key)
    document = {"format": FORMAT, "key": key, "parameters": parameters, "ensemble": list(ensemble)}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle)      # floats as repr: they read back bit for bit
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError, TypeError):
        return
