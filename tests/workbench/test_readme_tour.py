"""Every command of the README's tour, and its Python snippet, work from a folder outside the
repository. Commands run as written, with smaller Monte Carlo budgets (the options are appended or
replaced, never removed) so the test takes minutes, not an hour."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.net import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
#: budget options per command (replacing the README's value when it gives one)
BUDGET = {"run": {"--paths": "20"}, "compare": {"--paths": "20"}, "sensitivity": {"--paths": "8"},
          "backtest": {"--paths": "20"},
          "calibrate": {"--paths": "4", "--maxiter": "1", "--popsize": "2", "--only": "market.price_adjust_per_month"},
          "bench": {"--paths": "10", "--repeats": "1", "--mesa-paths": "0"},
          "sweep": {"--n": "4", "--paths": "4"}}

pytestmark = pytest.mark.slow


def readme_block(language: str, after: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(after)
    return re.search(rf"```{language}\n(.*?)```", text[start:], re.S).group(1)


def tour_commands() -> list[list[str]]:
    block = readme_block("bash", "## A short tour").replace("\\\n", " ")
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("alusim "):
            commands.append(shlex.split(line)[1:])
    return commands


def with_budget(args: list[str]) -> list[str]:
    args = list(args)
    for option, value in BUDGET.get(args[0], {}).items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    return args


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tour")
    env = {**os.environ, "ALUSIM_STORE": str(folder / "store"), "ALUSIM_CACHE": str(folder / "cache")}
    # the tour's `alusim news article.txt` reads the user's own article: one is written here
    (folder / "article.txt").write_text(
        "Xinjiang ordered 2 million tonnes of aluminium capacity under construction to stop on 14 April. "
        "Weiqiao will cut 250,000 tons of output by mid-June, the company said.\n")
    return folder, env


def test_the_tour_lists_the_commands_an_analyst_needs():
    names = [" ".join(c[:2]) for c in tour_commands()]
    for expected in ("run seeds/004", "compare baseline", "scenario list", "scenario events", "report latest",
                     "data build", "app"):
        assert any(n.startswith(expected) or n == expected for n in names), expected


@pytest.mark.parametrize("args", tour_commands(), ids=lambda a: " ".join(a[:3]))
def test_each_tour_command_works_outside_the_repository(args, elsewhere):
    folder, env = elsewhere
    if args[0] == "app":
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "alusim", *args, "--port", str(port)], cwd=folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert wait_for_port(port, proc, 60), "alusim app did not open its port"
            return
        finally:
            proc.terminate()
            proc.wait(20)
    if args[:2] == ["data", "build"] and "--raw" in args and not RAW.is_dir():
        pytest.skip("the public raw data is not on this machine")
    if args[0] == "report":                  # the tour stores runs before; under xdist this worker may not have
        subprocess.run([sys.executable, "-m", "alusim", "run", "--paths", "10"], cwd=folder, env=env, check=True,
                       capture_output=True, timeout=600)
    if args[0] == "discover" and not (folder / args[1]).is_dir():
        # discover reads the tour's sweep; under xdist this worker may not have run it
        sweep = next(c for c in tour_commands() if c[0] == "sweep")
        subprocess.run([sys.executable, "-m", "alusim", *with_budget(sweep)], cwd=folder, env=env, check=True,
                       capture_output=True, timeout=900)
    if args[0] == "run" and "--params" in args and not (folder / args[args.index("--params") + 1]).is_file():
        # the tour's own calibration comes first; under xdist this worker may not have run it
        calibrate = next(c for c in tour_commands() if c[0] == "calibrate")
        subprocess.run([sys.executable, "-m", "alusim", *with_budget(calibrate)], cwd=folder, env=env, check=True,
                       capture_output=True, timeout=900)
    args = with_budget(args)
    result = subprocess.run([sys.executable, "-m", "alusim", *args], cwd=folder, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "error:" not in result.stderr


def test_the_python_snippet_works_outside_the_repository(elsewhere):
    folder, env = elsewhere
    code = readme_block("python", "From Python:")
    code = code.replace('alusim.Scenario.load("baseline")',
                        'alusim.Scenario.load("baseline").model_copy(update={"paths": 20})')
    result = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (folder / "baseline.html").stat().st_size > 100_000
    assert (folder / "my_case.yaml").read_text().count("paths: 200") == 1
