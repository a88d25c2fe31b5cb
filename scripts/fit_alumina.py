"""Fit the alumina market's cost level on 2015-2019 only (issue 12; docs/history.md, "Alumina").

A replay of 2015-01...2019-12 (nothing after 2019 is simulated or read) with the alumina market on and
its price free from the first month (``alumina.market.pin_until_year`` 0); the loss is the mean of
the in-sample MAPE of China's annual alumina price and of FOB Australia's. A grid over the refineries'
other conversion cost (``alumina.other.cn_cny_t`` × ``alumina.other.row_usd_t``: labour, lime,
maintenance, power, residue — the component of the build-up with no published series) and the
price-to-cost ratio of each market. Where the price forms on the margin of the refinery that curtails
or restarts, a price-to-cost ratio barely moves it (the first grid: 1.0-1.5 moved China's in-sample
MAPE from 25 to 22 %); the cost level does. A candidate is admissible only if its 2024 China curve
stays within the published full-cost ranges (tests/alumina/test_costs.py: Shandong imported-ore
refineries ≤ 3,100 CNY/t, Shanxi/Henan domestic-ore ≤ 3,200): a cash cost above a published full
cost is not a fit. The best admissible candidate is the one shipped. Writes the grid and each candidate's errors to
``src/alusim/data/calibration/alumina_2015_2019.csv``.

    PYTHONPATH=src python scripts/fit_alumina.py [--paths 60]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from alusim import load_dataset
from alusim.engine.simulate import simulate
from alusim.history.alumina_scoring import recorded_alumina
from alusim.history.replay import replay
from alusim.history.scoring import mape

OTHER_CN = (450.0, 700.0, 950.0, 1200.0)
OTHER_ROW = (100.0, 140.0, 180.0)
RATIO = (0.9, 1.0, 1.1)
YEARS = list(range(2015, 2020))


def errors(dataset, record, other_cn: float, other_row: float, ratio: float, paths: int) -> dict:
    scenario, history = replay(dataset, "2015-01", "2019-12", paths=paths, seed=11, fit_last=2019,
                               assumptions={"alumina.market": 1.0, "alumina.market.pin_until_year": 0.0,
                                            "alumina.other.cn_cny_t": other_cn,
                                            "alumina.other.row_usd_t": other_row,
                                            "alumina.market.price_to_cost.cn": ratio,
                                            "alumina.market.price_to_cost.row": ratio})
    result = simulate(scenario, history)
    annual = result.annual()
    out = {"other_cn_cny_t": other_cn, "other_row_usd_t": other_row, "price_to_cost": ratio}
    for key, variable, region in (("alumina_cn", "price_alumina_cny_t", "CN"),
                                  ("alumina_fob", "price_alumina_usd_t", "WORLD")):
        values = np.median(annual[variable].sel(region=region).values, axis=0)
        sim = pd.Series(values, index=[int(str(m)[:4]) for m in annual["month"].values])
        out[f"mape_{key}"] = mape(sim, record[key], YEARS)
    out["loss"] = (out["mape_alumina_cn"] + out["mape_alumina_fob"]) / 2.0
    out["admissible"] = admissible(dataset, other_cn)
    return out


def admissible(dataset, other_cn: float) -> bool:
    from alusim.alumina.curve import refinery_curve

    curve = refinery_curve(dataset.with_overrides({"alumina.other.cn_cny_t": other_cn}), region="CN", year=2024)
    inland = curve[curve["province"].isin(["Shanxi", "Henan"]) & (curve["bauxite_source"] == "domestic")]
    shandong = curve[(curve["province"] == "Shandong") & (curve["bauxite_source"] == "imported")]
    return bool(np.average(inland["cash_cost_cny_t"], weights=inland["capacity_kt"]) <= 3200
                and np.average(shandong["cash_cost_cny_t"], weights=shandong["capacity_kt"]) <= 3100)


def paths_option() -> int:
    """``--paths`` of the alumina fit scripts (paths per replay, common random numbers)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=60)
    return parser.parse_args().paths


def replay_errors(dataset, record, assumptions: dict, paths: int, years: list[int]) -> dict:
    """A 2015-01...2019-12 replay with the alumina market on, its price free from the first month, and
    ``assumptions`` on top: the in-sample MAPE of China's price, FOB Australia and China's output, the
    mean absolute year-on-year FOB move, the 2018 FOB average and the loss (mean of the two prices'
    MAPE) — what the sibling fits (restart hysteresis, scarcity response) score a candidate on."""
    scenario, history = replay(dataset, "2015-01", "2019-12", paths=paths, seed=11, fit_last=2019,
                               assumptions={"alumina.market": 1.0, "alumina.market.pin_until_year": 0.0,
                                            **assumptions})
    annual = simulate(scenario, history).annual()
    out = {}
    index = [int(str(m)[:4]) for m in annual["month"].values]
    for key, variable, region in (("alumina_cn", "price_alumina_cny_t", "CN"),
                                  ("alumina_fob", "price_alumina_usd_t", "WORLD"),
                                  ("china_alumina_production", "production_alumina_kt", "CN")):
        sim = pd.Series(np.median(annual[variable].sel(region=region).values, axis=0), index=index)
        scored = [y for y in years if y in record[key].index]
        out[f"mape_{key}"] = mape(sim, record[key], scored) if scored else np.nan
        if key == "alumina_fob":
            out["fob_mean_abs_move"] = float(np.mean(np.abs(np.diff(np.log(sim.loc[years].to_numpy())))))
            out["fob_2018"] = float(sim.loc[2018])
    out["loss"] = (out["mape_alumina_cn"] + out["mape_alumina_fob"]) / 2.0
    return out


def save_grid(table: pd.DataFrame, name: str) -> Path:
    """Write a fit's scored grid to ``src/alusim/data/calibration/<name>`` (the parameters' cited source)."""
    path = Path(__file__).resolve().parents[1] / "src" / "alusim" / "data" / "calibration" / name
    table.to_csv(path, index=False, float_format="%.4f")
    return path


def main() -> None:
    paths = paths_option()
    dataset = load_dataset()
    record = recorded_alumina(dataset)
    rows = [errors(dataset, record, a, b, c, paths) for a, b, c in itertools.product(OTHER_CN, OTHER_ROW, RATIO)]
    table = pd.DataFrame(rows).sort_values(["admissible", "loss"], ascending=[False, True])
    save_grid(table, "alumina_2015_2019.csv")
    print(table.head(8).to_string(index=False))


if __name__ == "__main__":
    main()
