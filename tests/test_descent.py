"""Tests for bpcore.descent (chapter 3's numbers)."""

import numpy as np
import pytest

from bpcore import descent, landscape, optim, surfaces


def test_directional_derivative_peaks_along_the_gradient():
    g = np.array([-2.0, 3.0])
    angles = np.linspace(-np.pi, np.pi, 3601)
    slopes = descent.directional_derivatives(g, angles)
    assert slopes.max() == pytest.approx(np.linalg.norm(g), rel=1e-6)
    assert angles[np.argmax(slopes)] == pytest.approx(np.arctan2(g[1], g[0]), abs=2e-3)
    # finite differences of a surface along a direction
    f = surfaces.Rosenbrock()
    p, u = np.array([-0.5, 0.7]), np.array([np.cos(0.4), np.sin(0.4)])
    h = 1e-6
    fd = (f.value(p + h * u) - f.value(p - h * u)) / (2 * h)
    assert descent.directional_derivatives(f.grad(p), [0.4])[0] == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("kappa", [1.0, 3.0, 25.0])
def test_predicted_rate_matches_the_measured_one(kappa):
    bowl = surfaces.Quadratic(condition=kappa, angle=0.3)
    lr, rho = descent.optimal_lr(bowl.eigenvalues)
    assert rho == pytest.approx((kappa - 1) / (kappa + 1))
    assert descent.contraction_factor(bowl.eigenvalues, lr) == pytest.approx(rho, abs=1e-12)
    if kappa > 1:
        path = landscape.descend(optim.SGD(lr), bowl.grad, [1.0, -2.0], 40)
        assert descent.measured_rate(path, bowl.center) == pytest.approx(rho, rel=1e-6)
    for eta in (0.5 * bowl.max_stable_lr, 1.2 * bowl.max_stable_lr):
        assert (descent.contraction_factor(bowl.eigenvalues, eta) < 1) == (eta < bowl.max_stable_lr)


def test_steps_to_reach_and_errors():
    assert descent.steps_to_reach([[4.0], [2.0], [1.0]], [0.0], 1.5) == 2
    assert descent.steps_to_reach([[4.0], [np.inf]], [0.0], 1.0) is None
    with pytest.raises(ValueError, match="eigenvalues must be positive"):
        descent.optimal_lr([0.0, 1.0])
    with pytest.raises(ValueError, match="lr must be"):
        descent.contraction_factor([1.0], -0.1)
    with pytest.raises(ValueError, match="first"):
        descent.measured_rate([[1.0], [0.5]], [0.0], first=1, last=1)


def test_final_points_match_descend_and_basins():
    f = surfaces.DoubleWell()
    starts = np.array([[-2.0, 0.0], [2.0, 0.0], [0.5, 0.3]])
    ends = descent.final_points(f, starts, 0.05, 30)
    for s, e in zip(starts, ends):
        np.testing.assert_allclose(landscape.descend(optim.SGD(0.05), f.grad, s, 30)[-1], e, rtol=1e-12)
    long_ends = descent.final_points(f, starts, 0.01, 2000)
    assert descent.basin_index(f, long_ends).tolist() == [0, 1, 1]
    assert descent.basin_index(f, descent.final_points(f, [[2.0, 0.0]], 0.1, 400)).tolist() == [0]   # the long first step
    diverged = descent.final_points(surfaces.Quadratic(condition=10), [[1.0, 1.0]], 0.5, 2000)
    assert np.all(np.isnan(diverged)) and descent.basin_index(surfaces.Quadratic(), diverged).tolist() == [-1]
    with pytest.raises(ValueError, match="starts"):
        descent.final_points(f, [1.0, 2.0], 0.1, 3)


def _rosenbrock_run(**kwargs):
    f = surfaces.Rosenbrock()
    return f, descent.backtracking_descent(f.value, f.grad, [-1.2, 1.0], 400, **kwargs)


@pytest.mark.parametrize("kwargs", [{}, dict(lr0=0.01, shrink=0.7, c=0.3), dict(lr0=5.0, shrink=0.1)])
def test_backtracking_accepts_only_steps_that_satisfy_armijo(kwargs):
    f, (path, lrs, evaluations) = _rosenbrock_run(**kwargs)
    c, shrink, lr0 = kwargs.get("c", 1e-4), kwargs.get("shrink", 0.5), kwargs.get("lr0", 1.0)
    assert len(path) == len(lrs) + 1 == 401
    for theta, eta, new in zip(path[:-1], lrs, path[1:]):
        g = f.grad(theta)
        assert np.array_equal(new, theta - eta * g)                       # a gradient step of the accepted size
        assert f.value(new) <= f.value(theta) - c * eta * (g @ g)         # the Armijo condition holds
        if eta < lr0:                                                     # and it is the first size that does
            longer = eta / shrink
            assert f.value(theta - longer * g) > f.value(theta) - c * longer * (g @ g)
    assert np.all(np.diff(f.value(path)) < 0)                             # so the loss falls at every step
    assert evaluations == 1 + sum(1 + round(np.log(lr0 / eta) / np.log(1 / shrink)) for eta in lrs)


def test_backtracking_with_grow_starts_each_search_from_the_last_step():
    f = surfaces.Rosenbrock()
    path, lrs, evaluations = descent.backtracking_descent(f.value, f.grad, [-1.2, 1.0], 300, grow=2.0)
    starts = np.minimum(1.0, 2.0 * np.concatenate([[0.5], lrs[:-1]]))
    for theta, eta, start in zip(path[:-1], lrs, starts):
        g = f.grad(theta)
        assert f.value(theta - eta * g) <= f.value(theta) - 1e-4 * eta * (g @ g)
        if eta < start:
            assert f.value(theta - 2 * eta * g) > f.value(theta) - 1e-4 * 2 * eta * (g @ g)
    assert evaluations == 1 + sum(1 + round(np.log2(s / e)) for s, e in zip(starts, lrs))
    plain = descent.backtracking_descent(f.value, f.grad, [-1.2, 1.0], 300)[2]
    assert evaluations < plain / 2


def test_backtracking_reaches_the_minimum_without_knowing_the_curvature():
    f = surfaces.Rosenbrock()
    path, lrs, _ = descent.backtracking_descent(f.value, f.grad, [-1.2, 1.0], 6000)
    assert descent.steps_to_reach(path, f.minima[0], 1e-2) is not None
    bowl = surfaces.Quadratic(condition=20.0)
    path, lrs, _ = descent.backtracking_descent(bowl.value, bowl.grad, [-2.5, 1.5], 300)
    assert np.linalg.norm(path[-1]) < 1e-6
    # On a quadratic, Armijo holds exactly for η ≤ 2(1 − c)·gᵀg / gᵀAg (the curvature along g, not λ_max):
    # the accepted step is the first trial below that bound, and it can exceed 2/λ_max.
    for theta, eta in zip(path[:-1], lrs):
        g = bowl.grad(theta)
        bound = 2 * (1 - 1e-4) * (g @ g) / (g @ bowl.A @ g)
        assert eta <= bound * (1 + 1e-12) and (eta == 1.0 or 2 * eta > bound * (1 - 1e-12))
    assert np.any(lrs > bowl.max_stable_lr)


def test_backtracking_stops_at_a_zero_gradient():
    path, lrs, evaluations = descent.backtracking_descent(lambda p: float(p @ p), lambda p: 2 * p, [0.0, 0.0], 10)
    assert path.tolist() == [[0.0, 0.0]] and lrs.size == 0 and evaluations == 1


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(f="value"), TypeError, "f must be a function"),
    (dict(grad_fn=None), TypeError, "grad_fn must be a function"),
    (dict(x0="1, 2"), TypeError, "x0"),
    (dict(x0=[np.nan, 1.0]), ValueError, "x0"),
    (dict(steps=2.5), ValueError, "steps must be an integer"),
    (dict(steps=-1), ValueError, "steps"),
    (dict(lr0=0.0), ValueError, "lr"),
    (dict(lr0="1"), TypeError, "lr0"),
    (dict(shrink=1.0), ValueError, "shrink"),
    (dict(shrink=1j), TypeError, "shrink"),
    (dict(c=0.0), ValueError, "c must lie"),
    (dict(c=1.0), ValueError, "c must lie"),
    (dict(max_halvings=0), ValueError, "max_halvings"),
    (dict(max_halvings=10**6), ValueError, "max_halvings"),
    (dict(grow=1.0), ValueError, "grow"),
    (dict(grow="2"), TypeError, "grow"),
])
def test_backtracking_checks_its_arguments(kwargs, error, match):
    args = dict(f=lambda p: float(p @ p), grad_fn=lambda p: 2 * p, x0=[1.0, 2.0], steps=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        descent.backtracking_descent(**args)


def test_linear_mse_hessian_matches_finite_differences_and_centring_diagonalises_it():
    x = np.array([0.2, 0.9, 1.4, 2.0])
    y = np.array([0.1, 1.0, 2.2, 3.5])
    mse = lambda p: float(np.mean((p[0] * x + p[1] - y) ** 2))
    H = descent.linear_mse_hessian(x)
    h, p = 1e-4, np.array([0.3, -0.2])
    E = np.eye(2)
    fd = np.array([[(mse(p + h * E[i] + h * E[j]) - mse(p + h * E[i] - h * E[j]) - mse(p - h * E[i] + h * E[j])
                     + mse(p - h * E[i] - h * E[j])) / (4 * h * h) for j in range(2)] for i in range(2)])
    assert np.allclose(H, fd, rtol=1e-6)
    centred = descent.linear_mse_hessian(x - x.mean())
    assert centred[0, 1] == pytest.approx(0.0, abs=1e-15)
    lam, lam_c = np.linalg.eigvalsh(H), np.linalg.eigvalsh(centred)
    assert lam_c[1] / lam_c[0] < lam[1] / lam[0]


# -- issue 22: extreme but valid input, and a NaN tolerance -------------------------

def test_optimal_lr_with_an_enormous_condition_number():
    lr, rho = descent.optimal_lr([1e-300, 1e300])
    assert lr == pytest.approx(2e-300) and rho == 1.0
    lr, rho = descent.optimal_lr([1.5e308, 1.7e308])
    assert np.isfinite(lr) and rho == pytest.approx(0.2 / 3.2)


def test_a_nan_tolerance_is_refused():
    with pytest.raises(ValueError, match="tol must be a number >= 0, got nan"):
        descent.steps_to_reach([[4.0], [2.0]], [0.0], np.nan)
    with pytest.raises(ValueError, match="tol must be a number >= 0"):
        descent.basin_index(surfaces.DoubleWell(), [[1.0, 0.0]], tol=np.nan)
