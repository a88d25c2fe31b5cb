"""China's national capacity ceiling (45 Mt, set in 2017–18 and reaffirmed in the 2025–2027 Action Plan,
domain-facts.md b5 [R53][R56][R68]): new capacity starts only while built capacity stays under the
limit. A closure makes room once; with a replacement ratio r below one (new capacity per t retired;
1:1 for the 2015–18 swaps [R90]) the limit also tightens by (1 − r) × the closed capacity. Relocated
capacity stays counted through the move, so a relocation neither breaches nor loosens the cap.

The replacement ratio is one number for the whole run (the last cap event's), whatever the event's
dates or probability; the limit itself follows the event's window and variants."""

from __future__ import annotations

import numpy as np

from alusim.errors import InputError
from alusim.levers.base import LeverContext


def apply(ctx: LeverContext, index: int, event) -> None:
    if event.country.upper() != "CN":
        raise InputError(f"events.{index}.country: a capacity cap is modelled for CN only, got {event.country!r}",
                         fix="use country: CN")
    window = ctx.window(event)
    for v in ctx.variants(index):
        ctx.inputs.cap_limit_cn[v, window] = np.minimum(ctx.inputs.cap_limit_cn[v, window], event.limit_kt)
    ctx.inputs.par["replacement_ratio"] = event.replacement_ratio
    built = ctx.inputs.capacity_kt[ctx.inputs.is_cn & np.isin(ctx.inputs.init_state, (2, 3, 4, 5))].sum()
    ctx.note(index, f"China cap {event.limit_kt:,.0f} kt from month {window.start}; built at start "
                    f"{built:,.0f} kt; replacement ratio {event.replacement_ratio}")
