"""The agents of the Mesa reference model (:mod:`alusim.bench.mesa_reference`): a market (China/SHFE
or the rest of the world/LME) and a smelter with its own state, running share, expected margin and
restart timer. They mirror the kernel's per-plant step formula by formula."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from alusim.engine import kernel as K

if TYPE_CHECKING:
    from alusim.bench.mesa_reference import MarketModel

PLANNED, CONSTRUCTION, OPERATING, CURTAILED = K.PLANNED, K.CONSTRUCTION, K.OPERATING, K.CURTAILED
IDLE, RESTARTING, CLOSED = K.IDLE, K.RESTARTING, K.CLOSED
_BUILT = (OPERATING, CURTAILED, IDLE, RESTARTING)
_RUNNING = (OPERATING, CURTAILED)


class Market:
    """One metal market (0 = China, SHFE, CNY/t tax-inclusive; 1 = rest of world, LME, USD/t):
    its price, smoothed prices and total stock (visible + unreported), its constants, and this
    month's totals over the smelters selling into it."""

    def __init__(self, index: int, name: str, price: float, stock: float, *, stock_days_normal: float,
                 unreported_days: float, price_elasticity: float, restart_hurdle: float, restart_cost: float,
                 restart_lag: float, take_or_pay: float, new_build_hurdle: float, log_price_to_cost: float):
        self.index = index
        self.name = name
        self.price = price
        self.fast = price            # 12-month exponential average, for the demand response
        self.slow = price            # 36-month
        self.stock = stock
        self.stock_days_normal = stock_days_normal
        self.unreported_days = unreported_days
        self.visible_share = 1.0             # visible share of the total stock (set at the start)
        self.price_elasticity = price_elasticity
        self.restart_hurdle = restart_hurdle
        self.restart_cost = restart_cost
        self.restart_lag = restart_lag
        self.take_or_pay = take_or_pay
        self.new_build_hurdle = new_build_hurdle
        self.log_price_to_cost = log_price_to_cost
        self.input_cost = 0.0
        self.alumina_fwd_delta = 0.0
        self.begin_month(0.0)

    def begin_month(self, input_cost: float, alumina_fwd_delta: float = 0.0) -> None:
        """Alumina + anode cost per t of metal this month, and how much more (or less) smelters
        expect alumina to cost over their decision horizon; zero the month's totals."""
        self.input_cost = input_cost
        self.alumina_fwd_delta = alumina_fwd_delta
        self.production = 0.0
        self.cap_built = 0.0
        self.cap_operating = 0.0
        self.co2 = 0.0
        self.loss_cap = 0.0
        self.margin_sum = 0.0
        self.cost_sum = 0.0
        self.restart_spend = 0.0

    def end_month(self, price: float) -> None:
        """Next month's price, and the smoothed prices demand responds to."""
        self.price = price
        self.fast += (price - self.fast) / 12.0
        self.slow += (price - self.slow) / 36.0


class Smelter(mesa.Agent):
    """One smelter: static data, its own cost and event series, and its dynamic state."""

    def __init__(self, model: MarketModel, index: int, market: Market, *, capacity_kt: float, share: float,
                 state: int, commission_m: int, coal_share: float, co2_t_per_t: float, is_cn: bool,
                 counts_in_cap: bool, quota_transfer: bool, planned_go: bool, u_lag: float, u_threshold: float,
                 cost_power: list[float], cost_fixed: list[float], avail_share: list[float],
                 force_close: list[bool], force_restart: list[bool], build_block: list[bool]):
        super().__init__(model)
        self.index = index
        self.market = market
        self.capacity_kt = capacity_kt
        self.commission_m = commission_m
        self.coal_share = coal_share
        self.co2_t_per_t = co2_t_per_t
        self.is_cn = is_cn
        self.counts_in_cap = counts_in_cap
        self.quota_transfer = quota_transfer      # relocation: the quota passes from the closed to the new plant
        self.planned_go = planned_go
        # months from a restart decision to running, and the loss (share of cash cost) borne before
        # cutting: each plant's draw within the spread around the market's mean
        spread = model.restart_lag_spread
        self.restart_lag = max(int(round(market.restart_lag * (1.0 - spread + 2.0 * spread * u_lag))), 1)
        self.curtail_threshold = model.curtail_threshold * (1.0 - model.curtail_spread
                                                            + 2.0 * model.curtail_spread * u_threshold)
        # this plant's monthly series under the path's event variant
        self.cost_power = cost_power
        self.cost_fixed = cost_fixed
        self.avail_share = avail_share
        self.force_close = force_close
        self.force_restart = force_restart
        self.build_block = build_block
        # dynamic state
        self.state = state
        self.share = share
        self.exp_margin = 0.0
        self.timer = 0
        self.cost = 0.0
        self.cost_usd = 0.0
        self.power = 0.0     # this month's power cost per t (the coal-linked tariff)
        self.opcap = 0.0     # operating capacity this month (weight on the operating cost curve)
        self.year_prod = 0.0

    @property
    def in_cn_cap(self) -> bool:
        """Counted by China's national capacity cap."""
        return self.is_cn and self.counts_in_cap

    def update_cost(self) -> None:
        """This month's cash cost (and in USD ex-VAT), and the smoothed margin at last month's price
        over the cost with the alumina expected over the decision horizon."""
        model = self.model
        m = model.month
        mk = self.market
        self.power = self.cost_power[m] * (1.0 + self.coal_share * (model.coal - 1.0))
        c = mk.input_cost + self.power + self.cost_fixed[m]
        self.cost = c
        self.cost_usd = c * model.to_usd if mk.index == 0 else c
        if m == 0:
            self.exp_margin = mk.price - (c + mk.alumina_fwd_delta)     # the observed start
        else:
            self.exp_margin += model.alpha * ((mk.price - (c + mk.alumina_fwd_delta)) - self.exp_margin)

    def decide(self) -> None:
        """State transition: forced closure; commissioning (on its date under construction; a planned
        project where it goes ahead, in China only while margins clear the new-build hurdle, and
        subject to the cap); restart of an idle plant above its hurdle, after its lag; curtailment
        while the expected margin on avoidable cost is below the plant's threshold; lines back when
        margins clear the recovery margin (hysteresis)."""
        s = self.state
        if s == CLOSED:
            return
        model = self.model
        m = model.month
        mk = self.market
        ce = self.cost + mk.alumina_fwd_delta
        forced = self.force_restart[m]
        if self.force_close[m]:
            if self.in_cn_cap and s != PLANNED and s != CONSTRUCTION and not self.quota_transfer:
                model.built_cn -= self.capacity_kt       # room under the cap, once
                model.cap_cut += self.capacity_kt * (1.0 - model.replacement_ratio)
            self.state = CLOSED
            self.share = 0.0
            return
        if s == PLANNED or s == CONSTRUCTION:
            capped = self.in_cn_cap and not self.quota_transfer
            room = (not capped) or model.built_cn + self.capacity_kt <= model.cap_limit_cn[m] - model.cap_cut + 1e-9
            if self.commission_m >= 0 and m >= self.commission_m and not self.build_block[m]:
                go = s == CONSTRUCTION or (self.planned_go and self.exp_margin > mk.new_build_hurdle * ce)
                if go and room:
                    self._start_running()
                    if capped:
                        model.built_cn += self.capacity_kt
        elif s == IDLE:
            if forced or self.exp_margin > mk.restart_hurdle * ce:
                self.state = RESTARTING
                self.timer = self.restart_lag
                mk.restart_spend += self.capacity_kt * mk.restart_cost
        elif s == RESTARTING:
            self.timer -= 1
            if self.timer <= 0:
                self._start_running()
        elif self.exp_margin + mk.take_or_pay * self.power < -self.curtail_threshold * ce and not forced:
            # operating or curtailed: cut potlines on sustained losses on avoidable cost …
            self.share -= model.curtail_step
            if self.share <= 1e-9:
                self.share = 0.0
                self.state = IDLE
            else:
                self.state = CURTAILED
        elif self.share < 1.0 and (self.exp_margin > model.recover_margin * ce or forced):
            # … and bring them back when margins clear the recovery margin
            self.share = min(1.0, self.share + model.ramp_step)
            self.state = OPERATING if self.share >= 1.0 - 1e-12 else CURTAILED

    def _start_running(self) -> None:
        self.state = OPERATING
        self.share = self.model.ramp_step

    def produce(self) -> None:
        """This month's output, emissions and margins, added to the market's totals."""
        s = self.state
        if s == CLOSED:
            self.opcap = 0.0
            return
        mk = self.market
        model = self.model
        if s in _BUILT:
            mk.cap_built += self.capacity_kt
        if s in _RUNNING:
            px = mk.price
            c = self.cost
            oc = self.capacity_kt * self.share * self.avail_share[model.month]
            self.opcap = oc
            q = oc * model.monthly_util
            mk.production += q
            mk.cap_operating += oc
            mk.co2 += q * self.co2_t_per_t
            mk.margin_sum += oc * (px - c)
            mk.cost_sum += oc * c
            if c > px:
                mk.loss_cap += oc
            self.year_prod += q
        else:
            self.opcap = 0.0


def weighted_quantile(ranked: list, key: str, weight: str, total: float, q: float) -> float:
    """Quantile ``q`` of ``key`` over agents ``ranked`` by ``key``, weighted by ``weight``: the
    kernel's rule (:func:`alusim.engine.curves.two_quantiles`), walked the kernel's way, from the
    dearest plant down — the first plant with weight at which the weight above it plus its own
    exceeds ``(1 − q) × total`` (the cheapest plant with weight if the walk ends short).

    The direction matters, not only for the last digit: ``total`` is the market's operating
    capacity, greenfield capacity included, which is not on the curve; walked from the top, that
    capacity sits below the cheapest plant (walked from the bottom it would sit above the dearest)."""
    if total <= 0.0:
        return math.nan
    bound = (1.0 - q) * total + 1e-12
    tail = 0.0
    last = math.nan
    for agent in reversed(ranked):
        w = getattr(agent, weight)
        if w <= 0.0:
            continue
        tail += w
        last = getattr(agent, key)
        if tail > bound:
            return last
    return last
