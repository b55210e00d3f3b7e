"""bpcore.loss_sweep: each loss and its gradient against the prediction."""


import numpy as np
import pytest

import bpcore as bp
from bpcore import loss_sweep


def test_regression_gradients_match_finite_differences_of_the_losses():
    y_true = 0.5
    grid, curves, grads = loss_sweep.curves(y_true, "regression", points=241)
    assert set(curves) == set(grads) == set(loss_sweep.REGRESSION_LOSSES)
    residual = np.abs(grid - y_true)
    # Central differences (h = 1e-6) are exact for these piecewise quadratics
    # except within h of a kink: MAE's at r = 0, Huber's curvature jump at |r| = 1.
    smooth = (residual > 1e-3) & (np.abs(residual - 1.0) > 1e-3)
    assert smooth.sum() >= 235
    for name, (loss, _) in loss_sweep.REGRESSION_LOSSES.items():
        for p, analytic in zip(grid[smooth], grads[name][smooth]):
            numeric = bp.gradcheck.numerical_grad(lambda q: loss(y_true, q), float(p))
            assert analytic == pytest.approx(numeric, abs=1e-7), (name, p)


def test_each_curve_value_is_the_loss_of_one_sample():
    grid, curves, grads = loss_sweep.curves(1.0, points=7)
    for name, (loss, loss_grad) in loss_sweep.REGRESSION_LOSSES.items():
        for i, p in enumerate(grid):
            assert curves[name][i] == loss(1.0, p)
            assert grads[name][i] == pytest.approx(loss_grad(1.0, p), rel=1e-14, abs=1e-15)


def test_classification_gradient_through_the_sigmoid():
    grid, _, grads = loss_sweep.curves(1.0, "classification")
    assert np.allclose(grads["cross-entropy"], grid - 1.0)  # dBCE/dz = p - y
    assert np.allclose(grads["squared error on $p$"], 2 * (grid - 1.0) * grid * (1 - grid))


@pytest.mark.parametrize("y_true", [0.0, 1.0])
@pytest.mark.parametrize("z", [-4.0, -0.5, 0.0, 2.0])
def test_classification_gradient_equals_autodiff_through_the_logit(y_true, z):
    p = float(bp.autodiff.sigmoid(z))
    at = loss_sweep.values_at(y_true, p, "classification")
    for name, (loss, _) in loss_sweep.CLASSIFICATION_LOSSES.items():
        by_autodiff = bp.grad(lambda t: loss(np.array([y_true]), t.sigmoid()))(np.array([z]))[0]
        assert at[name][0] == pytest.approx(loss(y_true, p), rel=1e-15)
        assert at[name][1] == pytest.approx(by_autodiff, rel=1e-9, abs=1e-15), name


@pytest.mark.parametrize("task, y_true", [("regression", -1.5), ("classification", 0.0)])
def test_values_at_agrees_with_the_curves_on_the_grid(task, y_true):
    grid, curves, grads = loss_sweep.curves(y_true, task, points=9)
    for i, p in enumerate(grid):
        at = loss_sweep.values_at(y_true, float(p), task)
        for name in curves:
            assert at[name] == pytest.approx((curves[name][i], grads[name][i]), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("call, error, message", [
    (lambda: loss_sweep.curves(0.0, task="ranking"), ValueError, "curves: task must be"),
    (lambda: loss_sweep.curves(0.5, task="classification"), ValueError, "y_true 0 or 1"),
    (lambda: loss_sweep.curves(0.0, points=1), ValueError, "points must be an integer >= 2"),
    (lambda: loss_sweep.curves(0.0, lo=2.0, hi=1.0), ValueError, "need lo < hi"),
    (lambda: loss_sweep.curves(np.nan), ValueError, "y_true must be a finite real number"),
    (lambda: loss_sweep.curves(0.0, points=10**6), ValueError, r"points must be an integer <= 10000"),
    (lambda: loss_sweep.curves(0.0, points=2.5), ValueError, "points must be an integer"),
    (lambda: loss_sweep.values_at(1.0, 1.0, "classification"), ValueError, r"probability in \(0, 1\)"),
    (lambda: loss_sweep.values_at(1.0, "0.3"), TypeError, "y_pred must be a real number"),
    (lambda: loss_sweep.best_constant([1.0, 2.0], "huber", delta=10**400), ValueError, "delta must be a finite"),
    (lambda: loss_sweep.outlier_effect([1.0], [5.0], [1.0], "mse", "mse_grad"), TypeError, "loss must be a function"),
    (lambda: loss_sweep.outlier_effect([1.0], [5.0], [1.0], lambda a, b: None, lambda a, b: [0.0]), TypeError,
     r"loss\(y_clean, y_pred\) returned None"),
    (lambda: loss_sweep.values_at(1.0, 0.3, "ranking"), ValueError, "values_at: task must be"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_curves_meets_its_documented_limit_and_matches_the_per_point_losses():
    import time
    start = time.perf_counter()
    grid, curves, _ = loss_sweep.curves(0.0, task="classification", points=loss_sweep.MAX_POINTS)
    loss_sweep.curves(1.0, points=loss_sweep.MAX_POINTS)
    assert time.perf_counter() - start < 30   # about 1 s alone; generous under a loaded CI machine
    grid, curves, _ = loss_sweep.curves(0.3, points=7)   # the vectorised losses equal one call per point
    for name, (loss, _) in loss_sweep.REGRESSION_LOSSES.items():
        assert curves[name] == pytest.approx([loss(0.3, float(p)) for p in grid], rel=1e-15, abs=1e-15)


def test_best_constant_huber_with_a_huge_delta_is_the_mean():
    assert loss_sweep.best_constant([1, 2, 3, 50], "huber", delta=1e308) == 14.0
    assert loss_sweep.best_constant([1, 2, 3, 50], "huber", delta=np.array(1.0)) == 2.5


# -- best_constant and outlier_effect (chapter 1's outlier experiment) ----------

OUTLIER_TARGETS = [1.0, 2.0, 3.0, 4.0, 50.0]


def _scan(y, loss, **kw):
    grid = np.linspace(min(y), max(y), 200_001)
    values = [loss(np.asarray(y), np.full(len(y), c), **kw) for c in grid[::50]]
    return grid[::50][int(np.argmin(values))]


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.0, 3.0, 7.5, 20.0, 38.0, 60.0])
def test_huber_best_constant_minimises_the_huber_loss(delta):
    from bpcore import losses
    c = loss_sweep.best_constant(OUTLIER_TARGETS, "huber", delta=delta)
    assert abs(c - _scan(OUTLIER_TARGETS, losses.huber, delta=delta)) < 0.01
    grad = losses.huber_grad(np.asarray(OUTLIER_TARGETS), np.full(5, c), delta=delta)
    assert abs(grad.sum()) < 1e-12


def test_huber_best_constant_is_the_median_for_small_delta_and_the_mean_for_large():
    y = OUTLIER_TARGETS
    assert loss_sweep.best_constant(y, "huber", delta=1.0) == np.median(y) == loss_sweep.best_constant(y, "mae")
    assert loss_sweep.best_constant(y, "huber", delta=38.0) == np.mean(y) == loss_sweep.best_constant(y, "mse")
    deltas = [1.0, 2.5, 5.0, 10.0, 20.0, 38.0]
    path = [loss_sweep.best_constant(y, "huber", delta=d) for d in deltas]
    assert all(a < b for a, b in zip(path, path[1:]))


def test_best_constant_for_an_even_count_is_the_midpoint_of_the_minimisers():
    assert loss_sweep.best_constant([1.0, 2.0, 3.0, 4.0], "huber", delta=0.2) == 2.5


@pytest.mark.parametrize("bad", [dict(loss="l2"), dict(loss="huber", delta=0.0), dict(loss="huber", delta=float("nan"))])
def test_best_constant_rejects_bad_arguments(bad):
    with pytest.raises(ValueError):
        loss_sweep.best_constant(OUTLIER_TARGETS, **bad)


def test_outlier_effect_measures_added_loss_and_gradient_share():
    from bpcore import losses
    clean = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    dirty = clean.copy()
    dirty[4] = 50.0
    pred = np.array([1.1, 1.9, 3.2, 3.9, 5.1])
    mae = loss_sweep.outlier_effect(clean, dirty, pred, losses.mae, losses.mae_grad)
    assert mae["share"] == pytest.approx(0.2) and mae["added"] == pytest.approx((44.9 - 0.1) / 5)
    mse = loss_sweep.outlier_effect(clean, dirty, pred, losses.mse, losses.mse_grad)
    assert mse["share"] > 0.98 and mse["added"] == pytest.approx((44.9**2 - 0.1**2) / 5)
    with pytest.raises(ValueError):
        loss_sweep.outlier_effect(clean, dirty[:4], pred, losses.mae, losses.mae_grad)
