"""The dataset's file names, in load order, without their schemas: the cache key needs the names at
every start, the schemas (pandera, ~0.1 s to import) only when tables are validated."""

#: required tables (:data:`alusim.dataset.schemas.TABLES` holds their schemas, in this order)
TABLE_FILES = ("smelters_cn.csv", "smelters_row.csv", "parameters.csv", "power_tariffs.csv", "input_prices.csv",
               "emission_factors.csv", "history_annual.csv", "demand.csv", "demand_sectors.csv", "trade.csv",
               "drivers.csv", "demand_drivers.csv", "sector_shares.csv", "demand_fit.csv", "recycling.csv",
               "consumption_history.csv")
#: tables a dataset may leave out (:data:`alusim.dataset.schemas.OPTIONAL_TABLES`)
OPTIONAL_TABLE_FILES = ("smelters_retired.csv", "capacity_history.csv", "history_monthly.csv", "regions.csv",
                        "region_shares.csv", "trade_flows.csv", "freight.csv", "regional_consumption.csv",
                        "region_premiums.csv", "refineries.csv", "bauxite.csv", "bauxite_events.csv",
                        "refinery_history.csv")
