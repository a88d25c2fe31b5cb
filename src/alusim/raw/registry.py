"""Open registry of ~95 operating primary-aluminium smelters with coordinates (CF4 spatial-prior project).

Source: GitHub ``zachdissington/climate-solutions-research-kit``,
``priors/pfc-aluminium-prior/factors/smelters_global.csv`` (Zenodo 10.5281/zenodo.20617486); file
``smelter_registry_cf4prior/smelters_global.csv``. Upstream per row: GEM wiki, Wikipedia, operators.
Licence: CC BY 4.0 (Zenodo deposit; cite the DOI) / repository MIT.
Units: ``capacity_kt`` in kt/yr (approximate nameplate); coordinates in decimal degrees (WGS84; many
are town centroids).
Coverage: 95 smelters in 36 countries, status 2020 (94 operating, 1 idle); China badly
under-represented (12 of ~120). ``technology`` is empty in the source and not returned.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.raw._io import clean_text, read_csv_checked, require_file, to_number
from alusim.raw.countries import iso2_to_region, map_iso3

FOLDER = "smelter_registry_cf4prior"
LICENCE = "CC BY 4.0 (Zenodo 10.5281/zenodo.20617486) / MIT repository"
FILE = "smelters_global.csv"
REQUIRED = ["name", "country_iso3", "lat", "lon", "capacity_ktpa", "status_2020", "source"]
COLUMNS = ["name", "country_iso3", "country_iso2", "region", "lat", "lon", "capacity_kt", "status_2020",
           "source"]


def read_smelter_registry(raw_dir: Path) -> pd.DataFrame:
    """Registry smelters: ``name, country_iso3, country_iso2, region, lat, lon, capacity_kt, status_2020, source``."""
    path = require_file(raw_dir, FOLDER, FILE)
    raw = read_csv_checked(path, REQUIRED)
    iso3 = clean_text(raw["country_iso3"])
    iso2 = map_iso3(iso3, path, "country_iso3")
    out = pd.DataFrame(
        {
            "name": clean_text(raw["name"]),
            "country_iso3": iso3,
            "country_iso2": iso2,
            "region": iso2.map(iso2_to_region),
            "lat": to_number(raw["lat"], path, "lat"),
            "lon": to_number(raw["lon"], path, "lon"),
            "capacity_kt": to_number(raw["capacity_ktpa"], path, "capacity_ktpa"),
            "status_2020": clean_text(raw["status_2020"]),
            "source": clean_text(raw["source"]),
        }
    )
    return out[COLUMNS]
