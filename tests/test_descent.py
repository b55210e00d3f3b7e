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
