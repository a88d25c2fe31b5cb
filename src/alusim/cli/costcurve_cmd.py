"""``alusim costcurve``: the industry cost curve as CSV, self-contained HTML or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, load_data, out_path, table
from alusim.errors import InputError

SUFFIXES = (".csv", ".xlsx", ".html", ".png")
#: largest --price, per t (LME peaked near 4,000 USD/t, SHFE near 25,000 CNY/t: ten times that)
PRICE_MAX = {"USD": 40_000.0, "CNY": 250_000.0}


def costcurve(
    product: Annotated[str, typer.Option(help="aluminium (smelters) or alumina (refineries).")] = "aluminium",
    region: Annotated[str, typer.Option(help="CN, ROW, WORLD, an IAI region code or an ISO2 country.")] = "CN",
    year: Annotated[int, typer.Option(help="Year of the capacity and input prices.", min=2000, max=2060)] = 2025,
    basis: Annotated[str, typer.Option(help="cash (C1-like) or full (cash + sustaining).")] = "cash",
    currency: Annotated[str | None, typer.Option(help="CNY (tax-inclusive) or USD; default CNY (alumina: CNY "
                                                      "for CN, USD elsewhere).")] = None,
    capacity: Annotated[str, typer.Option(help="operating or built capacity on the x axis.")] = "operating",
    price: Annotated[float | None, typer.Option(help="Price (same currency) for the share of capacity losing "
                                                    "money.", min=0)] = None,
    out: Annotated[Path | None, typer.Option(parser=out_path, help="Write .csv, .xlsx, .html or .png.")] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Dataset folder.")] = None,
) -> None:
    """Capacity sorted by unit cost, with quartiles, the 90th percentile and the share losing money."""
    from alusim.costs import cost_curve, curve_statistics

    if out is not None and out.suffix.lower() not in SUFFIXES:
        raise InputError(f"unsupported file type {out.suffix or '(none)'!r}", where="--out",
                         fix="end the file name with .csv, .xlsx, .html or .png")
    product = product.lower()
    if product not in ("aluminium", "aluminum", "alumina"):
        raise InputError(f"unknown product {product!r}", where="--product", fix="use aluminium or alumina")
    if currency is None:
        currency = "CNY" if product != "alumina" or region.upper() == "CN" else "USD"
    if price is not None:
        check_price(price, currency.upper())
    if out is not None:
        from alusim.store.locations import check_writable_file

        check_writable_file(out, "--out")
    dataset = load_data(data)
    if product == "alumina":
        from alusim.alumina import refinery_curve

        if basis.lower() != "cash":
            raise InputError(f"basis {basis!r} is not built for refineries", where="--basis", fix="use cash")
        curve = refinery_curve(dataset, region=region, year=year, currency=currency.upper(),
                               capacity=capacity.lower())
    else:
        curve = cost_curve(dataset, region=region, year=year, basis=basis.lower(), currency=currency.upper(),
                           capacity=capacity.lower())
    stats = curve_statistics(curve, price)
    unit = f"{currency.upper()}/t"
    rows = [["capacity (kt/yr)", stats.capacity_kt], ["mean", stats.mean], ["p25", stats.p25], ["median", stats.p50],
            ["p75", stats.p75], ["p90", stats.p90], ["min", stats.minimum], ["max", stats.maximum]]
    if price is not None:
        rows += [["price", price], ["capacity losing money (kt/yr)", stats.loss_making_kt],
                 ["share losing money", stats.share_loss_making]]
    what = "refinery (alumina) " if product == "alumina" else ""
    console.print(table(f"{region.upper()} {what}{basis} cost curve {year} ({unit}, {capacity} capacity)",
                        ["", "value"], rows))
    if out is not None:
        _write(curve, stats, price, out)
        console.print(f"wrote {out}")


def check_price(price: float, currency: str) -> None:
    """``--price`` is a finite metal price within what the market has ever seen, with a wide margin."""
    import math

    upper = PRICE_MAX.get(currency, PRICE_MAX["CNY"])
    if not (math.isfinite(price) and 0 <= price <= upper):
        raise InputError(f"{price:g} is not a price from 0 to {upper:,.0f} {currency}/t", where="--price",
                         fix=f"give a price in {currency}/t, e.g. 20000 CNY/t or 2600 USD/t")


def _write(curve, stats, price, out: Path) -> None:
    from alusim.store.atomic import write_file_atomically

    suffix = out.suffix.lower()
    if suffix == ".csv":
        write_file_atomically(out, curve.to_csv(index=False))
    elif suffix == ".xlsx":
        from alusim.report.deck import curve_tables
        from alusim.report.excel import write_workbook

        write_file_atomically(out, lambda path: write_workbook(curve_tables(curve, stats), path))
    elif suffix == ".html":
        from alusim.report import cost_curve_figure

        figure = cost_curve_figure(curve, stats, price)
        write_file_atomically(out, figure.to_html(include_plotlyjs=True, full_html=True))
    else:
        from alusim.costs.plot import write_png

        write_file_atomically(out, lambda path: write_png(curve, stats, price, path))
