"""Write a directory of files so that it appears whole or not at all.

Every file is written into a fresh temporary directory beside the target (same filesystem) and
fsynced; only when all of them exist is anything moved into place:

* target missing → one ``os.rename`` of the temporary directory (atomic on POSIX);
* target present (e.g. a user's ``--out DIR``) → each named file is moved over its old version with
  ``os.replace``; files in the target that are not named are left alone.

An exception or ``KeyboardInterrupt`` while producing any file leaves the target exactly as it was
and removes the temporary directory.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alusim.errors import InputError

#: temporary directories start with this; stale ones (older than STALE_AFTER_S) are removed
TMP_PREFIX = ".alusim-tmp-"
STALE_AFTER_S = 3600.0

FileContent = bytes | str | Callable[[Path], None]


def write_dir_atomically(target: Path | str, files: Mapping[str, FileContent], *,
                         replace: bool = True) -> Path:
    """Write ``files`` (name → bytes, text or a ``writer(path)`` callable) into directory ``target``.

    A callable is called with the destination path inside the temporary directory and must create
    that file (Parquet, HTML writers…); files are written in the mapping's order, so a writer can
    inspect the files written before it. With ``replace=False`` an existing target raises
    :class:`FileExistsError` and nothing is written. Returns ``target``.
    """
    with staged_dir(target, files, replace=replace) as staged:
        return staged.commit()


@dataclass
class StagedDir:
    """Files written and fsynced into ``path`` (a temporary folder beside ``target``), not yet visible.

    :meth:`commit` moves them into place; leaving :func:`staged_dir` without committing removes them,
    which lets a caller make two writes one transaction (the output folder and the stored run)."""

    target: Path
    path: Path
    names: tuple[str, ...]
    replace: bool

    def commit(self) -> Path:
        target, tmp = self.target, self.path
        if _rename_new(tmp, target):
            _fsync_dir(target.parent)
            return target
        if not self.replace:
            raise FileExistsError(errno.EEXIST, "directory exists", str(target))
        _check_not_dirs(target, self.names)
        for name in self.names:
            os.replace(tmp / name, target / name)
        _fsync_dir(target)
        return target


@contextmanager
def staged_dir(target: Path | str, files: Mapping[str, FileContent], *, replace: bool = True) -> Iterator[StagedDir]:
    """Write ``files`` into a temporary folder beside ``target`` and yield a :class:`StagedDir`;
    whatever is not committed when the block ends is removed (see :func:`write_dir_atomically`)."""
    target = Path(target)
    _check_names(files)
    parent = target.parent
    if target.exists():
        if not target.is_dir():
            raise InputError(f"{target} exists and is not a directory", where=str(target),
                             fix="give a directory path (it is created if missing)")
        if not replace:
            raise FileExistsError(errno.EEXIST, "directory exists", str(target))
        _check_not_dirs(target, files)
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent)
    tmp = _make_tmp(parent, target.name)
    try:
        for name, content in files.items():
            _write_content(tmp / name, content, name)
        _fsync_dir(tmp)
        yield StagedDir(target, tmp, tuple(files), replace)
    finally:
        if os.path.lexists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def _write_content(dest: Path, content: FileContent, name: str) -> None:
    if callable(content):
        content(dest)
        if not dest.is_file():
            raise FileNotFoundError(errno.ENOENT, f"the writer for {name!r} did not create it", str(dest))
        _fsync_file(dest)
        return
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    with open(dest, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def clean_stale(parent: Path, prefixes: tuple[str, ...] = (TMP_PREFIX,),
                max_age_s: float = STALE_AFTER_S) -> int:
    """Remove directories in ``parent`` whose names start with one of ``prefixes`` and that were last
    modified more than ``max_age_s`` ago (left by a killed process). Returns how many were removed."""
    removed = 0
    cutoff = time.time() - max_age_s
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(prefixes):
            continue
        try:
            if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


# -- helpers ---------------------------------------------------------------------------------------
def _check_names(files: Mapping[str, object]) -> None:
    if not files:
        raise ValueError("write_dir_atomically needs at least one file")
    for name in files:
        if (not isinstance(name, str) or not name or name in (".", "..") or "/" in name or "\\" in name
                or name.startswith(TMP_PREFIX)):
            raise ValueError(f"bad file name {name!r}: give a plain file name without directories")


def _check_not_dirs(target: Path, files: Mapping[str, object] | tuple[str, ...]) -> None:
    for name in files:
        if (target / name).is_dir():
            raise InputError(f"{target / name} is a directory, cannot write a file there", where=str(target),
                             fix=f"remove or rename the directory {name!r}, or choose another output directory")


def _make_tmp(parent: Path, name: str) -> Path:
    while True:
        tmp = parent / f"{TMP_PREFIX}{name}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            os.mkdir(tmp)  # honours the umask, unlike tempfile.mkdtemp (0700)
            return tmp
        except FileExistsError:
            continue


def _rename_new(tmp: Path, target: Path) -> bool:
    """Move ``tmp`` to ``target`` if the target does not exist; False if it does (or appeared)."""
    if os.path.lexists(target):
        return False
    try:
        os.rename(tmp, target)
        return True
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR) or os.path.lexists(target):
            return False
        raise


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file_atomically(target: Path | str, content: FileContent) -> Path:
    """Write one file whole or not at all: a temporary file beside it (same folder, never its
    grandparent), then an atomic rename. ``content`` is text, bytes or a ``writer(path)``."""
    target = Path(target)
    if target.is_dir():
        raise InputError("is a folder, cannot write a file there", where=str(target), fix="give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix or ".tmp")
    os.close(fd)
    try:
        _write_content(Path(tmp), content, target.name)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
