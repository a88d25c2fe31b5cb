"""The alumina tables: refineries, bauxite by origin, dated events — totals against published figures,
the cost structure a refinery cost curve needs, and one-line errors for bad rows."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from alusim.dataset import BUILT_STATUSES, default_data_dir, load_dataset
from alusim.dataset.alumina_tables import read_alumina_tables
from alusim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]

#: China metallurgical-grade alumina capacity, 31 Dec 2024: 103.02 Mt/yr at an 86.30 % operating rate
#: (SMM, news.metal.com/newscontent/103115692)
CHINA_BUILT_KT = 103_020
CHINA_OPERATING_RATE = 0.863


@pytest.fixture(scope="module")
def refineries(dataset):
    return dataset.refineries


def test_china_built_capacity_within_3_percent_of_smm(dataset):
    totals = dataset.stats.refinery_totals()
    assert abs(totals["china_built_kt"] / CHINA_BUILT_KT - 1) <= 0.03
    # operating capacity in Jan 2025 within 5 % of SMM's rate on SMM's capacity
    assert abs(totals["china_operating_kt"] / (CHINA_BUILT_KT * CHINA_OPERATING_RATE) - 1) <= 0.05


def test_world_output_near_140_mt(dataset, refineries):
    # world alumina output ~140-142 Mt in 2024 (IAI 2022: 140.1 Mt); our 2024 output (published where
    # known, else the Jan 2025 operating rate) must be within 3 %
    built = refineries[refineries["status"].isin(BUILT_STATUSES)]
    output = built["output_2024_kt"].fillna(built["operating_kt"]).sum()
    assert abs(output / 141_000 - 1) <= 0.03


def test_china_by_company_and_province(refineries):
    cn = refineries[refineries["country"] == "CN"]
    for province in ("Shanxi", "Shandong", "Henan", "Guangxi", "Guizhou", "Chongqing", "Yunnan", "Inner Mongolia",
                     "Hebei"):
        assert province in set(cn["province"]), province
    for owner in ("Chalco", "China Hongqiao", "Xinfa", "East Hope", "Hangzhou Jinjiang", "Bosai Minerals",
                  "Hebei Wenfeng"):
        assert owner in set(cn["owner"]), owner


def test_named_rest_of_world_plants(refineries):
    ids = set(refineries["asset_id"])
    for asset in ("au_alcoa_pinjarra", "au_alcoa_wagerup", "au_alcoa_kwinana", "au_rio_qal", "au_rio_yarwun",
                  "au_rio_gove", "au_south32_worsley", "br_hydro_alunorte", "br_alumar_saoluis", "ie_rusal_aughinish",
                  "ua_rusal_nikolaev", "gn_rusal_friguia", "jm_windalco_ewarton", "jm_jamalco_clarendon",
                  "in_nalco_damanjodi", "in_vedanta_lanjigarh", "ae_ega_altaweelah", "sa_maaden_rasalkhair",
                  "id_hongqiao_wellharvest", "id_nanshan_bintan", "id_inalum_borneo", "es_alcoa_sanciprian",
                  "de_aos_stade"):
        assert f"{asset}_alumina" in ids, asset
    status = refineries.set_index("asset_id")["status"]
    assert status["au_rio_gove_alumina"] == "closed" and status["de_aos_stade_alumina"] == "closed"


def test_cost_structure_separates_inland_from_coastal_china(refineries):
    """Shanxi/Henan refineries (domestic diaspore, high-temperature digestion) need more energy and
    caustic per tonne than Shandong/Guangxi-coast plants on Guinean gibbsite: the shape of China's
    refinery cost curve."""
    cn = refineries[(refineries["country"] == "CN") & refineries["status"].isin(BUILT_STATUSES)]
    inland = cn[cn["province"].isin(["Shanxi", "Henan"])]
    coastal = cn[(cn["province"] == "Shandong") & (cn["bauxite_source"] == "imported")]
    assert (inland["digestion"] == "high_temp").all() and (coastal["digestion"] == "low_temp").all()
    weight = "capacity_kt"
    mean = lambda t, c: (t[c] * t[weight]).sum() / t[weight].sum()  # noqa: E731
    assert mean(inland, "energy_gj_t") > mean(coastal, "energy_gj_t") + 2
    assert mean(inland, "caustic_t_t") > mean(coastal, "caustic_t_t")
    # inland plants ran below the coast in early 2025 (SMM: Shanxi 79 %, Henan 68 %, Shandong 93 %)
    rate = lambda t: t["operating_kt"].sum() / t["capacity_kt"].sum()  # noqa: E731
    assert rate(inland) < rate(cn[cn["province"] == "Shandong"]) - 0.1


def test_refining_energy_near_iai_regional_averages(refineries):
    # IAI 2021 metallurgical refining energy: China 10.1, Oceania 11.0, South America 8.1 GJ/t
    built = refineries[refineries["status"].isin(("operating", "curtailed"))]
    for region, iai in (("CN", 10.1), ("OC", 11.0), ("SA", 8.1)):
        part = built[built["region"] == region]
        mean = (part["energy_gj_t"] * part["operating_kt"]).sum() / part["operating_kt"].sum()
        assert abs(mean / iai - 1) <= 0.15, (region, mean)


def test_bauxite_imports_by_origin(dataset):
    b = dataset.bauxite
    imports = b[b["quantity"] == "imports_cn_mt"].pivot_table(index="period", columns="origin", values="value")
    assert imports.loc["2024", "WORLD"] == pytest.approx(158.7)
    assert imports.loc["2024", "GN"] / imports.loc["2024", "WORLD"] == pytest.approx(0.70, abs=0.02)
    for year in map(str, range(2015, 2025)):
        assert year in imports.index, year
        parts = imports.loc[year].drop("WORLD").sum()
        assert parts <= imports.loc[year, "WORLD"] * 1.01, year      # origins never add up to more than the total
    assert (b["source"].str.len() >= 3).all()


def test_export_ban_dates(dataset):
    ev = dataset.bauxite_events.set_index("event_id")
    assert ev.loc["id_2014_ore_export_ban", "start"] == "2014-01-12"
    assert ev.loc["id_2023_export_ban", "start"] == "2023-06-10"
    assert ev.loc["id_2017_export_relaxation", "kind"] == "export_relaxation"
    assert ev.loc["gn_2021_coup", "start"].startswith("2021-09")
    guinea = ev[(ev["country"] == "GN") & (ev["kind"] == "licence_revocation")]
    assert len(guinea) >= 2


def test_alumina_prices_not_duplicated(dataset):
    # the China and FOB Australia alumina prices live in history_annual/history_monthly; the bauxite
    # table holds bauxite prices only
    assert not dataset.bauxite["quantity"].str.contains("alumina").any()
    annual = dataset.history_annual
    years = set(annual.loc[annual["variable"] == "alumina_price_cny_t", "year"])
    assert set(range(2015, 2025)) <= years


def test_a_folder_without_alumina_tables_loads_empty(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    for name in ("refineries.csv", "bauxite.csv", "bauxite_events.csv", "refinery_history.csv"):
        (target / name).unlink()
    loaded = load_dataset(target, use_cache=False)
    assert loaded.refineries.empty and loaded.bauxite.empty and loaded.bauxite_events.empty
    assert loaded.refinery_history.empty
    assert "capacity_kt" in loaded.refineries.columns
    assert loaded.stats.refinery_totals()["refineries"] == 0


@pytest.fixture
def alumina_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


def _edit(path: Path, row: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)


@pytest.mark.parametrize("file, column, value, expect", [
    ("refineries.csv", "digestion", "pressure_cooker", "digestion"),
    ("refineries.csv", "capacity_kt", "-5", "capacity_kt"),
    ("refineries.csv", "region", "OC", "region"),
    ("refineries.csv", "asset_id", "cn_shandong_hongqiao_binzhou", "asset_id"),
    ("bauxite.csv", "unit", "kt", "unit"),
    ("bauxite.csv", "value", "nan", "value"),
    ("bauxite_events.csv", "share", "1.5", "share"),
    ("bauxite_events.csv", "asset_id", "no_such_refinery", "asset_id"),
])
def test_bad_row_is_one_line_naming_file_and_column(alumina_copy, file, column, value, expect):
    _edit(alumina_copy / file, 0, column, value)
    with pytest.raises(InputError) as info:
        load_dataset(alumina_copy, use_cache=False)
    message = str(info.value)
    assert file in message and expect in message and "\n" not in message
    if column not in ("region", "asset_id", "unit"):     # checks across columns name no line
        assert "line 2" in message


def test_reader_alone_refuses_a_refinery_with_a_smelter_id(alumina_copy):
    with pytest.raises(InputError, match="also a smelter's id"):
        read_alumina_tables(alumina_copy, {"cn_shandong_hongqiao_binzhou_alumina"})


def test_cli_validate_exits_2_on_a_bad_refinery_row(alumina_copy):
    _edit(alumina_copy / "refineries.csv", 3, "status", "dreaming")
    done = subprocess.run([sys.executable, "-m", "alusim", "data", "validate", "--data", str(alumina_copy)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 2
    assert "refineries.csv" in done.stderr + done.stdout and "status" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
