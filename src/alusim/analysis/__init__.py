"""Analyses built on many runs: sensitivity sweeps (and, later, calibration and backtests)."""
