"""demand_shock: demand in a market (CN, ROW, WORLD) or an IAI region changes by pct in the window; a
sector shock scales by the sector's share of the region's demand (demand_sectors.csv)."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, inputs_of, monthly, run

SHOCK = {"type": "demand_shock", "region": "CN", "pct": 0.05, "start": "2025-04", "end": "2025-09"}


def ratio(inputs, base):
    return inputs.demand_base[0] / base.demand_base[0]                   # (months, markets)


def test_market_shock_scales_its_market_in_its_window(dataset):
    base = inputs_of(dataset)
    r = ratio(inputs_of(dataset, [SHOCK]), base)
    assert np.allclose(r[3:9, 0], 1.05) and np.all(r[:3, 0] == 1) and np.all(r[9:, 0] == 1)
    assert np.all(r[:, 1] == 1)
    world = ratio(inputs_of(dataset, [{**SHOCK, "region": "WORLD", "pct": "-10%"}]), base)
    assert np.allclose(world[3:9], 0.9)


def test_sector_and_region_shocks_are_weighted(dataset):
    base = inputs_of(dataset)
    construction = ratio(inputs_of(dataset, [{**SHOCK, "sector": "construction"}]), base)
    # China's sectors follow their drivers: construction's share of the event year's demand
    from alusim.demand.paths import market_paths

    annual = market_paths(dataset, int(SHOCK["start"][:4]), int(SHOCK["start"][:4])).annual
    china = annual[annual["region"] == "CN"]
    share = float(china.loc[china["sector"] == "construction", "total_kt"].sum() / china["total_kt"].sum())
    assert 0.2 < share < 0.4 and np.allclose(construction[3:9, 0], 1 + 0.05 * share)
    demand = dataset.demand.set_index("region")["consumption_kt"]
    na_weight = demand["NA"] / demand.drop("CN").sum()
    na = ratio(inputs_of(dataset, [{**SHOCK, "region": "NA"}]), base)
    assert np.allclose(na[3:9, 1], 1 + 0.05 * na_weight) and np.all(na[:, 0] == 1)


def test_absent_shock_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, SHOCK)


def test_shock_in_an_unknown_region_is_an_error(dataset):
    events = [{"type": "export_tax", "rate": 0.1, "start": "2025-01"}, {**SHOCK, "region": "Mars"}]
    with pytest.raises(InputError, match=r"^events\.1\.region: unknown demand region 'Mars'"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_demand_shock_raises_consumption_and_shfe(dataset):
    base, shock = run(dataset), run(dataset, [{**SHOCK, "end": None}])
    cons = monthly(shock, "consumption_kt", "CN") - monthly(base, "consumption_kt", "CN")
    assert np.all(cons[:3] == 0) and cons[3] > 0
    shfe = monthly(shock, "price_shfe_cny_t", "CN") - monthly(base, "price_shfe_cny_t", "CN")
    assert shfe[-1] > 0
