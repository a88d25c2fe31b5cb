"""MESSAGEix-Materials aluminium inputs (IIASA): IAI regional trade and smelting emission factors.

Source: GitHub ``iiasa/message-ix-models``, ``message_ix_models/data/material/aluminum/``; files
``messageix_aluminium/aluminum_trade.csv`` (IAI Global Aluminium Cycle, regional imports/exports) and
``messageix_aluminium/emission_factors.csv`` (IEA-ETSAP Technology Brief I10, 2012).
Licence: Apache-2.0 (repository); the trade table restates IAI statistics (attribute "International
Aluminium Institute"; IAI terms not checked).
Units: trade ``trade_mt`` in Mt of aluminium, all product forms; emission factors in MESSAGE units
(``CO2_Emission``: t CO2 per t Al; SO2/CF4 units are not stated in the source) — see the ``unit`` column.
Coverage: trade 1962–2021, 10 IAI trade regions (IAI's own grouping, not alusim codes); emission factors
for Söderberg vs prebake smelting.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from alusim.errors import InputError
from alusim.raw._io import FIX_RAW, clean_text, read_csv_checked, require_file, to_number, to_year

FOLDER = "messageix_aluminium"
LICENCE = "Apache-2.0 (iiasa/message-ix-models); trade data from IAI (attribute International Aluminium Institute)"
TRADE_FILE = "aluminum_trade.csv"
EMISSIONS_FILE = "emission_factors.csv"

FLOWS: dict[str, str] = {"USE|Inputs|Imports": "imports", "MANUFACTURING|Outputs|Exports": "exports"}
EMISSION_UNITS: dict[str, str] = {
    "CO2_Emission": "t_co2/t_al",
    "SO2_Emission": "unstated (MESSAGE units)",
    "CF4_Emission": "unstated (MESSAGE units)",
    "CF4_alm_red": "MESSAGE relation coefficient",
}


def read_trade(raw_dir: Path) -> pd.DataFrame:
    """IAI regional aluminium trade: ``year, trade_region, flow, trade_mt`` (Mt, all product forms).

    ``flow`` is ``imports`` or ``exports``. The source repeats 85 (region, variable, year) rows with the
    same value; exact repeats are dropped, conflicting repeats raise InputError.
    """
    path = require_file(raw_dir, FOLDER, TRADE_FILE)
    raw = read_csv_checked(path, ["Region", "Variable", "Year", "Value"])
    variable = clean_text(raw["Variable"])
    unknown = sorted(set(variable) - set(FLOWS))
    if unknown:
        raise InputError(f"column 'Variable' has unknown value(s) {unknown[:3]}", where=str(path), fix=FIX_RAW)
    out = pd.DataFrame(
        {
            "year": to_year(raw["Year"], path, "Year"),
            "trade_region": clean_text(raw["Region"]),
            "flow": variable.map(FLOWS),
            "trade_mt": to_number(raw["Value"], path, "Value"),
        }
    ).drop_duplicates()
    keys = ["year", "trade_region", "flow"]
    if out.duplicated(keys).any():
        first = out[out.duplicated(keys, keep=False)].iloc[0]
        raise InputError(
            f"conflicting values for {first['trade_region']} {first['flow']} {first['year']}",
            where=str(path), fix=FIX_RAW,
        )
    return out.sort_values(keys, ignore_index=True)


def read_emission_factors(raw_dir: Path) -> pd.DataFrame:
    """Smelting emission factors: ``relation, technology, mode, value, unit, comment``."""
    path = require_file(raw_dir, FOLDER, EMISSIONS_FILE)
    raw = read_csv_checked(path, ["relation", "technology", "mode", "value", "comment"])
    relation = clean_text(raw["relation"])
    return pd.DataFrame(
        {
            "relation": relation,
            "technology": clean_text(raw["technology"]),
            "mode": clean_text(raw["mode"]),
            "value": to_number(raw["value"], path, "value"),
            "unit": relation.map(EMISSION_UNITS).fillna(""),
            "comment": clean_text(raw["comment"]),
        }
    )
