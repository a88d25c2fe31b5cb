"""Write a table to the format its file name asks for (.csv, .parquet, .xlsx), whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from alusim.errors import InputError

FORMATS = (".csv", ".parquet", ".xlsx")


def check_table_path(path: Path, option: str = "--out") -> Path:
    """Refuse, before any work, a file name whose format is unknown or whose folder is missing."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(f"unknown file format {path.suffix or '(none)'!r}", where=f"{option} {path}",
                         fix=f"end the file name with {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise InputError("folder does not exist", where=f"{option} {path}", fix="create the folder first")
    return path


def write_frame(frame: pd.DataFrame, path: Path, sheet: str = "data") -> Path:
    """Write ``frame`` to ``path`` through a temporary file beside it, renamed into place."""
    path = check_table_path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
