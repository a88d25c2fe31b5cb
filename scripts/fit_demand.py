"""Fit the demand model and the scrap collection factor on the whole record and save them.

    python scripts/fit_demand.py [--first 2010] [--last 2024]

Writes ``src/alusim/data/default/demand_fit.csv`` (elasticities, trends, standard errors) and sets
``recycling.collection_factor.cn`` in ``parameters.csv``; prints both fits with their statistics
(docs/demand.md reports them). The backtest refits both on its in-sample years only.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

from alusim.dataset import load_dataset
from alusim.demand.model import fit_demand
from alusim.recycling.fit import fit_cn

DATA = Path(__file__).resolve().parents[1] / "src" / "alusim" / "data" / "default"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=2010)
    parser.add_argument("--last", type=int, default=2024)
    args = parser.parse_args()
    dataset = load_dataset(use_cache=False)
    model = fit_demand(dataset, args.first, args.last)
    table = model.table()
    table.to_csv(DATA / "demand_fit.csv", index=False, float_format="%.6g")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.drop(columns=["source", "confidence"]).to_string(index=False))
    with open(DATA / "parameters.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for market, fit, what in (("cn", fit_cn, "recorded recycled output"),):
        from alusim.history.replay import RECYCLING_FIT_FIRST_YEAR

        scrap = fit(dataset, max(args.first, RECYCLING_FIT_FIRST_YEAR), args.last)
        years = scrap.years
        fitted = {f"recycling.collection_factor.{market}": (scrap.factor, scrap.factor_se, "scale on old-scrap collection"),
                  f"recycling.imported_scrap_yield.{market}": (
                      scrap.import_yield, scrap.import_yield_se,
                      "recycled output per t of imported scrap (gross weight), fitted jointly with the collection "
                      "factor: mixed lots and domestic scrap collected in place of imports")}
        for row in rows:
            if row["name"] in fitted:
                value, se, meaning = fitted[row["name"]]
                row["value"] = f"{value:.4f}"
                row["source"] = ("alusim fit (scripts/fit_demand.py) of the stock model to recorded recycled output, "
                                 "history_monthly.csv / history_annual.csv")
                row["note"] = (f"{meaning}; fitted by scripts/fit_demand.py on {what} {years[0]}-{years[-1]} "
                               f"({len(years)} years): {value:.3f} ± {se:.3f} (s.e.)")
        print(f"China scrap fit on {list(years)}: collection factor {scrap.factor:.4f} ± {scrap.factor_se:.4f}, "
              f"imported-scrap yield {scrap.import_yield:.4f} ± {scrap.import_yield_se:.4f}")
    with open(DATA / "parameters.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

if __name__ == "__main__":
    main()
