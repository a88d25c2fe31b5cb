"""Shared checked-I/O helpers for the raw-data readers.

Every failure (missing folder or file, unreadable CSV, missing column, unparseable number) becomes one
:class:`alusim.errors.InputError` that names the file and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from alusim.errors import InputError

#: Tokens that mean "not available" in the raw files (World Bank "..", "…", "...", USGS "NA", blanks).
NA_TOKENS: frozenset[str] = frozenset({"", "..", "...", "…", "NA", "N/A", "n/a", "nan", "NaN", "-"})

FIX_RAW = "restore the file from the shared raw-data folder (see its SOURCE.md) or point ALUSIM_RAW_DIR at it"


def require_dir(raw_dir: Path, folder: str) -> Path:
    """``raw_dir / folder``, or InputError if it is not a directory."""
    path = Path(raw_dir) / folder
    if not path.is_dir():
        raise InputError("raw-data folder not found", where=str(path), fix=FIX_RAW)
    return path


def require_file(raw_dir: Path, folder: str, name: str) -> Path:
    """``raw_dir / folder / name``, or InputError if the folder or file is missing."""
    path = require_dir(raw_dir, folder) / name
    if not path.is_file():
        raise InputError("raw-data file not found", where=str(path), fix=FIX_RAW)
    return path


def read_csv_checked(path: Path, required: Iterable[str], **kwargs) -> pd.DataFrame:
    """Read a CSV as strings (no NA guessing) and check that every ``required`` column is present."""
    options = {"dtype": str, "keep_default_na": False, "encoding": "utf-8-sig"}
    options.update(kwargs)
    try:
        frame = pd.read_csv(path, **options)
    except FileNotFoundError as exc:
        raise InputError("raw-data file not found", where=str(path), fix=FIX_RAW) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot parse CSV ({reason})", where=str(path), fix=FIX_RAW) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(frame, required, path)
    return frame


def require_columns(frame: pd.DataFrame, required: Iterable[str], path: Path) -> None:
    """InputError naming the file and the first missing columns unless all ``required`` are present."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing[:5])
        raise InputError(f"missing expected column(s) {shown}", where=str(path), fix=FIX_RAW)


def to_number(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse a string column to float; NA tokens become NaN, anything else unparseable is an InputError."""
    text = values.astype(str).str.strip()
    text = text.where(~text.isin(NA_TOKENS), None)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"column {column!r} has an unparseable number {text[bad].iloc[0]!r} (data row {row + 1})",
            where=str(path),
            fix=FIX_RAW,
        )
    return numbers.astype("float64")


def to_year(values: pd.Series, path: Path, column: str, *, allow_na: bool = False) -> pd.Series:
    """Parse a year column ("2017", "2017.0") to int64, or nullable Int64 if ``allow_na``."""
    numbers = to_number(values, path, column)
    if not allow_na and numbers.isna().any():
        raise InputError(f"column {column!r} has an empty year", where=str(path), fix=FIX_RAW)
    if ((numbers.dropna() % 1) != 0).any():
        raise InputError(f"column {column!r} has a non-integer year", where=str(path), fix=FIX_RAW)
    return numbers.round().astype("Int64" if allow_na else "int64")


def clean_text(values: pd.Series) -> pd.Series:
    """Strip whitespace; keep empty strings as empty (not NaN) so text columns stay plain strings."""
    return values.fillna("").astype(str).str.strip()
