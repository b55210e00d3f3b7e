"""Tests of bpcore.autodiff: every op against finite differences and PyTorch,
broadcasting, reuse, accumulation semantics, deep graphs and bp.grad."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import bpcore as bp
from bpcore.autodiff import Tensor, grad
from bpcore.gradcheck import numerical_grad, rel_error

FAST = settings(max_examples=50, deadline=None)
finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def autodiff_grad(f, x):
    t = Tensor(x)
    f(t).backward()
    return t.grad


# (name, function usable on Tensor and ndarray, domain shift so log etc. are defined)
UNARY = [
    ("neg", lambda x: -x),
    ("exp", lambda x: bp.autodiff.exp(x)),
    ("log", lambda x: bp.autodiff.log(abs(x) + 0.5)),
    ("tanh", lambda x: bp.autodiff.tanh(x)),
    ("sigmoid", lambda x: bp.autodiff.sigmoid(x)),
    ("relu", lambda x: bp.autodiff.relu(x + 0.05)),
    ("abs", lambda x: abs(x + 0.05)),
    ("pow", lambda x: x ** 3),
    ("sqrt", lambda x: (x * x + 1.0) ** 0.5),
    ("clip", lambda x: x.clip(-0.51, 0.52)),
    ("div", lambda x: 1.0 / (x * x + 1.0)),
    ("rsub", lambda x: 1 - x),
    ("rmul", lambda x: 2.0 * x),
    ("reshape", lambda x: x.reshape(-1) * np.arange(x.size)),
    ("T", lambda x: x.T * np.arange(x.size).reshape(x.T.shape)),
    ("logsumexp", lambda x: bp.autodiff.logsumexp(x, axis=-1)),
]


@FAST
@given(data=st.data(), case=st.sampled_from(UNARY))
def test_unary_ops_match_finite_differences(data, case):
    name, f = case
    x = data.draw(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=4), elements=finite))
    weights = np.random.default_rng(0).normal(size=np.shape(f(x)))

    def loss(v):
        out = f(v) * weights
        return out.sum()

    g = autodiff_grad(loss, x)
    num = numerical_grad(lambda v: float(loss(v)), x)
    assert g.shape == x.shape
    assert np.allclose(g, num, rtol=1e-5, atol=1e-7), name


@FAST
@given(data=st.data(), op=st.sampled_from(["+", "-", "*", "/"]))
def test_binary_ops_broadcast_and_reduce_gradients_to_each_shape(data, op):
    shape = data.draw(array_shapes(min_dims=1, max_dims=3, max_side=4))
    # the second operand: a broadcastable shape (drop leading axes, set some to 1)
    k = data.draw(st.integers(0, len(shape)))
    other_shape = tuple(1 if data.draw(st.booleans()) else n for n in shape[k:])
    a = data.draw(arrays(np.float64, shape, elements=finite))
    b = data.draw(arrays(np.float64, other_shape, elements=st.floats(0.5, 2.0)))
    fn = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}[op]
    ta, tb = Tensor(a), Tensor(b)
    (fn(ta, tb) ** 2).sum().backward()
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape
    assert np.allclose(ta.grad, numerical_grad(lambda v: float(np.sum(fn(v, b) ** 2)), a), rtol=1e-5, atol=1e-6)
    assert np.allclose(tb.grad, numerical_grad(lambda v: float(np.sum(fn(a, v) ** 2)), b), rtol=1e-5, atol=1e-6)


# Variants that the random-shape test above does not reach: each is a function of
# one (3, 4) array; the weights make every output entry matter differently.
VARIANTS = {
    "slice": lambda x: x[1:, ::2],
    "negative step and Ellipsis": lambda x: x[..., ::-1][:, 1],
    "integer array with repeats": lambda x: x[np.array([2, 0, 2])],
    "boolean mask": lambda x: x[np.arange(12).reshape(3, 4) % 3 == 0],
    "int axis": lambda x: x.sum(axis=1),
    "negative axis": lambda x: x.mean(axis=-2),
    "tuple axis": lambda x: (x.reshape(3, 2, 2) ** 2).sum(axis=(0, 2)),
    "tuple axis, mean, keepdims": lambda x: x.reshape(3, 2, 2).mean(axis=(0, -1), keepdims=True),
    "logsumexp keepdims": lambda x: bp.autodiff.logsumexp(x, axis=0, keepdims=True),
    "logsumexp keepdims, last axis": lambda x: bp.autodiff.logsumexp(x, axis=-1, keepdims=True),
    "clip below only": lambda x: x.clip(-0.3, None),
    "clip above only": lambda x: x.clip(None, 0.3),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_indexing_and_reduction_variants_match_finite_differences(name):
    f = VARIANTS[name]
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 4))
    assert np.all(np.abs(np.abs(x) - 0.3) > 1e-3)  # no entry on a clip kink ...
    assert np.any(x < -0.3) and np.any(x > 0.3)  # ... and each clip is active somewhere
    weights = rng.normal(size=np.shape(f(x)))

    def loss(v):
        return (f(v) * weights).sum()

    np.testing.assert_allclose(autodiff_grad(loss, x), numerical_grad(lambda v: float(loss(v)), x),
                               rtol=1e-6, atol=1e-9, err_msg=name)


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2))]


@pytest.mark.parametrize("shape_a, shape_b", MATMUL_SHAPES)
def test_matmul_matches_finite_differences_for_each_operand(shape_a, shape_b):
    rng = np.random.default_rng(12)
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    w = rng.normal(size=np.shape(a @ b))
    ta, tb = Tensor(a), Tensor(b)
    ((ta @ tb) * w).sum().backward()
    np.testing.assert_allclose(ta.grad, numerical_grad(lambda v: float(np.sum((v @ b) * w)), a), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(tb.grad, numerical_grad(lambda v: float(np.sum((a @ v) * w)), b), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape_a, shape_b", [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                                              ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5))])
def test_matmul_against_torch(shape_a, shape_b):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    w = rng.normal(size=np.shape(a @ b))
    ta, tb = Tensor(a), Tensor(b)
    ((ta @ tb) * w).sum().backward()
    xa, xb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ((xa @ xb) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ta.grad, xa.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(tb.grad, xb.grad.numpy(), rtol=0, atol=1e-12)


def test_composite_expression_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    A, B, v, c = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=3), rng.normal(size=5)

    def expression(lib_exp, a, b, vec, bias, constant):
        h = ((a @ b + bias).tanh() * 2.0 - 1).sigmoid() / (1 + lib_exp(a @ vec)[:, None])
        return h.sum() + vec @ vec + ((a ** 2).mean(axis=0, keepdims=True) * constant).sum() \
            + a.T.reshape(12)[np.array([0, 0, 3])].sum() + a.logsumexp(axis=1).sum()

    ts = [Tensor(x) for x in (A, B, v, c)]
    ours = expression(bp.autodiff.exp, *ts, A)
    ours.backward()
    xs = [torch.tensor(x, requires_grad=True) for x in (A, B, v, c)]
    theirs = expression(torch.exp, *xs, torch.tensor(A))
    theirs.backward()
    assert abs(float(ours) - theirs.item()) < 1e-12
    for t, x in zip(ts, xs):
        np.testing.assert_allclose(t.grad, x.grad.numpy(), rtol=0, atol=1e-12)


def test_integer_array_indexing_with_repeats_accumulates():
    z = Tensor(np.arange(6.0).reshape(3, 2))
    picked = z[np.array([0, 1, 2, 2]), np.array([1, 0, 1, 1])]
    assert np.array_equal(picked.data, [1.0, 2.0, 5.0, 5.0])
    picked.sum().backward()
    assert np.array_equal(z.grad, [[0, 1], [1, 0], [0, 2]])


def test_a_node_used_twice_receives_both_contributions():
    x = Tensor(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_leaf_gradients_accumulate_across_backward_calls_like_pytorch():
    x = Tensor([1.0, 2.0])
    h = x * 3.0  # an intermediate node: must not be double counted on the second call
    loss = (h * h).sum()
    loss.backward()
    first = x.grad.copy()
    loss.backward()
    assert np.array_equal(x.grad, 2 * first)  # exactly one more gradient, not three
    assert h.grad is None  # an intermediate gradient is freed once passed on (PyTorch semantics)
    x.zero_grad()
    assert np.array_equal(x.grad, [0.0, 0.0])


def test_grad_is_zeros_of_the_right_shape_before_backward():
    x = Tensor(np.ones((2, 3)))
    assert x.grad.shape == (2, 3) and x.grad.dtype == np.float64 and not x.grad.any()


def test_backward_is_iterative_for_a_chain_of_10000_ops():
    x = Tensor(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001 ** 10_000, rtol=1e-10)


def test_reflected_operations_and_numpy_on_the_left():
    x = Tensor(np.array([1.0, 2.0]))
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    for result in (2.0 * x, 1 - x, 2.0 / x, m @ x, np.ones(2) + x, np.float64(3.0) * x, np.ones(2) - x):
        assert isinstance(result, Tensor)
    y = m @ x
    y.sum().backward()
    assert np.array_equal(x.grad, m.sum(axis=0))
    assert np.array_equal((1 - x).data, [0.0, -1.0]) and np.array_equal((2.0 / x).data, [2.0, 1.0])


def test_tensor_copies_its_input_and_is_float64():
    a = np.array([1.0, 2.0])
    t = Tensor(a)
    t.data[0] = 99.0
    assert a[0] == 1.0
    assert Tensor([1, 2]).data.dtype == np.float64
    assert Tensor(np.float32(1.5)).data.dtype == np.float64


@pytest.mark.parametrize("bad", ["abc", None, object(), [1, "a"], 1 + 2j])
def test_tensor_rejects_non_numeric_data_with_type_error(bad):
    with pytest.raises(TypeError, match="numeric"):
        Tensor(bad)


@pytest.mark.parametrize("ragged", [[[1.0, 2.0], [3.0]], [1.0, [2.0, 3.0]]])
def test_ragged_data_is_a_clear_value_error(ragged):
    with pytest.raises(ValueError, match="^Tensor data is ragged"):
        Tensor(ragged)


def test_data_setter_keeps_the_shape():
    t = Tensor(np.zeros(3))
    t.data = [1, 2, 3]
    assert t.data.dtype == np.float64
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        t.data = np.zeros(2)


def test_backward_on_a_non_scalar_needs_an_explicit_gradient():
    x = Tensor([1.0, 2.0])
    y = x * 2.0
    with pytest.raises(ValueError, match="scalar"):
        y.backward()
    y.backward(np.array([1.0, 10.0]))
    assert np.array_equal(x.grad, [2.0, 20.0])


@pytest.mark.parametrize("seed_shape", [(3,), (2, 1), (1, 2), ()])
def test_backward_gradient_of_the_wrong_shape_names_both_shapes(seed_shape):
    x = Tensor([1.0, 2.0])
    y = x * 2.0
    pattern = r"gradient has shape " + re.escape(str(seed_shape)) + r".*tensor has shape \(2,\)"
    with pytest.raises(ValueError, match=pattern):
        y.backward(np.ones(seed_shape))  # never broadcast against (2,)
    assert not x.grad.any()


def test_tensor_exponent_is_rejected():
    with pytest.raises(TypeError, match="exp"):
        Tensor(2.0) ** Tensor(3.0)


def test_constants_get_no_gradient_and_data_in_is_not_modified():
    X = np.ones((2, 3))
    W = Tensor(np.ones((3, 1)))
    (X @ W).sum().backward()
    assert np.array_equal(X, np.ones((2, 3)))
    assert np.array_equal(W.grad, [[2.0], [2.0], [2.0]])


def test_logsumexp_and_sigmoid_are_stable_for_huge_inputs():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Tensor(z)
        lse = t.logsumexp(axis=1)
        lse.sum().backward()
        s = bp.autodiff.sigmoid(np.array([-1e4, 0.0, 1e4]))
    np.testing.assert_allclose(lse.data, [1e4, -1e4 + np.log(3.0)], rtol=0, atol=1e-9)
    np.testing.assert_allclose(t.grad, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=0, atol=1e-12)
    assert np.array_equal(s, [0.0, 0.5, 1.0])


def test_grad_of_the_worked_example_returns_a_float():
    dL_dW = bp.grad(lambda w: bp.losses.half_mse(3.0, w * 1.0 - 0.5))(2.0)
    assert dL_dW == -1.5 and type(dL_dW) is float


def test_grad_of_an_array_function_returns_an_array_and_leaves_x_alone():
    x = np.array([1.0, -2.0, 3.0])
    before = x.copy()
    g = grad(lambda v: (v ** 3).sum())(x)
    assert isinstance(g, np.ndarray) and g.shape == x.shape
    assert np.allclose(g, 3 * x ** 2)
    assert np.array_equal(x, before)


def test_grad_passes_extra_arguments_and_handles_constant_functions():
    assert grad(lambda w, c: (w * c).sum())(np.ones(2), 5.0).tolist() == [5.0, 5.0]
    assert grad(lambda w: 4.0)(1.0) == 0.0


@pytest.mark.parametrize("f", [lambda w: w * np.ones(3), lambda w: "loss", lambda w: None])
def test_grad_rejects_functions_that_do_not_return_a_scalar(f):
    with pytest.raises(TypeError, match="scalar"):
        grad(f)(1.0)


@FAST
@given(x=arrays(np.float64, array_shapes(max_dims=2, max_side=5), elements=finite))
def test_grad_agrees_with_numerical_grad(x):
    def f(v):
        return (bp.autodiff.tanh(v) * v).sum() + (v ** 2).mean()
    assert rel_error(grad(f)(x) + 1.0, numerical_grad(lambda v: float(f(v)), x) + 1.0) < 1e-7


def test_graph_is_freed_without_the_cycle_collector():
    import gc
    import weakref

    gc.disable()
    try:
        x = Tensor(np.ones(3))
        y = (x * 2.0).tanh().sum()
        ref = weakref.ref(y._prev[0])  # the tanh node
        del y
        assert ref() is None  # refcounting alone released the graph: no closure -> node cycles
    finally:
        gc.enable()


def test_retain_grad_keeps_an_intermediate_gradient_like_pytorch():
    x = Tensor([1.0, 2.0])
    h = (x * 3.0).retain_grad()
    loss = (h * h).sum()
    loss.backward()
    assert np.array_equal(h.grad, 2 * h.data)  # dL/dh = 2h, kept on request
    loss.backward()
    assert np.array_equal(h.grad, 2 * h.data)  # this call's gradient, not the sum of two
    assert np.array_equal(x.grad, 2 * 3.0 * 2 * h.data)


def test_affine_equals_matmul_plus_bias_in_value_and_gradients():
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    fused = [Tensor(a) for a in (X, W, b)]
    split = [Tensor(a) for a in (X, W, b)]
    out_f = fused[0].affine(fused[1], fused[2])
    out_s = split[0] @ split[1] + split[2]
    assert np.allclose(out_f.data, out_s.data, rtol=1e-15, atol=1e-15)
    (out_f.tanh() ** 2).sum().backward()
    (out_s.tanh() ** 2).sum().backward()
    for f, s_ in zip(fused, split):
        assert np.allclose(f.grad, s_.grad, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("shapes", [((5, 3), (3, 4), (3,)), ((5,), (5, 4), (4,)), ((5, 3), (2, 4), (4,))])
def test_affine_rejects_mismatched_shapes_naming_them(shapes):
    x, W, b = (Tensor(np.ones(s)) for s in shapes)
    with pytest.raises(ValueError, match="affine"):
        x.affine(W, b)


def test_affine_gradients_match_finite_differences():
    from bpcore.gradcheck import numerical_grad
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    loss = lambda X_, W_, b_: float((np.tanh(X_ @ W_ + b_) ** 2).sum())
    ts = [Tensor(a) for a in (X, W, b)]
    (ts[0].affine(ts[1], ts[2]).tanh() ** 2).sum().backward()
    numeric = [numerical_grad(lambda v: loss(v, W, b), X), numerical_grad(lambda v: loss(X, v, b), W),
               numerical_grad(lambda v: loss(X, W, v), b)]
    for t, n in zip(ts, numeric):
        assert np.allclose(t.grad, n, rtol=1e-6, atol=1e-8)
