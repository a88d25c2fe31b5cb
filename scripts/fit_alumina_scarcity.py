"""Fit the alumina price's response to scarcity on 2015-2019 only (issue 12; docs/history.md, "Alumina").

The alumina price's target is support × price-to-cost × (stocks / normal)^−``stock_elasticity``, the
stock ratio bounded below by ``stock_ratio_floor`` (alusim.alumina.market). Both were priors (0.6 and
0.5): at the floor the price reaches only 0.5^−0.6 = 1.52 × its support times price-to-cost (1.37 ×
support), while the 2018 Alunorte embargo and the 2024 shortage took the seaborne price to 1.5–2 ×
the cash cost. A replay of 2015-01...2019-12 (nothing after 2019 is simulated or read: the 2018
spike is in sample, the 2024 one is not) with the alumina market on, for each pair of the grid;
the loss is the one of ``scripts/fit_alumina.py``: the mean in-sample MAPE of China's annual alumina
price and of FOB Australia's. Also reported, not fitted on: the mean absolute year-on-year move of
the simulated FOB price (the record's is 28 % over 2015-2019) and China's alumina output error.
Writes ``src/alusim/data/calibration/alumina_scarcity_2015_2019.csv``.

    PYTHONPATH=src python scripts/fit_alumina_scarcity.py [--paths 60]
"""

from __future__ import annotations

import itertools

import pandas as pd

from alusim import load_dataset
from alusim.history.alumina_scoring import recorded_alumina

ELASTICITY = (0.3, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
FLOOR = (0.6, 0.5, 0.4, 0.3, 0.2)
YEARS = list(range(2015, 2020))


def errors(dataset, record, elasticity: float, floor: float, paths: int) -> dict:
    from fit_alumina import replay_errors  # the sibling script (scripts/ is on sys.path)

    out = {"stock_elasticity": elasticity, "stock_ratio_floor": floor}
    assumptions = {"alumina.market.stock_elasticity": elasticity, "alumina.market.stock_ratio_floor": floor}
    return {**out, **replay_errors(dataset, record, assumptions, paths, YEARS)}


def main() -> None:
    from fit_alumina import paths_option, save_grid  # the sibling script (scripts/ is on sys.path)

    paths = paths_option()
    dataset = load_dataset()
    record = recorded_alumina(dataset)
    rows = [errors(dataset, record, e, f, paths) for e, f in itertools.product(ELASTICITY, FLOOR)]
    table = pd.DataFrame(rows).sort_values("loss")
    save_grid(table, "alumina_scarcity_2015_2019.csv")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
