"""Locked access to the run catalog (``catalog.duckdb``): open, run one transaction, close, and retry
lock conflicts between processes (and write conflicts between threads) with jittered backoff.

The catalog is only an index of the run folders (their manifests are the source of truth). A
catalog that DuckDB reports as corrupt (not a database, a bad checksum, truncated) is moved aside
with its write-ahead log and rebuilt on the spot; the callers' reconcile step then fills it again from
the manifests. :func:`discard_catalog` does the same on request (``alusim runs repair``)."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from alusim.store.records import _ensure_schema, _first_line, _is_busy


class CatalogUnavailable(Exception):
    """The catalog stayed locked (or broken) past the timeout."""


#: words of DuckDB errors that mean the file is damaged (not merely locked or unreadable)
_CORRUPT = ("not a valid duckdb database", "corrupt", "checksum", "could not read enough bytes", "serialization")


def is_corrupt(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(word in text for word in _CORRUPT)


def discard_catalog(path: Path) -> None:
    """Move the catalog file and its write-ahead log aside (``catalog.duckdb.corrupt``, replacing an
    earlier one): nothing is deleted, in case the file was not alusim's."""
    for victim in (path, path.with_name(path.name + ".wal")):
        try:
            os.replace(victim, victim.with_name(victim.name.replace(path.name, path.name + ".corrupt", 1)))
        except FileNotFoundError:
            pass


def with_catalog(path: Path, fn: Callable[[duckdb.DuckDBPyConnection], Any], timeout: float) -> Any:
    """Open the catalog at ``path`` read-write, ensure the schema, run ``fn(con)`` in a transaction,
    close. Retries until ``timeout`` seconds, then raises :class:`CatalogUnavailable`; a corrupt
    catalog is discarded and rebuilt once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.01
    repaired = False
    while True:
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            if is_corrupt(exc) and not repaired:
                discard_catalog(path)
                repaired = True
                continue
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise CatalogUnavailable(_first_line(exc)) from exc
        else:
            try:
                _ensure_schema(con)
                con.execute("BEGIN TRANSACTION")
                value = fn(con)
                con.execute("COMMIT")
                return value
            except duckdb.Error as exc:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                if is_corrupt(exc) and not repaired:
                    con.close()
                    discard_catalog(path)
                    repaired = True
                    continue
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise CatalogUnavailable(_first_line(exc)) from exc
            finally:
                con.close()
        time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) * random.uniform(0.5, 1.5))
        delay = min(delay * 2, 0.25)
