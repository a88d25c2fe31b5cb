"""Reading results for the dashboard, generically: whatever variables, regions and years a stored run
holds appear, with no list of them here.

Queries go through a DuckDB cursor over the run's Parquet files (one cursor per browser session; the
catalog file is never opened, so the page never blocks a writer). Paired differences are taken per
Monte Carlo path from ``paths.parquet``: both runs must share seed, paths and months.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from alusim.engine.result import FLOW_VARIABLES, STOCK_VARIABLES
from alusim.errors import InputError


def read_parquet(cursor: duckdb.DuckDBPyConnection, path: Path, where: str = "", params: list | None = None
                 ) -> pd.DataFrame:
    sql = f"SELECT * FROM read_parquet(?){' WHERE ' + where if where else ''}"
    return cursor.execute(sql, [str(path), *(params or [])]).df()


def summary(cursor, run_dir: Path, freq: str = "M") -> pd.DataFrame:
    """A stored run's summary (``M`` monthly or ``Y`` annual): ``variable, region, month, mean, p05, p50, p95``."""
    name = "summary.parquet" if freq == "M" else "summary_annual.parquet"
    return read_parquet(cursor, run_dir / name)


def quarterly(monthly: pd.DataFrame) -> pd.DataFrame:
    """Quarterly medians from a monthly summary: flows summed, stocks at quarter end, the rest averaged
    (the percentiles of a quarter are approximated by aggregating the monthly percentiles)."""
    frame = monthly.copy()
    period = pd.PeriodIndex(frame["month"].astype(str), freq="M").asfreq("Q")
    frame["quarter"] = period.astype(str)
    value_cols = ["mean", "p05", "p50", "p95"]
    parts = []
    for variable, rows in frame.groupby("variable", sort=False):
        grouped = rows.groupby(["region", "quarter"], sort=True)[value_cols]
        if variable in FLOW_VARIABLES:
            agg = grouped.sum()
        elif variable in STOCK_VARIABLES:
            agg = grouped.last()
        else:
            agg = grouped.mean()
        parts.append(agg.reset_index().assign(variable=variable))
    out = pd.concat(parts, ignore_index=True)
    return out[["variable", "region", "quarter", *value_cols]]


def series(table: pd.DataFrame, variable: str, region: str, time: str = "month") -> pd.DataFrame:
    rows = table[(table["variable"] == variable) & (table["region"] == region)].sort_values(time)
    return rows.reset_index(drop=True)


def variables_regions(table: pd.DataFrame) -> dict[str, list[str]]:
    """Variable → regions with data, in the order the run wrote them."""
    clean = table.dropna(subset=["p50"])
    return {v: list(dict.fromkeys(rows["region"])) for v, rows in clean.groupby("variable", sort=False)}


def history_table(dataset) -> pd.DataFrame | None:
    """Recorded annual history (``year, variable, region, value, unit``) from whichever table the dataset
    has (``history_annual`` or ``history``); None when it has neither."""
    for name in ("history_annual", "history"):
        value = getattr(dataset, name, None)
        if isinstance(value, pd.DataFrame) and {"year", "variable", "region", "value"} <= set(value.columns):
            return value
    return None


#: simulated variable → recorded history variable, where the names differ (read from the dataset's
#: history table: a variable missing there simply draws no history)
HISTORY_NAMES = {"price_lme_usd_t": "lme_price_usd_t", "price_shfe_cny_t": "shfe_price_cny_t",
                 "production_kt": "primary_production_kt", "consumption_kt": "consumption_primary_kt",
                 "net_exports_kt": "net_exports_primary_kt"}


def history_for(dataset, variable: str, region: str) -> pd.DataFrame:
    """Recorded annual values of a simulated variable (``year, value, unit, source``), maybe empty."""
    table = history_table(dataset)
    if table is None:
        return pd.DataFrame(columns=["year", "value", "unit", "source"])
    name = HISTORY_NAMES.get(variable, variable)
    rows = table[(table["variable"] == name) & (table["region"] == region)]
    keep = [c for c in ("year", "value", "unit", "source") if c in rows.columns]
    return rows[keep].sort_values("year").reset_index(drop=True)


def _annual_per_path(paths: pd.DataFrame) -> pd.DataFrame:
    """Per path, variable, region and year: flows summed, stocks at year end, the rest averaged."""
    frame = paths.copy()
    frame["year"] = pd.to_datetime(frame["month"]).dt.year
    frame = frame.sort_values("month")
    keys = ["variable", "region", "path", "year"]
    grouped = frame.groupby(keys, sort=False, observed=True)["value"]
    summed, last, mean = grouped.sum(), grouped.last(), grouped.mean()
    variable = summed.index.get_level_values("variable").astype(str)
    value = np.where(variable.isin(FLOW_VARIABLES), summed.to_numpy(),
                     np.where(variable.isin(STOCK_VARIABLES), last.to_numpy(), mean.to_numpy()))
    return pd.DataFrame({"value": value}, index=summed.index).reset_index()


def paired_differences(cursor, dir_a: Path, dir_b: Path, manifest_a: dict, manifest_b: dict) -> pd.DataFrame:
    """Annual paired differences B − A per path (``variable, region, year, diff_p05, diff_p50, diff_p95,
    a_p50, b_p50``) for every variable both runs stored per path."""
    for key in ("seed", "paths", "start", "end"):
        if manifest_a.get(key) != manifest_b.get(key):
            raise InputError(f"runs differ in {key} ({manifest_a.get(key)} vs {manifest_b.get(key)}): paths cannot "
                             "be paired", where="compare", fix="compare runs made with the same seed, paths and period")
    a = _annual_per_path(read_parquet(cursor, dir_a / "paths.parquet"))
    b = _annual_per_path(read_parquet(cursor, dir_b / "paths.parquet"))
    for frame in (a, b):
        frame["variable"] = frame["variable"].astype(str)
        frame["region"] = frame["region"].astype(str)
    both = a.merge(b, on=["variable", "region", "path", "year"], suffixes=("_a", "_b"))
    both["diff"] = both["value_b"] - both["value_a"]
    grouped = both.groupby(["variable", "region", "year"], sort=False)
    out = grouped.agg(diff_p05=("diff", lambda s: s.quantile(0.05)), diff_p50=("diff", "median"),
                      diff_p95=("diff", lambda s: s.quantile(0.95)), a_p50=("value_a", "median"),
                      b_p50=("value_b", "median")).reset_index()
    return out.dropna(subset=["diff_p50"])


def project_tracker(assets: pd.DataFrame) -> pd.DataFrame:
    """Which plant starts, restarts, grows, cuts or closes, and when: per asset, the first year its
    median output moves by more than 10 % of capacity from the year before, and its end state.

    Reads the stored ``assets`` table (per asset and year); columns it lacks are skipped.
    """
    needed = {"asset_id", "year", "capacity_kt", "production_p50_kt"}
    if not needed <= set(assets.columns):
        return pd.DataFrame()
    rows = []
    states = [c for c in assets.columns if c.startswith("share_paths_") and c.endswith("_at_end")]
    for asset_id, frame in assets.sort_values("year").groupby("asset_id", sort=False):
        output = frame["production_p50_kt"].to_numpy(float)
        capacity = max(float(frame["capacity_kt"].iloc[0]), 1e-9)
        steps = np.diff(output) / capacity
        if not len(steps) or np.abs(steps).max() < 0.10:
            continue
        i = int(np.argmax(np.abs(steps) >= 0.10))
        first = output[0]
        if steps[i] > 0:
            change = "starts" if first < 0.05 * capacity else "ramps up / restarts"
        else:
            change = "closes or idles" if output[i + 1] < 0.05 * capacity else "cuts output"
        end = frame.iloc[-1]
        end_state = max(states, key=lambda c: end[c]).removeprefix("share_paths_").removesuffix("_at_end") if states \
            else ""
        rows.append({"asset_id": asset_id, "name": end.get("name", ""), "owner": end.get("owner", ""),
                     "country": end.get("country", ""), "province": end.get("province", ""),
                     "change": change, "year": int(frame["year"].iloc[i + 1]), "capacity_kt": capacity,
                     "output_before_kt": float(output[i]), "output_after_kt": float(output[i + 1]),
                     "likeliest_end_state": end_state})
    columns = ["year", "change", "asset_id", "name", "owner", "country", "province", "capacity_kt",
               "output_before_kt", "output_after_kt", "likeliest_end_state"]
    return pd.DataFrame(rows, columns=columns).sort_values(["year", "change", "asset_id"]).reset_index(drop=True)


def output_by(assets: pd.DataFrame, level: str, country: str | None = None) -> pd.DataFrame:
    """Median output and operating rate per year by ``level`` (country, province, owner, power_source…),
    from the stored per-asset table (sums of asset medians, an approximation of the median sum)."""
    frame = assets if country is None else assets[assets["country"] == country]
    if level not in frame.columns:
        raise InputError(f"the run's asset table has no column {level!r}", where="group by",
                         fix="choose one of " + ", ".join(c for c in frame.columns if frame[c].dtype == object))
    grouped = frame.groupby([level, "year"], sort=True)[["production_p50_kt", "capacity_kt"]].sum().reset_index()
    grouped["operating_rate"] = grouped["production_p50_kt"] / grouped["capacity_kt"].where(grouped["capacity_kt"] > 0)
    return grouped


BALANCE_ITEMS = ("production_kt", "secondary_production_kt", "consumption_kt", "net_exports_kt", "inventory_kt",
                 "stock_days")


def balance(table: pd.DataFrame, region: str, time: str = "month") -> pd.DataFrame:
    """Medians of the balance items per period for one region, with ``surplus_kt`` = primary +
    secondary − consumption − net exports (a sum of medians: the parts' medians need not add up to
    the median of the sum)."""
    rows = table[(table["region"] == region) & table["variable"].isin(BALANCE_ITEMS)]
    wide = rows.pivot_table(index=time, columns="variable", values="p50", aggfunc="first").reset_index()
    for item in BALANCE_ITEMS:
        if item not in wide.columns:
            wide[item] = 0.0 if item.endswith("_kt") else np.nan
    wide["surplus_kt"] = (wide["production_kt"] + wide["secondary_production_kt"] - wide["consumption_kt"]
                          - wide["net_exports_kt"].fillna(0.0))
    return wide[[time, *BALANCE_ITEMS, "surplus_kt"]]
