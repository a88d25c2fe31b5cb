"""The alumina and bauxite chain (issue 12): refinery cash costs and cost curve, the alumina market
per market (China and the seaborne market) and bauxite by origin with its disruptions and export bans.
Pure functions and numpy arrays; the engine calls :func:`alusim.alumina.engine.alumina_prices` where it
builds the alumina price paths (``alumina.market`` = 1)."""

from alusim.alumina.costs import COMPONENTS, cost_table
from alusim.alumina.curve import refinery_curve

__all__ = ["COMPONENTS", "cost_table", "refinery_curve"]
