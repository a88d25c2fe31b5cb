"""The regions outside China in a run's results: per path, month and region (node) the regional
price and premium, output, demand, use, recycled supply, stocks and trade, and the yearly flows
between regions (origin × destination, China included). Present when the run has regions
(``market.regions_enabled``); the aggregates CN/ROW/WORLD of the main results are unchanged."""

from __future__ import annotations

import numpy as np
import xarray as xr

from alusim.engine import kernel as K

#: result variable → kernel index (per path, month, region)
REGION_VARIABLES = {"price_usd_t": K.R_PRICE, "premium_usd_t": K.R_PREMIUM, "production_kt": K.R_PRODUCTION,
                    "demand_kt": K.R_DEMAND, "consumption_kt": K.R_CONSUMPTION,
                    "secondary_production_kt": K.R_SECONDARY, "inventory_total_kt": K.R_STOCK,
                    "imports_kt": K.R_IMPORTS, "exports_kt": K.R_EXPORTS}
#: regional flows summed over a year in annual summaries (stocks at year end, prices averaged)
REGION_FLOWS = ("production_kt", "demand_kt", "consumption_kt", "secondary_production_kt", "imports_kt",
                "exports_kt", "net_imports_kt", "unmet_demand_kt")


def regions_dataset(region_out: np.ndarray, flow_year: np.ndarray, names: list[str], months) -> xr.Dataset | None:
    """xarray Dataset (path × month × region) of the regional outputs and (path × year × origin ×
    destination) flows in kt/yr; None for a run without regions."""
    if len(names) < 2:
        return None
    data = xr.Dataset({name: (("path", "month", "region"), region_out[..., index])
                       for name, index in REGION_VARIABLES.items()},
                      coords={"path": np.arange(region_out.shape[0]), "month": months, "region": list(names)})
    data["net_imports_kt"] = data["imports_kt"] - data["exports_kt"]
    data["unmet_demand_kt"] = data["demand_kt"] - data["consumption_kt"]
    years = np.unique(np.asarray(months, dtype="datetime64[Y]").astype(int) + 1970)
    ends = [*names, "CN"]
    data["flow_kt"] = (("path", "year", "origin", "destination"), flow_year[:, :len(years)])
    data = data.assign_coords(year=years, origin=ends, destination=ends)
    return data
