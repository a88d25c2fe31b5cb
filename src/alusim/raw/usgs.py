"""USGS country production of primary aluminium, alumina and bauxite, 1998–2017.

Source: U.S. Geological Survey Minerals Yearbook (aluminum; bauxite and alumina), as compiled in GitHub
``amilovanoff/jie_milovanoff_et_al_2020`` (Milovanoff, Posen & MacLean, J. Ind. Ecol. 2020); files
``usgs_production_milovanoff2020/{aluminium,alumina,bauxite}_production_data.csv``.
Licence: USGS statistics are U.S. Government works, public domain (the carrying repo has no licence;
cite USGS).
Units: ``production_kt`` in thousand metric tons per year (of aluminium, alumina or bauxite).
Coverage: 52 / 34 / 33 countries, 1998–2017; no world totals; "NA" cells are dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_file, to_number, to_year
from alusim.raw.countries import iso2_to_iso3, map_names

FOLDER = "usgs_production_milovanoff2020"
LICENCE = "public domain (USGS statistics; carrying repo unlicensed)"
FILES: dict[str, str] = {
    "aluminium": "aluminium_production_data.csv",
    "alumina": "alumina_production_data.csv",
    "bauxite": "bauxite_production_data.csv",
}
EXPECTED_UNIT = "thousand metric tons"
COLUMNS = ["commodity", "country_name", "country_iso2", "country_iso3", "year", "production_kt"]


def _read_one(raw_dir: Path, commodity: str) -> pd.DataFrame:
    path = require_file(raw_dir, FOLDER, FILES[commodity])
    raw = read_csv_checked(path, ["Country", "Value", "Year", "unit"])
    units = set(clean_text(raw["unit"]))
    if units - {EXPECTED_UNIT}:
        raise InputError(f"column 'unit' has {sorted(units)}, expected only {EXPECTED_UNIT!r}", where=str(path),
                         fix=FIX_RAW)
    names = clean_text(raw["Country"])
    iso2 = map_names(names, path, "Country")
    out = pd.DataFrame(
        {
            "commodity": commodity,
            "country_name": names,
            "country_iso2": iso2,
            "country_iso3": iso2.map(iso2_to_iso3),
            "year": to_year(raw["Year"], path, "Year"),
            "production_kt": to_number(raw["Value"], path, "Value"),
        }
    )
    return out.dropna(subset=["production_kt"])


def read_country_production(raw_dir: Path) -> pd.DataFrame:
    """USGS production by country, long: ``commodity, country_name, country_iso2, country_iso3, year, production_kt``.

    ``commodity`` ∈ aluminium (primary metal), alumina, bauxite.
    """
    frames = [_read_one(raw_dir, c) for c in FILES]
    return pd.concat(frames, ignore_index=True).sort_values(
        ["commodity", "country_iso2", "year"], ignore_index=True
    )[COLUMNS]
