"""Levers that add plants: commissioning a new smelter, and relocating capacity to another province
(relocation to Yunnan and Guangxi hydropower: ~6.56 Mt slated, a little over half realised by 2024
[R102]; green power as low as 0.28 CNY/kWh and a Shandong producer saving CNY 300/t by moving to Yunnan,
seed 003).

New plants are added to the asset table before the engine inputs are built (:func:`extend_assets`),
so that their costs come from the same build-up as every other plant; the levers then set their
start month, close the relocated source capacity and apply any tariff given in the event.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset
from alusim.errors import InputError
from alusim.levers.base import BUILT_STATES, LeverContext, pick_up_to
from alusim.scenario.model import Commission, NewAsset, Relocate, Scenario
from alusim.scenario.quantities import parse_change


def relocation_asset_id(index: int, event: Relocate) -> str:
    place = (event.to_province or event.to_region or "x").lower().replace(" ", "_")
    return f"reloc_{index}_{place}"


def _row(dataset: Dataset, **fields) -> dict:
    table = dataset.smelters
    country = fields["country"]
    region = fields.get("region") or (table.loc[table["country"] == country, "region"].mode().iloc[0]
                                      if (table["country"] == country).any() else None)
    if region is None:
        raise InputError(f"cannot place a new plant in {country!r}: no region known",
                         fix="give region (an IAI region code) for the new asset")
    return {"asset_id": fields["asset_id"], "name": fields["name"], "owner": fields["owner"], "parent": None,
            "country": country, "region": region, "province": fields.get("province"),
            "status": "construction", "capacity_kt": float(fields["capacity_kt"]), "operating_kt": 0.0,
            "start_year": int(fields["start_year"]), "power_source": fields["power_source"],
            "power_kwh_t": float(fields["power_kwh_t"]), "cell_technology": fields.get("cell_technology", "PFPB"),
            "cell_ka": np.nan, "alumina_integrated": False, "compliant": bool(fields.get("compliant", True)),
            "source": fields.get("source") or "scenario event", "source_date": fields["start_year_text"],
            "confidence": "low", "notes": "added by a scenario event"}


def _check_place(dataset: Dataset, index: int, prefix: str, country: str, province: str | None,
                 region: str | None) -> None:
    """A new plant goes to a province the dataset knows (from its smelters or power tariffs) and to
    an IAI region code: no plant is built in "Atlantis"."""
    from alusim.dataset.schemas import REGIONS

    if region is not None and region not in REGIONS:
        raise InputError(f"events.{index}.{prefix}region: unknown region {region!r}",
                         fix="use an IAI region code: " + ", ".join(REGIONS))
    if province is None:
        return
    known = {str(p).strip().lower() for p in dataset.smelters.loc[dataset.smelters["country"] == country, "province"]
             .dropna()}
    tariffs = dataset.power_tariffs
    known |= {str(p).strip().lower() for p in tariffs.loc[tariffs["country"] == country, "province"].dropna()}
    known.discard("*")
    if province.strip().lower() not in known:
        shown = ", ".join(sorted(known)[:12]) or "none"
        raise InputError(f"events.{index}.{prefix}province: unknown province {province!r} in {country}",
                         fix=f"use a province of the dataset ({shown}…)")


def extend_assets(dataset: Dataset, scenario: Scenario) -> Dataset:
    """The dataset with the plants that ``commission`` (new asset) and ``relocate`` events build."""
    rows = []
    known = set(dataset.smelters["asset_id"])
    for index, event in enumerate(scenario.events):
        if isinstance(event, Commission) and isinstance(event.asset, NewAsset):
            new: NewAsset = event.asset
            if new.asset_id in known:
                raise InputError(f"events.{index}.asset.asset_id: {new.asset_id!r} already exists",
                                 fix="choose a new asset_id, or commission the existing one by its id")
            if new.country == "CN" and not new.province:
                raise InputError(f"events.{index}.asset.province: required for a Chinese plant",
                                 fix="give the province, e.g. Yunnan")
            _check_place(dataset, index, "asset.", new.country, new.province, new.region)
            rows.append(_row(dataset, **new.model_dump(), start_year=int(event.start[:4]),
                             start_year_text=event.start[:4], source=event.source_text))
            known.add(new.asset_id)
        elif isinstance(event, Relocate):
            _check_place(dataset, index, "to_", event.to_country, event.to_province, event.to_region)
            rows.append(_row(dataset, asset_id=relocation_asset_id(index, event),
                             name=f"Relocated capacity to {event.to_province or event.to_region}",
                             owner="Relocation", country=event.to_country, province=event.to_province,
                             region=event.to_region if event.to_country != "CN" else "CN",
                             capacity_kt=event.kt * event.ratio, start_year=int(event.start[:4]),
                             start_year_text=event.start[:4], power_source=event.power_source,
                             power_kwh_t=event.power_kwh_t, source=event.source_text))
    if not rows:
        return dataset
    from dataclasses import replace

    extra = pd.DataFrame(rows)
    extra = extra.astype({c: t for c, t in dataset.smelters.dtypes.items() if c in extra.columns}, errors="ignore")
    return replace(dataset, smelters=pd.concat([dataset.smelters, extra], ignore_index=True))


def _asset_index(ctx: LeverContext, asset_id: str, index: int, field: str) -> int:
    hit = np.flatnonzero(ctx.inputs.assets["asset_id"].to_numpy() == asset_id)
    if not len(hit):
        raise InputError(f"events.{index}.{field}: unknown asset {asset_id!r}",
                         fix="use an asset_id from `alusim data info --assets`")
    return int(hit[0])


def apply_commission(ctx: LeverContext, index: int, event: Commission) -> None:
    asset_id = event.asset if isinstance(event.asset, str) else event.asset.asset_id
    a = _asset_index(ctx, asset_id, index, "asset")
    if ctx.inputs.init_state[a] not in (0, 1):
        raise InputError(f"events.{index}.asset: {asset_id!r} is already built", fix="commission a planned, "
                         "under-construction or new asset; use a restart event for idle plants")
    if ctx.variant_bit.get(index) is not None:
        raise InputError(f"events.{index}.probability: commissioning cannot be probabilistic yet",
                         fix="use a planned asset (its realisation is already random) or drop probability")
    ctx.inputs.init_state[a] = 1
    ctx.inputs.commission_m[a] = ctx.start_month(event)
    ctx.note(index, f"commissions {asset_id} ({ctx.inputs.capacity_kt[a]:,.0f} kt/yr) in month "
                    f"{ctx.start_month(event)}")


def apply_relocate(ctx: LeverContext, index: int, event: Relocate) -> None:
    """Close whole source plants (largest first) until ``kt`` is reached, and build the destination
    plant with the capacity actually closed × ``ratio``, ``lag_months`` after the start; the closed
    plants' quota moves to the new plant (China's replacement rules), so the cap is neither breached
    nor loosened."""
    if ctx.variant_bit.get(index) is not None:
        raise InputError(f"events.{index}.probability: relocation cannot be probabilistic yet",
                         fix="drop probability from the relocate event")
    source = ctx.select(event.from_, index, states=BUILT_STATES)
    source &= ~ctx.inputs.assets["asset_id"].str.startswith("reloc_").to_numpy()
    chosen = pick_up_to(source, ctx.inputs.capacity_kt, event.kt)
    new = _asset_index(ctx, relocation_asset_id(index, event), index, "to_province")
    moved = float(ctx.inputs.capacity_kt[chosen].sum())
    ctx.inputs.capacity_kt[new] = moved * event.ratio
    ctx.inputs.assets.loc[new, "capacity_kt"] = moved * event.ratio
    ctx.inputs.quota_transfer[chosen] = True
    ctx.inputs.quota_transfer[new] = True
    move = ctx.start_month(event) + event.lag_months
    ctx.inputs.commission_m[new] = move
    if move < ctx.inputs.months:
        for v in ctx.variants(index):
            ctx.inputs.force_close[v, move, chosen] = True
    if event.tariff:
        kind, value, unit = parse_change(event.tariff, ("CNY/kWh", "USD/MWh"))
        if kind != "abs":
            raise InputError(f"events.{index}.tariff: give a price such as '0.28 CNY/kWh'", fix="write a unit")
        fx = ctx.dataset.param("fx.cny_per_usd")
        per_kwh_cny = value if unit == "CNY/kWh" else value / 1000.0 * fx
        ctx.inputs.tariff0[new] = per_kwh_cny if ctx.inputs.is_cn[new] else per_kwh_cny / fx
    asked = f" (asked {event.kt:,.0f} kt; whole plants move)" if abs(moved - event.kt) > 1e-6 else ""
    ctx.note(index, f"moves {ctx.describe_assets(chosen)} → {moved * event.ratio:,.0f} kt/yr in "
                    f"{event.to_province or event.to_region} ({event.power_source}) at month {move}{asked}")
