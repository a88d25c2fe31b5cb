"""Scenarios: validated YAML files of assumptions and dated policy events."""

from alusim.scenario.io import dump_scenario, load_scenario, parse_scenario_text
from alusim.scenario.model import EVENT_TYPES, Scenario, Target, month_index

__all__ = ["EVENT_TYPES", "Scenario", "Target", "dump_scenario", "load_scenario", "month_index",
           "parse_scenario_text"]
