"""What really happened: the recorded series a backtest is scored against.

Annual series come from the embedded ``history_annual.csv`` (one public source per row). The LME
monthly average comes from the World Bank Pink Sheet through the raw readers when the raw folder is
there (``--raw``, ``$ALUSIM_RAW_DIR`` or ``../shared/data/raw`` beside the repository); without it the
backtest scores annual averages only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alusim.dataset import Dataset

#: scored series: key → (simulated variable, region, history variable, history region, label, unit)
SERIES = {
    "china_production": ("production_kt", "CN", "primary_production_kt", "CN", "China primary output", "kt"),
    "world_production": ("production_kt", "WORLD", "primary_production_kt", "WORLD", "World primary output", "kt"),
    "lme_annual": ("price_lme_usd_t", "WORLD", "lme_price_usd_t", "WORLD", "LME annual average", "USD/t"),
    "shfe_annual": ("price_shfe_cny_t", "CN", "shfe_price_cny_t", "CN", "SHFE annual average", "CNY/t"),
    "china_net_exports": ("net_exports_kt", "CN", None, "CN", "China net exports (primary + semis)", "kt"),
    "china_exports": ("exports_semis_kt", "CN", "exports_semis_kt", "CN",
                      "China exports of unwrought aluminium and products", "kt"),
    "china_imports": ("imports_primary_kt", "CN", "imports_primary_kt", "CN", "China primary imports", "kt"),
    "china_demand": ("demand_kt", "CN", None, "CN", "China demand (total metal)", "kt"),
    "china_secondary": ("secondary_production_kt", "CN", "secondary_production_kt", "CN",
                        "China recycled output", "kt"),
}


#: monthly series scored against the monthly record: key → (simulated variable, region, record
#: variable, record region, label, unit)
MONTHLY = {
    "shfe_monthly": ("price_shfe_cny_t", "CN", "price_shfe_cny_t", "CN", "SHFE monthly average", "CNY/t"),
    "china_output_monthly": ("production_kt", "CN", "production_kt", "CN", "China output, monthly (NBS)", "kt"),
    "china_stocks_monthly": ("inventory_kt", "CN", "inventory_kt", "CN", "China social inventory, month-end", "kt"),
    "china_imports_monthly": ("imports_primary_kt", "CN", "imports_primary_kt", "CN", "China primary imports, monthly",
                              "kt"),
    "china_exports_monthly": ("exports_semis_kt", "CN", "exports_semis_kt", "CN",
                              "China exports of unwrought aluminium and products, monthly", "kt"),
}


@dataclass
class Actuals:
    annual: dict[str, pd.Series]           # key → value by year
    lme_monthly: pd.Series | None          # USD/t by month (Period): World Bank via the raw reader, else the record
    lme_monthly_source: str
    history: object = None                 # the monthly record cube (Dataset.history), for monthly charts
    monthly: dict[str, pd.Series] | None = None    # key of MONTHLY → recorded values by month (Period)


def default_raw_dir() -> Path | None:
    """``$ALUSIM_RAW_DIR``, else ``shared/data/raw`` beside the working directory or the repository."""
    env = os.environ.get("ALUSIM_RAW_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for base in (Path.cwd(), *Path.cwd().parents[:2], *here.parents[:5]):
        candidate = base.parent / "shared" / "data" / "raw"
        if (candidate / "worldbank_pinksheet").is_dir():
            return candidate
    return None


def net_exports(dataset: Dataset) -> pd.Series:
    """China's net exports of primary metal plus semis (kt) by year (:func:`alusim.demand.record.net_exports_kt`)."""
    from alusim.demand.record import net_exports_kt

    return net_exports_kt(dataset)


def load_actuals(dataset: Dataset, raw_dir: Path | None = None) -> Actuals:
    from alusim.demand.record import apparent_consumption_kt, recorded

    computed = {"china_net_exports": lambda: net_exports(dataset),
                "china_demand": lambda: apparent_consumption_kt(dataset)["consumption"]}
    annual = {}
    for key, (simulated, _, variable, region, _, _) in SERIES.items():
        # the monthly record where it has the year (twelve months or a published annual figure), the
        # annual table for the rest; IAI output first (one basis over the whole record)
        annual[key] = computed[key]() if variable is None else recorded(dataset, simulated, region)
    monthly, source = _record_monthly(dataset, "price_lme_usd_t", "WORLD"), \
        "history_monthly.csv (LME monthly averages as compiled; no raw folder)"
    if raw_dir is not None and (Path(raw_dir) / "worldbank_pinksheet").is_dir():
        from alusim.raw.worldbank import lme_aluminium_monthly

        frame = lme_aluminium_monthly(Path(raw_dir))
        monthly = pd.Series(frame["price_usd_t"].to_numpy(float),
                            index=pd.PeriodIndex(frame["month"], freq="M"), name="lme_usd_t")
        source = f"World Bank Pink Sheet, monthly ({Path(raw_dir) / 'worldbank_pinksheet'})"
    others = {key: _record_monthly(dataset, variable, region)
              for key, (_, _, variable, region, _, _) in MONTHLY.items()}
    return Actuals(annual=annual, lme_monthly=monthly if len(monthly) else None, lme_monthly_source=source,
                   history=dataset.history, monthly=others)


def _record_monthly(dataset: Dataset, variable: str, region: str) -> pd.Series:
    """Recorded monthly values (Period index), NaN months dropped; empty when the record has none.
    A price keeps its month averages only: a single-day quote (``point``) or a month-end close is not
    scored against a simulated month average (:data:`alusim.dataset.history.PRICE_PREFIXES`)."""
    from alusim.dataset.history import is_price, monthly_rows

    cube = dataset.history
    if variable not in cube["variable"].values or region not in cube["region"].values:
        return pd.Series(dtype=float)
    values = cube.sel(variable=variable, region=region).to_series().dropna()
    values.index = pd.PeriodIndex(values.index, freq="M")
    if is_price(variable) and len(values):
        table = dataset.history_monthly
        rows = monthly_rows(table[(table["variable"] == variable) & (table["region"] == region)])
        averages = pd.PeriodIndex(rows.loc[rows["basis"] == "month_average", "month"], freq="M")
        values = values[values.index.isin(averages)]
    return values.astype(float)
