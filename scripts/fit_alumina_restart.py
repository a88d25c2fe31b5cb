"""Fit the refineries' restart hysteresis on 2015-2019 only (issue 12; docs/history.md, "Alumina").

``alumina.market.restart_margin_pct_of_cost`` (the expected margin, share of cash cost, at which a
curtailed refinery brings capacity back) was a prior of 15 % with no source. A refinery's restart
costs little next to a smelter's (no potline to re-bake; digesters are kept warm), so a lower hurdle
may damp the cycle in which refineries cut below cash cost and come back only at a 15 % margin. A
replay of 2015-01...2019-12 (nothing after 2019 is simulated or read) with the alumina market on, for
each hurdle and each demand mode (``alumina.market.demand_from_kernel`` 0/1); the loss is the one of
``scripts/fit_alumina.py``: the mean in-sample MAPE of China's annual alumina price and of FOB
Australia's. Also reported, not fitted on: the mean absolute year-on-year move of the simulated FOB
price (the record's is 28 % over 2015-2019) and the 2015-2019 China output error where recorded.
Writes ``src/alusim/data/calibration/alumina_restart_2015_2019.csv``.

    PYTHONPATH=src python scripts/fit_alumina_restart.py [--paths 60]
"""

from __future__ import annotations

import itertools

import pandas as pd

from alusim import load_dataset
from alusim.history.alumina_scoring import recorded_alumina

MARGINS = (0.0, 3.0, 7.0, 15.0)
DEMAND = (0.0, 1.0)
YEARS = list(range(2015, 2020))


def errors(dataset, record, margin: float, from_kernel: float, paths: int) -> dict:
    from fit_alumina import replay_errors  # the sibling script (scripts/ is on sys.path)

    out = {"restart_margin_pct_of_cost": margin, "demand_from_kernel": from_kernel}
    assumptions = {"alumina.market.restart_margin_pct_of_cost": margin, "alumina.market.demand_from_kernel": from_kernel}
    return {**out, **replay_errors(dataset, record, assumptions, paths, YEARS)}


def main() -> None:
    from fit_alumina import paths_option, save_grid  # the sibling script (scripts/ is on sys.path)

    paths = paths_option()
    dataset = load_dataset()
    record = recorded_alumina(dataset)
    rows = []
    for a, b in itertools.product(MARGINS, DEMAND):
        rows.append(errors(dataset, record, a, b, paths))
        print(rows[-1], flush=True)
    table = pd.DataFrame(rows).sort_values("loss")
    save_grid(table, "alumina_restart_2015_2019.csv")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
