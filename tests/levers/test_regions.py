"""The regions outside China as markets (issue 11): premiums, corridors and the trade measures that
act between regions. Quiet paths, the regional model switched on."""

from __future__ import annotations

import numpy as np
import pytest

from alusim.engine.simulate import prepare, simulate
from alusim.errors import InputError
from tests.conftest import QUIET, scenario

REGIONS_ON = {**QUIET, "market.regions_enabled": 1.0}
#: Section 232 as in 2025: 50 % on every exporter into the US from March 2025 (no exemptions)
SECTION_232 = {"type": "import_tariff", "importer": "US", "exporter": "*", "rate": 0.5, "start": "2025-03",
               "source": "test"}
RUSSIA_BAN = {"type": "sanction", "exporter": "RU", "importers": ["EU", "US"], "start": "2025-03", "source": "test"}


def run(events=(), end="2026-12", assumptions=None):
    return simulate(scenario(start="2025-01", end=end, paths=2, seed=3, events=list(events),
                             assumptions={**REGIONS_ON, **(assumptions or {})}))


def year(result, variable, region, y=None, how="mean"):
    data = result.regions[variable].sel(region=region).median("path").to_pandas()
    picked = data[data.index.year == (y or data.index.year.max())]
    return float(picked.sum() if how == "sum" else picked.mean())


def flow(result, origin, destination, y=2026):
    return float(result.regions["flow_kt"].sel(origin=origin, destination=destination, year=y).median("path"))


@pytest.fixture(scope="module")
def base():
    return run()


def test_regions_add_up_to_the_rest_of_the_world_and_balance_each_month(base):
    """Each region's stocks change by its output, recycled metal, receipts, shipments and use, to
    1e-6 kt; the regions add up to the rest of the world's demand, output and stocks."""
    r = base.regions
    stock = r["inventory_total_kt"].values
    opening = np.concatenate([stock[:, :1] - (r["production_kt"] + r["secondary_production_kt"] + r["imports_kt"]
                                              - r["exports_kt"] - r["consumption_kt"]).values[:, :1], stock[:, :-1]],
                             axis=1)
    change = (r["production_kt"] + r["secondary_production_kt"] + r["imports_kt"] - r["exports_kt"]
              - r["consumption_kt"]).values
    assert np.max(np.abs(opening + change - stock)) < 1e-6
    for name, aggregate in (("demand_kt", "demand_kt"), ("production_kt", "production_kt"),
                            ("inventory_total_kt", "inventory_total_kt")):
        total = r[name].sum("region").values
        row = base.data[aggregate].sel(region="ROW").values
        np.testing.assert_allclose(total, row, rtol=1e-9, atol=1e-6, err_msg=name)


def test_section_232_lifts_the_midwest_premium_by_most_of_the_duty_and_cuts_canadas_exports_less(base):
    tariff = run([SECTION_232])
    lme = year(base, "price_usd_t", "US") - year(base, "premium_usd_t", "US")
    duty = 0.5 * (lme + year(base, "premium_usd_t", "CA"))
    rise = year(tariff, "premium_usd_t", "US") - year(base, "premium_usd_t", "US")
    assert 0.5 * duty < rise < 1.2 * duty, (rise, duty)
    before, after = flow(base, "CA", "US"), flow(tariff, "CA", "US")
    assert after < before                                   # Canada ships less to the US …
    assert after / before > 1.0 / 1.5                       # … but less than in proportion to the duty
    assert year(tariff, "premium_usd_t", "CA") < year(base, "premium_usd_t", "CA")   # its netback falls


def test_a_russian_ban_redirects_russian_metal_to_china_and_asia_and_widens_the_rotterdam_premium(base):
    ban = run([RUSSIA_BAN])
    assert flow(ban, "RU", "EU") < 0.05 * flow(base, "RU", "EU")
    assert flow(ban, "RU", "CN") + flow(ban, "RU", "ASIA") > flow(base, "RU", "CN") + flow(base, "RU", "ASIA")
    assert year(ban, "premium_usd_t", "EU") > year(base, "premium_usd_t", "EU")
    assert year(ban, "premium_usd_t", "RU") < year(base, "premium_usd_t", "RU")


def test_a_tariff_between_two_non_chinese_regions_changes_flows(base):
    tariff = run([{"type": "import_tariff", "importer": "EU", "exporter": "IN", "rate": 0.3, "start": "2025-02",
                   "source": "test"}])
    assert flow(tariff, "IN", "EU") < flow(base, "IN", "EU")
    assert flow(tariff, "IN", "ASIA") > flow(base, "IN", "ASIA")


def test_a_tariff_between_non_chinese_countries_needs_the_regions():
    sc = scenario(start="2025-01", end="2025-12", paths=2, assumptions=QUIET,
                  events=[{"type": "import_tariff", "importer": "EU", "exporter": "IN", "rate": 0.3,
                           "start": "2025-02"}])
    with pytest.raises(InputError, match=r"^events\.0\.exporter: .*regions_enabled"):
        prepare(sc)


@pytest.mark.parametrize("event, message", [
    ({"type": "sanction", "exporter": "XX", "start": "2025-03"}, r"^events\.0\.exporter: unknown region or country"),
    ({"type": "sanction", "exporter": "JP", "start": "2025-03"}, r"^events\.0\.exporter: 'JP' has no smelter"),
    ({"type": "import_tariff", "importer": "ZZ", "exporter": "*", "rate": 0.1, "start": "2025-03"},
     r"^events\.0\.importer: unknown region or country"),
    ({"type": "import_tariff", "importer": "DE", "exporter": "FR", "rate": 0.1, "start": "2025-03"},
     r"^events\.0: FR and DE are in the same region"),
])
def test_bad_regional_events_are_refused_with_one_line(event, message):
    sc = scenario(start="2025-01", end="2025-12", paths=2, assumptions=REGIONS_ON, events=[event])
    with pytest.raises(InputError, match=message):
        prepare(sc)


def test_with_the_regions_off_a_sanction_is_refused():
    sc = scenario(start="2025-01", end="2025-12", paths=2, assumptions=QUIET, events=[RUSSIA_BAN])
    with pytest.raises(InputError, match=r"^events\.0: a sanction acts between regions"):
        prepare(sc)


@pytest.mark.parametrize("edit, message", [
    (lambda regions, shares: regions.replace("US;MX", "US;MX;CA"), r"country CA is in nodes"),
    (lambda regions, shares: shares.replace("\nCA,demand_share", "\nXX,demand_share"), r"'XX' is not a node"),
])
def test_bad_region_tables_are_refused_with_one_line(tmp_path, edit, message):
    import shutil

    from alusim.dataset.dataset import load_dataset
    from alusim.dataset.paths import default_data_dir

    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder)
    regions, shares = (folder / "regions.csv").read_text(), (folder / "region_shares.csv").read_text()
    changed = edit(regions, shares)
    target = "regions.csv" if changed != regions and "XX" not in changed else "region_shares.csv"
    (folder / target).write_text(changed)
    with pytest.raises(InputError, match=message):
        load_dataset(folder, use_cache=False)
