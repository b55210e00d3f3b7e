"""Speed and memory of bpcore.landscape.loss_grid.

A 500 x 500 (w, b) grid over 1,000 data points: wall time and peak memory
(tracemalloc), and the speed-up over a plain Python double loop
(``loss(y, w * x + b)`` for every grid point), timed on a smaller grid in
the same run and compared per grid point.

    python benchmarks/bench_landscape.py
"""

import functools
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpcore import data, losses  # noqa: E402
from bpcore.landscape import _takes_axis, loss_grid  # noqa: E402

N_POINTS, GRID, SMALL = 1000, 500, 60


def plain_loop(loss, x, y, w_values, b_values):
    out = np.empty((len(b_values), len(w_values)))
    for j, b in enumerate(b_values):
        for k, w in enumerate(w_values):
            out[j, k] = loss(y, w * x + b)
    return out


def mse_with_axis(y_true, y_pred, axis=None):
    """MSE that reduces over ``axis`` only (what loss_grid wants from bp.losses)."""
    return ((y_pred - y_true) ** 2).mean(axis=axis)


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def peak_memory(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main():
    x, y = data.linear(N_POINTS, w=2.0, b=-0.5, noise=0.3, seed=0)
    w_big, b_big = np.linspace(-1, 5, GRID), np.linspace(-3, 2, GRID)
    w_small, b_small = np.linspace(-1, 5, SMALL), np.linspace(-3, 2, SMALL)
    print(f"loss_grid: {GRID} x {GRID} grid over {N_POINTS} points "
          f"(plain loop baseline on {SMALL} x {SMALL}, compared per grid point)")
    contenders = [("mse", losses.mse), ("mae", losses.mae),
                  ("huber(delta=0.5)", functools.partial(losses.huber, delta=0.5))]
    if not _takes_axis(losses.mse):
        # bp.losses cannot reduce per row yet, so loss_grid falls back to one
        # call per grid point. This stand-in shows the vectorised path.
        contenders.append(("mse stand-in(axis)", mse_with_axis))
    for name, loss in contenders:
        path = "vectorised" if _takes_axis(loss) else "row-by-row"
        small_loop, t_loop = timed(lambda: plain_loop(loss, x, y, w_small, b_small))
        small_grid = loss_grid(loss, x, y, w_small, b_small)
        assert np.allclose(small_grid, small_loop, rtol=1e-12, atol=0), name
        L, t_grid = timed(lambda: loss_grid(loss, x, y, w_big, b_big))
        peak = peak_memory(lambda: loss_grid(loss, x, y, w_big, b_big))
        per_loop = t_loop / SMALL**2
        per_grid = t_grid / GRID**2
        print(f"  {name:19s} [{path:10s}] grid {t_grid:7.2f} s  peak {peak / 1e6:6.1f} MB   "
              f"plain loop {1e6 * per_loop:6.2f} us/point -> {per_loop * GRID**2:6.1f} s for the big grid   "
              f"speed-up {per_loop / per_grid:6.1f}x")


if __name__ == "__main__":
    main()
