"""The backtest's regional targets (issue 11): primary output by IAI region, the US Midwest and
Rotterdam duty-paid premiums and trade on the main corridors, scored against the embedded record.

* **Output by IAI region** comes from the plants: each path's output of the smelters of an IAI
  region (``smelters_row.csv`` ``region``) that report to the IAI, summed, against the IAI's
  regional totals (``history_annual.csv`` ``primary_production_kt``). It needs no trade model, so
  it is scored on the main replay. IAI counts a country whose producers do not report
  (:data:`IAI_UNREPORTED`) in "Estimated Unreported", not in its region; those plants are left out.
* **Premiums and corridors** need the regions as markets (``market.regions_enabled``): they are
  scored on a second replay with the regions on (:func:`alusim.history.backtest.run_backtest`), so
  the earlier targets keep the replay they were calibrated on. The Midwest premium is scored on its
  annual averages (MAPE and the direction of each year's change); Rotterdam duty-paid on the
  months with a published point; corridors on the recorded annual tonnes
  (``trade_flows.csv``, primary or unwrought metal, full years).

Pure functions on results and tables; errors are fractions.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.history.scoring import mape

#: out-of-sample MAPE bar of each IAI region's output (issue 11)
REGION_OUTPUT_TARGET = 0.08
#: IAI regions outside China scored (smelters_row.csv ``region`` codes)
IAI_REGIONS = ("NA", "SA", "WCE", "REE", "ASIA", "GCC", "OC", "AF")
#: countries whose output IAI does not report in their region (``**`` on IAI's list), with the years
#: (first, last; None = open) — IAI, Primary Aluminium Production, "Includes" -
#: https://international-aluminium.org/statistics/primary-aluminium-production/
IAI_UNREPORTED = {"AZ": (None, None), "IR": (1997, None), "JP": (2014, None), "MY": (None, None),
                  "KP": (None, None), "TJ": (2020, None), "NL": (2014, None), "GB": (2017, None),
                  "BA": (None, None), "HR": (None, None), "HU": (2006, None), "PL": (None, None),
                  "RO": (None, None)}
#: corridors scored where the record has them: (origin node, destination node or CN) — those whose
#: recorded rows cover the whole corridor (one-country ends, the EU as a bloc, the GCC's listed
#: smelting countries), not a corridor into a many-country region the record sees one country of
CORRIDORS = (("CA", "US"), ("GCC", "US"), ("RU", "US"), ("RU", "CN"), ("IN", "CN"), ("RU", "EU"))
#: a trade_flows.csv row that covers less than a year (marked, or naming months)
PART_OF_YEAR = re.compile(r"PARTIAL YEAR|\b(?:Jan|January)\s*[-–]\s*[A-Z][a-z]+|\bH1\b|\bmonths?\b", re.I)
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}


def reported(country: str, year: int) -> bool:
    """Whether IAI counts ``country``'s output in its region in ``year`` (:data:`IAI_UNREPORTED`)."""
    window = IAI_UNREPORTED.get(str(country).upper())
    if window is None:
        return True
    first, last = window
    return not ((first is None or year >= first) and (last is None or year <= last))


def region_output_bands(assets: pd.DataFrame, production: np.ndarray, first_year: int) -> dict[str, pd.DataFrame]:
    """IAI region → p05/p50/p95 over paths of the reporting plants' output (kt/yr) by year, from
    (P, A, Y) ``production``."""
    years = first_year + np.arange(production.shape[2])
    region = assets["region"].astype(str).to_numpy()
    country = assets["country"].astype(str).to_numpy()
    out = {}
    for code in IAI_REGIONS:
        mask = np.array([[r == code and reported(c, int(y)) for y in years] for r, c in zip(region, country,
                                                                                          strict=True)])
        totals = (production * mask[None]).sum(axis=1)                      # (P, Y)
        q = np.quantile(totals, [0.05, 0.5, 0.95], axis=0)
        out[code] = pd.DataFrame({"p05": q[0], "p50": q[1], "p95": q[2]}, index=years)
    return out


def recorded_region_output(dataset: Dataset) -> dict[str, pd.Series]:
    """IAI region → recorded primary output (kt) by year (``history_annual.csv``)."""
    table = dataset.history_annual
    rows = table[(table["variable"] == "primary_production_kt") & table["region"].isin(IAI_REGIONS)]
    return {code: rows[rows["region"] == code].groupby("year")["value"].mean().astype(float)
            for code in IAI_REGIONS}


def score_region_output(bands: dict[str, pd.DataFrame], record: dict[str, pd.Series], split: int) -> dict:
    """Per IAI region: MAPE of the median path in and out of sample, the years scored and each
    year's numbers; the target (out-of-sample MAPE ≤ :data:`REGION_OUTPUT_TARGET`)."""
    out = {}
    for code, band in bands.items():
        actual = record.get(code, pd.Series(dtype=float))
        years = [int(y) for y in actual.index if y in band.index]
        outside = [y for y in years if y > split]
        value = mape(band["p50"], actual, outside)
        out[code] = {"label": f"{code} primary output (IAI region)", "unit": "kt",
                     "mape_in_sample": mape(band["p50"], actual, [y for y in years if y <= split]),
                     "mape_out_of_sample": value, "years_out_of_sample": outside,
                     "years": {y: {"actual": float(actual.loc[y]), **{k: float(band.loc[y, k])
                                                                      for k in ("p05", "p50", "p95")}}
                               for y in years}}
    return out


def annual_premium_record(dataset: Dataset, variable: str = "premium_midwest_usd_t") -> pd.Series:
    """USD/t annual average premium by year (``history_annual.csv``)."""
    table = dataset.history_annual
    rows = table[table["variable"] == variable]
    return rows.groupby("year")["value"].mean().astype(float)


def rotterdam_points(dataset: Dataset) -> pd.Series:
    """USD/t published Rotterdam duty-paid points by month: ``history_monthly.csv``
    ``premium_rotterdam_dp_usd_t`` and the ``region_premiums.csv`` EU rows marked duty-paid (the
    monthly record first where both have a month)."""
    monthly = dataset.history_monthly
    rows = monthly[(monthly["variable"] == "premium_rotterdam_dp_usd_t") & monthly["value"].notna()
                   & (monthly["basis"] != "missing") & (monthly["period"].astype(str).str.len() == 7)]
    points = pd.Series(rows["value"].astype(float).to_numpy(), index=pd.PeriodIndex(rows["period"], freq="M"))
    extra = dataset.region_premiums
    extra = extra[(extra["node"] == "EU") & extra["note"].astype(str).str.contains("duty-paid", case=False)
                  & ~extra["note"].astype(str).str.contains("unpaid", case=False)]
    more = pd.Series(extra["usd_t"].astype(float).to_numpy(), index=pd.PeriodIndex(extra["period"], freq="M"))
    more = more[~more.index.isin(points.index)]
    return pd.concat([points, more]).groupby(level=0).mean().sort_index()


def direction_by_year(simulated: pd.Series, actual: pd.Series, years) -> dict[int, dict]:
    """Year → whether the simulated change from the year before has the recorded sign."""
    out = {}
    for y in years:
        if y - 1 not in actual.index or y not in actual.index or y not in simulated.index \
                or y - 1 not in simulated.index:
            continue
        rec, sim = float(actual.loc[y] - actual.loc[y - 1]), float(simulated.loc[y] - simulated.loc[y - 1])
        out[int(y)] = {"recorded_change": rec, "simulated_change": sim, "right": bool(np.sign(rec) == np.sign(sim))}
    return out


def premium_bands(regions, node: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(annual, monthly) p05/p50/p95 over paths of a node's premium (USD/t), annual = mean of months."""
    values = regions["premium_usd_t"].sel(region=node).values                  # (P, M)
    months = pd.PeriodIndex(pd.DatetimeIndex(regions["month"].values), freq="M")
    q = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
    monthly = pd.DataFrame({"p05": q[0], "p50": q[1], "p95": q[2]}, index=months)
    years = months.year.to_numpy()
    annual_paths = np.stack([values[:, years == y].mean(axis=1) for y in np.unique(years)], axis=1)
    qa = np.quantile(annual_paths, [0.05, 0.5, 0.95], axis=0)
    annual = pd.DataFrame({"p05": qa[0], "p50": qa[1], "p95": qa[2]}, index=np.unique(years))
    return annual, monthly


def score_midwest(regions, dataset: Dataset, split: int) -> dict:
    """The US Midwest premium: MAPE of the annual median path and the direction of each year's change."""
    annual, _ = premium_bands(regions, "US")
    actual = annual_premium_record(dataset)
    years = [int(y) for y in actual.index if y in annual.index]
    first = years[0] if years else None
    directions = direction_by_year(annual["p50"], actual, [y for y in years if first is not None and y > first])
    return {"label": "US Midwest premium, annual average", "unit": "USD/t",
            "mape_in_sample": mape(annual["p50"], actual, [y for y in years if y <= split]),
            "mape_out_of_sample": mape(annual["p50"], actual, [y for y in years if y > split]),
            "direction_by_year": directions,
            "direction_right_every_year": all(d["right"] for d in directions.values()) if directions else None,
            "years": {y: {"actual": float(actual.loc[y]), **{k: float(annual.loc[y, k]) for k in ("p05", "p50", "p95")}}
                      for y in years}}


def score_rotterdam(regions, dataset: Dataset) -> dict:
    """Rotterdam duty-paid: the median path at each published point, MAPE and the share of moves
    between consecutive points whose sign is right."""
    _, monthly = premium_bands(regions, "EU")
    points = rotterdam_points(dataset)
    points = points[points.index.isin(monthly.index)]
    sim = monthly["p50"].reindex(points.index)
    moves = [(float(points.iloc[i] - points.iloc[i - 1]), float(sim.iloc[i] - sim.iloc[i - 1]))
             for i in range(1, len(points)) if points.iloc[i] != points.iloc[i - 1]]
    errors = (sim - points).abs() / points.abs()
    return {"label": "Rotterdam duty-paid premium, published points", "unit": "USD/t",
            "mape": float(errors.mean()) if len(errors) else float("nan"),
            "direction_hit_rate": float(np.mean([np.sign(a) == np.sign(b) for a, b in moves])) if moves
            else float("nan"),
            "points": {str(p): {"actual": float(points.loc[p]), "p50": float(sim.loc[p]),
                                "p05": float(monthly.loc[p, "p05"]), "p95": float(monthly.loc[p, "p95"])}
                       for p in points.index}}


def corridor_record(dataset: Dataset, nodes: list[str], years) -> dict[tuple[str, str], pd.Series]:
    """(origin, destination) → recorded kt by year for :data:`CORRIDORS`: rows of primary or
    unwrought metal between countries or regions that map to the nodes (China as ``CN``), full years
    only (:data:`PART_OF_YEAR`); per corridor and year the primary figure before the unwrought one,
    the most confident row of each country, countries of one node added up."""
    from alusim.engine.nodes import node_lookup

    node_of = node_lookup(dataset.regions, nodes)
    names = [*nodes, "CN"]

    def end(code: str) -> str | None:
        if str(code).upper() == "CN":
            return "CN"
        found = node_of(code)
        return names[found] if found is not None else None

    flows = dataset.trade_flows
    whole = ~(flows["note"].astype(str) + " " + flows["source"].astype(str)).str.contains(PART_OF_YEAR)
    rows = flows[flows["product"].isin(("primary", "unwrought")) & flows["year"].isin(list(years)) & whole
                 & (flows["exporter"].astype(str).str.upper() != flows["importer"].astype(str).str.upper())]
    rows = rows.assign(rank=rows["confidence"].map(CONFIDENCE_RANK).fillna(3)).sort_values("rank", kind="stable")
    out: dict[tuple[str, str], pd.Series] = {}
    for (origin, destination) in CORRIDORS:
        picked = rows[(rows["exporter"].map(end) == origin) & (rows["importer"].map(end) == destination)]
        if picked.empty:
            continue
        by_year = {}
        for year, group in picked.groupby("year"):
            best = group[group["product"] == "primary"] if (group["product"] == "primary").any() else group
            # one figure per reporting country (the most confident), countries of the node added up
            by_year[int(year)] = float(best.drop_duplicates("exporter")["kt"].astype(float).sum())
        out[(origin, destination)] = pd.Series(by_year).sort_index()
    return out


def score_corridors(regions, dataset: Dataset) -> dict:
    """Per recorded corridor: the median path's yearly tonnes against the record, MAPE over the
    recorded years."""
    flows = regions["flow_kt"]
    years = [int(y) for y in flows["year"].values]
    nodes = [str(n) for n in regions["region"].values]
    out = {}
    for (origin, destination), actual in corridor_record(dataset, nodes, years).items():
        sim = pd.Series(np.median(flows.sel(origin=origin, destination=destination).values, axis=0), index=years)
        out[f"{origin}->{destination}"] = {
            "label": f"trade {origin} → {destination} (primary/unwrought)", "unit": "kt",
            "mape": mape(sim, actual, list(actual.index)),
            "years": {int(y): {"actual": float(actual.loc[y]), "p50": float(sim.loc[y])} for y in actual.index}}
    return out


def score_regions(result, regional, dataset: Dataset, split: int) -> dict:
    """metrics.json ``regions``: output by IAI region from ``result`` (the main replay), premiums
    and corridors from ``regional`` (the replay with the regions as markets; None: not scored)."""
    bands = region_output_bands(result.assets, result.asset_production_kt, int(result.scenario.start[:4]))
    out: dict = {"output": score_region_output(bands, recorded_region_output(dataset), split),
                 "output_target": REGION_OUTPUT_TARGET}
    if regional is None or regional.regions is None:
        out["premiums"] = out["corridors"] = None
        return out
    out["premiums"] = {"midwest": score_midwest(regional.regions, dataset, split),
                       "rotterdam_duty_paid": score_rotterdam(regional.regions, dataset)}
    out["corridors"] = score_corridors(regional.regions, dataset)
    return out


def regional_targets(scores: dict) -> dict:
    """The regional entries of metrics.json ``targets`` (value and met; None = not scored)."""
    out = {}
    for code, m in scores["output"].items():
        value = m["mape_out_of_sample"]
        ok = value is not None and np.isfinite(value)
        out[f"region_output.{code}.mape_out_of_sample<={REGION_OUTPUT_TARGET}"] = {
            "value": float(value) if ok else None, "met": bool(value <= REGION_OUTPUT_TARGET) if ok else None}
    midwest = (scores.get("premiums") or {}).get("midwest")
    if midwest is not None:
        directions = midwest["direction_by_year"]
        years = sorted(directions)
        label = f"midwest_premium.direction_right_each_year {years[0]}-{years[-1]}" if years else \
            "midwest_premium.direction_right_each_year"
        right = sum(d["right"] for d in directions.values())
        out[label] = {"value": float(right / len(directions)) if directions else None,
                      "met": midwest["direction_right_every_year"]}
    return out
