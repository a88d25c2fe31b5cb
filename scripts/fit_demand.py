"""Fit the demand model and the scrap collection factor on the whole record and save them.

    python scripts/fit_demand.py [--first 2010] [--last 2024]

Writes ``src/alusim/data/default/demand_fit.csv`` (elasticities, trends, standard errors) and sets
``recycling.collection_factor.cn`` in ``parameters.csv``; prints both fits with their statistics
(docs/demand.md reports them). The backtest refits both on its in-sample years only.
"""

from __future__ import annotations

import argparse
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
    factor, se, years = fit_cn(dataset, args.first, args.last)
    params = pd.read_csv(DATA / "parameters.csv", keep_default_na=False, na_values=[""])
    hit = params["name"] == "recycling.collection_factor.cn"
    params.loc[hit, "value"] = round(factor, 4)
    params.loc[hit, "note"] = (f"fitted by scripts/fit_demand.py on recorded recycled output {years[0]}-{years[-1]} "
                               f"({len(years)} years): {factor:.3f} ± {se:.3f} (s.e.)")
    params.to_csv(DATA / "parameters.csv", index=False)
    print(f"recycling.collection_factor.cn = {factor:.4f} ± {se:.4f} on {years}")


if __name__ == "__main__":
    main()
