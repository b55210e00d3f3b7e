"""bpcore.backprop: the δ recursion, the deep-stack gradient norms and the
stepper agree with finite differences and with bp.autodiff; graph_storage
counts what the graph keeps; bpcore.excerpts quotes real source."""

import numpy as np
import pytest

import bpcore as bp
from bpcore import backprop
from bpcore.gradcheck import check_grad, numerical_grad, rel_error


def _problem(act="tanh", n=6, d=3, h=4, m=2, seed=0):
    rng = np.random.default_rng(seed)
    return backprop.init_mlp2(d, h, m, seed=seed), rng.normal(size=(n, d)), rng.normal(size=(n, m))


@pytest.mark.parametrize("act", sorted(backprop.ACTIVATIONS))
@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_mlp2_gradients_pass_a_finite_difference_check(act, name):
    p, X, Y = _problem(act)
    if act == "relu":  # keep every pre-activation away from the kink at 0
        p["b1"] = p["b1"] + 0.05 * np.sign(p["b1"])
        assert np.min(np.abs(X @ p["W1"] + p["b1"])) > 1e-3
    result = check_grad(lambda v: backprop.mlp2_loss({**p, name: v}, X, Y, act),
                        lambda v: backprop.mlp2_gradients({**p, name: v}, X, Y, act)[name], p[name])
    assert result.passed, result.message


def test_mlp2_gradients_equal_autodiff():
    p, X, Y = _problem()
    T = {k: bp.Tensor(v) for k, v in p.items()}
    bp.losses.half_mse(Y, bp.autodiff.tanh(X @ T["W1"] + T["b1"]) @ T["W2"] + T["b2"]).backward()
    mine = backprop.mlp2_gradients(p, X, Y)
    assert max(rel_error(mine[k], T[k].grad) for k in p) < 1e-12


def test_mlp2_loss_is_half_mse_and_inputs_are_not_modified():
    p, X, Y = _problem()
    copies = {k: v.copy() for k, v in p.items()}, X.copy(), Y.copy()
    yhat = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    assert backprop.mlp2_loss(p, X, Y) == pytest.approx(0.5 * np.mean((yhat - Y) ** 2), rel=1e-14)
    backprop.mlp2_gradients(p, X, Y)
    assert all(np.array_equal(copies[0][k], p[k]) for k in p)
    assert np.array_equal(copies[1], X) and np.array_equal(copies[2], Y)


@pytest.mark.parametrize("act", sorted(backprop.ACTIVATIONS))
def test_activation_grad_matches_finite_differences(act):
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    numeric = np.array([numerical_grad(lambda t: float(backprop.activation(act, t)), float(v)) for v in z])
    assert rel_error(backprop.activation_grad(act, z), numeric) < 1e-8


def test_sigmoid_matches_the_autodiff_sigmoid_and_never_overflows():
    z = np.array([-800.0, -3.0, 0.0, 2.0, 800.0])
    assert np.allclose(backprop.activation("sigmoid", z), bp.autodiff.sigmoid(z), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("bad, error", [
    (dict(activation="softplus"), ValueError), (dict(gain=0.0), ValueError), (dict(gain=True), TypeError),
    (dict(depth=0), ValueError), (dict(width=2.5), ValueError), (dict(width="3"), TypeError),
    (dict(gain="1"), TypeError), (dict(width=2**40), ValueError),
])
def test_layer_gradient_norms_validates(bad, error):
    with pytest.raises(error):
        backprop.layer_gradient_norms(**bad)


def test_zero_d_gain_is_a_number():
    a = backprop.layer_gradient_norms(gain=np.array(1.0), depth=2, width=3, n=2)
    b = backprop.layer_gradient_norms(gain=1.0, depth=2, width=3, n=2)
    assert np.array_equal(a["delta_norm"], b["delta_norm"])


def test_results_never_alias_the_module_or_the_caller():
    stages = backprop.mlp_pass_steps()
    stages[0]["values"]["x"][0] = 99.0
    stages[0]["values"]["W1"][0, 0] = 99.0
    assert backprop.STEPPER_NETWORK["x"][0] == 1.0 and backprop.STEPPER_NETWORK["W1"][0, 0] == 0.5
    assert backprop.mlp_pass_steps()[0]["values"]["x"][0] == 1.0
    X = np.array([[1.0, -0.5]])
    cache = backprop.mlp2_forward(backprop.init_mlp2(2, 3, 1), X)
    assert cache["X"] is not X and not np.shares_memory(cache["X"], X)


def test_mlp2_validates_shapes_and_types():
    p, X, Y = _problem()
    with pytest.raises(ValueError, match="Y must have shape"):
        backprop.mlp2_gradients(p, X, Y[:, :1])
    with pytest.raises(ValueError, match="X must have shape"):
        backprop.mlp2_gradients(p, X[:, :2], Y)
    with pytest.raises(TypeError, match="params"):
        backprop.mlp2_gradients({"W1": p["W1"]}, X, Y)
    with pytest.raises(ValueError, match="do not fit"):
        backprop.mlp2_gradients({**p, "b1": np.zeros(7)}, X, Y)
    with pytest.raises(ValueError, match="activation"):
        backprop.mlp2_loss(p, X, Y, activation="gelu")
    with pytest.raises(TypeError):
        backprop.mlp2_loss(p, "X", Y)


def _stack_loss_autodiff(act, gain, depth, width, n, seed, skip=False):
    """The loss of layer_gradient_norms rebuilt with bp.autodiff, same draws."""
    rng = np.random.default_rng(seed)
    H0 = rng.standard_normal((n, width))
    Ws = [bp.Tensor(rng.standard_normal((width, width)) * (gain / np.sqrt(width))) for _ in range(depth)]
    G = rng.standard_normal((n, width))
    H, Zs, Hs = bp.Tensor(H0), [], []
    for W in Ws:
        Z = (H @ W).retain_grad()     # intermediate gradients are freed unless retained
        Zs.append(Z)
        H = ({"tanh": Z.tanh, "sigmoid": Z.sigmoid, "relu": Z.relu}[act]() + (H if skip else 0.0)).retain_grad()
        Hs.append(H)
    return (H * (G / n)).sum(), Ws, Zs, Hs


@pytest.mark.parametrize("act", sorted(backprop.ACTIVATIONS))
def test_layer_gradient_norms_equal_autodiff(act):
    loss, Ws, _, _ = _stack_loss_autodiff(act, 1.3, 5, 6, 4, seed=3)
    loss.backward()
    result = backprop.layer_gradient_norms(act, gain=1.3, depth=5, width=6, n=4, seed=3)
    expected = np.array([np.linalg.norm(W.grad) for W in Ws])
    assert rel_error(result["weight_grad_norm"], expected) < 1e-12


@pytest.mark.parametrize("act", sorted(backprop.ACTIVATIONS))
def test_residual_stack_gradients_equal_autodiff(act):
    """With skip=True every norm (weights, layer outputs) equals the autodiff engine's."""
    loss, Ws, _, Hs = _stack_loss_autodiff(act, 0.7, 6, 5, 4, seed=2, skip=True)
    loss.backward()
    result = backprop.layer_gradient_norms(act, gain=0.7, depth=6, width=5, n=4, seed=2, skip=True)
    assert rel_error(result["weight_grad_norm"], np.array([np.linalg.norm(W.grad) for W in Ws])) < 1e-12
    assert rel_error(result["output_grad_norm"], np.array([np.linalg.norm(H.grad) for H in Hs])) < 1e-12
    assert rel_error(result["activation_std"], np.array([H.data.std() for H in Hs])) < 1e-12


def test_the_skip_keeps_the_gradient_flowing():
    """Through 20 tanh layers at gain 0.5 the plain stack loses the signal; the residual one keeps it."""
    plain = backprop.layer_gradient_norms("tanh", gain=0.5, depth=20)["output_grad_norm"]
    res = backprop.layer_gradient_norms("tanh", gain=0.5, depth=20, skip=True)["output_grad_norm"]
    assert plain[0] / plain[-1] < 1e-4
    assert res[0] / res[-1] > 1.0
    with pytest.raises(TypeError, match="skip"):
        backprop.layer_gradient_norms("tanh", skip="yes")


def test_layer_gradient_norms_weight_gradient_passes_gradcheck():
    """Finite differences of the stack's loss in one layer's weights give the
    norm layer_gradient_norms reports for that layer."""
    depth, width, n, seed, gain = 4, 5, 3, 1, 1.1
    rng = np.random.default_rng(seed)
    H0 = rng.standard_normal((n, width))
    Ws = [rng.standard_normal((width, width)) * (gain / np.sqrt(width)) for _ in range(depth)]
    G = rng.standard_normal((n, width))

    def loss(W_layer, layer):
        H = H0
        for i, W in enumerate(Ws):
            H = np.tanh(H @ (W_layer if i == layer else W))
        return float(np.sum(G * H) / n)

    result = backprop.layer_gradient_norms("tanh", gain=gain, depth=depth, width=width, n=n, seed=seed)
    for layer in range(depth):
        numeric = numerical_grad(lambda W: loss(W, layer), Ws[layer])
        assert np.linalg.norm(numeric) == pytest.approx(result["weight_grad_norm"][layer], rel=1e-7)


def test_vanishing_and_level_gradients_as_the_chapter_says():
    ratio = {}
    for act, gain in [("sigmoid", 1.0), ("tanh", 0.5), ("tanh", 1.0), ("relu", 1.0), ("relu", 2 ** 0.5), ("relu", 2.0)]:
        norms = backprop.layer_gradient_norms(act, gain=gain, depth=20)["delta_norm"]
        ratio[act, gain] = norms[0] / norms[-1]
    assert ratio["sigmoid", 1.0] < 1e-9 and ratio["tanh", 0.5] < 1e-4 and ratio["relu", 1.0] < 1e-2
    assert 0.05 < ratio["tanh", 1.0] < 2 and 0.3 < ratio["relu", 2 ** 0.5] < 3
    assert ratio["relu", 2.0] > 1e2


def test_graph_storage_counts_two_arrays_per_hidden_layer():
    # the fused affine node X @ W + b and the activation: two (n, width) arrays per layer
    n, width = 16, 8
    stored = []
    for depth in (1, 2, 3):
        net = bp.nn.MLP([2] + [width] * depth + [1], seed=0)
        loss = bp.losses.half_mse(np.zeros((n, 1)), net(np.ones((n, 2))))
        info = backprop.graph_storage(loss)
        assert info["parameter_floats"] == sum(p.size for p in net.parameters())
        assert info["intermediate_bytes"] == 8 * info["intermediate_floats"]
        stored.append(info["intermediate_floats"])
    assert stored[2] - stored[1] == stored[1] - stored[0] == 2 * n * width
    with pytest.raises(TypeError):
        backprop.graph_storage(np.ones(3))


def test_mlp_pass_steps_gradients_pass_gradcheck():
    stages = backprop.mlp_pass_steps()
    assert len(stages) == 11
    v = stages[0]["values"]
    net = backprop.STEPPER_NETWORK

    def loss(W1=net["W1"], b1=net["b1"], W2=net["W2"], b2=net["b2"]):
        return 0.5 * (float(np.tanh(net["x"] @ W1 + b1) @ W2 + b2) - net["y"]) ** 2

    assert v["L"] == pytest.approx(loss())
    for key, grad in [("W1", v["d_W1"]), ("b1", v["d_b1"]), ("W2", v["d_W2"])]:
        assert check_grad(lambda a: loss(**{key: a}), lambda a: grad, net[key]).passed
    assert check_grad(lambda a: loss(b2=a), lambda a: v["d_b2"], float(net["b2"])).passed
    # no weight changes in the stepper: backpropagation only computes gradients
    assert "→" not in "".join(stages[-1]["labels"].values())


def test_mlp_pass_steps_validates():
    with pytest.raises(ValueError, match="shapes"):
        backprop.mlp_pass_steps(W1=np.ones((3, 2)))
    with pytest.raises(TypeError):
        backprop.mlp_pass_steps(x="a")


def _quoted_example(x):
    y = x + 1          # first
    z = y * 2          # middle
    return z           # last


def test_excerpt_is_the_real_source():
    excerpt = bp.excerpts.source(bp.Tensor.__mul__)
    assert excerpt.text.startswith("def __mul__(self, other):")
    assert "_backward" in excerpt.text and excerpt.filename == "bpcore/autodiff.py"
    assert excerpt._repr_markdown_().startswith("```python\n# bpcore/autodiff.py: Tensor.__mul__\n")
    whole = bp.excerpts.source(bp.Tensor.backward)
    assert whole.text.startswith("def backward(self") and "reversed(order)" in whole.text
    assert bp.excerpts.source(bp.Tensor.data).text.startswith("@property")


def test_excerpt_start_and_stop_pick_whole_lines():
    part = bp.excerpts.source(_quoted_example, start="# first", stop="# middle")
    assert part.text == "y = x + 1          # first\nz = y * 2          # middle"
    assert bp.excerpts.source(_quoted_example, start="# middle").text.splitlines()[-1].startswith("return z")


def test_excerpt_validates():
    with pytest.raises(TypeError):
        bp.excerpts.source(3)
    with pytest.raises(ValueError, match="start"):
        bp.excerpts.source(_quoted_example, start="no such line")
    with pytest.raises(ValueError, match="stop"):
        bp.excerpts.source(_quoted_example, stop="no such line")
    with pytest.raises(TypeError):
        bp.excerpts.source(_quoted_example, start=3)
