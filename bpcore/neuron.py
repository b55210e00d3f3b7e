r"""The single neuron of the worked example (chapter 5).

One input :math:`x`, one weight :math:`W`, one bias :math:`b`, one target
:math:`y`:

.. math:: \hat y = W x + b, \qquad L = \tfrac12 (y - \hat y)^2 .

With the book's numbers :math:`W = 2,\ b = -0.5,\ x = 1,\ y = 3,\ \eta = 0.1`
one training step gives :math:`L = 1.125`, :math:`\partial L/\partial W =
-1.5` and :math:`W_\text{new} = 2.15`.

Nothing here writes a formula of its own: the loss and its derivative are
:func:`bpcore.losses.half_mse` and :func:`bpcore.losses.half_mse_grad`, the
update is :class:`bpcore.optim.SGD`, the descent loop is
:func:`bpcore.landscape.descend` and the contour grid is
:func:`bpcore.landscape.loss_grid`. This module only says how they fit
together for one neuron.

>>> forward_backward()["W_new"]
2.15
"""

import numbers

import numpy as np

from . import landscape, losses, optim
from ._checks import as_array, check_size, integer, to_float
from ._stages import pass_stages

__all__ = ["forward_backward", "pass_steps", "descend", "loss_grid"]


def _scalar(name, value):
    """``value`` as a float; the neuron has one input, so arrays are an error."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shape = f" of shape {value.shape}" if hasattr(value, "shape") else ""
        raise TypeError(f"{name} must be a real number (the neuron has one input), "
                        f"got {type(value).__name__}{shape}")
    if not np.isfinite(to_float(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r:.40}")
    return float(value)


def _gradient(W, b, x, y):
    r""":math:`(\partial L/\partial W,\ \partial L/\partial b) = (\partial L/\partial\hat y\cdot x,\ \partial L/\partial\hat y)`."""
    dL_dyhat = losses.half_mse_grad(y, W * x + b)
    return dL_dyhat * x, dL_dyhat   # dŷ/dW = x, dŷ/db = 1


def forward_backward(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""Every intermediate value of one training step, as a dict.

    Forward: :math:`u = Wx`, :math:`\hat y = u + b`, :math:`r = y - \hat y`,
    :math:`L = \tfrac12 r^2`.

    Backward (chain rule, right to left):
    :math:`\partial L/\partial r = r`,
    :math:`\partial L/\partial \hat y = \partial L/\partial r \cdot
    \partial r/\partial \hat y = -r`,
    :math:`\partial L/\partial u = \partial L/\partial b = \partial L/\partial \hat y`,
    :math:`\partial L/\partial W = \partial L/\partial u \cdot x`.

    Update: :math:`W_\text{new} = W - \eta\,\partial L/\partial W`,
    :math:`b_\text{new} = b - \eta\,\partial L/\partial b`.

    Keys: the inputs ``W b x y lr``, the forward values ``u yhat r L``, the
    gradients ``dL_dr dL_dyhat dL_du dL_db dL_dW`` and ``W_new b_new``.

    >>> v = forward_backward()
    >>> v["yhat"], v["L"], v["dL_dW"], v["W_new"], v["b_new"]
    (1.5, 1.125, -1.5, 2.15, -0.35)
    """
    W, b, x, y, lr = (_scalar(name, v) for name, v in zip(("W", "b", "x", "y", "lr"), (W, b, x, y, lr)))
    u = W * x
    yhat = u + b
    r = y - yhat
    L = losses.half_mse(y, yhat)
    dL_dyhat = losses.half_mse_grad(y, yhat)
    dL_dr = -dL_dyhat   # r = y − ŷ, so ∂r/∂ŷ = −1 and ∂L/∂ŷ = −∂L/∂r
    dL_du = dL_db = dL_dyhat   # an add passes its gradient on unchanged
    dL_dW = dL_du * x          # a multiply scales it by the other input
    W_new, b_new = optim.SGD(lr).step([W, b], [dL_dW, dL_db])
    return dict(W=W, b=b, x=x, y=y, lr=lr, u=u, yhat=yhat, r=r, L=L, dL_dr=dL_dr, dL_dyhat=dL_dyhat,
                dL_du=dL_du, dL_db=dL_db, dL_dW=dL_dW, W_new=W_new, b_new=b_new)


# The operation at each inner node of the neuron's computational graph.
_OPERATIONS = {"u": "×", "yhat": "+", "r": "−", "L": "½(·)²"}


def pass_steps(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""One training step of :math:`\hat y = Wx + b`,
    :math:`L = \tfrac12 (y - \hat y)^2`, told one value at a time.

    Returns a list of 10 stages, each a dict for
    :func:`bpcore.plots.plot_computation_graph`: ``note`` (one sentence),
    ``labels`` and ``grads`` (text per graph node, so far), ``highlight``
    (the nodes this stage reveals), ``backward_edges`` (the edges the
    gradient just flowed along) and ``values`` (:func:`forward_backward`).
    Stages 0–4 are the forward pass (givens, :math:`u`, :math:`\hat y`,
    :math:`r`, :math:`L`), 5–8 the backward pass, 9 the update
    :math:`W \leftarrow W - \eta\,\partial L/\partial W`. The graph nodes
    are ``W x b y u yhat r L``.

    >>> stages = pass_steps()
    >>> len(stages), stages[4]["labels"]["L"], stages[-1]["labels"]["W"]
    (10, 'L = ½r² = 1.125', 'W = 2 → 2.15')
    """
    v = forward_backward(W=W, b=b, x=x, y=y, lr=lr)

    def g(value):
        return f"{value:.4g}"

    forward = [
        ("Given: weight, input, bias and target.",
         {"W": f"W = {g(v['W'])}", "x": f"x = {g(v['x'])}", "b": f"b = {g(v['b'])}", "y": f"y = {g(v['y'])}"},
         {"W", "x", "b", "y"}),
        ("Forward: multiply, u = W·x.", {"u": f"u = W·x = {g(v['u'])}"}, {"u"}),
        ("Forward: add the bias, ŷ = u + b.", {"yhat": f"ŷ = u + b = {g(v['yhat'])}"}, {"yhat"}),
        ("Forward: the residual, r = y − ŷ (signed, not yet a loss).", {"r": f"r = y − ŷ = {g(v['r'])}"}, {"r"}),
        ("Forward: the loss, L = ½ r².", {"L": f"L = ½r² = {g(v['L'])}"}, {"L"}),
    ]
    backward = [
        ("Backward: ∂L/∂r = r (the ½ cancels the 2).", {"r": f"∂L/∂r = {g(v['dL_dr'])}"}, {"r"}, [("r", "L")]),
        ("Backward: ∂L/∂ŷ = ∂L/∂r · ∂r/∂ŷ = ∂L/∂r · (−1).", {"yhat": f"∂L/∂ŷ = {g(v['dL_dyhat'])}"},
         {"yhat"}, [("yhat", "r")]),
        ("Backward: an add passes the gradient on: ∂L/∂u = ∂L/∂b = ∂L/∂ŷ.",
         {"u": f"∂L/∂u = {g(v['dL_du'])}", "b": f"∂L/∂b = {g(v['dL_db'])}"}, {"u", "b"}, [("u", "yhat"), ("b", "yhat")]),
        ("Backward: a multiply scales by the other input: ∂L/∂W = ∂L/∂u · x.", {"W": f"∂L/∂W = {g(v['dL_dW'])}"},
         {"W"}, [("W", "u")]),
    ]
    stages = pass_stages(forward, backward, v, labels=_OPERATIONS)
    labels, grads = stages[-1]["labels"], stages[-1]["grads"]
    update = {"W": f"W = {g(v['W'])} → {g(v['W_new'])}", "b": f"b = {g(v['b'])} → {g(v['b_new'])}"}
    stages.append(dict(note=f"Update (η = {g(v['lr'])}): W ← W − η·∂L/∂W, b ← b − η·∂L/∂b.",
                       labels={**labels, **update}, grads=grads, highlight={"W", "b"}, backward_edges=[], values=v))
    return stages


def descend(lr, epochs, W0=2.0, b0=-0.5, x=1.0, y=3.0):
    r"""Full-batch gradient descent on :math:`L(W, b) = \tfrac12 (y - Wx - b)^2`.

    .. math:: (W_{k+1}, b_{k+1}) = (W_k, b_k) - \eta\,\big(-(y - \hat y_k)\,x,\; -(y - \hat y_k)\big),
              \qquad \hat y_k = W_k x + b_k

    with :class:`bpcore.optim.SGD` as the update, run by
    :func:`bpcore.landscape.descend`. Returns ``(path, loss)``: the
    parameters :math:`(W_k, b_k)` for :math:`k = 0, \dots, \text{epochs}` as
    an ``(epochs + 1, 2)`` array and the loss :math:`L(W_k, b_k)` *at those
    same parameters*, shape ``(epochs + 1,)``: ``path[k]`` and ``loss[k]``
    belong together, so ``path[-1], loss[-1]`` are the parameters and the
    loss after ``epochs`` updates. Below the critical learning rate
    :math:`2/(x^2 + 1)` the residual shrinks, at it it flips sign with
    constant size, above it it grows (up to ``inf``, without warnings).

    >>> path, loss = descend(0.1, 1)
    >>> path[1].tolist(), [round(float(v), 6) for v in loss]
    ([2.15, -0.35], [1.125, 0.72])
    """
    epochs = integer(epochs, "epochs", minimum=0)   # TypeError for "3" or None, ValueError for 2.5 or -1
    check_size(2 * (epochs + 1), "epochs")          # the path
    W0, b0, x, y = (_scalar(name, v) for name, v in zip(("W0", "b0", "x", "y"), (W0, b0, x, y)))
    path = landscape.descend(optim.SGD(lr), lambda theta: list(_gradient(*theta, x, y)), [W0, b0], int(epochs))
    with np.errstate(over="ignore", invalid="ignore"):   # a diverging run is allowed to overflow
        loss = np.array([_loss_or_inf(y, W * x + b) for W, b in path])
    return path, loss


def _loss_or_inf(y, yhat):
    """The loss, or ``inf`` once a diverging run takes it beyond float64's range."""
    try:
        return losses.half_mse(y, yhat)
    except ValueError:   # half_mse refuses to return inf for finite inputs; a trajectory plots it as inf
        return np.inf


def loss_grid(W_values, b_values, x=1.0, y=3.0):
    r"""The loss surface :math:`L(W, b) = \tfrac12 (y - Wx - b)^2` on a grid,
    ready for ``contour(W, B, L)``.

    Returns ``(W, B, L)``, three arrays of shape ``(len(b_values),
    len(W_values))``: ``W, B = numpy.meshgrid(W_values, b_values)`` and the
    loss at each point (:func:`bpcore.landscape.loss_grid` with
    :func:`bpcore.losses.half_mse` on the one example :math:`(x, y)`).

    >>> W, B, L = loss_grid([2.0, 2.5], [-0.5, 0.5])
    >>> L
    array([[1.125, 0.5  ],
           [0.125, 0.   ]])
    """
    x, y = _scalar("x", x), _scalar("y", y)
    W_values = as_array(W_values, "W_values", ndim=1, finite=True)
    b_values = as_array(b_values, "b_values", ndim=1, finite=True)
    check_size(W_values.size * b_values.size, "len(W_values) * len(b_values)")
    L = landscape.loss_grid(losses.half_mse, [x], [y], W_values, b_values)   # checks the grids
    W, B = np.meshgrid(np.asarray(W_values, dtype=np.float64), np.asarray(b_values, dtype=np.float64))
    return W, B, L
