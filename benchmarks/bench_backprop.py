"""What does a gradient cost? Backpropagation against the forward pass and
against finite differences (chapter 4).

Measured in one run, each as a ratio to a baseline timed in the same run:

1. ``backward / forward`` for ``bp.nn.MLP`` (autodiff) networks of growing
   size with softmax cross-entropy on a batch of 512: the time of
   ``loss.backward()`` divided by the time of the forward pass that built the
   graph. Theory: a small constant (about 2 for matrix products, plus the
   engine's overhead), independent of the parameter count.
2. ``finite differences / backprop`` for 2-layer tanh networks 4 → h → 1 on
   32 examples: the time of a full central-difference gradient
   (``2P`` loss evaluations) divided by the time of the δ recursion
   (``bp.backprop.mlp2_gradients``). Theory: grows in proportion to P.
3. The explorables' redraw time when a slider moves (what a reader waits for).

Single-threaded BLAS (set below) so that a shared machine's scheduling does
not dominate; times are the median of several repeats.

Run:  python benchmarks/bench_backprop.py
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pathlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout
import bpcore as bp  # noqa: E402


def median_time(fn, repeat=7):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def backward_over_forward(sizes, n=512, repeat=9, seed=0):
    model = bp.nn.MLP(sizes, activation="tanh", seed=seed)
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, sizes[0])), rng.integers(0, sizes[-1], size=n)
    forward, backward = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        loss = bp.losses.softmax_cross_entropy(y, model(X))
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        forward.append(t1 - t0)
        backward.append(t2 - t1)
        model.zero_grad()
    params = sum(p.size for p in model.parameters())
    return params, float(np.median(forward)), float(np.median(backward))


def fd_over_backprop(h, n=32, seed=0):
    p = bp.backprop.init_mlp2(4, h, 1, seed=seed)
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(n, 4)), rng.normal(size=(n, 1))

    def fd():
        return [bp.gradcheck.numerical_grad(lambda v, k=k: bp.backprop.mlp2_loss({**p, k: v}, X, Y), p[k]) for k in p]

    P = sum(v.size for v in p.values())
    one_loss = median_time(lambda: bp.backprop.mlp2_loss(p, X, Y), repeat=21)
    return P, median_time(fd, repeat=3), median_time(lambda: bp.backprop.mlp2_gradients(p, X, Y), repeat=21), one_loss


def main():
    print("1. backward / forward time, bp.nn.MLP + softmax cross-entropy, batch 512")
    for sizes in ([64, 64, 10], [64, 256, 256, 10], [64, 512, 512, 512, 10]):
        P, fwd, bwd = backward_over_forward(sizes)
        print(f"   {str(sizes):<24} P = {P:7d}: forward {fwd * 1e3:7.2f} ms, backward {bwd * 1e3:7.2f} ms, ratio {bwd / fwd:.2f}")
    print("2. finite differences / backprop, 4 -> h -> 1 tanh network, 32 examples")
    for h in (4, 16, 64, 256):
        P, fd, bprop, one_loss = fd_over_backprop(h)
        print(f"   h = {h:4d}, P = {P:5d}: FD {fd * 1e3:8.2f} ms ({fd / one_loss:6.0f} loss evaluations' time, 2P = {2 * P}), "
              f"backprop {bprop * 1e3:6.3f} ms ({bprop / one_loss:.1f} x one loss), FD / backprop = {fd / bprop:.0f}")
    print("3. explorable redraw: moving a slider of the live widget (median over the slider's values)")
    for name, explorer, control in [("stepper, step", bp.widgets.mlp_pass_stepper(), "step"),
                                    ("depth explorer, gain (blitted)", bp.widgets.depth_explorer(), "gain"),
                                    ("depth explorer, depth (full redraw)", bp.widgets.depth_explorer(), "depth")]:
        widget = explorer.controls[control]
        values = list(getattr(widget, "options", None) or range(widget.min, widget.max + 1))
        values = [v[1] if isinstance(v, tuple) else v for v in values][:12]
        times = []
        for value in values + values[::-1]:
            start = time.perf_counter()
            widget.value = value
            times.append(time.perf_counter() - start)
        print(f"   {name:<36} {np.median(times) * 1e3:6.1f} ms")

if __name__ == "__main__":
    main()
