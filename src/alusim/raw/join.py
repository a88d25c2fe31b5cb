"""Joins of the embedded dataset with the public raw data: plant coordinates and capacity cross-checks.

* :func:`locate_smelters` gives each embedded smelter coordinates: from the open smelter registry
  (matched by country and name similarity), else — for Chinese company × province rows — from the
  Global Energy Monitor captive coal units of the same owner in the same province (a captive plant
  sits beside its smelter).
* :func:`capacity_crosscheck` sets the embedded capacity by country beside MPP's asset stack, the
  GeniSim plant list (2019 and the 2022 projection) and the registry, so that differences are seen.

Both write into the local extended cache only; nothing from the raw files enters the repository.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pandas as pd

from alusim.raw import gem, genisim, mpp, registry

MIN_NAME_SCORE = 0.55
_WORDS = re.compile(r"[a-z0-9]+")
_STOP = {"aluminium", "aluminum", "smelter", "co", "ltd", "company", "group", "plant", "the", "de", "and", "works"}


def _tokens(text: str) -> str:
    return " ".join(w for w in _WORDS.findall(str(text).lower()) if w not in _STOP)


def _score(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    shared = set(ta.split()) & set(tb.split())
    return max(SequenceMatcher(None, ta, tb).ratio(), len(shared) / max(len(set(ta.split())), 1))


def _embedded() -> pd.DataFrame:
    from alusim.dataset import load_dataset

    return load_dataset().smelters


def locate_smelters(raw_dir: Path, smelters: pd.DataFrame | None = None) -> pd.DataFrame:
    """``asset_id, lat, lon, located_by, match, score`` for every embedded smelter that can be placed."""
    smelters = _embedded() if smelters is None else smelters
    reg = registry.read_smelter_registry(raw_dir)
    units = gem.read_captive_coal_units(raw_dir)
    rows = []
    for row in smelters.itertuples():
        best, best_score = None, 0.0
        for cand in reg[reg["country_iso2"] == row.country].itertuples():
            score = max(_score(f"{row.name} {row.owner}", cand.name), _score(row.name, cand.name))
            if score > best_score:
                best, best_score = cand, score
        if best is not None and best_score >= MIN_NAME_SCORE:
            rows.append((row.asset_id, best.lat, best.lon, "registry", best.name, round(best_score, 3)))
            continue
        if row.country == "CN" and isinstance(row.province, str):
            owners = {str(row.owner).lower(), str(row.parent).lower()} - {"nan", "", "none"}
            here = units[(units["country_iso2"] == "CN") & (units["province"].astype(str) == row.province)]
            text = (here["owner"].astype(str) + " " + here["parent"].astype(str)).str.lower()
            hit = here[text.apply(lambda t, names=tuple(owners): any(o.split()[0] in t for o in names if o))]
            if len(hit):
                rows.append((row.asset_id, float(hit["lat"].mean()), float(hit["lon"].mean()), "gem_captive_units",
                             "; ".join(sorted(set(hit["plant"].astype(str))))[:120], np.nan))
    return pd.DataFrame(rows, columns=["asset_id", "lat", "lon", "located_by", "match", "score"])


def capacity_crosscheck(raw_dir: Path, smelters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Built capacity (kt/yr) by country: embedded (Jan 2025) against MPP, GeniSim 2019/2022P and the registry."""
    smelters = _embedded() if smelters is None else smelters
    built = smelters[smelters["status"].isin(("operating", "curtailed", "idle", "restarting"))]
    ours = built.groupby("country")["capacity_kt"].sum().rename("alusim_2025_kt")
    mpp_cap = mpp.read_smelters(raw_dir).groupby("country_iso2")["capacity_kt"].sum().rename("mpp_kt")
    history = genisim.read_smelter_capacity(raw_dir)
    g2019 = history[history["year"] == 2019].groupby("country_iso2")["capacity_kt"].sum().rename("genisim_2019_kt")
    g2022 = history[history["year"] == 2022].groupby("country_iso2")["capacity_kt"].sum().rename("genisim_2022p_kt")
    reg = registry.read_smelter_registry(raw_dir).groupby("country_iso2")["capacity_kt"].sum().rename("registry_kt")
    table = pd.concat([ours, mpp_cap, g2019, g2022, reg], axis=1).fillna(0.0)
    table.index.name = "country"
    table["alusim_vs_mpp_pct"] = np.where(table["mpp_kt"] > 0,
                                          (table["alusim_2025_kt"] / table["mpp_kt"] - 1) * 100, np.nan)
    return table.sort_values("alusim_2025_kt", ascending=False).reset_index()
