"""Check output, store and cache locations before any work starts.

A read-only, missing-parent, full or special (``/proc``) location must be refused with one line
before a run computes for a minute, not end in an ``OSError`` after it. The check finds the nearest
folder that exists on the way to the target, and there creates and removes a probe file (the only
test that catches read-only mounts, ``/proc`` and permission rules alike), then compares the free
space with what the write needs. The probe is removed at once: nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from alusim.errors import InputError

PROBE_PREFIX = ".alusim-probe-"
#: space an output folder needs beyond the per-path data (report with plotly inlined, summaries)
OUTPUT_BASE_BYTES = 16 * 2**20


def _nearest_existing(path: Path) -> Path:
    current = path
    while not os.path.lexists(current):
        if current.parent == current:
            break
        current = current.parent
    return current


def check_writable_dir(path: Path | str, where: str, need_bytes: int = OUTPUT_BASE_BYTES,
                       names: tuple[str, ...] = ()) -> None:
    """Refuse (with :class:`InputError` naming ``where``) a folder that cannot be created or written,
    whose file system has less than ``need_bytes`` free, or where one of the file ``names`` to be
    written is a folder."""
    path = Path(path)
    if os.path.lexists(path) and not path.is_dir():
        raise InputError(f"{path} exists and is not a folder", where=where, fix="give a folder path")
    for name in names:
        if (path / name).is_dir():
            raise InputError(f"{path / name} is a folder, so the file {name} cannot be written", where=where,
                             fix="choose another output folder")
    anchor = _nearest_existing(path)
    if not anchor.is_dir():
        raise InputError(f"{anchor} is a file, so {path} cannot be created", where=where,
                         fix="give a path whose parents are folders")
    try:
        fd, probe = tempfile.mkstemp(dir=anchor, prefix=PROBE_PREFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"cannot write in {anchor} ({exc.strerror or type(exc).__name__})", where=where,
                         fix="choose a folder you can write to") from None
    try:
        free = shutil.disk_usage(anchor).free
    except OSError:
        return
    if free < need_bytes:
        raise InputError(f"{anchor} has {free / 1e6:,.1f} MB free; the output needs about {need_bytes / 1e6:,.1f} MB",
                         where=where, fix="free space or choose another folder")


def check_writable_file(path: Path | str, where: str, need_bytes: int = OUTPUT_BASE_BYTES) -> None:
    """Like :func:`check_writable_dir` for a single file (its folder is checked; the file itself must
    not be a folder)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder", where=where, fix="give a file name")
    check_writable_dir(path.parent, where, need_bytes)


def run_store_bytes(paths: int, months: int) -> int:
    """Space a stored run needs: ~3 bytes per value of the eight per-path series in three regions
    (float32 with byte-stream split and zstd), plus the summaries and report."""
    return OUTPUT_BASE_BYTES + int(paths) * int(months) * 8 * 3 * 3
