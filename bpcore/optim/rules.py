r"""Gradient-based optimizers, written as pure update rules.

Every optimizer here is *functional on the parameters*: ``opt.step(params,
grads)`` returns new parameters and never touches its inputs.  What an
optimizer remembers between steps (a momentum buffer, a running average of
squared gradients, a step counter) lives inside the optimizer object, one
state per parameter, and ``opt.reset()`` forgets it.

``params`` may be a float, an array (0-d allowed), or a list / tuple / dict of
those (nested containers work too); the result has the same structure, so a
float comes back as a float and a tuple as a tuple.  A training loop looks
like::

    new = opt.step([p.data for p in ps], [p.grad for p in ps])
    for p, value in zip(ps, new):
        p.data = value

With equal hyperparameters every update rule below equals PyTorch's
``torch.optim`` to rounding (the tests compare 50-step trajectories, and
500-step ones for AdamW, to 1e-12 in float64).  Where other libraries use a different convention, the
docstring says how it differs.

>>> from bpcore.optim import SGD
>>> SGD(lr=0.1).step(2.0, -1.5)   # the worked example: W = 2, dL/dW = -1.5
2.15
"""

import math
import numbers

import numpy as np

from .._checks import real_number, to_float

__all__ = ["Optimizer", "SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "AdamW"]


# --------------------------------------------------------------------------
# Parameter structures: flatten a float / array / container into leaves.
# --------------------------------------------------------------------------

def _is_scalar(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _flatten(tree, name):
    """Return ``(leaves, treedef)``.

    ``leaves`` are float64 arrays (fresh copies are *not* made here: the
    update rules never write into them).  ``treedef`` is a hashable
    description of the container structure and every leaf's kind and shape,
    so two trees are compatible exactly when their treedefs are equal.
    """
    leaves = []

    def visit(node, where):
        if isinstance(node, dict):
            # keys in a canonical order, not insertion order: params {"w", "b"} and
            # grads {"b", "w"} are matched by key
            keys = tuple(sorted(node, key=_key_order))
            return ("dict", keys, tuple(visit(node[k], f"{where}[{k!r}]") for k in keys))
        if isinstance(node, (list, tuple)) and type(node) in (list, tuple):
            kind = "list" if isinstance(node, list) else "tuple"
            return (kind, len(node), tuple(visit(v, f"{where}[{i}]") for i, v in enumerate(node)))
        if isinstance(node, np.ndarray) and node.ndim == 0 and node.dtype.kind in "fiu":
            leaves.append(node.astype(np.float64))
            return ("array", ())
        if _is_scalar(node):
            leaves.append(np.asarray(to_float(node), dtype=np.float64))
            return ("float", ())
        if isinstance(node, np.ndarray):
            if node.dtype.kind not in "fiu":
                raise TypeError(f"{where} must hold real numbers, got an array of dtype {node.dtype}")
            if node.size == 0:
                raise ValueError(f"{where} is an empty array (shape {node.shape}): there is nothing to optimize")
            leaves.append(np.asarray(node, dtype=np.float64))
            return ("array", node.shape)
        raise TypeError(
            f"{where} must be a float, a numpy array, or a list/tuple/dict of them; "
            f"got {type(node).__name__}"
        )

    treedef = visit(tree, name)
    return leaves, treedef


def _key_order(key):
    """Sort key for dict keys of any (mixed) types."""
    return (type(key).__name__, repr(key))


def _unflatten(treedef, leaves, like):
    """Rebuild the structure described by ``treedef`` from ``leaves``; dicts
    get the key order of the corresponding dict in ``like`` (the params)."""
    it = iter(leaves)

    def build(node, like):
        kind = node[0]
        if kind == "dict":
            built = {k: build(child, like[k]) for k, child in zip(node[1], node[2])}
            return {k: built[k] for k in like}
        if kind == "list":
            return [build(child, sub) for child, sub in zip(node[2], like)]
        if kind == "tuple":
            return tuple(build(child, sub) for child, sub in zip(node[2], like))
        value = next(it)
        # 0-d arithmetic yields numpy scalars: give back what came in.
        return float(value) if kind == "float" else np.asarray(value, dtype=np.float64)

    return build(treedef, like)


def _shapes_only(treedef):
    """The treedef with float/array leaf kinds merged: a gradient may be a
    float where the parameter is a 0-d array (and vice versa)."""
    kind = treedef[0]
    if kind in ("float", "array"):
        return ("leaf", treedef[1])
    return (kind, treedef[1], tuple(_shapes_only(c) for c in treedef[2]))


def _describe(treedef):
    """Short human-readable form of a treedef for error messages."""
    kind = treedef[0]
    if kind == "float":
        return "float"
    if kind == "array":
        return f"array{treedef[1]}"
    if kind == "dict":
        inner = ", ".join(f"{k!r}: {_describe(c)}" for k, c in zip(treedef[1], treedef[2]))
        return "{" + inner + "}"
    inner = ", ".join(_describe(c) for c in treedef[2])
    return f"[{inner}]" if kind == "list" else f"({inner}{',' if len(treedef[2]) == 1 else ''})"


# --------------------------------------------------------------------------
# Hyperparameter validation
# --------------------------------------------------------------------------

def _real(name, value):
    # TypeError for a string, None, a complex number...; ValueError for NaN (see bpcore._checks)
    value = real_number(value, name, finite=False)
    if math.isnan(value):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    return value


def _positive(name, value):
    value = _real(name, value)
    if not (0.0 < value < math.inf):
        raise ValueError(f"{name} must be positive and finite, got {name}={value!r}")
    return value


def _nonnegative(name, value):
    value = _real(name, value)
    if not (0.0 <= value < math.inf):
        raise ValueError(f"{name} must be >= 0 and finite, got {name}={value!r}")
    return value


def _decay(name, value):
    value = _real(name, value)
    if not (0.0 <= value < 1.0):
        raise ValueError(f"{name} must lie in [0, 1), got {name}={value!r}")
    return value


# --------------------------------------------------------------------------
# The base class: structure handling and state; subclasses state a rule.
# --------------------------------------------------------------------------

class Optimizer:
    r"""Base class: turns a per-array update rule into ``step(params, grads)``.

    A subclass implements two methods:

    * ``_init_state(p)`` returns a dict of state arrays for one parameter
      array ``p`` (e.g. a zero momentum buffer);
    * ``_update(p, g, state, t)`` returns the new parameter array given the
      current one, its gradient, its state (updated in place) and the step
      number :math:`t = 1, 2, \dots`.

    The base class flattens the parameter structure, checks that ``grads``
    has the same structure and shapes, keeps one state per leaf (by its
    position in the flattened structure) and rebuilds the result.

    >>> import numpy as np
    >>> opt = SGD(lr=0.5)
    >>> opt.step({"w": np.array([1.0, 2.0]), "b": 0.0}, {"w": np.array([2.0, 2.0]), "b": 1.0})
    {'w': array([0., 1.]), 'b': -0.5}
    """

    def __init__(self, lr):
        self.lr = _positive("lr", lr)
        self.reset()

    def reset(self):
        """Forget all state (buffers, step count); the next step is step 1."""
        self.t = 0
        self.state = None
        self._treedef = None

    def step(self, params, grads):
        """Return the parameters after one update; the inputs are unchanged.

        Dicts are matched by key, not by insertion order.
        """
        p_leaves, p_def = _flatten(params, "params")
        g_leaves, g_def = _flatten(grads, "grads")
        if _shapes_only(p_def) != _shapes_only(g_def):
            raise ValueError(
                "params and grads must have the same structure and shapes; got "
                f"params={_describe(p_def)} and grads={_describe(g_def)}"
            )
        if self._treedef is None:
            self._treedef = p_def
            self.state = [self._init_state(p) for p in p_leaves]
        elif p_def != self._treedef and _shapes_only(p_def) != _shapes_only(self._treedef):
            raise ValueError(
                f"{type(self).__name__} was stepping params={_describe(self._treedef)} "
                f"but now got params={_describe(p_def)}; call reset() before "
                "optimizing a different set of parameters"
            )
        self.t += 1
        new = [self._update(p, g, s, self.t) for p, g, s in zip(p_leaves, g_leaves, self.state)]
        return _unflatten(p_def, new, params)

    def _init_state(self, p):
        return {}

    def _update(self, p, g, state, t):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({hyper})"

    def hyperparameters(self):
        """The constructor arguments, as a dict."""
        return {"lr": self.lr}


class SGD(Optimizer):
    r"""Plain gradient descent.

    .. math:: \theta_t = \theta_{t-1} - \eta\, g_t

    where :math:`g_t = \nabla L(\theta_{t-1})` and :math:`\eta` is ``lr``.
    Equals ``torch.optim.SGD(params, lr)`` (no momentum, no weight decay).

    >>> SGD(lr=0.1).step(2.0, -1.5)
    2.15
    """

    def _update(self, p, g, state, t):
        return p - self.lr * g


class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball or Nesterov) momentum.

    PyTorch's form, which this class follows exactly
    (``torch.optim.SGD(params, lr, momentum=beta, dampening=0,
    nesterov=nesterov)``), with the momentum buffer :math:`u_t`:

    .. math::

        u_1 = g_1, \qquad u_t = \beta\, u_{t-1} + g_t \quad (t > 1)

        \theta_t = \theta_{t-1} - \eta\, u_t
        \qquad\text{or, with Nesterov,}\qquad
        \theta_t = \theta_{t-1} - \eta\,(g_t + \beta\, u_t).

    The buffer starts as the first gradient (not as zero), as in PyTorch.

    **Other conventions.** Many texts (Sutskever et al. 2013, CS231n) write
    momentum as a *velocity*, the update itself:
    :math:`\Delta\theta_t = \beta\,\Delta\theta_{t-1} - \eta g_t`,
    :math:`\theta_t = \theta_{t-1} + \Delta\theta_t`.  With a constant
    learning rate this is the same sequence of parameters:
    :math:`\Delta\theta_t = -\eta\, u_t` is just a rescaled buffer.  The two
    differ exactly when :math:`\eta` changes during training (a schedule,
    ``bpcore.optim.schedules``): the velocity form keeps the old rates
    baked into :math:`\Delta\theta`, PyTorch's form applies the new
    :math:`\eta` to the whole buffer.  A third form,
    :math:`u_t = \beta u_{t-1} + (1-\beta) g_t` (an exponential average,
    "dampening" in PyTorch), shrinks the step by :math:`1-\beta` (exactly
    so only from :math:`u_0 = 0`; PyTorch's dampening leaves the first
    buffer value :math:`u_1 = g_1` undamped).

    **Nesterov.** Sutskever et al. (2013) take the gradient at the
    look-ahead point :math:`\theta_{t-1} + \beta\,\Delta\theta_{t-1}`.
    PyTorch (and this class) use the reformulation of Bengio et al. (2013),
    which needs only the gradient at the current parameters; with a constant
    rate its iterates are exactly Sutskever's look-ahead points.  Along a
    direction of curvature :math:`\lambda` Nesterov is stable only for
    :math:`\eta\lambda < 2(1+\beta)/(1+2\beta)`, heavy ball for
    :math:`\eta\lambda < 2(1+\beta)` (see
    :func:`bpcore.races.momentum_critical_rate`).

    >>> opt = Momentum(lr=0.1, beta=0.9)
    >>> opt.step(1.0, 1.0)   # u = 1
    0.9
    >>> round(opt.step(0.9, 1.0), 12)   # u = 0.9 * 1 + 1 = 1.9
    0.71
    """

    def __init__(self, lr, beta=0.9, nesterov=False):
        self.beta = _decay("beta", beta)
        if not isinstance(nesterov, (bool, np.bool_)):   # the wrong kind of thing: TypeError (bpcore._checks)
            raise TypeError(f"nesterov must be True or False, got {nesterov!r:.40}")
        self.nesterov = bool(nesterov)
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "beta": self.beta, "nesterov": self.nesterov}

    def _init_state(self, p):
        return {"buffer": None}

    def _update(self, p, g, state, t):
        buffer = state["buffer"]
        if buffer is None:                 # PyTorch: the buffer starts as g_1
            buffer = state["buffer"] = g.copy()
        else:                              # owned by the optimizer: update in place
            buffer *= self.beta
            buffer += g
        direction = g + self.beta * buffer if self.nesterov else buffer
        return p - self.lr * direction


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al. 2011): per-coordinate steps shrink with the
    sum of all squared gradients seen so far.

    .. math::

        s_t = s_{t-1} + g_t^2, \quad s_0 = 0, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    (squares, roots and the division are elementwise).  Equals
    ``torch.optim.Adagrad(params, lr, lr_decay=0, initial_accumulator_value=0,
    eps=eps)``.

    **Other conventions.** Keras (``keras.optimizers.Adagrad``) starts the
    accumulator at :math:`s_0 = 0.1` and puts :math:`\epsilon` *inside* the
    root, :math:`g/\sqrt{s_t + \epsilon}`, with :math:`\epsilon = 10^{-7}`.
    optax's ``adagrad`` does the same (``initial_accumulator_value=0.1``,
    ``eps=1e-7``, :math:`\epsilon` inside the root).  With
    :math:`s_0 = 0.1` the first steps are much smaller than here, where the
    first step has size :math:`\approx \eta` in every coordinate.  *Dive
    into Deep Learning* (d2l, §12.7) also puts :math:`\epsilon` inside the
    root, :math:`g/\sqrt{s_t + \epsilon}` with :math:`\epsilon = 10^{-6}` and
    :math:`s_0 = 0`, so its printed results differ from this rule (PyTorch's)
    from about the 6th digit.

    >>> opt = Adagrad(lr=0.5, eps=0.0)
    >>> opt.step(1.0, 2.0)   # s = 4: 1 - 0.5 * 2 / 2
    0.5
    >>> round(opt.step(0.5, 2.0), 12)   # s = 8: 0.5 - 0.5 * 2 / sqrt(8)
    0.146446609407
    """

    def __init__(self, lr=0.01, eps=1e-10):
        self.eps = _nonnegative("eps", eps)
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "eps": self.eps}

    def _init_state(self, p):
        return {"sum_sq": np.zeros_like(p)}

    def _update(self, p, g, state, t):
        s = state["sum_sq"]                # owned by the optimizer: update in place
        s += g * g
        return p - self.lr * g / (np.sqrt(s) + self.eps)


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton 2012): divide by a running root mean
    square of recent gradients.

    .. math::

        v_t = \alpha\, v_{t-1} + (1-\alpha)\, g_t^2, \quad v_0 = 0, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t} + \epsilon}

    There is no bias correction, so the first steps are large
    (:math:`v_1 = (1-\alpha) g_1^2` makes the first step about
    :math:`\eta/\sqrt{1-\alpha}` = 10 :math:`\eta` for :math:`\alpha=0.99`).
    Equals ``torch.optim.RMSprop(params, lr, alpha, eps, centered=False,
    momentum=0)``.

    **Other conventions.** Keras (``keras.optimizers.RMSprop``) uses
    :math:`\rho = 0.9` for :math:`\alpha`, :math:`\epsilon = 10^{-7}` and
    puts :math:`\epsilon` *inside* the root: :math:`g/\sqrt{v_t + \epsilon}`.
    optax's ``rmsprop`` (``decay=0.9``, ``eps=1e-8``) and *Dive into Deep
    Learning* (d2l, §12.8, :math:`\gamma` for :math:`\alpha`,
    :math:`\epsilon = 10^{-6}`) put it inside the root too, so d2l's printed
    results differ from this rule (PyTorch's) from about the 6th digit.

    >>> round(RMSprop(lr=0.01, alpha=0.99, eps=0.0).step(1.0, 3.0), 12)   # 1 - 0.01 / sqrt(0.01)
    0.9
    """

    def __init__(self, lr=0.01, alpha=0.99, eps=1e-8):
        self.alpha = _decay("alpha", alpha)
        self.eps = _nonnegative("eps", eps)
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}

    def _init_state(self, p):
        return {"mean_sq": np.zeros_like(p)}

    def _update(self, p, g, state, t):
        v = state["mean_sq"]               # owned by the optimizer: update in place
        v *= self.alpha
        v += (1.0 - self.alpha) * (g * g)
        return p - self.lr * g / (np.sqrt(v) + self.eps)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015, Algorithm 1): momentum on the gradient,
    RMSprop on its square, both bias-corrected.

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \qquad m_0 = v_0 = 0

        \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    The bias correction undoes the pull of the zero initial moments towards
    zero, so the very first step has size :math:`\approx\eta` in every
    coordinate.  :math:`\epsilon` is added *after* the correction, as in
    Algorithm 1 and as PyTorch does: equals ``torch.optim.Adam(params, lr,
    betas=(beta1, beta2), eps=eps)``.

    **Other conventions.** TensorFlow/Keras folds the corrections into the
    step size, :math:`\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`, and
    computes :math:`\theta_t = \theta_{t-1} - \eta_t\, m_t/(\sqrt{v_t} +
    \hat\epsilon)`: its :math:`\hat\epsilon` (the paper's "epsilon hat",
    default :math:`10^{-7}`) sits next to the *uncorrected*
    :math:`\sqrt{v_t}`.  It equals this rule with the time-varying
    :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`, which is large in
    early steps; the two agree only when :math:`\epsilon` is negligible.

    >>> round(Adam(lr=0.1).step(1.0, 5.0), 6)   # first step: m_hat = g, v_hat = g**2
    0.9
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = _decay("beta1", beta1)
        self.beta2 = _decay("beta2", beta2)
        self.eps = _nonnegative("eps", eps)
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _init_state(self, p):
        return {"m": np.zeros_like(p), "v": np.zeros_like(p)}

    def _update(self, p, g, state, t):
        m, v = state["m"], state["v"]      # owned by the optimizer: update in place
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        # sqrt(v_hat) + eps, with the corrections applied as scalars
        denominator = np.sqrt(v)
        denominator /= math.sqrt(1.0 - self.beta2**t)
        denominator += self.eps
        step_size = self.lr / (1.0 - self.beta1**t)
        return p - step_size * (m / denominator)


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with *decoupled* weight decay.

    Each step first shrinks the parameters towards zero, then takes the
    ordinary :class:`Adam` step with the gradient of the loss alone:

    .. math::

        \tilde\theta_{t-1} = \theta_{t-1} - \eta\,\lambda\,\theta_{t-1}
        = (1-\eta\lambda)\,\theta_{t-1}

        \theta_t = \tilde\theta_{t-1} - \eta\,
        \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`\hat m_t, \hat v_t` exactly as in Adam (built from
    :math:`g_t` only; :math:`\lambda` is ``weight_decay``).  With
    :math:`\lambda = 0` it is Adam.  Equals ``torch.optim.AdamW(params, lr,
    betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)``, which also
    multiplies by :math:`1-\eta\lambda` before the Adam step.

    **Why "decoupled".** L2 regularisation inside Adam (``torch.optim.Adam``
    with ``weight_decay``) adds :math:`\lambda\theta` to the *gradient*, so
    the decay term passes through :math:`m` and is divided by
    :math:`\sqrt{\hat v}`: coordinates with large gradients are barely
    decayed.  AdamW applies the same relative shrink :math:`\eta\lambda` to
    every coordinate, whatever its gradient history.

    **Other conventions.** optax's ``adamw`` (default ``weight_decay=1e-4``)
    adds :math:`\lambda\theta` to the Adam direction and multiplies the sum
    by the learning rate: the decay uses the parameters *before* the step,
    as here, so the two agree.  The paper's own Algorithm 2 multiplies the
    decay by a schedule multiplier :math:`\eta_t` but not by the base
    learning rate (:math:`\theta \leftarrow \theta - \eta_t(\alpha\,\hat m /
    (\sqrt{\hat v}+\epsilon) + \lambda\theta)`, :math:`\alpha` the learning
    rate); its :math:`\lambda` is therefore :math:`\alpha` times PyTorch's.  Keras' ``AdamW`` multiplies by
    the learning rate like PyTorch (default ``weight_decay=0.004``).

    >>> round(AdamW(lr=0.1, weight_decay=0.5).step(1.0, 5.0), 6)   # 1 * (1 - 0.05) - 0.1
    0.85
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        self.weight_decay = _nonnegative("weight_decay", weight_decay)
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps)

    def hyperparameters(self):
        return {**super().hyperparameters(), "weight_decay": self.weight_decay}

    def _update(self, p, g, state, t):
        # Shrink first (multiplying, as torch does, keeps the rounding equal),
        # then the unchanged Adam step on the loss gradient.
        decayed = p * (1.0 - self.lr * self.weight_decay)
        return super()._update(decayed, g, state, t)
