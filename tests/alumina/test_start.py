"""A replay's refinery start (issue 12): balanced against the smelters' use, dearest idle first; and
Chinese domestic ore priced along its provincial quotes."""

import numpy as np

from alusim.alumina.costs import domestic_cn_path
from alusim.alumina.engine import balanced_start


def test_balanced_start_idles_the_dearest_first_and_lets_them_restart():
    capacity = np.array([1200.0, 1200.0, 1200.0, 600.0])
    run0 = np.array([1.0, 1.0, 1.0, 0.5])
    cost = np.array([3000.0, 2000.0, 2500.0, 300.0])
    market = np.array([0, 0, 0, 1])
    demand = np.array([150.0, 100.0])                      # kt/month: China 1,800 kt/yr, ROW more than it runs
    run, ceiling, notes = balanced_start(run0, capacity, cost, market, demand, headroom=0.1)
    assert np.isclose((capacity * run)[market == 0].sum(), 1800.0)
    assert run[1] == 1.0 and np.isclose(run[2], 0.5) and run[0] == 0.0     # cheapest runs, dearest idles
    assert ceiling[0] == 1.0 and ceiling[2] == 1.0 and ceiling[1] == 1.0    # cut ones may restart in full
    assert run[3] == 0.5 and np.isclose(ceiling[3], 0.6)                    # a short market is left alone
    assert len(notes) == 1


def test_domestic_ore_follows_its_quotes(dataset):
    when = np.array([2015.5, 2022.4, 2024.0, 2026.0])      # first quote 2022-06
    path = domestic_cn_path(dataset, np.array(["Shanxi", "Guangxi", "Nowhere"]), when)
    assert path.shape == (4, 3)
    assert path[0, 0] == path[1, 0] < path[2, 0] < path[3, 0]    # held before the first quote, rising after
    assert path[3, 0] == 600.0 and path[0, 1] < path[0, 0]
    assert np.all(np.isfinite(path[:, 2]))                       # an unquoted province takes the mean
