"""What every policy lever shares: the context it edits and the helpers to select assets and months.

A lever is a function ``apply(ctx, index, event)`` that edits the engine inputs held by ``ctx`` for
the months and assets the event covers — and only for the event variants (Monte Carlo branches) in
which a probabilistic event happens. With no events, no lever runs and the inputs stay exactly as
:func:`alusim.engine.inputs.build_inputs` made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from alusim.dataset import Dataset
from alusim.dataset.targets import target_mask
from alusim.engine.inputs import EngineInputs
from alusim.errors import InputError
from alusim.scenario.model import Scenario, Target, month_index

MAX_PROBABILISTIC_EVENTS = 6
BUILT_STATES = (2, 3, 4, 5)   # operating, curtailed, idle, restarting (kernel codes)


@dataclass
class LeverContext:
    inputs: EngineInputs
    dataset: Dataset
    scenario: Scenario
    variant_bit: dict[int, int] = field(default_factory=dict)
    #: what each event did, for ``alusim scenario show`` and the report: event index → text lines
    log: dict[int, list[str]] = field(default_factory=dict)
    rates: dict[tuple[str, str], np.ndarray] | None = None      # (measure, product) → (V, M)
    tariffs: dict[tuple[str, str], np.ndarray] | None = None    # (destination, '*' | 'CN') → (V, M)
    #: (general, China-specific) (V, M, R) tariffs of the regions on Chinese metal (regional_trade)
    node_tariff_parts: tuple[np.ndarray, np.ndarray] | None = None

    # -- trade ------------------------------------------------------------------------------
    def export_shares(self) -> dict[str, float]:
        from alusim.engine.trade_terms import export_destinations

        return export_destinations(self.dataset)

    def trade_rates(self) -> dict[tuple[str, str], np.ndarray]:
        """China's export tax and rebate by product, (V, M), starting from ``trade.csv``."""
        if self.rates is None:
            from alusim.engine.trade_terms import china_export_rate

            shape = self.inputs.export_tax.shape
            self.rates = {(measure, product): np.full(shape, china_export_rate(self.dataset, measure, product,
                                                                               self.scenario.start))
                          for measure in ("export_tax", "export_rebate") for product in ("primary", "semis")}
        return self.rates

    def destination_tariffs(self) -> dict[tuple[str, str], np.ndarray]:
        """Tariffs on Chinese aluminium by (destination, component), (V, M), from ``trade.csv``;
        the component is ``*`` (on every exporter) or ``CN`` (China-specific); they add up."""
        if self.tariffs is None:
            from alusim.engine.trade_terms import destination_tariff

            shape = self.inputs.foreign_tariff.shape
            self.tariffs = {(d, who): np.full(shape, destination_tariff(self.dataset, d, self.scenario.start, who))
                            for d in self.export_shares() for who in ("*", "CN")}
        return self.tariffs

    # -- time -------------------------------------------------------------------------------
    def window(self, event) -> slice:
        """Months the event covers, clipped to the run (``end`` inclusive; open end = to the last month)."""
        first = max(month_index(event.start, self.scenario.start), 0)
        last = self.inputs.months if event.end is None else min(month_index(event.end, self.scenario.start) + 1,
                                                               self.inputs.months)
        return slice(first, max(last, first))

    def start_month(self, event) -> int:
        return max(month_index(event.start, self.scenario.start), 0)

    # -- variants ---------------------------------------------------------------------------
    def variants(self, index: int) -> np.ndarray:
        """Variant indices in which event ``index`` happens (all variants when its probability is 1)."""
        n = self.inputs.avail_share.shape[0]
        if index not in self.variant_bit:
            return np.arange(n)
        bit = self.variant_bit[index]
        return np.array([v for v in range(n) if v >> bit & 1], dtype=np.int64)

    # -- assets -----------------------------------------------------------------------------
    def select(self, target: Target, index: int, *, states: tuple[int, ...] | None = None) -> np.ndarray:
        """Mask over the run's assets for a target; an event whose target selects nothing is an error."""
        table = self.inputs.assets
        try:
            mask = target_mask(table, **target.as_dict())
        except InputError as exc:
            raise InputError(f"events.{index}.target: {exc}", fix=exc.fix) from None
        if states is not None:
            mask &= np.isin(self.inputs.init_state, states)
        if not mask.any():
            what = ", ".join(f"{k}={v}" for k, v in target.as_dict().items())
            extra = "" if states is None else " in a suitable state"
            raise InputError(f"events.{index}.target ({what}) selects no asset{extra}",
                             fix="check the spelling against `alusim data info`, or widen the target")
        return mask

    def note(self, index: int, text: str) -> None:
        self.log.setdefault(index, []).append(text)

    def describe_assets(self, mask: np.ndarray, capacity: np.ndarray | None = None) -> str:
        cap = self.inputs.capacity_kt if capacity is None else capacity
        ids = self.inputs.assets.loc[mask, "asset_id"].tolist()
        shown = ", ".join(ids[:6]) + (f" … (+{len(ids) - 6})" if len(ids) > 6 else "")
        return f"{int(mask.sum())} assets, {cap[mask].sum():,.0f} kt/yr: {shown}"


def pick_up_to(mask: np.ndarray, capacity: np.ndarray, kt: float | None, order: np.ndarray | None = None) -> np.ndarray:
    """Whole assets from ``mask`` (in ``order``, default largest first) until their capacity reaches ``kt``."""
    if kt is None:
        return mask.copy()
    idx = np.flatnonzero(mask)
    if order is None:
        idx = idx[np.argsort(-capacity[idx], kind="stable")]
    else:
        idx = [i for i in order if mask[i]]
    chosen = np.zeros_like(mask)
    total = 0.0
    for i in idx:
        if total >= kt - 1e-9:
            break
        chosen[i] = True
        total += capacity[i]
    return chosen
