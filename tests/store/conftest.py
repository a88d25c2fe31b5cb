from __future__ import annotations

import pytest

from alusim.engine.simulate import simulate
from alusim.scenario.model import Scenario
from alusim.store import RunStore


@pytest.fixture(scope="module")
def result():
    """A small real run (the first call compiles the kernel)."""
    return simulate(Scenario(name="t", paths=20, end="2026-12"))


@pytest.fixture
def store(tmp_path) -> RunStore:
    return RunStore(tmp_path / "store", lock_timeout=20.0)



@pytest.fixture(scope="module")
def pre(result):
    """The summaries and asset table, computed once, for tests where saving them again adds nothing."""
    return {"summary": result.summary("M"), "summary_annual": result.summary("Y"), "assets": result.asset_table()}
