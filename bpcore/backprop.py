r"""Backpropagation by hand, in matrix form (chapter 4).

A two-layer perceptron on a batch :math:`X` of shape ``(n, d)``,

.. math::
    Z_1 = X W_1 + b_1,\quad H = \phi(Z_1),\quad \hat Y = H W_2 + b_2,\quad
    L = \frac{1}{2nm}\sum_{i,k} (\hat Y_{ik} - Y_{ik})^2 ,

has the gradients of the **δ recursion** (:math:`\delta_\ell = \partial L/\partial Z_\ell`):

.. math::
    \delta_2 = \frac{\hat Y - Y}{nm},\quad
    \frac{\partial L}{\partial W_2} = H^\top \delta_2,\quad
    \delta_1 = (\delta_2 W_2^\top) \odot \phi'(Z_1),\quad
    \frac{\partial L}{\partial W_1} = X^\top \delta_1,

and :math:`\partial L/\partial b_\ell` is :math:`\delta_\ell` summed over the
batch. The loss is :func:`bpcore.losses.half_mse`, so :math:`\delta_2` is
:func:`bpcore.losses.half_mse_grad`.

The module also measures what the chapter teaches about backpropagation: the
per-layer gradient norms of deep stacks (:func:`layer_gradient_norms`), the
memory a graph keeps for its backward pass (:func:`graph_storage`), and one
forward and backward pass told step by step (:func:`mlp_pass_steps`).

>>> p = init_mlp2(2, 3, 1, seed=0)
>>> X, Y = np.array([[1.0, -0.5]]), np.array([[0.5]])
>>> g = mlp2_gradients(p, X, Y)
>>> sorted(g), g["W1"].shape
(['W1', 'W2', 'b1', 'b2'], (2, 3))
"""


import numpy as np

from . import losses
from ._checks import as_array, as_float64, as_rng, check_size, integer, positive_number
from ._stages import pass_stages

__all__ = [
    "ACTIVATIONS",
    "activation",
    "activation_grad",
    "init_mlp2",
    "mlp2_forward",
    "mlp2_loss",
    "mlp2_gradients",
    "layer_gradient_norms",
    "graph_storage",
    "mlp_pass_steps",
    "STEPPER_NETWORK",
]

#: The activations of the chapter: name -> (φ(z), φ'(z)).
ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),                   # = 1/(1+e^{-z}), never overflows
                lambda z: 0.25 * (1.0 - np.tanh(0.5 * z) ** 2)),           # = σ(z)(1 − σ(z))
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
}


def _activation_name(name, argument="activation"):
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be one of the names {sorted(ACTIVATIONS)}, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"{argument} must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return name


def activation(name, z):
    r"""The activation :math:`\phi(z)`: ``"tanh"``, ``"sigmoid"``
    :math:`1/(1+e^{-z})` or ``"relu"`` :math:`\max(z, 0)`.

    >>> activation("relu", np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    return ACTIVATIONS[_activation_name(name, "name")][0](as_array(z, "z"))


def activation_grad(name, z):
    r"""The derivative :math:`\phi'(z)`: :math:`1-\tanh^2 z`,
    :math:`\sigma(z)(1-\sigma(z))`, or :math:`[z > 0]` for relu.

    >>> float(activation_grad("sigmoid", 0.0))
    0.25
    """
    return ACTIVATIONS[_activation_name(name, "name")][1](as_array(z, "z"))


def _positive_int(value, name):
    # TypeError for a string or None, ValueError for 0 or 2.5 layers (the rule in bpcore._checks)
    return integer(value, name, minimum=1)


def init_mlp2(d, h, m, seed=0):
    r"""Parameters of a ``d → h → m`` perceptron: Glorot-uniform weights
    :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/(n_\text{in}+n_\text{out})}`,
    and small random biases (so that the bias gradients are tested too).

    >>> {k: v.shape for k, v in init_mlp2(2, 3, 1).items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3, 1), 'b2': (1,)}
    """
    d, h, m = (_positive_int(v, name) for v, name in ((d, "d"), (h, "h"), (m, "m")))
    check_size(d * h + h * m, "d * h + h * m (the weights)")
    rng = as_rng(seed)
    a1, a2 = np.sqrt(6.0 / (d + h)), np.sqrt(6.0 / (h + m))
    return {"W1": rng.uniform(-a1, a1, (d, h)), "b1": 0.1 * rng.standard_normal(h),
            "W2": rng.uniform(-a2, a2, (h, m)), "b2": 0.1 * rng.standard_normal(m)}


def _params(params):
    try:
        W1, b1, W2, b2 = (as_float64(params[k], k) for k in ("W1", "b1", "W2", "b2"))
    except (KeyError, TypeError, IndexError):
        raise TypeError("params must be a dict with the arrays W1, b1, W2, b2") from None
    if W1.ndim != 2 or W2.ndim != 2 or b1.shape != (W1.shape[1],) or W2.shape[0] != W1.shape[1] or b2.shape != (W2.shape[1],):
        raise ValueError(f"params do not fit together: W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}; "
                         f"need W1 (d, h), b1 (h,), W2 (h, m), b2 (m,)")
    return W1, b1, W2, b2


def _batch(X, Y, W1, W2):
    X, Y = as_float64(X, "X"), as_float64(Y, "Y")
    if X.ndim != 2 or X.shape[1] != W1.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, {W1.shape[0]}) with n ≥ 1, got {X.shape}")
    if Y.shape != (X.shape[0], W2.shape[1]):
        raise ValueError(f"Y must have shape {(X.shape[0], W2.shape[1])} (one row per row of X), got {Y.shape}")
    return X, Y


def mlp2_forward(params, X, activation="tanh"):
    r"""The forward pass, keeping what the backward pass needs:
    ``{"X", "Z1", "H", "Yhat"}`` with :math:`Z_1 = XW_1 + b_1`,
    :math:`H = \phi(Z_1)`, :math:`\hat Y = HW_2 + b_2`.

    >>> p = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((2, 1)), "b2": np.zeros(1)}
    >>> mlp2_forward(p, np.array([[0.0, 0.0]]))["Yhat"]
    array([[0.]])
    """
    W1, b1, W2, b2 = _params(params)
    X = as_float64(X, "X")
    if X.ndim != 2 or X.shape[1] != W1.shape[0]:
        raise ValueError(f"X must have shape (n, {W1.shape[0]}), got {X.shape}")
    phi = ACTIVATIONS[_activation_name(activation)][0]
    Z1 = X @ W1 + b1
    H = phi(Z1)
    return {"X": X.copy(), "Z1": Z1, "H": H, "Yhat": H @ W2 + b2}   # a copy: never the caller's own array


def mlp2_loss(params, X, Y, activation="tanh"):
    r"""The loss :math:`L = \frac{1}{2nm}\sum (\hat Y - Y)^2` (:func:`bpcore.losses.half_mse`).

    >>> p = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((2, 1)), "b2": np.zeros(1)}
    >>> mlp2_loss(p, np.array([[0.0, 0.0]]), np.array([[2.0]]))
    2.0
    """
    W1, _, W2, _ = _params(params)
    X, Y = _batch(X, Y, W1, W2)
    return losses.half_mse(Y, mlp2_forward(params, X, activation)["Yhat"])


def mlp2_gradients(params, X, Y, activation="tanh"):
    r"""All four gradients by the δ recursion (module docstring), as a dict
    ``{"W1", "b1", "W2", "b2"}``. One forward and one backward pass.

    >>> p = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.ones((2, 1)), "b2": np.zeros(1)}
    >>> mlp2_gradients(p, np.array([[0.0, 0.0]]), np.array([[2.0]]))["b2"]
    array([-2.])
    """
    W1, b1, W2, b2 = _params(params)
    X, Y = _batch(X, Y, W1, W2)
    cache = mlp2_forward(params, X, activation)
    delta2 = losses.half_mse_grad(Y, cache["Yhat"])                 # ∂L/∂Ŷ = (Ŷ − Y)/(nm)
    delta1 = (delta2 @ W2.T) * activation_grad(activation, cache["Z1"])
    return {"W1": X.T @ delta1, "b1": delta1.sum(axis=0), "W2": cache["H"].T @ delta2, "b2": delta2.sum(axis=0)}


def layer_gradient_norms(activation="tanh", gain=1.0, depth=20, width=64, n=64, seed=0, skip=False):
    r"""Forward and backward through ``depth`` layers :math:`H_\ell =
    \phi(H_{\ell-1} W_\ell)`, weights :math:`W_\ell \sim \mathcal N(0,
    \text{gain}^2/\text{width})`, and report what reaches each layer.

    The input :math:`H_0` is standard normal, ``(n, width)``. The loss is
    linear in the top layer's output, :math:`L = \frac1n \sum G \odot
    H_\text{depth}` with a fixed standard-normal :math:`G`, so every stack
    receives the same signal at the top and any change on the way down is
    the stack's doing. Backward: :math:`\delta_\ell = (\partial
    L/\partial H_\ell) \odot \phi'(Z_\ell)`, :math:`\partial L/\partial
    W_\ell = H_{\ell-1}^\top \delta_\ell`, :math:`\partial L/\partial
    H_{\ell-1} = \delta_\ell W_\ell^\top`.

    ``gain = 1`` is Xavier/Glorot's variance :math:`1/\text{width}` for
    square layers, ``gain = √2`` He's :math:`2/\text{width}`.

    With ``skip=True`` every layer is a residual block, :math:`H_\ell =
    H_{\ell-1} + \phi(H_{\ell-1} W_\ell)`: the backward pass becomes
    :math:`\partial L/\partial H_{\ell-1} = \partial L/\partial H_\ell +
    \delta_\ell W_\ell^\top`: the product of the blocks' Jacobians
    :math:`\prod_\ell (I + J_\ell)` always contains the identity term, so the
    signal from the top reaches every layer directly unless the layers' own
    terms cancel or swamp it.

    Returns a dict of arrays over layers :math:`\ell = 1..\text{depth}`
    (index 0 is the layer next to the input): ``delta_norm``
    (:math:`\|\delta_\ell\|_F = \|\partial L/\partial Z_\ell\|_F`, the
    signal the recursion carries down), ``weight_grad_norm``
    (:math:`\|\partial L/\partial W_\ell\|_F`), ``output_grad_norm``
    (:math:`\|\partial L/\partial H_\ell\|_F`, the gradient that arrives
    at the layer's output) and ``activation_std`` (the standard deviation of
    :math:`H_\ell`).

    >>> r = layer_gradient_norms("relu", gain=2 ** 0.5, depth=10)
    >>> r["delta_norm"].shape, bool(0.2 < r["delta_norm"][0] / r["delta_norm"][-1] < 5)
    ((10,), True)
    >>> r = layer_gradient_norms("sigmoid", gain=1.0, depth=10)
    >>> bool(r["delta_norm"][0] / r["delta_norm"][-1] < 1e-4)
    True
    >>> r = layer_gradient_norms("sigmoid", gain=1.0, depth=10, skip=True)
    >>> bool(r["output_grad_norm"][0] / r["output_grad_norm"][-1] > 0.5)
    True
    """
    name = _activation_name(activation)
    gain = positive_number(gain, "gain")   # a 0-d array too
    depth, width, n = _positive_int(depth, "depth"), _positive_int(width, "width"), _positive_int(n, "n")
    check_size(depth * (width * width + 3 * n * width), "depth * (width**2 + 3 n width) (weights and activations)")
    if not isinstance(skip, (bool, np.bool_)):
        raise TypeError(f"skip must be True or False, got {skip!r}")
    phi, dphi = ACTIVATIONS[name]
    H0, weights, G = _random_stack(gain, depth, width, n, seed)
    H, Z = [H0], []
    for W in weights:                          # forward: keep every Z and H for the backward pass
        Z.append(H[-1] @ W)
        H.append(phi(Z[-1]) + (H[-1] if skip else 0.0))
    delta_norm, weight_grad_norm, output_grad_norm = np.empty(depth), np.empty(depth), np.empty(depth)
    dH = G / n                                 # ∂L/∂H_depth
    for layer in reversed(range(depth)):       # backward: the δ recursion
        output_grad_norm[layer] = np.linalg.norm(dH)
        delta = dH * dphi(Z[layer])
        delta_norm[layer] = np.linalg.norm(delta)
        weight_grad_norm[layer] = np.linalg.norm(H[layer].T @ delta)
        dH = delta @ weights[layer].T + (dH if skip else 0.0)
    return {"delta_norm": delta_norm, "weight_grad_norm": weight_grad_norm,
            "output_grad_norm": output_grad_norm,
            "activation_std": np.array([h.std() for h in H[1:]])}


def _random_stack(gain, depth, width, n, seed):
    """The input, the weights and the top-layer loss weights G of :func:`layer_gradient_norms`."""
    rng = as_rng(seed)
    H0 = rng.standard_normal((n, width))
    weights = [rng.standard_normal((width, width)) * (gain / np.sqrt(width)) for _ in range(depth)]
    return H0, weights, rng.standard_normal((n, width))


def graph_storage(tensor):
    r"""What the computational graph behind ``tensor`` keeps for its backward pass.

    Walks the graph from ``tensor`` back to its leaves and counts the floats
    held by the **intermediate** results (every node produced by an
    operation, ``tensor`` included) and by the **leaves** that require a
    gradient (the parameters). Inputs that need no gradient (the data)
    are not part of the graph. Returns a dict: ``nodes``,
    ``intermediate_floats``, ``parameter_floats``, ``intermediate_bytes``.

    >>> from bpcore.autodiff import Tensor
    >>> w = Tensor(np.ones(3))
    >>> graph_storage(((w * 2.0).tanh()).sum())
    {'nodes': 4, 'intermediate_floats': 7, 'parameter_floats': 3, 'intermediate_bytes': 56}
    """
    if not hasattr(tensor, "_prev"):
        raise TypeError(f"tensor must be a bpcore.autodiff.Tensor, got {type(tensor).__name__}")
    seen, stack = {id(tensor): tensor}, [tensor]
    while stack:
        for parent in stack.pop()._prev:
            if id(parent) not in seen:
                seen[id(parent)] = parent
                stack.append(parent)
    inner = [t for t in seen.values() if t._prev]
    leaves = [t for t in seen.values() if not t._prev]
    floats = int(sum(t.data.size for t in inner))
    return {"nodes": len(seen), "intermediate_floats": floats,
            "parameter_floats": int(sum(t.data.size for t in leaves)), "intermediate_bytes": 8 * floats}


#: The small network of the chapter's stepper: x (2) → tanh (2) → ŷ (1).
STEPPER_NETWORK = {
    "x": np.array([1.0, -0.5]),
    "y": 0.0,
    "W1": np.array([[0.5, -0.4], [0.3, 0.8]]),
    "b1": np.array([0.1, -0.1]),
    "W2": np.array([0.9, -0.6]),
    "b2": 0.2,
}


def _vec(v):
    return "[" + ", ".join(f"{float(e):.3g}" for e in np.ravel(v)) + "]"


def _mat(M):
    return "\n".join(_vec(row) for row in np.atleast_2d(M))


def _one_number(value, name):
    arr = as_float64(value, name)
    if arr.size != 1:
        raise ValueError(f"{name} must be one number, got shape {arr.shape}")
    value = float(arr.reshape(()))
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def mlp_pass_steps(x=None, y=None, W1=None, b1=None, W2=None, b2=None):
    r"""One forward and one backward pass of :math:`x \to z = xW_1 + b_1
    \to h = \tanh z \to \hat y = h\cdot w_2 + b_2 \to L = \tfrac12(\hat y -
    y)^2`, told one step at a time (defaults: :data:`STEPPER_NETWORK`).

    Returns 11 stages for :func:`bpcore.plots.plot_computation_graph`, each a
    dict with ``note``, ``labels``, ``grads``, ``highlight``,
    ``backward_edges`` and ``values`` (every number, unformatted). Stages
    1–5 (list indices 0–4) are the forward pass, 6–10 the backward pass
    (δ recursion), and 11 says that the gradients are complete, with no
    weight changed: updating them is the optimizer's step, not part of
    backpropagation. Graph nodes: ``x W1 b1 z h W2 b2 yhat y L``.

    >>> stages = mlp_pass_steps()
    >>> len(stages), stages[4]["labels"]["L"].splitlines()[0]
    (11, 'L = ½(ŷ − y)²')
    """
    net = dict(STEPPER_NETWORK)
    for key, value in dict(x=x, y=y, W1=W1, b1=b1, W2=W2, b2=b2).items():
        if value is not None:
            net[key] = value
    # copies: the stages' values must not alias STEPPER_NETWORK (an edit would change the next call) or the caller's arrays
    x, W1, b1, W2 = (np.array(as_array(net[k], k, finite=True)) for k in ("x", "W1", "b1", "W2"))
    y, b2 = (_one_number(net[k], k) for k in ("y", "b2"))
    if x.ndim != 1 or W1.ndim != 2 or W1.shape != (x.size, W1.shape[-1]) or b1.shape != (W1.shape[1],) or W2.shape != (W1.shape[1],):
        raise ValueError(f"shapes do not fit: x {x.shape}, W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}; "
                         f"need x (d,), W1 (d, h), b1 (h,), W2 (h,)")
    z = x @ W1 + b1
    h = np.tanh(z)
    yhat = float(h @ W2 + b2)
    try:
        L = 0.5 * (yhat - y) ** 2
    except OverflowError:
        raise ValueError(f"the loss ½(ŷ − y)² overflows: y = {y:.3g} and ŷ = {yhat:.3g} are too far apart") from None
    d_yhat = yhat - y                         # δ₂ = ∂L/∂ŷ
    d_W2, d_b2, d_h = d_yhat * h, d_yhat, d_yhat * W2
    d_z = d_h * (1.0 - h ** 2)                # δ₁ = ∂L/∂z
    d_W1, d_b1 = np.outer(x, d_z), d_z
    values = dict(x=x, y=y, W1=W1, b1=b1, W2=W2, b2=b2, z=z, h=h, yhat=yhat, L=L, d_yhat=d_yhat,
                  d_W2=d_W2, d_b2=d_b2, d_h=d_h, d_z=d_z, d_W1=d_W1, d_b1=d_b1)
    forward = [
        ("Given: input x, target y and the parameters W₁, b₁, w₂, b₂.",
         {"x": f"x = {_vec(x)}", "y": f"y = {y:.3g}", "W1": f"W₁ =\n{_mat(W1)}", "b1": f"b₁ = {_vec(b1)}",
          "W2": f"w₂ = {_vec(W2)}", "b2": f"b₂ = {b2:.3g}"}, {"x", "y", "W1", "b1", "W2", "b2"}),
        ("Forward: the pre-activation z = x W₁ + b₁.", {"z": f"z = xW₁ + b₁\n= {_vec(z)}"}, {"z"}),
        ("Forward: the activation h = tanh(z), stored for the backward pass.", {"h": f"h = tanh z\n= {_vec(h)}"}, {"h"}),
        ("Forward: the output ŷ = h · w₂ + b₂.", {"yhat": f"ŷ = h·w₂ + b₂\n= {yhat:.3g}"}, {"yhat"}),
        ("Forward: the loss L = ½(ŷ − y)².", {"L": f"L = ½(ŷ − y)²\n= {L:.3g}"}, {"L"}),
    ]
    backward = [
        ("Backward: δ₂ = ∂L/∂ŷ = ŷ − y (the starting gradient ∂L/∂L = 1 times the loss's derivative).",
         {"L": "∂L/∂L = 1", "yhat": f"∂L/∂ŷ = {d_yhat:.3g}"}, {"yhat"}, [("yhat", "L")]),
        ("Backward: the output weights, ∂L/∂w₂ = δ₂ · h and ∂L/∂b₂ = δ₂.",
         {"W2": f"∂L/∂w₂ =\n{_vec(d_W2)}", "b2": f"∂L/∂b₂ = {d_b2:.3g}"}, {"W2", "b2"}, [("W2", "yhat"), ("b2", "yhat")]),
        ("Backward: into the hidden layer, ∂L/∂h = δ₂ · w₂.", {"h": f"∂L/∂h =\n{_vec(d_h)}"}, {"h"}, [("h", "yhat")]),
        ("Backward: through tanh, δ₁ = ∂L/∂z = ∂L/∂h ⊙ (1 − h²), using the stored h.",
         {"z": f"∂L/∂z =\n{_vec(d_z)}"}, {"z"}, [("z", "h")]),
        ("Backward: the first layer, ∂L/∂W₁ = xᵀ δ₁ (an outer product) and ∂L/∂b₁ = δ₁.",
         {"W1": f"∂L/∂W₁ =\n{_mat(d_W1)}", "b1": f"∂L/∂b₁ =\n{_vec(d_b1)}"}, {"W1", "b1"}, [("W1", "z"), ("b1", "z")]),
    ]
    stages = pass_stages(forward, backward, values)
    labels, grads = stages[-1]["labels"], stages[-1]["grads"]
    stages.append(dict(note="Done: every parameter has its gradient and no weight has changed; the update is the optimizer's separate step.",
                       labels=labels, grads=grads, highlight={"W1", "b1", "W2", "b2"}, backward_edges=[], values=values))
    return stages
