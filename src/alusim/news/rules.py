"""One rule per event type: from a trigger and the slots near it to a proposed event, or to an
observation saying what is missing (rules in :mod:`rules_capacity` and :mod:`rules_market`)."""

from __future__ import annotations

from alusim.news.claim import CAPACITY_TYPES, Claim, alumina_only
from alusim.news.rules_capacity import (
    ban_new_capacity,
    capacity_cap,
    close_noncompliant,
    commission,
    power_curtailment,
    production_cut,
    relocate,
    restart,
    suspend_construction,
)
from alusim.news.rules_market import (
    carbon_border,
    carbon_price,
    demand_shock,
    driver_path,
    export_measure,
    import_cost,
    import_tariff,
    input_price,
    power_price,
    sanction,
)

__all__ = ["NOT_DRAFTED", "RULES", "Claim", "apply_rule"]

#: event types ``alusim news`` does not draft yet (issue 12's alumina-chain events: no trigger words,
#: rule or gold articles so far) — written by hand in a scenario
NOT_DRAFTED = ("supply_disruption", "export_ban")


RULES = {
    "production_cut": production_cut, "restart": restart, "commission": commission,
    "suspend_construction": suspend_construction, "close_noncompliant": close_noncompliant,
    "relocate": relocate, "power_curtailment": power_curtailment, "ban_new_capacity": ban_new_capacity,
    "capacity_cap": capacity_cap, "power_price": power_price, "carbon_price": carbon_price,
    "carbon_border": carbon_border,
    "export_tax": lambda c: export_measure(c, "export_tax"),
    "export_rebate": lambda c: export_measure(c, "export_rebate"),
    "import_tariff": import_tariff, "sanction": sanction, "import_cost": import_cost, "demand_shock": demand_shock,
    "input_price": input_price,
    "driver_path": driver_path,
}


def apply_rule(claim: Claim):
    """The proposed event (or observation, or None) of one claim."""
    if claim.trigger.event_type in CAPACITY_TYPES and alumina_only(claim):
        return claim.observe("alumina", "alumina refining is not a lever of alusim")
    return RULES[claim.trigger.event_type](claim)
