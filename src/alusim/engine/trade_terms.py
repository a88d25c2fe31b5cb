"""Trade terms in force for a run, from ``trade.csv`` and the parameters: China's export tax and
rebate, the foreign tariffs on Chinese metal and the share of the export netback they take, and
China's VAT by date. Small pure functions; :func:`alusim.engine.inputs.build_inputs` and the trade
levers read them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alusim.dataset import Dataset


def china_export_rate(dataset: Dataset, measure: str, product: str, start: str) -> float:
    """China's export tax or rebate on a product in force at ``start`` (``trade.csv``)."""
    trade = dataset.trade
    hit = trade[(trade["exporter"] == "CN") & (trade["measure"] == measure) & (trade["product"] == product)
                & (trade["start"].astype(str).str[:7] <= start)]
    return float(hit.sort_values("start")["rate"].iloc[-1]) if len(hit) else 0.0


def destination_tariff(dataset: Dataset, destination: str, start: str, exporter: str | None = None) -> float:
    """Import tariff on Chinese semis in ``destination`` in force at ``start`` (``trade.csv``).

    Tariffs on every exporter (``*``, e.g. US Section 232) and China-specific ones (``CN``, e.g. US
    Section 301, Canada's surtax) stack; ``exporter`` picks one of the two components.
    """
    trade = dataset.trade
    total = 0.0
    for who in ((exporter,) if exporter else ("*", "CN")):
        hit = trade[(trade["measure"] == "import_tariff") & (trade["importer"] == destination)
                    & (trade["exporter"] == who) & (trade["product"] == "semis")
                    & (trade["start"].astype(str).str[:7] <= start)]
        total += float(hit.sort_values("start")["rate"].iloc[-1]) if len(hit) else 0.0
    return total


def export_destinations(dataset: Dataset) -> dict[str, float]:
    """Shares of China's aluminium exports by destination (``trade.cn_export_share.<ISO2|EU|other>``)."""
    names = dataset.parameters["name"]
    shares = {n.split(".")[-1]: dataset.param(n) for n in names if n.startswith("trade.cn_export_share.")}
    return shares or {"other": 1.0}


def netback_loss(shares: dict[str, float], tariffs: dict[str, object]):
    """Share of the duty-free export netback lost to foreign tariffs: 1 − Σ share_d / (1 + t_d) over
    destinations (scalars or arrays). An importer's tariff t leaves the exporter 1/(1+t) of the price."""
    total = sum(shares.values())
    kept = sum(share / (1.0 + np.asarray(tariffs[d], dtype=float)) for d, share in shares.items()) / total
    return 1.0 - kept


def trade_paths(dataset: Dataset, start: str, months: int) -> dict[str, np.ndarray]:
    """Trade policy in force at the start, as flat (1, M) series: the export-weighted tax and rebate
    of primary and semis, and the export-weighted foreign tariff on Chinese metal."""
    w = dataset.param("trade.cn_primary_share_of_exports")

    def effective(measure: str) -> float:
        return (w * china_export_rate(dataset, measure, "primary", start)
                + (1 - w) * china_export_rate(dataset, measure, "semis", start))

    shares = export_destinations(dataset)
    tariff = netback_loss(shares, {d: destination_tariff(dataset, d, start) for d in shares})
    return dict(export_tax=np.full((1, months), effective("export_tax")),
                export_rebate=np.full((1, months), effective("export_rebate")),
                foreign_tariff=np.full((1, months), tariff))


def vat_path(dataset: Dataset, start: str, months: int) -> np.ndarray:
    """(M,) China's VAT rate in force each month: the ``vat`` rows of ``trade.csv`` by date (17 % to
    April 2018, 16 % to March 2019, 13 % since), else ``cost.vat_cn`` throughout."""
    rows = dataset.trade[dataset.trade["measure"] == "vat"].sort_values("start")
    out = np.full(months, dataset.param("cost.vat_cn"))
    if rows.empty:
        return out
    labels = pd.period_range(start, periods=months, freq="M").astype(str)
    for r in rows.itertuples():
        out[np.asarray(labels >= str(r.start)[:7])] = r.rate
    return out
