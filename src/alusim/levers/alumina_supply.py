"""Bauxite and alumina supply shocks (issue 12): ``supply_disruption`` (an origin's bauxite or a set of
refineries, a share, for some months — Guinea's GAC suspension of Oct 2024, the Gladstone gas outage
of 2024) and ``export_ban`` (Indonesia's bauxite bans of 2014 and 2023). The lever only records what
the event does, per variant and month, in ``inputs.alumina_events``; :mod:`alusim.alumina.engine` turns
it into lost bauxite, idle refineries and the seaborne bauxite price when ``alumina.market`` is 1.
Without these events nothing is recorded and the run is as before."""

from __future__ import annotations

from alusim.dataset.targets import target_mask
from alusim.errors import InputError
from alusim.levers.base import LeverContext
from alusim.scenario.model import month_index


def _window(ctx: LeverContext, event) -> slice:
    if getattr(event, "duration_months", None) is not None:
        first = max(month_index(event.start, ctx.scenario.start), 0)
        last = min(month_index(event.start, ctx.scenario.start) + event.duration_months, ctx.inputs.months)
        return slice(first, max(last, first))
    return ctx.window(event)


def _origin(ctx: LeverContext, index: int, field: str, code: str) -> str:
    from alusim.alumina.bauxite import known_origins

    code = code.upper()
    known = known_origins(ctx.dataset)
    if code not in known:
        raise InputError(f"events.{index}.{field}: unknown bauxite origin {code!r}",
                         fix="use one of " + ", ".join(sorted(known)))
    return code


def _note_off(ctx: LeverContext, index: int) -> None:
    if ctx.dataset.param_or("alumina.market", 0.0) < 0.5:
        ctx.note(index, "no effect: the alumina market is off (assumptions: {alumina.market: 1})")


def _some(mask, message: str, fix: str):
    """The refinery mask an event selects, refused with one line when it selects none."""
    if not mask.any():
        raise InputError(message, fix=fix)
    return mask


def apply_disruption(ctx: LeverContext, index: int, event) -> None:
    window = _window(ctx, event)
    spec = {"window": window, "variants": list(ctx.variants(index)), "share": float(event.share)}
    if event.origin is not None:
        spec["origin"] = _origin(ctx, index, "origin", event.origin)
        what = f"{spec['origin']} bauxite"
    else:
        refineries = ctx.dataset.refineries
        try:
            mask = target_mask(refineries, **event.target.as_dict())
        except InputError as exc:
            raise InputError(f"events.{index}.target: {exc}", fix=exc.fix) from None
        spec["refineries"] = _some(mask, f"events.{index}.target selects no refinery",
                                   "check the spelling against `alusim data info --refineries`")
        what = f"{int(mask.sum())} refineries ({refineries.loc[mask, 'capacity_kt'].sum():,.0f} kt/yr)"
    ctx.inputs.alumina_events.append(spec)
    ctx.note(index, f"{what}: {event.share:.0%} lost in months {window.start + 1}–{window.stop}")
    _note_off(ctx, index)


def apply_export_ban(ctx: LeverContext, index: int, event) -> None:
    window = ctx.window(event)
    country = event.country.upper()
    spec = {"window": window, "variants": list(ctx.variants(index)), "share": float(event.share)}
    if event.product == "bauxite":
        spec["origin"] = _origin(ctx, index, "country", country)
        spec["lift"] = event.share == 0.0
        text = "lifted" if spec["lift"] else f"{event.share:.0%} banned"
    elif country == "CN":
        spec["cn_alumina_exports_closed"] = True
        text = "China's alumina exports closed"
    else:
        mask = (ctx.dataset.refineries["country"] == country).to_numpy()
        # a ban keeps the country's alumina at home: its refineries' output beyond its smelters' use
        # leaves the seaborne market (kept simple: the banned share of their capacity)
        spec["refineries"] = _some(mask, f"events.{index}.country: no alumina refinery in {country!r}",
                                   "use a country with refineries (`alusim data info --refineries`)")
        text = f"{event.share:.0%} of {int(mask.sum())} refineries' exports banned"
    ctx.inputs.alumina_events.append(spec)
    ctx.note(index, f"{country} {event.product} exports {text}, months {window.start + 1}–{window.stop}")
    _note_off(ctx, index)
