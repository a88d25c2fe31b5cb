"""Cost curves inside the kernel: keep a plant order sorted by cost month to month, and read two
weighted quantiles off the merge of two sorted lists in one walk from the top.

Plain arrays in, plain values out; compiled with numba and inlined into the month step.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: fast-math flags that keep NaN and infinity semantics (the kernel tests ``x == x`` and uses +inf caps)
FAST = {"contract", "arcp", "reassoc"}


@njit(cache=True, inline="always", fastmath=FAST, error_model="numpy")
def insertion_sort(order, key, n):
    """Re-sort ``order[:n]`` by ``key`` in place; near-linear when last month's order is nearly right.

    The key of the sorted prefix's last plant is kept at hand (``top``): a plant not below it stays
    where it is without reading its neighbour's key again, the common case month to month; one below
    it moves down as in the textbook sort, and the plant then last in the prefix is the same one (the
    same order as the textbook sort, ties and NaN included)."""
    if n <= 0:
        return
    top = key[order[0]]
    for i in range(1, n):
        item = order[i]
        kv = key[item]
        if not top > kv:          # the textbook's first comparison, NaN included
            top = kv
            continue
        j = i
        while j > 0 and key[order[j - 1]] > kv:
            order[j] = order[j - 1]
            j -= 1
        order[j] = item


@njit(cache=True, inline="always", fastmath=FAST, error_model="numpy")
def two_quantiles(order_a, n_a, key_a, scale_a, order_b, n_b, key_b, w1, total1, q1, w2, total2, q2):
    """Weighted quantiles of the merge of two cost-sorted lists (keys of list a times ``scale_a``):
    the first plant, in ascending cost, at which the cumulative ``w1`` reaches ``q1`` of ``total1``
    (and likewise ``w2``, ``q2``, ``total2``). Plants of zero weight never count; NaN for an empty total.

    Both quantiles the engine needs sit near the top of the curve (p90 and the marginal plant), so the
    walk runs from the dearest plant down: the answer is the first plant at which the weight above it
    plus its own exceeds ``(1 − q) × total`` — a tenth of the curve instead of nine tenths. The two
    walks differ when ``total`` exceeds the weight on the curve (greenfield capacity outside China
    counts in the operating total but has no plant on the curve): walked from the top, that excess sits
    in effect below the cheapest plant, not at the greenfield cash cost; the Mesa reference walks the
    same way (:func:`alusim.bench.mesa_agents.weighted_quantile`).
    """
    out1 = np.nan
    out2 = np.nan
    done1 = total1 <= 0.0
    done2 = total2 <= 0.0
    bound1 = (1.0 - q1) * total1 + 1e-12
    bound2 = (1.0 - q2) * total2 + 1e-12
    tail1 = 0.0
    tail2 = 0.0
    last1 = np.nan
    last2 = np.nan
    i = n_a - 1
    j = n_b - 1
    while (i >= 0 or j >= 0) and not (done1 and done2):
        if j < 0 or (i >= 0 and key_a[order_a[i]] * scale_a > key_b[order_b[j]]):
            a = order_a[i]
            k = key_a[a] * scale_a
            i -= 1
        else:
            a = order_b[j]
            k = key_b[a]
            j -= 1
        if not done1 and w1[a] > 0.0:
            last1 = k
            tail1 += w1[a]
            if tail1 > bound1:
                out1 = k
                done1 = True
        if not done2 and w2[a] > 0.0:
            last2 = k
            tail2 += w2[a]
            if tail2 > bound2:
                out2 = k
                done2 = True
    if not done1:
        out1 = last1          # q ≈ 0: the cheapest plant with weight
    if not done2:
        out2 = last2
    return out1, out2
