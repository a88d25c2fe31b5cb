"""What the engine needs from a dataset beyond each table's own schema (checked on every load, so
that ``alusim data validate`` and ``alusim run`` agree): both markets present in the demand and
smelter tables, demand sectors only for known regions, and no table that refers to a region the
demand table lacks. Parameters the engine reads are checked by the dry run of ``data validate``
(:func:`alusim.engine.simulate.dry_run`), which exercises every lookup the engine makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alusim.errors import InputError

if TYPE_CHECKING:
    from alusim.dataset.dataset import Dataset


def _place(dataset: Dataset, name: str) -> str:
    return str(dataset.source_dir / name) if dataset.source_dir is not None else name


def check_engine_needs(dataset: Dataset) -> None:
    """Raise :class:`InputError` (file and column named) for the first need the dataset misses."""
    regions = set(dataset.demand["region"])
    if "CN" not in regions:
        raise InputError("column region: no row for CN (China is a market of its own)",
                         where=_place(dataset, "demand.csv"), fix="add the CN row back")
    if not regions - {"CN"}:
        raise InputError("column region: no region outside China (the ROW market would have no demand)",
                         where=_place(dataset, "demand.csv"), fix="add the IAI regions outside China")
    sectors = dataset.demand_sectors
    unknown = sectors[~sectors["region"].isin(regions)]
    if len(unknown):
        raise InputError(f"line {int(unknown.index[0]) + 2} column region: {unknown['region'].iloc[0]!r} has no row "
                         "in demand.csv", where=_place(dataset, "demand_sectors.csv"),
                         fix="add the region to demand.csv or remove its sector rows")
    smelters = dataset.smelters
    if not (smelters["country"] == "CN").any() or (smelters["country"] == "CN").all():
        raise InputError("the smelter tables need plants in China and outside it", where=_place(dataset, "smelters_*.csv"),
                         fix="restore smelters_cn.csv and smelters_row.csv")
    missing = sorted(set(smelters["region"]) - regions)
    if missing:
        raise InputError(f"column region: smelters in {missing[0]!r}, which has no row in demand.csv",
                         where=_place(dataset, "demand.csv"), fix=f"add a demand row for {missing[0]}")
