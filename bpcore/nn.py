r"""A small fully connected network built on :mod:`bpcore.autodiff`.

A :class:`Linear` layer computes :math:`XW + b` for a batch :math:`X` of shape
``(n, n_in)``; an :class:`MLP` stacks them with an activation in between and a
linear output layer (the loss, e.g. ``softmax_cross_entropy``, takes the raw
outputs). Every parameter is a :class:`~bpcore.autodiff.Tensor`, so
``loss.backward()`` fills ``p.grad`` for each ``p`` in ``model.parameters()``.

>>> import numpy as np
>>> from bpcore.losses import softmax_cross_entropy
>>> model = MLP([2, 8, 3], activation="tanh", seed=0)
>>> X = np.array([[0.0, 1.0], [1.0, -1.0]])
>>> loss = softmax_cross_entropy(np.array([0, 2]), model(X))
>>> loss.backward()
>>> [p.grad.shape for p in model.parameters()]
[(2, 8), (8,), (8, 3), (3,)]
"""

import numbers

import numpy as np

from ._checks import as_float64, as_rng as _rng, check_nonempty
from .autodiff import Tensor

__all__ = ["Linear", "MLP", "ACTIVATIONS", "INITS"]

#: Activation name -> function on Tensors (applied between layers, never after the last one).
ACTIVATIONS = {"tanh": Tensor.tanh, "relu": Tensor.relu, "sigmoid": Tensor.sigmoid}

#: Initialisation name -> half-width of the uniform distribution the weights are drawn from.
INITS = {
    "glorot": lambda n_in, n_out: np.sqrt(6.0 / (n_in + n_out)),  # Glorot & Bengio 2010: tanh, sigmoid
    "he": lambda n_in, n_out: np.sqrt(6.0 / n_in),  # He et al. 2015: relu
}


def _positive_int(value, name):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or not 1 <= value < 2**63:
        raise ValueError(f"{name} must be a positive integer, got {value!r:.40}")
    return int(value)


class Linear:
    r"""An affine layer :math:`\hat{Y} = XW + b` with ``W`` (n_in, n_out) and ``b`` (n_out,).

    Weights are drawn from :math:`\mathcal{U}(-a, a)` with
    :math:`a = \sqrt{6/(n_\text{in}+n_\text{out})}` (Glorot/Xavier uniform,
    ``init="glorot"``, keeps the variance of tanh activations about constant
    from layer to layer) or :math:`a=\sqrt{6/n_\text{in}}` (He uniform,
    ``init="he"``, for relu); the bias starts at zero. ``seed`` is anything
    ``numpy.random.default_rng`` accepts, so the same seed gives the same layer.

    >>> layer = Linear(2, 3, seed=0)
    >>> layer(np.ones((4, 2))).shape
    (4, 3)
    >>> layer.b.data
    array([0., 0., 0.])
    """

    def __init__(self, n_in, n_out, seed=0, init="glorot"):
        self.n_in, self.n_out = _positive_int(n_in, "n_in"), _positive_int(n_out, "n_out")
        if not isinstance(init, str) or init not in INITS:
            raise ValueError(f"init must be one of {sorted(INITS)}, got {init!r}")
        rng = _rng(seed)
        limit = INITS[init](self.n_in, self.n_out)
        self.W = Tensor(rng.uniform(-limit, limit, size=(self.n_in, self.n_out)))
        self.b = Tensor(np.zeros(self.n_out))

    def __call__(self, X):
        if not isinstance(X, Tensor):
            check_nonempty(as_float64(X, "X"), "X")
        shape = X.shape if isinstance(X, Tensor) else np.shape(X)
        if len(shape) != 2 or shape[1] != self.n_in:
            raise ValueError(
                f"Linear({self.n_in} -> {self.n_out}) expects X of shape (n, {self.n_in}), got shape {shape}"
                + ("; for one sample use X.reshape(1, -1)" if len(shape) == 1 else ""))
        if not isinstance(X, Tensor):
            X = Tensor(X, requires_grad=False, copy=False)  # data, not a parameter
        return X.affine(self.W, self.b)  # X @ W + b in one node (see Tensor.affine)

    def parameters(self):
        """``[W, b]``."""
        return [self.W, self.b]

    def zero_grad(self):
        """Reset the gradients of all parameters to zero."""
        for p in self.parameters():
            p.zero_grad()

    def __repr__(self):
        return f"Linear({self.n_in}, {self.n_out})"


class MLP:
    r"""A multilayer perceptron :math:`f(X) = L_k(\phi(\dots\phi(L_1(X))))`.

    ``sizes = [d, h_1, ..., h_{k-1}, m]`` gives ``k`` :class:`Linear` layers;
    :math:`\phi` is ``"tanh"``, ``"relu"`` or ``"sigmoid"`` and is applied after
    every layer except the last (the output is linear). Layer ``i`` is seeded
    with the ``i``-th child of ``numpy.random.default_rng(seed).spawn``, so
    ``MLP(sizes, seed=0)`` is reproducible; relu layers use He initialisation,
    the others Glorot.

    >>> model = MLP([2, 4, 1], seed=0)
    >>> model
    MLP([2, 4, 1], activation='tanh')
    >>> sum(p.size for p in model.parameters())
    17
    """

    def __init__(self, sizes, activation="tanh", seed=0):
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        if not isinstance(sizes, (list, tuple, np.ndarray)) or (isinstance(sizes, np.ndarray) and sizes.ndim != 1):
            raise TypeError(f"sizes must be a list of layer sizes such as [2, 8, 1], got {type(sizes).__name__}")
        sizes = [_positive_int(s, "each entry of sizes") for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        self.sizes, self.activation = sizes, activation
        init = "he" if activation == "relu" else "glorot"
        rngs = _rng(seed).spawn(len(sizes) - 1)
        self.layers = [Linear(n_in, n_out, seed=rng, init=init)
                       for n_in, n_out, rng in zip(sizes[:-1], sizes[1:], rngs)]

    def __call__(self, X):
        phi = ACTIVATIONS[self.activation]
        *hidden, last = self.layers
        for layer in hidden:
            X = phi(layer(X))
        return last(X)

    def parameters(self):
        """``[W_1, b_1, W_2, b_2, ...]`` in layer order."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Reset the gradients of all parameters to zero."""
        for p in self.parameters():
            p.zero_grad()

    def __repr__(self):
        return f"MLP({self.sizes}, activation={self.activation!r})"
