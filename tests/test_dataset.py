"""The embedded dataset: schemas, totals against published figures, sources, and bad-input errors."""

import shutil

import pytest

from alusim.dataset import default_data_dir, load_dataset
from alusim.errors import InputError


def within(value, target, tol=0.03):
    return abs(value - target) <= tol * target


def test_china_totals_match_published(dataset):
    totals = dataset.stats.totals()
    assert within(totals["china_built_kt"], 45_000)          # ≈45 Mt built (SMM 45.69 Mt, Jun 2025)
    assert 43_000 * 0.97 <= totals["china_operating_kt"] <= 44_000 * 1.03   # ≈43–44 Mt operating


def test_world_capacity_supports_published_output(dataset):
    # world primary output 72–74 Mt in 2024 (IAI); operating capacity must carry it within 3%
    totals = dataset.stats.totals()
    assert 72_000 * 0.97 <= totals["world_operating_kt"] <= 74_000 * 1.03 / 0.9
    history = dataset.annual_series("primary_production_kt", "WORLD")
    assert 72_000 * 0.97 <= history.loc[2024] <= 74_000 * 1.03


def test_coverage_of_provinces_and_owners_named_in_seeds(dataset):
    provinces = set(dataset.smelters.loc[dataset.smelters["country"] == "CN", "province"])
    for province in ("Xinjiang", "Shandong", "Inner Mongolia", "Yunnan", "Guangxi", "Qinghai", "Henan", "Sichuan"):
        assert province in provinces
    for owner in ("Weiqiao", "China Hongqiao", "Xinfa", "East Hope", "Chalco", "Yunnan Aluminium", "Shenhuo",
                  "Zhongfu"):
        assert dataset.select(owner=owner).any(), owner


def test_every_row_of_every_table_names_a_source(dataset):
    for name in ("smelters", "parameters", "power_tariffs", "input_prices", "emission_factors", "history_annual",
                 "demand", "demand_sectors", "trade"):
        table = getattr(dataset, name)
        assert table["source"].astype(str).str.len().min() >= 3, name


def test_norway_region_code_and_north_america_survive_csv_parsing(dataset):
    assert "NO" in set(dataset.smelters["country"])
    assert "NA" in set(dataset.demand["region"])


def test_capacity_by_province_accessor(dataset):
    table = dataset.stats.capacity_by("province", country="CN")
    assert table["capacity_kt"].sum() == pytest.approx(dataset.stats.totals()["china_built_kt"])
    assert (table["operating_kt"] <= table["capacity_kt"] + 1e-9).all()


def test_param_lookup_with_units_and_overrides(dataset):
    assert dataset.param("cost.alumina_t_per_t") == pytest.approx(1.93)
    assert dataset.param("cost.tiered_power.surcharge_cny_kwh_per_20kwh", "CNY/MWh") == pytest.approx(10)
    changed = dataset.with_overrides({"cost.alumina_t_per_t": 2.0})
    assert changed.param("cost.alumina_t_per_t") == 2.0
    with pytest.raises(InputError, match="unknown parameter"):
        dataset.with_overrides({"cost.nope": 1})


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def test_missing_table_is_one_clear_error(data_copy):
    (data_copy / "trade.csv").unlink()
    with pytest.raises(InputError, match=r"trade\.csv.*file not found"):
        load_dataset(data_copy)


def test_malformed_value_names_file_line_and_column(data_copy):
    path = data_copy / "smelters_row.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("capacity_kt")] = "-5"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        load_dataset(data_copy)
    message = str(info.value)
    assert "smelters_row.csv" in message and "line 2" in message and "capacity_kt" in message
    assert "\n" not in message


def test_wrong_unit_in_parameters(data_copy):
    path = data_copy / "parameters.csv"
    text = path.read_text().replace("1.93,t/t", "1.93,bananas/t", 1)
    path.write_text(text)
    with pytest.raises(InputError, match="cost.alumina_t_per_t.*unknown unit"):
        load_dataset(data_copy)


def test_bad_boolean(data_copy):
    path = data_copy / "smelters_cn.csv"
    text = path.read_text()
    path.write_text(text.replace(",true,", ",maybe,", 1))
    with pytest.raises(InputError, match="not true/false"):
        load_dataset(data_copy)


def test_relocations_replace_a_built_plant_of_the_same_size(dataset):
    # Hongqiao's Honghe project takes over 1,930 kt of Shandong quota (Reuters, 27 Dec 2021): a
    # relocation, held as its own Shandong row that closes when the project starts
    table = dataset.smelters.set_index("asset_id")
    assert table.loc["cn_yunnan_hongqiao_honghe", "replaces"] == "cn_shandong_hongqiao_honghe_quota"
    quota = table.loc["cn_shandong_hongqiao_honghe_quota"]
    assert quota["status"] == "operating" and quota["capacity_kt"] == table.loc["cn_yunnan_hongqiao_honghe", "capacity_kt"]
    hongqiao = table[(table["owner"] == "China Hongqiao") & table["status"].isin(("operating", "curtailed"))]
    assert hongqiao["capacity_kt"].sum() == pytest.approx(6460)        # the group's licence


def test_a_cost_curve_after_a_relocation_counts_the_capacity_once(dataset):
    from alusim.costs.buildup import available_in_year

    ids = dataset.smelters["asset_id"]
    before, after = available_in_year(dataset, 2026), available_in_year(dataset, 2027)
    quota, project = (ids == "cn_shandong_hongqiao_honghe_quota").to_numpy(), (ids == "cn_yunnan_hongqiao_honghe").to_numpy()
    assert before[quota].sum() == 1930 and before[project].sum() == 0
    assert after[quota].sum() == 0 and after[project].sum() == 1930


@pytest.mark.parametrize("value, message", [("cn_no_such_plant", "in no smelter table"),
                                            ("cn_yunnan_wenshan_phase2", "not a built plant")])
def test_a_bad_relocation_is_one_clear_error(data_copy, value, message):
    path = data_copy / "smelters_cn.csv"
    text = path.read_text()
    assert text.count(",cn_shandong_hongqiao_honghe_quota\n") == 1
    path.write_text(text.replace(",cn_shandong_hongqiao_honghe_quota\n", f",{value}\n"))
    with pytest.raises(InputError, match=message):
        load_dataset(data_copy)


def test_no_power_tariff_row_is_shadowed(dataset):
    # the lookup tries (country, province, source), then (country, *, source), then (country, *, *): a
    # (country, province, *) row is reached only for a source without a country row of its own
    tariffs = dataset.power_tariffs
    country_rows = set(zip(tariffs["country"], tariffs["province"], tariffs["power_source"], strict=True))
    sources = ("captive_coal", "grid", "hydro", "gas", "mixed")
    for row in tariffs[(tariffs["province"] != "*") & (tariffs["power_source"] == "*")].itertuples():
        assert any((row.country, "*", s) not in country_rows for s in sources), \
            f"({row.country}, {row.province}, *) is never used: give (province, source) rows instead"


def test_row_positions_select_the_rows_a_comparison_selects():
    """annual_series and the recorded inputs' annual rows look rows up by positions built once; the
    same rows, in the same order, as comparing the columns."""
    import pandas as pd

    from alusim.dataset import load_dataset

    dataset = load_dataset()
    table = dataset.history_annual
    pairs = set(zip(table["variable"], table["region"], strict=True)) | {("no_such_variable", "CN")}
    for variable, region in sorted(pairs, key=str):
        hit = table[(table["variable"] == variable) & (table["region"] == region)]
        expected = hit.set_index("year")["value"].sort_index().astype(float)
        pd.testing.assert_series_equal(dataset.annual_series(variable, region), expected)
    monthly = dataset.history_monthly
    positions = dataset.row_positions("history_monthly", ("variable", "region", "basis"))
    keys = set(zip(monthly["variable"], monthly["region"], monthly["basis"], strict=True))
    for key in sorted(keys, key=str):
        mask = (monthly["variable"] == key[0]) & (monthly["region"] == key[1]) & (monthly["basis"] == key[2])
        pd.testing.assert_frame_equal(monthly.iloc[positions.get(key, [])], monthly[mask])
