"""Sensitivity sweeps through an executor, and demand-table overrides by name."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from alusim.analysis.sensitivity import parse_vary, run_sensitivity, tornado_figure
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from tests.conftest import scenario


def test_parse_vary_and_errors():
    v = parse_vary("market.price_adjust_per_month=0.1:0.3")
    assert (v.name, v.low, v.high) == ("market.price_adjust_per_month", 0.1, 0.3)
    for bad in ("nonsense", "a.b=1", "a.b=1:1", "x=1:2"):
        with pytest.raises(InputError):
            parse_vary(bad)


def test_demand_columns_are_overridable_by_name(dataset):
    changed = dataset.with_overrides({"demand.na.income_elasticity": 1.5})
    assert changed.demand_value("NA", "income_elasticity") == 1.5
    low = simulate(scenario(end="2030-12", paths=4, assumptions={"demand.na.income_elasticity": 0.2}))
    high = simulate(scenario(end="2030-12", paths=4, assumptions={"demand.na.income_elasticity": 1.5}))
    last = low.annual()["demand_kt"].sel(region="ROW").median("path").values[-1]
    assert high.annual()["demand_kt"].sel(region="ROW").median("path").values[-1] > last * 1.005


def test_tornado_table_orders_by_swing_and_uses_paired_seeds():
    sc = scenario(end="2027-12", paths=8)
    varies = [parse_vary("demand.cn.intensity_shift_pct_per_year=0:4"),
              parse_vary("market.price_adjust_per_month=0.29:0.31")]
    with ThreadPoolExecutor(2) as pool:
        table = run_sensitivity(sc, varies, output="price_shfe_cny_t", region="CN", year=2027, executor=pool)
    assert list(table["parameter"]) == ["demand.cn.intensity_shift_pct_per_year", "market.price_adjust_per_month"]
    assert table["swing"].iloc[0] > table["swing"].iloc[1] >= 0
    growth = table.iloc[0]
    assert growth["outcome_high"] > growth["outcome_low"]        # more Chinese demand, dearer SHFE
    figure = tornado_figure(table)
    assert len(figure.data) == 2


def test_unknown_output_region_and_year():
    sc = scenario(end="2025-12", paths=2)
    vary = [parse_vary("market.price_adjust_per_month=0.2:0.4")]
    with pytest.raises(InputError, match="output"):
        run_sensitivity(sc, vary, output="nope")
    with pytest.raises(InputError, match="region"):
        run_sensitivity(sc, vary, output="production_kt", region="MARS")
    with pytest.raises(InputError, match="year"):
        run_sensitivity(sc, vary, output="production_kt", year=2040)
