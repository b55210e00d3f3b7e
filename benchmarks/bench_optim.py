"""One Adam training step of an MLP 2-64-64-2 on a batch of 256, bpcore vs PyTorch (CPU).

A step is: zero the gradients, forward pass, softmax cross-entropy, backward
pass, Adam update. Both sides use float64, tanh hidden layers and the same
batch. Also timed alone: the Adam update of the same 4,482 parameters.

    python benchmarks/bench_optim.py

Prints milliseconds per step (median of several repeats) and the ratio
bpcore / torch, with torch limited to 1 thread and with its default threads.
"""

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpcore import losses, nn, optim  # noqa: E402

SIZES, BATCH, LR = [2, 64, 64, 2], 256, 1e-3


def per_call(fn, number=200, repeat=7):
    """Median seconds per call of ``fn`` over ``repeat`` runs of ``number`` calls."""
    fn()  # warm up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - t0) / number)
    return statistics.median(runs)


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
    print(f"numpy {np.__version__}, torch {torch.__version__}, default torch threads {torch.get_num_threads()}")

    ours_step, ours_update = bpcore_step_fn(X, labels)
    t_ours = per_call(ours_step)
    t_ours_upd = per_call(ours_update, number=1000)

    default_threads = torch.get_num_threads()
    results = {}
    for threads in (1, default_threads):
        torch.set_num_threads(threads)
        step, update = torch_step_fn(torch, X, labels)
        results[threads] = (per_call(step), per_call(update, number=1000))
    torch.set_num_threads(default_threads)

    print()
    print(f"{'':34s}{'ms/step':>10s}{'ratio bpcore/torch':>22s}")
    print(f"{'bpcore full step':34s}{1e3 * t_ours:10.3f}")
    for threads, (t_step, _) in results.items():
        label = f"torch full step ({threads} thread{'s' if threads > 1 else ''})"
        print(f"{label:34s}{1e3 * t_step:10.3f}{t_ours / t_step:22.2f}x")
    print(f"{'bpcore Adam update only':34s}{1e3 * t_ours_upd:10.3f}")
    for threads, (_, t_upd) in results.items():
        label = f"torch Adam update only ({threads} thr)"
        print(f"{label:34s}{1e3 * t_upd:10.3f}{t_ours_upd / t_upd:22.2f}x")


if __name__ == "__main__":
    main()
