"""The kernel's scalar parameters as one named structure, read from the dataset by dotted name.

:class:`Params` is a named tuple of float arrays, one entry per *parameter set*: a run with one set
(the shipped defaults) has arrays of length one; a run that carries a calibration ensemble into the
Monte Carlo has one entry per member, and each path reads the member ``path_set[p]`` picks
(:func:`alusim.history.ensemble`). Named fields instead of index constants: the kernel reads
``par.price_adjust[s]``, and adding a parameter is one line here.

Each field says where it comes from: a dotted name of ``parameters.csv`` (or the demand table) and
how the stored value becomes the kernel's unit (``pct`` → fraction, ``months`` → 1/months …).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from alusim.dataset import Dataset


def _pct(x: float) -> float:
    return x / 100.0


def _per_month(x: float) -> float:
    return 1.0 / max(x, 1.0)


def _below(x: float) -> float:
    """'curtail when the price is below x % of cash cost' → the loss, as a share of cost, borne before cutting."""
    return 1.0 - x / 100.0


def _per_year(x: float) -> float:
    return x / 12.0


def _log(x: float) -> float:
    return float(np.log(max(x, 1e-9)))


def _same(x: float) -> float:
    return float(x)


#: field → (parameter name, transform). ``None`` as a name: a value set by the scenario (levers).
FIELDS: dict[str, tuple[str | None, Callable[[float], float]]] = {
    # technical coefficients and taxes
    "alumina_q": ("cost.alumina_t_per_t", _same),
    "anode_q": ("cost.anode_net_t_per_t", _same),
    "vat": ("cost.vat_cn", _same),
    # plant decisions (supply)
    "margin_alpha": ("supply.margin_horizon_months", _per_month),
    "curtail_threshold": ("supply.curtail_threshold_pct_of_cost", _below),
    "curtail_spread": ("supply.curtail_threshold_spread", _same),
    "curtail_step": ("supply.curtail_step_per_month", _same),
    "take_or_pay_cn": ("supply.take_or_pay_share.cn", _same),
    "take_or_pay_row": ("supply.take_or_pay_share.row", _same),
    "recover_margin": ("supply.recover_margin_pct_of_cost", _pct),
    "restart_hurdle_cn": ("supply.restart_hurdle_pct_of_cost.cn", _pct),
    "restart_hurdle_row": ("supply.restart_hurdle_pct_of_cost.row", _pct),
    "restart_lag_cn": ("supply.restart_lag_months.cn", _same),
    "restart_lag_row": ("supply.restart_lag_months.row", _same),
    "restart_lag_spread": ("supply.restart_lag_spread", _same),
    "new_build_hurdle_cn": ("supply.new_build_hurdle_pct_of_cost.cn", _pct),
    "ramp_step": ("supply.ramp_up_months", _per_month),
    "util_max": ("supply.utilisation_max", _same),
    "restart_cost_cn": ("cost.restart_cny_per_t_capacity", _same),
    "restart_cost_row": ("cost.restart_usd_per_t_capacity", _same),
    "replacement_ratio": (None, _same),
    "greenfield_rate": ("supply.greenfield_kt_per_year_per_10pct", _same),
    "greenfield_build_months": ("supply.greenfield_build_months", _same),
    "greenfield_cost_usd_t": ("supply.greenfield_cash_cost_usd_t", _same),
    "greenfield_max": ("supply.greenfield_max_kt", _same),
    "greenfield_co2": ("supply.greenfield_co2_t_per_t", _same),
    # prices
    "price_adjust": ("market.price_adjust_per_month", _same),
    "stock_elasticity": ("market.price_stock_elasticity", _same),
    "support_quantile": ("market.cost_support_percentile", _same),
    "log_price_to_cost_cn": ("market.price_to_cost_at_normal_stocks.cn", _log),
    "log_price_to_cost_row": ("market.price_to_cost_at_normal_stocks.row", _log),
    "log_cost_floor": ("market.cost_floor_ratio", _log),
    "incentive_usd_t": ("market.incentive_price_usd_t", _same),
    "incentive_escalation": ("market.incentive_escalation_pct_per_year", _pct),
    "stock_days_normal_cn": ("market.stock_days_normal.cn", _same),
    "stock_days_normal_row": ("market.stock_days_normal.row", _same),
    "unreported_days_cn": ("inventory.unreported_days.cn", _same),
    "unreported_days_row": ("inventory.unreported_days.row", _same),
    "start_equilibrium": ("market.start_at_equilibrium", _same),
    "stock_floor": ("market.stock_ratio_floor", _same),
    "stock_ceiling": ("market.stock_ratio_ceiling", _same),
    "glut_max": ("market.glut_ratio_max", _same),
    "cap_rent_headroom": ("market.cap_rent_headroom_share", _same),
    "log_cap_rent_parity": ("market.cap_rent_price_to_parity", _log),
    "vol_shfe": ("price.shfe.vol_pct_per_month", _pct),
    "vol_lme": ("price.lme.vol_pct_per_month", _pct),
    "price_elast_cn": (None, _same),
    "price_elast_row": (None, _same),
    # trade
    "semis_premium": ("trade.semis_premium_pct", _pct),
    "export_elasticity": ("trade.cn_export_elasticity_per_log_arb", _same),
    "export_max": ("trade.cn_exports_max_kt_per_year", _per_year),
    "export_overhang": ("trade.cn_export_share_of_stock_overhang", _same),
    "import_max": ("trade.cn_imports_max_kt_per_year", _per_year),
    "import_threshold": ("trade.cn_import_arbitrage_threshold", _same),
    "import_width": ("trade.cn_import_response_width", _same),
    "import_cost_usd_t": ("trade.cn_import_cost_usd_t", _same),
    "import_duty": ("trade.cn_import_duty_primary", _same),
    "trade_adjust": ("trade.adjust_per_month", _same),
    # regions outside China
    "region_flow_elasticity": ("trade.region_flow_elasticity", _same),
    "region_flow_adjust": ("trade.region_flow_adjust_per_month", _same),
    "premium_sensitivity": ("market.premium_stock_sensitivity", _same),
    "premium_adjust": ("market.premium_adjust_per_month", _same),
}

Params = namedtuple("Params", list(FIELDS))


def parameter_values(dataset: Dataset) -> dict[str, float]:
    """One parameter set: field → value in the kernel's units, from ``dataset``."""
    values = {}
    for name, (source, transform) in FIELDS.items():
        if source is not None:
            values[name] = transform(dataset.param(source))
    values["replacement_ratio"] = 1.0
    values["price_elast_cn"] = dataset.demand_value("CN", "price_elasticity")
    others = [r for r in dataset.demand["region"] if r != "CN"]
    values["price_elast_row"] = float(np.average([dataset.demand_value(r, "price_elasticity") for r in others],
                                                 weights=[dataset.demand_value(r, "consumption_kt") for r in others]))
    return values


def stack(sets: Sequence[Mapping[str, float]]) -> Params:
    """A :class:`Params` whose fields hold one value per set (contiguous float arrays)."""
    return Params(**{name: np.ascontiguousarray([float(s[name]) for s in sets], dtype=np.float64)
                     for name in FIELDS})


def parameter_names() -> set[str]:
    """The dotted ``parameters.csv`` names the kernel reads."""
    return {source for source, _ in FIELDS.values() if source is not None}
