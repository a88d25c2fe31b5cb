"""Readers for shared/data/raw: known values from the SOURCE.md files and the data survey, and errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from alusim.errors import InputError
from alusim.raw import (
    energy_prices_monthly,
    lme_aluminium_annual,
    lme_aluminium_monthly,
    read_alumina_production,
    read_annual_prices,
    read_captive_coal_summary,
    read_captive_coal_units,
    read_country_production,
    read_elasticities,
    read_emission_factors,
    read_gdp,
    read_grid_co2,
    read_grid_co2_world,
    read_monthly_prices,
    read_population,
    read_primary_production,
    read_refineries,
    read_refining_energy,
    read_smelter_capacity,
    read_smelter_registry,
    read_smelters,
    read_smelting_energy,
    read_trade,
    read_world_population_gdp,
    split_aggregates,
)
from alusim.raw.countries import REGION_CODES
from alusim.raw.genisim import province_from_name
from alusim.raw.worldbank import split_header

pytestmark = pytest.mark.raw

ALUMINIUM_REGIONS = set(REGION_CODES)


# --- World Bank Pink Sheet -------------------------------------------------------------------------


def test_lme_monthly_span_and_last_value(raw_dir: Path) -> None:
    lme = lme_aluminium_monthly(raw_dir)
    assert list(lme.columns) == ["month", "price_usd_t"]
    assert lme["month"].iloc[0] == pd.Timestamp("1960-01-01")
    assert lme["month"].iloc[-1] == pd.Timestamp("2026-05-01")
    assert lme["month"].is_monotonic_increasing and lme["month"].is_unique
    assert len(lme) == 797
    assert lme["price_usd_t"].iloc[-1] == pytest.approx(3666.1)
    assert lme["price_usd_t"].notna().all() and (lme["price_usd_t"] > 0).all()


@pytest.mark.parametrize("year, price", [(2022, 2705.02), (2023, 2255.74), (2024, 2419.02)])
def test_annual_aluminium_exact_and_monthly_average(raw_dir: Path, year: int, price: float) -> None:
    annual = lme_aluminium_annual(raw_dir).set_index("year")
    assert round(annual.loc[year, "price_usd_t"], 2) == price
    lme = lme_aluminium_monthly(raw_dir)
    monthly_mean = lme.loc[lme["month"].dt.year == year, "price_usd_t"].mean()
    assert monthly_mean == pytest.approx(price, rel=0.01)


def test_monthly_prices_long_format_and_units(raw_dir: Path) -> None:
    prices = read_monthly_prices(raw_dir)
    assert list(prices.columns) == ["month", "series", "value", "unit"]
    assert prices["value"].notna().all()
    units = prices.drop_duplicates("series").set_index("series")["unit"]
    assert units["Aluminum"] == "USD/t"
    assert units["Coal, Australian"] == "USD/t"
    assert units["Natural gas, Europe"] == "USD/MMBtu"
    assert units["Crude oil, Brent"] == "USD/bbl"
    assert not prices["series"].str.contains(r"\*|\(", regex=True).any()
    assert prices["series"].nunique() == 71


def test_energy_prices_wide(raw_dir: Path) -> None:
    energy = energy_prices_monthly(raw_dir)
    assert list(energy.columns) == [
        "month", "coal_australia_usd_t", "coal_south_africa_usd_t", "gas_us_usd_mmbtu",
        "gas_europe_usd_mmbtu", "lng_japan_usd_mmbtu", "oil_brent_usd_bbl",
    ]
    assert len(energy) == 797
    recent = energy[energy["month"] >= "2010-01-01"].drop(columns="month")
    assert recent.notna().all().all() and (recent > 0).all().all()


def test_annual_prices_nominal_and_real(raw_dir: Path) -> None:
    annual = read_annual_prices(raw_dir)
    assert set(annual["basis"]) == {"nominal", "real_2010"}
    assert annual["year"].min() == 1960 and annual["year"].max() == 2024
    muv = annual[(annual["series"] == "MUV Index") & (annual["year"] == 2010)]
    assert muv["value"].iloc[0] == pytest.approx(100.0, abs=0.5)
    # the annual file's "South Afican" typo is unified with the monthly spelling
    assert "Coal, South African" in set(annual["series"])


def test_split_header() -> None:
    assert split_header("Coal, South African ** ($/mt)") == ("Coal, South African", "USD/t")
    assert split_header("MUV Index (2010=100)") == ("MUV Index", "index_2010=100")
    assert split_header("Plywood (¢/sheet)") == ("Plywood", "USc/sheet")


# --- IAI --------------------------------------------------------------------------------------------


def test_iai_world_production(raw_dir: Path) -> None:
    prod = read_primary_production(raw_dir)
    assert list(prod.columns) == ["year", "region", "production_kt"]
    assert set(prod["region"]) == ALUMINIUM_REGIONS
    world = prod[prod["region"] == "WORLD"].set_index("year")["production_kt"]
    assert world.loc[2018:2022].tolist() == [64166, 63657, 65325, 67092, 68461]
    assert world.index.min() == 1995 and world.index.max() == 2022
    cn = prod[(prod["region"] == "CN") & (prod["year"] == 2022)]["production_kt"].iloc[0]
    assert cn == 40430


@pytest.mark.parametrize("reader", [read_primary_production, read_alumina_production])
def test_iai_regions_sum_to_world(raw_dir: Path, reader) -> None:
    prod = reader(raw_dir)
    world = prod[prod["region"] == "WORLD"].set_index("year")["production_kt"]
    regions = prod[prod["region"] != "WORLD"].groupby("year")["production_kt"].sum()
    assert len(world) == 28
    pd.testing.assert_series_equal(regions, world, check_names=False)


def test_iai_alumina(raw_dir: Path) -> None:
    alumina = read_alumina_production(raw_dir)
    world = alumina[alumina["region"] == "WORLD"].set_index("year")["production_kt"]
    assert world.loc[2022] == 140083
    eur = alumina[alumina["region"] == "EUR"]
    assert sorted(eur["year"]) == [2021, 2022]


def test_iai_energy_intensity(raw_dir: Path) -> None:
    smelt = read_smelting_energy(raw_dir)
    assert set(smelt["basis"]) == {"ac_total", "dc_process"}
    world_ac = smelt[(smelt["basis"] == "ac_total") & (smelt["region"] == "WORLD")].set_index("year")
    assert world_ac.loc[2021, "energy_kwh_t"] == 14114
    assert smelt["energy_kwh_t"].between(12000, 18000).all()
    assert smelt[smelt["region"] == "GCC"]["year"].min() == 2009
    refine = read_refining_energy(raw_dir)
    assert refine[(refine["region"] == "WORLD") & (refine["year"] == 2021)]["energy_mj_t"].iloc[0] == 10545


# --- GeniSim ----------------------------------------------------------------------------------------


def test_genisim_world_capacity(raw_dir: Path) -> None:
    cap = read_smelter_capacity(raw_dir)
    by_year = cap[~cap["projection"]].groupby("year")["capacity_kt"].sum()
    assert by_year.loc[1995] * 1000 == pytest.approx(22_159_800)
    assert by_year.loc[2019] * 1000 == pytest.approx(90_201_000)
    assert cap[cap["projection"]]["year"].unique().tolist() == [2022]
    assert cap[cap["projection"]]["capacity_kt"].sum() * 1000 == pytest.approx(91_655_000)
    china_2019 = cap[(cap["country_iso2"] == "CN") & (cap["year"] == 2019)]
    assert china_2019["capacity_kt"].sum() == pytest.approx(57_391)
    assert set(cap["region"]) <= ALUMINIUM_REGIONS
    assert cap["country_iso2"].nunique() == 54


def test_genisim_province_parsing() -> None:
    assert province_from_name("Baotou Shi, Inner Mongolia") == "Inner Mongolia"
    assert province_from_name("Tongchuan, Shaanxi, Shanxi Tongchuan Aluminium") == "Shaanxi"
    assert province_from_name("Xining, Quighai, Qinghai Aluminium plant") == "Qinghai"
    assert province_from_name("Chongqing Tiantai") == "Chongqing"
    assert province_from_name("Zibo Shi") == ""


# --- MPP --------------------------------------------------------------------------------------------


def test_mpp_smelters(raw_dir: Path) -> None:
    smelters = read_smelters(raw_dir)
    assert len(smelters) == 181
    assert smelters["capacity_kt"].sum() == pytest.approx(77_457.2)
    china = smelters[smelters["country_iso2"] == "CN"]
    assert len(china) == 84
    assert china["capacity_kt"].sum() == pytest.approx(42_411.3)
    assert (china["china_subregion"] != "").all()
    assert set(smelters["power_source"]) == {"captive_coal", "grid", "mixed", "hydro", "gas"}
    assert smelters["power_source"].value_counts()["captive_coal"] == 45
    assert smelters["lat"].between(-90, 90).all() and smelters["lon"].between(-180, 180).all()
    assert set(smelters["region"]) <= ALUMINIUM_REGIONS


def test_mpp_refineries(raw_dir: Path) -> None:
    refineries = read_refineries(raw_dir)
    assert len(refineries) == 94
    assert (refineries["country_iso2"] == "CN").sum() == 48
    assert refineries["capacity_kt"].sum() == pytest.approx(159_000, rel=0.01)
    assert set(refineries["boiler_fuel"]) == {"coal", "gas", "oil"}
    assert set(refineries["calciner_fuel"]) == {"gas", "oil"}


# --- GEM --------------------------------------------------------------------------------------------


def test_gem_captive_units(raw_dir: Path) -> None:
    units = read_captive_coal_units(raw_dir)
    assert len(units) == 557
    assert units["unit_id"].is_unique
    assert (units["country_iso2"] == "CN").sum() == 455
    assert units["plant"].nunique() == 125
    assert units["captive"].str.contains("aluminum").all()
    operating_cn = units[(units["country_iso2"] == "CN") & (units["status"] == "operating")]
    assert operating_cn["capacity_mw"].sum() == pytest.approx(76_056)
    shandong = operating_cn[operating_cn["province"] == "Shandong"]["capacity_mw"].sum()
    assert shandong == pytest.approx(27_206)


def test_gem_summary(raw_dir: Path) -> None:
    summary = read_captive_coal_summary(raw_dir)
    units = read_captive_coal_units(raw_dir)
    operating = units[units["status"] == "operating"]
    assert summary["capacity_mw"].sum() == pytest.approx(operating["capacity_mw"].sum())
    assert summary["n_units"].sum() == len(operating)
    assert summary["capacity_mw"].is_monotonic_decreasing


# --- USGS, registry, WDI, OWID, GLOMBO, MESSAGE ----------------------------------------------------


def test_usgs_country_production(raw_dir: Path) -> None:
    usgs = read_country_production(raw_dir)
    key = usgs.set_index(["commodity", "country_iso2", "year"])["production_kt"]
    assert key.loc[("aluminium", "CN", 2017)] == 32_723
    assert key.loc[("alumina", "CN", 2017)] == 69_000
    assert key.index.is_unique
    assert usgs["year"].min() == 1998 and usgs["year"].max() == 2017
    # countries with at least one value (USA bauxite is all "NA" in the source, so 32 of 33)
    assert usgs.groupby("commodity")["country_iso2"].nunique().to_dict() == {
        "aluminium": 52, "alumina": 34, "bauxite": 32,
    }


def test_smelter_registry(raw_dir: Path) -> None:
    reg = read_smelter_registry(raw_dir)
    assert len(reg) == 95
    assert reg["country_iso3"].nunique() == 36
    assert (reg["country_iso2"] == "CN").sum() == 12


def test_population_and_gdp_countries_only(raw_dir: Path) -> None:
    pop = read_population(raw_dir)
    gdp = read_gdp(raw_dir)
    for frame in (pop, gdp):
        assert not frame["country_iso3"].isin(["WLD", "EAS", "HIC", "EUU", "OED"]).any()
    china = pop.set_index(["country_iso3", "year"])["population"]
    assert 1.3e9 < china.loc[("CHN", 2024)] < 1.5e9
    assert pop["year"].max() == 2024 and gdp["year"].max() == 2023
    world = read_world_population_gdp(raw_dir).set_index("year")
    assert world.loc[2024, "population"] > 7.5e9
    # countries add up to (almost) the world total: aggregates were removed, not countries
    total_2020 = pop[pop["year"] == 2020]["population"].sum()
    assert total_2020 == pytest.approx(world.loc[2020, "population"], rel=0.01)


def test_split_aggregates_pure() -> None:
    frame = pd.DataFrame({"country_iso3": ["CHN", "WLD", "EAS", "USA"], "year": [2000] * 4, "x": [1, 2, 3, 4]})
    countries, world = split_aggregates(frame)
    assert countries["country_iso3"].tolist() == ["CHN", "USA"]
    assert world["x"].tolist() == [2]


def test_grid_co2(raw_dir: Path) -> None:
    grid = read_grid_co2(raw_dir)
    assert list(grid.columns) == ["country_iso3", "entity", "year", "t_co2_per_mwh"]
    assert grid["country_iso3"].str.fullmatch(r"[A-Z]{3}").all()
    value = grid.set_index(["country_iso3", "year"])["t_co2_per_mwh"]
    assert value.loc[("CHN", 2021)] == pytest.approx(0.54435516)
    assert grid["t_co2_per_mwh"].between(0, 1.5).all()
    world = read_grid_co2_world(raw_dir).set_index("year")["t_co2_per_mwh"]
    assert world.loc[2021] == pytest.approx(0.4412665)


def test_glombo_elasticities(raw_dir: Path) -> None:
    al = read_elasticities(raw_dir)
    assert len(al) == 207
    counts = al["parameter"].value_counts()
    assert counts["Demand elasticity to GDPPC"] == 93
    assert counts["Demand elasticity to price"] == 61
    updated = read_elasticities(raw_dir, updated=True)
    assert len(updated) == 207 and (updated["parameter"] != "").all()


def test_messageix_trade_and_emissions(raw_dir: Path) -> None:
    trade = read_trade(raw_dir)
    key = trade.set_index(["trade_region", "flow", "year"])["trade_mt"]
    assert key.index.is_unique
    assert key.loc[("China", "exports", 2021)] == pytest.approx(12.807)
    assert trade["year"].min() == 1962 and trade["year"].max() == 2021
    ef = read_emission_factors(raw_dir)
    co2 = ef[(ef["relation"] == "CO2_Emission")].set_index("technology")["value"]
    assert co2["prebake_aluminum"] == pytest.approx(0.445)


# --- errors ----------------------------------------------------------------------------------------


def _drop_column(path: Path, column: str) -> None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([r[:index] + r[index + 1:] for r in rows])


def _set_cell(path: Path, column: str, row: int, value: str) -> None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    rows[row + 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


CASES = [
    (lme_aluminium_monthly, "worldbank_pinksheet", "pinksheet_monthly_prices_nominal_usd.csv", "Aluminum ($/mt)"),
    (read_annual_prices, "worldbank_pinksheet", "pinksheet_annual_prices_real_2010usd.csv", "year"),
    (read_primary_production, "iai_stats_pv_ice", "iai_primary_aluminium_production_by_region_kt.csv", "World"),
    (read_captive_coal_units, "gem_gcpt_captive_aluminium", "gcpt_2023-07_units_captive_aluminum.csv",
     "Capacity (MW)"),
    (read_smelters, "mpp_aluminium", "data/bau/def/intermediate/initial_asset_stack.csv", "technology"),
    (read_smelter_capacity, "genisim_smelters_messageix", "smelter_capacity_long.csv", "capacity_t_per_year"),
    (read_population, "datahub_population", "population.csv", "Country Code"),
    (read_grid_co2, "owid_grid_carbon_intensity", "carbon-intensity-electricity-country.csv", "Year"),
    (read_country_production, "usgs_production_milovanoff2020", "alumina_production_data.csv", "Value"),
]


@pytest.mark.parametrize("reader, folder, name, column", CASES, ids=[c[0].__name__ for c in CASES])
def test_missing_column_is_input_error(raw_copy, reader, folder: str, name: str, column: str) -> None:
    root = raw_copy(folder)
    _drop_column(root / folder / name, column)
    with pytest.raises(InputError) as info:
        reader(root)
    message = str(info.value)
    assert Path(name).name in message and repr(column) in message
    assert "\n" not in message and "fix:" in message


@pytest.mark.parametrize("reader, folder", [(lme_aluminium_monthly, "worldbank_pinksheet"),
                                            (read_smelters, "mpp_aluminium"),
                                            (read_population, "datahub_population")])
def test_missing_folder_is_input_error(tmp_path: Path, reader, folder: str) -> None:
    with pytest.raises(InputError, match=folder):
        reader(tmp_path)


def test_missing_file_is_input_error(raw_copy) -> None:
    root = raw_copy("iai_stats_pv_ice")
    (root / "iai_stats_pv_ice" / "iai_alumina_production_by_region_kt.csv").unlink()
    with pytest.raises(InputError, match="iai_alumina_production_by_region_kt.csv"):
        read_alumina_production(root)


def test_unparseable_number_is_input_error(raw_copy) -> None:
    root = raw_copy("genisim_smelters_messageix")
    _set_cell(root / "genisim_smelters_messageix" / "smelter_capacity_long.csv", "capacity_t_per_year", 3, "12O00")
    with pytest.raises(InputError, match=r"smelter_capacity_long\.csv.*'12O00'"):
        read_smelter_capacity(root)


def test_unknown_country_is_input_error(raw_copy) -> None:
    root = raw_copy("usgs_production_milovanoff2020")
    _set_cell(root / "usgs_production_milovanoff2020" / "bauxite_production_data.csv", "Country", 0, "Atlantis")
    with pytest.raises(InputError, match="Atlantis"):
        read_country_production(root)


def test_unparseable_csv_is_input_error(raw_copy) -> None:
    root = raw_copy("owid_grid_carbon_intensity")
    (root / "owid_grid_carbon_intensity" / "carbon-intensity-electricity-country.csv").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="carbon-intensity-electricity-country.csv"):
        read_grid_co2(root)
