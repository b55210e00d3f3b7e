"""Tests for bpcore.train: the fit loop, History, divergence handling,
and an end-to-end MLP on the moons data set."""

import warnings

import numpy as np
import pytest

from bpcore import data, losses, nn, optim
from bpcore.train import History, accuracy, fit, predict


def test_mlp_separates_moons():
    X, labels = data.moons(200, noise=0.1, seed=0)
    model = nn.MLP([2, 16, 16, 2], seed=0)
    history = fit(model, losses.softmax_cross_entropy, optim.Adam(lr=0.05), X, labels, epochs=200)
    assert accuracy(model, X, labels) >= 0.95
    assert not history.diverged and history.diverged_at is None
    assert history.epoch_loss[-1] < 0.1 * history.epoch_loss[0]


def test_mlp_minibatch_adam_on_moons():
    X, labels = data.moons(200, noise=0.1, seed=1)
    model = nn.MLP([2, 16, 16, 2], seed=1)
    fit(model, losses.softmax_cross_entropy, optim.Adam(lr=0.01), X, labels, epochs=40, batch_size=32)
    assert accuracy(model, X, labels) >= 0.95


def test_worked_example_one_step():
    # Seed's numerical example: y = 3, x = 1, W = 2, b = -0.5 (y_hat = 1.5),
    # L = 1/2 (y - y_hat)^2 = 1.125, dL/dW = -1.5, W_new = 2 - 0.1 * (-1.5) = 2.15
    layer = nn.Linear(1, 1)
    layer.W.data, layer.b.data = np.array([[2.0]]), np.array([-0.5])
    history = fit(layer, losses.half_mse, optim.SGD(lr=0.1), np.array([[1.0]]), np.array([[3.0]]), epochs=1)
    assert history.step_loss == [1.125]
    assert layer.W.data[0, 0] == pytest.approx(2.15, abs=1e-15)
    assert layer.b.data[0] == pytest.approx(-0.35, abs=1e-15)


def test_full_batch_gradient_descent_matches_closed_form_gradient():
    x, y = data.linear(50, w=2.0, b=-0.5, noise=0.1, seed=0)
    X, Y = x.reshape(-1, 1), y.reshape(-1, 1)
    layer = nn.Linear(1, 1, seed=0)
    w, b = layer.W.data[0, 0], layer.b.data[0]
    lr = 0.3
    history = fit(layer, losses.mse, optim.SGD(lr), X, Y, epochs=25)
    for _ in range(25):   # MSE gradient by hand: 2/n sum (w x + b - y) * (x, 1)
        r = w * x + b - y
        w, b = w - lr * 2 * np.mean(r * x), b - lr * 2 * np.mean(r)
    assert layer.W.data[0, 0] == pytest.approx(w, rel=1e-12)
    assert layer.b.data[0] == pytest.approx(b, rel=1e-12)
    assert history.step_loss == history.epoch_loss      # full batch: one step per epoch
    assert history.steps == 25


def test_history_bookkeeping_with_minibatches():
    X, labels = data.blobs(50, centers=2, seed=0)
    model = nn.MLP([2, 4, 2], seed=0)
    history = fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), X, labels,
                  epochs=3, batch_size=16, record_params=True)
    assert isinstance(history, History)
    assert history.steps == 3 * 4                       # 16 + 16 + 16 + 2 per epoch
    assert len(history.epoch_loss) == 3
    sizes = np.array([16, 16, 16, 2])
    steps = np.array(history.step_loss).reshape(3, 4)
    np.testing.assert_allclose(history.epoch_loss, steps @ sizes / 50, rtol=1e-14)
    assert len(history.params) == history.steps + 1
    for snapshot_p, p in zip(history.params[-1], model.parameters()):
        np.testing.assert_array_equal(snapshot_p, p.data)
    assert not np.array_equal(history.params[0][0], history.params[-1][0])
    history.params[-1][0][:] = 0.0                      # snapshots are copies
    assert not np.all(model.parameters()[0].data == 0.0)


def test_no_params_recorded_by_default():
    X, labels = data.blobs(20, centers=2, seed=0)
    history = fit(nn.MLP([2, 3, 2]), losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=1)
    assert history.params is None


def test_reproducible_and_seed_dependent():
    X, labels = data.moons(64, seed=0)

    def run(seed):
        model = nn.MLP([2, 8, 2], seed=0)
        return fit(model, losses.softmax_cross_entropy, optim.Adam(0.01), X, labels,
                   epochs=3, batch_size=10, seed=seed).step_loss

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_divergence_stops_cleanly_with_a_warning():
    x, y = data.linear(30, seed=0)
    X, Y = x.reshape(-1, 1), y.reshape(-1, 1) * 100
    layer = nn.Linear(1, 1, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = fit(layer, losses.mse, optim.SGD(lr=50.0), X, Y, epochs=1000)
    assert history.diverged
    assert isinstance(history.diverged_at, int)
    assert history.steps == history.diverged_at + 1
    assert not np.isfinite(history.step_loss[-1])
    assert all(np.isfinite(history.step_loss[:-1]))
    assert len(history.epoch_loss) == history.diverged_at   # one step per (full-batch) epoch
    assert len(caught) == 1                             # ours only, no numpy overflow noise
    message = str(caught[0].message)
    assert caught[0].category is RuntimeWarning
    assert f"step {history.diverged_at}" in message and "smaller learning rate" in message
    assert "lr=50.0" in message


def test_nonfinite_parameters_also_stop_training():
    class Broken(optim.SGD):
        def _update(self, p, g, state, t):
            return p + np.nan

    X, labels = data.blobs(20, centers=2, seed=0)
    with pytest.warns(RuntimeWarning, match="step 0"):
        history = fit(nn.MLP([2, 3, 2]), losses.softmax_cross_entropy, Broken(0.1), X, labels, epochs=5)
    assert history.diverged and history.diverged_at == 0 and history.steps == 1


def test_optimizer_state_carries_over_between_fit_calls():
    # fit keeps the optimizer's state: 3 + 3 epochs of momentum are 6 epochs.
    X, labels = data.blobs(30, centers=2, seed=0)

    def weights(model):
        return [p.data.copy() for p in model.parameters()]

    once = nn.MLP([2, 4, 2], seed=0)
    fit(once, losses.softmax_cross_entropy, optim.Momentum(0.1, beta=0.9), X, labels, epochs=6)

    twice, opt = nn.MLP([2, 4, 2], seed=0), optim.Momentum(0.1, beta=0.9)
    fit(twice, losses.softmax_cross_entropy, opt, X, labels, epochs=3)
    assert opt.t == 3 and opt.state is not None
    fit(twice, losses.softmax_cross_entropy, opt, X, labels, epochs=3)
    assert opt.t == 6
    for a, b in zip(weights(once), weights(twice)):
        np.testing.assert_array_equal(a, b)

    # ... and reset() really starts afresh, which gives different weights
    restarted, opt = nn.MLP([2, 4, 2], seed=0), optim.Momentum(0.1, beta=0.9)
    fit(restarted, losses.softmax_cross_entropy, opt, X, labels, epochs=3)
    opt.reset()
    fit(restarted, losses.softmax_cross_entropy, opt, X, labels, epochs=3)
    assert not np.allclose(weights(restarted)[0], weights(once)[0])


def test_epoch_loss_keeps_only_completed_epochs_after_a_divergence_mid_epoch():
    X, labels = data.blobs(50, centers=2, seed=0)      # batches of 16, 16, 16, 2 per epoch
    calls = []

    def loss_that_blows_up(y_true, y_pred):
        L = losses.softmax_cross_entropy(y_true, y_pred)
        calls.append(1)
        return L * np.inf if len(calls) == 6 else L      # step 5: epoch 1, second batch

    with pytest.warns(RuntimeWarning, match=r"the loss is inf at step 5 \(epoch 1\)"):
        history = fit(nn.MLP([2, 3, 2], seed=0), loss_that_blows_up, optim.SGD(0.1), X, labels,
                      epochs=3, batch_size=16)
    assert history.diverged and history.diverged_at == 5
    assert history.steps == 6 and history.step_loss[-1] == np.inf
    assert len(history.epoch_loss) == 1                   # the broken epoch 1 is not averaged
    first_epoch = np.array(history.step_loss[:4])
    assert history.epoch_loss[0] == pytest.approx(first_epoch @ [16, 16, 16, 2] / 50, rel=1e-14)


def test_progress_prints_one_line_per_epoch(capsys):
    X, labels = data.blobs(20, centers=2, seed=0)
    fit(nn.MLP([2, 3, 2]), losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=3, progress=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3") and "loss" in lines[0]
    fit(nn.MLP([2, 3, 2]), losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=3)
    assert capsys.readouterr().out == ""


def test_fit_does_not_modify_data():
    X, labels = data.moons(30, seed=0)
    Xs, ls = X.copy(), labels.copy()
    fit(nn.MLP([2, 4, 2]), losses.softmax_cross_entropy, optim.Adam(0.01), X, labels, epochs=2, batch_size=7)
    np.testing.assert_array_equal(X, Xs)
    np.testing.assert_array_equal(labels, ls)


def test_fit_errors():
    X, labels = data.blobs(20, centers=2, seed=0)
    model = nn.MLP([2, 3, 2])
    with pytest.raises(ValueError, match="epochs"):
        fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=-1)
    with pytest.raises(ValueError, match=r"same number of samples, got shapes \(20, 2\) and \(10,\)$"):
        fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), X, labels[:10], epochs=1)
    with pytest.raises(ValueError, match="batch_size"):
        fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=1, batch_size=0)
    assert fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), X, labels, epochs=0).steps == 0


def test_predict_and_accuracy():
    layer = nn.Linear(2, 2)
    layer.W.data, layer.b.data = np.eye(2), np.zeros(2)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(predict(layer, X), X)
    assert accuracy(layer, X, np.array([0, 1, 0])) == pytest.approx(2 / 3)
    single = nn.Linear(1, 1)
    single.W.data, single.b.data = np.array([[1.0]]), np.array([0.0])
    assert accuracy(single, np.array([[-1.0], [2.0]]), np.array([0, 1])) == 1.0
    with pytest.raises(ValueError, match="labels"):
        accuracy(layer, X, np.array([[0], [1], [0]]))


def test_fit_needs_only_the_documented_model_interface():
    # A stand-in model: one weight, y_hat = w * x, written with the Tensor API.
    from bpcore.autodiff import Tensor

    class Scale:
        def __init__(self):
            self.w = Tensor(np.array([[0.0]]))

        def __call__(self, X):
            return Tensor(X, requires_grad=False) @ self.w

        def parameters(self):
            return [self.w]

        def zero_grad(self):
            self.w.zero_grad()

    X = np.array([[1.0], [2.0], [3.0]])
    model = Scale()
    history = fit(model, losses.half_mse, optim.SGD(0.1), X, 3.0 * X, epochs=60)
    # half-MSE gradient (w - 3) * mean(x^2) = (w - 3) * 14/3: w - 3 shrinks by 1 - 0.1 * 14/3 per step
    assert model.w.data[0, 0] == pytest.approx(3.0 - 3.0 * (1 - 0.1 * 14 / 3) ** 60, rel=1e-10)
    assert history.steps == 60
