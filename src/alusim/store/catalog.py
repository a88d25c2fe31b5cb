"""Locked access to the run catalog (``catalog.duckdb``): open, run one transaction, close, and retry
lock conflicts between processes (and write conflicts between threads) with jittered backoff."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from alusim.store.records import _ensure_schema, _first_line, _is_busy


class CatalogUnavailable(Exception):
    """The catalog stayed locked (or broken) past the timeout."""


def with_catalog(path: Path, fn: Callable[[duckdb.DuckDBPyConnection], Any], timeout: float) -> Any:
    """Open the catalog at ``path`` read-write, ensure the schema, run ``fn(con)`` in a transaction,
    close. Retries until ``timeout`` seconds, then raises :class:`CatalogUnavailable`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
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
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise CatalogUnavailable(_first_line(exc)) from exc
            finally:
                con.close()
        time.sleep(min(delay, max(deadline - time.monotonic(), 0.0)) * random.uniform(0.5, 1.5))
        delay = min(delay * 2, 0.25)
