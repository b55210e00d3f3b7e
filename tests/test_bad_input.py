"""bpcore's contract under bad input: every public function checks its
arguments on entry and answers garbage with a ValueError or TypeError whose
message names the argument, never with numpy's or Python's internal errors
("inhomogeneous shape", "'str' object has no attribute 'step'", "float
division by zero", "could not broadcast").

The catalogue below lists every public function of the numeric modules with
one good call; each test replaces one argument of that call by something
wrong.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import bpcore as bp
from bpcore import autodiff, data, gradcheck, landscape, loss_sweep, losses, neuron, nn, optim, surfaces, train
from bpcore.autodiff import Tensor


def _bowl(arrays):
    return float(sum(np.sum(a * a) for a in arrays))


def _model():
    return nn.MLP([2, 3, 2], seed=0)


_X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_LABELS = np.array([0, 1, 1])
_W = np.ones((2, 3))

#: (name, function, good keyword arguments); a lambda stands for a method.
CATALOGUE = [
    *[(f.__name__, f, dict(y_true=[1.0, 2.0], y_pred=[1.5, 2.5])) for f in (
        losses.mse, losses.mse_grad, losses.half_mse, losses.half_mse_grad, losses.mae, losses.mae_grad)],
    ("huber", losses.huber, dict(y_true=[1.0, 2.0], y_pred=[1.5, 2.5], delta=1.0)),
    ("huber_grad", losses.huber_grad, dict(y_true=[1.0, 2.0], y_pred=[1.5, 2.5], delta=1.0)),
    ("binary_cross_entropy", losses.binary_cross_entropy, dict(y_true=[1.0, 0.0], p=[0.8, 0.2])),
    ("binary_cross_entropy_grad", losses.binary_cross_entropy_grad, dict(y_true=[1.0, 0.0], p=[0.8, 0.2])),
    ("cross_entropy", losses.cross_entropy, dict(y_true=[0, 1], p=[[0.5, 0.5], [0.2, 0.8]])),
    ("cross_entropy_grad", losses.cross_entropy_grad, dict(y_true=[0, 1], p=[[0.5, 0.5], [0.2, 0.8]])),
    ("softmax", losses.softmax, dict(z=[1.0, 2.0])),
    ("log_softmax", losses.log_softmax, dict(z=[1.0, 2.0])),
    ("softmax_cross_entropy", losses.softmax_cross_entropy, dict(y_true=[0], logits=[[1.0, 2.0]])),
    ("softmax_cross_entropy_grad", losses.softmax_cross_entropy_grad, dict(y_true=[0], logits=[[1.0, 2.0]])),
    ("Tensor", Tensor, dict(data=[1.0, 2.0])),
    ("grad", autodiff.grad, dict(f=lambda w: (w * w).sum())),
    ("grad(f)", lambda x: autodiff.grad(lambda w: (w * w).sum())(x), dict(x=[1.0, 2.0])),
    *[(f.__name__, f, dict(x=[0.5, 1.0])) for f in (
        autodiff.exp, autodiff.log, autodiff.tanh, autodiff.sigmoid, autodiff.relu, autodiff.logsumexp)],
    ("Linear", nn.Linear, dict(n_in=2, n_out=3, seed=0, init="glorot")),
    ("Linear()", lambda X: nn.Linear(2, 3)(X), dict(X=_X)),
    ("MLP", nn.MLP, dict(sizes=[2, 3, 1], activation="tanh", seed=0)),
    ("MLP()", lambda X: _model()(X), dict(X=_X)),
    ("Quadratic", surfaces.Quadratic, dict(condition=10.0, angle=0.1, scale=1.0, center=(0.0, 0.0))),
    ("Quadratic(A)", lambda A: surfaces.Quadratic(A=A), dict(A=[[2.0, 0.0], [0.0, 1.0]])),
    ("Rosenbrock", surfaces.Rosenbrock, dict(a=1.0, b=100.0)),
    ("DoubleWell", surfaces.DoubleWell, dict(tilt=0.5, stiffness=1.0)),
    ("Surface.value", lambda xy: surfaces.Rosenbrock().value(xy), dict(xy=[1.0, 2.0])),
    ("Surface.grad", lambda xy: surfaces.Quadratic().grad(xy), dict(xy=[1.0, 2.0])),
    ("Surface.hessian", lambda xy: surfaces.DoubleWell().hessian(xy), dict(xy=[1.0, 2.0])),
    ("Surface.grid", lambda n: surfaces.Quadratic().grid(n), dict(n=5)),
    ("linear", data.linear, dict(n=5, w=2.0, b=-0.5, noise=0.1, seed=0, x_range=(-1.0, 1.0))),
    ("blobs", data.blobs, dict(n=6, centers=2, std=1.0, seed=0, box=(-5.0, 5.0))),
    ("blobs(centers)", lambda centers: data.blobs(6, centers=centers), dict(centers=[[0.0, 0.0], [1.0, 1.0]])),
    ("moons", data.moons, dict(n=6, noise=0.1, seed=0)),
    ("spirals", data.spirals, dict(n=6, k=2, noise=0.1, seed=0, turns=1.0)),
    ("minibatches", lambda **kw: list(data.minibatches(**kw)),
     dict(X=_X, y=_LABELS, batch_size=2, shuffle=True, seed=0)),
    ("random_direction", landscape.random_direction, dict(params=[_W, np.zeros(3)], seed=0, bias="zero",
                                                          filter_axis=-1)),
    ("slice_1d", landscape.slice_1d, dict(loss_fn=_bowl, params=[_W], direction=[_W], alphas=[0.0, 1.0])),
    ("slice_2d", landscape.slice_2d, dict(loss_fn=_bowl, params=[_W], d1=[_W], d2=[_W], alphas=[0.0, 1.0],
                                          betas=[0.0, 1.0])),
    ("model_loss", landscape.model_loss, dict(model=_model(), loss=losses.softmax_cross_entropy, X=_X, y=_LABELS)),
    ("model_loss()", lambda arrays: landscape.model_loss(_model(), losses.softmax_cross_entropy, _X, _LABELS)(arrays),
     dict(arrays=[p.data for p in _model().parameters()])),
    ("descend", landscape.descend, dict(optimizer=optim.SGD(0.1), grad_fn=lambda x: 2 * x, x0=[1.0, 2.0], steps=3)),
    ("fit", lambda **kw: train.fit(_model(), **kw),
     dict(loss=losses.softmax_cross_entropy, optimizer=optim.SGD(0.1), X=_X, y=_LABELS, epochs=2, batch_size=2,
          seed=0)),
    ("fit(model)", lambda model: train.fit(model, losses.softmax_cross_entropy, optim.SGD(0.1), _X, _LABELS, 1),
     dict(model=_model())),
    ("predict", lambda X: train.predict(_model(), X), dict(X=_X)),
    ("accuracy", lambda X, labels: train.accuracy(_model(), X, labels), dict(X=_X, labels=_LABELS)),
    ("numerical_grad", gradcheck.numerical_grad, dict(f=lambda x: float(np.sum(x * x)), x=[1.0, 2.0], eps=1e-6)),
    ("rel_error", gradcheck.rel_error, dict(a=[1.0, 2.0], b=[1.0, 2.5])),
    ("check_grad", gradcheck.check_grad, dict(f=lambda x: float(np.sum(x * x)), grad_f=lambda x: 2 * np.asarray(x),
                                              x=[1.0, 2.0], tol=1e-6, atol=1e-8, eps=1e-6)),
    ("curves", loss_sweep.curves, dict(y_true=1.0, task="regression", lo=-1.0, hi=1.0, points=5)),
    ("values_at", loss_sweep.values_at, dict(y_true=1.0, y_pred=0.5, task="regression")),
    ("forward_backward", neuron.forward_backward, dict(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1)),
    ("pass_steps", neuron.pass_steps, dict(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1)),
    ("neuron.descend", neuron.descend, dict(lr=0.1, epochs=3, W0=2.0, b0=-0.5, x=1.0, y=3.0)),
    ("neuron.loss_grid", neuron.loss_grid, dict(W_values=[1.0, 2.0], b_values=[0.0, 1.0], x=1.0, y=3.0)),
    ("SGD", optim.SGD, dict(lr=0.1)),
    ("Momentum", optim.Momentum, dict(lr=0.1, beta=0.9, nesterov=False)),
    ("Adagrad", optim.Adagrad, dict(lr=0.1, eps=1e-10)),
    ("RMSprop", optim.RMSprop, dict(lr=0.1, alpha=0.99, eps=1e-8)),
    ("Adam", optim.Adam, dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)),
    ("Optimizer.step", lambda params, grads: optim.Adam(0.1).step(params, grads),
     dict(params=[np.ones(2), 1.0], grads=[np.ones(2), 0.5])),
]

_CALLS = [(name, function, kwargs, arg) for name, function, kwargs in CATALOGUE for arg in kwargs]


class _Opaque:
    """An object that is none of the things any argument accepts."""


#: Values no argument of bpcore accepts.
GARBAGE = {
    "None": None,
    "a string": "abc",
    "a numeric string": "1.5",
    "numeric strings": ["1", "2"],
    "a complex number": 1 + 2j,
    "a complex array": np.array([1 + 2j, 3.0]),
    "a ragged list": [[1.0, 2.0], [3.0]],
    "an empty array": np.array([]),
    "an object": _Opaque(),
    "a dict": {"a": 1.0},
}

# Where a value of GARBAGE is a documented, valid input.
_VALID = {
    ("seed", "None"),            # numpy.random.default_rng(None): fresh entropy
}
_VALID_CALLS = {
    ("Optimizer.step", "params", "a dict"), ("Optimizer.step", "grads", "a dict"),
    ("Quadratic(A)", "A", "None"),               # A=None: build A from condition, angle, scale
    ("random_direction", "params", "a ragged list"),  # a list of two arrays of different shapes
    ("fit", "batch_size", "None"),               # full-batch gradient descent
}


def _call(function, kwargs):
    return function(**kwargs)


_GARBAGE_CALLS = [(*call, garbage) for call in _CALLS for garbage in GARBAGE
                  if (call[3], garbage) not in _VALID and (call[0], call[3], garbage) not in _VALID_CALLS]


@pytest.mark.parametrize("name, function, kwargs, arg, garbage", _GARBAGE_CALLS,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in _GARBAGE_CALLS])
def test_garbage_gets_a_clear_error_naming_the_argument(name, function, kwargs, arg, garbage):
    with pytest.raises((ValueError, TypeError)) as info:
        _call(function, {**kwargs, arg: GARBAGE[garbage]})
    message = str(info.value)
    assert arg in message, f"{name}({arg}={garbage}) raised {type(info.value).__name__} without naming {arg}: {message}"
    for internal in ("inhomogeneous", "has no attribute", "could not broadcast", "division by zero",
                     "not subscriptable", "not iterable", "unhashable", "could not convert", "ufunc"):
        assert internal not in message, f"{name}({arg}={garbage}): numpy/Python's own message: {message}"


@pytest.mark.parametrize("name, function, kwargs", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_the_good_calls_work(name, function, kwargs):
    _call(function, kwargs)


_anything = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(), st.just(10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(max_magnitude=1e3), st.text(max_size=3),
    st.lists(st.floats(-1e3, 1e3), max_size=3),
    st.lists(st.lists(st.floats(-1e3, 1e3), max_size=3), max_size=3),
    st.just(np.array(2.0)), st.just(np.zeros((0, 2))), st.just(np.array([np.nan, 1.0])),
)


@given(call=st.sampled_from(_CALLS), value=_anything)
def test_any_value_gives_a_result_or_a_value_or_type_error(call, value):
    """Whatever one argument is, nothing escapes but ValueError and TypeError (a hypothesis search)."""
    name, function, kwargs, arg = call
    try:
        _call(function, {**kwargs, arg: value})
    except (ValueError, TypeError):
        pass


#: Extreme but well-typed values: a result or a ValueError/TypeError, never OverflowError or a hang.
EXTREME = {"inf": np.inf, "nan": np.nan, "-inf": -np.inf, "1.7e308": 1.7e308, "10**400": 10**400,
           "-(10**400)": -(10**400), "an array near 1e308": np.full(3, 1e308), "a NaN array": np.array([np.nan, 1.0])}


@pytest.mark.parametrize("extreme", list(EXTREME), ids=list(EXTREME))
@pytest.mark.parametrize("name, function, kwargs, arg", _CALLS, ids=[f"{c[0]}-{c[3]}" for c in _CALLS])
def test_extreme_values_give_a_result_or_a_value_or_type_error(name, function, kwargs, arg, extreme):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _call(function, {**kwargs, arg: EXTREME[extreme]})
    except (ValueError, TypeError):
        pass


@pytest.mark.parametrize("optimizer", ["sgd", "Adam", None, optim.SGD])
def test_an_optimizer_given_by_name_is_a_type_error(optimizer):
    with pytest.raises(TypeError, match="optimizer must be an optimizer"):
        train.fit(_model(), losses.softmax_cross_entropy, optimizer, _X, _LABELS, epochs=1)
    with pytest.raises(TypeError, match="optimizer must be an optimizer"):
        landscape.descend(optimizer, lambda x: x, [1.0], steps=1)


def test_math_functions_on_tensors_are_caught_by_grad():
    with pytest.raises(TypeError, match="leaves the graph"):
        bp.grad(lambda x: math.sin(x))(1.0)
    with pytest.raises(TypeError, match="leaves the graph"):
        bp.grad(lambda x: float(x) ** 2)(1.0)
