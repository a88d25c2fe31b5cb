"""``alusim data validate | info | build``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alusim.cli.common import console, load_data, out_path, print_json, table

data_app = typer.Typer(no_args_is_help=True, help="Check, summarise and extend the industry dataset.")

DataOpt = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: the embedded dataset).")]


@data_app.command("validate")
def validate(data: DataOpt = None) -> None:
    """Validate every table of the dataset against its schema; exit 2 on the first problem."""
    from alusim.dataset import load_dataset

    dataset = load_dataset(data, use_cache=False)
    dry_run(dataset)
    totals = dataset.stats.totals()
    console.print(f"ok: {totals['assets']} assets, {len(dataset.parameters)} parameters, "
                  f"{len(dataset.history_annual)} history rows — every row has a source")


def dry_run(dataset) -> None:
    """Simulate the packaged baseline on ``dataset`` with two paths: every lookup the engine makes
    (parameters, demand and trade rows, tariffs, emission factors) is exercised, so a dataset that
    validates is one the engine runs on. A failure is one line naming the dataset folder."""
    from alusim.cli.run_cmd import baseline_path
    from alusim.engine.simulate import simulate
    from alusim.errors import InputError
    from alusim.scenario import load_scenario

    try:
        simulate(load_scenario(baseline_path()), dataset, paths=2, chunks=1)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any engine failure on these tables is a data problem
        detail = str(exc).splitlines()[0] if str(exc).strip() else ""
        raise InputError(f"the engine cannot run on these tables ({type(exc).__name__}: {detail})",
                         where=str(dataset.source_dir), fix="compare the tables with docs/data-model.md") from None


@data_app.command("info")
def info(data: DataOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
         parameters: Annotated[bool, typer.Option("--parameters", help="List every parameter.")] = False,
         assets: Annotated[bool, typer.Option("--assets", help="List every asset.")] = False,
         refineries: Annotated[bool, typer.Option("--refineries", help="List every alumina refinery.")] = False) -> None:
    """Capacity by country and Chinese province, totals, and the sources behind them; alumina
    refineries likewise."""
    dataset = load_data(data)
    stats = dataset.stats
    totals = stats.totals()
    by_country = stats.capacity_by("country").reset_index()
    by_province = stats.capacity_by("province", country="CN").reset_index()
    by_owner = stats.capacity_by("owner", country="CN").reset_index()
    sources = stats.sources()
    refinery_totals = stats.refinery_totals()
    if as_json:
        print_json({"totals": totals, "refinery_totals": refinery_totals,
                    "refineries_by_country": stats.refinery_capacity_by("country").reset_index().to_dict("records"), "by_country": by_country.to_dict("records"),
                    "by_province_cn": by_province.to_dict("records"), "by_owner_cn": by_owner.to_dict("records"),
                    "sources": sources.groupby("source")["rows"].sum().sort_values(ascending=False)
                    .reset_index().to_dict("records"),
                    "parameters": dataset.parameters[["name", "value", "unit", "source", "confidence"]]
                    .to_dict("records") if parameters else None})
        return
    if parameters:
        rows = [[r.name, r.value, r.unit, r.confidence, str(r.source)[:70]] for r in dataset.parameters.itertuples()]
        console.print(table("Parameters", ["name", "value", "unit", "confidence", "source"], rows))
        return
    if assets:
        rows = [[r.asset_id, r.owner, r.country, r.province if isinstance(r.province, str) else "", r.status,
                 r.capacity_kt, r.operating_kt, r.power_source] for r in dataset.smelters.itertuples()]
        console.print(table("Assets", ["asset_id", "owner", "country", "province", "status", "capacity kt",
                                       "operating kt", "power"], rows))
        return
    if refineries:
        rows = [[r.asset_id, r.owner, r.country, r.province if isinstance(r.province, str) else "", r.status,
                 r.capacity_kt, r.operating_kt, r.bauxite_origin, r.digestion] for r in dataset.refineries.itertuples()]
        console.print(table("Alumina refineries", ["asset_id", "owner", "country", "province", "status",
                                                   "capacity kt", "operating kt", "bauxite", "digestion"], rows))
        return
    console.print(table("Totals (January 2025, kt/yr)", ["", "built", "operating"], [
        ["World", totals["world_built_kt"], totals["world_operating_kt"]],
        ["China", totals["china_built_kt"], totals["china_operating_kt"]],
        ["Rest of world", totals["row_built_kt"], totals["row_operating_kt"]],
        ["Pipeline (construction + planned)", totals["pipeline_kt"], float("nan")]]))
    console.print(table("Capacity by country (kt/yr)", ["country", "assets", "built", "operating"],
                        [[r.country, r.assets, r.capacity_kt, r.operating_kt] for r in by_country.itertuples()]))
    console.print(table("China by province (kt/yr)", ["province", "assets", "built", "operating"],
                        [[r.province, r.assets, r.capacity_kt, r.operating_kt] for r in by_province.itertuples()]))
    console.print(table("China by owner (kt/yr)", ["owner", "assets", "built", "operating"],
                        [[r.owner, r.assets, r.capacity_kt, r.operating_kt] for r in by_owner.head(15).itertuples()]))
    if refinery_totals["refineries"]:
        console.print(table("Alumina refineries (January 2025, kt alumina/yr)", ["", "built", "operating"], [
            ["World", refinery_totals["world_built_kt"], refinery_totals["world_operating_kt"]],
            ["China", refinery_totals["china_built_kt"], refinery_totals["china_operating_kt"]],
            ["Rest of world", refinery_totals["row_built_kt"], refinery_totals["row_operating_kt"]],
            ["Pipeline (construction + planned)", refinery_totals["pipeline_kt"], float("nan")]]))
    top = sources.groupby("source")["rows"].sum().sort_values(ascending=False).head(15)
    console.print(table(f"Sources ({sources['source'].nunique()} distinct; top 15 by rows)", ["source", "rows"],
                        [[s[:100], int(n)] for s, n in top.items()]))


@data_app.command("build")
def build(raw: Annotated[Path | None, typer.Option("--raw", help="Folder of the public raw datasets (without it: "
                                                                 "which datasets, and where to get them).")] = None,
          cache: Annotated[Path | None, typer.Option("--cache", parser=out_path, help="Cache folder (default ~/.cache/alusim/extended "
                                                                   "or $ALUSIM_CACHE).")] = None) -> None:
    """Read the public raw datasets and join them into an extended dataset cache (outside git)."""
    from alusim.errors import InputError
    from alusim.raw import build_extended
    from alusim.raw.build import default_cache_dir

    if raw is None:
        from alusim.cli.data_guide import print_guide

        print_guide()
        return
    if not raw.is_dir():
        raise InputError("folder not found", where=f"--raw {raw}", fix="point --raw at the shared/data/raw folder")
    target = cache or default_cache_dir()
    written = build_extended(raw, target)
    console.print(table(f"Extended dataset written to {target}", ["table", "file"],
                        [[k, Path(v).name] for k, v in written.items()]))


@data_app.command("history")
def history(variable: Annotated[str | None, typer.Option("--variable", help="One variable (e.g. price_shfe_cny_t).")] = None,
            region: Annotated[str | None, typer.Option("--region", help="One region (CN, ROW, WORLD, NA …).")] = None,
            monthly: Annotated[bool, typer.Option("--monthly", help="Monthly rows only.")] = False,
            out: Annotated[Path | None, typer.Option("--out", parser=out_path, help="Write the rows to .csv, .parquet or .xlsx.")] = None,
            data: DataOpt = None) -> None:
    """The recorded market, 2010–2025: every series with its basis and source (long form, the
    variable names of a run's summary.csv)."""
    from alusim.dataset.history import VARIABLES, long_form
    from alusim.errors import InputError
    from alusim.tables import check_table_path, write_frame

    if out is not None:
        check_table_path(out)
    dataset = load_data(data)
    table_ = dataset.history_monthly
    if variable is not None and variable not in VARIABLES:
        raise InputError(f"unknown variable {variable!r}", where="--variable", fix=f"use one of {', '.join(VARIABLES)}")
    known_regions = sorted(set(table_["region"]) | ({"ROW"} if len(table_) else set()))
    if region is not None and region not in known_regions:
        raise InputError(f"no recorded series for region {region!r}", where="--region",
                         fix=f"use one of {', '.join(known_regions)}")
    rows = long_form(table_, variable, region, monthly_only=monthly)
    if out is not None:
        write_frame(rows, out, sheet="history")
        console.print(f"{len(rows)} rows written to {out}")
        return
    if variable is not None:
        console.print(table(f"{variable} ({VARIABLES[variable][0]})", ["region", "period", "value", "basis", "source"],
                            [[r.region, r.period, r.value, r.basis, str(r.source)[:60]] for r in rows.itertuples()]))
        return
    summary = (rows.assign(freq=rows["period"].str.len().map({4: "annual", 6: "quarterly", 7: "monthly"}))
               .groupby(["variable", "region", "freq"])
               .agg(first=("period", "min"), last=("period", "max"), rows=("value", "size"),
                    sources=("source", "nunique")).reset_index())
    console.print(table("Recorded series (alusim data history --variable V for the rows)",
                        ["variable", "region", "frequency", "first", "last", "rows", "sources"],
                        [[r.variable, r.region, r.freq, r.first, r.last, r.rows, r.sources]
                         for r in summary.itertuples()]))
