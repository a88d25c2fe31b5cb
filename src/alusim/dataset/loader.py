"""Read the dataset tables from CSV files and validate them: the file adapter of the dataset.

Every failure becomes an :class:`~alusim.errors.InputError` whose one line names the file, the CSV
line and the column, so that ``alusim data validate`` and every command that loads data can report it
and exit with code 2.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from alusim.dataset.history import check_history
from alusim.dataset.paths import default_data_dir
from alusim.dataset.schemas import OPTIONAL_TABLES, TABLES
from alusim.demand.drivers import check_drivers
from alusim.errors import InputError

BOOL_COLUMNS = ("alumina_integrated", "compliant")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


#: largest table file read (bytes); the embedded tables are below 200 kB each
MAX_TABLE_BYTES = 100_000_000


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError("file not found", where=str(path),
                         fix="restore the file or point --data at a folder holding every table of docs/data-model.md")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError(f"{path.stat().st_size:,} bytes, more than the {MAX_TABLE_BYTES:,} a table may have",
                         where=str(path), fix="check that this is the right file")
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])  # "NA" is North America
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"malformed CSV ({first})", where=str(path),
                         fix="check quoting and the number of fields on that line") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _coerce_bools(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    for column in BOOL_COLUMNS:
        if column not in frame.columns:
            continue
        text = frame[column].astype("string").str.strip().str.lower()
        bad = ~text.isin(_TRUE | _FALSE)
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(f"line {row + 2} column {column}: {frame[column].iloc[row]!r} is not true/false",
                             where=str(path), fix="write true or false")
        frame[column] = text.isin(_TRUE).astype(bool)
    return frame


_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def numeric_columns(schema) -> list[str]:
    """The columns a table schema declares as numbers (int or float)."""
    return [name for name, column in schema.to_schema().columns.items()
            if str(column.dtype).lower().startswith(("float", "int"))]


def _refuse_non_finite(frame: pd.DataFrame, schema, path: Path) -> None:
    """NaN and ±inf written into a numeric column are refused (an empty cell is the only "no value")."""
    for column in numeric_columns(schema):
        if column not in frame.columns:
            continue
        text = frame[column].astype("string").str.strip().str.lower()
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = text.isin(_NON_FINITE).fillna(False).to_numpy() | np.isinf(numbers.to_numpy(dtype=float))
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise InputError(f"line {row + 2} column {column}: {frame[column].iloc[row]!r} is not a finite number",
                             where=str(path), fix="write a finite number, or leave the cell empty where allowed")


def _first_failure(exc: pandera.errors.SchemaErrors | pandera.errors.SchemaError, path: Path) -> InputError:
    cases = getattr(exc, "failure_cases", None)
    if isinstance(cases, pd.DataFrame) and len(cases):
        case = cases.iloc[0]
        column = case.get("column")
        check = case.get("check")
        index = case.get("index")
        value = case.get("failure_case")
        line = f"line {int(index) + 2} " if pd.notna(index) else ""
        col = f"column {column}: " if isinstance(column, str) and column else ""
        more = f" (+{len(cases) - 1} more)" if len(cases) > 1 else ""
        return InputError(f"{line}{col}check {check} failed for value {value!r}{more}", where=str(path),
                          fix="correct the value to match docs/data-model.md")
    first = str(exc).strip().splitlines()[0]
    return InputError(first, where=str(path), fix="correct the table to match docs/data-model.md")


def read_table(path: Path) -> pd.DataFrame:
    """Read and validate one dataset table; the schema is chosen by the file name."""
    from alusim.dataset.alumina_tables import ALUMINA_TABLES
    from alusim.dataset.region_tables import REGION_TABLES

    schema = (TABLES.get(path.name) or OPTIONAL_TABLES.get(path.name) or REGION_TABLES.get(path.name, (None, None))[1]
              or ALUMINA_TABLES.get(path.name, (None, None))[1])
    if schema is None:
        raise InputError("not a dataset table", where=str(path),
                         fix=f"use one of {', '.join([*TABLES, *OPTIONAL_TABLES, *REGION_TABLES, *ALUMINA_TABLES])}")
    frame = _coerce_bools(_read_csv(path), path)
    _refuse_non_finite(frame, schema, path)
    try:
        return schema.validate(frame, lazy=True)
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError) as exc:
        raise _first_failure(exc, path) from None


def read_tables(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """All tables of a dataset folder, validated, keyed by file stem; smelters are combined."""
    folder = Path(folder) if folder is not None else default_data_dir()
    if not folder.is_dir():
        raise InputError("dataset folder not found", where=str(folder),
                         fix="pass an existing folder to --data, or leave it out for the embedded data")
    tables = {name: read_table(folder / name) for name in TABLES}
    smelters = pd.concat([tables.pop("smelters_cn.csv"), tables.pop("smelters_row.csv")], ignore_index=True)
    duplicated = smelters["asset_id"][smelters["asset_id"].duplicated()]
    if len(duplicated):
        raise InputError(f"asset_id {duplicated.iloc[0]!r} appears in both smelter tables", where=str(folder),
                         fix="give every asset a unique asset_id")
    check_replacements(smelters, folder)
    cause = smelters["curtailment_cause"] if "curtailment_cause" in smelters else pd.Series(index=smelters.index,
                                                                                          dtype=object)
    smelters["curtailment_cause"] = cause.fillna("economic").replace("", "economic")
    check_drivers(tables["drivers.csv"], str(folder / "drivers.csv"))
    out = {"smelters": smelters}
    out.update({Path(name).stem: frame for name, frame in tables.items()})
    out.update(read_history_tables(folder, set(smelters["asset_id"])))
    from alusim.dataset.region_tables import read_region_tables

    out.update(read_region_tables(folder))
    from alusim.dataset.alumina_tables import read_alumina_tables

    out.update(read_alumina_tables(folder, set(smelters["asset_id"]) | set(out["retired"]["asset_id"])))
    return out


def check_replacements(smelters: pd.DataFrame, folder: Path) -> None:
    """A ``replaces`` entry (a relocation) belongs to a planned or under-construction project and names
    one built plant of the same country, replaced by no other project."""
    from alusim.dataset.dataset import BUILT_STATUSES

    if "replaces" not in smelters.columns:
        return
    where = str(folder / "smelters_cn.csv")
    ids = smelters["asset_id"].astype(str)
    seen: set[str] = set()
    for i, value in smelters["replaces"].items():
        if pd.isna(value) or not str(value).strip():
            continue
        target, row = str(value).strip(), smelters.loc[i]
        fix = "give replaces only to a planned or construction project, naming a built plant's asset_id"
        if row["status"] not in ("planned", "construction"):
            raise InputError(f"asset {row['asset_id']!r} is {row['status']} but has replaces={target!r}",
                             where=where, fix=fix)
        hit = smelters[ids == target]
        if not len(hit):
            raise InputError(f"asset {row['asset_id']!r} replaces {target!r}, which is in no smelter table",
                             where=where, fix=fix)
        if hit["status"].iloc[0] not in BUILT_STATUSES or hit["country"].iloc[0] != row["country"]:
            raise InputError(f"asset {row['asset_id']!r} replaces {target!r}, which is not a built plant of "
                             f"{row['country']}", where=where, fix=fix)
        if target in seen:
            raise InputError(f"{target!r} is replaced by two projects", where=where,
                             fix="let one project take over a plant's quota; split the plant if two do")
        seen.add(target)


def read_history_tables(folder: Path, asset_ids: set[str]) -> dict[str, pd.DataFrame]:
    """The optional history tables (retired plants, capacity histories), empty when absent.

    Retired ids must not repeat today's; capacity histories must name a known asset."""
    from alusim.dataset.dataset import empty_history_tables

    out = empty_history_tables()
    for name, key in (("smelters_retired.csv", "retired"), ("capacity_history.csv", "capacity_history"),
                      ("history_monthly.csv", "history_monthly")):
        if (folder / name).is_file():
            out[key] = read_table(folder / name)
    check_history(out["history_monthly"], str(folder / "history_monthly.csv"))
    clash = out["retired"]["asset_id"][out["retired"]["asset_id"].isin(asset_ids)]
    if len(clash):
        raise InputError(f"asset_id {clash.iloc[0]!r} is in a smelter table and in smelters_retired.csv",
                         where=str(folder / "smelters_retired.csv"), fix="keep each plant in one table")
    known = asset_ids | set(out["retired"]["asset_id"])
    unknown = out["capacity_history"][~out["capacity_history"]["asset_id"].isin(known)]
    if len(unknown):
        line = int(unknown.index[0]) + 2
        raise InputError(f"line {line} column asset_id: {unknown['asset_id'].iloc[0]!r} is in no smelter table",
                         where=str(folder / "capacity_history.csv"), fix="use an asset_id of smelters_*.csv")
    return out
