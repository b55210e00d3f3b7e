"""Tests of bpcore.nn: initialisation, shapes, errors, and an MLP against PyTorch."""

import re

import numpy as np
import pytest

import bpcore as bp
from bpcore.autodiff import Tensor
from bpcore.gradcheck import numerical_grad
from bpcore.losses import softmax_cross_entropy
from bpcore.nn import MLP, Linear


def glorot_limit(fan_in, fan_out):
    return np.sqrt(6.0 / (fan_in + fan_out))


def he_limit(fan_in):
    return np.sqrt(6.0 / fan_in)


def is_uniform_with_limit(W, limit):
    """max |W| is within 10% below ``limit`` and never above it.

    With k uniform draws the largest |W| is above 0.9 * limit unless all k miss
    the top 10% (probability 0.9^k, below 1e-90 for the layers here). He's limit
    is sqrt(1 + n_out / n_in) times Glorot's, more than 1 / 0.9 whenever
    n_out > 0.24 n_in, so for such layers this tells He and Glorot apart.
    """
    largest = np.abs(W).max()
    return 0.9 * limit < largest <= limit


def test_linear_initialisation_is_seeded_glorot_uniform_with_zero_bias():
    layer = Linear(64, 32, seed=3)
    assert layer.W.shape == (64, 32) and layer.b.shape == (32,)
    assert is_uniform_with_limit(layer.W.data, glorot_limit(64, 32))
    assert np.array_equal(layer.b.data, np.zeros(32))
    assert np.array_equal(Linear(64, 32, seed=3).W.data, layer.W.data)
    assert not np.array_equal(Linear(64, 32, seed=4).W.data, layer.W.data)


def test_he_initialisation_is_wider_than_glorot():
    he = Linear(64, 32, seed=3, init="he")
    assert is_uniform_with_limit(he.W.data, he_limit(64))
    assert np.abs(he.W.data).max() > glorot_limit(64, 32)  # impossible under Glorot


@pytest.mark.parametrize("activation, expected", [("relu", "he"), ("tanh", "glorot"), ("sigmoid", "glorot")])
def test_mlp_picks_he_for_relu_and_glorot_otherwise(activation, expected):
    model = MLP([64, 48, 32, 8], activation=activation, seed=0)
    *hidden, _ = model.layers  # the hidden layers are the ones followed by the activation
    for layer in hidden:
        he, glorot = he_limit(layer.n_in), glorot_limit(layer.n_in, layer.n_out)
        right, wrong = (he, glorot) if expected == "he" else (glorot, he)
        assert is_uniform_with_limit(layer.W.data, right), (activation, layer)
        assert not is_uniform_with_limit(layer.W.data, wrong), (activation, layer)


def test_linear_computes_xw_plus_b_on_arrays_and_tensors():
    layer = Linear(3, 2, seed=0)
    layer.b.data = np.array([1.0, -1.0])
    X = np.arange(6.0).reshape(2, 3)
    expected = X @ layer.W.data + layer.b.data
    for inp in (X, Tensor(X), X.tolist()):
        out = layer(inp)
        assert isinstance(out, Tensor) and out.shape == (2, 2)
        assert np.allclose(out.data, expected)


@pytest.mark.parametrize("shape", [(5, 3), (5,), (2, 5, 2), (5, 1)])
def test_wrong_input_shape_names_both_shapes(shape):
    with pytest.raises(ValueError, match=re.escape("(n, 2)") + ".*" + re.escape(str(shape))):
        MLP([2, 4, 1])(np.zeros(shape))


def test_constructor_arguments_are_validated():
    with pytest.raises(ValueError, match=r"\['relu', 'sigmoid', 'tanh'\]"):
        MLP([2, 3], activation="softplus")
    for sizes in ([2], [2, 0, 1], [2, 1.5]):
        with pytest.raises(ValueError, match="sizes"):
            MLP(sizes)
    with pytest.raises(ValueError, match="n_in"):
        Linear(0, 3)
    with pytest.raises(ValueError, match="init"):
        Linear(2, 3, init="zeros")


def test_mlp_is_reproducible_and_layers_get_different_seeds():
    a, b = MLP([4, 4, 4, 2], seed=0), MLP([4, 4, 4, 2], seed=0)
    for p, q in zip(a.parameters(), b.parameters()):
        assert np.array_equal(p.data, q.data)
    assert not np.array_equal(a.layers[0].W.data, a.layers[1].W.data)
    assert not np.array_equal(a.layers[0].W.data, MLP([4, 4, 4, 2], seed=1).layers[0].W.data)


def test_parameters_are_in_layer_order_and_zero_grad_resets_them():
    model = MLP([2, 5, 3, 1], seed=0)
    params = model.parameters()
    assert [p.shape for p in params] == [(2, 5), (5,), (5, 3), (3,), (3, 1), (1,)]
    assert all(p is q for p, q in zip(params, model.parameters()))
    loss = (model(np.ones((4, 2))) ** 2).mean()
    loss.backward()
    first = [p.grad.copy() for p in params]
    assert any(g.any() for g in first)
    loss.backward()  # leaves accumulate
    assert all(np.allclose(p.grad, 2 * g) for p, g in zip(params, first))
    model.zero_grad()
    assert all(not p.grad.any() for p in params)


def test_output_layer_is_linear():
    model = MLP([1, 3, 1], activation="sigmoid", seed=0)
    X = np.array([[0.0], [1.0]])
    W1, b1, W2, b2 = (p.data for p in model.parameters())
    expected = bp.autodiff.sigmoid(X @ W1 + b1) @ W2 + b2
    assert np.allclose(model(X).data, expected)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_forward_and_backward_match_torch_autograd(activation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(16, 3)), rng.integers(0, 4, size=16)
    model = MLP([3, 8, 6, 4], activation=activation, seed=7)
    loss = softmax_cross_entropy(labels, model(X))
    loss.backward()

    params = [torch.tensor(p.data, requires_grad=True) for p in model.parameters()]
    phi = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation]
    h = torch.tensor(X)
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = phi(h)
    expected = torch.nn.functional.cross_entropy(h, torch.tensor(labels))
    expected.backward()
    assert float(loss) == pytest.approx(expected.item(), rel=1e-12)
    for p, q in zip(model.parameters(), params):
        assert np.allclose(p.grad, q.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_mlp_parameter_gradients_pass_a_finite_difference_check():
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(6, 2)), rng.integers(0, 3, size=6)
    model = MLP([2, 4, 3], activation="tanh", seed=2)
    softmax_cross_entropy(labels, model(X)).backward()
    for p in model.parameters():
        original = p.data

        def loss_at(value):
            p.data = value
            try:
                return softmax_cross_entropy(labels, model(X).data)
            finally:
                p.data = original
        assert np.allclose(p.grad, numerical_grad(loss_at, original), rtol=1e-5, atol=1e-8)


def test_a_few_gradient_steps_reduce_the_loss():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(32, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    model = MLP([2, 16, 2], seed=0)
    losses = []
    for _ in range(30):
        model.zero_grad()
        loss = softmax_cross_entropy(labels, model(X))
        loss.backward()
        losses.append(float(loss))
        for p in model.parameters():
            p.data = p.data - 0.5 * p.grad
    assert losses[-1] < 0.5 * losses[0]


def test_an_empty_batch_is_valid_input():
    """Issue 22: a batch of no samples gives no outputs (and zero gradients), not an error."""
    layer = bp.nn.Linear(2, 3, seed=0)
    out = layer(np.zeros((0, 2)))
    assert out.shape == (0, 3)
    out.sum().backward()
    assert np.array_equal(layer.W.grad, np.zeros((2, 3)))
    assert bp.nn.MLP([2, 3, 2], seed=0)(np.zeros((0, 2))).shape == (0, 2)
    with pytest.raises(ValueError, match=r"expects X of shape \(n, 2\)"):
        layer(np.zeros((0, 3)))


def test_layer_sizes_follow_the_type_rule_and_are_bounded():
    with pytest.raises(TypeError, match="n_in"):
        bp.nn.Linear("2", 3)
    with pytest.raises(ValueError, match="n_in"):
        bp.nn.Linear(2.5, 3)
    with pytest.raises(ValueError, match="at most"):
        bp.nn.Linear(2**20, 2**20)
