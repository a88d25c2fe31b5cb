"""Refinery cash-cost build-up and the refinery cost curve (issue 12, step 1)."""

import numpy as np
import pandas as pd
import pytest

from alusim.alumina.costs import COMPONENTS, cost_table, price_at
from alusim.alumina.curve import refinery_curve
from alusim.cli import main
from alusim.costs.curve import curve_statistics
from alusim.errors import InputError


def test_components_add_up_and_follow_the_coefficients(dataset):
    table = cost_table(dataset, 2024)
    total = table[[f"{c}_cost" for c in COMPONENTS]].sum(axis=1)
    assert np.allclose(total, table["cash_cost"])
    t_t = table["bauxite_t_t"].fillna(0.0)
    assert np.allclose(table["bauxite_cost"], t_t * table["bauxite_price"])
    cn = table["country"] == "CN"
    assert np.allclose(table.loc[cn, "caustic_cost"], table.loc[cn, "caustic_t_t"] * dataset.param("alumina.caustic.cn_cny_t"))
    assert (table.loc[cn, "currency"] == "CNY").all() and (table.loc[~cn, "currency"] == "USD").all()


def test_imported_ore_moves_with_the_cif_price_and_domestic_ore_does_not(dataset):
    base = cost_table(dataset, 2024)
    dear = dataset.with_overrides({"alumina.bauxite.cif_ratio.GN": 1.5})
    high = cost_table(dear, 2024)
    guinea = (base["bauxite_origin"] == "GN") & (base["imported_share"] > 0)
    local = base["imported_share"] == 0
    assert (high.loc[guinea, "cash_cost"] > base.loc[guinea, "cash_cost"] + 1).all()
    assert np.allclose(high.loc[local, "cash_cost"], base.loc[local, "cash_cost"])
    # in China the seaborne part (CIF × FX × VAT) is what moved, in proportion
    cn = guinea & (base["country"] == "CN")
    assert np.allclose(high.loc[cn, "seaborne_bauxite_cost"], 1.5 * base.loc[cn, "seaborne_bauxite_cost"])


def test_bauxite_prices_interpolate_between_quotes(dataset):
    a = price_at(dataset, "price_cif_cn_usd_t", 2023 + 10.5 / 12, origin="*")
    b = price_at(dataset, "price_cif_cn_usd_t", 2024 + 10.5 / 12, origin="*")
    mid = price_at(dataset, "price_cif_cn_usd_t", 2024 + 4.5 / 12, origin="*")
    assert (a, b) == pytest.approx((70.0, 92.0))
    assert a < mid < b
    shanxi = price_at(dataset, "price_domestic_cny_t", 2024.5, origin="CN", province="Shanxi")
    assert 437.5 < shanxi < 600.0


def test_china_2024_curve_against_published_levels(dataset):
    """Published (docs/data-notes/alumina.md): Shanxi/Henan domestic-ore refineries ~2,600–3,200 CNY/t full
    cost in 2023–24, Shandong imported-ore ~2,700–3,100; ours is cash cost (no depreciation, finance),
    so it may sit up to ~15 % below the full-cost range but not above it."""
    curve = refinery_curve(dataset, region="CN", year=2024)
    inland = curve[curve["province"].isin(["Shanxi", "Henan"]) & (curve["bauxite_source"] == "domestic")]
    shandong = curve[(curve["province"] == "Shandong") & (curve["bauxite_source"] == "imported")]
    for part, (lo, hi) in ((inland, (2600, 3200)), (shandong, (2700, 3100))):
        mean = np.average(part["cash_cost_cny_t"], weights=part["capacity_kt"])
        assert 0.85 * lo <= mean <= hi, mean
    assert curve["capacity_kt"].sum() == pytest.approx(85680, rel=0.05)


def test_row_2024_curve_against_published_levels(dataset):
    curve = refinery_curve(dataset, region="ROW", year=2024)
    stats = curve_statistics(curve)
    assert curve.attrs["currency"] == "USD"
    assert 0.85 * 280 <= stats.p50 <= 350 and stats.p90 <= 420


def test_curve_is_sorted_and_components_add_up_exactly(dataset):
    curve = refinery_curve(dataset, region="WORLD", year=2024, currency="USD")
    assert curve["cash_cost_usd_t"].is_monotonic_increasing
    parts = curve[[f"{c}_usd_t" for c in COMPONENTS]].sum(axis=1).round(1)
    assert np.allclose(parts, curve["cash_cost_usd_t"], atol=1e-6)
    assert np.allclose(curve["cumulative_capacity_kt"], curve["capacity_kt"].cumsum())


def test_unknown_region_is_an_input_error(dataset):
    with pytest.raises(InputError, match="unknown region"):
        refinery_curve(dataset, region="ATLANTIS")


def test_cli_alumina_curve_csv_and_bad_product(tmp_path, capsys):
    out = tmp_path / "curve.csv"
    assert main(["costcurve", "--product", "alumina", "--region", "CN", "--year", "2024", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert {"cash_cost_cny_t", "bauxite_cny_t", "caustic_cny_t", "energy_cny_t", "other_cny_t"} <= set(table.columns)
    assert "refinery" in capsys.readouterr().out
    png = tmp_path / "curve.png"
    assert main(["costcurve", "--product", "alumina", "--region", "ROW", "--out", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["costcurve", "--product", "bauxite"]) == 2
    assert "unknown product" in capsys.readouterr().err
