"""bpcore.neuron: the worked example's single neuron, numbers only."""


import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bpcore as bp
from bpcore import neuron

moderate = st.floats(-3.0, 3.0, allow_nan=False)


def test_forward_backward_reproduces_the_worked_example():
    v = neuron.forward_backward()
    assert v["yhat"] == 1.5 and v["r"] == 1.5 and v["L"] == 1.125
    assert v["dL_dW"] == -1.5 and v["dL_db"] == -1.5 and v["dL_dr"] == 1.5
    assert v["W_new"] == pytest.approx(2.15) and v["b_new"] == pytest.approx(-0.35)


def test_gradient_agrees_with_autodiff():
    v = neuron.forward_backward(W=0.7, b=0.2, x=-1.3, y=0.4)
    dW = bp.grad(lambda W: bp.losses.half_mse(np.array(0.4), W * -1.3 + 0.2))(np.array(0.7))
    assert v["dL_dW"] == pytest.approx(float(dW), rel=1e-12)


@given(W=moderate, b=moderate, x=moderate, y=moderate, lr=st.floats(1e-3, 1.0))
def test_every_gradient_is_the_chain_rule_of_the_loss(W, b, x, y, lr):
    v = neuron.forward_backward(W, b, x, y, lr)

    def loss(W_, b_):
        return bp.losses.half_mse(y, W_ * x + b_)

    # The loss written out by hand, independent of bp.losses; the tolerance
    # covers only the rounding of y - (W x + b) versus y - W x - b.
    assert v["L"] == pytest.approx(0.5 * (y - W * x - b) ** 2, rel=1e-12, abs=1e-12)
    assert v["dL_dW"] == pytest.approx(bp.gradcheck.numerical_grad(lambda w: loss(w, b), W), abs=1e-6)
    assert v["dL_db"] == pytest.approx(bp.gradcheck.numerical_grad(lambda c: loss(W, c), b), abs=1e-6)
    assert v["dL_dr"] == pytest.approx(v["r"]) and v["dL_dyhat"] == -v["dL_dr"]
    assert (v["W_new"], v["b_new"]) == (W - lr * v["dL_dW"], b - lr * v["dL_db"])


# Per stage: (label keys it changes, gradient keys it adds, highlighted nodes, backward edges).
EXPECTED_STAGES = [
    ({"W", "x", "b", "y"}, set(), {"W", "x", "b", "y"}, []),   # givens
    ({"u"}, set(), {"u"}, []),                                 # u = W x
    ({"yhat"}, set(), {"yhat"}, []),                           # ŷ = u + b
    ({"r"}, set(), {"r"}, []),                                 # r = y - ŷ
    ({"L"}, set(), {"L"}, []),                                 # L = ½ r²
    (set(), {"r"}, {"r"}, [("r", "L")]),                       # ∂L/∂r
    (set(), {"yhat"}, {"yhat"}, [("yhat", "r")]),              # ∂L/∂ŷ
    (set(), {"u", "b"}, {"u", "b"}, [("u", "yhat"), ("b", "yhat")]),
    (set(), {"W"}, {"W"}, [("W", "u")]),                       # ∂L/∂W
    ({"W", "b"}, set(), {"W", "b"}, []),                       # the update
]


def _changed(before, after):
    return {key for key in after if before.get(key) != after[key]}


def test_pass_steps_reveal_values_one_at_a_time():
    stages = neuron.pass_steps()
    assert len(stages) == len(EXPECTED_STAGES)
    # Before the first stage the graph shows only the operations.
    labels, grads = {"u": "×", "yhat": "+", "r": "−", "L": "½(·)²"}, {}
    for k, (stage, (new_labels, new_grads, highlight, edges)) in enumerate(zip(stages, EXPECTED_STAGES)):
        assert _changed(labels, stage["labels"]) == new_labels, k
        assert _changed(grads, stage["grads"]) == new_grads, k
        assert set(labels) <= set(stage["labels"]) and set(grads) <= set(stage["grads"]), k   # nothing is hidden again
        assert stage["highlight"] == highlight, k
        assert stage["backward_edges"] == edges, k
        labels, grads = stage["labels"], stage["grads"]
    assert all(s["values"] == neuron.forward_backward() for s in stages)
    assert stages[-1]["labels"]["W"] == "W = 2 → 2.15" and stages[-1]["grads"]["W"] == "∂L/∂W = -1.5"


@pytest.mark.parametrize("lr, behaviour", [(0.05, "slow"), (0.5, "one step"), (0.9, "converges"), (1.0, "oscillates"), (1.05, "diverges")])
def test_learning_rate_regimes_match_the_stability_bound(lr, behaviour):
    _, loss = neuron.descend(lr, 20)
    factor = (1 - 2 * lr) ** 2  # the residual is multiplied by 1 - 2*lr per step (x = 1)
    assert loss[1:] == pytest.approx(loss[:-1] * factor, rel=1e-9, abs=1e-300)
    if behaviour == "slow":
        assert 0.01 < loss[-1] < loss[0]
    elif behaviour == "one step":
        assert loss[1] == pytest.approx(0.0, abs=1e-24)
    elif behaviour == "converges":
        assert loss[-1] < 1e-3 * loss[0]
    elif behaviour == "oscillates":
        assert loss[-1] == pytest.approx(loss[0])
    else:
        assert loss[-1] > loss[0]


@given(lr=st.floats(0.01, 1.2), x=moderate, y=moderate, W0=moderate, b0=moderate)
def test_descend_repeats_the_single_step(lr, x, y, W0, b0):
    path, loss = neuron.descend(lr, 3, W0=W0, b0=b0, x=x, y=y)
    assert path.shape == (4, 2) and loss.shape == (4,)
    for k in range(3):
        step = neuron.forward_backward(*path[k], x, y, lr)
        assert loss[k] == step["L"]
        assert path[k + 1].tolist() == [step["W_new"], step["b_new"]]


def test_descend_diverges_quietly_to_inf():
    with np.errstate(all="raise"):
        path, loss = neuron.descend(1.15, 2000)
    assert np.isinf(loss[-1]) and np.all(np.isfinite(path[:10]))


def test_loss_grid_is_the_loss_at_every_point_in_meshgrid_order():
    W_values, b_values = np.array([0.0, 1.0, 2.5]), np.array([-1.0, 0.5])
    before = W_values.copy()
    W, B, L = neuron.loss_grid(W_values, b_values, x=2.0, y=1.0)
    assert W.shape == B.shape == L.shape == (2, 3)
    assert np.array_equal(W_values, before)
    for j, b in enumerate(b_values):
        for k, w in enumerate(W_values):
            assert (W[j, k], B[j, k]) == (w, b)
            assert L[j, k] == pytest.approx(neuron.forward_backward(w, b, 2.0, 1.0)["L"], rel=1e-15)


@pytest.mark.parametrize("call, error, message", [
    (lambda: neuron.forward_backward(x=np.array([1.0, 2.0])), TypeError, r"x must be a real number.*shape \(2,\)"),
    (lambda: neuron.forward_backward(W="2"), TypeError, "W must be a real number"),
    (lambda: neuron.forward_backward(lr=0.0), ValueError, "lr"),
    (lambda: neuron.descend(0.1, -1), ValueError, "epochs must be an integer >= 0"),
    (lambda: neuron.descend(0.1, 2.5), ValueError, "epochs must be an integer, got float 2.5"),
    (lambda: neuron.descend(0.1, "3"), TypeError, "epochs must be an integer, got str"),
    (lambda: neuron.descend(0.1, 2**40), ValueError, "at most"),
    (lambda: neuron.descend(0.1, 3, y=None), TypeError, "y must be a real number"),
    (lambda: neuron.loss_grid([[1.0]], [0.0]), ValueError, "W_values must be a non-empty 1-D array"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_zero_dimensional_arrays_count_as_numbers():
    assert neuron.forward_backward(W=np.array(2.0))["W_new"] == neuron.forward_backward()["W_new"]
