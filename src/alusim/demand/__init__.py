"""Demand from activity drivers: recorded and projected drivers, fitted elasticities, sector paths."""
