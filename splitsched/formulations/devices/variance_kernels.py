"""Compiled bounds of the variance branch-and-bound (:mod:`splitsched.formulations.devices.variance_bnb`).

:func:`node_bound` is the bound of a node of that search (its module docstring says
what it relaxes and why it is valid): the devices placed contribute their exact
squared distance to a cell of possible means, the devices left the distance of
their cheapest allowed option (the interval of delays it can still reach), with
exactly as many offloaders as the node's ``M`` leaves; the cells whose value is
below the incumbent are then bounded again by the position bound (the offloaders
left take distinct SJF positions: a linear assignment, :func:`hungarian`) and split.
All arithmetic is float64 on integer µs below 2^53, so sums are exact up to the
squares; the caller prunes with a relative margin.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

BIG = 1e30
"""Stands for an impossible pairing in the assignments."""


@numba.njit(cache=True)
def hungarian(cost: npt.NDArray[np.float64]) -> float:  # pragma: no cover - compiled
    """The least total cost of a perfect matching of the square ``cost`` (shortest augmenting paths, O(n^3))."""
    n = cost.shape[0]
    u = np.zeros(n + 1)
    v = np.zeros(n + 1)
    match = np.zeros(n + 1, dtype=np.int64)  # match[column] = row, 1-based; 0: free
    way = np.zeros(n + 1, dtype=np.int64)
    for row in range(1, n + 1):
        match[0] = row
        column = 0
        least = np.full(n + 1, np.inf)
        used = np.zeros(n + 1, dtype=np.bool_)
        while True:
            used[column] = True
            current = match[column]
            delta = np.inf
            next_column = 0
            for j in range(1, n + 1):
                if not used[j]:
                    reduced = cost[current - 1, j - 1] - u[current] - v[j]
                    if reduced < least[j]:
                        least[j] = reduced
                        way[j] = column
                    if least[j] < delta:
                        delta = least[j]
                        next_column = j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            column = next_column
            if match[column] == 0:
                break
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    total = 0.0
    for j in range(1, n + 1):
        total += cost[match[j] - 1, j - 1]
    return total


@numba.njit(cache=True)
def _gap2(low: float, high: float, start: float, end: float) -> float:  # pragma: no cover - compiled
    """``dist([low, high], [start, end])^2``."""
    gap = max(0.0, low - end, start - high)
    return gap * gap


@numba.njit(cache=True)
def node_bound(
    opt_start: npt.NDArray[np.int64],
    opt_level: npt.NDArray[np.int64],
    opt_a: npt.NDArray[np.float64],
    limits: npt.NDArray[np.float64],
    decided: npt.NDArray[np.bool_],
    delays: npt.NDArray[np.float64],
    thetas: npt.NDArray[np.float64],
    state: npt.NDArray[np.int64],
    sjf: bool,
    threshold: float,
    shape: npt.NDArray[np.int64],
    window: npt.NDArray[np.float64],
    after: npt.NDArray[np.float64],
    descending: bool,
) -> float:  # pragma: no cover - compiled
    """``N`` times a lower bound on ``sum_i (D_i - mean)^2`` over a node's subtree, or ``inf`` if it has no leaf.

    ``opt_*``: every device's options (``opt_start[j]`` to ``opt_start[j + 1]``), level
    and ready time; ``limits``: deadlines (``inf``: none); ``decided``/``delays``: the
    devices placed and their exact delays; ``state``: ``k, i, work, placed,
    below_work, below_count, m``; ``threshold``: the incumbent over ``N`` (cells at or
    above it are not refined); ``shape``: cells, split, rounds, position rounds;
    ``window``: the means ``[low, high]`` the subtree is searched for (the caller's
    branching on the mean) and the total BS works ``W``; overwritten with the node's
    own ranges within them (a low above the high: none).

    ``descending`` (SJF only): the offload levels are placed from the top down, each
    level's devices in decreasing index, so a placed offloader ``j`` ends at ``W -
    after[j]`` (``after[j]``: the work placed before it, all of it later in SJF's
    order; ``delays[j]`` is then its ready time) and the state's ``work`` is the
    work placed; level ``k``'s devices left are those below index ``i``.
    """
    k, i, work, placed, below_work, below_count, m = state
    n = decided.shape[0]
    left = m - placed
    levels = thetas.shape[0]
    current = max(k, 1)
    theta_min = thetas[current] if current < levels else 0.0
    base = float(work) if sjf else float(below_work + (work if k > 0 else 0))
    theta_k = theta_min
    on_k = int(work // theta_k) if (not sjf and k > 0 and theta_k > 0) else 0
    q = m - below_count
    rows = opt_a.shape[0]
    r_dev = np.empty(rows, dtype=np.int64)
    r_local = np.empty(rows, dtype=np.bool_)
    r_a = np.empty(rows)
    r_theta = np.empty(rows)
    r_low = np.empty(rows)
    r_high = np.empty(rows)
    r_limit = np.empty(rows)
    forced = np.empty(n, dtype=np.bool_)
    dev_low = np.empty(n)
    dev_high = np.empty(n)
    count = 0
    free = 0
    fixed_sum = 0.0
    for j in range(n):
        if decided[j]:
            fixed_sum += delays[j]
            continue
        has_local = False
        has_any = False
        dev_low[free] = np.inf
        dev_high[free] = -np.inf
        for o in range(opt_start[j], opt_start[j + 1]):
            level = opt_level[o]
            a = opt_a[o]
            if level == 0:
                if k != 0 or j < i or a > limits[j]:
                    continue
                low = a
                high = a
                has_local = True
            else:
                if descending:
                    if k > 0 and (level > k or (level == k and j >= i)):
                        continue
                elif level < k or (level == k and j < i):
                    continue
                theta = thetas[level]
                if descending:
                    low = theta  # its end: W - work placed - the work left after it (set once W is bounded)
                    high = np.inf
                elif sjf:
                    low = work + theta
                    high = work + theta * max(left, 1)
                elif level == current:
                    low = below_work + theta_k * q
                    high = low
                else:
                    low = below_work + theta_k * on_k + theta_k * max(q - on_k - 1, 0) + theta
                    high = below_work + theta_k * on_k + theta * (q - on_k)
                low += a
                high += a
                if low > limits[j]:
                    continue
                high = min(high, limits[j])
            r_dev[count] = free
            r_local[count] = level == 0
            r_a[count] = a
            r_theta[count] = thetas[level]
            r_low[count] = low
            r_high[count] = high
            r_limit[count] = limits[j]
            dev_low[free] = min(dev_low[free], low)
            dev_high[free] = max(dev_high[free], high)
            count += 1
            has_any = True
        if not has_any:
            return np.inf
        forced[free] = not has_local
        free += 1
    n_forced = 0
    for d in range(free):
        if forced[d]:
            n_forced += 1
    need = left - n_forced
    if need < 0 or need > free - n_forced:
        return np.inf
    # The t - 1 offloaders before position t have at least the t - 1 least services any device left can offload with.
    least_service = np.full(free, np.inf)
    for r in range(count):
        if not r_local[r]:
            least_service[r_dev[r]] = min(least_service[r_dev[r]], r_theta[r])
    prefix = np.zeros(free + 1)
    ordered_least = np.sort(least_service)
    for t in range(free):
        prefix[t + 1] = prefix[t] + (ordered_least[t] if ordered_least[t] < np.inf else 0.0)
    # The total BS work W of all offloaders: what is placed, plus the services of the ``left`` still to come.
    most_service = np.full(free, -np.inf)
    for r in range(count):
        if not r_local[r]:
            most_service[r_dev[r]] = max(most_service[r_dev[r]], r_theta[r])
    work_lo = float(base)
    work_hi = float(base)
    optional_least = np.empty(free)
    optional_most = np.empty(free)
    s = 0
    theta_max = 0.0
    for d in range(free):
        if most_service[d] > theta_max:
            theta_max = most_service[d]
        if forced[d]:
            work_lo += least_service[d]
            work_hi += most_service[d]
        elif least_service[d] < np.inf:
            optional_least[s] = least_service[d]
            optional_most[s] = most_service[d]
            s += 1
    if need > s:
        return np.inf
    if need > 0:
        work_lo += np.sort(optional_least[:s])[:need].sum()
        work_hi += np.sort(optional_most[:s])[s - need :].sum()
    work_lo = max(work_lo, window[2])
    work_hi = min(work_hi, window[3])
    window[2] = work_lo
    window[3] = work_hi
    if work_lo > work_hi:
        return np.inf
    for r in range(count):
        if r_local[r]:
            continue
        if descending:
            # It ends at W - work placed - the work left after it (at most left - 1 services of theta_max).
            r_low[r] = r_a[r] + max(r_theta[r], work_lo - base - (left - 1) * theta_max)
            r_high[r] = min(r_a[r] + work_hi - base, r_limit[r])
        else:
            # Every BS delay is at most W (SJF: a prefix of the work; RR: sum_j min(s_j, s_i) <= sum_j s_j).
            r_high[r] = min(r_high[r], r_a[r] + work_hi)
        if r_low[r] > r_high[r]:
            r_low[r] = np.inf
    dev_low[:free] = np.inf
    dev_high[:free] = -np.inf
    for r in range(count):
        if r_low[r] < np.inf:
            dev_low[r_dev[r]] = min(dev_low[r_dev[r]], r_low[r])
            dev_high[r_dev[r]] = max(dev_high[r_dev[r]], r_high[r])
    for d in range(free):
        if dev_low[d] == np.inf:
            return np.inf
    fixed_lo = np.empty(n - free)
    fixed_hi = np.empty(n - free)
    f = 0
    for j in range(n):
        if decided[j]:
            if after[j] >= 0:  # descending: placed offloaders end at W - after[j]
                fixed_lo[f] = delays[j] + work_lo - after[j]
                fixed_hi[f] = delays[j] + work_hi - after[j]
            else:
                fixed_lo[f] = delays[j]
                fixed_hi[f] = delays[j]
            f += 1
    mean_lo = max((fixed_lo.sum() + dev_low[:free].sum()) / n, window[0])
    mean_hi = min((fixed_hi.sum() + dev_high[:free].sum()) / n, window[1])
    window[0] = mean_lo
    window[1] = mean_hi
    if mean_lo > mean_hi:
        return np.inf
    cells, split, rounds, position_rounds = shape
    width = (mean_hi - mean_lo) / cells
    starts = np.empty(cells)
    for c in range(cells):
        starts[c] = mean_lo + c * width
    floor = np.zeros(cells)
    best = np.inf
    local_cost = np.empty(free)
    off_cost = np.empty(free)
    switches = np.empty(free)
    matrix = np.empty((free, free))
    for round_ in range(rounds + 1):
        values = np.empty(starts.shape[0])
        for c in range(starts.shape[0]):
            start = starts[c]
            end = start + width
            placed_part = 0.0
            for x in range(fixed_lo.shape[0]):
                placed_part += _gap2(fixed_lo[x], fixed_hi[x], start, end)
            total = placed_part
            local_cost[:] = np.inf
            off_cost[:] = np.inf
            for r in range(count):
                g = _gap2(r_low[r], r_high[r], start, end)
                if r_local[r]:
                    local_cost[r_dev[r]] = min(local_cost[r_dev[r]], g)
                else:
                    off_cost[r_dev[r]] = min(off_cost[r_dev[r]], g)
            s = 0
            for d in range(free):
                if forced[d]:
                    total += off_cost[d]
                else:
                    total += local_cost[d]
                    switches[s] = off_cost[d] - local_cost[d]
                    s += 1
            if need > 0:
                ordered = np.sort(switches[:s])
                for x in ordered[:need]:
                    total += x
            value = max(total, floor[c])
            if round_ < position_rounds and left > 0 and value < threshold:
                value = max(value, _positions(start, end, placed_part, r_dev, r_local, r_a, r_theta, r_limit, count,
                                              local_cost, free, left, base, prefix, sjf, matrix, work_lo, work_hi,
                                              theta_max, descending))  # fmt: skip
            values[c] = value
        keep = 0
        for c in range(values.shape[0]):
            if values[c] < threshold:
                keep += 1
            else:
                best = min(best, values[c])
        if keep == 0:
            break
        if round_ == rounds:
            for c in range(values.shape[0]):
                best = min(best, values[c])
            break
        width /= split
        new_starts = np.empty(keep * split)
        new_floor = np.empty(keep * split)
        w = 0
        for c in range(values.shape[0]):
            if values[c] < threshold:
                for part in range(split):
                    new_starts[w] = starts[c] + part * width
                    new_floor[w] = values[c]
                    w += 1
        starts = new_starts
        floor = new_floor
    return n * best


@numba.njit(cache=True)
def _positions(start, end, placed_total, r_dev, r_local, r_a, r_theta, r_limit, count, local_cost, free, left, base,
               prefix, sjf, matrix, work_lo, work_hi, theta_max, descending) -> float:  # fmt: skip  # pragma: no cover - compiled
    """The position bound of one cell: the offloaders left take distinct positions ``t = 1..left`` (module docstring)."""
    for d in range(free):
        for col in range(free):
            matrix[d, col] = BIG
        for col in range(left, free):
            matrix[d, col] = min(local_cost[d], BIG)
    for r in range(count):
        if r_local[r]:
            continue
        d = r_dev[r]
        a = r_a[r]
        theta = r_theta[r]
        for t in range(1, left + 1):
            # From the end: the left - t after position t have services between its own and theta_max, and
            # the last one ends at W (SJF); under RR each of them adds its service minus the own one less.
            if descending:
                # t counts from the last of the offloaders left: t - 1 end after it, base is the work placed.
                low = a + max(prefix[left - t] + theta, work_lo - base - (t - 1) * theta_max)
                high = a + work_hi - base - (t - 1) * theta
            elif sjf:
                low = a + max(base + prefix[t - 1] + theta, work_lo - (left - t) * theta_max)
                high = a + min(base + t * theta, work_hi - (left - t) * theta)
            else:
                low = a + max(base + prefix[t - 1] + (left - t + 1) * theta, work_lo - (left - t) * (theta_max - theta))
                high = a + min(base + left * theta, work_hi)
            if low > r_limit[r]:
                continue
            g = _gap2(low, min(high, r_limit[r]), start, end)
            if g < matrix[d, t - 1]:
                matrix[d, t - 1] = g
    value = hungarian(matrix)
    if value >= BIG:
        return np.inf
    return placed_total + value
