"""Static PNG of a cost curve (matplotlib: no browser needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from alusim.costs.curve import CurveStatistics  # noqa: E402

POWER_COLOURS = {"captive_coal": "#3d3d3d", "grid": "#7a8ca3", "hydro": "#2f7fd1", "gas": "#e8912d",
                 "mixed": "#4caf6a"}


def write_png(curve: pd.DataFrame, stats: CurveStatistics, price: float | None, path: Path) -> None:
    """Step cost curve: bar widths are capacity (kt/yr), heights unit cost, colours the power source."""
    cost = curve.attrs["cost_column"]
    unit = "CNY/t" if cost.endswith("cny_t") else "USD/t"
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    left = curve["cumulative_capacity_kt"] - curve["capacity_kt"]
    group = curve.attrs.get("colour_by", "power_source")    # refinery curves: bauxite_source
    colours = POWER_COLOURS if group == "power_source" else dict(zip(
        sorted(set(curve[group])), ("#3d3d3d", "#2f7fd1", "#e8912d", "#4caf6a", "#7a8ca3"), strict=False))
    for source, colour in colours.items():
        part = curve[group] == source
        if part.any():
            ax.bar(left[part], curve.loc[part, cost], width=curve.loc[part, "capacity_kt"], align="edge",
                   color=colour, edgecolor="white", linewidth=0.3, label=source.replace("_", " "))
    for name, value in (("p25", stats.p25), ("median", stats.p50), ("p75", stats.p75), ("p90", stats.p90)):
        ax.axhline(value, color="#999999", linestyle=":", linewidth=0.8)
        ax.text(stats.capacity_kt * 1.005, value, f"{name} {value:,.0f}", va="center", fontsize=8, color="#555555")
    if price is not None:
        ax.axhline(price, color="#c0392b", linewidth=1.4)
        ax.text(0, price, f" price {price:,.0f} — {stats.share_loss_making:.0%} of capacity losing money",
                va="bottom", fontsize=9, color="#c0392b")
    attrs = curve.attrs
    ax.set_title(f"{attrs.get('region')} {attrs.get('basis')} cost curve {attrs.get('year')}", loc="left")
    ax.set_xlabel(f"cumulative {attrs.get('capacity_basis', 'operating')} capacity (kt/yr)")
    ax.set_ylabel(f"{attrs.get('basis')} cost ({unit})")
    ax.set_xlim(0, stats.capacity_kt * 1.12)
    ax.set_ylim(min(curve[cost].min() * 0.8, stats.p25 * 0.8), curve[cost].max() * 1.05)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
