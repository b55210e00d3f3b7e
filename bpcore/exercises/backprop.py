r"""Checkers for chapter 4, backpropagation."""

import numpy as np

from .. import backprop, losses
from ._core import Mistake, check_function, check_value, never_raises

__all__ = ["HIDDEN_DELTA_GIVENS", "check_hidden_delta", "check_softmax_ce_backward", "check_fixed_backward",
           "check_relu_gain"]

# -- derive δ for one layer --------------------------------------------------------

#: The givens of the by-hand exercise: δ₂ = ∂L/∂z₂ (one sample, 2 outputs),
#: the output weights W₂ (hidden × outputs) and the hidden activation h = tanh(z₁).
HIDDEN_DELTA_GIVENS = {
    "delta2": np.array([0.5, -1.0]),
    "W2": np.array([[1.0, 2.0], [-1.0, 0.5]]),
    "h": np.array([0.5, -0.8]),
}


def _hidden_delta_mistakes(delta2, W2, h):
    upstream = delta2 @ W2.T
    return [
        Mistake(upstream, "That is ∂L/∂h. The layer's δ is ∂L/∂z₁: multiply by tanh′(z₁) = 1 − h² elementwise."),
        Mistake((delta2 @ W2) * (1.0 - h ** 2), "Mind the transpose: hidden unit j feeds output k through W₂[j, k], "
                                                "so ∂L/∂h_j = Σ_k δ₂_k W₂[j, k], that is δ₂ W₂ᵀ."),
        Mistake(upstream * h * (1.0 - h), "h(1 − h) is the derivative of the sigmoid; for tanh it is 1 − h²."),
        Mistake(upstream * (1.0 - np.tanh(h) ** 2), "h is already tanh(z₁): the derivative is 1 − h², not 1 − tanh(h)²."),
        Mistake(upstream * (1.0 - h), "tanh′(z) = 1 − tanh(z)², so the factor is 1 − h², squared."),
        Mistake(-upstream * (1.0 - h ** 2), "Check the sign: nothing in the chain flips it."),
    ]


@never_raises
def check_hidden_delta(answer, name="delta1"):
    r"""Check :math:`\delta_1 = \partial L/\partial z_1` for the
    givens ``bpcore.exercises.backprop.HIDDEN_DELTA_GIVENS`` (a tanh hidden layer). A list, tuple
    or array of the two numbers, or a one-row batch of shape (1, 2), is
    accepted, to three significant digits; the expected value is never shown.

    >>> check_hidden_delta(None)
    ✗ delta1 is None: replace the ... with your answer. Hint: δ₁ = ∂L/∂z₁: follow the chain rule from δ₂ back through W₂ and through the tanh.
    False
    """
    g = HIDDEN_DELTA_GIVENS
    expected = (g["delta2"] @ g["W2"].T) * (1.0 - g["h"] ** 2)
    return check_value(answer, expected, name=name, mistakes=_hidden_delta_mistakes(g["delta2"], g["W2"], g["h"]),
                       idea="δ₁ = ∂L/∂z₁: follow the chain rule from δ₂ back through W₂ and through the tanh.",
                       hint="δ₁ = ∂L/∂z₁ = (δ₂ W₂ᵀ) ⊙ tanh′(z₁), and tanh′(z₁) = 1 − h².")


# -- the backward pass of the fused softmax cross-entropy ---------------------------

def _onehot(labels, logits):
    out = np.zeros_like(np.asarray(logits, dtype=np.float64))
    out[np.arange(out.shape[0]), np.asarray(labels)] = 1.0
    return out


def _softmax_ce_reference(logits, labels):
    return losses.softmax_cross_entropy_grad(np.asarray(labels), np.asarray(logits, dtype=np.float64))


_SOFTMAX_CE_MISTAKES = [
    Mistake(lambda Z, y: losses.softmax(Z) - _onehot(y, Z),
            "The loss is the mean over the n rows, so every row's gradient is divided by n."),
    Mistake(lambda Z, y: (_onehot(y, Z) - losses.softmax(Z)) / len(Z),
            "The sign is flipped: raising the true class's logit lowers the loss, so that entry is negative."),
    Mistake(lambda Z, y: losses.softmax(Z) / len(Z),
            "Subtract the one-hot targets: ∂L/∂z = (softmax(z) − onehot(y))/n."),
    Mistake(lambda Z, y: -_onehot(y, Z) / np.maximum(losses.softmax(Z), 1e-300) / len(Z),
            "That is the gradient with respect to the probabilities p. Through the softmax it simplifies to (p − onehot)/n."),
    Mistake(lambda Z, y: losses.softmax(Z) * (1.0 - losses.softmax(Z)) / len(Z),
            "p(1 − p) is only the diagonal of the softmax's Jacobian; combined with −log p it gives p − onehot."),
]


@never_raises
def check_softmax_ce_backward(candidate, name="softmax_ce_backward"):
    r"""Check ``candidate(logits, labels)`` against
    :math:`\partial L/\partial Z = (\operatorname{softmax}(Z) - \text{onehot}(y))/n`
    for :math:`L = -\frac1n\sum_i \log \operatorname{softmax}(Z_i)_{y_i}`
    (:func:`bpcore.losses.softmax_cross_entropy_grad`).

    >>> check_softmax_ce_backward(lambda Z, y: None)
    ✗ softmax_ce_backward([[2.0, 1.0, 0.1]], [0]) returned None: did you forget a `return` statement? Hint: For softmax cross-entropy the gradient with respect to the logits is (softmax − one-hot targets), averaged over the rows.
    False
    """
    rng = np.random.default_rng(4)
    cases = [
        ((np.array([[2.0, 1.0, 0.1]]), np.array([0])), {}),
        ((rng.normal(size=(4, 3)), np.array([2, 0, 1, 2])), {}),
        ((np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 1])), {}),
    ]
    return check_function(candidate, _softmax_ce_reference, cases, name=name, mistakes=_SOFTMAX_CE_MISTAKES,
                          idea="For softmax cross-entropy the gradient with respect to the logits is (softmax − one-hot "
                               "targets), averaged over the rows.",
                          hint="Compute p = softmax(Z) stably (subtract each row's maximum), subtract 1 at each "
                               "row's true class, divide by the number of rows.")


# -- find the bug in a backward pass ----------------------------------------------

def _reference_backward(X, Y, W1, b1, W2, b2):
    g = backprop.mlp2_gradients({"W1": W1, "b1": b1, "W2": W2, "b2": b2}, X, Y)
    return (g["W1"], g["b1"], g["W2"], g["b2"])


def _backward_variant(X, Y, W1, b1, W2, b2, dphi="1-h2", scale=True, bias_mean=False):
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    delta2 = (H @ W2 + b2 - Y) / (Y.size if scale else 1)
    local = {"1-h2": 1.0 - H ** 2, "1-z2": 1.0 - Z1 ** 2, "none": 1.0}[dphi]
    delta1 = (delta2 @ W2.T) * local
    reduce = (lambda d: d.mean(axis=0)) if bias_mean else (lambda d: d.sum(axis=0))
    return (X.T @ delta1, reduce(delta1), H.T @ delta2, reduce(delta2))


_BACKWARD_MISTAKES = [
    Mistake(lambda *a: _backward_variant(*a, dphi="1-z2"),
            "That is still the bug: tanh′(z) = 1 − tanh(z)², which is 1 − H², not 1 − Z1²."),
    Mistake(lambda *a: _backward_variant(*a, dphi="none"),
            "The hidden δ needs the activation's derivative: δ₁ = (δ₂ W₂ᵀ) ⊙ (1 − H²)."),
    Mistake(lambda *a: _backward_variant(*a, scale=False),
            "L is the mean over all n·m entries, so δ₂ = (Ŷ − Y)/(n·m)."),
    Mistake(lambda *a: _backward_variant(*a, bias_mean=True),
            "δ already carries the 1/(n·m) of the mean: the bias gradient is δ summed over the batch, not averaged again."),
]


@never_raises
def check_fixed_backward(candidate, name="fixed_backward"):
    r"""Check ``candidate(X, Y, W1, b1, W2, b2)`` → ``(dW1, db1, dW2, db2)``
    for the tanh network :math:`\hat Y = \tanh(XW_1 + b_1)W_2 + b_2` with
    :math:`L = \frac{1}{2nm}\sum(\hat Y - Y)^2`, against
    :func:`bpcore.backprop.mlp2_gradients`.

    >>> check_fixed_backward(None)
    ✗ fixed_backward is not defined yet (got None): write the function with `def fixed_backward(...):` and run that cell first. Hint: Gradient-check each of the four gradients of buggy_backward: the wrong ones point at the wrong line.
    False
    """
    rng = np.random.default_rng(11)
    cases = []
    for n, d, h, m in ((5, 3, 4, 2), (1, 2, 3, 1)):
        p = backprop.init_mlp2(d, h, m, seed=int(rng.integers(1000)))
        X, Y = rng.normal(size=(n, d)), rng.normal(size=(n, m))
        cases.append(((X, Y, p["W1"], p["b1"], p["W2"], p["b2"]), {}))
    return check_function(candidate, _reference_backward, cases, name=name, mistakes=_BACKWARD_MISTAKES,
                          idea="Gradient-check each of the four gradients of buggy_backward: the wrong ones point at the wrong line.",
                          hint="Gradient-check each of the four gradients of your function: the wrong ones point at the wrong line.")


# -- by hand: the gain that keeps a leaky ReLU stack level ------------------------

@never_raises
def check_relu_gain(answer, name="relu_gain"):
    r"""Check the initialisation gain that keeps the variance of the forward
    signal (and of the error signal) level through a deep stack of leaky
    ReLUs :math:`\phi(z) = \max(\alpha z, z)` with slope
    :math:`\alpha = 0.2`, to three significant digits.

    >>> check_relu_gain(1.0)
    ✗ relu_gain = 1.0 is not correct. Hint: Gain 1 is Xavier's choice for tanh. Half of the inputs pass with slope 1 and half with slope α: compute E[φ(z)²] for z ~ N(0, v) and choose the gain that gives v back.
    False
    """
    alpha = 0.2
    return check_value(answer, (2 / (1 + alpha ** 2)) ** 0.5, name=name, mistakes=[
        Mistake(1.0, "Gain 1 is Xavier's choice for tanh. Half of the inputs pass with slope 1 and half with slope "
                     "α: compute E[φ(z)²] for z ~ N(0, v) and choose the gain that gives v back."),
        Mistake(2 ** 0.5, "That is He's gain for the plain ReLU. The leak also passes the negative half, scaled "
                          "by α, so less variance is lost per layer."),
        Mistake((2 / (1 + alpha)) ** 0.5, "The negative half passes αz, whose second moment is α² times that "
                                          "of z, not α times."),
        Mistake(2 / (1 + alpha ** 2), "That is the factor for the variance; the gain scales the standard "
                                      "deviation: take the square root."),
        Mistake(2.0, "The gain multiplies the standard deviation, not the variance, and the leak keeps part "
                     "of the negative half."),
    ], idea="Choose the gain that keeps the variance of the signal the same from layer to layer, "
            "the argument behind He's gain for the plain ReLU.",
       hint="Half of the inputs pass with slope 1 and half with slope α = 0.2: compute E[φ(z)²] for "
            "z ~ N(0, v) and choose the gain that gives v back.")
