"""Every parameter is read by the engine or marked reporting-only, and a reporting-only one is refused
wherever a user could expect it to change a run."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from alusim.analysis.sensitivity import parse_vary, run_sensitivity
from alusim.cli import main
from alusim.dataset.dataset import tracking_reads
from alusim.engine.simulate import simulate
from alusim.errors import InputError
from alusim.history.backtest import run_backtest
from alusim.scenario import load_scenario
from tests.conftest import scenario


def shipped_scenarios():
    """Every scenario file that ships with the package, except the history record (replayed below)."""
    root = Path(str(resources.files("alusim") / "scenarios"))
    return sorted(p for p in root.rglob("*.yaml") if p.parent.name != "history")


@pytest.fixture(scope="module")
def engine_reads(dataset):
    """Parameter names read by a short run of every shipped scenario and a short replay of history,
    plus a carbon price quoted in euros (the one conditional read no shipped scenario makes)."""
    reads: set[str] = set()
    runs = [load_scenario(p).model_copy(update={"paths": 2}) for p in shipped_scenarios()]
    runs.append(scenario(end="2025-06", paths=2, events=[
        dict(type="carbon_price", region="CN", price="50 EUR/t", scope=1, start="2025-01")]))
    for run in runs:
        with tracking_reads() as r:
            simulate(run, dataset)
        reads |= r
    with tracking_reads() as r:
        run_backtest(dataset, "2015-01", "2015-12", paths=2)
    reads |= r
    # the alumina market in a replay (alumina.market.pin_until_year read in the replay branch)
    with tracking_reads() as r:
        run_backtest(dataset, "2015-01", "2015-12", paths=2, parameters={"alumina.market": 1.0})
    return reads | r


def test_engine_parameters_are_read_and_reporting_ones_never(dataset, engine_reads):
    roles = dict(zip(dataset.parameters["name"], dataset.parameters["role"], strict=True))
    unread = sorted(n for n, role in roles.items() if role == "engine" and n not in engine_reads)
    read_reporting = sorted(n for n, role in roles.items() if role == "reporting" and n in engine_reads)
    assert unread == [], "marked engine but no run reads them: mark them reporting (or read them)"
    assert read_reporting == [], "read by the engine but marked reporting"


def test_the_parameters_the_review_found_dead_are_refused(dataset):
    for name in ("price.alumina.cn_apr2025_cny_t", "supply.utilisation_longrun"):
        with pytest.raises(InputError, match="reporting-only"):
            dataset.with_overrides({name: 1.0})
        with pytest.raises(InputError, match=r"^--vary: .*reporting-only"):
            run_sensitivity(scenario(end="2025-03", paths=2), [parse_vary(f"{name}=1:2")], output="production_kt")
    with pytest.raises(InputError, match="unknown parameter 'demand.income_elasticity'"):
        dataset.with_overrides({"demand.income_elasticity": 1.0})


def test_cli_refuses_a_reporting_only_assumption_in_one_line(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nend: 2025-06\npaths: 2\nassumptions:\n  price.alumina.cn_apr2025_cny_t: 3000\n")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "reporting-only" in err
    assert not out.exists()
