"""Country names as spelled in the raw files → ISO 3166-1 codes and alusim model regions.

A small explicit table (no dependency) covering every country that appears in the raw aluminium
sources (GEM GCPT, MPP, GeniSim, USGS, the CF4 smelter registry). Regions follow the IAI primary
aluminium reporting regions used by alusim (see ``docs/data-model.md``): ``CN, ASIA, GCC, NA, SA, WCE,
REE, OC, AF``. Unknown names raise :class:`alusim.errors.InputError` so a new spelling is added here
on purpose rather than silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError

#: iso2 → (iso3, canonical English name, alusim region)
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "CN": ("CHN", "China", "CN"),
    # Asia (ex China), IAI definition
    "IN": ("IND", "India", "ASIA"),
    "ID": ("IDN", "Indonesia", "ASIA"),
    "IR": ("IRN", "Iran", "ASIA"),
    "KZ": ("KAZ", "Kazakhstan", "ASIA"),
    "MY": ("MYS", "Malaysia", "ASIA"),
    "AZ": ("AZE", "Azerbaijan", "ASIA"),
    "TJ": ("TJK", "Tajikistan", "ASIA"),
    "TR": ("TUR", "Turkey", "ASIA"),
    "JP": ("JPN", "Japan", "ASIA"),
    "VN": ("VNM", "Vietnam", "ASIA"),
    "PK": ("PAK", "Pakistan", "ASIA"),
    "KR": ("KOR", "South Korea", "ASIA"),
    "KP": ("PRK", "North Korea", "ASIA"),
    "TW": ("TWN", "Taiwan", "ASIA"),
    # Gulf Cooperation Council
    "AE": ("ARE", "United Arab Emirates", "GCC"),
    "BH": ("BHR", "Bahrain", "GCC"),
    "QA": ("QAT", "Qatar", "GCC"),
    "SA": ("SAU", "Saudi Arabia", "GCC"),
    "OM": ("OMN", "Oman", "GCC"),
    # North America
    "US": ("USA", "United States", "NA"),
    "CA": ("CAN", "Canada", "NA"),
    # South America (IAI: incl. Mexico and the Caribbean alumina producers)
    "BR": ("BRA", "Brazil", "SA"),
    "AR": ("ARG", "Argentina", "SA"),
    "VE": ("VEN", "Venezuela", "SA"),
    "MX": ("MEX", "Mexico", "SA"),
    "SR": ("SUR", "Suriname", "SA"),
    "GY": ("GUY", "Guyana", "SA"),
    "JM": ("JAM", "Jamaica", "SA"),
    "TT": ("TTO", "Trinidad and Tobago", "SA"),
    "DO": ("DOM", "Dominican Republic", "SA"),
    # Western & Central Europe
    "NO": ("NOR", "Norway", "WCE"),
    "IS": ("ISL", "Iceland", "WCE"),
    "DE": ("DEU", "Germany", "WCE"),
    "FR": ("FRA", "France", "WCE"),
    "ES": ("ESP", "Spain", "WCE"),
    "SE": ("SWE", "Sweden", "WCE"),
    "NL": ("NLD", "Netherlands", "WCE"),
    "GR": ("GRC", "Greece", "WCE"),
    "GB": ("GBR", "United Kingdom", "WCE"),
    "IT": ("ITA", "Italy", "WCE"),
    "CH": ("CHE", "Switzerland", "WCE"),
    "AT": ("AUT", "Austria", "WCE"),
    "IE": ("IRL", "Ireland", "WCE"),
    "GL": ("GRL", "Greenland", "WCE"),
    # Russia & Eastern Europe
    "RU": ("RUS", "Russia", "REE"),
    "UA": ("UKR", "Ukraine", "REE"),
    "SK": ("SVK", "Slovakia", "REE"),
    "SI": ("SVN", "Slovenia", "REE"),
    "RO": ("ROU", "Romania", "REE"),
    "BA": ("BIH", "Bosnia and Herzegovina", "REE"),
    "ME": ("MNE", "Montenegro", "REE"),
    "HR": ("HRV", "Croatia", "REE"),
    "HU": ("HUN", "Hungary", "REE"),
    "PL": ("POL", "Poland", "REE"),
    "RS": ("SRB", "Serbia", "REE"),
    "CS": ("SCG", "Serbia and Montenegro", "REE"),  # historical (1992–2006) code
    # Oceania
    "AU": ("AUS", "Australia", "OC"),
    "NZ": ("NZL", "New Zealand", "OC"),
    "FJ": ("FJI", "Fiji", "OC"),
    "SB": ("SLB", "Solomon Islands", "OC"),
    # Africa
    "ZA": ("ZAF", "South Africa", "AF"),
    "MZ": ("MOZ", "Mozambique", "AF"),
    "EG": ("EGY", "Egypt", "AF"),
    "CM": ("CMR", "Cameroon", "AF"),
    "GH": ("GHA", "Ghana", "AF"),
    "NG": ("NGA", "Nigeria", "AF"),
    "DZ": ("DZA", "Algeria", "AF"),
    "GN": ("GIN", "Guinea", "AF"),
    "SL": ("SLE", "Sierra Leone", "AF"),
    "TZ": ("TZA", "Tanzania", "AF"),
}

#: Source spellings (lower case) → iso2, in addition to the canonical names above.
ALIASES: dict[str, str] = {
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "uae": "AE",
    "russian federation": "RU",
    "viet nam": "VN",
    "bosnia": "BA",
    "bosnia herzegovina": "BA",
    "trinidad": "TT",
    "surinam": "SR",
    "united republic of tanzania": "TZ",
    "turkiye": "TR",
    "iran, islamic rep.": "IR",
    # GeniSim spelling errors, kept in the source
    "gernamy": "DE",
    "quatar": "QA",
    "azerbaydzhan": "AZ",
    "tadzhikistan": "TJ",
}

_ISO3_TO_ISO2: dict[str, str] = {iso3: iso2 for iso2, (iso3, _, _) in COUNTRIES.items()}
_NAME_TO_ISO2: dict[str, str] = {name.lower(): iso2 for iso2, (_, name, _) in COUNTRIES.items()} | ALIASES

#: alusim region codes (IAI primary aluminium regions) plus the balancing/total rows.
REGION_CODES: tuple[str, ...] = ("CN", "ASIA", "GCC", "NA", "SA", "WCE", "REE", "OC", "AF", "UNREPORTED", "WORLD")


def name_to_iso2(name: str) -> str | None:
    """ISO2 for a country name as spelled in a raw file, or None if unknown."""
    return _NAME_TO_ISO2.get(str(name).strip().lower())


def iso3_to_iso2(iso3: str) -> str | None:
    """ISO2 for an ISO3 code from the table, or None if unknown."""
    return _ISO3_TO_ISO2.get(str(iso3).strip().upper())


def iso2_to_iso3(iso2: str) -> str:
    """ISO3 for a known ISO2 code (KeyError-free: unknown → empty string)."""
    entry = COUNTRIES.get(iso2)
    return entry[0] if entry else ""


def iso2_to_region(iso2: str) -> str:
    """alusim model region for a known ISO2 code (unknown → empty string)."""
    entry = COUNTRIES.get(iso2)
    return entry[2] if entry else ""


def _map_column(values: pd.Series, mapper, path: Path, column: str, what: str, fix: str) -> pd.Series:
    """Map a column to ISO2 with ``mapper``; InputError naming the file for any value it cannot map."""
    mapped = values.map(mapper)
    unknown = sorted(set(values[mapped.isna()]))
    if unknown:
        raise InputError(f"column {column!r} has {what}: {', '.join(map(repr, unknown[:5]))}",
                         where=str(path), fix=fix)
    return mapped.astype(str)


def map_names(names: pd.Series, path: Path, column: str) -> pd.Series:
    """Map a column of country names to ISO2; InputError naming the file for any unknown name."""
    return _map_column(names, name_to_iso2, path, column, "country name(s) with no ISO code",
                       "add the spelling to alusim.raw.countries.ALIASES (or COUNTRIES)")


def map_iso3(codes: pd.Series, path: Path, column: str) -> pd.Series:
    """Map a column of ISO3 codes to ISO2; InputError naming the file for any unknown code."""
    return _map_column(codes, iso3_to_iso2, path, column, "ISO3 code(s) not in the country table",
                       "add the country to alusim.raw.countries.COUNTRIES")
