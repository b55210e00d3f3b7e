"""The classes of bad and extreme input of issue 8, one test (or property) each.

Garbage arguments (strings, None, complex numbers, ragged and empty arrays)
are covered for every public function by ``test_bad_input.py``; this file
covers the silent wrong results: precision of the softmax family, gradients
that leave the graph, overflow, training divergence, optimizers' dict
matching and 0-d arrays.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import bpcore as bp
from bpcore import data, gradcheck, landscape, loss_sweep, losses, nn, optim, surfaces, train
from bpcore.autodiff import Tensor

# -- softmax, log_softmax, softmax_cross_entropy: exact for equal logits ------

magnitudes = st.one_of(st.sampled_from([1e4, 1e12, 1e16, 1e100, 1e300, -1e300, 0.0]),
                       st.floats(-1e300, 1e300, allow_nan=False))


@given(magnitude=magnitudes, classes=st.integers(2, 5))
def test_equal_logits_give_exactly_uniform_probabilities(magnitude, classes):
    z = np.full(classes, magnitude)
    assert np.array_equal(losses.log_softmax(z), np.full(classes, -np.log(classes)))
    np.testing.assert_allclose(losses.softmax(z), 1.0 / classes, rtol=1e-15)
    Z, labels = np.full((2, classes), magnitude), np.array([0, classes - 1])
    assert losses.softmax_cross_entropy(labels, Z) == pytest.approx(np.log(classes), rel=1e-15)
    expected = (np.full((2, classes), 1.0 / classes) - np.eye(classes)[labels]) / 2
    np.testing.assert_allclose(losses.softmax_cross_entropy_grad(labels, Z), expected, rtol=1e-14, atol=1e-17)
    # the Tensor path (what training uses) and its backward pass
    T = Tensor(Z)
    loss = losses.softmax_cross_entropy(labels, T)
    loss.backward()
    assert float(loss.data) == pytest.approx(np.log(classes), rel=1e-15)
    np.testing.assert_allclose(T.grad, expected, rtol=1e-14, atol=1e-17)


def test_the_issue_examples():
    assert losses.softmax(np.array([1e16, 1e16])).tolist() == [0.5, 0.5]
    assert losses.softmax_cross_entropy([0], [[1e16, 1e16]]) == math.log(2)
    np.testing.assert_allclose(losses.softmax(np.array([1e12, 1e12])), [0.5, 0.5], rtol=1e-15)


@given(shift=st.floats(-1e15, 1e15, allow_nan=False))
def test_log_softmax_depends_only_on_differences(shift):
    z = np.array([0.0, 1.0, -2.0])
    np.testing.assert_allclose(losses.log_softmax(z + shift), losses.log_softmax(z), atol=2e-15 * max(1.0, abs(shift)))


# -- bp.grad: leaving the graph, nesting -------------------------------------

@pytest.mark.parametrize("f", [
    lambda x: math.sin(x), lambda x: math.exp(x) * x, lambda x: float(x) ** 2,
], ids=["math.sin", "math.exp", "float()"])
def test_grad_of_a_function_that_leaves_the_graph_raises(f):
    with pytest.raises(TypeError, match="leaves the graph"):
        bp.grad(f)(0.5)
    assert float(Tensor(2.0)) == 2.0   # outside grad, float() of a Tensor is fine again


def test_nested_grad_raises_clearly():
    with pytest.raises(TypeError, match="first derivatives only"):
        bp.grad(bp.grad(lambda x: x ** 3))(2.0)


def test_grad_of_a_constant_is_zero_and_grad_still_works():
    assert bp.grad(lambda x: 4.0)(1.0) == 0.0
    assert bp.grad(lambda x: bp.autodiff.tanh(x) * 2.0)(0.0) == 2.0


# -- Tensor.grad has its tensor's shape ---------------------------------------

def test_assigning_a_wrong_shaped_gradient_raises():
    t = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"Tensor.grad: new value has shape \(3,\), tensor has shape \(2,\)"):
        t.grad = np.zeros(3)
    with pytest.raises(TypeError, match="Tensor.grad must be numeric"):
        t.grad = "0"
    t.grad = [1.0, 1.0]
    assert t.grad.tolist() == [1.0, 1.0]
    t.grad = None
    assert t.grad.tolist() == [0.0, 0.0]


# -- slices: the loss function must return one number -------------------------

@pytest.mark.parametrize("bad", [lambda ps: np.zeros(2), lambda ps: [1.0, 2.0], lambda ps: "1.0", lambda ps: None])
def test_a_loss_function_of_the_wrong_shape_is_an_error(bad):
    W = np.ones((2, 2))
    with pytest.raises((ValueError, TypeError), match="loss_fn"):
        landscape.slice_1d(bad, [W], [W], [0.0, 1.0])
    with pytest.raises((ValueError, TypeError), match="loss_fn"):
        landscape.slice_2d(bad, [W], [W], [W], [0.0, 1.0], [0.0])


def test_a_scalar_tensor_or_0d_array_is_one_number():
    W = np.ones(2)
    assert landscape.slice_1d(lambda ps: Tensor(ps[0]).sum(), [W], [W], [0.0]).tolist() == [2.0]
    assert landscape.slice_1d(lambda ps: np.array(3.0), [W], [W], [0.0]).tolist() == [3.0]


# -- overflow: a correct result or a clear error -----------------------------

def test_rel_error_does_not_overflow():
    assert gradcheck.rel_error(1.5e308, -1.5e308) == 1.0
    assert gradcheck.rel_error([1.5e308, 1.0], [1.0e308, 1.0]) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="a must be finite"):
        gradcheck.rel_error(np.inf, 1.0)


def test_huge_quadratic_is_refused_and_near_limit_is_exact():
    with pytest.raises(ValueError, match="at most 1e\\+300"):
        surfaces.Quadratic(condition=1e308)
    f = surfaces.Quadratic(condition=1e300)
    np.testing.assert_allclose(f.eigenvalues, [1.0, 1e300], rtol=1e-15)
    assert f.max_stable_lr == pytest.approx(2e-300, rel=1e-15)
    assert np.all(np.isfinite(f.grid(11)[2]))


def test_regression_losses_near_the_float_limit():
    assert losses.mae([0.0, 0.0], [1.5e308, 1.5e308]) == 1.5e308        # the sum overflows, the mean does not
    assert losses.huber([0.0, 0.0], [1.5e308, 1.5e308]) == pytest.approx(1.5e308 - 0.5)
    assert losses.mse_grad([0.0] * 4, [1.5e308] * 4).tolist() == [7.5e307] * 4
    for loss in (losses.mae, losses.huber, losses.mse):
        with pytest.raises(ValueError, match="overflows float64"):
            loss([1.5e308], [-1.5e308])


@given(y=st.lists(st.floats(-1.7e308, 1.7e308), min_size=1, max_size=4),
       shift=st.sampled_from([0.0, 1e300, -1.7e308, 1.7e308]))
def test_finite_inputs_never_give_inf_or_nan(y, shift):
    y_true = np.array(y)
    y_pred = np.clip(y_true + shift, -1.7e308, 1.7e308)
    for f in (losses.mse, losses.half_mse, losses.mae, losses.huber,
              losses.mse_grad, losses.half_mse_grad, losses.mae_grad, losses.huber_grad):
        try:
            value = f(y_true, y_pred)
        except ValueError as err:
            assert "overflows float64" in str(err)
        else:
            assert np.all(np.isfinite(value)), f.__name__


def test_nan_among_probabilities_is_reported_as_nan():
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]; found NaN at index \(1,\)"):
        losses.binary_cross_entropy([1.0, 0.0], [0.5, np.nan])
    with pytest.raises(ValueError, match=r"found NaN at index \(0, 1\)"):
        losses.cross_entropy([0], [[0.5, np.nan]])


# -- training: divergence stops, marks the step, keeps finite parameters ------

def _regression(n=20):
    x, y = data.linear(n, noise=0.0, seed=0)
    return x.reshape(-1, 1), y.reshape(-1, 1)


def test_divergence_keeps_the_last_finite_parameters():
    X, y = _regression()
    model = nn.MLP([1, 4, 1], seed=0)
    with pytest.warns(RuntimeWarning, match="training diverged"):
        history = train.fit(model, losses.mse, optim.SGD(lr=50.0), X, y * 1e3, epochs=500, record_params=True)
    assert history.diverged and history.diverged_at == history.steps - 1
    assert all(np.isfinite(p.data).all() for p in model.parameters())
    # the model holds the parameters of the last recorded (finite) step
    for p, last in zip(model.parameters(), history.params[-1]):
        np.testing.assert_array_equal(p.data, last)


def test_a_non_finite_gradient_stops_before_the_update():
    model = nn.Linear(1, 1)
    model.W.data, model.b.data = np.array([[0.0]]), np.array([0.0])   # output 0: sqrt is finite, its slope is not
    with pytest.warns(RuntimeWarning, match="a gradient is inf/nan at step 0"):
        history = train.fit(model, lambda y, out: (out ** 0.5).sum(), optim.SGD(0.1), np.array([[-1.0]]),
                            np.array([0.0]), epochs=3)
    assert history.diverged and history.diverged_at == 0 and history.step_loss == [0.0]
    assert model.W.data.tolist() == [[0.0]] and model.b.data.tolist() == [0.0]


def test_probabilities_leaving_the_unit_interval_count_as_divergence():
    # a linear model that outputs a probability directly: a huge step takes it out of [0, 1]
    X = np.array([[1.0], [2.0]])
    y = np.array([[1.0], [0.0]])
    model = nn.Linear(1, 1)
    model.W.data, model.b.data = np.array([[0.1]]), np.array([0.4])
    with pytest.warns(RuntimeWarning, match="rejected the model's outputs"):
        history = train.fit(model, losses.binary_cross_entropy, optim.SGD(lr=10.0), X, y, epochs=5)
    assert history.diverged and history.diverged_at >= 1 and math.isnan(history.step_loss[-1])
    assert all(np.isfinite(p.data).all() for p in model.parameters())


def test_out_of_range_outputs_at_the_first_step_are_a_mistake_not_divergence():
    model = nn.Linear(1, 1)
    model.W.data, model.b.data = np.array([[1.0]]), np.array([5.0])
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        train.fit(model, losses.binary_cross_entropy, optim.SGD(0.1), np.ones((2, 1)), np.ones((2, 1)), epochs=1)


# -- optimizers match dicts by key --------------------------------------------

@pytest.mark.parametrize("make", [lambda: optim.SGD(0.1), lambda: optim.Momentum(0.1), lambda: optim.Adam(0.1),
                                  lambda: optim.Adagrad(0.1), lambda: optim.RMSprop(0.1)])
def test_dicts_are_matched_by_key_not_order(make):
    params = {"w": np.array([1.0, 2.0]), "b": 0.5}
    grads = {"w": np.array([0.3, -0.2]), "b": 2.0}
    a, b = make(), make()
    for _ in range(3):
        in_order = a.step(params, grads)
        reordered = b.step({"b": params["b"], "w": params["w"]}, {"b": grads["b"], "w": grads["w"]})
        swapped_grads = make().step(params, {"b": grads["b"], "w": grads["w"]})
        assert list(in_order) == ["w", "b"] and list(reordered) == ["b", "w"]
        for key in params:
            np.testing.assert_array_equal(in_order[key], reordered[key])
        np.testing.assert_array_equal(swapped_grads["w"], make().step(params, grads)["w"])
        params = in_order


# -- 0-d arrays are numbers ------------------------------------------------------

def test_0d_arrays_are_accepted_wherever_a_float_is():
    sgd = optim.SGD(lr=np.array(0.25))
    np.testing.assert_array_equal(landscape.descend(sgd, lambda x: 2 * x, x0=np.array(1.0), steps=2),
                                  landscape.descend(sgd, lambda x: 2 * x, x0=1.0, steps=2))
    assert loss_sweep.values_at(np.array(1.0), np.array(-1.0)) == loss_sweep.values_at(1.0, -1.0)
    grid, _, _ = loss_sweep.curves(np.array(0.0), lo=np.array(-1.0), hi=np.array(1.0), points=np.array(3))
    assert grid.tolist() == [-1.0, 0.0, 1.0]
    assert nn.Linear(np.array(2), np.int64(3)).W.shape == (2, 3)
    assert data.moons(np.array(6), noise=np.array(0.0))[0].shape == (6, 2)
    assert surfaces.Quadratic(condition=np.array(4.0)).condition == 4.0
    assert gradcheck.numerical_grad(lambda w: w * w, np.array(3.0), eps=np.array(1e-6)) == pytest.approx(6.0)
    assert optim.Adam(lr=0.1).step(np.array(1.0), np.array(5.0)) == pytest.approx(0.9)


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_log_softmax_gradient_matches_finite_differences(axis, scale):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 4)) * scale
    weights = rng.normal(size=(3, 4))   # a generic upstream gradient

    def f(values):
        return float(np.sum(weights * bp.autodiff.log_softmax(values, axis=axis)))

    def grad_f(values):
        t = Tensor(values)
        (bp.autodiff.log_softmax(t, axis=axis) * weights).sum().backward()
        return t.grad

    assert gradcheck.check_grad(f, grad_f, z, eps=1e-6 * scale, tol=1e-6)


def test_a_bad_target_in_a_later_batch_is_an_error_not_divergence():
    X = np.zeros((4, 1))
    y = np.array([[0.0], [1.0], [1.0], [2.0]])   # the last target is not a probability
    model = nn.Linear(1, 1)
    model.W.data, model.b.data = np.array([[0.0]]), np.array([0.5])
    with pytest.raises(ValueError, match=r"y_true must lie in \[0, 1\]"):
        train.fit(model, losses.binary_cross_entropy, optim.SGD(0.1), X, y, epochs=1, batch_size=1, seed=0)
