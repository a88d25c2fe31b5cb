"""Rules of the price, trade and demand events: power and carbon prices, export taxes and rebates,
import tariffs, demand shocks, activity drivers off their path and input prices. Rates and changes
are fractions."""

from __future__ import annotations

import re

from alusim.news.claim import HYDRO, REMOVE, STATISTIC, Claim
from alusim.news.slots import (
    direction,
    driver_of,
    exporter_and_importer,
    input_of,
    nearest,
    product_of,
    region_code,
    sector_of,
    target_of,
)


def power_price(claim: Claim):
    anchor = claim.trigger.end
    q = nearest(claim.quantities, ("power_price", "pct"), anchor)
    if q is None:
        return claim.observe("power price", "no price per kWh or percentage given")
    target, matched, named = target_of(claim.mentions, claim.window)
    if not target:
        return claim.observe("power price", "no province, producer or country named")
    hydro = bool(HYDRO.search(claim.window))
    if hydro:
        target = target | {"power_source": "hydro"}
    before = claim.sentence.text[:q.start]
    is_change = q.relation == "by" or q.kind == "pct" or bool(re.search(r"\b(?:up|down)\s*$", before, re.I))
    notes = []
    if is_change:
        sign = direction(claim.window) or 1
        value = sign * q.value
        change = f"{value * 100:+g}%" if q.kind == "pct" else f"{value:+g} {q.unit}"
        basis = "change"
    else:
        value = q.value
        province = (target.get("province") or [None])[0]
        current = claim.view.tariff_cny_kwh(province, "hydro" if hydro else "*") if q.unit == "CNY/kWh" else None
        if current is None:
            return claim.observe("power price", f"a price level {q.text!r} with no dataset tariff to compare")
        change = f"{q.value - current:+.3f} CNY/kWh"
        basis = "level"
        notes.append(f"the article gives a level {q.text!r}; the dataset tariff is {current:.2f} CNY/kWh, so the "
                     f"change is {q.value - current:+.3f}" + (" (the article's figure is a floor)" if q.approx else "")
                     + (f"; the tariff is {province}'s, other provinces of the target differ: split the event "
                        "to give each its own change" if len(target.get("province") or []) > 1 else ""))
    fields = {"target": {k: (v if k != "power_source" else v) for k, v in target.items()}, "change": change}
    return claim.event("power_price", target, fields, q, magnitude=value, unit=q.unit or "fraction", basis=basis,
                       matched=matched, named=named, notes=notes)


def carbon_price(claim: Claim):
    q = nearest(claim.quantities, ("carbon", "price_t"), claim.trigger.end)
    if q is None:
        return claim.observe("carbon price", "no price per tonne of CO2 given")
    regions = [m.value for m in claim.mentions if m.kind in ("region", "country")]
    if not regions and re.search(r"\b(?:cbam|carbon border)\b", claim.window, re.I):
        regions = ["EU"]                       # the EU's carbon border adjustment prices at the EU ETS
    region = regions[0] if regions else "CN"
    currency = q.unit.split("/")[0]
    return claim.event("carbon_price", {"region": region}, {"region": region, "price": f"{q.value:g} {currency}/t_CO2"},
                       q, unit=f"{currency}/t_CO2", basis="level", named=bool(regions))


def carbon_border(claim: Claim):
    """A carbon border charge on imports (the EU's CBAM) at the carbon price the sentence gives; the
    importer is the region or country named, the EU by default (the only such mechanism so far)."""
    q = nearest(claim.quantities, ("carbon", "price_t"), claim.trigger.end)
    if q is None:
        return claim.observe("carbon border", "no carbon price per tonne of CO2 given")
    regions = [m.value for m in claim.mentions if m.kind in ("region", "country") and m.value != "CN"]
    importer = regions[0] if regions else "EU"
    currency = q.unit.split("/")[0]
    return claim.event("carbon_border", {"importer": importer},
                       {"importer": importer, "price": f"{q.value:g} {currency}/t_CO2"}, q,
                       unit=f"{currency}/t_CO2", basis="level", named=bool(regions),
                       notes=["acts between the regions: set assumptions market.regions_enabled: 1; the "
                              "free-allocation phase-out and benchmark take their defaults"])


def _trade_rate(claim: Claim, kind: str):
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    removed = bool(REMOVE.search(claim.window))
    if removed:
        return 0.0, q, (q.value if q else None)
    if q is None:
        return None, None, None
    return q.value, q, q.previous


def export_measure(claim: Claim, event_type: str):
    rate, q, previous = _trade_rate(claim, event_type)
    if rate is None:
        return claim.observe(event_type.replace("_", " "), "no rate given")
    countries = [m.value for m in claim.mentions if m.kind == "country"]
    country = countries[0] if countries else "CN"
    if country != "CN":
        return claim.observe(event_type.replace("_", " "), f"only China's export policy is modelled ({country})")
    product = product_of(claim.sentence.text, "primary" if event_type == "export_tax" else "semis")
    target = {"country": country, "product": product}
    return claim.event(event_type, target, {"country": country, "product": product, "rate": round(rate, 4)}, q,
                       magnitude=rate, unit="fraction", basis="rate", named=bool(countries), previous=previous,
                       notes=["removal: rate 0 from the date given"] if rate == 0.0 else [])


def import_tariff(claim: Claim):
    if re.search(r"\bexport\w*\s+(?:\w+\s+)?$", claim.sentence.text[:claim.trigger.start], re.I):
        return None
    rate, q, previous = _trade_rate(claim, "import_tariff")
    if rate is None:
        return claim.observe("tariff", "no rate given")
    exporter, importer = exporter_and_importer(claim.mentions, claim.sentence.text)
    if importer is None and re.search(r"section 232|section 301", claim.sentence.text, re.I):
        importer = "US"
    if importer is None:
        return claim.observe("tariff", "no importing country named")
    if importer == "CN":
        return claim.observe("tariff", "China's own import tariffs are not modelled")
    if exporter not in (None, "CN"):
        return claim.observe("tariff", f"a tariff on {exporter}'s metal changes no flow alusim models")
    notes = []
    yaml_importer = importer if importer == "US" else "other"
    if yaml_importer == "other":
        notes.append(f"alusim models China's exports to the US and to all other destinations: {importer}'s rate "
                     "is written on 'other'; scale it by the share of the flow it covers")
    if exporter == "CN":
        notes.append("the rate replaces the China-specific component (Section 301 25% in trade.csv for the US); "
                     "add it if the article's rate comes on top")
    target = {"importer": importer, "exporter": exporter or "*"}
    return claim.event("import_tariff", target,
                       {"importer": yaml_importer, "exporter": exporter or "*", "rate": round(rate, 4)}, q,
                       magnitude=rate, unit="fraction", basis="rate", previous=previous, notes=notes)


_DISCOUNT = re.compile(r"\bdiscount\w*\b", re.I)


def sanction(claim: Claim):
    """A ban (share 1) on an exporter's metal in the importing countries the sentence names; the
    exporter is the country the ban is "on" (Russian metal by default, the case every ban on
    aluminium so far has been)."""
    text = claim.sentence.text
    if re.search(r"\bquota\b|\bpartial\b", text, re.I):
        return claim.observe("sanction", "a quota or partial ban: give its share by hand")
    exporter, importer = exporter_and_importer(claim.mentions, text)
    importers = [m.value for m in claim.mentions if m.kind in ("country", "region") and m.value != exporter]
    if exporter is None and re.search(r"\brussian\b|\brusal\b", text, re.I):
        exporter = "RU"
        importers = [c for c in importers if c != "RU"]
    if exporter is None:
        return claim.observe("sanction", "no sanctioned exporter named")
    importers = list(dict.fromkeys(c for c in importers if c != "CN"))
    if not importers:
        return claim.observe("sanction", "no importing country named")
    target = {"exporter": exporter, "importers": importers}
    return claim.event("sanction", target, {"exporter": exporter, "importers": importers, "share": 1.0}, None,
                       magnitude=1.0, unit="fraction", basis="share", named=True,
                       notes=["acts between the regions: set assumptions market.regions_enabled: 1"])


def import_cost(claim: Claim):
    """A discount (or premium) on the metal China imports, per tonne over LME: Russian metal under
    sanctions is China's marginal import, so its discount moves China's import parity."""
    q = nearest(claim.quantities, ("price_t",), claim.trigger.end)
    if q is None or not q.unit.startswith("USD"):
        return claim.observe("import cost", "no discount or premium in USD per tonne given")
    value = q.value
    lower = [x for x in claim.quantities if x.kind == "money" and x.unit == "USD" and 0 <= q.start - x.end <= 3]
    notes = []
    if q.relation == "-" and lower:
        value = (lower[-1].value + q.value) / 2.0
        notes.append(f"a range {lower[-1].value:g}-{q.value:g} USD/t: its midpoint")
    discount = bool(_DISCOUNT.search(claim.window))
    sign = -1.0 if discount else (direction(claim.window) or 1)
    change = round(sign * value, 2)
    notes.append("China's import cost over LME (trade.cn_import_cost_usd_t) moves by the article's "
                 + ("discount" if discount else "change") + "; it applies where that metal is China's marginal import")
    target = {"importer": "CN"}
    return claim.event("import_cost", target, {"importer": "CN", "change_usd_t": change}, q, magnitude=change,
                       unit="USD/t", basis="change", named=True, notes=notes)


def demand_shock(claim: Claim):
    if STATISTIC.search(claim.sentence.text):
        return claim.observe("demand statistic", "a growth rate or year-on-year figure, not a shock to demand")
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    if q is None:
        return claim.observe("demand", "no percentage change given")
    sign = direction(claim.window)
    if sign == 0:
        return claim.observe("demand", "the direction of the change is not stated")
    regions = [m.value for m in claim.mentions if m.kind in ("region", "country")]
    region = region_code(regions[0]) if regions else "CN"
    region = "WCE" if region == "EU" else region
    sector = sector_of(claim.window)
    target = {"region": region} | ({"sector": sector} if sector else {})
    return claim.event("demand_shock", target, target | {"pct": round(sign * q.value, 4)}, q,
                       magnitude=sign * q.value, unit="fraction", basis="change", named=bool(regions),
                       notes=[] if regions else ["no region named: China assumed"])


#: growth rates read as statistics, never as a driver off its path ("GDP to grow 4.5%")
GROWTH_STATISTICS = {"gdp_growth_pct": "GDP", "industrial_production_growth_pct": "industrial output"}
#: a change stated against a forecast rather than against the year before
_VS_PATH = re.compile(r"\b(?:than|below|above|short of)\b[^.;]{0,40}?\b(?:expect\w*|forecast\w*|projections?|projected|"
                      r"estimates?|plan(?:ned)?|targets?|baseline|outlook)\b", re.I)


def _driver_sign(claim: Claim) -> int:
    """The direction of the trigger's verb (its last word, or its first: "cut NEV output"), else of the clause."""
    words = claim.trigger.text.split()
    return direction(words[-1]) or direction(words[0]) or direction(claim.window)


def driver_path(claim: Claim):
    driver = driver_of(claim.trigger.text)
    if driver is None:
        return None
    if driver in GROWTH_STATISTICS:
        return claim.observe("growth statistic", f"a growth rate of {GROWTH_STATISTICS[driver]}: a statistic, "
                                                 "not a driver off its path")
    if STATISTIC.search(claim.sentence.text):
        return claim.observe("driver statistic", "a year-on-year figure: a fact to check, not a driver off its path")
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    if q is None:
        return claim.observe("activity driver", f"{driver}: no percentage change given")
    sign = _driver_sign(claim)
    if sign == 0:
        return claim.observe("activity driver", "the direction of the change is not stated")
    named = [m for m in claim.mentions if m.kind in ("region", "country")]
    region = region_code(named[0].value) if named else "CN"
    if not claim.view.demand_follows(driver, region):
        where = f"{region} ({named[0].text!r})" if named else region
        return claim.observe("activity driver", f"no demand of the dataset follows {driver} of {where}")
    change = sign * q.value
    year = int(claim.event_start()[:4])
    levels = None if _VS_PATH.search(claim.window) else claim.view.driver_levels(driver, region, [year - 1, year])
    notes = [] if named else ["no region named: China assumed"]
    if levels is None:
        pct = change
        notes.append("the change is taken as stated against the expected path")
    else:
        # "fall 20% next year": the level is 0.8 × last year's; the path may already hold a forecast
        pct = float((1.0 + change) * levels[year - 1] / levels[year] - 1.0)
        notes.append(f"the article's {change:+.1%} is on {year - 1}; against the dataset's path for {year} "
                     f"({levels[year]:,.4g} vs {levels[year - 1]:,.4g} in {year - 1}) the level is {pct:+.1%}")
    target = {"driver": driver, "region": region}
    return claim.event("driver_path", target, target | {"pct": round(pct, 4)}, q, magnitude=pct, unit="fraction",
                       basis="change", named=bool(named), notes=notes)


def input_price(claim: Claim):
    if STATISTIC.search(claim.sentence.text):
        return claim.observe("input price statistic", "a year-on-year figure: a fact to check, not a shock")
    which = input_of(claim.window)
    q = nearest(claim.quantities, ("pct",), claim.trigger.end)
    sign = direction(claim.window)
    notes: list[str] = []
    pct = q.value if q is not None else None
    if q is None and which in ("alumina", "anode") and sign:
        # "alumina rose 150 yuan/ton": a change per tonne, as a share of the dataset's price
        per_t = nearest(claim.quantities, ("price_t",), claim.trigger.end)
        base = claim.view.input_price(which, per_t.unit.split("/")[0]) if per_t is not None else None
        if per_t is not None and base is not None and per_t.relation in ("by", "") and not per_t.approx:
            q, pct = per_t, per_t.value / base[0]
            notes.append(f"{per_t.text!r} of the dataset's {base[0]:,.0f} {per_t.unit} ({base[1]}) = {pct:.1%}")
    if which is None or q is None:
        return claim.observe("input price", "no input (alumina, coal, anode, yuan) with a percentage change")
    if sign == 0:
        return claim.observe("input price", "the direction of the change is not stated")
    if which == "fx":
        sign = -sign                 # a stronger yuan is fewer CNY per USD
    chinese = re.search(r"\b(?:china|chinese|domestic)\b", claim.sentence.text, re.I) or \
        any(m.kind == "province" for m in claim.mentions)
    region = "CN" if chinese or which == "fx" else "WORLD"
    target = {"input": which, "region": region}
    if which == "fx":
        notes.append("fx is CNY per USD: a weaker yuan is a positive change")
    return claim.event("input_price", target, target | {"pct": round(sign * pct, 4)}, q,
                       magnitude=sign * pct, unit="fraction", basis="change", notes=notes)

