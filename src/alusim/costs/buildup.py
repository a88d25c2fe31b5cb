"""Per-asset cash-cost build-up, in the asset's own currency.

Cash cost per tonne of aluminium = alumina + power + carbon anode + other conversion costs + carbon
cost, as SMM, CRU and Wood Mackenzie build it (domain-facts.md b2):

* alumina: ``cost.alumina_t_per_t`` (≈1.93 t alumina per t Al, MacroEnergy.jl docs [R117]) × alumina price;
* power: DC power use × ``cost.ac_dc_ratio`` (tariffs are paid on AC consumption, IAI [R58]) × the
  delivered tariff of the asset's place and power source, plus China's tiered surcharge above
  13,650 kWh/t AC (CNY 0.01/kWh per 20 kWh, [R94]);
* anode: ``cost.anode_net_t_per_t`` (≈0.45 t net carbon per t Al, [R117][R118][R119]) × anode price;
* other: labour, auxiliaries (fluorides, cathodes), maintenance, per t Al;
* carbon: ETS or CBAM price × covered emissions (zero unless a scenario sets a carbon price).

Chinese assets are costed in CNY/t tax-inclusive (as Chinese quotes are), all others in USD/t.
Converting between the two needs the exchange rate and China's VAT, both explicit (see
:func:`costs_in_currency`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import BUILT_STATUSES, Dataset
from alusim.dataset.dataset import relocations
from alusim.errors import InputError
from alusim.units import convert

COMPONENTS = ("alumina", "power", "anode", "other", "carbon")


def asset_currency(country: str) -> str:
    """CNY for Chinese assets (tax-inclusive), USD for the rest."""
    return "CNY" if country == "CN" else "USD"


def _pick_year(frame: pd.DataFrame, year: int, what: str) -> pd.DataFrame:
    """For each key, the row of the latest year ≤ ``year`` (earlier data carry forward); a key with
    only later rows uses its earliest one. Years before the table's first year are refused."""
    first = int(frame["year"].min()) if len(frame) else None
    if first is None or year < first:
        raise InputError(f"no {what} for {year} or earlier (first year {first})", fix=f"choose --year {first} or later")
    keys = [c for c in frame.columns if c in ("key", "input", "country", "province", "power_source")]
    ordered = frame.assign(_late=frame["year"] > year, _dist=(frame["year"] - year).abs())
    ordered = ordered.sort_values(["_late", "_dist"], kind="stable")
    return ordered.groupby(keys, dropna=False).head(1).drop(columns=["_late", "_dist"])


def power_tariff_per_kwh(dataset: Dataset, year: int = 2025) -> np.ndarray:
    """Delivered power tariff for every asset, in the asset currency per kWh.

    Lookup order (docs/data-model.md): (country, province, source) → (country, *, source) →
    (country, *, *) → (*, *, source).
    """
    tariffs = _pick_year(dataset.power_tariffs, year, "power tariffs")
    index: dict[tuple[str, str, str], tuple[float, str]] = {
        (country, province, source): (float(tariff), str(unit)) for country, province, source, tariff, unit
        in _rows(tariffs, "country", "province", "power_source", "tariff", "unit", text=("province",))}
    out = np.empty(len(dataset.smelters))
    converted: dict[tuple[float, str, str], float] = {}

    def to(value: float, unit: str, target: str) -> float:
        # pint converts the few tariff rows once each, not once per asset (same function, same result)
        if (value, unit, target) not in converted:
            converted[value, unit, target] = float(convert(value, unit, target))
        return converted[value, unit, target]

    for i, (asset_id, country, province, source) in enumerate(
            _rows(dataset.smelters, "asset_id", "country", "province", "power_source")):
        province = str(province) if isinstance(province, str) else "*"
        for key in ((country, province, source), (country, "*", source), (country, "*", "*"), ("*", "*", source)):
            if key in index:
                value, unit = index[key]
                break
        else:
            raise InputError(f"no power tariff for asset {asset_id} ({country}, {province}, "
                             f"{source})", where="power_tariffs.csv",
                             fix="add a country default row (province *) or a * row for that power source")
        currency = asset_currency(country)
        if unit.startswith(currency):
            out[i] = to(value, unit, f"{currency}/kWh")
        elif currency == "CNY":  # a USD tariff for a Chinese asset: convert at FX, tax-inclusive
            fx = dataset.param_or("fx.cny_per_usd", 7.2)
            out[i] = to(value, unit, "USD/kWh") * fx
        else:
            fx = dataset.param_or("fx.cny_per_usd", 7.2)
            out[i] = to(value, unit, "CNY/kWh") / fx
    return out


def _rows(frame: pd.DataFrame, *columns: str, text: tuple[str, ...] = ()):
    """The rows of ``columns`` as plain tuples, each column read once as a list: ``itertuples`` built
    a tuple of every column of every row from Arrow-backed strings, most of a cost table's time.
    Columns named in ``text`` are read as ``str`` (a missing value as ``"nan"``, as ``str(r.province)`` did)."""
    return zip(*([str(v) for v in frame[c]] if c in text else frame[c].tolist() for c in columns), strict=True)


def _input_vector(dataset: Dataset, item: str, year: int, prices: pd.DataFrame | None = None) -> np.ndarray:
    """Each asset's ``item`` price in its currency; ``prices`` is ``input_prices`` picked for ``year``
    (picked here when not given: one cost table picks once for its four items)."""
    if prices is None:
        prices = _pick_year(dataset.input_prices, year, "input prices")
    fx = dataset.param_or("fx.cny_per_usd", 7.2)
    vat = dataset.param_or("cost.vat_cn", 0.13)
    by_key = {(key, name): (float(value), str(unit))
              for key, name, value, unit in _rows(prices, "key", "input", "value", "unit")}
    out = np.empty(len(dataset.smelters))
    for i, (asset_id, country, region) in enumerate(_rows(dataset.smelters, "asset_id", "country", "region")):
        for key in (country, region, "ROW" if country != "CN" else "CN", "*"):
            if (key, item) in by_key:
                value, unit = by_key[(key, item)]
                break
        else:
            raise InputError(f"no {item} price for asset {asset_id} ({country}/{region})",
                             where="input_prices.csv", fix=f"add a row with key {country}, {region} or *")
        currency = asset_currency(country)
        if unit.startswith(currency):
            out[i] = value
        elif currency == "CNY":
            out[i] = value * fx * (1 + vat)
        else:
            out[i] = value / (1 + vat) / fx
    return out


def tiered_surcharge_per_kwh(power_ac_kwh_t: np.ndarray, threshold_kwh_t: float,
                             step_cny_kwh_per_20kwh: float) -> np.ndarray:
    """China's tiered power price: CNY 0.01/kWh extra per 20 kWh/t above 13,650 kWh/t AC
    (NDRC 2021 scheme as reported in [R94]); zero at or below the threshold."""
    excess = np.maximum(power_ac_kwh_t - threshold_kwh_t, 0.0)
    return np.ceil(excess / 20.0 - 1e-9) * step_cny_kwh_per_20kwh


def cost_table(dataset: Dataset, year: int = 2025, *, carbon_price: dict[str, float] | None = None) -> pd.DataFrame:
    """Cash-cost build-up for every asset in ``year`` (asset currency per t Al).

    Returns one row per asset with the components ``alumina_cost``, ``power_cost``, ``anode_cost``,
    ``other_cost``, ``carbon_cost``, ``cash_cost``, ``sustaining_cost``, ``full_cost`` and the inputs
    used (``tariff_per_kwh``, ``power_ac_kwh_t``). ``carbon_price`` maps a currency-qualified region
    (``CN`` in CNY/t CO2, others in USD/t CO2) to a price applied to direct (scope 1) emissions.
    """
    table = dataset.smelters.copy()
    alumina_q = dataset.param_or("cost.alumina_t_per_t", 1.93)
    anode_q = dataset.param_or("cost.anode_net_t_per_t", 0.45)
    ac_ratio = dataset.param_or("cost.ac_dc_ratio", 1.05)
    is_cn = (table["country"] == "CN").to_numpy()
    power_ac = table["power_kwh_t"].to_numpy(float) * ac_ratio
    tariff = power_tariff_per_kwh(dataset, year)
    surcharge = np.where(is_cn, tiered_surcharge_per_kwh(
        power_ac, dataset.param_or("cost.tiered_power.threshold_kwh_t_ac", 13650.0),
        dataset.param_or("cost.tiered_power.surcharge_cny_kwh_per_20kwh", 0.01)), 0.0)
    table["currency"] = np.where(is_cn, "CNY", "USD")
    table["power_ac_kwh_t"] = power_ac
    table["tariff_per_kwh"] = tariff + surcharge
    prices = _pick_year(dataset.input_prices, year, "input prices")
    table["alumina_cost"] = alumina_q * _input_vector(dataset, "alumina", year, prices)
    table["power_cost"] = power_ac * (tariff + surcharge)
    table["anode_cost"] = anode_q * _input_vector(dataset, "anode", year, prices)
    table["other_cost"] = _input_vector(dataset, "other", year, prices)
    direct = direct_co2_t_per_t(dataset)
    carbon = np.zeros(len(table))
    for region, price in (carbon_price or {}).items():
        carbon += np.where((table["country"] == region) | (table["region"] == region), price * direct, 0.0)
    table["carbon_cost"] = carbon
    table["cash_cost"] = table[[f"{c}_cost" for c in COMPONENTS]].sum(axis=1)
    table["sustaining_cost"] = _input_vector(dataset, "sustaining", year, prices)
    table["full_cost"] = table["cash_cost"] + table["sustaining_cost"]
    return table


def direct_co2_t_per_t(dataset: Dataset) -> np.ndarray:
    """Scope-1 CO2e per t Al: anode consumption + PFCs by cell technology (IAI [R61])."""
    anode = dataset.emission_factor("anode.co2_t_per_t_al", 1.55)
    pfc = np.array([dataset.emission_factor(f"pfc.{tech}", 0.5) for tech in dataset.smelters["cell_technology"]])
    return anode + pfc


def available_in_year(dataset: Dataset, year: int, basis: str = "operating") -> np.ndarray:
    """Capacity (kt/yr) counted on a cost curve in ``year``: January-2025 operating (or built)
    capacity, plus construction and planned projects whose start year has come, less the plants
    those projects replace (relocations, ``replaces``)."""
    table = dataset.smelters
    built = table["status"].isin(BUILT_STATUSES).to_numpy()
    coming = table["status"].isin(("construction", "planned")).to_numpy() & (table["start_year"].to_numpy() <= year)
    if basis == "operating":
        base = np.where(built, table["operating_kt"].to_numpy(float), 0.0)
    elif basis == "built":
        base = np.where(built, table["capacity_kt"].to_numpy(float), 0.0)
    else:
        raise InputError(f"unknown capacity basis {basis!r}", fix="use operating or built")
    out = base + np.where(coming, table["capacity_kt"].to_numpy(float), 0.0)
    for project, plants in relocations(table):
        if coming[project]:
            out[plants] = 0.0
    return out


def costs_in_currency(table: pd.DataFrame, currency: str, *, cny_per_usd: float, vat_cn: float) -> pd.DataFrame:
    """Convert every cost column to one currency.

    CNY figures are tax-inclusive (SMM convention) and USD figures are not: CNY → USD divides by
    ``(1 + vat_cn)`` and the exchange rate; USD → CNY multiplies by both.
    """
    if currency not in ("CNY", "USD"):
        raise InputError(f"unknown currency {currency!r}", fix="use CNY or USD")
    out = table.copy()
    columns = [f"{c}_cost" for c in COMPONENTS] + ["cash_cost", "sustaining_cost", "full_cost"]
    factor = np.ones(len(out))
    from_cny = (out["currency"] == "CNY").to_numpy()
    if currency == "USD":
        factor[from_cny] = 1.0 / ((1 + vat_cn) * cny_per_usd)
    else:
        factor[~from_cny] = (1 + vat_cn) * cny_per_usd
    for column in columns:
        out[column] = out[column].to_numpy(float) * factor
    out["currency"] = currency
    return out
