"""Issue 16: one adversarial case (several where cheap) per class of bad input, each refused with exit
code 2, exactly one line on stderr naming the field, and nothing written anywhere in the scratch
folder (inputs, output folders and the run store compared before and after)."""

from __future__ import annotations

import shutil

import pytest

from alusim.dataset.paths import default_data_dir
from tests.hardening.conftest import assert_refused, scenario_text


def _scenario(cli, extra: str = "", name: str = "t"):
    return cli.file("in/s.yaml", scenario_text(name, extra))


def _dataset_copy(cli, edit):
    """A copy of the embedded dataset with ``edit(folder)`` applied."""
    folder = cli.root / "in" / "data"
    shutil.copytree(default_data_dir(), folder)
    edit(folder)
    return folder


def _replace_line(folder, table, start, new):
    path = folder / table
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(new if line.startswith(start) else line for line in lines if new is not None
                            or not line.startswith(start)), encoding="utf-8")


def _param_value(folder, name, value):
    path = folder / "parameters.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith(name + ","):
            head, rest = line.split(",", 2)[:2], line.split(",", 2)[2]
            line = f"{head[0]},{value},{rest}"
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")


BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)))

# (id, setup(cli) → argv, field the one line must name)
CASES = [
    # 1. data loss: never delete or move what alusim did not create
    ("cache-user-folder", lambda c: (c.file("in/raw/.keep", ""), c.file("mine/notes.txt", "keep me"),
                                     ["data", "build", "--raw", c.root / "in/raw", "--cache", c.root / "mine"])[-1],
     "--cache"),
    ("cache-is-a-file", lambda c: (c.file("in/raw/.keep", ""), c.file("mine.parquet", "keep me"),
                                   ["data", "build", "--raw", c.root / "in/raw", "--cache", c.root / "mine.parquet"])[-1],
     "--cache"),
    ("cache-empty-string", lambda c: ["data", "build", "--raw", ".", "--cache", ""], "--cache"),
    # 2. writes outside the output folder
    ("run-out-empty", lambda c: ["run", _scenario(c), "--out", ""], "--out"),
    ("compare-out-empty", lambda c: ["compare", _scenario(c), _scenario(c), "--out", ""], "--out"),
    ("sensitivity-out-empty", lambda c: ["sensitivity", _scenario(c), "--vary", "demand.noise_ar1=0.1:0.2",
                                         "--out", ""], "--out"),
    ("costcurve-out-empty", lambda c: ["costcurve", "--out", ""], "--out"),
    ("backtest-out-empty", lambda c: ["backtest", "--out", ""], "--out"),
    ("store-empty", lambda c: ["run", _scenario(c), "--store", ""], "--store"),
    ("out-control-characters", lambda c: ["run", _scenario(c), "--out", "a\x1b[2Jb"], "--out"),
    ("compare-names-collide-as-files", lambda c: ["compare", c.file("in/a.yaml", scenario_text("x/y")),
                                                  c.file("in/b.yaml", scenario_text("x y"))], "SCENARIOS"),
    # 4. resource exhaustion in YAML and memory
    ("yaml-alias-bomb", lambda c: ["run", c.file("in/s.yaml", scenario_text("t") + BOMB)], "aliases"),
    ("yaml-deep-nesting", lambda c: ["run", c.file("in/s.yaml", scenario_text("t", "description: " + "[" * 400
                                                                                 + "]" * 400 + "\n"))], "nesting"),
    ("yaml-too-big", lambda c: ["run", c.file("in/s.yaml", scenario_text("t") + "#" * 1_100_000 + "\n")], "bytes"),
    ("yaml-too-many-events", lambda c: ["run", _scenario(c, "events:\n" + "  - {type: export_tax, rate: 0.1, "
                                                            "start: 2025-01}\n" * 501)], "events"),
    ("params-alias-bomb", lambda c: ["backtest", "--params", c.file("in/p.yaml", BOMB)], "--params"),
    # 5. numbers nobody range-checked
    ("assumption-nan", lambda c: ["run", _scenario(c, "assumptions: {market.price_adjust_per_month: .nan}\n")],
     "assumptions.market.price_adjust_per_month"),
    ("assumption-inf", lambda c: ["run", _scenario(c, "assumptions: {fx.cny_per_usd: -.inf}\n")],
     "assumptions.fx.cny_per_usd"),
    ("assumption-utilisation-above-1", lambda c: ["run", _scenario(c, "assumptions:\n  supply.utilisation_max: 1.2\n")],
     "supply.utilisation_max"),
    ("assumption-demand-absurd", lambda c: ["run", _scenario(c, "assumptions:\n  demand.cn.consumption_kt: 1e300\n")],
     "demand.cn.consumption_kt"),
    ("event-power-price-1e300", lambda c: ["run", _scenario(c, "events:\n  - {type: power_price, target: {country: CN},"
                                                               " change: 1e300 CNY/kWh, start: 2025-02}\n")], "change"),
    ("event-carbon-price-1e300", lambda c: ["run", _scenario(c, "events:\n  - {type: carbon_price, region: CN, "
                                                                "price: 1e300 CNY/t_CO2, start: 2025-02}\n")], "price"),
    ("event-fx-minus-100pct", lambda c: ["run", _scenario(c, "events:\n  - {type: input_price, input: fx, pct: -1.0,"
                                                             " start: 2025-02}\n")], "pct"),
    ("event-kt-absurd", lambda c: ["run", _scenario(c, "events:\n  - {type: production_cut, target: {country: CN},"
                                                       " kt: 1e300, start: 2025-02}\n")], "kt"),
    ("vary-out-of-range", lambda c: ["sensitivity", _scenario(c), "--vary", "supply.utilisation_max=0.9:1.5"],
     "--vary.supply.utilisation_max"),
    ("vary-infinite", lambda c: ["sensitivity", _scenario(c), "--vary", "demand.noise_ar1=0.1:1e999"], "--vary"),
    ("params-out-of-range", lambda c: ["backtest", "--params", c.file("in/p.yaml", "parameters:\n  "
                                                                      "market.price_adjust_per_month: 7\n")], "--params"),
    ("params-nan", lambda c: ["backtest", "--params", c.file("in/p.yaml", "parameters:\n  "
                                                             "market.price_adjust_per_month: .nan\n")], "--params"),
    ("run-params-missing-file", lambda c: ["run", _scenario(c), "--params", str(c.root / "in/none.yaml")], "--params"),
    ("run-params-malformed", lambda c: ["run", _scenario(c), "--params", c.file("in/p.yaml", "parameters: [1, 2\n")],
     "--params"),
    ("run-params-unknown-parameter", lambda c: ["run", _scenario(c), "--params", c.file(
        "in/p.yaml", "parameters:\n  market.no_such_thing: 1.0\n")], "market.no_such_thing"),
    ("run-params-out-of-range", lambda c: ["run", _scenario(c), "--params", c.file(
        "in/p.yaml", "parameters:\n  market.price_adjust_per_month: 7\n")], "market.price_adjust_per_month"),
    ("run-params-ensemble-out-of-range", lambda c: ["run", _scenario(c), "--params", c.file(
        "in/p.yaml", "parameters:\n  market.price_adjust_per_month: 0.3\nensemble:\n"
                     "  - {market.price_adjust_per_month: 0.3}\n  - {market.price_stock_elasticity: 3}\n")],
     "ensemble.1"),
    ("run-params-ensemble-not-a-list", lambda c: ["run", _scenario(c), "--params", c.file(
        "in/p.yaml", "parameters:\n  market.price_adjust_per_month: 0.3\nensemble: 4\n")], "--params"),
    ("run-params-reporting-only", lambda c: ["run", _scenario(c), "--params", c.file(
        "in/p.yaml", "parameters:\n  supply.utilisation_longrun: 0.9\n")], "supply.utilisation_longrun"),
    ("backtest-params-unknown-parameter", lambda c: ["backtest", "--params", c.file(
        "in/p.yaml", "parameters:\n  market.no_such_thing: 1.0\n")], "market.no_such_thing"),
    ("calibrate-only-unknown", lambda c: ["calibrate", "--only", "market.no_such_thing", "--out",
                                          str(c.root / "out/cal.yaml")], "--only"),
    ("price-infinite", lambda c: ["costcurve", "--price", "inf"], "--price"),
    ("price-absurd", lambda c: ["costcurve", "--price", "1e300", "--currency", "USD"], "--price"),
    ("parameters-csv-inf", lambda c: ["run", _scenario(c), "--data", _dataset_copy(
        c, lambda f: _param_value(f, "market.price_adjust_per_month", "inf"))], "parameters.csv"),
    ("parameters-csv-out-of-bounds", lambda c: ["run", _scenario(c), "--data", _dataset_copy(
        c, lambda f: _param_value(f, "supply.utilisation_max", "1.3"))], "parameters.csv"),
    ("seed-above-int64", lambda c: ["run", _scenario(c, "seed: 9223372036854775808\n")], "seed"),
    ("seed-option-above-int64", lambda c: ["run", _scenario(c), "--seed", str(2**63)], "--seed"),
    # 6. locations checked before computing
    ("out-under-a-file", lambda c: (c.file("in/afile", "x"), ["run", _scenario(c), "--out", c.root / "in/afile/out"])[-1],
     "--out"),
    ("out-in-proc", lambda c: ["run", _scenario(c), "--out", "/proc/alusim-out"], "--out"),
    ("store-in-proc", lambda c: ["run", _scenario(c), "--store", "/proc/alusim-store"], "--store"),
    ("run-output-file-is-a-folder", lambda c: (c.file("res/report.html/keep", ""),
                                               ["run", _scenario(c), "--out", c.root / "res"])[-1], "--out"),
    ("compare-output-file-is-a-folder", lambda c: (c.file("res/differences.csv/keep", ""),
                                                   ["compare", _scenario(c), c.file("in/b.yaml", scenario_text("b")),
                                                    "--out", c.root / "res"])[-1], "--out"),
    ("store-is-a-file", lambda c: (c.file("in/store-file", "x"), ["run", _scenario(c), "--store",
                                                                  c.root / "in/store-file"])[-1], "--store"),
    ("costcurve-out-is-folder", lambda c: (c.file("in/x.csv/keep", ""), ["costcurve", "--out", c.root / "in/x.csv"])[-1],
     "--out"),
    ("calibrate-out-in-proc", lambda c: ["calibrate", "--out", "/proc/alusim.yaml"], "--out"),
    # 8. validation that agrees with the run; errors after parsing name file and line
    ("relocate-to-atlantis", lambda c: ["run", _scenario(c, "events:\n  - type: relocate\n    from: {province: Shandong}\n"
                                                           "    to_province: Atlantis\n    kt: 500\n    start: 2025-03\n")],
     "s.yaml:6"),
    ("target-selects-nothing", lambda c: ["scenario", "validate", _scenario(
        c, "events:\n  - {type: production_cut, target: {owner: Nobody}, kt: 10, start: 2025-03}\n")], "s.yaml:6"),
    ("megabyte-value-not-echoed", lambda c: ["run", c.file("in/s.yaml", f"name: t\nstart: '{'x' * 900_000}'\n")],
     "start"),
    ("demand-without-china", lambda c: ["data", "validate", "--data", _dataset_copy(
        c, lambda f: _replace_line(f, "demand.csv", "CN,", None))], "demand.csv"),
    ("demand-without-china-run", lambda c: ["run", _scenario(c), "--data", _dataset_copy(
        c, lambda f: _replace_line(f, "demand.csv", "CN,", None))], "demand.csv"),
    ("missing-parameter", lambda c: ["data", "validate", "--data", _dataset_copy(
        c, lambda f: _replace_line(f, "parameters.csv", "supply.utilisation_max,", None))], "supply.utilisation_max"),
]


@pytest.mark.parametrize("setup,field", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_one_line_and_nothing_written(cli, setup, field):
    argv = setup(cli)
    assert_refused(cli(*argv), field)


def test_user_files_survive_a_refused_cache_build(cli):
    cli.file("in/raw/.keep", "")
    notes = cli.file("mine/notes.txt", "keep me")
    cli("data", "build", "--raw", cli.root / "in/raw", "--cache", cli.root / "mine")
    assert notes.read_text() == "keep me"


def test_names_and_paths_that_look_like_markup_print_as_text(cli):
    scenario = cli.file("in/s.yaml", scenario_text('"x[/bold]y\\x07"'))
    outcome = cli("run", scenario, "--no-store", "--out", cli.root / "out[/x]")
    assert outcome.code == 0, outcome.err
    assert "x[/bold]y" in outcome.out and "\x07" not in outcome.out


def test_compare_checks_every_scenario_before_running_any(cli, monkeypatch):
    import alusim.cli.run_cmd as run_cmd

    good = cli.file("in/a.yaml", scenario_text("a"))
    bad = cli.file("in/b.yaml", scenario_text("b", "assumptions:\n  supply.utilisation_max: 1.5\n"))
    ran = []
    monkeypatch.setattr(run_cmd, "simulate_with_progress", lambda sc, dataset: ran.append(sc.name))
    assert_refused(cli("compare", good, bad), "b.yaml:6")
    assert ran == []


def test_a_table_larger_than_the_cap_is_refused_before_reading(cli, monkeypatch):
    from alusim.dataset import loader

    monkeypatch.setattr(loader, "MAX_TABLE_BYTES", 5_000)   # the cap is 100 MB; every table is larger than 5 kB
    folder = _dataset_copy(cli, lambda f: None)
    assert_refused(cli("data", "validate", "--data", folder), "smelters_cn.csv: ")
