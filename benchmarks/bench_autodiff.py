"""How much does the autodiff engine cost compared with hand-written numpy?

One training step of an MLP 2-64-64-2 (tanh) on a batch of 256 points with
softmax cross-entropy: forward pass, loss, and the gradients of all six
parameter arrays. The same step is timed twice in one run:

* ``autodiff``: ``bp.nn.MLP`` + ``bp.losses.softmax_cross_entropy`` + ``backward()``;
* ``numpy``:    the same arithmetic with the backward pass derived by hand.

Both must produce the same gradients (checked before timing). The figure to
watch is the ratio autodiff / numpy; the engine aims at <= 1.5x.

Both sides use single-threaded BLAS (set below unless you set it yourself)
and are timed in process CPU time, so that on a shared machine we compare the
engine's Python overhead, not thread scheduling.

**The allocator matters more than the engine.** A (256, 64) float64 array is
128 KiB, right at glibc's default threshold for serving and returning memory
with mmap; the engine keeps a graph's intermediate arrays alive until
backward, so with the default settings many of its allocations pay fresh page
faults, while the hand-written step reuses the same few blocks. The script
therefore measures twice, in two child processes: with glibc's defaults, and
with ``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_`` raised so that
freed memory is kept for reuse. The second ratio is the engine's own
overhead; the first is what a reader gets out of the box.

Run:  python benchmarks/bench_autodiff.py
"""

import os
import subprocess

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pathlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout
import bpcore as bp  # noqa: E402


def make_problem(n=256, sizes=(2, 64, 64, 2), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=n)
    model = bp.nn.MLP(list(sizes), activation="tanh", seed=seed)
    return X, labels, model


def autodiff_step(model, X, labels):
    model.zero_grad()
    loss = bp.losses.softmax_cross_entropy(labels, model(X))
    loss.backward()
    return float(loss.data), [p.grad for p in model.parameters()]


def numpy_step(params, X, Y):
    """Forward and hand-derived backward for tanh-tanh-linear + softmax cross-entropy."""
    W1, b1, W2, b2, W3, b3 = params
    n = X.shape[0]
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    loss = -np.mean(np.sum(Y * (z - lse), axis=1))
    dz = (np.exp(z - lse) - Y) / n
    dW3, db3 = h2.T @ dz, dz.sum(axis=0)
    da2 = (dz @ W3.T) * (1.0 - h2 * h2)
    dW2, db2 = h1.T @ da2, da2.sum(axis=0)
    da1 = (da2 @ W2.T) * (1.0 - h1 * h1)
    dW1, db1 = X.T @ da1, da1.sum(axis=0)
    return loss, [dW1, db1, dW2, db2, dW3, db3]


def page_faults_per_step(fn, steps=200):
    """Minor page faults (fresh pages from the kernel) per call, after a warm-up."""
    import resource

    for _ in range(20):
        fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / steps


def median_time(fn, repeat=200, number=10):
    return float(np.median(timeit.repeat(fn, repeat=repeat, number=number, timer=time.process_time))) / number


def main():
    X, labels, model = make_problem()
    Y = np.eye(2)[labels]
    params = [p.data for p in model.parameters()]

    loss_a, grads_a = autodiff_step(model, X, labels)
    loss_n, grads_n = numpy_step(params, X, Y)
    assert abs(loss_a - loss_n) < 1e-12, (loss_a, loss_n)
    assert all(np.allclose(a, b, rtol=1e-10, atol=1e-14) for a, b in zip(grads_a, grads_n))

    # interleave the two measurements so machine noise hits both alike
    t_auto, t_numpy = [], []
    for _ in range(5):
        t_auto.append(median_time(lambda: autodiff_step(model, X, labels), repeat=40))
        t_numpy.append(median_time(lambda: numpy_step(params, X, Y), repeat=40))
    t_auto, t_numpy = float(np.median(t_auto)), float(np.median(t_numpy))

    faults_auto = page_faults_per_step(lambda: autodiff_step(model, X, labels))
    faults_numpy = page_faults_per_step(lambda: numpy_step(params, X, Y))
    print(f"  bpcore autodiff     : {t_auto * 1e6:8.1f} us / step, {faults_auto:5.0f} page faults / step")
    print(f"  hand-written numpy  : {t_numpy * 1e6:8.1f} us / step, {faults_numpy:5.0f} page faults / step")
    print(f"  ratio autodiff/numpy: {t_auto / t_numpy:8.2f}x  (target <= 1.5x)")


ALLOCATORS = {
    "glibc defaults": {},
    "glibc keeping freed memory": {"MALLOC_MMAP_THRESHOLD_": "4194304", "MALLOC_TRIM_THRESHOLD_": "268435456"},
}


if __name__ == "__main__":
    if os.environ.get("BENCH_AUTODIFF_CHILD"):
        main()
    else:
        print("MLP 2-64-64-2 (tanh), batch 256, softmax cross-entropy, forward + backward")
        for name, settings in ALLOCATORS.items():
            print(f"- {name} {settings or ''}".rstrip(), flush=True)
            env = {**os.environ, **settings, "BENCH_AUTODIFF_CHILD": "1"}
            subprocess.run([sys.executable, __file__], env=env, check=True)
