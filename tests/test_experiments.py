"""bp.experiments: chapter 8's training experiments (split, validation
curves, probability grids, learning-rate range test and sweep, seeds)."""

import warnings

import numpy as np
import pytest

import bpcore as bp
from bpcore import experiments as ex


@pytest.fixture(scope="module")
def moons():
    X, y = bp.data.moons(120, noise=0.2, seed=0)
    return ex.train_val_split(X, y, n_val=40, seed=0)


def test_split_is_a_partition_and_reproducible(moons):
    X, y = bp.data.moons(120, noise=0.2, seed=0)
    X_train, y_train, X_val, y_val = moons
    assert len(y_train) == 80 and len(y_val) == 40
    rows = sorted(map(tuple, np.vstack([X_train, X_val]).round(12)))
    assert rows == sorted(map(tuple, X.round(12)))
    again = ex.train_val_split(X, y, n_val=40, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(moons, again))


@pytest.mark.parametrize("n_val", [0, 120, 500, 2.5])
def test_split_rejects_bad_sizes(n_val):
    X, y = bp.data.moons(120, seed=0)
    with pytest.raises(ValueError, match="n_val"):
        ex.train_val_split(X, y, n_val=n_val)


@pytest.mark.parametrize("n_val", [True, "2", None])
def test_split_rejects_sizes_of_the_wrong_type(n_val):
    X, y = bp.data.moons(120, seed=0)
    with pytest.raises(TypeError, match="n_val"):
        ex.train_val_split(X, y, n_val=n_val)


def test_zero_d_arrays_are_numbers():
    X, y = bp.data.moons(12, seed=0)
    assert len(ex.train_val_split(X, y, n_val=np.array(2))[3]) == 2
    assert ex.range_test_rates(np.array(0.01), 1.0, np.array(3)).tolist() == ex.range_test_rates(0.01, 1.0, 3).tolist()


def test_range_test_rates_over_the_whole_float_range():
    rates = ex.range_test_rates(1e-308, 1e308, 3)
    assert np.all(np.isfinite(rates)) and rates == pytest.approx([1e-308, 1.0, 1e308], rel=1e-9)


def test_split_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shapes"):
        ex.train_val_split(np.zeros((5, 2)), np.zeros(4, dtype=int), n_val=1)


def test_training_epoch_by_epoch_equals_one_fit(moons):
    X_train, y_train, X_val, y_val = moons
    a, b = bp.nn.MLP([2, 8, 2], seed=3), bp.nn.MLP([2, 8, 2], seed=3)
    run = ex.train_with_validation(a, bp.optim.Adam(lr=0.02), X_train, y_train, X_val, y_val, epochs=7,
                                   batch_size=16, seed=5, snapshot_epochs=[0, 7])
    bp.train.fit(b, bp.losses.softmax_cross_entropy, bp.optim.Adam(lr=0.02), X_train, y_train,
                 epochs=7, batch_size=16, seed=5)
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))
    assert all(np.array_equal(p, q.data) for p, q in zip(run["snapshots"][7], b.parameters()))
    assert run["train_loss"].shape == (8,) and not run["diverged"]
    loss, acc = ex.evaluate(b, X_val, y_val)
    assert run["val_loss"][-1] == loss and run["val_acc"][-1] == acc
    assert run["train_loss"][-1] < run["train_loss"][0]


def test_training_reports_divergence_and_pads_with_nan(moons):
    X_train, y_train, X_val, y_val = moons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = ex.train_with_validation(bp.nn.MLP([2, 16, 16, 2], activation="relu", seed=0), bp.optim.SGD(lr=1e300), X_train,
                                       y_train, X_val, y_val, epochs=5)
    assert run["diverged"]
    assert np.isnan(run["train_loss"][-1]) and np.isfinite(run["train_loss"][0])


def test_probability_grid_matches_softmax_of_the_network_and_restores_it():
    model = bp.nn.MLP([2, 5, 2], seed=1)
    before = [p.data.copy() for p in model.parameters()]
    other = [2.0 * p for p in before]
    xs, ys = np.linspace(-1, 1, 4), np.linspace(0, 2, 3)
    P = ex.probability_grid(model, xs, ys, params=other)
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))
    probe = bp.nn.MLP([2, 5, 2], seed=1)
    for p, value in zip(probe.parameters(), other):
        p.data = value
    logits = bp.train.predict(probe, [[xs[2], ys[1]]])
    assert P.shape == (3, 4)
    assert P[1, 2] == pytest.approx(bp.losses.softmax(logits)[0, 1], rel=1e-12)


def test_probability_grid_needs_two_classes():
    with pytest.raises(ValueError, match="two-class"):
        ex.probability_grid(bp.nn.MLP([2, 3], seed=0), [0.0], [0.0])


def test_range_test_rates_are_geometric():
    rates = ex.range_test_rates(1e-3, 10.0, 5)
    assert rates[0] == pytest.approx(1e-3) and rates[-1] == pytest.approx(10.0)
    assert np.allclose(rates[1:] / rates[:-1], 10.0)
    assert np.allclose(rates, np.geomspace(1e-3, 10.0, 5))


@pytest.mark.parametrize("args", [(0.0, 1.0, 3), (1.0, 0.5, 3), (0.1, 1.0, 1), (0.1, np.inf, 3), (0.1, 1.0, 2**40)])
def test_range_test_rates_reject_bad_arguments(args):
    with pytest.raises(ValueError):
        ex.range_test_rates(*args)
    with pytest.raises(TypeError, match="lr_min"):
        ex.range_test_rates("a", 1.0, 3)


def test_smooth_losses_is_a_bias_corrected_moving_average():
    values = np.array([3.0, 1.0, 2.0])
    beta = 0.8
    m, expected = 0.0, []
    for k, v in enumerate(values):
        m = beta * m + (1 - beta) * v
        expected.append(m / (1 - beta ** (k + 1)))
    assert np.allclose(ex.smooth_losses(values, beta), expected)
    assert np.array_equal(ex.smooth_losses(values, 0.0), values)
    with pytest.raises(ValueError, match="beta"):
        ex.smooth_losses(values, 1.0)


def test_range_test_stops_when_the_loss_blows_up(moons):
    X_train, y_train, _, _ = moons
    rates = ex.range_test_rates(1e-3, 1e4, 200)
    curve = ex.lr_range_test(bp.nn.MLP([2, 8, 2], seed=0), bp.optim.SGD(lr=1.0), X_train, y_train, rates,
                             batch_size=16)
    assert 10 < len(curve) < 200
    smoothed = ex.smooth_losses(curve)
    assert smoothed[-1] > 4 * smoothed.min() or not np.isfinite(curve[-1])


def test_range_test_uses_the_given_rate_at_each_step(moons):
    X_train, y_train, _, _ = moons
    rates = np.full(12, 0.05)      # a constant "range": plain SGD at 0.05
    a, b = bp.nn.MLP([2, 4, 2], seed=2), bp.nn.MLP([2, 4, 2], seed=2)
    curve = ex.lr_range_test(a, bp.optim.SGD(lr=1.0), X_train, y_train, rates, batch_size=20, seed=4)
    history = bp.train.fit(b, bp.losses.softmax_cross_entropy, bp.optim.SGD(lr=0.05), X_train, y_train,
                           epochs=3, batch_size=20, seed=4)
    assert np.allclose(curve, history.step_loss[:12], rtol=0, atol=0)


def test_lr_sweep_trains_fresh_networks(moons):
    X_train, y_train, X_val, y_val = moons
    out = ex.lr_sweep(lambda: bp.nn.MLP([2, 8, 2], seed=0), bp.optim.SGD, [0.01, 0.3], X_train, y_train,
                      X_val, y_val, epochs=3, batch_size=16)
    model = bp.nn.MLP([2, 8, 2], seed=0)
    bp.train.fit(model, bp.losses.softmax_cross_entropy, bp.optim.SGD(lr=0.3), X_train, y_train, epochs=3,
                 batch_size=16)
    assert out["train_loss"][1] == ex.evaluate(model, X_train, y_train)[0]
    assert out["val_loss"][1] == ex.evaluate(model, X_val, y_val)[0]
    assert out["diverged"].tolist() == [False, False]


def test_lr_sweep_marks_diverged_runs(moons):
    X_train, y_train, X_val, y_val = moons
    out = ex.lr_sweep(lambda: bp.nn.MLP([2, 16, 16, 2], activation="relu", seed=0), bp.optim.SGD, [1e300], X_train, y_train,
                      X_val, y_val, epochs=3)
    assert out["diverged"].tolist() == [True] and out["train_loss"][0] == np.inf


def test_seed_sweep_stacks_one_run_per_seed(moons):
    X_train, y_train, X_val, y_val = moons
    out = ex.seed_sweep(lambda s: bp.nn.MLP([2, 4, 2], seed=s), lambda: bp.optim.SGD(lr=0.1), [0, 1, 2],
                        X_train, y_train, X_val, y_val, epochs=2, batch_size=16)
    assert out["val_loss"].shape == (3, 3)
    single = ex.train_with_validation(bp.nn.MLP([2, 4, 2], seed=1), bp.optim.SGD(lr=0.1), X_train, y_train,
                                      X_val, y_val, epochs=2, batch_size=16, seed=1)
    assert np.array_equal(out["val_loss"][1], single["val_loss"])
    with pytest.raises(ValueError, match="seeds"):
        ex.seed_sweep(lambda s: None, lambda: None, [], X_train, y_train, X_val, y_val, epochs=1)


@pytest.mark.parametrize("sizes", [[2, 4, 3], [2, 4, 1]])
def test_evaluate_agrees_with_train_accuracy(moons, sizes):
    X_train, y_train, _, _ = moons
    model = bp.nn.MLP(sizes, seed=0)
    labels = y_train if sizes[-1] > 1 else y_train
    loss_fn = bp.losses.softmax_cross_entropy if sizes[-1] > 1 else (lambda y, z: 0.0)
    loss, acc = ex.evaluate(model, X_train, labels, loss=loss_fn)
    assert acc == bp.train.accuracy(model, X_train, labels)



def test_range_test_bracket_runs_from_near_the_floor_to_the_stop():
    from bpcore.experiments import range_test_bracket
    rates = np.geomspace(0.01, 10.0, 7)
    smoothed = np.array([0.7, 0.40, 0.355, 0.35, 0.30, 0.33])     # stopped after 6 of 7 steps
    assert range_test_bracket(rates, smoothed, tolerance=0.1) == (rates[4], rates[5])
    assert range_test_bracket(rates, smoothed, tolerance=0.2) == (rates[2], rates[5])
    # the first time the loss comes near its lowest value counts, even if it rises again afterwards
    bumpy = np.array([0.9, 0.32, 0.9, 0.30, 2.0])
    assert range_test_bracket(rates, bumpy, tolerance=0.1) == (rates[1], rates[4])
    assert range_test_bracket(rates, smoothed[:1]) == (rates[0], rates[0])
    with pytest.raises(ValueError):
        range_test_bracket(rates[:3], smoothed)
    with pytest.raises(ValueError):
        range_test_bracket(rates, smoothed, tolerance=0.0)


def test_callback_results_are_checked_and_the_call_named():
    """Issue 22, class 1: what make_model, make_optimizer and loss return is checked where they are called."""
    X, labels = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1])
    with pytest.raises(TypeError, match=r"make_model\(\) returned NoneType"):
        ex.lr_sweep(lambda: None, bp.optim.SGD, [0.1], X, labels, X, labels, 1)
    with pytest.raises(TypeError, match=r"make_optimizer\(0.1\) returned NoneType"):
        ex.lr_sweep(lambda: bp.nn.MLP([2, 2]), lambda lr: None, [0.1], X, labels, X, labels, 1)
    with pytest.raises(TypeError, match=r"make_model\(0\) returned str"):
        ex.seed_sweep(lambda s: "m", lambda: bp.optim.SGD(0.1), [0], X, labels, X, labels, 1)
    with pytest.raises(TypeError, match=r"loss\(labels, logits\) returned None"):
        ex.evaluate(bp.nn.MLP([2, 2]), X, labels, loss=lambda y, p: None)
    with pytest.raises(TypeError, match=r"loss\(labels, model\(X\)\) returned NoneType"):
        ex.lr_range_test(bp.nn.MLP([2, 2]), bp.optim.SGD(0.1), X, labels, [0.1, 0.2], 2, loss=lambda y, p: None)
