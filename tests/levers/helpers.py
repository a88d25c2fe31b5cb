"""Shared helpers for the lever tests: engine inputs with and without an event, array comparisons,
the isolation check every lever must pass, and quiet short simulations.

``build`` gives exactly what :func:`alusim.engine.simulate.prepare` gives (``test_no_events`` checks
it), but reuses one event-free build per period and applies the events to a copy, so that the many
small comparisons stay fast.
"""

from __future__ import annotations

import copy

import numpy as np

from alusim.engine.simulate import prepare, simulate
from alusim.levers import apply_events
from alusim.scenario.model import Commission, NewAsset, Relocate
from tests.conftest import QUIET, scenario

END = "2026-12"

#: the arrays each event type may write (everything else must stay bit-identical)
OWNED: dict[str, set[str]] = {
    "capacity_cap": {"cap_limit_cn", "par"},
    "ban_new_capacity": {"build_block"},
    "suspend_construction": {"build_block"},
    "close_noncompliant": {"force_close"},
    "production_cut": {"avail_share"},
    "restart": {"force_restart", "avail_share"},   # a restart lifts a held-back plant's ceiling
    "commission": {"init_state", "commission_m", "force_close"},   # a relocation project closes its plant
    "relocate": {"force_close", "commission_m", "tariff0"},
    "power_curtailment": {"avail_share"},
    "power_price": {"power_mult", "power_add"},
    "carbon_price": {"carbon1", "carbon2"},
    "export_tax": {"export_tax"},
    "export_rebate": {"export_rebate"},
    "import_tariff": {"foreign_tariff", "node_tariff", "node_cn_tariff"},
    "sanction": {"node_open", "node_cn_import_open"},
    "import_cost": {"import_cost_add"},
    "demand_shock": {"demand_base", "node_demand"},
    "input_price": {"input_mult"},
}

#: one deterministic event of every type that adds no plant (the company a lever keeps in a scenario)
BACKGROUND: list[dict] = [
    {"type": "capacity_cap", "limit_kt": 44_000, "replacement_ratio": 0.5, "start": "2025-03"},
    {"type": "ban_new_capacity", "target": {"country": "IN"}, "start": "2025-02"},
    {"type": "suspend_construction", "target": {"country": "ID"}, "start": "2025-02"},
    {"type": "close_noncompliant", "start": "2025-05"},
    {"type": "production_cut", "target": {"province": "Shandong"}, "share": 0.1, "start": "2025-06",
     "end": "2025-12"},
    {"type": "restart", "target": {"country": "US"}, "kt": 500, "start": "2025-04"},
    {"type": "commission", "asset": "cn_yunnan_qiya_heqing_phase2", "start": "2025-09"},
    {"type": "power_curtailment", "target": {"province": "Yunnan"}, "share": 0.2, "months": [1, 2, 3],
     "start": "2025-01"},
    {"type": "power_price", "target": {"province": "Henan"}, "change": "+10%", "start": "2025-02"},
    {"type": "carbon_price", "region": "EU", "price": "80 EUR/t_CO2", "scope": "1+2", "start": "2025-01"},
    {"type": "export_tax", "product": "primary", "rate": 0.2, "start": "2025-07"},
    {"type": "export_rebate", "product": "semis", "rate": 0.05, "start": "2025-07"},
    {"type": "import_tariff", "importer": "US", "exporter": "CN", "rate": 0.6, "start": "2025-04"},
    {"type": "import_cost", "change_usd_t": -120.0, "start": "2025-05"},
    {"type": "demand_shock", "region": "WORLD", "pct": 0.03, "start": "2025-02"},
    {"type": "input_price", "input": "coal", "pct": 0.1, "start": "2025-03"},
]

_BUILT: dict = {}
_RUNS: dict = {}


def _adds_asset(event) -> bool:
    return isinstance(event, Relocate) or (isinstance(event, Commission) and isinstance(event.asset, NewAsset))


def build(dataset, events=(), *, end: str = END, assumptions: dict | None = None):
    """(dataset, inputs) for a quiet scenario with ``events``, as ``prepare`` makes them."""
    assumptions = {**QUIET, **(assumptions or {})}
    sc = scenario(end=end, assumptions=assumptions, events=list(events))
    if any(_adds_asset(e) for e in sc.events):
        return prepare(sc, dataset)
    key = (id(dataset), end, tuple(sorted(assumptions.items())))
    if key not in _BUILT:
        _BUILT[key] = prepare(scenario(end=end, assumptions=assumptions), dataset)
    ds, base = _BUILT[key]
    inputs = copy.deepcopy(base)
    if sc.events:
        inputs.lever_log = apply_events(inputs, sc, ds).log
    return ds, inputs


def inputs_of(dataset, events=(), **kwargs):
    return build(dataset, events, **kwargs)[1]


def arrays(inputs) -> dict[str, np.ndarray]:
    """The inputs' arrays, and the kernel's parameters (a dict of named values) as one of them."""
    out = {k: v for k, v in vars(inputs).items() if isinstance(v, np.ndarray)}
    out["par"] = _par_array(inputs.par)
    return out


def _par_array(par) -> np.ndarray:
    return np.array([par[k] for k in sorted(par)]) if isinstance(par, dict) else par


def same(a, b) -> bool:
    a, b = _par_array(a), _par_array(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return bool(np.array_equal(a, b, equal_nan=np.issubdtype(a.dtype, np.floating)))


def differing(a, b) -> set[str]:
    """Names of the array attributes that differ (in shape, dtype or any value) between two inputs."""
    xa, xb = arrays(a), arrays(b)
    assert xa.keys() == xb.keys()
    return {name for name in xa if not same(xa[name], xb[name])}


def assert_isolated(dataset, event: dict) -> None:
    """The lever of ``event`` writes only its own arrays, and leaves no trace when absent.

    Every other lever whose arrays do not overlap is present in both runs; without the event the
    lever's arrays are bit-identical to a build with no events at all, and adding the event changes
    nothing outside them.
    """
    kind = event["type"]
    others = [e for e in BACKGROUND if not OWNED[e["type"]] & OWNED[kind]]
    empty = inputs_of(dataset)
    without = inputs_of(dataset, others)
    with_event = inputs_of(dataset, others + [event])
    for name in OWNED[kind]:
        assert same(getattr(without, name), getattr(empty, name)), f"{name} touched while {kind} is absent"
    changed = differing(without, with_event)
    assert changed, f"{kind} changed nothing"
    assert changed <= OWNED[kind], f"{kind} also wrote {sorted(changed - OWNED[kind])}"


def run(dataset, events=(), *, end: str = "2026-12", paths: int = 1, assumptions: dict | None = None):
    """A quiet simulation (random drivers off), cached by its arguments."""
    assumptions = {**QUIET, **(assumptions or {})}
    key = (id(dataset), repr(events), end, paths, tuple(sorted(assumptions.items())))
    if key not in _RUNS:
        _RUNS[key] = simulate(scenario(end=end, paths=paths, events=list(events), assumptions=assumptions), dataset)
    return _RUNS[key]


def monthly(result, variable: str, region: str) -> np.ndarray:
    """Median over paths of a monthly variable."""
    return np.median(result.data[variable].sel(region=region).values, axis=0)


def index(inputs, asset_id: str) -> int:
    hit = np.flatnonzero(inputs.assets["asset_id"].to_numpy() == asset_id)
    assert len(hit) == 1, asset_id
    return int(hit[0])


def mask(inputs, **column_values) -> np.ndarray:
    """Boolean mask over the inputs' assets where every given column equals its value."""
    m = np.ones(len(inputs.assets), dtype=bool)
    for column, value in column_values.items():
        m &= (inputs.assets[column] == value).to_numpy()
    return m
