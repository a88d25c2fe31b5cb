"""build_extended: every table and the manifest are written, atomically."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from alusim.errors import InputError
from alusim.raw import build
from alusim.raw.build import TABLES, build_extended, default_cache_dir

pytestmark = pytest.mark.raw

EXPECTED = {
    "lme_monthly", "energy_prices_monthly", "prices_monthly", "prices_annual", "production_regional",
    "alumina_production_regional", "smelting_energy_intensity", "refining_energy_intensity",
    "captive_coal_units", "captive_coal_summary", "plants_mpp", "refineries_mpp", "smelter_capacity_history",
    "smelter_registry", "population", "gdp", "grid_co2", "world_indicators", "usgs_production",
    "elasticities_al", "trade_regional", "emission_factors_messageix",
    "smelters_located", "capacity_crosscheck",
}


@pytest.fixture(scope="module")
def built(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    cache = tmp_path_factory.mktemp("cache") / "extended"
    return cache, build_extended(raw_dir, cache)


def test_build_writes_every_table_and_manifest(built) -> None:
    cache, paths = built
    assert set(paths) == EXPECTED | {"manifest"}
    assert {t.name for t in TABLES} == EXPECTED
    manifest = json.loads(paths["manifest"].read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == EXPECTED
    assert manifest["built_at"].endswith("+00:00")
    for name, entry in manifest["tables"].items():
        frame = pd.read_parquet(paths[name])
        assert len(frame) == entry["rows"] > 0, name
        assert list(frame.columns) == entry["columns"]
        assert entry["source"] and entry["licence"]
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [f"{n}.parquet" for n in EXPECTED] + ["manifest.json", build.MARKER]
    )
    # no temporary directories left beside the cache
    assert [p.name for p in cache.parent.iterdir()] == ["extended"]


def test_parquet_round_trip_values(built) -> None:
    _, paths = built
    lme = pd.read_parquet(paths["lme_monthly"])
    assert lme["month"].iloc[0] == pd.Timestamp("1960-01-01")
    assert lme["month"].iloc[-1] == pd.Timestamp("2026-05-01")
    prod = pd.read_parquet(paths["production_regional"])
    world = prod[prod["region"] == "WORLD"].set_index("year")["production_kt"]
    assert world.loc[2022] == 68461
    plants = pd.read_parquet(paths["plants_mpp"])
    assert plants["capacity_kt"].sum() == pytest.approx(77_457.2)


def _failing(raw_dir: Path) -> pd.DataFrame:
    raise InputError("simulated reader failure", where="test")


def test_failed_build_leaves_previous_cache_untouched(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "extended"
    cache.mkdir()
    (cache / build.MARKER).write_text("", encoding="utf-8")     # a cache alusim built
    (cache / "manifest.json").write_text('{"old": true}', encoding="utf-8")
    (cache / "lme_monthly.parquet").write_bytes(b"old bytes")
    before = {p.name: p.read_bytes() for p in cache.iterdir()}
    # the last table fails, after the others were already written to the temporary directory
    tables = list(TABLES[:3]) + [dataclasses.replace(TABLES[-1], reader=_failing)]
    monkeypatch.setattr(build, "TABLES", tuple(tables))
    with pytest.raises(InputError, match="simulated reader failure"):
        build_extended(raw_dir, cache)
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["extended"]


def test_failed_first_build_leaves_no_cache(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "sub" / "extended"
    monkeypatch.setattr(build, "TABLES", (dataclasses.replace(TABLES[0], reader=_failing),))
    with pytest.raises(InputError):
        build_extended(raw_dir, cache)
    assert not cache.exists()
    assert list(cache.parent.iterdir()) == []


def test_rebuild_replaces_previous_cache(raw_dir: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "extended"
    cache.mkdir()
    (cache / build.MARKER).write_text("", encoding="utf-8")     # a cache alusim built
    (cache / "stale.parquet").write_bytes(b"stale")
    monkeypatch.setattr(build, "TABLES", TABLES[:2])
    paths = build_extended(raw_dir, cache)
    assert sorted(p.name for p in cache.iterdir()) == [build.MARKER, "energy_prices_monthly.parquet",
                                                       "lme_monthly.parquet", "manifest.json"]
    assert set(paths) == {"lme_monthly", "energy_prices_monthly", "manifest"}
    assert [p.name for p in tmp_path.iterdir()] == ["extended"]


def test_missing_raw_dir_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="raw-data folder not found"):
        build_extended(tmp_path / "nope", tmp_path / "extended")
    assert not (tmp_path / "extended").exists()


def test_default_cache_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALUSIM_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path / "extended"
    monkeypatch.delenv("ALUSIM_CACHE")
    assert default_cache_dir() == Path("~/.cache/alusim").expanduser() / "extended"


@pytest.mark.raw
def test_joins_locate_most_smelters_and_cross_check_capacity(raw_dir):
    from alusim.raw.join import capacity_crosscheck, locate_smelters

    located = locate_smelters(raw_dir)
    assert len(located) >= 100                      # of 173 embedded assets
    assert located["lat"].between(-90, 90).all() and located["lon"].between(-180, 180).all()
    check = capacity_crosscheck(raw_dir).set_index("country")
    assert check.loc["CN", "mpp_kt"] == pytest.approx(42_411, rel=1e-3)
    # the embedded compilation agrees with MPP within 10% for the big non-Chinese producers
    for country in ("RU", "IN", "CA", "NO", "AU"):
        assert abs(check.loc[country, "alusim_vs_mpp_pct"]) < 10, country
