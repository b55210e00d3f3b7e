"""One Adam training step of an MLP 2-64-64-2 on a batch of 256, bpcore vs PyTorch (CPU).

A step is: zero the gradients, forward pass, softmax cross-entropy, backward
pass, Adam update. Both sides use float64, tanh hidden layers and the same
batch. Also timed alone: the Adam update of the same 4,482 parameters.

    python benchmarks/bench_optim.py                  # numpy's default BLAS threads
    python benchmarks/bench_optim.py --blas-threads 1   # numpy single-threaded too

Prints milliseconds per step (best and median of interleaved rounds) and the ratio
bpcore / torch, with torch limited to 1 thread and with its default threads.
"""

import os
import statistics
import sys
import time
from pathlib import Path

if "--blas-threads" in sys.argv:   # must be set before numpy loads OpenBLAS
    _n = sys.argv[sys.argv.index("--blas-threads") + 1]
    os.environ["OPENBLAS_NUM_THREADS"] = _n   # numpy's BLAS only; torch keeps its own setting

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpcore import losses, nn, optim  # noqa: E402

SIZES, BATCH, LR = [2, 64, 64, 2], 256, 1e-3
ROUNDS = 15


def run(fn, number):
    """Seconds per call of ``fn``, averaged over ``number`` calls."""
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def bpcore_step_fn(X, labels):
    model = nn.MLP(SIZES, activation="tanh", seed=0)
    params = model.parameters()
    opt = optim.Adam(lr=LR)

    def step():
        model.zero_grad()
        loss = losses.softmax_cross_entropy(labels, model(X))
        loss.backward()
        new = opt.step([p.data for p in params], [p.grad for p in params])
        for p, v in zip(params, new):
            p.data = v

    def update_only():
        opt.step([p.data for p in params], [p.grad for p in params])

    return step, update_only


def torch_step_fn(torch, X, labels):
    torch.manual_seed(0)
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers).double()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(labels)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()

    for p in model.parameters():          # gradients exist for the update-only timing
        p.grad = torch.zeros_like(p)

    return step, opt.step


def main():
    import torch

    rng = np.random.default_rng(0)
    X = rng.normal(size=(BATCH, SIZES[0]))
    labels = rng.integers(0, SIZES[-1], size=BATCH)
    n_params = sum(a * b + b for a, b in zip(SIZES[:-1], SIZES[1:]))
    print(f"MLP {SIZES}, {n_params} parameters, batch {BATCH}, float64, Adam(lr={LR})")
    print(f"numpy {np.__version__} (OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')}), "
          f"torch {torch.__version__}, default torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs")

    default_threads = torch.get_num_threads()
    thread_counts = sorted({1, default_threads})
    contenders = {"bpcore": bpcore_step_fn(X, labels)}
    for threads in thread_counts:
        torch.set_num_threads(threads)
        contenders[f"torch-{threads}"] = torch_step_fn(torch, X, labels)

    # Interleave the contenders round by round, so a busy machine slows all
    # of them alike; report the best and the median round.
    times = {(name, part): [] for name in contenders for part in ("step", "update")}
    for fns in contenders.values():
        fns[0](), fns[1]()                       # warm up
    for _ in range(ROUNDS):
        for name, (step, update) in contenders.items():
            if name.startswith("torch-"):
                torch.set_num_threads(int(name.split("-")[1]))
            times[name, "step"].append(run(step, 50))
            times[name, "update"].append(run(update, 200))
    torch.set_num_threads(default_threads)

    print()
    print(f"{'':36s}{'best ms':>9s}{'median ms':>11s}{'ratio bpcore/torch (best, median)':>36s}")
    for part, title in (("step", "full step"), ("update", "Adam update only")):
        ours = times["bpcore", part]
        print(f"{'bpcore ' + title:36s}{1e3 * min(ours):9.3f}{1e3 * statistics.median(ours):11.3f}")
        for threads in thread_counts:
            theirs = times[f"torch-{threads}", part]
            label = f"torch {title} ({threads} thread{'s' if threads > 1 else ''})"
            ratio_best = min(ours) / min(theirs)
            ratio_median = statistics.median(ours) / statistics.median(theirs)
            print(f"{label:36s}{1e3 * min(theirs):9.3f}{1e3 * statistics.median(theirs):11.3f}"
                  f"{ratio_best:18.2f}x{ratio_median:17.2f}x")


if __name__ == "__main__":
    main()
