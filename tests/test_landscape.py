"""Tests for bpcore.landscape: loss grids, filter-normalised random
directions, 1-D/2-D slices, model_loss and descend."""

import functools
import tracemalloc
import warnings

import numpy as np
import pytest

from bpcore import landscape, losses, optim
from bpcore.landscape import descend, loss_grid, model_loss, random_direction, slice_1d, slice_2d
from bpcore.surfaces import DoubleWell, Quadratic


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, 2.0 * x - 0.5 + 0.1 * rng.standard_normal(n)


def _plain_loop(loss, x, y, w_values, b_values):
    return np.array([[loss(y, w * x + b) for w in w_values] for b in b_values])


# ---------------------------------------------------------------------------
# loss_grid
# ---------------------------------------------------------------------------

LOSSES = [losses.mse, losses.half_mse, losses.mae, losses.huber,
          functools.partial(losses.huber, delta=0.3)]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: getattr(f, "__name__", "huber(delta=0.3)"))
@pytest.mark.parametrize("chunk", [None, 1, 7])
def test_loss_grid_direct_matches_plain_loop(loss, chunk):
    x, y = _data()
    w_values = np.linspace(-1, 4, 9)
    b_values = np.linspace(-2, 1, 5)      # not square: a transposed result would fail
    L = loss_grid(loss, x, y, w_values, b_values, chunk=chunk, method="direct")
    assert L.shape == (5, 9)
    np.testing.assert_allclose(L, _plain_loop(loss, x, y, w_values, b_values), rtol=1e-12, atol=1e-15)


# The fast paths (moments for MSE, sorted residuals + prefix sums for MAE and
# Huber) must agree with the direct computation to float64 rounding.  The
# tolerance is the first-order rounding-error bound of both computations at
# each grid point (u = 2**-53, Higham 2002, ch. 3-4), not a fixed rtol:
#
# * residuals r_i = w x_i + b - y_i carry an error of at most 3u M_i with
#   M_i = |w x_i| + |b| + |y_i|, so a mean of squares moves by at most
#   6u mean(|r_i| M_i); pairwise summation adds (log2 n) u L;
# * recursive (prefix) sums of n terms err by at most n u sum|terms|, and the
#   terms of the MAE/Huber kernels are bounded by M_i (MAE) and
#   M_i**2 / 2 + delta M_i (Huber).
U = 2.0 ** -53


def _tolerance(name, x, y, w, b, L, delta=1.0):
    r = np.abs(np.multiply.outer(b, np.ones_like(w))[..., None] + np.multiply.outer(w, x)[None] - y)
    M = np.abs(np.multiply.outer(w, x))[None] + np.abs(b)[:, None, None] + np.abs(y)
    n = x.size
    if name == "mse":
        # plus a second-order term for grid points where the loss is (nearly) zero
        return 8 * U * ((r * M).mean(-1) + (np.log2(n) + 4) * L) + (8 * U) ** 2 * (M * M).mean(-1)
    terms = M if name == "mae" else 0.5 * M * M + delta * M
    return 4 * (n + np.log2(n) + 4) * U * terms.mean(-1)


def _kernel_cases():
    rng = np.random.default_rng(1)
    cases = []
    for n, scale, offset in [(1, 1.0, 0.0), (2, 1.0, 0.0), (7, 1.0, 0.0), (40, 1.0, 0.0), (1000, 1.0, 0.0),
                             (300, 1e3, 1e4), (300, 1e-3, 0.0)]:
        x = offset + scale * rng.standard_normal(n)
        y = 2.0 * x - 0.5 + 0.3 * scale * rng.standard_normal(n)
        cases.append((x, y))
    x = np.repeat([0.1, 2.0], 20)                       # ties: many equal residuals
    cases.append((x, 3.0 * x))                          # and an exact fit: loss 0 at (3, 0)
    cases.append((np.full(5, 0.7), np.arange(5.0)))     # constant x: V_xx = 0
    return cases


@pytest.mark.parametrize("case", range(9))
@pytest.mark.parametrize("name,loss,delta", [("mse", losses.mse, None), ("half_mse", losses.half_mse, None),
                                             ("mae", losses.mae, None), ("huber", losses.huber, 1.0),
                                             ("huber", functools.partial(losses.huber, delta=0.3), 0.3)])
def test_loss_grid_fast_paths_agree_with_direct_to_rounding(case, name, loss, delta):
    x, y = _kernel_cases()[case]
    centre, spread = np.mean(y), 1.0 + np.std(y)
    w_values = np.concatenate([np.linspace(-1, 5, 23), [3.0, 2.0]])
    b_values = np.concatenate([np.linspace(centre - 3 * spread, centre + 3 * spread, 17), [0.0, -0.5]])
    fast = loss_grid(loss, x, y, w_values, b_values)
    direct = loss_grid(loss, x, y, w_values, b_values, method="direct")
    assert fast.shape == direct.shape == (19, 25)
    tol = _tolerance("mse" if name == "half_mse" else name, x, y, w_values, b_values, direct, delta or 1.0)
    assert np.all(np.abs(fast - direct) <= tol), np.max(np.abs(fast - direct) / tol)
    assert np.all(fast >= 0)


def test_loss_grid_fast_path_is_exact_on_small_integers():
    # Small integers: every intermediate is exact, so the paths agree bit for bit.
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0, 5.0])
    w_values, b_values = np.arange(-2.0, 3.0), np.arange(-3.0, 3.0)
    for loss in (losses.mae, functools.partial(losses.huber, delta=2.0)):
        np.testing.assert_array_equal(loss_grid(loss, x, y, w_values, b_values),
                                      loss_grid(loss, x, y, w_values, b_values, method="direct"))


def test_loss_grid_huber_other_options_use_the_direct_path():
    x, y = _data(n=10)

    def huber_axis(y_true, y_pred, axis=None):            # a partial with other options is not recognised
        return losses.huber(y_true, y_pred, delta=0.5, axis=axis)

    np.testing.assert_allclose(loss_grid(functools.partial(huber_axis), x, y, [1.0, 2.0], [0.0]),
                               _plain_loop(huber_axis, x, y, [1.0, 2.0], [0.0]), rtol=1e-12)
    with pytest.raises(ValueError, match="delta"):
        loss_grid(functools.partial(losses.huber, delta=-1.0), x, y, [1.0], [0.0])


def test_loss_grid_orientation_works_with_meshgrid():
    x, y = _data()
    w_values, b_values = np.linspace(0, 4, 41), np.linspace(-2, 1, 31)
    L = loss_grid(losses.mse, x, y, w_values, b_values)
    W, B = np.meshgrid(w_values, b_values)
    j, k = np.unravel_index(np.argmin(L), L.shape)
    # the minimum sits near the true (w, b) = (2, -0.5) of the data
    assert abs(W[j, k] - 2.0) < 0.2 and abs(B[j, k] + 0.5) < 0.1
    assert L[j, k] == pytest.approx(losses.mse(y, W[j, k] * x + B[j, k]), rel=1e-14)


def test_loss_grid_custom_loss_with_wrong_shape_raises():
    x, y = _data(n=6)

    def elementwise(y_true, y_pred):                      # forgot the mean
        return (y_true - y_pred) ** 2

    def elementwise_axis(y_true, y_pred, axis=None):      # ignores axis
        return np.mean((y_true - y_pred) ** 2)

    with pytest.raises(ValueError, match=r"one number per model.*shape \(6,\)"):
        loss_grid(elementwise, x, y, [1.0, 2.0], [0.0])
    with pytest.raises(ValueError, match=r"must return shape \(2,\).*got shape \(\)"):
        loss_grid(elementwise_axis, x, y, [1.0, 2.0], [0.0])


def test_loss_grid_rejects_non_finite_and_non_callable():
    x, y = _data(n=5)
    with pytest.raises(ValueError, match="y must be finite"):
        loss_grid(losses.mse, x, np.where(x > 0, np.nan, y), [1.0], [0.0])
    with pytest.raises(ValueError, match="w_values must be finite"):
        loss_grid(losses.mse, x, y, [np.inf], [0.0])
    with pytest.raises(TypeError, match="loss must be a function"):
        loss_grid("mse", x, y, [1.0], [0.0])
    with pytest.raises(ValueError, match="method"):
        loss_grid(losses.mse, x, y, [1.0], [0.0], method="fast")


def test_loss_grid_with_axis_free_loss_uses_rowwise_fallback():
    # A loss without an ``axis`` keyword is evaluated row by row: same numbers.
    x, y = _data(n=10)

    def max_error(y_true, y_pred):
        return float(np.max(np.abs(y_true - y_pred)))

    L = loss_grid(max_error, x, y, [0.0, 1.0, 2.0], [0.0, 0.5])
    np.testing.assert_array_equal(L, _plain_loop(max_error, x, y, [0.0, 1.0, 2.0], [0.0, 0.5]))


def _mse_with_axis(y_true, y_pred, axis=None):
    # test stand-in for a loss that can reduce per row
    return ((y_pred - y_true) ** 2).mean(axis=axis)


def test_loss_grid_uses_axis_when_the_loss_has_it():
    x, y = _data(n=30)
    calls = []

    def counting(y_true, y_pred, axis=None):
        calls.append(y_pred.shape)
        return _mse_with_axis(y_true, y_pred, axis)

    L = loss_grid(counting, x, y, np.linspace(0, 3, 10), np.linspace(-1, 1, 10), chunk=40)
    assert calls == [(40, 30), (40, 30), (20, 30)]      # three vectorised blocks
    np.testing.assert_allclose(L, _plain_loop(losses.mse, x, y, np.linspace(0, 3, 10), np.linspace(-1, 1, 10)))


def test_loss_grid_memory_is_bounded():
    # 300 x 300 grid over 1,000 points: unchunked predictions alone would
    # need 90,000 x 1,000 x 8 B = 720 MB.
    x, y = _data(n=1000)
    w_values, b_values = np.linspace(0, 4, 300), np.linspace(-2, 1, 300)
    tracemalloc.start()
    try:
        L = loss_grid(_mse_with_axis, x, y, w_values, b_values)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert L.shape == (300, 300)
    assert peak < 50e6, f"peak {peak / 1e6:.0f} MB"


def test_loss_grid_does_not_modify_inputs():
    x, y = _data(n=12)
    wv, bv = np.linspace(0, 1, 3), np.linspace(0, 1, 4)
    saved = [a.copy() for a in (x, y, wv, bv)]
    loss_grid(losses.mse, x, y, wv, bv)
    for a, s in zip((x, y, wv, bv), saved):
        np.testing.assert_array_equal(a, s)


def test_loss_grid_errors():
    x, y = _data(n=5)
    with pytest.raises(ValueError, match=r"x has shape \(5,\) but y has shape \(4,\)"):
        loss_grid(losses.mse, x, y[:4], [1.0], [0.0])
    with pytest.raises(ValueError, match="w_values"):
        loss_grid(losses.mse, x, y, [], [0.0])
    with pytest.raises(ValueError, match="b_values"):
        loss_grid(losses.mse, x, y, [1.0], [[0.0]])
    with pytest.raises(ValueError, match="chunk"):
        loss_grid(losses.mse, x, y, [1.0], [0.0], chunk=0)
    with pytest.raises(ValueError, match="x must be"):
        loss_grid(losses.mse, x.reshape(5, 1), y, [1.0], [0.0])


# ---------------------------------------------------------------------------
# Random directions and slices
# ---------------------------------------------------------------------------

def _params(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)]


def test_random_direction_is_filter_normalised():
    params = _params()
    d = random_direction(params, seed=3)
    assert [a.shape for a in d] == [p.shape for p in params]
    for p, q in zip(params, d):
        if p.ndim == 2:  # each column (an output unit's incoming weights)
            np.testing.assert_allclose(np.linalg.norm(q, axis=0), np.linalg.norm(p, axis=0), rtol=1e-12)
            assert not np.allclose(q, p)     # random, not the parameters themselves
        else:
            np.testing.assert_array_equal(q, 0.0)


def test_random_direction_options():
    params = _params()
    d = random_direction(params, seed=3, bias="copy")
    np.testing.assert_array_equal(d[1], params[1])
    d0 = random_direction(params, seed=3, filter_axis=0)
    np.testing.assert_allclose(np.linalg.norm(d0[0], axis=1), np.linalg.norm(params[0], axis=1), rtol=1e-12)
    conv = np.random.default_rng(0).normal(size=(4, 3, 2, 2))   # (out, in, kh, kw) as in torch
    dc = random_direction([conv], seed=0, filter_axis=0)[0]
    np.testing.assert_allclose(np.linalg.norm(dc.reshape(4, -1), axis=1),
                               np.linalg.norm(conv.reshape(4, -1), axis=1), rtol=1e-12)
    with pytest.raises(ValueError, match="bias"):
        random_direction(params, bias="normalise")
    with pytest.raises(ValueError, match="params"):
        random_direction([])


def test_random_direction_seeded_and_pure():
    params = _params()
    saved = [p.copy() for p in params]
    a, b, c = (random_direction(params, seed=s) for s in (1, 1, 2))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.allclose(a[0], c[0])
    for p, s in zip(params, saved):
        np.testing.assert_array_equal(p, s)


def _bowl(arrays):
    return float(sum(np.sum(a ** 2) for a in arrays))


def _dot(a, b):
    return float(sum(np.sum(p * q) for p, q in zip(a, b)))


def test_slice_1d_values():
    params = _params()
    d = random_direction(params, seed=0, bias="copy")
    alphas = np.linspace(-1, 1, 7)
    s = slice_1d(_bowl, params, d, alphas)
    assert s.shape == (7,)
    # The bowl |θ|² along θ + αd, in closed form: |θ|² + 2α θ·d + α²|d|².
    expected = _dot(params, params) + 2 * alphas * _dot(params, d) + alphas**2 * _dot(d, d)
    np.testing.assert_allclose(s, expected, rtol=1e-12)
    assert s[3] == _bowl(params)   # alpha = 0
    # bias="copy": a bias's direction is the bias itself, so alpha = -1 zeroes
    # the biases exactly and only the weight matrices' terms remain.
    weights, weight_directions = params[0::2], d[0::2]
    assert [p.ndim for p in weights] == [2, 2] and [p.ndim for p in params[1::2]] == [1, 1]
    assert s[0] == pytest.approx(_bowl([p - q for p, q in zip(weights, weight_directions)]), rel=1e-12)


def test_slice_2d_orientation():
    params = [np.zeros(2)]
    e1, e2 = [np.array([1.0, 0.0])], [np.array([0.0, 1.0])]
    alphas, betas = np.array([0.0, 1.0, 2.0]), np.array([-1.0, 3.0])
    S = slice_2d(_bowl, params, e1, e2, alphas, betas)
    A, B = np.meshgrid(alphas, betas)
    np.testing.assert_allclose(S, A ** 2 + B ** 2)


def test_slice_shape_errors_name_both():
    params = _params()
    with pytest.raises(ValueError, match="params has shapes .* direction has shapes"):
        slice_1d(_bowl, params, params[:2], [0.0])
    with pytest.raises(ValueError, match="d2"):
        slice_2d(_bowl, params, params, params[::-1], [0.0], [0.0])


def test_model_loss_and_slices_of_a_real_network():
    from bpcore import data, nn
    X, labels = data.moons(60, seed=0)
    model = nn.MLP([2, 8, 2], seed=0)
    before = [p.data.copy() for p in model.parameters()]
    f = model_loss(model, losses.softmax_cross_entropy, X, labels)
    direct = float(losses.softmax_cross_entropy(labels, model(X)).data)
    assert f([p.data for p in model.parameters()]) == pytest.approx(direct, rel=1e-14)
    d1 = random_direction(model.parameters(), seed=0)
    d2 = random_direction(model.parameters(), seed=1)
    alphas = np.linspace(-1, 1, 5)
    s1 = slice_1d(f, model.parameters(), d1, alphas)
    assert s1[2] == pytest.approx(direct, rel=1e-14)
    S = slice_2d(f, model.parameters(), d1, d2, alphas, alphas[:3])
    assert S.shape == (3, 5) and S[2, 2] == pytest.approx(direct, rel=1e-14)
    np.testing.assert_allclose(S[2], s1, rtol=1e-13)      # beta = 0 row is the 1-D slice
    for p, b in zip(model.parameters(), before):            # the model is restored
        np.testing.assert_array_equal(p.data, b)
    with pytest.raises(ValueError, match="expected 4 parameter arrays"):
        f(before[:2])


def test_model_loss_restores_the_parameters_when_the_loss_raises():
    from bpcore import nn
    layer = nn.Linear(2, 1, seed=0)
    originals = [p.data for p in layer.parameters()]
    saved = [a.copy() for a in originals]

    def broken_loss(y_true, y_pred):
        raise FloatingPointError("loss blew up")

    f = model_loss(layer, broken_loss, np.ones((3, 2)), np.zeros((3, 1)))
    with pytest.raises(FloatingPointError, match="loss blew up"):
        f([np.full((2, 1), 7.0), np.full(1, 7.0)])
    for p, original, s in zip(layer.parameters(), originals, saved):
        assert p.data is original                  # the very same arrays are back
        np.testing.assert_array_equal(p.data, s)


# ---------------------------------------------------------------------------
# descend
# ---------------------------------------------------------------------------

def test_descend_shape_and_closed_form():
    f = Quadratic(condition=4.0)       # eigenvalues 1 and 4 along x and y
    lr = 0.1
    path = descend(optim.SGD(lr), f.grad, [1.0, 1.0], steps=20)
    assert path.shape == (21, 2)
    np.testing.assert_array_equal(path[0], [1.0, 1.0])
    k = np.arange(21)
    np.testing.assert_allclose(path[:, 0], (1 - lr * 1.0) ** k, rtol=1e-12)
    np.testing.assert_allclose(path[:, 1], (1 - lr * 4.0) ** k, rtol=1e-12)


def test_descend_scalar_and_zero_steps():
    path = descend(optim.SGD(0.5), lambda x: 2 * x, 1.0, steps=3)
    np.testing.assert_allclose(path, [[1.0], [0.0], [0.0], [0.0]])
    assert descend(optim.Adam(), lambda x: x, [1.0, 2.0, 3.0], 0).shape == (1, 3)


def test_descend_starts_fresh_and_leaves_optimizer_alone():
    opt = optim.Momentum(0.01)
    f = DoubleWell()
    a = descend(opt, f.grad, [1.5, 1.0], 30)
    b = descend(opt, f.grad, [1.5, 1.0], 30)
    np.testing.assert_array_equal(a, b)
    assert opt.t == 0 and opt.state is None


def test_descend_divergence_is_recorded_not_raised():
    f = Quadratic(condition=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no numpy overflow warnings either
        path = descend(optim.SGD(1.0), f.grad, [1.0, 1.0], steps=400)   # lr > 2 / 10
    assert path.shape == (401, 2)
    assert not np.all(np.isfinite(path[-1]))
    assert np.all(np.isfinite(path[:5]))


def test_descend_errors():
    with pytest.raises(ValueError, match="steps"):
        descend(optim.SGD(0.1), lambda x: x, [1.0], -1)
    with pytest.raises(ValueError, match="x0"):
        descend(optim.SGD(0.1), lambda x: x, [[1.0]], 3)


def test_module_exports():
    assert set(landscape.__all__) == {"BLOCK_ENTRIES", "loss_grid", "random_direction", "slice_1d", "slice_2d",
                                      "model_loss", "descend"}


def test_directions_and_slices_accept_tensors_and_scalars():
    from bpcore.autodiff import Tensor
    W = np.arange(6.0).reshape(2, 3) + 1
    tensors = [Tensor(W), Tensor(np.ones(3))]
    d_t = random_direction(tensors, seed=0)
    d_a = random_direction([W, np.ones(3)], seed=0)
    for a, b in zip(d_t, d_a):
        np.testing.assert_array_equal(a, b)
    s = slice_1d(_bowl, [np.float64(2.0), 1.0], [1.0, 0.0], [0.0, 1.0])
    np.testing.assert_allclose(s, [5.0, 10.0])
    with pytest.raises(ValueError, match=r"^alphas must be a non-empty 1-D array, got shape \(1, 1\)$"):
        slice_1d(_bowl, [np.zeros(2)], [np.zeros(2)], [[0.0]])
