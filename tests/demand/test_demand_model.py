"""Demand from activity drivers: the driver table's checks, levels, the fits, saturation, the lever."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from alusim.cli import main
from alusim.dataset.paths import default_data_dir
from alusim.demand.drivers import check_drivers, driver_level
from alusim.demand.fit import fit_sector
from alusim.demand.model import annual_demand_kt, model_from_table, saturate
from alusim.demand.record import apparent_consumption_kt
from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario


def drivers(*rows):
    return pd.DataFrame([dict(driver=d, region=r, year=y, value=v, unit=u, basis="actual", source="test source",
                              confidence="high", note=None) for d, r, y, v, u in rows])


def test_growth_drivers_compound_into_a_level_and_extend_at_their_recent_mean():
    table = drivers(*[("gdp_growth_pct", "CN", y, g, "percent") for y, g in ((2020, 2.0), (2021, 8.0),
                                                                               (2022, 3.0), (2023, 5.0))])
    level = driver_level(table, "gdp_growth_pct", "CN", range(2020, 2026))
    assert level[2020] == pytest.approx(100.0)
    assert level[2023] == pytest.approx(100.0 * 1.08 * 1.03 * 1.05)
    assert level[2025] / level[2024] == pytest.approx(1.0 + (0.08 + 0.03 + 0.05) / 3)
    moved = driver_level(table, "gdp_growth_pct", "CN", range(2020, 2026), changes={2022: -0.1})
    assert moved[2021] == level[2021] and moved[2024] == pytest.approx(level[2024] * 0.9)


def test_level_drivers_are_held_after_the_record_and_bridged_between_published_years():
    table = drivers(("pv_installations_gw", "CN", 2020, 50.0, "GW"), ("pv_installations_gw", "CN", 2022, 200.0, "GW"))
    level = driver_level(table, "pv_installations_gw", "CN", [2020, 2021, 2022, 2030])
    assert level[2021] == pytest.approx(100.0)            # log-linear between 50 and 200
    assert level[2030] == 200.0                           # held: no boom extrapolated


@pytest.mark.parametrize("rows, message", [
    ([("gdp_growth", "CN", 2020, 2.0, "percent")], "unknown driver 'gdp_growth'"),
    ([("gdp_growth_pct", "CN", 2020, 2.0, "%")], "gdp_growth_pct is in percent"),
    ([("gdp_growth_pct", "CN", 2020, 2.0, "percent"), ("gdp_growth_pct", "CN", 2022, 2.0, "percent")],
     r"gdp_growth_pct \(CN\) has no row for 2021"),
    ([("vehicle_output_m", "CN", 2020, -1.0, "million")], "cannot be negative"),
])
def test_bad_driver_tables_are_refused_naming_the_line(rows, message):
    with pytest.raises(InputError, match=message):
        check_drivers(drivers(*rows))


def test_a_fit_recovers_a_known_elasticity_and_trend():
    years = np.arange(2010, 2020)
    rng = np.random.default_rng(3)
    x = pd.Series(np.exp(np.linspace(0, 1.2, 10) + rng.normal(0, 0.15, 10)), index=years)
    y = pd.Series(50.0 * x.to_numpy() ** 0.8 * np.exp(0.02 * (years - 2010)), index=years)
    fit = fit_sector("CN", "transport", "vehicle_output_m", y, x, 2010)
    assert fit.spec == "elasticity"
    assert fit.elasticity == pytest.approx(0.8, abs=1e-6) and fit.trend == pytest.approx(0.02, abs=1e-6)
    # a driver moving against the sector cannot give a negative elasticity: unit intensity instead
    against = pd.Series(50.0 * x.to_numpy() ** -0.5 * np.exp(0.02 * (years - 2010)), index=years)
    assert fit_sector("CN", "transport", "vehicle_output_m", against, x, 2010).spec == "unit_intensity"


def test_saturation_leaves_demand_alone_far_below_it_and_caps_it_near_it(dataset):
    per_person = dataset.demand_value("CN", "saturation_kg") * dataset.demand_value("CN", "population_m")
    low = pd.DataFrame({"construction": [0.5 * per_person]}, index=[2024])
    high = pd.DataFrame({"construction": [2.0 * per_person]}, index=[2024])
    assert saturate(dataset, low).iloc[0, 0] == pytest.approx(0.5 * per_person, rel=1e-3)
    assert saturate(dataset, high).iloc[0, 0] < per_person


def test_the_shipped_fit_reproduces_china_apparent_consumption_in_its_years(dataset):
    model = model_from_table(dataset, dataset.demand_fit)
    record = apparent_consumption_kt(dataset)["consumption"]
    years = [y for y in record.index if model.fit_years[0] <= y <= model.fit_years[1]]
    demand = annual_demand_kt(dataset, model, years)
    china = demand[demand["region"] == "CN"].groupby("year")["total_kt"].sum()
    error = (china / record.loc[years] - 1.0).abs()
    # every recorded year within 6% but 2020, the pandemic year (record imports: apparent use +8.8 %
    # on GDP +2.2 %), within 8%; most within 3%
    assert error.drop(2020).max() < 0.06 and error.loc[2020] < 0.08, error.round(3).to_dict()
    assert error.median() < 0.03, error.round(3).to_dict()


def test_a_driver_path_moves_the_sectors_it_drives_and_nothing_when_absent(dataset):
    base = scenario(end="2030-12", paths=2, assumptions=QUIET)
    _, plain = prepare(base, dataset)
    _, again = prepare(base, dataset)
    np.testing.assert_array_equal(plain.demand_base, again.demand_base)
    event = dict(type="driver_path", driver="pv_installations_gw", region="CN", pct=0.5, start="2027-01")
    _, more_pv = prepare(base.model_copy(update={"events": [*base.events]}).model_validate(
        {**base.model_dump(), "events": [event]}), dataset)
    ratio = more_pv.demand_base[0, :, 0] / plain.demand_base[0, :, 0]
    # 2025's total untouched (to 0.01 %) and its months within 0.25 % (the mid-year levels that keep every year's
    # total are solved together, so a later change reshapes earlier months a little, never their sum)
    assert more_pv.demand_base[0, :12, 0].sum() == pytest.approx(plain.demand_base[0, :12, 0].sum(), rel=1e-4)
    assert np.allclose(ratio[:12], 1.0, atol=2.5e-3) and ratio[-1] > 1.02      # PV is several % of China use
    np.testing.assert_array_equal(more_pv.demand_base[0, :, 1], plain.demand_base[0, :, 1])


@pytest.mark.parametrize("event, message", [
    (dict(type="driver_path", driver="rainfall_mm", region="CN", pct=0.1, start="2026-01"), "unknown driver"),
    (dict(type="driver_path", driver="pv_installations_gw", region="US", pct=0.1, start="2026-01"),
     "no demand follows pv_installations_gw of 'US'"),
])
def test_driver_path_errors_name_the_event(dataset, event, message):
    with pytest.raises(InputError, match=rf"^events\.0.*{message}"):
        prepare(scenario(end="2027-12", paths=2, events=[event]), dataset)


def test_a_history_file_with_a_gap_or_a_wrong_unit_is_refused_by_validate(tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder)
    history = pd.read_csv(folder / "history_monthly.csv", keep_default_na=False, na_values=[""])
    monthly = history[(history["variable"] == "price_lme_usd_t") & (history["period"] == "2016-05")].index
    history.drop(index=monthly).to_csv(folder / "history_monthly.csv", index=False)
    assert main(["data", "validate", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "price_lme_usd_t (WORLD) has no row for 2016-05" in err
    history.loc[monthly, "unit"] = "USD/lb"
    history.to_csv(folder / "history_monthly.csv", index=False)
    assert main(["data", "validate", "--data", str(folder)]) == 2
    assert "is in USD/t, not 'USD/lb'" in capsys.readouterr().err


def test_the_shipped_fit_is_what_the_fitting_script_gives_on_the_shipped_data(dataset):
    from alusim.demand.model import fit_demand
    from alusim.recycling.fit import fit_cn

    saved = dataset.demand_fit.reset_index(drop=True)
    fitted = fit_demand(dataset, 2010, 2024).table().reset_index(drop=True)
    assert list(saved["sector"]) == list(fitted["sector"]) and list(saved["spec"]) == list(fitted["spec"])
    for column in ("elasticity", "trend", "intercept", "trend_se"):
        np.testing.assert_allclose(saved[column].to_numpy(float), fitted[column].to_numpy(float), rtol=1e-4,
                                   atol=1e-6, err_msg=column)
    from alusim.history.replay import RECYCLING_FIT_FIRST_YEAR

    scrap = fit_cn(dataset, RECYCLING_FIT_FIRST_YEAR, 2024)
    assert dataset.param("recycling.collection_factor.cn") == pytest.approx(scrap.factor, abs=1e-4)
    assert dataset.param("recycling.imported_scrap_yield.cn") == pytest.approx(scrap.import_yield, abs=1e-4)


@pytest.mark.parametrize("name, value", [("demand.na.income_elasticity", -0.4), ("demand.cn.price_elasticity", 0.3),
                                         ("demand.cn.saturation_kg", 0.0)])
def test_an_impossible_demand_assumption_is_refused(dataset, name, value):
    with pytest.raises(InputError, match=rf"^assumptions\.{re.escape(name)}: .* is outside the parameter.s range"):
        dataset.with_overrides({name: value})


def test_driver_uncertainty_widens_demand_fans_with_the_horizon_and_keeps_the_mean(dataset):
    from alusim.engine.stochastic import driver_uncertainty

    wide = driver_uncertainty(dataset, 4000, 120, seed=5)
    spread = np.log(wide[:, :, 0]).std(axis=0)
    assert spread[11] < spread[59] < spread[119]
    assert spread[119] == pytest.approx(0.015 * np.sqrt(10), rel=0.1)          # 1.5 %/yr over ten years
    assert wide[:, 119, 0].mean() == pytest.approx(1.0, abs=0.01)
    quiet = dataset.with_overrides({"demand.driver_growth_sd_pct_per_year.cn": 0.0,
                                    "demand.driver_growth_sd_pct_per_year.row": 0.0})
    assert np.all(driver_uncertainty(quiet, 10, 24, seed=5) == 1.0)


def test_monthly_demand_keeps_each_years_total_and_has_no_january_step():
    """The annual → monthly profile must not shift demand toward the next year: each year's months add
    up to its annual value (a 2020-style dip stays as deep), and the path is continuous."""
    from alusim.demand.paths import monthly

    annual = pd.Series([100.0, 90.0, 110.0, 115.0], index=[2019, 2020, 2021, 2022])
    labels = pd.period_range("2019-01", "2023-12", freq="M")
    out = monthly(annual, labels)
    totals = out[:48].reshape(4, 12).sum(axis=1)
    assert totals == pytest.approx(annual.to_numpy(), rel=1e-9)
    steps = np.abs(np.diff(out))
    assert steps.max() < 0.25          # at most a month's share of the steepest year-on-year change
    assert out[48:] == pytest.approx(out[47])   # beyond the series: its last level, flat
    season = np.array([0.9, 0.95, 1.05, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    assert monthly(annual, labels, season)[2] == pytest.approx(out[2] * 1.05)
