"""The kernel's cost-curve helpers (engine/curves.py) against their plain definitions."""

from __future__ import annotations

import numpy as np

from alusim.engine.curves import insertion_sort, two_quantiles


def _textbook_sort(order, key, n):
    for i in range(1, n):
        j, item, kv = i, order[i], key[order[i]]
        while j > 0 and key[order[j - 1]] > kv:
            order[j] = order[j - 1]
            j -= 1
        order[j] = item


def test_insertion_sort_is_the_textbook_sort_ties_and_nan_included():
    rng = np.random.default_rng(3)
    for _ in range(3000):
        n = int(rng.integers(0, 25))
        key = rng.integers(0, 5, n + 3).astype(float)          # many ties
        if rng.random() < 0.3:
            key[rng.integers(0, n + 3, 2)] = np.nan
        order = rng.permutation(n + 3)
        fast, plain = order.copy(), order.copy()
        insertion_sort(fast, key, n)
        _textbook_sort(plain, key, n)
        np.testing.assert_array_equal(fast, plain)


def test_insertion_sort_keeps_a_nearly_sorted_order_sorted():
    rng = np.random.default_rng(4)
    key = np.cumsum(rng.random(200))
    order = np.arange(200)
    for _ in range(50):
        key = key + rng.normal(0.0, 0.3, 200)
        insertion_sort(order, key, 200)
        assert np.all(np.diff(key[order]) >= 0)


def _quantile_from_top(keys, weights, total, q):
    """The first plant from the dearest down at which the weight above it plus its own exceeds
    (1 − q) × total; the cheapest plant with weight if none does; NaN for an empty total."""
    if total <= 0.0:
        return np.nan
    bound, tail, last = (1.0 - q) * total + 1e-12, 0.0, np.nan
    for i in np.argsort(-keys, kind="stable"):
        if weights[i] > 0.0:
            tail += weights[i]
            last = keys[i]
            if tail > bound:
                return last
    return last


def test_two_quantiles_walk_the_merged_curve_from_the_top():
    rng = np.random.default_rng(5)
    for _ in range(500):
        n_a, n_b = (int(x) for x in rng.integers(0, 12, 2))
        key = rng.random(n_a + n_b) * 1000.0
        w = np.where(rng.random(n_a + n_b) < 0.2, 0.0, rng.random(n_a + n_b))
        scale = 0.14
        order_a = np.arange(n_a)[np.argsort(key[:n_a], kind="stable")]
        order_b = n_a + np.arange(n_b)[np.argsort(key[n_a:], kind="stable")]
        merged = np.concatenate([key[:n_a] * scale, key[n_a:]])
        # the total may exceed the weights on the curve (greenfield capacity is counted, not drawn)
        total = w.sum() * (1.0 + rng.choice([0.0, 0.3]))
        q1, q2 = 0.9, float(rng.random())
        got = two_quantiles(order_a, n_a, key, scale, order_b, n_b, key, w, total, q1, w, total, q2)
        want = (_quantile_from_top(merged, w, total, q1), _quantile_from_top(merged, w, total, q2))
        np.testing.assert_array_equal(np.array(got), np.array(want))
