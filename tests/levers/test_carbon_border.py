"""The carbon border charge (the EU's CBAM, issue 11): it raises the EU duty-paid premium, leans the
EU's imports toward low-carbon origins, keeps every region's balance, and refuses bad input."""

from __future__ import annotations

import numpy as np
import pytest

from alusim.engine.simulate import prepare, simulate
from alusim.errors import InputError
from alusim.levers.carbon_border import CBAM_FACTOR, factor_by_month
from tests.conftest import QUIET, scenario

REGIONS_ON = {**QUIET, "market.regions_enabled": 1.0}
CBAM = {"type": "carbon_border", "importer": "EU", "price": "90 EUR/t_CO2", "scope": "1+2", "start": "2026-01",
        "source": "test"}


def run(events=(), end="2028-12"):
    return simulate(scenario(start="2025-01", end=end, paths=2, seed=3, events=list(events), assumptions=REGIONS_ON))


@pytest.fixture(scope="module")
def base():
    return run()


@pytest.fixture(scope="module")
def cbam():
    return run([CBAM])


def eu_premium(result, year=2028):
    data = result.regions["premium_usd_t"].sel(region="EU").median("path").to_pandas()
    return float(data[data.index.year == year].mean())


def imports_into_eu(result, year=2028):
    return result.regions["flow_kt"].sel(destination="EU", year=year).median("path").to_pandas()


def test_cbam_raises_the_eu_duty_paid_premium(base, cbam):
    assert eu_premium(cbam) > eu_premium(base) + 50.0
    assert eu_premium(cbam, 2025) == pytest.approx(eu_premium(base, 2025))        # nothing before 2026


def test_cbam_shifts_eu_imports_from_high_to_low_carbon_origins(base, cbam):
    before, after = imports_into_eu(base), imports_into_eu(cbam)
    assert after["IN"] + after["GCC"] + after["CN"] < before["IN"] + before["GCC"] + before["CN"]   # coal and gas
    low = ["CA", "RU"]                                                                             # hydro
    share_low = lambda f: f[low].sum() / f.drop("EU").sum()                                        # noqa: E731
    assert share_low(after) > share_low(before)


def test_with_cbam_every_region_still_balances_each_month(cbam):
    r = cbam.regions
    change = (r["production_kt"] + r["secondary_production_kt"] + r["imports_kt"] - r["exports_kt"]
              - r["consumption_kt"]).values
    stock = r["inventory_total_kt"].values
    assert np.max(np.abs(np.diff(stock, axis=1) - change[:, 1:])) < 1e-6
    np.testing.assert_allclose(r["production_kt"].sum("region").values,
                               cbam.data["production_kt"].sel(region="ROW").values, rtol=1e-9, atol=1e-6)


def test_a_zero_carbon_price_changes_nothing(base):
    late = run([{**CBAM, "price": "0 EUR/t_CO2"}])
    for name in ("premium_usd_t", "imports_kt", "production_kt"):
        np.testing.assert_array_equal(late.regions[name].values, base.regions[name].values)
    np.testing.assert_array_equal(late.data["price_lme_usd_t"].values, base.data["price_lme_usd_t"].values)


def test_the_free_allocation_phase_out_follows_the_official_schedule():
    years = np.array([2025, 2026, 2030, 2034, 2040])
    np.testing.assert_allclose(factor_by_month(years, CBAM_FACTOR), [0.975, 0.975, 0.515, 0.0, 0.0])


def test_a_default_value_for_an_origin_raises_its_charge():
    sc = scenario(start="2025-01", end="2026-12", paths=2, assumptions=REGIONS_ON,
                  events=[{**CBAM, "scope": "1"}, ])
    _, plain = prepare(sc)
    sc2 = scenario(start="2025-01", end="2026-12", paths=2, assumptions=REGIONS_ON,
                   events=[{**CBAM, "scope": "1", "embedded_t_co2_per_t": {"IN": 20.0}}])
    _, given = prepare(sc2)
    i, eu = plain.node_names.index("IN"), plain.node_names.index("EU")
    assert given.node_border[0, 15, i, eu] > plain.node_border[0, 15, i, eu]
    assert plain.node_border[0, 0, i, eu] == 0.0                                     # 2025: not yet


@pytest.mark.parametrize("event, message", [
    ({**CBAM, "importer": "XX"}, r"^events\.0\.importer: unknown region or country"),
    ({**CBAM, "embedded_t_co2_per_t": {"ZZ": 3.0}}, r"^events\.0\.embedded_t_co2_per_t: unknown region"),
])
def test_bad_carbon_border_events_are_refused_with_one_line(event, message):
    sc = scenario(start="2025-01", end="2026-12", paths=2, assumptions=REGIONS_ON, events=[event])
    with pytest.raises(InputError, match=message):
        prepare(sc)


def test_with_the_regions_off_a_carbon_border_charge_is_refused():
    sc = scenario(start="2025-01", end="2026-12", paths=2, assumptions=QUIET, events=[CBAM])
    with pytest.raises(InputError, match=r"^events\.0: a carbon border charge acts between regions"):
        prepare(sc)


@pytest.mark.parametrize("changes, text", [
    ({"price": "-5 EUR/t_CO2"}, "cannot be negative"),
    ({"path": {"2026-01": "80 EUR/t_CO2"}}, "exactly one of price or path"),
    ({"benchmark_t_co2_per_t": -1.0}, "benchmark_t_co2_per_t"),
    ({"free_allocation": {2026: 1.5}}, "free_allocation"),
])
def test_bad_carbon_border_fields_fail_validation(tmp_path, capsys, changes, text):
    import yaml

    from alusim.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "start": "2025-01", "end": "2026-12", "paths": 2,
                                    "assumptions": {"market.regions_enabled": 1},
                                    "events": [{**CBAM, **changes}]}))
    assert main(["scenario", "validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert text in err and len(err.splitlines()) == 1
