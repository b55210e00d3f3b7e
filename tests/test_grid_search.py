"""Tests for bpcore.grid_search (chapter 2's numbers)."""

import numpy as np
import pytest

from bpcore import grid_search as gs
from bpcore import landscape, losses, nn


def test_notes_table_reproduces_the_course_notes():
    assert gs.notes_table() == [(1.0, 1.0, 3.0), (2.0, 1.0, 4.0), (1.0, 2.0, 4.0), (2.0, 2.0, 5.0)]


def test_least_squares_line_is_the_minimum_of_the_mse():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 2, 50)
    y = 2 * x - 0.5 + 0.3 * rng.standard_normal(50)
    w, b = gs.least_squares_line(x, y)
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1), rtol=1e-12)
    # zero gradient of the MSE at the minimum
    r = w * x + b - y
    assert abs(np.mean(r * x)) < 1e-12 and abs(np.mean(r)) < 1e-12
    with pytest.raises(ValueError, match="constant"):
        gs.least_squares_line([1.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="shape"):
        gs.least_squares_line([0.0, 1.0, 2.0], [0.0, 1.0])


def test_grid_search_finds_the_grid_minimum_and_counts():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 2))
    y = X @ [0.5, -1.0] + 2.0
    f = gs.linear_mse_batch(X, y)
    best, loss, count = gs.grid_search(f, [-2, -2, -2], [2, 2, 2], 9, chunk=50)
    assert count == gs.grid_evaluations(9, 3) == 729
    np.testing.assert_allclose(best, [0.5, -1.0, 2.0])
    assert loss == pytest.approx(0.0, abs=1e-24)
    # the batched loss agrees with bp.losses.mse
    theta = np.array([[0.3, 0.2, -1.0]])
    assert f(theta)[0] == pytest.approx(losses.mse(y, X @ theta[0, :2] + theta[0, 2]), rel=1e-14)
    with pytest.raises(ValueError, match="batch_loss must return"):
        gs.grid_search(lambda p: p, [0, 0], [1, 1], 2)
    with pytest.raises(ValueError, match="n must be"):
        gs.grid_evaluations(0, 2)


def test_local_minima_and_classification():
    assert gs.local_minima_1d([3.0, 1.0, 2.0, 0.5, 4.0]) == [1, 3]
    assert gs.local_minima_1d([1.0, 2.0, 3.0]) == []
    assert gs.classify_critical_point(np.eye(2)) == "minimum"
    assert gs.classify_critical_point(-np.eye(2)) == "maximum"
    assert gs.classify_critical_point([[1.0, 0.0], [0.0, -2.0]]) == "saddle"
    assert gs.classify_critical_point([[1.0, 0.0], [0.0, 0.0]]) == "flat"
    assert gs.classify_critical_point([[-1.0, 0.0], [0.0, 0.0]]) == "flat"
    # mixed signs make a saddle whatever the zero eigenvalues (issue 19)
    assert gs.classify_critical_point(np.diag([1.0, -1.0, 0.0])) == "saddle"
    assert gs.classify_critical_point(np.diag([0.0, 0.0, -3.0, 2.0])) == "saddle"
    rotation = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    assert gs.classify_critical_point(rotation @ np.diag([1.0, -1.0, 0.0]) @ rotation.T) == "saddle"
    with pytest.raises(ValueError, match="empty"):   # issue 22: not 'minimum'
        gs.classify_critical_point(np.zeros((0, 0)))
    with pytest.raises(ValueError, match="square"):
        gs.classify_critical_point([1.0, 2.0])


def test_swapping_hidden_units_leaves_the_network_function_unchanged():
    net = nn.MLP([2, 5, 3], seed=4)
    X = np.random.default_rng(2).standard_normal((7, 2))
    params = [p.data.copy() for p in net.parameters()]
    swapped = gs.swap_hidden_units(params, 1, 3)
    assert not np.allclose(swapped[0], params[0])
    y = net(X).data
    f = landscape.model_loss(net, losses.mse, X, y)
    assert f(params) == 0.0
    assert f(swapped) == pytest.approx(0.0, abs=1e-28)
    assert [p.data.tolist() for p in net.parameters()] == [p.tolist() for p in params]   # model untouched
    with pytest.raises(ValueError, match="hidden unit indices"):
        gs.swap_hidden_units(params, 0, 5)


def test_exact_mse_grid_is_the_rational_value():
    from fractions import Fraction
    x, y = [0.1, 0.7, 1.3], [0.3, -0.2, 2.9]
    got = gs.exact_mse_grid(x, y, [0.3], [0.1, -0.4])
    for row, b in enumerate([0.1, -0.4]):
        exact = sum((Fraction(0.3) * Fraction(xi) + Fraction(b) - Fraction(yi)) ** 2 for xi, yi in zip(x, y)) / 3
        assert got[row, 0] == float(exact)
    with pytest.raises(ValueError, match="shape"):
        gs.exact_mse_grid([0.0, 1.0], [0.1], [0.1], [0.1])


@pytest.mark.parametrize("noise, bound", [(0.3, 1e-14), (1e-8, 1e-7)])
def test_the_moment_grid_is_accurate_against_exact_arithmetic(noise, bound):
    from bpcore import data, landscape, losses
    x, y = data.linear(30, w=2.0, b=-0.5, noise=noise, seed=2, x_range=(0.0, 2.0))
    w_star, b_star = gs.least_squares_line(x, y)
    w_values, b_values = np.array([w_star, 1.0, 2.5, 4.0]), np.array([b_star, -2.0, 0.0, 1.0])
    exact = gs.exact_mse_grid(x, y, w_values, b_values)
    fast = landscape.loss_grid(losses.mse, x, y, w_values, b_values)
    assert np.all(fast >= 0)
    assert np.max(np.abs(fast - exact) / exact) < bound
    # the textbook form V_yy - V_xy^2 / V_xx of the minimum cancels; at noise 1e-8 it is far off
    a, e = x - x.mean(), y - y.mean()
    textbook = np.mean(e * e) - np.mean(a * e) ** 2 / np.mean(a * a)
    if noise < 1e-6:
        assert abs(textbook - exact[0, 0]) > 100 * abs(fast[0, 0] - exact[0, 0])


# -- issue 22: extreme inputs ------------------------------------------------------

def test_least_squares_line_does_not_depend_on_the_units():
    assert gs.least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]) == (2.0, 1.0)
    w, b = gs.least_squares_line([0, 1e200, 2e200], [1, 2, 3])
    assert w == pytest.approx(1e-200, rel=1e-12) and b == pytest.approx(1.0, rel=1e-12)
    w, b = gs.least_squares_line([0, 1e-200, 2e-200], [1, 2, 3])   # not constant
    assert w == pytest.approx(1e200, rel=1e-12) and b == pytest.approx(1.0, rel=1e-12)
    with pytest.raises(ValueError, match="x must not be constant"):
        gs.least_squares_line([3.0, 3.0], [1.0, 2.0])


def test_grid_search_skips_nan_losses_and_refuses_an_all_nan_grid():
    def loss(p):
        return np.where(p[:, 0] > 0.7, np.nan, ((p - 0.5) ** 2).sum(axis=1))
    best, value, count = gs.grid_search(loss, [0, 0], [1, 1], 3)
    assert best.tolist() == [0.5, 0.5] and value == 0.0 and count == 9
    with pytest.raises(ValueError, match="NaN at every point"):
        gs.grid_search(lambda p: np.full(len(p), np.nan), [0, 0], [1, 1], 3)


def test_huge_grids_are_refused_before_any_work():
    with pytest.raises(ValueError, match="digits"):
        gs.grid_evaluations(10, 10**12)
    assert gs.grid_evaluations(100, 11) == 10**22
    with pytest.raises(ValueError, match="more than"):
        gs.grid_search(lambda p: p.sum(axis=1), [0] * 40, [1] * 40, 10)
