"""Tests of bpcore.losses: values, gradients (finite differences, autodiff,
PyTorch), numerical stability, the clipping convention and bad input."""

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import bpcore.losses as L
from bpcore.autodiff import Tensor
from bpcore.gradcheck import numerical_grad

FAST = settings(max_examples=30, deadline=None)
values = st.floats(-5.0, 5.0, allow_nan=False, allow_infinity=False)
probabilities = st.floats(0.05, 0.95)

REGRESSION = ["mse", "half_mse", "mae", "huber"]


# -- strategies for valid inputs of each loss ------------------------------------

# Every strategy gives (y_true, y_pred, keyword arguments of the loss and its gradient).

@st.composite
def regression_case(draw, huber=False):
    shape = draw(array_shapes(max_dims=3, max_side=5))
    y = draw(arrays(np.float64, shape, elements=values))
    yhat = draw(arrays(np.float64, shape, elements=values))
    kwargs = {"delta": draw(st.floats(0.1, 4.0))} if huber else {}
    # keep away from the kinks of |r| (mae) and |r| = delta (huber), where finite differences straddle them
    r = yhat - y
    assume(np.all(np.abs(r) > 1e-3) and np.all(np.abs(np.abs(r) - kwargs.get("delta", 1.0)) > 1e-3))
    return y, yhat, kwargs


@st.composite
def classification_case(draw, logits=False):
    n, m = draw(st.integers(1, 6)), draw(st.integers(2, 5))
    labels = np.array(draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n)))
    if logits:
        p = draw(arrays(np.float64, (n, m), elements=values))
    else:
        p = draw(arrays(np.float64, (n, m), elements=probabilities))
    one_hot = draw(st.booleans())
    return (np.eye(m)[labels] if one_hot else labels), p, {}


@st.composite
def binary_case(draw):
    shape = draw(array_shapes(max_dims=2, max_side=5))
    y = draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    p = draw(arrays(np.float64, shape, elements=probabilities))
    return y, p, {}


@st.composite
def binary_logit_case(draw):
    shape = draw(array_shapes(max_dims=2, max_side=5))
    y = draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 0.3])))
    z = draw(arrays(np.float64, shape, elements=st.floats(-30.0, 30.0)))
    return y, z, {}


CASES = {
    "mse": regression_case(), "half_mse": regression_case(), "mae": regression_case(),
    "huber": regression_case(huber=True), "binary_cross_entropy": binary_case(),
    "binary_cross_entropy_with_logits": binary_logit_case(),
    "cross_entropy": classification_case(), "softmax_cross_entropy": classification_case(logits=True),
}


# -- the worked example and documented values ----------------------------------------

def test_worked_example_numbers():
    assert L.half_mse(3.0, 1.5) == 1.125
    g = L.half_mse_grad(3.0, 1.5)
    assert g == -1.5 and type(g) is float
    assert type(L.half_mse(3.0, 1.5)) is float
    assert L.mse(3.0, 1.5) == 2.25 and L.mse_grad(3.0, 1.5) == -3.0


def test_zero_d_arrays_are_accepted_and_array_in_gives_array_out():
    assert L.half_mse(np.array(3.0), np.array(1.5)) == 1.125
    g = L.half_mse_grad(np.array(3.0), np.array(1.5))
    assert isinstance(g, np.ndarray) and g.shape == () and g == -1.5
    g = L.mse_grad(np.array([1.0, 2.0]), np.array([2.0, 2.0]))
    assert isinstance(g, np.ndarray) and g.tolist() == [1.0, 0.0]


def test_regression_formulas_on_small_numbers():
    y, yhat = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 1.0, 4.0])
    assert L.mse(y, yhat) == pytest.approx((0.25 + 4.0) / 4)
    assert L.half_mse(y, yhat) == pytest.approx((0.25 + 4.0) / 8)
    assert L.mae(y, yhat) == pytest.approx(2.5 / 4)
    assert L.huber(y, yhat) == pytest.approx((0.125 + 1.5) / 4)
    assert L.huber(y, yhat, delta=3.0) == pytest.approx((0.125 + 2.0) / 4)
    assert np.allclose(L.mse_grad(y, yhat), 2 * (yhat - y) / 4)
    assert np.allclose(L.half_mse_grad(y, yhat), (yhat - y) / 4)


def test_integer_labels_and_one_hot_give_the_same_result():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([0, 2])
    one_hot = np.eye(3)[labels]
    assert L.cross_entropy(labels, p) == L.cross_entropy(one_hot, p) == pytest.approx(-np.log([0.7, 0.8]).mean())
    assert np.array_equal(L.cross_entropy_grad(labels, p), L.cross_entropy_grad(one_hot, p))
    assert L.softmax_cross_entropy(labels, p) == L.softmax_cross_entropy(one_hot, p)
    assert L.cross_entropy([0.0, 2.0], p) == L.cross_entropy(labels, p)  # integral floats are labels too


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax():
    z = np.random.default_rng(0).normal(size=(5, 4))
    labels = np.array([0, 1, 2, 3, 0])
    assert L.softmax_cross_entropy(labels, z) == pytest.approx(L.cross_entropy(labels, L.softmax(z)), rel=1e-12)
    assert np.allclose(L.softmax_cross_entropy_grad(labels, z), (L.softmax(z) - np.eye(4)[labels]) / 5)


# -- gradients: finite differences, autodiff, PyTorch ------------------------------------

@pytest.mark.parametrize("name", list(CASES))
@FAST
@given(data=st.data())
def test_every_grad_matches_finite_differences(name, data):
    y, p, kwargs = data.draw(CASES[name])
    loss, loss_grad = getattr(L, name), getattr(L, name + "_grad")
    numeric = numerical_grad(lambda v: loss(y, v, **kwargs), p)
    analytic = loss_grad(y, p, **kwargs)
    assert analytic.shape == np.shape(p)
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", list(CASES))
@FAST
@given(data=st.data())
def test_every_grad_matches_autodiff_of_the_same_formula(name, data):
    y, p, kwargs = data.draw(CASES[name])
    loss, loss_grad = getattr(L, name), getattr(L, name + "_grad")
    t = Tensor(p)
    out = loss(y, t, **kwargs)
    assert isinstance(out, Tensor) and out.shape == ()
    assert float(out) == pytest.approx(loss(y, p, **kwargs), rel=1e-12, abs=1e-15)  # one formula, two paths
    out.backward()
    assert np.allclose(t.grad, loss_grad(y, p, **kwargs), rtol=1e-10, atol=1e-14)


def _torch_losses(torch):
    F = torch.nn.functional
    return {
        "mse": lambda y, p: F.mse_loss(p, y),
        "half_mse": lambda y, p: 0.5 * F.mse_loss(p, y),
        "mae": lambda y, p: F.l1_loss(p, y),
        "huber": lambda y, p, delta=1.0: F.huber_loss(p, y, delta=delta),
        "binary_cross_entropy": lambda y, p: F.binary_cross_entropy(p, y),
        "binary_cross_entropy_with_logits": lambda y, p: F.binary_cross_entropy_with_logits(p, y),
        "cross_entropy": lambda y, p: -(y * torch.log(p)).sum(dim=1).mean(),
        "softmax_cross_entropy": lambda y, p: F.cross_entropy(p, y),
    }


@pytest.mark.parametrize("name", list(CASES))
def test_losses_and_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    if name in REGRESSION:
        y, p = rng.normal(size=(6, 2)), rng.normal(size=(6, 2)) * 2
    elif name == "binary_cross_entropy":
        y, p = rng.integers(0, 2, size=7).astype(float), rng.uniform(0.01, 0.99, size=7)
    elif name == "binary_cross_entropy_with_logits":
        y, p = rng.integers(0, 2, size=7).astype(float), rng.normal(size=7) * 4
    else:
        labels = rng.integers(0, 4, size=8)
        y = np.eye(4)[labels]
        p = rng.dirichlet(np.ones(4), size=8) if name == "cross_entropy" else rng.normal(size=(8, 4)) * 3
    p_t = torch.tensor(p, requires_grad=True)
    expected = _torch_losses(torch)[name](torch.tensor(y), p_t)
    expected.backward()
    assert getattr(L, name)(y, p) == pytest.approx(expected.item(), rel=1e-12, abs=1e-14)
    assert np.allclose(getattr(L, name + "_grad")(y, p), p_t.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_matches_pytorch_for_several_deltas(delta):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    y, p = rng.normal(size=(6, 2)), rng.normal(size=(6, 2)) * 2  # residuals on both sides of delta
    assert np.any(np.abs(p - y) < delta) and np.any(np.abs(p - y) > delta)
    p_t = torch.tensor(p, requires_grad=True)
    expected = _torch_losses(torch)["huber"](torch.tensor(y), p_t, delta=delta)
    expected.backward()
    assert L.huber(y, p, delta=delta) == pytest.approx(expected.item(), rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(L.huber_grad(y, p, delta=delta), p_t.grad.numpy(), rtol=1e-12, atol=1e-15)


# -- the kinks: the documented (sub)gradients, exactly -----------------------------------

def test_mae_grad_is_zero_where_the_residual_is_zero():
    y, yhat = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.5, 3.0, 3.0])
    expected = np.array([0.0, 0.25, 0.0, -0.25])  # sign(r) / n with sign(0) = 0
    assert np.array_equal(L.mae_grad(y, yhat), expected)
    t = Tensor(yhat)
    L.mae(y, t).backward()
    assert np.array_equal(t.grad, expected)  # autodiff takes the same subgradient
    assert L.mae_grad(2.0, 2.0) == 0.0


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_grad_at_the_kink_is_plus_or_minus_delta(delta):
    # Huber is continuously differentiable: at |r| = delta both pieces have slope delta
    y = np.zeros(4)
    yhat = np.array([delta, -delta, 0.25 * delta, -3.0 * delta])  # two kinks, one inside, one outside
    expected = np.array([delta, -delta, 0.25 * delta, -delta]) / 4
    assert np.array_equal(L.huber_grad(y, yhat, delta=delta), expected)
    t = Tensor(yhat)
    L.huber(y, t, delta=delta).backward()
    np.testing.assert_allclose(t.grad, expected, rtol=1e-15, atol=0)
    # a central difference straddling the kink is off by only h / 4 (the quadratic's curvature)
    numeric = numerical_grad(lambda v: L.huber(y, v, delta=delta), yhat)
    np.testing.assert_allclose(numeric, expected, rtol=0, atol=1e-6)


def test_softmax_and_log_softmax_match_pytorch_including_huge_logits():
    torch = pytest.importorskip("torch")
    z = np.array([[1e4, -1e4, 0.0, 3.0], [-2e4, -2e4 + 1.0, -2e4 + 2.0, -2e4]])
    for axis in (0, 1, -1):
        np.testing.assert_allclose(L.softmax(z, axis=axis), torch.softmax(torch.tensor(z), dim=axis).numpy(),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(L.log_softmax(z, axis=axis),
                                   torch.log_softmax(torch.tensor(z), dim=axis).numpy(), rtol=1e-12, atol=1e-12)


# -- soft targets: probabilities instead of 0/1 labels -----------------------------------

SOFT_Y = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])  # rows of target probabilities
SOFT_P = np.array([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])


def test_cross_entropy_with_soft_targets_matches_the_formula():
    # -(1/n) sum_i sum_c y_ic ln p_ic, written out term by term with math.log
    expected = -sum(y * math.log(p) for y_row, p_row in zip(SOFT_Y, SOFT_P) for y, p in zip(y_row, p_row)) / 2
    assert L.cross_entropy(SOFT_Y, SOFT_P) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(L.cross_entropy_grad(SOFT_Y, SOFT_P), -SOFT_Y / SOFT_P / 2, rtol=1e-14, atol=0)
    np.testing.assert_allclose(L.cross_entropy_grad(SOFT_Y, SOFT_P),
                               numerical_grad(lambda v: L.cross_entropy(SOFT_Y, v), SOFT_P), rtol=1e-6, atol=1e-9)


def test_softmax_cross_entropy_with_soft_targets_matches_the_formula():
    z = np.log(SOFT_P) + 1.5  # softmax(z) = SOFT_P: the shift cancels
    expected = -sum(y * math.log(p) for y_row, p_row in zip(SOFT_Y, SOFT_P) for y, p in zip(y_row, p_row)) / 2
    assert L.softmax_cross_entropy(SOFT_Y, z) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(SOFT_Y, z), (SOFT_P - SOFT_Y) / 2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(SOFT_Y, z),
                               numerical_grad(lambda v: L.softmax_cross_entropy(SOFT_Y, v), z), rtol=1e-6, atol=1e-9)


def test_binary_cross_entropy_with_soft_targets_matches_the_formula():
    y, p = np.array([0.3, 0.5, 0.9, 0.0]), np.array([0.6, 0.5, 0.2, 0.4])
    expected = -sum(t * math.log(q) + (1 - t) * math.log(1 - q) for t, q in zip(y, p)) / 4
    assert L.binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(L.binary_cross_entropy_grad(y, p), (p - y) / (p * (1 - p)) / 4, rtol=1e-14, atol=0)
    assert L.binary_cross_entropy_grad(y, p)[1] == 0.0  # p = y = 0.5 is the minimum even for a soft target
    np.testing.assert_allclose(L.binary_cross_entropy_grad(y, p),
                               numerical_grad(lambda v: L.binary_cross_entropy(y, v), p), rtol=1e-6, atol=1e-9)


def test_soft_targets_match_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z = np.log(SOFT_P) + 1.5
    assert L.softmax_cross_entropy(SOFT_Y, z) == pytest.approx(
        F.cross_entropy(torch.tensor(z), torch.tensor(SOFT_Y)).item(), rel=1e-12)  # probability targets
    y, p = np.array([0.3, 0.5, 0.9, 0.0]), np.array([0.6, 0.5, 0.2, 0.4])
    assert L.binary_cross_entropy(y, p) == pytest.approx(
        F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item(), rel=1e-12)


def test_a_perfect_prediction_has_loss_plus_zero():
    # 0.0, not -0.0: the sign would show up in printed results
    for loss in (L.softmax_cross_entropy([0], [[1e4, 0.0]]), L.cross_entropy([0], [[1.0, 0.0]])):
        assert loss == 0.0 and math.copysign(1.0, loss) == 1.0


# -- numerical stability ------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e4, -1e4, 1e6])
def test_softmax_cross_entropy_is_finite_and_warning_free_for_huge_logits(scale):
    z = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.5], [-1.0, 2.0, 0.0]]) * scale
    labels = np.array([0, 2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = L.softmax_cross_entropy(labels, z)
        g = L.softmax_cross_entropy_grad(labels, z)
        t = Tensor(z)
        L.softmax_cross_entropy(labels, t).backward()
        s, ls = L.softmax(z), L.log_softmax(z)
    assert np.isfinite(loss) and np.all(np.isfinite(g)) and np.all(np.isfinite(t.grad))
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ls))
    assert np.allclose(t.grad, g)
    assert np.allclose(s.sum(axis=1), 1.0)
    # exact value: for row i, -(z_label - max z) when the max dominates
    expected = np.mean([np.max(row) - row[k] for row, k in zip(z, labels)])
    assert loss == pytest.approx(expected, rel=1e-12)


def test_softmax_is_shift_invariant():
    z = np.random.default_rng(4).normal(size=(3, 5))
    # z + 1e4 is rounded to multiples of 2^-39 ~ 1.8e-12, so the softmax moves by a fraction of that
    np.testing.assert_allclose(L.softmax(z), L.softmax(z + 1e4), rtol=0, atol=1e-12)


# -- probabilities of exactly 0 or 1: the documented clipping -----------------------------

def test_bce_clips_probabilities_to_eps():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        confident_and_right = L.binary_cross_entropy([1.0, 0.0], [1.0, 0.0])
        confident_and_wrong = L.binary_cross_entropy([1.0, 0.0], [0.0, 1.0])
        g = L.binary_cross_entropy_grad([1.0, 0.0], [0.0, 1.0])
    assert 0.0 <= confident_and_right < 1e-11
    assert confident_and_wrong == pytest.approx(-np.log(L.EPS))
    assert np.array_equal(g, [0.0, 0.0])  # gradient of the clipped (flat) function


def test_cross_entropy_clips_zero_probabilities():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = L.cross_entropy([1], [[1.0, 0.0]])
        g = L.cross_entropy_grad([1], [[1.0, 0.0]])
    assert loss == pytest.approx(-np.log(L.EPS))
    assert np.array_equal(g, [[0.0, 0.0]])
    assert L.cross_entropy([0], [[1.0, 0.0]]) == 0.0


def test_clipped_tensor_path_agrees():
    t = Tensor([0.0, 0.3])
    loss = L.binary_cross_entropy([1.0, 1.0], t)
    loss.backward()
    assert float(loss) == pytest.approx(L.binary_cross_entropy([1.0, 1.0], [0.0, 0.3]))
    assert np.allclose(t.grad, L.binary_cross_entropy_grad([1.0, 1.0], [0.0, 0.3]))


# -- bad input ---------------------------------------------------------------------

ALL = list(CASES) + [n + "_grad" for n in CASES]


@pytest.mark.parametrize("name", ALL)
def test_n_versus_n_by_1_is_an_error_naming_both_shapes(name):
    f = getattr(L, name)
    if "softmax" in name or name.startswith("cross_entropy"):
        y, p = np.zeros((4, 1)), np.full((4, 2), 0.5)
        with pytest.raises(ValueError, match=r"\(4, 1\).*\(4, 2\)"):
            f(y, p)
    else:
        with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
            f(np.zeros(4), np.full((4, 1), 0.5))
        with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
            f(np.zeros((4, 1)), np.full(4, 0.5))


@FAST
@given(shape_a=array_shapes(max_dims=3, max_side=4), shape_b=array_shapes(max_dims=3, max_side=4),
       name=st.sampled_from(REGRESSION + ["binary_cross_entropy"]))
def test_any_shape_mismatch_raises_and_names_both_shapes(shape_a, shape_b, name):
    assume(shape_a != shape_b)
    for f in (getattr(L, name), getattr(L, name + "_grad")):
        with pytest.raises(ValueError) as err:
            f(np.zeros(shape_a), np.full(shape_b, 0.5))
        assert str(shape_a) in str(err.value) and str(shape_b) in str(err.value)


@pytest.mark.parametrize("name", ["cross_entropy", "softmax_cross_entropy"])
@pytest.mark.parametrize("labels, message", [([0, 3], "0..2"), ([-1, 0], "0..2"), ([0.5, 1], "integers"),
                                             ([0, np.nan], "integers")])
def test_bad_labels_raise_value_error(name, labels, message):
    p = np.full((2, 3), 1 / 3)
    for f in (getattr(L, name), getattr(L, name + "_grad")):
        with pytest.raises(ValueError, match=message):
            f(np.array(labels), p)


CLASSIFICATION = ["cross_entropy", "cross_entropy_grad", "softmax_cross_entropy", "softmax_cross_entropy_grad"]


@FAST
@given(data=st.data(), name=st.sampled_from(CLASSIFICATION))
def test_out_of_range_labels_always_raise(data, name):
    n, m = data.draw(st.integers(1, 5), label="n"), data.draw(st.integers(2, 5), label="M")
    # a negative label, or M + k for k >= 0 (k = 0 is the classic off-by-one)
    bad = data.draw(st.one_of(st.integers(-100, -1), st.integers(m, m + 100)), label="bad label")
    labels = np.zeros(n, dtype=int)
    labels[data.draw(st.integers(0, n - 1), label="position")] = bad
    message = rf"labels must lie in 0\.\.{m - 1} .*found values from {labels.min()} to {labels.max()}"
    with pytest.raises(ValueError, match=message):
        getattr(L, name)(labels, np.full((n, m), 1.0 / m))


@pytest.mark.parametrize("name", ["binary_cross_entropy", "cross_entropy"])
@pytest.mark.parametrize("bad_p", [1.5, -0.1, np.nan])
def test_probabilities_outside_0_1_raise(name, bad_p):
    if name == "binary_cross_entropy":
        y, p = np.array([1.0, 0.0]), np.array([0.5, bad_p])
    else:
        y, p = np.array([0, 1]), np.array([[0.5, 0.5], [bad_p, 0.5]])
    for f in (getattr(L, name), getattr(L, name + "_grad")):
        with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
            f(y, p)


def test_targets_outside_0_1_raise_for_bce():
    with pytest.raises(ValueError, match="y_true must lie"):
        L.binary_cross_entropy([2.0], [0.5])


def _prediction_argument(name):
    """The name under which a loss (or its gradient) reports its second argument."""
    base = name.removesuffix("_grad")
    return {"binary_cross_entropy": "p", "cross_entropy": "p", "softmax_cross_entropy": "logits",
            "binary_cross_entropy_with_logits": "logits"}.get(base, "y_pred")


@pytest.mark.parametrize("name", ALL + ["softmax", "log_softmax"])
@pytest.mark.parametrize("bad", ["abc", None, object(), ["a", "b"]])
def test_non_numeric_input_is_a_type_error_naming_the_argument(name, bad):
    f = getattr(L, name)
    if name in ("softmax", "log_softmax"):
        with pytest.raises(TypeError, match="^z must be numeric"):
            f(bad)
        return
    with pytest.raises(TypeError, match="^y_true must be numeric"):
        f(bad, np.full((2, 2), 0.5))
    with pytest.raises(TypeError, match=f"^{_prediction_argument(name)} must be numeric"):
        f(np.array([0, 1]), bad)


def test_tensor_targets_are_rejected_clearly():
    with pytest.raises(TypeError, match="Tensor"):
        L.mse(Tensor([1.0]), [1.0])


def test_empty_input_and_bad_delta_raise():
    with pytest.raises(ValueError, match="empty"):
        L.mse(np.zeros(0), np.zeros(0))
    for delta in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="delta"):
            L.huber([1.0], [2.0], delta=delta)
    for delta in ("1", None, 1j):   # the wrong kind of thing: TypeError (the API appendix)
        with pytest.raises(TypeError, match="delta"):
            L.huber([1.0], [2.0], delta=delta)


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("y, p", [(np.zeros(0, dtype=int), np.zeros((0, 3))), (np.zeros((0, 3)), np.zeros((0, 3))),
                                  (np.zeros(2, dtype=int), np.zeros((2, 0)))])
def test_empty_classification_input_raises(name, y, p):
    argument = _prediction_argument(name)
    with pytest.raises(ValueError, match=rf"^{argument} is empty \(shape {re.escape(str(p.shape))}\)"):
        getattr(L, name)(y, p)


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_grad"])
def test_empty_binary_input_raises(name):
    with pytest.raises(ValueError, match=r"^y_true is empty \(shape \(0,\)\)"):
        getattr(L, name)(np.zeros(0), np.zeros(0))


def test_wrong_dimensionality_for_classification():
    with pytest.raises(ValueError, match=r"\(n, M\).*\(3,\)"):
        L.cross_entropy([0, 1, 0], [0.2, 0.3, 0.5])


@pytest.mark.parametrize("name", list(CASES))
def test_inputs_are_never_modified(name):
    rng = np.random.default_rng(5)
    if name in REGRESSION:
        y, p = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    elif name == "binary_cross_entropy":
        y, p = np.array([0.0, 1.0, 1.0]), np.array([0.0, 0.4, 1.0])
    elif name == "binary_cross_entropy_with_logits":
        y, p = np.array([0.0, 1.0, 1.0]), np.array([-1e4, 0.4, 3.0])
    else:
        y, p = np.array([0, 2, 1]), rng.dirichlet(np.ones(3), size=3)
        p[0, 1] = 0.0
    y0, p0 = y.copy(), p.copy()
    getattr(L, name)(y, p)
    getattr(L, name + "_grad")(y, p)
    t = Tensor(p)
    getattr(L, name)(y, t).backward()
    assert np.array_equal(y, y0) and np.array_equal(p, p0) and np.array_equal(t.data, p0)
    z = p.copy()
    L.softmax(z)
    L.log_softmax(z)
    assert np.array_equal(z, p0)


# -- axis: one call scores many models (used by bpcore.landscape.loss_grid) ----

@pytest.mark.parametrize("name", ["mse", "half_mse", "mae", "huber"])
def test_axis_gives_the_loss_of_each_row(name):
    loss = getattr(L, name)
    rng = np.random.default_rng(7)
    y_true, y_pred = rng.normal(size=(5, 8)), 3 * rng.normal(size=(5, 8))
    rows = loss(y_true, y_pred, axis=1)
    assert isinstance(rows, np.ndarray) and rows.shape == (5,)
    np.testing.assert_allclose(rows, [loss(t, p) for t, p in zip(y_true, y_pred)], rtol=1e-14)
    columns = loss(y_true, y_pred, axis=0)
    np.testing.assert_allclose(columns, [loss(t, p) for t, p in zip(y_true.T, y_pred.T)], rtol=1e-14)
    assert isinstance(loss(y_true, y_pred, axis=None), float)


@pytest.mark.parametrize("axis", [1.5, "1", True])
def test_axis_must_be_an_int(axis):
    with pytest.raises(TypeError, match="axis"):
        L.mse(np.zeros((2, 2)), np.ones((2, 2)), axis=axis)


# -- binary cross-entropy from logits: stable at every z, equal to torch ------------------

EXTREME_LOGITS = np.array([-1e300, -1e16, -1e4, -745.0, -100.0, -30.0, -27.7, -1.0, -1e-300, 0.0,
                           1e-300, 1.0, 27.7, 30.0, 100.0, 745.0, 1e4, 1e16, 1e300])


def _exact_bce_with_logits(y, z):
    """y softplus(-z) + (1 - y) softplus(z) in 50-digit arithmetic."""
    import mpmath
    with mpmath.workdps(50):
        z = mpmath.mpf(float(z))
        softplus = lambda t: mpmath.log1p(mpmath.exp(t))
        sigmoid = lambda t: 1 / (1 + mpmath.exp(-t))
        return float(y * softplus(-z) + (1 - y) * softplus(z)), float((1 - y) * sigmoid(z) - y * sigmoid(-z))


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_bce_with_logits_equals_torch_at_every_logit(y):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    for z in EXTREME_LOGITS:   # one logit at a time: the mean of one term is that term
        z_t = torch.tensor([z], dtype=torch.float64, requires_grad=True)
        expected = F.binary_cross_entropy_with_logits(z_t, torch.tensor([y], dtype=torch.float64))
        expected.backward()
        value = L.binary_cross_entropy_with_logits([y], [z])
        grad = L.binary_cross_entropy_with_logits_grad([y], [z])
        assert math.isfinite(value) and np.all(np.isfinite(grad))
        # torch computes log(1 + e^-|z|), which rounds a term below 1e-16 away
        # (an absolute error of at most ~1e-16, times |z| where z cancels); ours is exact there
        assert value == pytest.approx(expected.item(), rel=1e-13, abs=2e-16 * max(1.0, abs(z))), z
        assert grad[0] == pytest.approx(z_t.grad.item(), rel=1e-13, abs=2e-16), z
        exact_value, exact_grad = _exact_bce_with_logits(y, z)
        assert value == pytest.approx(exact_value, rel=1e-14, abs=1e-300), z
        assert grad[0] == pytest.approx(exact_grad, rel=1e-14, abs=1e-300), z


def test_bce_with_logits_keeps_growing_where_the_probability_form_clips():
    # y = 1, z = -30: the clipped probability form stops at -ln(1e-12) = 27.63 with gradient 0
    assert L.binary_cross_entropy(1.0, 1.0 / (1.0 + np.exp(30.0))) == pytest.approx(-np.log(L.EPS))
    assert L.binary_cross_entropy_with_logits(1.0, -30.0) == pytest.approx(30.0, rel=1e-12)
    assert L.binary_cross_entropy_with_logits_grad(1.0, -30.0) == pytest.approx(-1.0, rel=1e-12)
    assert L.binary_cross_entropy_with_logits(1.0, -1e4) == 1e4
    assert L.binary_cross_entropy_with_logits_grad(1.0, -1e4) == -1.0
    assert L.binary_cross_entropy_with_logits_grad(1.0, 0.0) == -0.5


@FAST
@given(y=st.sampled_from([0.0, 1.0]), z=st.floats(-25.0, 25.0))
def test_bce_with_logits_equals_bce_of_the_sigmoid_where_nothing_is_clipped(y, z):
    p = 1.0 / (1.0 + np.exp(-z))
    assert L.binary_cross_entropy_with_logits(y, z) == pytest.approx(L.binary_cross_entropy(y, p), rel=1e-9, abs=1e-12)
    # chain rule: dBCE/dp * dp/dz = (p - y)
    assert L.binary_cross_entropy_with_logits_grad(y, z) == pytest.approx(
        L.binary_cross_entropy_grad(y, p) * p * (1 - p), rel=1e-8, abs=1e-12)


def test_bce_with_logits_rejects_targets_outside_the_unit_interval_and_mismatched_shapes():
    with pytest.raises(ValueError):
        L.binary_cross_entropy_with_logits([2.0], [0.0])
    with pytest.raises(ValueError, match="one prediction per target"):
        L.binary_cross_entropy_with_logits([1.0, 0.0], [0.0])


def test_softmax_cross_entropy_with_masked_logits_equals_torch():
    torch = pytest.importorskip("torch")
    z = np.array([[1.0, -np.inf, -0.5], [-np.inf, 2.0, 0.3], [0.2, 0.1, -np.inf]])
    labels = np.array([0, 1, 1])
    z_t = torch.tensor(z, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(z_t, torch.tensor(labels))
    expected.backward()
    for targets in (labels, np.eye(3)[labels]):
        value = L.softmax_cross_entropy(targets, z)
        assert math.isfinite(value) and value == pytest.approx(expected.item(), rel=1e-13)
        np.testing.assert_allclose(L.softmax_cross_entropy_grad(targets, z), z_t.grad.numpy(), rtol=1e-12, atol=0)
    t = Tensor(z)
    out = L.softmax_cross_entropy(labels, t)
    out.backward()
    assert float(out) == pytest.approx(expected.item(), rel=1e-13)
    np.testing.assert_allclose(t.grad, z_t.grad.numpy(), rtol=1e-12, atol=0)


def test_mismatched_sizes_do_not_suggest_a_reshape():
    with pytest.raises(ValueError) as info:
        L.mse([1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])
    assert "reshape" not in str(info.value) and "one prediction per target" in str(info.value)
    with pytest.raises(ValueError, match="reshape"):   # same size, other shape: a reshape does help
        L.mse([1.0, 2.0, 3.0], [[1.0], [2.0], [3.0]])
