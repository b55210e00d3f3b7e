"""Is ``bp.train.fit`` as fast as the same training loop written with PyTorch?

Chapter 8's network and data: an MLP 2-32-32-2 (tanh) trained with softmax
cross-entropy and Adam (lr = 0.01) on 300 points of the two-moons data set,
mini-batches of 32 reshuffled every epoch, 100 epochs (1,000 steps). Both
sides compute in float64 and do the same work per step: draw the batch,
forward pass, loss, backward pass, Adam update, and read the loss as a
Python float (``fit`` records it; the torch loop calls ``.item()``).

Three timings from one run, each the best of ``REPEATS`` full trainings,
in wall-clock time:

* ``bp.train.fit``;
* the torch loop with ``torch.set_num_threads(1)``;
* the torch loop with torch's default number of threads.

The figure to watch is ``fit / torch``; the book promises <= 1.5x.
The network is tiny, so both sides are dominated by per-operation overhead
(Python and dispatch), not by arithmetic.

Where the time goes (``--profile`` prints cProfile's view of one ``fit``):
at the time of writing about a third of a step was the backward pass, a
quarter the optimizer (Adam's arithmetic and the flattening of the parameter
list), the rest the forward pass, the loss and the loop itself. Memory
allocation is not an issue at this size: the largest temporary, a (32, 32)
float64 array, is 8 KiB, far below glibc's mmap threshold (see
``bench_autodiff.py`` for the batch-256 case where it is).

Run:  python benchmarks/bench_train.py [--profile]
"""

import os
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout
import bpcore as bp  # noqa: E402

SIZES = [2, 32, 32, 2]
EPOCHS, BATCH, LR, REPEATS = 100, 32, 0.01, 5


def problem():
    X, labels = bp.data.moons(400, noise=0.25, seed=0)
    return X[:300], labels[:300]


def run_fit(X, labels):
    model = bp.nn.MLP(SIZES, activation="tanh", seed=0)
    history = bp.train.fit(model, bp.losses.softmax_cross_entropy, bp.optim.Adam(lr=LR),
                           X, labels, epochs=EPOCHS, batch_size=BATCH, seed=0)
    return history.epoch_loss[-1]


def run_torch(torch, X, labels):
    torch.manual_seed(0)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(n_in, n_out, dtype=torch.float64))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels.astype(np.int64))
    generator = torch.Generator().manual_seed(0)
    n = len(Xt)
    for _ in range(EPOCHS):
        total = 0.0
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = Xt[idx], yt[idx]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    return total / n


def best_time(function, *args):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def profile():
    import cProfile
    import pstats

    X, labels = problem()
    profiler = cProfile.Profile()
    profiler.runcall(run_fit, X, labels)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main():
    if "--profile" in sys.argv:
        profile()
        return
    try:
        import torch
    except ImportError:  # torch is a test dependency (requirements-test.txt), not a runtime one
        X, labels = problem()
        print(f"torch is not installed: timing bp.train.fit alone, {best_time(run_fit, X, labels) * 1e3:.1f} ms")
        return

    X, labels = problem()
    steps = EPOCHS * -(-len(X) // BATCH)
    print(f"MLP {SIZES} tanh, Adam lr={LR}, {len(X)} points, batch {BATCH}, {EPOCHS} epochs = {steps} steps; "
          f"best of {REPEATS}, wall clock")
    print(f"final epoch loss: fit {run_fit(X, labels):.4f}, torch {run_torch(torch, X, labels):.4f} "
          "(different initialisations; both must be small)")
    t_fit = best_time(run_fit, X, labels)
    default_threads = torch.get_num_threads()
    t_torch_default = best_time(run_torch, torch, X, labels)
    torch.set_num_threads(1)
    t_torch_1 = best_time(run_torch, torch, X, labels)
    torch.set_num_threads(default_threads)
    print(f"bp.train.fit               {t_fit * 1e3:8.1f} ms  ({t_fit / steps * 1e6:6.1f} us/step)")
    print(f"torch, 1 thread            {t_torch_1 * 1e3:8.1f} ms  ({t_torch_1 / steps * 1e6:6.1f} us/step)")
    print(f"torch, {default_threads} threads (default) {t_torch_default * 1e3:8.1f} ms  "
          f"({t_torch_default / steps * 1e6:6.1f} us/step)")
    print(f"ratio fit / torch: {t_fit / t_torch_1:.2f} (1 thread), {t_fit / t_torch_default:.2f} "
          f"({default_threads} threads); numpy BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")


if __name__ == "__main__":
    main()
