"""A replay of history: the event record cut to a window, on the dataset as it stood at its start.

``replay(dataset, "2015-01", "2024-12")`` returns the scenario and dataset that
:func:`alusim.simulate` runs: the record's events (``scenarios/history/record.yaml``) that fall in
the window, the recorded input prices as ``input_price`` paths, the start state as assumptions, and
the asset table rebuilt for the first month (:func:`alusim.history.assets.assets_at`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError
from alusim.history.assets import assets_at
from alusim.history.start import INPUT_SERIES, input_paths, start_assumptions
from alusim.scenario.model import Scenario


def record_path() -> Path:
    """The packaged event record (``scenarios/history/record.yaml`` in the repository)."""
    return Path(str(resources.files("alusim") / "scenarios" / "history" / "record.yaml"))


def load_record(path: str | Path | None = None) -> Scenario:
    return Scenario.load(path or record_path())


#: events that act once, in their start month: before the window, their effect is already in the
#: rebuilt asset state (e.g. plants closed in the 2017 clean-up are gone from a 2018 start)
ONE_OFF = ("close_noncompliant", "commission", "relocate", "restart")


def china_run_rate_kt(dataset: Dataset, start: str) -> tuple[float, str] | None:
    """China's running capacity (kt/yr) just before ``start`` as the record has it: SMM's operating
    capacity within three months before, else the previous year's output (IAI) at the run rate of its
    last recorded month (NBS December over NBS's own annual total, same basis)."""
    from alusim.demand.record import recorded

    cube = dataset.history
    first = pd.Period(start, freq="M")
    if "capacity_operating_kt" in cube["variable"].values:
        series = cube.sel(variable="capacity_operating_kt", region="CN").to_series().dropna()
        series.index = pd.PeriodIndex(series.index, freq="M")
        near = series[(series.index < first) & (series.index >= first - 3)]
        if len(near):
            return float(near.iloc[-1]), f"recorded operating capacity {near.index[-1]}"
    year = first.year - 1
    output = recorded(dataset, "production_kt", "CN")
    if year not in output.index:
        return None
    nbs = cube.sel(variable="production_kt", region="CN").to_series().dropna()
    nbs.index = pd.PeriodIndex(nbs.index, freq="M")
    nbs_year = dataset.history_monthly
    total = nbs_year[(nbs_year["variable"] == "production_kt") & (nbs_year["region"] == "CN")
                     & (nbs_year["period"] == str(year)) & (nbs_year["basis"] == "annual_total")]
    december = pd.Period(f"{year}-12", freq="M")
    if december in nbs.index and len(total):
        factor = float(nbs.loc[december]) * 12.0 / float(total["value"].iloc[0])
        return float(output.loc[year]) * factor, f"{year} output at its December run rate (NBS Dec × 12 / NBS {year})"
    return float(output.loc[year]), f"{year} output"


def running_as_recorded(dataset: Dataset, assets: pd.DataFrame, start: str,
                        notes: list[str] | None = None) -> pd.DataFrame:
    """The rebuilt asset state with China's running capacity cut to the record's run rate at the
    start (:func:`china_run_rate_kt`): plants whose running share is not recorded carry today's, so
    the rebuilt state runs more than China did. The capacity that was not running is the dearest:
    plants are idled whole in order of power cost per tonne (kWh/t × tariff; alumina, anode and the
    rest cost Chinese plants much the same), the one at the margin curtailed to fit. A plant idled
    this way restarts as any idle plant does — on margin, after its lag — rather than ramping back
    within a month or two as a uniformly curtailed fleet would."""
    from alusim.costs.buildup import power_tariff_per_kwh

    found = china_run_rate_kt(dataset, start)
    china = ((assets["country"] == "CN") & assets["status"].isin(("operating", "curtailed"))).to_numpy()
    running = float(assets.loc[china, "operating_kt"].sum())
    if found is None or running <= 0 or found[0] >= running:
        return assets
    target, how = found
    tariff = power_tariff_per_kwh(replace(dataset, smelters=assets), int(start[:4]))
    power_cost = assets["power_kwh_t"].to_numpy(float) * tariff
    rows = np.flatnonzero(china)
    rows = rows[np.argsort(power_cost[rows], kind="stable")]          # cheapest power runs first
    running_kt = assets["operating_kt"].to_numpy(float)
    kept = np.zeros(len(assets))
    kept[rows] = np.clip(target - (np.cumsum(running_kt[rows]) - running_kt[rows]), 0.0, running_kt[rows])
    out = assets.copy()
    out.loc[china, "operating_kt"] = kept[china]
    capacity = out["capacity_kt"].to_numpy(float)
    out.loc[china, "status"] = np.where(kept >= capacity - 1e-6, "operating",
                                        np.where(kept <= 1e-9, "idle", "curtailed"))[china]
    if notes is not None:
        idled = int((kept[rows] <= 1e-9).sum())
        notes.append(f"China's running capacity at {start}: {running:,.0f} kt/yr in the rebuilt state, cut to "
                     f"{target:,.0f} ({how}); {idled} plants with the dearest power start idle")
    return out


#: event types that act only between the regions outside China (they need ``market.regions_enabled``)
REGIONAL_TYPES = ("sanction", "carbon_border")


def needs_regions(event: dict) -> bool:
    """Whether an event acts only between the regions outside China: a sanction, a border charge, a
    tariff on metal from a country or region other than China (``exporter`` not ``*`` or ``CN``)."""
    if event["type"] in REGIONAL_TYPES:
        return True
    return event["type"] == "import_tariff" and str(event.get("exporter", "*")).upper() not in ("*", "CN")


def cut_events(record: Scenario, start: str, end: str) -> list[dict]:
    """The record's events that touch ``start``…``end``, their dates clipped to it (as dicts)."""
    out = []
    for event in record.events:
        data = event.model_dump(exclude_none=True)
        if event.start > end or (event.end is not None and event.end < start):
            continue
        if event.type in ONE_OFF and event.start < start:
            continue
        data["start"] = max(event.start, start)
        if event.end is not None:
            data["end"] = min(event.end, end)
        if "path" in data:
            data["path"] = {k: v for k, v in data["path"].items() if k <= end} or {
                data["start"]: next(iter(data["path"].values()))}
        out.append(data)
    return out


def input_events(dataset: Dataset, start: str, months: int, notes: list[str] | None = None) -> list[dict]:
    """The recorded input prices as ``input_price`` path events (one change a month)."""
    paths = input_paths(dataset, start, months, notes)
    labels = pd.period_range(start, periods=months, freq="M")
    events = []
    for monthly, annual, region, item, market in INPUT_SERIES:
        change = paths[(item, market)] - 1.0
        if not np.any(np.abs(change) > 1e-12):
            continue
        events.append(dict(type="input_price", input=item, region=market, start=start,
                           path={str(labels[i]): float(change[i]) for i in range(months)},
                           source=_sources(dataset, monthly, annual, region)))
    return events + power_events(dataset, start, months, notes)


def _sources(dataset: Dataset, monthly: str, annual: str, region: str) -> str:
    rows = dataset.history_monthly
    monthly_sources = rows[(rows["variable"] == monthly) & (rows["region"] == region)
                           & (rows["basis"] != "missing")]["source"].unique()
    table = dataset.history_annual
    annual_sources = table[(table["variable"] == annual) & (table["region"] == region)]["source"].unique()
    named = list(monthly_sources[:1]) + list(annual_sources[:1])
    more = len(monthly_sources) + len(annual_sources) - len(named)
    return (f"history_monthly.csv {monthly} / history_annual.csv {annual} ({region}): " + "; ".join(named)
            + (f"; +{more} more" if more > 0 else ""))


#: European smelters buying power on the market: their countries (grid-powered plants there)
EU_MARKET_POWER_COUNTRIES = ("DE", "FR", "ES", "NL", "GB", "IT", "GR", "SE", "BE", "RO", "SK", "SI", "BA", "ME")


def owner_market_shares(owners, default: float, share_of) -> dict[str, float]:
    """Market-exposed share of each owner's power that differs from ``default``: ``share_of(name)``
    is the owner's own ``cost.eu_power_market_share.<owner>`` (None when it has none)."""
    out = {}
    for owner in sorted({str(o) for o in owners}):
        own = share_of(owner.lower())
        if own is not None and abs(own - default) > 1e-12:
            out[owner] = float(own)
    return out


def top_up_change(default_change: float, own_change: float) -> float:
    """The change on top of ``default_change`` that brings a tariff to ``own_change`` (power_price
    percentage events multiply): (1 + default) × (1 + top-up) = 1 + own."""
    return (1.0 + own_change) / (1.0 + default_change) - 1.0


def power_events(dataset: Dataset, start: str, months: int, notes: list[str] | None = None) -> list[dict]:
    """The European energy crisis as it reached smelter costs: for each year of the window, the
    grid-powered smelters of :data:`EU_MARKET_POWER_COUNTRIES` pay their tariff moved by the share of
    power bought at market prices (``cost.eu_power_market_share``) times the change of the German
    day-ahead price from its level in the tariffs' year (``price_power_eu_usd_mwh``, WCE).

    An owner with a share of its own (``cost.eu_power_market_share.<owner>``, e.g. Trimet, which buys
    all its power on the exchange) gets a second event per year, on its plants only, that tops the
    common change up to its own share (:func:`top_up_change`)."""
    from alusim.history.start import recorded_path

    found = recorded_path(dataset, "price_power_eu_usd_mwh", "power_price_eu_usd_mwh", "WCE", start, months)
    smelters = dataset.smelters
    hit = smelters["country"].isin(EU_MARKET_POWER_COUNTRIES) & (smelters["power_source"] == "grid")
    if found is None or not hit.any():
        return []
    path = found[0]
    tariff_year = _tariff_year(dataset, sorted(set(smelters.loc[hit, "country"])))
    reference = recorded_path(dataset, "price_power_eu_usd_mwh", "power_price_eu_usd_mwh", "WCE",
                              f"{tariff_year}-01", 12)
    if reference is None:
        return []
    level = float(reference[0].mean())
    share = dataset.param("cost.eu_power_market_share")

    def share_of(owner: str) -> float | None:
        own = dataset.param_or(f"cost.eu_power_market_share.{owner}", float("nan"))
        return None if np.isnan(own) else own

    owners = owner_market_shares(smelters.loc[hit, "owner"], share, share_of)
    labels = pd.period_range(start, periods=months, freq="M")
    countries = sorted(set(smelters.loc[hit, "country"]))
    events = []
    for year in sorted(set(labels.year)):
        inside = labels.year == year
        ratio = float(path[inside].mean()) / level
        change = share * (ratio - 1.0)
        first, last = labels[inside][0], labels[inside][-1]
        what = f"history_monthly.csv price_power_eu_usd_mwh (WCE, German day-ahead), {year} against {tariff_year}"
        if abs(change) >= 1e-6:
            events.append(dict(type="power_price", target={"country": countries, "power_source": "grid"},
                               change=f"{100 * change:+.2f}%", start=str(first), end=str(last),
                               source=f"{what}, × market-exposed share {share:.0%}"))
        for owner, own in owners.items():
            extra = top_up_change(change, own * (ratio - 1.0))
            if abs(extra) < 1e-6:
                continue
            events.append(dict(type="power_price", target={"owner": owner, "country": countries,
                                                            "power_source": "grid"},
                               change=f"{100 * extra:+.2f}%", start=str(first), end=str(last),
                               source=f"{what}, {owner}: market-exposed share {own:.0%} "
                                      f"(parameters.csv cost.eu_power_market_share.{owner.lower()})"))
    if notes is not None:
        notes.append(f"European power: grid smelters in {', '.join(countries)} pay "
                     f"{share:.0%} of their power at the German day-ahead price, against its {tariff_year} level"
                     + "".join(f"; {o} {v:.0%}" for o, v in owners.items()))
    return events


def _tariff_year(dataset: Dataset, countries: list[str]) -> int:
    tariffs = dataset.power_tariffs
    rows = tariffs[tariffs["country"].isin(countries)]
    return int(rows["year"].max()) if len(rows) else 2024


def in_sample_fits(dataset: Dataset, fit_last: int, notes: list[str] | None = None) -> tuple[Dataset, dict]:
    """The dataset with its demand fit and China's scrap fit (collection factor, imported-scrap yield) re-estimated on the record up
    to ``fit_last`` only (so nothing of later years leaks into a backtest), and the override."""
    from alusim.demand.model import fit_demand
    from alusim.recycling.fit import fit_cn

    first = DEMAND_FIT_FIRST_YEAR
    model = fit_demand(dataset, first, fit_last)
    scrap = fit_cn(dataset, RECYCLING_FIT_FIRST_YEAR, fit_last)
    if notes is not None:
        notes.append(f"demand refitted on {first}-{fit_last}; China collection factor {scrap.factor:.3f} ± "
                     f"{scrap.factor_se:.3f} and imported-scrap yield {scrap.import_yield:.2f} ± "
                     f"{scrap.import_yield_se:.2f} on recycled output {scrap.years[0]}-{scrap.years[-1]}")
    return replace(dataset, demand_fit=model.table()), {"recycling.collection_factor.cn": scrap.factor,
                                                         "recycling.imported_scrap_yield.cn": scrap.import_yield}


#: first year of the demand fits (the monthly record starts in 2010)
DEMAND_FIT_FIRST_YEAR = 2010
#: first year of China's collection-factor fit: before 2014 imported scrap was three quarters of the
#: recycled output CNIA records (2010: 2.8 Mt imported against 3.8 Mt made), so the domestic share the
#: factor scales is not identified there
RECYCLING_FIT_FIRST_YEAR = 2014
#: the calibration's in-sample years end here (docs/history.md): China's trade record, and so its
#: apparent consumption, starts in 2014, and the fits need at least five recorded years
CALIBRATION_SPLIT_YEAR = 2019


def default_fit_last(start: str) -> int:
    """The last year the demand fits see by default: the year before ``start``, or the calibration
    split (2019) for earlier starts — the record has too few years before 2019 to fit on."""
    return max(int(start[:4]) - 1, CALIBRATION_SPLIT_YEAR)


def replay(dataset: Dataset, start: str, end: str, *, record: Scenario | None = None, paths: int | None = None,
           seed: int | None = None, parameters: Mapping[str, float] | None = None,
           notes: list[str] | None = None, assets: pd.DataFrame | None = None,
           fit_last: int | None = None, regions: bool = False,
           assumptions: Mapping[str, float] | None = None) -> tuple[Scenario, Dataset]:
    """Scenario and dataset that replay ``start``…``end`` (months ``YYYY-MM``).

    ``regions`` runs the regions outside China as markets (``market.regions_enabled: 1``) with the
    record's trade measures between them; without it (the default, the replay the calibration and
    the earlier backtest targets use) those measures (:func:`needs_regions`) are left out, with a note.

    ``parameters`` override the dataset's behavioural parameters (a calibration candidate); the
    record's own assumptions apply on top of the start state, and ``assumptions`` (``alusim backtest
    --assume``, e.g. ``alumina.market=1``) on top of those: unlike ``parameters`` they keep the
    calibration's ensemble. ``fit_last`` (default: the year before
    ``start``, at least 2019: :func:`default_fit_last`) is the last year the demand and scrap fits may see: a conditional backtest feeds the
    recorded drivers, with elasticities estimated on the in-sample years only. Gaps filled in the record (years
    interpolated, series held) are appended to ``notes``. ``assets`` reuses an
    :func:`~alusim.history.assets.assets_at` table already built for ``start`` (calibration loops).
    """
    if end < start:
        raise InputError(f"--to {end} is before --from {start}", fix="give a window that runs forward in time")
    record = record or load_record()
    if start < record.start or end > record.end:
        raise InputError(f"window {start}…{end} is outside the event record ({record.start}…{record.end})",
                         fix=f"choose years within {record.start[:4]}–{record.end[:4]}")
    months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
    assets = assets_at(dataset, start) if assets is None else assets
    assets = running_as_recorded(dataset, assets, start, notes)
    fitted, fit_overrides = in_sample_fits(dataset, fit_last if fit_last is not None else default_fit_last(start), notes)
    history = replace(fitted, smelters=assets)
    extra = dict(assumptions or {})
    assumptions = {**start_assumptions(dataset, start, notes), **fit_overrides, **dict(parameters or {}),
                   **record.assumptions, **extra}
    # the alumina market (alumina.market 1) forms the alumina price from the first month: pinned to
    # the record through the in-sample years, China's refineries answered a price their own balance
    # never set and piled 12-78 Mt of stock by 2019 (docs/history.md, "Alumina");
    # --assume alumina.market.pin_until_year=2019 pins it again
    events = cut_events(record, start, end)
    if regions:
        assumptions["market.regions_enabled"] = 1.0
    elif assumptions.get("market.regions_enabled", dataset.param("market.regions_enabled")) < 0.5:
        between = [e for e in events if needs_regions(e)]
        events = [e for e in events if not needs_regions(e)]
        if between and notes is not None:
            notes.append(f"{len(between)} trade measures between regions left out (regions off): "
                         + ", ".join(sorted({f"{e['type']} {e.get('exporter', '')}".strip() for e in between})))
    scenario = Scenario.model_validate(dict(
        name=f"History replay {start}…{end}",
        description=f"{record.name}: events cut to the window, recorded input prices, start state of {start}",
        start=start, end=end, paths=paths or record.paths, seed=record.seed if seed is None else seed,
        assumptions=assumptions,
        events=events + input_events(dataset, start, months, notes)))
    return scenario, history
