r"""Reverse-mode automatic differentiation over numpy arrays.

This is Karpathy's *micrograd* engine made vectorised: one small class,
:class:`Tensor`, wraps a float64 array. Every operation returns a new Tensor
and attaches a closure ``_backward`` that applies the chain rule for that one
operation,

.. math:: \bar{x} \mathrel{+}= \bar{y}\,\frac{\partial y}{\partial x},

where :math:`\bar{v} = \partial L / \partial v`. :meth:`Tensor.backward`
sorts the graph topologically (iteratively, so a chain of 10,000 operations
is fine) and runs the closures from the output back to the inputs.

**Broadcasting.** ``(n, m) + (m,)`` broadcasts forward, so backward sums the
gradient over the broadcast axes until it has the operand's shape again.

**Gradient accumulation (PyTorch semantics).** A node used twice receives
the sum of both contributions. *Leaf* tensors (the ones you create, such as
weights) also keep accumulating across ``backward()`` calls; call
:meth:`Tensor.zero_grad` (or ``model.zero_grad()``) before each step.
An *intermediate* node's gradient is freed as soon as it has been passed on
to the node's operands, as in PyTorch (call :meth:`Tensor.retain_grad` to
keep it). So a second ``backward()`` adds exactly one more gradient to the
leaves (the classic micrograd pitfall, where stale intermediate gradients
are counted twice, cannot happen), and a deep network's backward pass holds
only the gradients it is still working on, not one per node.

>>> w = Tensor(2.0)
>>> loss = 0.5 * (3.0 - (w * 1.0 - 0.5)) ** 2
>>> loss.backward(); w.grad
array(-1.5)
>>> loss.backward(); w.grad        # leaves accumulate: -1.5 + (-1.5)
array(-3.)
>>> w.zero_grad(); w.grad
array(0.)
"""

import functools
import numbers

import numpy as np

__all__ = ["Tensor", "grad", "exp", "log", "tanh", "sigmoid", "relu", "logsumexp", "log_softmax"]


def _as_float_array(x, name):
    """``x`` as a float64 ndarray; a clear error for ragged or non-numeric input."""
    try:
        arr = np.asarray(x)
    except ValueError:  # numpy's own message ("inhomogeneous shape ...") hides the cause
        raise ValueError(f"{name} is ragged: nested lists of unequal lengths do not "
                         f"form an array") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got {type(x).__name__} (dtype {arr.dtype})")
    return arr.astype(np.float64, copy=False)


def _unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, giving ``shape``."""
    if g.shape == shape:
        return g
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _lift(x):
    """Numbers and arrays join the graph as constants (no gradient needed)."""
    if isinstance(x, Tensor):
        return x
    return Tensor(x, requires_grad=False, copy=False)


class Tensor:
    r"""A float64 array that remembers how it was computed.

    ``Tensor(data)`` copies ``data`` (your array is never modified) and is a
    leaf with ``requires_grad=True``. ``.grad`` has the shape of ``.data`` and
    holds :math:`\partial L/\partial\,\text{data}` after ``L.backward()``.

    >>> x = Tensor([1.0, 2.0, 3.0])
    >>> (x ** 2).sum().backward()
    >>> x.grad
    array([2., 4., 6.])
    """

    __slots__ = ("_data", "_grad", "requires_grad", "_backward", "_prev", "_op", "_retain", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected op

    def __init__(self, data, requires_grad=True, copy=True):
        if isinstance(data, Tensor):
            data = data._data
        arr = _as_float_array(data, "Tensor data")
        if arr.size == 0:
            raise ValueError(f"Tensor data is empty (shape {arr.shape})")
        self._data = arr.copy() if copy and arr is data else arr
        self._grad = None
        self.requires_grad = bool(requires_grad)
        self._backward = None
        self._prev = ()
        self._op = ""
        self._retain = False

    @staticmethod
    def _node(data, parents, op):
        """A new non-leaf result; skips __init__'s checks (data is already float64)."""
        out = object.__new__(Tensor)
        out._data = data if type(data) is np.ndarray else np.asarray(data)
        out._grad = None
        out._prev = tuple([p for p in parents if p.requires_grad])
        out.requires_grad = bool(out._prev)
        out._backward = None
        out._op = op
        out._retain = False
        return out

    # -- data and gradient -------------------------------------------------
    @property
    def data(self):
        return self._data

    @data.setter
    def data(self, value):
        arr = _as_float_array(value, "Tensor.data")
        if arr.shape != self._data.shape:
            raise ValueError(f"Tensor.data: new value has shape {arr.shape}, tensor has shape {self._data.shape}")
        self._data = arr

    @property
    def grad(self):
        """:math:`\\partial L/\\partial\\,\\text{data}`; zeros for a leaf before any backward.

        ``None`` for an intermediate node, whose gradient is freed once used,
        unless :meth:`retain_grad` was called before ``backward()``.
        """
        if self._grad is None and not self._prev:
            self._grad = np.zeros_like(self._data)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is None:
            self._grad = None
            return
        arr = _as_float_array(value, "Tensor.grad")
        if arr.shape != self._data.shape:  # a gradient has its tensor's shape, as .data does
            raise ValueError(f"Tensor.grad: new value has shape {arr.shape}, tensor has shape {self._data.shape}")
        self._grad = arr

    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)

    def zero_grad(self):
        """Reset ``.grad`` to zeros (leaf gradients otherwise accumulate)."""
        self._grad = None

    def retain_grad(self):
        """Keep this intermediate node's gradient after ``backward()`` (as in PyTorch)."""
        self._retain = True
        return self

    def _accumulate(self, g):
        if not self.requires_grad:
            return
        if g.shape != self._data.shape:
            g = _unbroadcast(g, self._data.shape)
        if self._grad is not None:
            g = self._grad + g  # a new array: never modify one another node holds
        elif not self._prev:
            g = np.array(g, dtype=np.float64)  # a leaf owns a fresh, writable array
        self._grad = g if type(g) is np.ndarray else np.asarray(g)

    def backward(self, gradient=None):
        r"""Fill ``.grad`` of every tensor this one depends on, by the chain rule.

        For a scalar the starting gradient is :math:`\partial L/\partial L = 1`; for a
        non-scalar pass ``gradient`` (same shape) explicitly.
        """
        if gradient is None:
            if self._data.size != 1:
                raise ValueError(f"backward() needs a scalar or an explicit gradient; shape is {self.shape}")
            gradient = np.ones_like(self._data)
        gradient = _as_float_array(gradient, "gradient")
        if gradient.shape != self.shape:  # never broadcast the starting gradient silently
            raise ValueError(f"backward(gradient): gradient has shape {gradient.shape} "
                             f"but the tensor has shape {self.shape}; they must match")
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # iterative depth-first search: no recursion limit
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                for child in node._prev:
                    if child not in seen:
                        stack.append((child, False))
        for node in order:
            if node._prev:  # intermediate results start fresh every call
                node._grad = None
        self._accumulate(gradient)
        for node in reversed(order):
            if node._backward is not None and node._grad is not None:
                node._backward(node._grad)
                if not node._retain:  # passed on to the operands: free it, as PyTorch does
                    node._grad = None

    # -- arithmetic ------------------------------------------------------------
    def __add__(self, other):
        other = _lift(other)
        out = Tensor._node(self._data + other._data, (self, other), "+")

        def _backward(g):
            self._accumulate(g)
            other._accumulate(g)
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = _lift(other)
        out = Tensor._node(self._data - other._data, (self, other), "-")

        def _backward(g):
            self._accumulate(g)
            other._accumulate(-g)
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        a, b = self._data, other._data
        out = Tensor._node(a * b, (self, other), "*")

        def _backward(g):
            self._accumulate(g * b)
            other._accumulate(g * a)
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = _lift(other)
        a, b = self._data, other._data
        quotient = a / b
        out = Tensor._node(quotient, (self, other), "/")

        def _backward(g):
            self._accumulate(g / b)
            other._accumulate(-g * quotient / b)
        out._backward = _backward
        return out

    def __pow__(self, p):
        if isinstance(p, Tensor):
            raise TypeError("Tensor ** Tensor is not supported; write exp(p * log(x))")
        p = _as_float_array(p, "exponent")
        a = self._data
        out = Tensor._node(a ** p, (self,), "**")
        out._backward = lambda g: self._accumulate(g * p * a ** (p - 1))
        return out

    def __matmul__(self, other):
        other = _lift(other)
        a, b = self._data, other._data
        out = Tensor._node(a @ b, (self, other), "@")

        def _backward(g):
            # a 1-D operand is promoted to a matrix by matmul: do the same, then undo it
            a2, b2 = (a[None, :] if a.ndim == 1 else a), (b[:, None] if b.ndim == 1 else b)
            if b.ndim == 1:
                g = g[..., None]
            if a.ndim == 1:
                g = g[..., None, :]
            if self.requires_grad:
                self._accumulate(_unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape))
            if other.requires_grad:
                other._accumulate(_unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape))
        out._backward = _backward
        return out

    def affine(self, W, b):
        r"""``self @ W + b`` as one node, like PyTorch's ``addmm``.

        The same arithmetic as ``x @ W + b``, but the product is never kept as
        a node of its own: the graph stores one ``(n, m)`` array per layer
        instead of two, and the backward pass is exactly that of ``@`` then
        ``+`` (:math:`\bar x = \bar y W^\top`, :math:`\bar W = x^\top \bar y`,
        :math:`\bar b = \sum_i \bar y_i`). ``self`` is ``(n, k)``, ``W`` is
        ``(k, m)`` and ``b`` is ``(m,)``.
        """
        W, b = _lift(W), _lift(b)
        x, w = self._data, W._data
        if x.ndim != 2 or w.ndim != 2 or b._data.shape != (w.shape[1],) or x.shape[1] != w.shape[0]:
            raise ValueError(f"affine: expects x (n, k), W (k, m) and b (m,), got {x.shape}, {w.shape}, {b.shape}")
        out_data = x @ w
        out_data += b._data  # in place: the product needs no array of its own
        out = Tensor._node(out_data, (self, W, b), "affine")

        def _backward(g):
            if self.requires_grad:
                self._accumulate(g @ w.T)
            if W.requires_grad:
                W._accumulate(x.T @ g)
            b._accumulate(g)  # _accumulate sums over the batch axis
        out._backward = _backward
        return out

    def __neg__(self):
        out = Tensor._node(-self._data, (self,), "neg")
        out._backward = lambda g: self._accumulate(-g)
        return out

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return _lift(other) - self

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __rmatmul__(self, other):
        return _lift(other) @ self

    # -- elementwise functions -----------------------------------------------
    def _unary(self, data, local_grad, op):
        """Elementwise op: ``out = f(x)``, ``x.grad += out.grad * f'(x)``, f' given ``f(x)``."""
        out = Tensor._node(data, (self,), op)
        # closures hold arrays, never `out` itself: no reference cycles, so a
        # graph is freed as soon as its loss goes out of scope
        out._backward = lambda g: self._accumulate(g * local_grad(data))
        return out

    def exp(self):
        return self._unary(np.exp(self._data), lambda e: e, "exp")

    def log(self):
        a = self._data
        return self._unary(np.log(a), lambda _: 1.0 / a, "log")

    def tanh(self):
        return self._unary(np.tanh(self._data), _one_minus_square, "tanh")

    def sigmoid(self):
        return self._unary(sigmoid(self._data), lambda s: s * (1.0 - s), "sigmoid")

    def relu(self):
        a = self._data
        return self._unary(relu(a), lambda _: a > 0, "relu")

    def __abs__(self):
        a = self._data
        return self._unary(np.abs(a), lambda _: np.sign(a), "abs")

    def clip(self, lo=None, hi=None):
        """Like ``ndarray.clip``; the gradient is 0 where a bound is active."""
        a = self._data
        lo_, hi_ = (-np.inf if lo is None else lo), (np.inf if hi is None else hi)
        return self._unary(np.clip(a, lo_, hi_), lambda _: (a >= lo_) & (a <= hi_), "clip")

    # -- reductions and shape ------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return self._reduce(self._data.sum(axis=axis, keepdims=keepdims), axis, 1.0, "sum")

    def mean(self, axis=None, keepdims=False):
        total = self._data.sum(axis=axis, keepdims=keepdims)
        count = self._data.size / max(np.size(total), 1)
        return self._reduce(total / count, axis, 1.0 / count, "mean")

    def logsumexp(self, axis=-1, keepdims=False):
        r"""Stable :math:`\log\sum_j e^{x_j}`; its gradient is the softmax."""
        a = self._data
        m = a.max(axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)  # rows of -inf: avoid inf - inf
        e = np.exp(a - m)
        total = e.sum(axis=axis, keepdims=True)
        lse = np.log(total) + m
        out = Tensor._node(lse if keepdims else np.squeeze(lse, axis=axis), (self,), "logsumexp")
        # the gradient is the softmax e^(a - m) / sum e^(a - m), not e^(a - lse):
        # for |a| >= 1e16, lse = m + log(sum) rounds to m and e^(a - lse) would be 1
        out._backward = lambda g: self._accumulate(_spread(g, a.shape, lse.shape) * (e / total))
        return out

    def log_softmax(self, axis=-1):
        r""":math:`z_j - \log\sum_k e^{z_k}`, exact for equal entries of any size; see :func:`log_softmax`."""
        out_data, softmax = _log_softmax(self._data, axis)
        out = Tensor._node(out_data, (self,), "log_softmax")
        # d/dz_k of (z_j - logsumexp z) is [j = k] - softmax_k
        out._backward = lambda g: self._accumulate(g - softmax * g.sum(axis=axis, keepdims=True))
        return out

    def _reduce(self, data, axis, scale, op):
        """Sum-like reduction over ``axis``: every input element gets ``scale * out.grad``."""
        out = Tensor._node(data, (self,), op)
        shape = self._data.shape
        axes = range(len(shape)) if axis is None else {ax % len(shape) for ax in np.atleast_1d(axis)}
        kept = tuple(1 if i in axes else n for i, n in enumerate(shape))  # the shape with keepdims=True
        out._backward = lambda g: self._accumulate(_spread(g * scale, shape, kept))
        return out

    def reshape(self, *shape):
        out = Tensor._node(self._data.reshape(*shape), (self,), "reshape")
        shape = self._data.shape
        out._backward = lambda g: self._accumulate(g.reshape(shape))
        return out

    @property
    def T(self):
        out = Tensor._node(self._data.T, (self,), "T")
        out._backward = lambda g: self._accumulate(g.T)
        return out

    def __getitem__(self, index):
        out = Tensor._node(self._data[index], (self,), "[]")

        def _backward(g):
            full = np.zeros_like(self._data)
            np.add.at(full, index, g)  # repeated indices add up
            self._accumulate(full)
        out._backward = _backward
        return out

    # -- conveniences --------------------------------------------------------
    def __float__(self):
        if _tracing and self.requires_grad:
            # float() (and math.sin, which calls it) returns a plain number with
            # no history: the gradient through it would silently be 0
            raise TypeError(
                "grad: f converted a Tensor to a Python float (float(), math.* functions, int(), ...), "
                "which leaves the graph, so its gradient would silently be 0. Use Tensor operations and "
                "bpcore.autodiff's exp, log, tanh, ... instead of math.*; use .data for a value you only "
                "want to look at")
        return float(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        grad = "" if self._grad is None else f", grad={self._grad!r}"
        return f"Tensor({self._data!r}{grad})"


def _one_minus_square(t):
    """:math:`1 - t^2`, tanh's derivative from its output, in one new array (not two)."""
    d = np.multiply(t, t, out=np.empty_like(t))  # an array even when t is a 0-d scalar
    return np.subtract(1.0, d, out=d)


def _spread(g, shape, kept_shape):
    """Copy a reduced gradient (``kept_shape``, as with keepdims=True) back over ``shape``."""
    out = np.empty(shape)
    out[...] = g.reshape(kept_shape)
    return out


# -- functions that work on arrays and Tensors alike --------------------------
# The losses and the network are written with these, so each formula exists
# once: an ndarray in gives an ndarray out, a Tensor in gives a Tensor out.

def _operand(x):
    """An array operand of the functions below: numeric, rectangular, not empty."""
    arr = _as_float_array(x, "x")
    if arr.size == 0:
        raise ValueError(f"x is empty (shape {arr.shape})")
    return arr


def exp(x):
    r"""Exponential :math:`e^x`.

    >>> float(exp(0.0))
    1.0
    """
    return x.exp() if isinstance(x, Tensor) else np.exp(_operand(x))


def log(x):
    r"""Natural logarithm :math:`\ln x`.

    >>> float(log(1.0))
    0.0
    """
    return x.log() if isinstance(x, Tensor) else np.log(_operand(x))


def tanh(x):
    r""":math:`\tanh x`; derivative :math:`1-\tanh^2 x`.

    >>> float(tanh(0.0))
    0.0
    """
    return x.tanh() if isinstance(x, Tensor) else np.tanh(_operand(x))


def sigmoid(x):
    r"""Logistic function :math:`\sigma(x) = 1/(1+e^{-x}) = e^{-\log(1+e^{-x})}`.

    The second form, via ``logaddexp``, never overflows.

    >>> float(sigmoid(0.0)), float(sigmoid(-1000.0))
    (0.5, 0.0)
    """
    return x.sigmoid() if isinstance(x, Tensor) else np.exp(-np.logaddexp(0.0, -_operand(x)))


def relu(x):
    r""":math:`\max(x, 0)`.

    >>> relu(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    return x.relu() if isinstance(x, Tensor) else np.maximum(_operand(x), 0.0)


def logsumexp(x, axis=-1, keepdims=False):
    r"""Stable :math:`\log\sum_j e^{x_j} = m + \log\sum_j e^{x_j - m}`, :math:`m=\max_j x_j`.

    Shifting by the maximum keeps every exponent :math:`\le 0`, so nothing
    overflows even for :math:`|x| \ge 10^4`.

    >>> round(float(logsumexp(np.array([1e4, 1e4])) - 1e4), 9)  # log 2
    0.693147181
    """
    if isinstance(x, Tensor):
        return x.logsumexp(axis=axis, keepdims=keepdims)
    x = _operand(x)
    m = x.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)  # rows of -inf: avoid inf - inf
    out = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


#: Whether a ``grad`` call is running ``f`` (then float() of a tracked Tensor is an error).
_tracing = 0


def _log_softmax(a, axis):
    """``(log_softmax(a), softmax(a))`` along ``axis``, shifting by the maximum *first*."""
    m = a.max(axis=axis, keepdims=True)
    shifted = a - np.where(np.isfinite(m), m, 0.0)  # exactly 0 at the maximum; rows of -inf: no inf - inf
    e = np.exp(shifted)
    total = e.sum(axis=axis, keepdims=True)
    return shifted - np.log(total), e / total


def log_softmax(x, axis=-1):
    r"""Stable :math:`\log\operatorname{softmax}(x)_j = (x_j - m) - \log\sum_k e^{x_k - m}`, :math:`m=\max_k x_k`.

    Subtracting the maximum before anything else makes the result exact for
    equal entries of any magnitude (:math:`-\ln M` for :math:`M` equal
    entries, even :math:`10^{300}`), where :math:`x_j - \operatorname{logsumexp}(x)`
    loses the :math:`\ln M` to rounding once :math:`|x| \gtrsim 10^{16}`.
    Its gradient, :math:`\bar x = \bar y - \operatorname{softmax}(x)\sum_j \bar y_j`,
    is computed from the same shifted exponentials.

    >>> log_softmax(np.array([1e16, 1e16]))
    array([-0.69314718, -0.69314718])
    """
    if isinstance(x, Tensor):
        return x.log_softmax(axis=_axis(axis, x.data.ndim))
    x = _operand(x)
    return _log_softmax(x, _axis(axis, x.ndim))[0]


def _axis(axis, ndim):
    """``axis`` as an int in ``[-ndim, ndim)`` (or None: all entries); else TypeError/ValueError naming ``axis``."""
    if axis is None:
        return None
    if isinstance(axis, np.ndarray) and axis.ndim == 0:
        axis = axis[()]
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer or None, got {type(axis).__name__}")
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimension(s)")
    return int(axis)


def grad(f):
    r"""Return a function computing :math:`\frac{df}{dx}` (like HIPS autograd).

    ``f`` must map one float or array to a scalar, using operations that accept
    Tensors (arithmetic, ``bp.losses``, the functions in this module). A float
    in gives a float out; an array in gives an array of the same shape.

    ``f`` must keep ``x`` in the graph: a function that turns it into a plain
    number (``float(x)``, ``math.sin(x)``) raises TypeError, instead of
    returning a gradient of 0 that would be silently wrong (a constant ``f``
    that never touches ``x`` has gradient 0). ``grad`` computes first
    derivatives only: ``grad(grad(f))`` raises TypeError too.

    >>> grad(lambda w: 0.5 * (3.0 - (w * 1.0 - 0.5)) ** 2)(2.0)
    -1.5
    """
    if not callable(f):
        raise TypeError(f"grad: f must be a function, got {type(f).__name__}")

    @functools.wraps(f)
    def df(x, *args, **kwargs):
        global _tracing
        if isinstance(x, Tensor) and x.requires_grad:
            raise TypeError(
                "grad: x is a Tensor that is being differentiated, as in grad(grad(f)): bpcore's engine "
                "computes first derivatives only (its backward pass is not itself recorded). Derive the "
                "first derivative by hand and apply grad to that, or use finite differences "
                "(bpcore.gradcheck.numerical_grad) of grad(f)")
        x_arr = x.data if isinstance(x, Tensor) else _as_float_array(x, "x")
        if x_arr.size == 0:
            raise ValueError(f"grad: x is empty (shape {x_arr.shape})")
        x_t = Tensor(x_arr)  # a copy: x is never modified
        _tracing += 1
        try:
            y = f(x_t, *args, **kwargs)
        finally:
            _tracing -= 1
        if not isinstance(y, Tensor):
            arr = np.asarray(y) if isinstance(y, (numbers.Real, np.ndarray, np.generic)) else np.asarray(None)
            if isinstance(y, (bool, np.bool_)) or arr.dtype.kind not in "iuf" or arr.size != 1:
                raise TypeError(f"grad: f must return a scalar, got {type(y).__name__} {getattr(arr, 'shape', '')}")
            # a plain number: f is a constant (float() and math.* of x raise above)
            g = np.zeros_like(x_t.data)
        elif y.size != 1:
            raise TypeError(f"grad: f must return a scalar, got a Tensor of shape {y.shape}; reduce it, e.g. with .sum()")
        else:
            y.backward()
            g = x_t.grad
        return g if isinstance(x, np.ndarray) and x.ndim else float(g) if g.ndim == 0 else g
    return df
