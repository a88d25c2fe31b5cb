"""import_tariff: a tariff abroad on Chinese aluminium. A tariff on every exporter ('*', e.g. Section 232)
and a China-specific one ('CN', e.g. Section 301) are separate components that add up; the engine uses
the export-weighted sum over China's destinations (trade.cn_export_share.*)."""

import numpy as np
import pytest

from alusim.engine.simulate import prepare
from alusim.errors import InputError
from tests.conftest import QUIET, scenario
from tests.levers.helpers import assert_isolated, differing, inputs_of, monthly, run

GENERAL = {"type": "import_tariff", "importer": "US", "exporter": "*", "rate": 0.5, "start": "2025-06"}
CHINA = {"type": "import_tariff", "importer": "US", "exporter": "CN", "rate": 0.6, "start": "2025-03",
         "end": "2025-12"}


def loss(us, rate):
    """Netback lost when the US share of exports meets ``rate`` and the rest none: us × (1 − 1/(1+t))."""
    return us * (1.0 - 1.0 / (1.0 + rate))


def test_general_and_china_specific_tariffs_stack(dataset):
    us = dataset.param("trade.cn_export_share.US")
    base = inputs_of(dataset)
    # in force in January 2025 (trade.csv): Section 232 10% on everyone, Section 301 25% on China
    assert np.all(base.foreign_tariff == pytest.approx(loss(us, 0.10 + 0.25)))
    general = inputs_of(dataset, [GENERAL])
    assert np.all(general.foreign_tariff[0, 5:] == pytest.approx(loss(us, 0.50 + 0.25)))
    china = inputs_of(dataset, [CHINA])
    assert np.all(china.foreign_tariff[0, 2:12] == pytest.approx(loss(us, 0.10 + 0.60)))
    assert np.all(china.foreign_tariff[0, 12:] == pytest.approx(loss(us, 0.10 + 0.25)))   # back to trade.csv
    both = inputs_of(dataset, [GENERAL, CHINA])
    assert np.all(both.foreign_tariff[0, 2:5] == pytest.approx(loss(us, 0.10 + 0.60)))
    assert np.all(both.foreign_tariff[0, 5:12] == pytest.approx(loss(us, 0.50 + 0.60)))
    assert np.all(both.foreign_tariff[0, 12:] == pytest.approx(loss(us, 0.50 + 0.25)))
    later = inputs_of(dataset, [CHINA, {**CHINA, "rate": 1.45, "start": "2025-05", "end": None}])
    assert np.all(later.foreign_tariff[0, 4:] == pytest.approx(loss(us, 0.10 + 1.45)))   # the later event wins


def test_a_prohibitive_tariff_closes_one_market_not_all(dataset):
    us = dataset.param("trade.cn_export_share.US")
    huge = inputs_of(dataset, [{**CHINA, "rate": 5.0, "end": None}])
    assert huge.foreign_tariff[0, -1] < us              # at most the US share of the netback is lost


def test_tariff_at_the_rates_in_force_changes_nothing(dataset):
    events = [{**GENERAL, "rate": 0.10, "start": "2025-01"}, {**CHINA, "rate": 0.25}]
    assert differing(inputs_of(dataset, events), inputs_of(dataset)) == set()


def test_absent_tariff_leaves_inputs_bit_identical(dataset):
    assert_isolated(dataset, GENERAL)
    assert_isolated(dataset, CHINA)


@pytest.mark.parametrize("change, field, message", [
    ({"exporter": "RU"}, "exporter", "acts between the regions outside China"),
    ({"importer": "CN"}, "importer", "China's own import tariffs are not modelled"),
    ({"importer": "XX"}, "importer", "no export share for 'XX'"),
])
def test_tariffs_alusim_cannot_model_are_refused(dataset, change, field, message):
    events = [{"type": "demand_shock", "region": "CN", "pct": 0.01, "start": "2025-01"}, {**CHINA, **change}]
    with pytest.raises(InputError, match=rf"^events\.1\.{field}: .*{message}"):
        prepare(scenario(end="2026-12", assumptions=QUIET, events=events), dataset)


def test_tariff_on_the_other_destinations(dataset):
    inputs = inputs_of(dataset, [{**CHINA, "importer": "other", "rate": 0.05}])
    assert inputs.foreign_tariff[0, 2] > inputs_of(dataset).foreign_tariff[0, 2]


def test_tariff_cuts_china_net_exports(dataset):
    """A tariff abroad cuts the netback of the share of exports that goes there: exports fall at once,
    and the metal kept at home lowers SHFE against the baseline, on average over the first months and
    the last year; no Chinese plant runs more (with the calibrated curtailment threshold the quiet
    run's plants bear the small loss rather than cut)."""
    base, tariff = run(dataset), run(dataset, [{**CHINA, "end": None}])
    diff = monthly(tariff, "net_exports_kt", "CN") - monthly(base, "net_exports_kt", "CN")
    assert np.all(diff[:2] == 0) and np.all(diff[2:5] < 0) and diff[2:8].sum() < 0
    shfe = monthly(tariff, "price_shfe_cny_t", "CN") / monthly(base, "price_shfe_cny_t", "CN")
    assert np.all(shfe[:3] == 1.0) and shfe[3:10].mean() < 1.0 and shfe[-12:].mean() < 1.0
    output = monthly(tariff, "production_kt", "CN") - monthly(base, "production_kt", "CN")
    assert np.all(output <= 1e-9)                             # none runs more