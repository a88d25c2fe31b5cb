"""The last guard of a run: every simulated number is finite.

Inputs are range-checked at the edge (:mod:`alusim.dataset.bounds`, the scenario schema), but
extremes can still combine (a stack of +500 % shocks); a run that produces NaN or ±inf must fail
with one line naming the variable, region and month, and store nothing. A variable that is
undefined for a whole region (the SHFE price outside China) is all-NaN there by design, and the
90th-percentile cash cost is NaN in a month when no plant operates; neither is a failure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from alusim.errors import InputError


class NonFiniteResult(InputError):
    """A simulated value came out NaN or infinite (exit code 2, nothing stored)."""


#: statistics over operating plants: undefined (NaN) in a month when no plant operates, never infinite
UNDEFINED_WITHOUT_OUTPUT = ("cash_cost_p90_",)


def first_non_finite(data: xr.Dataset) -> tuple[str, str | None, str, float] | None:
    """(variable, region, month, value) of the first non-finite value, or None when all are finite."""
    for name, array in data.data_vars.items():
        if "month" not in array.dims or not np.issubdtype(array.dtype, np.floating):
            continue
        finite = np.isfinite(array.values)
        if finite.all():      # the common case, without copies
            continue
        if _only_undefined_regions(str(name), array, finite):
            continue
        dims = [d for d in ("path", "month", "region") if d in array.dims]
        values = array.transpose(*dims, ...).values
        if values.ndim > len(dims):
            values = values.reshape(*values.shape[:len(dims)], -1).max(axis=-1)
        bad = np.isinf(values)
        if str(name).startswith(UNDEFINED_WITHOUT_OUTPUT):
            pass
        elif "region" in dims:
            nan = np.isnan(values)
            defined = ~nan.reshape(-1, nan.shape[-1]).all(axis=0)   # regions where the variable exists
            bad |= nan & defined
        else:
            bad |= np.isnan(values)
        if bad.any():
            where = np.argwhere(bad)[0]
            index = dict(zip(dims, where, strict=True))
            month = pd.Timestamp(array["month"].values[index["month"]]).strftime("%Y-%m")
            region = str(array["region"].values[index["region"]]) if "region" in index else None
            return str(name), region, month, float(values[tuple(where)])
    return None


def _only_undefined_regions(name: str, array: xr.DataArray, finite: np.ndarray) -> bool:
    """True when every region of a (path, month, region) variable is either all finite or all NaN (a
    region where the variable is undefined): nothing to report, found without the copies and masks
    of the search below (a run has a dozen such variables)."""
    if sorted(array.dims) != ["month", "path", "region"] or name.startswith(UNDEFINED_WITHOUT_OUTPUT):
        return False
    axis = array.dims.index("region")
    values = array.values
    for r in range(values.shape[axis]):
        column_finite = np.take(finite, r, axis=axis)
        if not column_finite.all() and (column_finite.any() or not np.isnan(np.take(values, r, axis=axis)).all()):
            return False
    return True


def check_finite(data: xr.Dataset) -> None:
    """Raise :class:`NonFiniteResult` naming the first non-finite variable, region and month."""
    found = first_non_finite(data)
    if found is None:
        return
    name, region, month, value = found
    place = f"{name} ({region})" if region else name
    raise NonFiniteResult(f"the run produced {value} for {place} in {month}; nothing was written",
                          where="result", fix="the scenario's values combine to an extreme the model cannot "
                          "follow: soften the assumptions or event magnitudes")
