"""Speed of bpcore.landscape.loss_grid, with ratios measured in one run.

A 500 x 500 (w, b) grid over 1,000 data points, for MSE, MAE and Huber.
Three contenders, all timed here, now:

* ``loss_grid``: today's function (moments for MSE, sorted residuals and
  prefix sums for MAE/Huber);
* ``previous``: the algorithm loss_grid used before (every residual, in
  blocks of at most BLOCK_ENTRIES predictions), kept below as a copy;
* ``broadcast``: the direct numpy broadcast ``loss(y, w[:, None] * x + b)``
  over all grid points at once -- timed on a 50 x 50 grid (a 500 x 500
  broadcast would need 2 GB) and compared per grid point.

    python benchmarks/bench_landscape.py
"""

import functools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpcore import data, losses  # noqa: E402
from bpcore.landscape import loss_grid  # noqa: E402

N_POINTS, GRID, SMALL, REPEATS = 1000, 500, 50, 5
BLOCK_ENTRIES = 16_000   # the previous implementation's block size


def previous_loss_grid(loss, x, y, w_values, b_values):
    """loss_grid before the fast paths: every residual, in bounded blocks."""
    n = x.size
    chunk = max(1, BLOCK_ENTRIES // n)
    W, B = np.meshgrid(w_values, b_values)
    w_flat, b_flat = W.ravel(), B.ravel()
    out = np.empty(w_flat.size)
    block = np.empty((min(chunk, w_flat.size), n))
    for start in range(0, w_flat.size, chunk):
        w = w_flat[start:start + chunk, None]
        b = b_flat[start:start + chunk, None]
        y_pred = block[:len(w)]
        np.multiply(w, x, out=y_pred)
        y_pred += b
        out[start:start + len(w)] = loss(np.broadcast_to(y, y_pred.shape), y_pred, axis=1)
    return out.reshape(W.shape)


def broadcast(loss, x, y, w_values, b_values):
    """The direct computation in one numpy broadcast: (len(b), len(w), n)."""
    y_pred = w_values[None, :, None] * x + b_values[:, None, None]
    return loss(np.broadcast_to(y, y_pred.shape), y_pred, axis=2)


def best_time(fn, repeats=REPEATS):
    """The fastest of ``repeats`` runs (the least disturbed by other load)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    x, y = data.linear(N_POINTS, w=2.0, b=-0.5, noise=0.3, seed=0)
    x, y = np.ravel(x), np.ravel(y)
    w_big, b_big = np.linspace(-1, 5, GRID), np.linspace(-3, 2, GRID)
    w_small, b_small = np.linspace(-1, 5, SMALL), np.linspace(-3, 2, SMALL)
    print(f"loss_grid: {GRID} x {GRID} grid over {N_POINTS} points; best of {REPEATS} runs "
          f"(broadcast timed on {SMALL} x {SMALL}, compared per grid point)")
    print(f"  {'loss':16s} {'loss_grid':>10s} {'previous':>10s} {'broadcast':>12s}   "
          f"{'vs previous':>11s} {'vs broadcast':>12s}")
    contenders = [("mse", losses.mse), ("mae", losses.mae),
                  ("huber(delta=0.5)", functools.partial(losses.huber, delta=0.5))]
    for name, loss in contenders:
        fast = loss_grid(loss, x, y, w_big, b_big)
        np.testing.assert_allclose(fast[::10, ::10], broadcast(loss, x, y, w_big[::10], b_big[::10]),
                                   rtol=1e-12, atol=1e-13)
        t_fast = best_time(lambda: loss_grid(loss, x, y, w_big, b_big))
        t_prev = best_time(lambda: previous_loss_grid(loss, x, y, w_big, b_big), repeats=2)
        t_broad = best_time(lambda: broadcast(loss, x, y, w_small, b_small), repeats=3)
        per_point_fast, per_point_broad = t_fast / GRID**2, t_broad / SMALL**2
        print(f"  {name:16s} {1e3 * t_fast:8.1f}ms {1e3 * t_prev:8.1f}ms "
              f"{1e9 * per_point_broad:7.0f}ns/pt   {t_prev / t_fast:10.0f}x {per_point_broad / per_point_fast:11.0f}x")


if __name__ == "__main__":
    main()
