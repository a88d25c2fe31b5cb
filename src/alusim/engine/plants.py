"""One month of one smelter: its cash cost, its state transition and its output (compiled).

Plain numbers and arrays in, plain numbers out; inlined into the kernel's month loop. The rules
(docs/model.md, "Supply response with inertia"):

* the *expected margin* is an exponential average of (price − expected cash cost) over
  ``supply.margin_horizon_months``: one bad month moves nothing, a bad half-year does;
* a running plant cuts potlines (``curtail_step`` of capacity a month) only while the expected margin
  on its *avoidable* cost — cash cost less the take-or-pay share of its power bill — is below
  −threshold × cost; the threshold differs by plant and path, so the industry responds smoothly;
* curtailed lines come back only when the expected margin exceeds ``recover_margin`` × cost, and an
  idle plant restarts only above its hurdle, after a lag drawn per plant (hysteresis: restarting
  costs money, so nobody restarts on a margin that only just turned positive);
* a project under construction starts on its date (its cost is sunk); a planned project goes ahead on
  the paths where it does, and in China only while margins clear the new-build hurdle and the cap
  has room.
"""

from __future__ import annotations

from numba import njit

from alusim.engine.curves import FAST as _FAST

# asset states (also used in results)
PLANNED, CONSTRUCTION, OPERATING, CURTAILED, IDLE, RESTARTING, CLOSED = 0, 1, 2, 3, 4, 5, 6
STATE_NAMES = ("planned", "construction", "operating", "curtailed", "idle", "restarting", "closed")


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def restart_lag_months(mean: float, spread: float, u: float) -> int:
    """Months from a restart decision to first metal: uniform within ±spread of the mean, at least one."""
    lag = round(mean * (1.0 - spread + 2.0 * spread * u))
    return max(int(lag), 1)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def curtail_threshold(mean: float, spread: float, u: float) -> float:
    """The loss, as a share of cash cost, a plant bears before it cuts (power contracts, local support)."""
    return mean * (1.0 - spread + 2.0 * spread * u)


@njit(cache=True, inline="always", fastmath=_FAST, error_model="numpy")
def decide(state, share, timer, a, m, exp_margin, cost_expected, power_cost, threshold, take_or_pay,
           recover, hurdle, new_build_hurdle, lag, ramp_step, curtail_step, commission_m, planned_go, blocked,
           forced_restart, cap_room):
    """State transition of asset ``a`` this month; returns (restarted, commissioned) flags.

    ``cap_room`` is False when China's cap has no room for this plant (the kernel checks and books
    the capacity when a commissioning is returned)."""
    s = state[a]
    if s == PLANNED or s == CONSTRUCTION:
        if commission_m >= 0 and m >= commission_m and not blocked:
            go = s == CONSTRUCTION or (planned_go and exp_margin > new_build_hurdle * cost_expected)
            if go and cap_room:
                state[a] = OPERATING
                share[a] = ramp_step
                return False, True
        return False, False
    if s == IDLE:
        if forced_restart or exp_margin > hurdle * cost_expected:
            state[a] = RESTARTING
            timer[a] = lag
            return True, False
        return False, False
    if s == RESTARTING:
        timer[a] -= 1
        if timer[a] <= 0:
            state[a] = OPERATING
            share[a] = ramp_step
        return False, False
    # operating or curtailed
    if exp_margin + take_or_pay * power_cost < -threshold * cost_expected and not forced_restart:
        share[a] -= curtail_step
        if share[a] <= 1e-9:
            share[a] = 0.0
            state[a] = IDLE
        else:
            state[a] = CURTAILED
    elif share[a] < 1.0 and (exp_margin > recover * cost_expected or forced_restart):
        share[a] = min(1.0, share[a] + ramp_step)
        state[a] = OPERATING if share[a] >= 1.0 - 1e-12 else CURTAILED
    return False, False
