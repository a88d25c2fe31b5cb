"""Build the extended dataset cache: run every raw reader and write one Parquet file per table.

The cache lives outside the repository (default ``~/.cache/alusim/extended``, or ``$ALUSIM_CACHE/extended``)
because the raw files are read, never copied into the package. The build is atomic: all tables and
``manifest.json`` are written into a temporary directory beside ``cache_dir`` and swapped into place
only when every reader has succeeded, so an interrupted or failed build leaves the previous cache intact.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw import (
    gem,
    genisim,
    glombo,
    iai,
    join,
    messageix,
    mpp,
    owid,
    registry,
    usgs,
    worldbank,
    worldbank_wdi,
)

MANIFEST = "manifest.json"
#: a file in every cache alusim builds: only a folder holding it (or an empty one) is ever replaced
MARKER = ".alusim-cache"


@dataclass(frozen=True)
class Table:
    """One cache table: its name (file stem), reader, source folder and licence string."""

    name: str
    reader: Callable[[Path], pd.DataFrame]
    folder: str
    licence: str


def _captive_summary(raw_dir: Path) -> pd.DataFrame:
    return gem.summarise_captive_coal(gem.read_captive_coal_units(raw_dir))


def _world_indicators(raw_dir: Path) -> pd.DataFrame:
    world = worldbank_wdi.read_world_population_gdp(raw_dir)
    grid = owid.read_grid_co2_world(raw_dir).rename(columns={"t_co2_per_mwh": "grid_t_co2_per_mwh"})
    return world.merge(grid, on="year", how="outer").sort_values("year", ignore_index=True)


WDI = f"{worldbank_wdi.POPULATION_FOLDER}, {worldbank_wdi.GDP_FOLDER}, {owid.FOLDER}"

TABLES: tuple[Table, ...] = (
    Table("lme_monthly", worldbank.lme_aluminium_monthly, worldbank.FOLDER, worldbank.LICENCE),
    Table("energy_prices_monthly", worldbank.energy_prices_monthly, worldbank.FOLDER, worldbank.LICENCE),
    Table("prices_monthly", worldbank.read_monthly_prices, worldbank.FOLDER, worldbank.LICENCE),
    Table("prices_annual", worldbank.read_annual_prices, worldbank.FOLDER, worldbank.LICENCE),
    Table("production_regional", iai.read_primary_production, iai.FOLDER, iai.LICENCE),
    Table("alumina_production_regional", iai.read_alumina_production, iai.FOLDER, iai.LICENCE),
    Table("smelting_energy_intensity", iai.read_smelting_energy, iai.FOLDER, iai.LICENCE),
    Table("refining_energy_intensity", iai.read_refining_energy, iai.FOLDER, iai.LICENCE),
    Table("captive_coal_units", gem.read_captive_coal_units, gem.FOLDER, gem.LICENCE),
    Table("captive_coal_summary", _captive_summary, gem.FOLDER, gem.LICENCE),
    Table("plants_mpp", mpp.read_smelters, mpp.FOLDER, mpp.LICENCE),
    Table("refineries_mpp", mpp.read_refineries, mpp.FOLDER, mpp.LICENCE),
    Table("smelter_capacity_history", genisim.read_smelter_capacity, genisim.FOLDER, genisim.LICENCE),
    Table("smelter_registry", registry.read_smelter_registry, registry.FOLDER, registry.LICENCE),
    Table("population", worldbank_wdi.read_population, worldbank_wdi.POPULATION_FOLDER,
          worldbank_wdi.POPULATION_LICENCE),
    Table("gdp", worldbank_wdi.read_gdp, worldbank_wdi.GDP_FOLDER, worldbank_wdi.GDP_LICENCE),
    Table("grid_co2", owid.read_grid_co2, owid.FOLDER, owid.LICENCE),
    Table("world_indicators", _world_indicators, WDI,
          f"{worldbank_wdi.POPULATION_LICENCE}; {owid.LICENCE}"),
    Table("usgs_production", usgs.read_country_production, usgs.FOLDER, usgs.LICENCE),
    Table("elasticities_al", glombo.read_elasticities, glombo.FOLDER, glombo.LICENCE),
    Table("trade_regional", messageix.read_trade, messageix.FOLDER, messageix.LICENCE),
    Table("emission_factors_messageix", messageix.read_emission_factors, messageix.FOLDER, messageix.LICENCE),
    # joins with the embedded dataset
    Table("smelters_located", join.locate_smelters, f"{registry.FOLDER}, {gem.FOLDER}",
          f"{registry.LICENCE}; {gem.LICENCE}"),
    Table("capacity_crosscheck", join.capacity_crosscheck, f"{mpp.FOLDER}, {genisim.FOLDER}, {registry.FOLDER}",
          f"{mpp.LICENCE}; {genisim.LICENCE}; {registry.LICENCE}"),
)


def default_cache_dir() -> Path:
    """``$ALUSIM_CACHE/extended`` (default ``~/.cache/alusim/extended``)."""
    return Path(os.environ.get("ALUSIM_CACHE", "~/.cache/alusim")).expanduser() / "extended"


def _write_tables(raw_dir: Path, work: Path, tables: tuple[Table, ...]) -> dict:
    """Run every reader and write ``<name>.parquet`` into ``work``; return the manifest dict."""
    entries = {}
    for table in tables:
        frame = table.reader(raw_dir)
        frame.to_parquet(work / f"{table.name}.parquet", index=False)
        entries[table.name] = {
            "file": f"{table.name}.parquet",
            "rows": len(frame),
            "columns": [str(c) for c in frame.columns],
            "source": table.folder,
            "licence": table.licence,
        }
    return entries


def _is_alusim_cache(folder: Path) -> bool:
    """A folder alusim built: it holds the marker, or (caches built before the marker) only a manifest
    written by this module and the Parquet files it names."""
    if (folder / MARKER).is_file():
        return True
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        named = {entry["file"] for entry in manifest["tables"].values()} | {MANIFEST}
        present = {p.name for p in folder.iterdir()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return {"built_at", "raw_dir", "tables"} <= set(manifest) and present <= named


def check_cache_dir(cache_dir: Path) -> None:
    """Refuse a cache location whose contents alusim did not create: a file, or a non-empty folder
    without the marker. Nothing the user made is ever moved or deleted."""
    if os.path.lexists(cache_dir) and (cache_dir.is_symlink() or not cache_dir.is_dir()):
        raise InputError("exists and is not a folder alusim created", where=f"--cache {cache_dir}",
                         fix="give a new folder, or an existing alusim cache folder")
    if cache_dir.is_dir() and any(cache_dir.iterdir()) and not _is_alusim_cache(cache_dir):
        raise InputError(f"is a folder with files that alusim did not create (no {MARKER})",
                         where=f"--cache {cache_dir}", fix="give an empty or new folder; nothing was changed")


def _swap_into_place(work: Path, cache_dir: Path) -> None:
    """Replace ``cache_dir`` by ``work`` with renames only (the old cache is removed last)."""
    old = None
    if cache_dir.exists():
        old = Path(tempfile.mkdtemp(dir=cache_dir.parent, prefix=f".{cache_dir.name}.old-"))
        old.rmdir()
        cache_dir.rename(old)
    try:
        work.rename(cache_dir)
    except OSError:
        if old is not None:
            old.rename(cache_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_extended(raw_dir: Path, cache_dir: Path | None = None) -> dict[str, Path]:
    """Run every reader on ``raw_dir`` and write the extended cache atomically into ``cache_dir``.

    Returns table name → Parquet path in ``cache_dir`` (plus ``"manifest"`` → ``manifest.json``). The
    manifest records rows, columns, source folder and licence per table, the raw folder and the UTC
    build time. On any error (a reader's InputError included) nothing in ``cache_dir`` changes.
    """
    raw_dir = Path(raw_dir)
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if not raw_dir.is_dir():
        raise InputError("raw-data folder not found", where=str(raw_dir),
                         fix="point ALUSIM_RAW_DIR (or the raw_dir argument) at shared/data/raw")
    check_cache_dir(cache_dir)
    from alusim.store.locations import check_writable_dir

    check_writable_dir(cache_dir, f"--cache {cache_dir}")
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=cache_dir.parent, prefix=f".{cache_dir.name}.tmp-"))
    try:
        start = time.perf_counter()
        entries = _write_tables(raw_dir, work, TABLES)
        manifest = {
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - start, 3),
            "raw_dir": str(raw_dir.resolve()),
            "tables": entries,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (work / MARKER).write_text("built by `alusim data build`; this folder is replaced by the next build\n",
                                   encoding="utf-8")
        check_cache_dir(cache_dir)   # again: nothing may have appeared there while the readers ran
        _swap_into_place(work, cache_dir)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    paths = {name: cache_dir / entry["file"] for name, entry in entries.items()}
    paths["manifest"] = cache_dir / MANIFEST
    return paths
