"""Shared fixtures: the embedded dataset and small simulations (module-scoped to keep the suite fast)."""

from __future__ import annotations

import pytest

from alusim.dataset import load_dataset
from alusim.scenario.model import Scenario


@pytest.fixture(scope="session")
def dataset():
    return load_dataset()


@pytest.fixture(scope="session")
def small_baseline():
    from alusim.cli.run_cmd import baseline_path
    from alusim.scenario import load_scenario

    return load_scenario(baseline_path()).model_copy(update={"paths": 40})


def scenario(**fields) -> Scenario:
    """A scenario from keyword fields (events as plain dicts), validated like a file."""
    fields.setdefault("name", "test")
    return Scenario.model_validate(fields)


#: assumptions that switch the random drivers off, for deterministic mechanism tests
QUIET = {"price.lme.vol_pct_per_month": 0.0, "price.shfe.vol_pct_per_month": 0.0,
         "demand.noise_pct_per_month": 0.0, "price.alumina.vol_pct_per_month": 0.0,
         "price.anode.vol_pct_per_month": 0.0, "price.coal.vol_pct_per_month": 0.0,
         "fx.cny_per_usd_vol_pct_per_year": 0.0, "supply.planned_realisation_prob": 0.0,
         "supply.restart_lag_spread": 0.0, "supply.curtail_threshold_spread": 0.0,
         "demand.driver_growth_sd_pct_per_year.cn": 0.0, "demand.driver_growth_sd_pct_per_year.row": 0.0,
         "calibration.use_ensemble": 0.0, "alumina.market.vol_pct_per_month": 0.0}
