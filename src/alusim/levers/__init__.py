"""Policy levers: one self-contained module per event type of DESIGN.md §3.

:func:`apply_events` runs the lever of every event in the scenario, in file order. A lever edits the
engine inputs only where its event reaches (months, assets, Monte Carlo variants); with no events
nothing is touched, so results are bit-identical to a run without levers.
"""

from __future__ import annotations

import numpy as np

from alusim.dataset import Dataset
from alusim.engine.inputs import EngineInputs, schedule_relocations
from alusim.errors import InputError
from alusim.levers import (
    alumina_supply,
    ban_new_capacity,
    capacity_cap,
    carbon_border,
    carbon_price,
    close_noncompliant,
    demand_shock,
    driver_path,
    input_price,
    new_assets,
    power_curtailment,
    power_price,
    production_cut,
    regional_trade,
    restart,
    suspend_construction,
    trade_policy,
)
from alusim.levers.base import MAX_PROBABILISTIC_EVENTS, LeverContext
from alusim.scenario.model import Scenario

LEVERS = {
    "capacity_cap": capacity_cap.apply,
    "ban_new_capacity": ban_new_capacity.apply,
    "suspend_construction": suspend_construction.apply,
    "close_noncompliant": close_noncompliant.apply,
    "production_cut": production_cut.apply,
    "restart": restart.apply,
    "commission": new_assets.apply_commission,
    "relocate": new_assets.apply_relocate,
    "power_curtailment": power_curtailment.apply,
    "power_price": power_price.apply,
    "carbon_price": carbon_price.apply,
    "export_tax": trade_policy.apply_export_tax,
    "export_rebate": trade_policy.apply_export_rebate,
    "import_tariff": trade_policy.apply_import_tariff,
    "sanction": regional_trade.apply_sanction,
    "carbon_border": carbon_border.apply,
    "import_cost": trade_policy.apply_import_cost,
    "demand_shock": demand_shock.apply,
    "input_price": input_price.apply,
    "driver_path": driver_path.apply,
    "supply_disruption": alumina_supply.apply_disruption,
    "export_ban": alumina_supply.apply_export_ban,
}

#: (V, M, …) arrays that get one slice per event variant
VARIANT_ARRAYS = ("avail_share", "power_mult", "power_add", "carbon1", "carbon2", "force_close", "force_restart",
                  "build_block", "demand_base", "export_tax", "export_rebate", "foreign_tariff", "cap_limit_cn",
                  "import_cost_add", "input_mult", "node_demand", "node_tariff", "node_border", "node_open",
                  "node_cn_import_open", "node_cn_tariff")


def extend_assets(dataset: Dataset, scenario: Scenario) -> Dataset:
    """Add the plants that the scenario's events build (before the engine inputs are made)."""
    return new_assets.extend_assets(dataset, scenario)


def _expand_variants(inputs: EngineInputs, scenario: Scenario) -> dict[int, int]:
    probabilistic = [i for i, e in enumerate(scenario.events) if e.probability < 1.0]
    if len(probabilistic) > MAX_PROBABILISTIC_EVENTS:
        raise InputError(f"{len(probabilistic)} events carry a probability; at most {MAX_PROBABILISTIC_EVENTS} may",
                         where="events", fix="merge events or split the scenario")
    if not probabilistic:
        return {}
    n = 1 << len(probabilistic)
    for name in VARIANT_ARRAYS:
        setattr(inputs, name, np.repeat(getattr(inputs, name), n, axis=0))
    inputs.variant_prob = [scenario.events[i].probability for i in probabilistic]
    inputs.variant_events = probabilistic
    return {i: bit for bit, i in enumerate(probabilistic)}


def apply_events(inputs: EngineInputs, scenario: Scenario, dataset: Dataset) -> LeverContext:
    """Apply every event of ``scenario`` to ``inputs`` (in place); returns the context with its log."""
    ctx = LeverContext(inputs=inputs, dataset=dataset, scenario=scenario)
    if not scenario.events:
        return ctx
    ctx.variant_bit = _expand_variants(inputs, scenario)
    for index, event in enumerate(scenario.events):
        LEVERS[event.type](ctx, index, event)
    trade_policy.finalise(ctx)
    # relocations recorded in the data (``replaces``): their plants close when the projects start,
    # which an event may have moved
    schedule_relocations(inputs)
    return ctx


__all__ = ["LEVERS", "LeverContext", "apply_events", "extend_assets"]
