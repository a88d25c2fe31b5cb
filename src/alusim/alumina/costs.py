"""Cash cost of a tonne of alumina per refinery: bauxite + caustic soda + energy + other conversion.

The build-up follows the convention of SMM's quarterly China alumina cost model and of the published
refinery cost curves (docs/data-notes/alumina.md):

* **bauxite**: ``bauxite_t_t`` (t dry bauxite per t alumina, refineries.csv) × the delivered price of
  the refinery's ore —
  * Chinese domestic ore: the province's price in ``bauxite.csv`` (``price_domestic_cny_t``, SMM and
    alcircle quotes), linear in time between quotes; provinces without a quote take the mean of those
    with one;
  * imported ore in China: the CIF China price (``price_cif_cn_usd_t``, SMM and CM Group) × an origin
    ratio (``alumina.bauxite.cif_ratio.<origin>``, default 1) × CNY/USD × (1 + import VAT), plus the haul
    from the port (``alumina.bauxite.port_to_plant_cny_t.coastal|inland``);
  * imported ore outside China: FOB (CIF China less ``alumina.bauxite.freight_to_cn_usd_t``) plus the
    freight of a shorter Atlantic or Gulf voyage (``alumina.bauxite.freight_row_usd_t``);
  * a refinery on its own or a local mine outside China: a mine cash cost
    (``alumina.bauxite.mine_cost_usd_t``);
  * ``mixed`` China plants: ``alumina.bauxite.mixed_imported_share`` imported, the rest domestic;
* **caustic**: ``caustic_t_t`` (t NaOH, 100 % basis) × ``alumina.caustic.cn_cny_t`` / ``row_usd_t``;
* **energy**: ``energy_gj_t`` × the fuel price of the refinery's place — thermal coal in China (the
  Qinhuangdao 5,500 kcal price of ``history_annual.csv`` over its energy content,
  ``alumina.coal_gj_per_t``), gas or coal elsewhere (``alumina.fuel.<region>_usd_gj``);
* **other**: labour, lime, flocculant, maintenance, residue disposal (``alumina.other.cn_cny_t`` /
  ``row_usd_t``).

Chinese refineries are costed in CNY/t (as SMM quotes them and as China's alumina price is quoted),
the rest in USD/t. Pure functions of the dataset: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError

COMPONENTS = ("bauxite", "caustic", "energy", "other")
#: provinces whose refineries sit at a deep-water port (imported ore hauled a few km)
COASTAL_PROVINCES = ("Shandong", "Hebei", "Guangxi", "Liaoning")
#: refinery states that count as built capacity (they can run or restart)
BUILT = ("operating", "curtailed", "idle")


def _decimal_year(period: str) -> float:
    """``2024`` → mid-2024, ``2024-11`` → mid-November, ``2025Q1`` / ``2025H1`` → their middle."""
    text = str(period)
    year = int(text[:4])
    if len(text) == 4:
        return year + 0.5
    if "Q" in text:
        return year + (int(text[-1]) - 0.5) / 4.0
    if "H" in text:
        return year + (int(text[-1]) - 0.5) / 2.0
    return year + (int(text[5:7]) - 0.5) / 12.0


def price_at(dataset: Dataset, quantity: str, when: float, *, origin: str | None = None,
             province: str | None = None) -> float:
    """A bauxite price of ``bauxite.csv`` at decimal year ``when``: linear between the rows that match,
    the nearest held outside them; NaN when no row matches."""
    table = dataset.bauxite
    rows = table[table["quantity"] == quantity]
    if origin is not None:
        rows = rows[rows["origin"].isin([origin] if origin != "*" else rows["origin"].unique())]
    if province is not None:
        rows = rows[rows["province"].fillna("") == province]
    if rows.empty:
        return float("nan")
    x = np.array([_decimal_year(p) for p in rows["period"]])
    y = rows["value"].to_numpy(float)
    order = np.argsort(x, kind="stable")
    return float(np.interp(when, x[order], y[order]))


def cif_china_usd_t(dataset: Dataset, when: float) -> float:
    """CIF China price of imported bauxite (USD/t): Guinea's quotes (the benchmark since 2019, ~70 % of
    China's imports in 2024) and the average import CIF of earlier years (``WORLD`` rows)."""
    value = price_at(dataset, "price_cif_cn_usd_t", when, origin="*")
    if not np.isfinite(value):
        raise InputError("no CIF China bauxite price in bauxite.csv", where="bauxite.csv",
                         fix="add a price_cif_cn_usd_t row with its source")
    return value


def coal_cny_t(dataset: Dataset, year: int) -> float:
    """Qinhuangdao 5,500 kcal thermal coal, CNY/t, the recorded annual average (nearest year held)."""
    series = dataset.annual_series("coal_price_cny_t", "CN")
    if series.empty:
        raise InputError("no coal_price_cny_t (CN) in history_annual.csv", where="history_annual.csv",
                         fix="add the annual coal price rows")
    return float(np.interp(year, series.index.to_numpy(float), series.to_numpy(float)))


def fx_cny_per_usd(dataset: Dataset, year: int) -> float:
    """CNY per USD in ``year``: the recorded annual average, else ``fx.cny_per_usd``."""
    series = dataset.annual_series("fx_cny_per_usd", "CN")
    if series.empty or year > series.index.max():
        return dataset.param_or("fx.cny_per_usd", 7.2)
    return float(np.interp(year, series.index.to_numpy(float), series.to_numpy(float)))


@dataclass(frozen=True)
class RefineryPrices:
    """The input prices of one year (delivered bauxite prices are per refinery, see :func:`cost_table`)."""

    year: int
    fx_cny_per_usd: float
    cif_cn_usd_t: float
    coal_cny_t: float
    caustic_cn_cny_t: float
    caustic_row_usd_t: float


def prices_in(dataset: Dataset, year: int, when: float | None = None) -> RefineryPrices:
    """Input prices of ``year`` (CIF bauxite at ``when``, a decimal year, default mid-year)."""
    p = dataset.param
    return RefineryPrices(year=year, fx_cny_per_usd=fx_cny_per_usd(dataset, year),
                          cif_cn_usd_t=cif_china_usd_t(dataset, year + 0.5 if when is None else when),
                          coal_cny_t=coal_cny_t(dataset, year),
                          caustic_cn_cny_t=p("alumina.caustic.cn_cny_t"),
                          caustic_row_usd_t=p("alumina.caustic.row_usd_t"))


def _domestic_cn_cny_t(dataset: Dataset, provinces: pd.Series, when: float) -> np.ndarray:
    quoted = {prov: price_at(dataset, "price_domestic_cny_t", when, origin="CN", province=prov)
              for prov in set(dataset.bauxite["province"].dropna())}
    quoted = {k: v for k, v in quoted.items() if np.isfinite(v)}
    fallback = float(np.mean(list(quoted.values()))) if quoted else float("nan")
    return np.array([quoted.get(str(prov), fallback) for prov in provinces], dtype=float)


def domestic_cn_path(dataset: Dataset, provinces: pd.Series, when: np.ndarray) -> np.ndarray:
    """(M, R) delivered price of Chinese domestic ore (CNY/t) at each decimal year of ``when`` for each
    refinery's province: linear between the province's quotes, the nearest held outside them;
    provinces without a quote take the mean of those with one (as :func:`cost_table`)."""
    table = dataset.bauxite
    rows = table[(table["quantity"] == "price_domestic_cny_t") & (table["origin"] == "CN")]
    when = np.asarray(when, float)
    paths = {}
    for prov, part in rows.groupby(rows["province"].fillna("")):
        if not prov:
            continue
        x = np.array([_decimal_year(p) for p in part["period"]])
        order = np.argsort(x, kind="stable")
        paths[prov] = np.interp(when, x[order], part["value"].to_numpy(float)[order])
    fallback = np.mean(list(paths.values()), axis=0) if paths else np.full(len(when), np.nan)
    return np.stack([paths.get(str(prov), fallback) for prov in provinces], axis=1) if len(provinces) else \
        np.zeros((len(when), 0))


def cost_table(dataset: Dataset, year: int = 2024, *, refineries: pd.DataFrame | None = None,
               when: float | None = None) -> pd.DataFrame:
    """One row per refinery with its cash cost per t alumina by component, in its own currency
    (``currency``: CNY for China, USD elsewhere), and the delivered bauxite price it pays.

    Extra columns: ``bauxite_price`` (per t bauxite, own currency), ``imported_share`` (share of its
    ore bought on the seaborne market) and ``seaborne_bauxite_cost`` (the part of ``bauxite_cost``
    that moves with the CIF price, own currency per t alumina) — what the market engine scales.
    """
    p = dataset.param
    prices = prices_in(dataset, year, when)
    table = (dataset.refineries if refineries is None else refineries).copy().reset_index(drop=True)
    is_cn = (table["country"] == "CN").to_numpy()
    source = table["bauxite_source"].to_numpy()
    origin = table["bauxite_origin"].to_numpy()
    fx = prices.fx_cny_per_usd
    vat = p("alumina.bauxite.import_vat_cn")
    ratio = np.array([dataset.param_or(f"alumina.bauxite.cif_ratio.{o}", 1.0) for o in origin])
    cif = prices.cif_cn_usd_t * ratio
    coastal = table["province"].isin(COASTAL_PROVINCES).to_numpy()
    haul = np.where(coastal, p("alumina.bauxite.port_to_plant_cny_t.coastal"),
                    p("alumina.bauxite.port_to_plant_cny_t.inland"))
    imported_cn = cif * fx * (1.0 + vat) + haul                          # CNY/t bauxite
    domestic_cn = _domestic_cn_cny_t(dataset, table["province"], year + 0.5 if when is None else when)
    imported_row = cif - p("alumina.bauxite.freight_to_cn_usd_t") + p("alumina.bauxite.freight_row_usd_t")
    mine_row = np.full(len(table), p("alumina.bauxite.mine_cost_usd_t"))
    share = np.where(source == "imported", 1.0, np.where(source == "mixed",
                                                          p("alumina.bauxite.mixed_imported_share"), 0.0))
    # a refinery outside China on ore from its own country mines it (or buys it locally) at mine cost
    share = np.where(~is_cn & (origin == table["country"].to_numpy()), 0.0, share)
    imported_price = np.where(is_cn, imported_cn, imported_row)
    local_price = np.where(is_cn, domestic_cn, mine_row)
    bauxite_price = share * imported_price + (1.0 - share) * local_price
    t_t = table["bauxite_t_t"].to_numpy(float)
    t_t = np.where(np.isfinite(t_t), t_t, 0.0)   # sinter plants on nepheline or fly ash: ore in "other"
    if np.any(~np.isfinite(bauxite_price) & (t_t > 0)):
        bad = table.loc[~np.isfinite(bauxite_price) & (t_t > 0), "asset_id"].iloc[0]
        raise InputError(f"no bauxite price for refinery {bad}", where="bauxite.csv",
                         fix="add a price_domestic_cny_t row for its province")
    fuel = np.array([prices.coal_cny_t / p("alumina.coal_gj_per_t")
                     if cn else dataset.param_or(f"alumina.fuel.{str(reg).lower()}_usd_gj",
                                                 p("alumina.fuel.default_usd_gj"))
                     for cn, reg in zip(is_cn, table["region"], strict=True)])
    table["currency"] = np.where(is_cn, "CNY", "USD")
    table["bauxite_price"] = bauxite_price
    table["imported_share"] = share
    table["bauxite_cost"] = t_t * bauxite_price
    # the part that moves with the seaborne price: the CIF part of the imported ore (not the haul, not
    # the domestic or mine-cost part)
    cif_part = np.where(is_cn, cif * fx * (1.0 + vat), imported_row)
    table["seaborne_bauxite_cost"] = t_t * share * cif_part
    table["caustic_cost"] = table["caustic_t_t"].to_numpy(float) * np.where(is_cn, prices.caustic_cn_cny_t,
                                                                             prices.caustic_row_usd_t)
    table["fuel_price_gj"] = fuel
    table["energy_cost"] = table["energy_gj_t"].to_numpy(float) * fuel
    table["other_cost"] = np.where(is_cn, p("alumina.other.cn_cny_t"), p("alumina.other.row_usd_t"))
    table["cash_cost"] = table[[f"{c}_cost" for c in COMPONENTS]].sum(axis=1)
    table.attrs.update(year=year, prices=prices)
    return table


def to_currency(table: pd.DataFrame, currency: str, *, cny_per_usd: float) -> pd.DataFrame:
    """Every cost column of :func:`cost_table` in one currency (CNY ↔ USD at ``cny_per_usd``; China's
    alumina quotes and our Chinese costs are both VAT-inclusive, so no VAT factor: a cost in USD is
    comparable with FOB Australia only as an order of magnitude)."""
    if currency not in ("CNY", "USD"):
        raise InputError(f"unknown currency {currency!r}", where="--currency", fix="use CNY or USD")
    out = table.copy()
    from_cny = (out["currency"] == "CNY").to_numpy()
    factor = np.ones(len(out))
    if currency == "USD":
        factor[from_cny] = 1.0 / cny_per_usd
    else:
        factor[~from_cny] = cny_per_usd
    for column in [f"{c}_cost" for c in COMPONENTS] + ["cash_cost", "seaborne_bauxite_cost"]:
        out[column] = out[column].to_numpy(float) * factor
    out["currency"] = currency
    return out


def capacity_in_year(refineries: pd.DataFrame, year: int, basis: str = "operating") -> np.ndarray:
    """Capacity (kt/yr) a refinery has in ``year``: January-2025 operating (or built) capacity of the
    built plants that had started by then, plus construction projects whose start year has come."""
    built = refineries["status"].isin(BUILT).to_numpy() & (refineries["start_year"].to_numpy() <= year)
    coming = (refineries["status"] == "construction").to_numpy() & (refineries["start_year"].to_numpy() <= year)
    if basis == "operating":
        base = refineries["operating_kt"].to_numpy(float)
    elif basis == "built":
        base = refineries["capacity_kt"].to_numpy(float)
    else:
        raise InputError(f"unknown capacity basis {basis!r}", where="--capacity", fix="use operating or built")
    return np.where(built, base, 0.0) + np.where(coming, refineries["capacity_kt"].to_numpy(float), 0.0)
