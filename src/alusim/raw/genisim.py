"""GeniSim smelter list via MESSAGEix-Materials: primary-aluminium capacity by plant and year.

Source: "genisim dataset" (believed GeniSim Inc.), carried by GitHub ``iiasa/message-ix-models``
(``message_ix_models/data/material/aluminum/raw/smelters-with 2022 projection.xls``); tidy extract
``genisim_smelters_messageix/smelter_capacity_long.csv``.
Licence: carrying repository Apache-2.0; third-party compilation with **no licence found** from the
compiler — internal calibration and tests only until redistribution is confirmed.
Units: nameplate capacity, ``capacity_kt`` in kt/yr (source: t/yr).
Coverage: 371 plant rows in 54 countries (217 Chinese), annual 1995–2019 plus a 2022 projection
(``year`` = 2022, ``projection`` = True). World 1995 = 22 159.8 kt, 2019 = 90 201 kt. Closed smelters
show 0; empty cells are dropped. Source spellings ("Gernamy", "Quatar") are kept in ``country_name``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_file, to_number
from alusim.raw.countries import iso2_to_region, map_names

FOLDER = "genisim_smelters_messageix"
LICENCE = "unclear: third-party GeniSim list carried in iiasa/message-ix-models (Apache-2.0); redistribution not confirmed"
LONG_FILE = "smelter_capacity_long.csv"
REQUIRED = ["region", "country", "smelter", "technology", "year", "capacity_t_per_year"]

#: Chinese province names (English, as in ``docs/data-model.md``) and source misspellings.
PROVINCES: tuple[str, ...] = (
    "Anhui", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hebei", "Heilongjiang",
    "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin", "Liaoning", "Ningxia",
    "Qinghai", "Shaanxi", "Shandong", "Shanxi", "Sichuan", "Xinjiang", "Yunnan", "Zhejiang",
)
PROVINCE_ALIASES: dict[str, str] = {
    "Shaaxi": "Shaanxi", "Shannxi": "Shaanxi", "Quighai": "Qinghai", "Qunghai": "Qinghai",
    "Zheijiang": "Zhejiang", "Guanxi": "Guangxi", "Guangding": "Guangdong", "Chongging": "Chongqing",
    "Xinjang": "Xinjiang",
}

COLUMNS = [
    "region", "source_region", "country_name", "country_iso2", "smelter", "province", "technology",
    "year", "projection", "capacity_kt",
]


def province_from_name(name: str) -> str:
    """Best-effort Chinese province from a GeniSim plant string ("Baotou Shi, Inner Mongolia" → "Inner Mongolia").

    Looks at each comma-separated part, then at the leading words of the first part; "" if none.
    """
    known = {p: p for p in PROVINCES} | PROVINCE_ALIASES
    parts = [p.strip() for p in str(name).split(",") if p.strip()]
    for part in parts:
        if part in known:
            return known[part]
    for part in parts:
        for candidate, canonical in known.items():
            if part.startswith(candidate + " "):
                return canonical
    return ""


def _parse_year(values: pd.Series, path: Path) -> tuple[pd.Series, pd.Series]:
    """``"2019"`` → (2019, False); ``"2022 P"`` → (2022, True); anything else → InputError."""
    text = clean_text(values)
    parts = text.str.extract(r"^(\d{4})(?:\.0)?\s*(P?)$")
    if parts[0].isna().any():
        bad = text[parts[0].isna()].iloc[0]
        raise InputError(f"column 'year' has a value {bad!r} that is not YYYY or 'YYYY P'", where=str(path),
                         fix=FIX_RAW)
    return parts[0].astype("int64"), parts[1].eq("P")


def read_smelter_capacity(raw_dir: Path) -> pd.DataFrame:
    """GeniSim capacity history, one row per plant row × year; columns :data:`COLUMNS`.

    ``region`` is the alusim region of ``country_iso2``; ``source_region`` the sheet's continent.
    ``province`` is filled for Chinese plants when the plant string names one (else "").
    Plant names are not unique (e.g. three "Zibo Shi" rows); keep rows, do not deduplicate.
    """
    path = require_file(raw_dir, FOLDER, LONG_FILE)
    raw = read_csv_checked(path, REQUIRED)
    iso2 = map_names(clean_text(raw["country"]), path, "country")
    year, projection = _parse_year(raw["year"], path)
    smelter = clean_text(raw["smelter"])
    out = pd.DataFrame(
        {
            "region": iso2.map(iso2_to_region),
            "source_region": clean_text(raw["region"]),
            "country_name": clean_text(raw["country"]),
            "country_iso2": iso2,
            "smelter": smelter,
            "province": smelter.map(province_from_name).where(iso2 == "CN", ""),
            "technology": clean_text(raw["technology"]),
            "year": year,
            "projection": projection,
            "capacity_kt": to_number(raw["capacity_t_per_year"], path, "capacity_t_per_year") / 1000.0,
        }
    )
    return out.dropna(subset=["capacity_kt"]).reset_index(drop=True)[COLUMNS]
