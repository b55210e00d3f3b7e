"""bpcore.sgd: the chapter-6 measurements (gradient noise, SGD runs, the
tilted wells) against closed forms, finite differences and brute force."""

import itertools
import math

import numpy as np
import pytest

import bpcore as bp
from bpcore import sgd


@pytest.fixture(scope="module")
def data():
    return bp.data.linear(n=40, w=2.0, b=-0.5, noise=0.3, seed=3)


def test_linreg_loss_and_gradient_match_finite_differences(data):
    x, y = data
    for p in ([0.0, 0.0], [1.5, -2.0], [3.0, 0.7]):
        p = np.array(p)
        numeric = bp.gradcheck.numerical_grad(lambda q: sgd.linreg_loss(q, x, y), p)
        np.testing.assert_allclose(sgd.linreg_grad(p, x, y), numeric, rtol=1e-7, atol=1e-8)


def test_per_sample_gradients_average_to_the_full_gradient(data):
    x, y = data
    g = sgd.linreg_per_sample_grads([0.3, -0.2], x, y)
    assert g.shape == (40, 2)
    np.testing.assert_allclose(g.mean(axis=0), sgd.linreg_grad([0.3, -0.2], x, y), rtol=1e-13)


def test_loss_grid_equals_pointwise_loss(data):
    x, y = data
    W, B, L = sgd.linreg_loss_grid([0.0, 1.0, 2.5], [-1.0, 0.5], x, y)
    stacked = np.stack([W, B], axis=-1)
    np.testing.assert_allclose(L, sgd.linreg_loss(stacked, x, y), rtol=1e-10, atol=1e-12)


def test_linreg_minimum_has_zero_gradient(data):
    x, y = data
    p, L = sgd.linreg_minimum(x, y)
    np.testing.assert_allclose(sgd.linreg_grad(p, x, y), 0.0, atol=1e-12)
    assert L == pytest.approx(sgd.linreg_loss(p, x, y))


def test_predicted_variance_is_exact_by_enumerating_all_batches():
    rng = np.random.default_rng(0)
    g = rng.normal(size=(7, 2))
    mean = g.mean(axis=0)
    for B in range(1, 8):
        exact = np.mean([np.sum((g[list(c)].mean(axis=0) - mean) ** 2)
                         for c in itertools.combinations(range(7), B)])
        assert sgd.predicted_gradient_variance(g, B) == pytest.approx(exact, rel=1e-12, abs=1e-15)


def test_measured_variance_agrees_with_prediction():
    g = np.random.default_rng(1).normal(size=(50, 3)) * [1.0, 2.0, 0.5]
    for B in (1, 5, 25, 49):
        measured = sgd.measured_gradient_variance(g, B, draws=20000, seed=2)
        assert measured == pytest.approx(sgd.predicted_gradient_variance(g, B), rel=0.05)
    full = sgd.measured_gradient_variance(g, 50, draws=5)   # computed, not special-cased: rounding only
    assert 0.0 <= full < 1e-28


def test_noise_floor_formula_and_measurement():
    g = np.random.default_rng(3).normal(size=(20, 2))
    trace = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1))
    assert sgd.noise_floor(g, 0.1, 1) == pytest.approx(0.1 / 4 * trace, rel=1e-12)
    assert sgd.noise_floor(g, 0.1, 4) == pytest.approx(0.1 / 16 * 16 / 19 * trace, rel=1e-12)
    assert sgd.noise_floor(g, 0.1, 20) == 0.0
    # against SGD with independent batches (drawn with replacement, as the formula assumes):
    # 400 chains from the minimum, averaged over their last 1500 of 3000 steps
    x, y = bp.data.linear(n=128, w=1.0, b=0.5, noise=0.5, seed=4)
    theta, L_star = sgd.linreg_minimum(x, y)
    rng, lr = np.random.default_rng(0), 0.02
    p = np.tile(theta, (400, 1))
    excess = []
    for step in range(3000):
        i = rng.integers(0, x.size, size=400)
        r = 2.0 * (p[:, 0] * x[i] + p[:, 1] - y[i])
        p = p - lr * np.stack([r * x[i], r], axis=1)
        if step >= 1500:
            excess.append(np.mean(sgd.linreg_loss(p, x, y)) - L_star)
    predicted = sgd.noise_floor(sgd.linreg_per_sample_grads(theta, x, y), lr, 1)   # B = 1: no finite-population factor
    assert np.mean(excess) == pytest.approx(predicted, rel=0.1)
    with pytest.raises(ValueError, match="lr"):
        sgd.noise_floor(g, -0.1, 1)


def test_steps_per_epoch_matches_minibatches():
    X = np.zeros((23, 1))
    for B in (1, 4, 5, 23, 30):
        assert sgd.steps_per_epoch(23, B) == len(list(bp.data.minibatches(X, np.zeros(23), B)))


def test_robbins_monro_schedule():
    f = sgd.robbins_monro(0.2, 50)
    assert f(0) == 0.2 and f(50) == pytest.approx(0.1) and f(150) == pytest.approx(0.05)


def test_run_sgd_full_batch_is_gradient_descent(data):
    x, y = data
    run = sgd.run_sgd(bp.optim.SGD(0.1), x, y, [0.0, 0.0], batch_size=40, epochs=5)
    expected = bp.landscape.descend(bp.optim.SGD(0.1), lambda p: sgd.linreg_grad(p, x, y), [0.0, 0.0], 5)
    np.testing.assert_allclose(run["path"], expected, rtol=1e-13)
    assert run["evals"].tolist() == [0, 40, 80, 120, 160, 200]


def test_run_sgd_counts_evaluations_with_a_smaller_last_batch(data):
    x, y = data
    run = sgd.run_sgd(bp.optim.SGD(0.05), x, y, [0.0, 0.0], batch_size=16, epochs=2)
    assert len(run["path"]) == 1 + 2 * 3
    assert run["evals"].tolist() == [0, 16, 32, 40, 56, 72, 80]


def test_run_sgd_is_seeded_and_schedule_sets_the_rate(data):
    x, y = data
    a = sgd.run_sgd(bp.optim.SGD(0.05), x, y, [0.0, 0.0], 4, 2, seed=5)
    b = sgd.run_sgd(bp.optim.SGD(0.05), x, y, [0.0, 0.0], 4, 2, seed=5)
    c = sgd.run_sgd(bp.optim.SGD(0.05), x, y, [0.0, 0.0], 4, 2, seed=6)
    np.testing.assert_array_equal(a["path"], b["path"])
    assert not np.allclose(a["path"], c["path"])
    opt = bp.optim.SGD(1.0)
    seen = []
    run = sgd.run_sgd(opt, x, y, [0.0, 0.0], 4, 1, schedule=lambda t: seen.append(0.5 / (t + 1)) or seen[-1])
    first = run["path"][0] - 0.5 * sgd.linreg_grad(run["path"][0], *_first_batch(x, y, 4))
    np.testing.assert_allclose(run["path"][1], first)      # the schedule's rate was used at step 0
    assert len(seen) == 10
    assert opt.lr == 1.0                  # and the caller's optimizer keeps its own rate afterwards


def _first_batch(x, y, batch_size, seed=0):
    xb, yb = next(iter(bp.data.minibatches(x, y, batch_size, shuffle=True, seed=bp._checks.as_rng(seed))))
    return xb, yb


def test_sgd_converges_to_the_least_squares_solution_with_a_decaying_rate(data):
    x, y = data
    p_star, L_star = sgd.linreg_minimum(x, y)
    run = sgd.run_sgd(bp.optim.SGD(0.1), x, y, [0.0, 0.0], 1, 60, seed=0, schedule=sgd.robbins_monro(0.1, 100))
    assert run["loss"][-1] - L_star < 1e-3


def test_tilted_wells_gradient_and_critical_points():
    tilts = sgd.make_tilts(16, mean=1.0, std=2.0, seed=1)
    assert tilts.mean() == pytest.approx(1.0) and tilts.std() == pytest.approx(2.0)
    for th in (-1.3, 0.2, 0.9, 1.7):
        numeric = bp.gradcheck.numerical_grad(lambda t: sgd.tilted_wells_loss(t, tilts), th)
        assert sgd.tilted_wells_grad(th, tilts) == pytest.approx(numeric, rel=1e-7, abs=1e-8)
    deep, barrier, shallow = sgd.tilted_wells_critical_points(1.0)
    for c in (deep, barrier, shallow):
        assert sgd.tilted_wells_grad(c, [1.0]) == pytest.approx(0.0, abs=1e-12)
    assert sgd.tilted_wells_loss(deep, [1.0]) < sgd.tilted_wells_loss(shallow, [1.0]) < sgd.tilted_wells_loss(barrier, [1.0])
    # the x-profile of bp.surfaces.DoubleWell with the same tilt
    well = bp.surfaces.DoubleWell(tilt=1.0)
    assert deep == pytest.approx(well.minima[0][0]) and barrier == pytest.approx(well.saddles[0][0])


def test_escape_runs_full_batch_is_deterministic_gd_and_minibatch_matches_a_loop():
    tilts = sgd.make_tilts(8, mean=1.0, std=2.0, seed=0)
    full = sgd.escape_runs(tilts, 1.5, 0.1, 8, 30, seeds=range(3))
    th = 1.5
    for k in range(30):
        th = th - 0.1 * sgd.tilted_wells_grad(th, tilts)
    np.testing.assert_allclose(full[:, -1], th, rtol=1e-13)
    mini = sgd.escape_runs(tilts, 1.5, 0.1, 2, 9, seeds=[4])
    rng = np.random.default_rng(4)
    th, path = 1.5, [1.5]
    while len(path) <= 9:
        order = rng.permutation(8)
        for k in range(4):
            if len(path) > 9:
                break
            th = th - 0.1 * sgd.tilted_wells_grad(th, tilts[order[2 * k:2 * k + 2]])
            path.append(th)
    np.testing.assert_allclose(mini[0], path, rtol=1e-13)


def test_noise_lets_small_batches_escape_where_full_batch_stays():
    tilts = sgd.make_tilts(64, mean=1.0, std=2.5, seed=0)
    _, barrier, _ = sgd.tilted_wells_critical_points(1.0)
    ends = {B: sgd.escape_runs(tilts, 1.5, 0.1, B, 500, seeds=range(50))[:, -1] for B in (1, 64)}
    assert np.mean(ends[1] < barrier) > 0.9
    assert np.all(ends[64] > barrier)


@pytest.mark.parametrize("call, match", [
    (lambda: sgd.linreg_loss([0.0, 0.0], [1.0, 2.0], [1.0]), "same shape"),
    (lambda: sgd.linreg_loss([0.0], [1.0], [1.0]), "params"),
    (lambda: sgd.linreg_loss([0.0, 0.0], [], []), "empty"),
    (lambda: sgd.linreg_loss([0.0, 0.0], "abc", [1.0]), "x"),
    (lambda: sgd.predicted_gradient_variance(np.zeros((4, 2)), 5), "batch_size"),
    (lambda: sgd.predicted_gradient_variance(np.zeros((4, 2)), 0), "batch_size"),
    (lambda: sgd.measured_gradient_variance(np.zeros(4), 1), "per_sample_grads"),
    (lambda: sgd.steps_per_epoch(10, 2.5), "batch_size"),
    (lambda: sgd.robbins_monro(-0.1, 10), "lr0"),
    (lambda: sgd.run_sgd("SGD", [1.0, 2.0], [1.0, 2.0], [0.0, 0.0], 1, 1), "optimizer"),
    (lambda: sgd.run_sgd(bp.optim.SGD(0.1), [1.0, 2.0], [1.0, 2.0], [0.0, 0.0], 1, 0), "epochs"),
    (lambda: sgd.make_tilts(1), "n"),
    (lambda: sgd.tilted_wells_critical_points(2.0), "mean_tilt"),
    (lambda: sgd.escape_runs([1.0, 1.0, 1.0], 1.0, 0.1, 2, 5, [0]), "divide"),
    (lambda: sgd.escape_runs([1.0, 1.0], 1.0, 0.1, 1, 5, []), "seeds"),
    (lambda: sgd.tilted_wells_loss(1.0, []), "tilts"),
    (lambda: sgd.tilted_wells_grad("a", [1.0]), "theta"),
    (lambda: sgd.tilted_wells_grad(1.0, "abc"), "tilts"),
])
def test_invalid_arguments_raise_naming_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# -- issue 22: the contract on entry and on the schedule's result ----------------

@pytest.mark.parametrize("schedule, error, message", [
    (lambda t: None, TypeError, r"schedule\(0\) returned None"),
    (lambda t: "0.1", TypeError, r"schedule\(0\) returned str"),
    (lambda t: -0.1, ValueError, r"schedule\(0\) returned -0.1; it must return a positive"),
    (lambda t: float("nan"), ValueError, r"schedule\(0\) returned nan"),
])
def test_a_schedule_result_is_checked(schedule, error, message):
    with pytest.raises(error, match=message):
        sgd.run_sgd(bp.optim.SGD(0.1), [0.0, 1.0], [1.0, 3.0], [0.0, 0.0], 1, 1, schedule=schedule)


def test_per_sample_grads_take_one_point_only():
    with pytest.raises(ValueError, match=r"params must be one point \(w, b\) of shape \(2,\)"):
        sgd.linreg_per_sample_grads([[1, 2], [3, 4]], [0, 1], [1, 3])
    with pytest.raises(ValueError, match=r"params must be one point"):
        sgd.linreg_grad([[1.0, 2.0]], [0.0, 1.0], [1.0, 3.0])


def test_linreg_minimum_refuses_nan_before_lapack(capfd):
    with pytest.raises(ValueError, match="x must be finite"):
        sgd.linreg_minimum([0, np.nan, 2], [1.0, 3.0, 5.0])
    assert capfd.readouterr().err == ""


def test_sizes_are_bounded_before_allocation():
    with pytest.raises(ValueError, match="at most"):
        sgd.make_tilts(2**40)
    with pytest.raises(ValueError, match="at most"):
        sgd.escape_runs([1.0, 1.0], 0.9, 0.1, 1, 2**40, seeds=[0])


def test_robbins_monro_schedule_checks_its_step():
    schedule = sgd.robbins_monro(0.1, 100)
    assert schedule(100) == 0.05
    with pytest.raises(TypeError, match="t \\(the step number\\) must be a real number"):
        schedule("a")


def test_linreg_loss_of_a_long_path_in_blocks_equals_row_by_row():
    """Above 2**20 entries the path is evaluated in row blocks: the same numbers, bit for bit."""
    x, y = bp.data.linear(n=4096, w=2.0, b=-0.5, noise=0.5, seed=0)
    path = np.random.default_rng(0).normal(size=(600, 2))            # 600 * 4096 > 2**20
    rows = np.array([sgd.linreg_loss(p, x, y) for p in path])
    assert np.array_equal(sgd.linreg_loss(path, x, y), rows)
    assert sgd.linreg_loss(path[:3], x, y).shape == (3,)
