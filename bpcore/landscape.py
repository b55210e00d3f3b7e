r"""Loss landscapes: loss over a grid of parameters, random slices through a
network's loss, and optimizer trajectories.

* :func:`loss_grid` evaluates the loss of a linear model
  :math:`\hat y = w x + b` at every point of a :math:`(w, b)` grid, vectorised
  and in bounded memory.
* :func:`random_direction`, :func:`slice_1d` and :func:`slice_2d` draw the
  loss of *any* model along random, filter-normalised directions through its
  parameters (Li et al. 2018); :func:`model_loss` turns a model, a loss and a
  data set into the function of a list of arrays they need.
* :func:`descend` records an optimizer's path on a surface.

Orientation: every 2-D result follows ``numpy.meshgrid``'s default ``'xy'``
convention: rows index the *second* coordinate (``b`` or ``beta``), columns
the first (``w`` or ``alpha``), so ``plt.contourf(W, B, L)`` with
``W, B = np.meshgrid(w_values, b_values)`` draws it the right way round.
"""

import copy
import functools
import inspect

import numpy as np

from ._checks import as_array, as_float64, as_rng as _rng, check_callable, check_size, choice, integer, real_number
from . import _grid_kernels

__all__ = ["BLOCK_ENTRIES", "loss_grid", "random_direction", "slice_1d", "slice_2d", "model_loss", "descend"]

#: Largest number of float64 entries in one ``(chunk, n)`` block of predictions
#: (125 KiB).  Every temporary the loss makes has the block's size, and glibc
#: serves allocations of 128 KiB and more with fresh mmap'd pages, so each
#: operation on a larger block first pays page faults (measured: 2 MB blocks
#: made Huber 4x and MSE up to 6x slower, depending on the allocator's
#: history).  Below the threshold the temporaries are recycled from the heap;
#: much smaller blocks would pay Python overhead per block instead.
BLOCK_ENTRIES = 16_000


def _vector(values, name):
    arr = as_float64(values, name)   # TypeError naming the argument for strings, None, objects
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {np.count_nonzero(~np.isfinite(arr))} non-finite value(s)")
    return arr


def _takes_axis(loss):
    """Whether ``loss`` accepts ``axis=`` (reduce over that axis only, like ``np.mean``)."""
    try:
        return "axis" in inspect.signature(loss).parameters
    except (TypeError, ValueError):  # callables without a signature
        return False


def _rowwise(loss):
    """A function ``(Y, Yhat) -> per-row losses`` for ``(rows, n)`` blocks.

    A loss that accepts ``axis`` is called once per block.  Otherwise each
    row is one call of the loss: correct for any loss, but a Python loop.
    Either way a loss that does not return one number per row raises.
    """
    def per_row(Y, Yhat):
        if _takes_axis(loss):
            values = np.asarray(loss(Y, Yhat, axis=1), dtype=np.float64)
        else:
            values = []
            for y, yhat in zip(Y, Yhat):
                value = np.asarray(loss(y, yhat), dtype=np.float64)
                if value.shape != ():
                    raise ValueError(f"loss must return one number per model, but it returned shape {value.shape} "
                                     f"for a prediction of shape {yhat.shape}")
                values.append(value)
            values = np.array(values)
        if values.shape != (len(Y),):
            raise ValueError(f"loss(y_true, y_pred, axis=1) must return shape ({len(Y)},) for {len(Y)} rows of "
                             f"predictions, got shape {values.shape}")
        return values
    return per_row


def _fast_kernel(loss):
    """The exact fast algorithm for a loss ``loss_grid`` recognises, else None."""
    from . import losses   # the losses module imports autodiff; load it only here
    if loss is losses.mse:
        return _grid_kernels.mse_grid
    if loss is losses.half_mse:
        return lambda x, y, w, b: 0.5 * _grid_kernels.mse_grid(x, y, w, b)
    if loss is losses.mae:
        return _grid_kernels.abs_grid
    func, args, keywords = loss, (), {}
    if isinstance(loss, functools.partial):
        func, args, keywords = loss.func, loss.args, loss.keywords
    if func is losses.huber and not args and set(keywords) <= {"delta"}:
        delta = losses._check_delta(keywords.get("delta", 1.0))
        return lambda x, y, w, b: _grid_kernels.huber_grid(x, y, w, b, delta)
    return None


def _direct(loss, x, y, w_values, b_values, chunk):
    """Every residual of every grid point, ``chunk`` grid points per block."""
    n = x.size
    if chunk is None:
        chunk = max(1, BLOCK_ENTRIES // n)
    W, B = np.meshgrid(w_values, b_values)   # shape (len(b), len(w))
    w_flat, b_flat = W.ravel(), B.ravel()
    per_row = _rowwise(loss)
    out = np.empty(w_flat.size)
    block = np.empty((min(chunk, w_flat.size), n))        # reused for every chunk
    for start in range(0, w_flat.size, chunk):
        w = w_flat[start:start + chunk, None]
        b = b_flat[start:start + chunk, None]
        y_pred = block[:len(w)]
        np.multiply(w, x, out=y_pred)                     # y_pred = w x + b, row by row
        y_pred += b
        y_true = np.broadcast_to(y, y_pred.shape)         # a view: no copy of y
        out[start:start + len(w)] = per_row(y_true, y_pred)
    return out.reshape(W.shape)


def loss_grid(loss, x, y, w_values, b_values, chunk=None, method="auto"):
    r"""The loss of :math:`\hat y = w x + b` at every :math:`(w, b)` of a grid.

    .. math:: L_{jk} = \operatorname{loss}\big(y,\; w_k\, x + b_j\big)

    for ``loss`` any function ``loss(y_true, y_pred)`` (``bp.losses.mse``,
    ``mae``, ``huber``, ... or your own; use ``functools.partial`` to fix
    options such as ``delta``).  Returns an array of shape
    ``(len(b_values), len(w_values))``: row ``j`` is ``b_values[j]``, column
    ``k`` is ``w_values[k]`` (meshgrid ``'xy'`` order, so
    ``plt.contourf(*np.meshgrid(w_values, b_values), L)`` works).

    ``method="auto"`` (default) uses an exact shortcut for the losses it
    recognises (see ``bpcore._grid_kernels``):

    * ``mse`` and ``half_mse``: the loss is a quadratic in :math:`(w, b)`
      fixed by five moments of the data, a few flops per grid point;
    * ``mae`` and ``huber`` (also ``functools.partial(huber, delta=...)``):
      sorted residuals and prefix sums, one sort per :math:`w` and a binary
      search per grid point.

    They agree with the direct computation to float64 rounding (the tests
    check it).  Any other loss, or ``method="direct"``, evaluates every
    residual, ``chunk`` grid points at a time as one ``(chunk, n)`` block of
    predictions (at most :data:`BLOCK_ENTRIES` floats, so memory stays
    bounded for any grid).  A loss that accepts ``axis`` (the mean over that
    axis only) is called once per block; any other loss once per grid point.
    A loss that does not return one number per model raises ``ValueError``.

    >>> from bpcore.losses import mse
    >>> x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])   # y = 2x + 1
    >>> loss_grid(mse, x, y, w_values=[1.0, 2.0], b_values=[0.0, 1.0])
    array([[4.66666667, 1.        ],
           [1.66666667, 0.        ]])
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function loss(y_true, y_pred), got {type(loss).__name__}")
    x, y = _vector(x, "x"), _vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x has shape {x.shape} but y has shape {y.shape}; they must match")
    w_values, b_values = _vector(w_values, "w_values"), _vector(b_values, "b_values")
    if chunk is not None:
        chunk = integer(chunk, "chunk", minimum=1)
    check_size(w_values.size * b_values.size, "len(w_values) * len(b_values)")
    if not isinstance(method, str):
        raise TypeError(f"method must be 'auto' or 'direct', got {type(method).__name__}")
    if method not in ("auto", "direct"):
        raise ValueError(f"method must be 'auto' or 'direct', got {method!r}")
    kernel = _fast_kernel(loss) if method == "auto" else None
    if kernel is not None:
        return kernel(x, y, w_values, b_values)
    return _direct(loss, x, y, w_values, b_values, chunk)


# ---------------------------------------------------------------------------
# Random directions through a network's parameters (Li et al. 2018)
# ---------------------------------------------------------------------------

def _arrays(params, name="params"):
    """A list of finite, non-empty float64 arrays from arrays or Tensors (their ``.data``)."""
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"{name} must be a list of arrays (or of Tensors), got {type(params).__name__}")
    if len(params) == 0:
        raise ValueError(f"{name} must be a non-empty list of arrays, got an empty {type(params).__name__}")
    out = []
    for i, p in enumerate(params):
        if hasattr(p, "_backward"):   # a Tensor
            p = p.data
        out.append(as_array(p, f"{name}[{i}]", finite=True))
    return out


def _points(values, name):
    """A non-empty 1-D array of finite floats (the alphas and betas of a slice)."""
    return as_array(values, name, ndim=1, finite=True)


def _loss_value(value, where):
    """The float a loss function returned; anything but one real number is an error."""
    data = value.data if hasattr(value, "_backward") else value
    arr = as_float64(data, f"loss_fn's result {where}")
    if arr.ndim != 0:
        raise ValueError(f"loss_fn must return one number (a float), but returned an array of shape "
                         f"{arr.shape} {where}; reduce it, e.g. with .mean()")
    return float(arr)


def _check_same_shapes(a, b, name_a, name_b):
    shapes_a, shapes_b = [p.shape for p in a], [p.shape for p in b]
    if shapes_a != shapes_b:
        raise ValueError(f"{name_a} has shapes {shapes_a} but {name_b} has shapes {shapes_b}")


def random_direction(params, seed=0, bias="zero", filter_axis=-1):
    r"""A random direction in parameter space, filter-normalised (Li et al. 2018).

    Draw :math:`d \sim \mathcal N(0, I)` with the shapes of ``params``, then
    rescale each *filter* to the norm of the same filter of the parameters:

    .. math:: d_{i} \leftarrow \frac{d_{i}}{\lVert d_{i}\rVert}\,\lVert\theta_{i}\rVert

    For a weight matrix ``W`` of shape ``(n_in, n_out)`` (bpcore's
    :class:`~bpcore.nn.Linear`), filter :math:`i` is output unit :math:`i`'s
    incoming weights, the column ``W[:, i]``: the filters are indexed by
    ``filter_axis`` (default the last axis) and the norm runs over all other
    axes.  Without this rescaling a direction would move small-norm layers
    relatively much further than large ones, and slices of different networks
    could not be compared (the paper's point: ReLU networks are scale
    invariant, so only the relative change matters).

    Parameters with ``ndim <= 1`` (biases) and scalars: ``bias="zero"``
    (default) leaves them out of the direction, as the paper does for biases
    and batch-norm parameters; ``bias="copy"`` uses the parameter itself as
    its direction (so every bias entry moves by its own size), as Li et al.'s
    code does when biases are included.

    ``params`` is a list of arrays (or of Tensors, e.g.
    ``model.parameters()``: their ``.data`` is used and nothing is modified).

    >>> W = np.array([[3.0, 0.0], [4.0, 1.0]])   # column norms 5 and 1
    >>> d = random_direction([W, np.zeros(2)], seed=0)
    >>> np.linalg.norm(d[0], axis=0), d[1]
    (array([5., 1.]), array([0., 0.]))
    """
    choice(bias, "bias", ("zero", "copy"))
    arrays = _arrays(params)
    filter_axis = integer(filter_axis, "filter_axis")
    rng = _rng(seed)
    direction = []
    for i, p in enumerate(arrays):
        if p.ndim <= 1:
            direction.append(np.zeros_like(p) if bias == "zero" else p.copy())
            continue
        if not -p.ndim <= filter_axis < p.ndim:
            raise ValueError(f"filter_axis={filter_axis} is out of range for params[{i}] of shape {p.shape}")
        d = rng.standard_normal(p.shape)
        others = tuple(a for a in range(p.ndim) if a != filter_axis % p.ndim)
        p_norm = np.sqrt(np.sum(p * p, axis=others, keepdims=True))
        d_norm = np.sqrt(np.sum(d * d, axis=others, keepdims=True))
        direction.append(d * (p_norm / d_norm))
    return direction


def slice_1d(loss_fn, params, direction, alphas):
    r"""The loss along a line through ``params``:
    :math:`L(\alpha) = \operatorname{loss\_fn}(\theta + \alpha\, d)`.

    ``loss_fn`` takes a list of arrays (shaped like ``params``) and returns a
    float, see :func:`model_loss`.  Returns an array of shape
    ``(len(alphas),)``; :math:`\alpha = 0` is the loss at ``params``.

    >>> bowl = lambda ps: float(sum(np.sum(p**2) for p in ps))
    >>> slice_1d(bowl, [np.array([1.0, 0.0])], [np.array([1.0, 1.0])], [-1.0, 0.0, 1.0])
    array([1., 1., 5.])
    """
    check_callable(loss_fn, "loss_fn")
    theta, d = _arrays(params), _arrays(direction, "direction")
    _check_same_shapes(theta, d, "params", "direction")
    alphas = _points(alphas, "alphas")
    return np.array([_loss_value(loss_fn([p + a * q for p, q in zip(theta, d)]), f"at alpha={a:g}")
                     for a in alphas])


def slice_2d(loss_fn, params, d1, d2, alphas, betas):
    r"""The loss on a plane through ``params``:
    :math:`L(\alpha, \beta) = \operatorname{loss\_fn}(\theta + \alpha d_1 + \beta d_2)`.

    Returns an array of shape ``(len(betas), len(alphas))`` (meshgrid
    ``'xy'`` order: row ``j`` is ``betas[j]``), ready for
    ``plt.contour(*np.meshgrid(alphas, betas), L)``.

    >>> bowl = lambda ps: float(sum(np.sum(p**2) for p in ps))
    >>> e1, e2 = [np.array([1.0, 0.0])], [np.array([0.0, 1.0])]
    >>> slice_2d(bowl, [np.zeros(2)], e1, e2, alphas=[0.0, 1.0, 2.0], betas=[0.0, 3.0])
    array([[ 0.,  1.,  4.],
           [ 9., 10., 13.]])
    """
    check_callable(loss_fn, "loss_fn")
    theta, u, v = _arrays(params), _arrays(d1, "d1"), _arrays(d2, "d2")
    _check_same_shapes(theta, u, "params", "d1")
    _check_same_shapes(theta, v, "params", "d2")
    alphas, betas = _points(alphas, "alphas"), _points(betas, "betas")
    return np.array([
        [_loss_value(loss_fn([p + a * q + b * r for p, q, r in zip(theta, u, v)]), f"at alpha={a:g}, beta={b:g}")
         for a in alphas]
        for b in betas
    ])


def model_loss(model, loss, X, y):
    r"""``loss_fn(arrays) -> float``: the loss of ``model`` on ``(X, y)`` with
    its parameters temporarily set to ``arrays``.

    .. math:: \theta \mapsto \operatorname{loss}\big(y, f_\theta(X)\big)

    The model's own parameters are restored after every call, so slicing
    leaves the model exactly as it was.  ``loss`` is a :mod:`bpcore.losses`
    function; ``model`` anything with ``parameters()`` (Tensors) that is
    callable on ``X``.

    >>> from bpcore.nn import Linear
    >>> from bpcore.losses import mse
    >>> layer = Linear(1, 1)
    >>> f = model_loss(layer, mse, np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]]))
    >>> f([np.array([[2.0]]), np.array([0.0])])   # w = 2, b = 0 fits exactly
    0.0
    """
    if not callable(getattr(model, "parameters", None)) or not callable(model):
        raise TypeError(f"model must be callable on X and have parameters(), e.g. bpcore.nn.MLP; "
                        f"got {type(model).__name__}")
    check_callable(loss, "loss")
    X = as_array(X, "X")
    as_array(y, "y")   # numeric and non-empty; integer labels stay integers
    params = list(model.parameters())
    if not params or not all(hasattr(p, "_backward") for p in params):
        raise TypeError("model.parameters() must return a non-empty list of Tensors")

    def loss_fn(arrays):
        arrays = _arrays(arrays, "arrays")
        if len(arrays) != len(params):
            raise ValueError(f"expected {len(params)} parameter arrays, got {len(arrays)}")
        for i, (p, a) in enumerate(zip(params, arrays)):
            if a.shape != p.shape:
                raise ValueError(f"arrays[{i}] has shape {a.shape} but the model's parameter {i} has shape {p.shape}")
        saved = [p.data for p in params]
        try:
            for p, a in zip(params, arrays):
                p.data = a
            return float(loss(y, model(X)))   # a scalar Tensor converts too
        finally:
            for p, s in zip(params, saved):
                p.data = s

    return loss_fn


# ---------------------------------------------------------------------------
# Optimizer trajectories
# ---------------------------------------------------------------------------

def descend(optimizer, grad_fn, x0, steps):
    r"""Run ``optimizer`` on ``grad_fn`` from ``x0`` and record every point.

    .. math:: x_{k+1} = \operatorname{step}(x_k, \nabla f(x_k)),\qquad k = 0, \dots, \text{steps}-1

    Returns an array of shape ``(steps + 1, dim)`` with ``x0`` in row 0
    (a scalar ``x0`` counts as ``dim = 1``; ``grad_fn`` then receives and
    returns floats).  The optimizer is copied and reset first, so every call
    starts from fresh state and the object you pass is not changed.
    Divergence is allowed: once the iterates overflow the rows are ``inf`` or
    ``nan`` (chapter 3 shows this), without warnings.

    >>> from bpcore.optim import SGD
    >>> descend(SGD(lr=0.25), lambda x: 2 * x, x0=[1.0, -2.0], steps=3)
    array([[ 1.   , -2.   ],
           [ 0.5  , -1.   ],
           [ 0.25 , -0.5  ],
           [ 0.125, -0.25 ]])
    """
    if isinstance(optimizer, (str, type)) or not callable(getattr(optimizer, "step", None)) \
            or not callable(getattr(optimizer, "reset", None)):
        raise TypeError(f"optimizer must be an optimizer object such as bpcore.optim.SGD(lr=0.1), "
                        f"got {type(optimizer).__name__} {optimizer!r:.40}")
    check_callable(grad_fn, "grad_fn")
    steps = integer(steps, "steps", minimum=0)
    opt = copy.deepcopy(optimizer)
    opt.reset()
    x = as_array(x0, "x0", ndim=(0, 1), finite=True)
    scalar = x.ndim == 0   # a number or a 0-d array: grad_fn gets and returns floats
    x = float(x) if scalar else x.copy()
    path = np.empty((steps + 1, 1 if scalar else x.size))
    path[0] = x
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, steps + 1):
            g = grad_fn(x)
            if scalar:
                g = real_number(g.data if hasattr(g, "_backward") else g, f"grad_fn's result at step {k - 1}",
                                finite=False)
            else:
                g = as_float64(g, f"grad_fn's result at step {k - 1}")
                if g.shape != x.shape:
                    raise ValueError(f"grad_fn returned shape {g.shape} at step {k - 1}, but x0 has shape {x.shape}")
            x = opt.step(x, g)
            path[k] = x
    return path
