r"""Learning-rate schedules: step decay, cosine annealing, linear warm-up.

A schedule maps the number of scheduler steps taken so far,
:math:`t = 0, 1, 2, \dots` (PyTorch's ``last_epoch``), to a learning rate
:math:`\eta_t`.  Each class here equals its namesake in
``torch.optim.lr_scheduler`` *to the last bit*: PyTorch computes the rates
recursively (each from the previous one), which differs from the textbook
closed form in floating point, and these classes repeat the same recursion.
The docstrings give the closed form, which the recursion equals up to
rounding.

Three ways to use a schedule:

* as a function, ``schedule(t)`` or ``schedule.lr_at(t)``: anything that
  takes a callable :math:`t \mapsto \eta_t` (``bpcore.sgd.run_sgd``'s
  ``schedule=``) takes a schedule object;
* ``schedule.rates(n)``: the first ``n`` rates as an array;
* like a PyTorch scheduler: ``schedule.attach(opt)`` sets ``opt.lr`` to
  :math:`\eta_0`, and every ``schedule.step()`` (called after ``opt.step``)
  advances :math:`t` by one and sets ``opt.lr`` to :math:`\eta_t`.

>>> from bpcore.optim import SGD, StepLR
>>> opt = SGD(lr=1.0)
>>> sched = StepLR(1.0, step_size=2, gamma=0.5).attach(opt)
>>> rates = []
>>> for t in range(5):
...     x = opt.step(0.0, 1.0)      # a step at rate opt.lr
...     rates.append(opt.lr)
...     _ = sched.step()
>>> rates
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

import math

import numpy as np

from .._checks import integer, real_number

__all__ = ["Schedule", "StepLR", "CosineAnnealingLR", "LinearLR", "SequentialLR"]

#: Largest step index a schedule computes (the recursion keeps every rate).
MAX_STEPS = 10_000_000


def _positive(value, name):
    value = real_number(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


class Schedule:
    r"""Base class of the schedules: ``lr_at(t)`` from a recursion.

    A subclass implements ``_next(t, previous)``, the rate :math:`\eta_t`
    from :math:`\eta_{t-1}` for :math:`t \ge 1`, and may override
    ``_first()``, the rate :math:`\eta_0`.  The rates computed so far are
    cached, so ``lr_at`` costs one recursion step per new :math:`t`.
    """

    def __init__(self, lr):
        self.lr = _positive(lr, "lr")
        self._rates = None
        self.t = 0
        self.optimizer = None

    # -- the sequence -------------------------------------------------------
    def _first(self):
        return self.lr

    def _restart(self):
        """The rate at ``t = 0`` when a :class:`SequentialLR` switches to this
        schedule (PyTorch evaluates its closed form there)."""
        return self._first()

    def _next(self, t, previous):  # pragma: no cover - abstract
        raise NotImplementedError

    def lr_at(self, t):
        r"""The learning rate :math:`\eta_t` after ``t`` scheduler steps (``t = 0``: the start)."""
        t = integer(t, "t", minimum=0)
        if t > MAX_STEPS:
            raise ValueError(f"t must be at most {MAX_STEPS}, got {t}")
        if self._rates is None:
            self._rates = [self._first()]
        rates = self._rates
        while len(rates) <= t:
            rates.append(self._next(len(rates), rates[-1]))
        return rates[t]

    def __call__(self, t):
        return self.lr_at(t)

    def rates(self, n):
        r"""The first ``n`` rates :math:`\eta_0, \dots, \eta_{n-1}` as a float64 array."""
        n = integer(n, "n", minimum=1)
        if n > MAX_STEPS:
            raise ValueError(f"n must be at most {MAX_STEPS}, got {n}")
        self.lr_at(n - 1)
        return np.array(self._rates[:n], dtype=np.float64)

    # -- driving an optimizer -------------------------------------------------
    def attach(self, optimizer):
        """Drive ``optimizer``: set ``optimizer.lr`` to :math:`\\eta_0` and
        restart the count at ``t = 0``.  Returns the schedule."""
        if not hasattr(optimizer, "lr") or not hasattr(optimizer, "step"):
            raise TypeError(f"optimizer must be a bpcore.optim optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.t = 0
        optimizer.lr = self.lr_at(0)
        return self

    def step(self):
        r"""Advance :math:`t` by one; set the attached optimizer's ``lr`` to
        :math:`\eta_t` and return it.  Call it after ``optimizer.step``, as
        with a PyTorch scheduler."""
        if self.optimizer is None:
            raise RuntimeError("attach(optimizer) the schedule before calling step()")
        self.t += 1
        self.optimizer.lr = self.lr_at(self.t)
        return self.optimizer.lr

    def __repr__(self):
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({hyper})"

    def hyperparameters(self):
        """The constructor arguments, as a dict."""
        return {"lr": self.lr}


class StepLR(Schedule):
    r"""Step decay: multiply the rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / k \rfloor}

    (:math:`k` is ``step_size``).  Computed as PyTorch does, by one
    multiplication :math:`\eta_t = \gamma\,\eta_{t-1}` at every multiple of
    :math:`k`; equals ``torch.optim.lr_scheduler.StepLR(opt, step_size,
    gamma)`` with the optimizer's rate ``lr``.

    >>> StepLR(0.1, step_size=3, gamma=0.5).rates(7).round(4).tolist()
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]
    """

    def __init__(self, lr, step_size, gamma=0.1):
        self.step_size = integer(step_size, "step_size", minimum=1)
        self.gamma = _positive(gamma, "gamma")
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "step_size": self.step_size, "gamma": self.gamma}

    def _next(self, t, previous):
        return previous * self.gamma if t % self.step_size == 0 else previous


class CosineAnnealingLR(Schedule):
    r"""Cosine annealing (Loshchilov & Hutter 2017, without restarts) from
    ``lr`` down to ``eta_min`` over ``T_max`` steps.

    .. math::

        \eta_t = \eta_{\min} + \tfrac12\,(\eta_0 - \eta_{\min})
        \Bigl(1 + \cos\frac{\pi t}{T_{\max}}\Bigr)

    so :math:`\eta_{T_{\max}} = \eta_{\min}`; past :math:`T_{\max}` the rate
    rises again along the same cosine (period :math:`2T_{\max}`), as in
    PyTorch.  Computed by PyTorch's recursion,

    .. math::

        \eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})\,
        \frac{1 + \cos(\pi t/T_{\max})}{1 + \cos(\pi (t-1)/T_{\max})},

    with the step after each minimum (where the denominator is 0) taken as
    :math:`\eta_t = \eta_{t-1} + (\eta_0 - \eta_{\min})(1 - \cos(\pi/T_{\max}))/2`.
    Equals ``torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max,
    eta_min)`` to the last bit; the closed form differs from it by rounding
    (about :math:`10^{-16}\eta_0`, growing slowly over many periods).

    >>> CosineAnnealingLR(1.0, T_max=4).rates(9).round(4).tolist()
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464, 0.5, 0.8536, 1.0]
    """

    def __init__(self, lr, T_max, eta_min=0.0):
        self.T_max = integer(T_max, "T_max", minimum=1)
        self.eta_min = real_number(eta_min, "eta_min")
        if self.eta_min < 0:
            raise ValueError(f"eta_min must be >= 0, got {self.eta_min!r}")
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "T_max": self.T_max, "eta_min": self.eta_min}

    def _restart(self):
        return self.eta_min + (self.lr - self.eta_min) * (1 + math.cos(0.0)) / 2

    def _next(self, t, previous):
        T, low = self.T_max, self.eta_min
        if (t - 1 - T) % (2 * T) == 0:
            return previous + (self.lr - low) * (1 - math.cos(math.pi / T)) / 2
        return (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (previous - low) + low


class LinearLR(Schedule):
    r"""Linear warm-up (or decay): the factor on ``lr`` moves in a straight
    line from ``start_factor`` to ``end_factor`` over ``total_iters`` steps,
    then stays.

    .. math::

        \eta_t = \eta_0\,\Bigl(f_{\text{start}} + (f_{\text{end}} - f_{\text{start}})
        \,\frac{\min(t, T)}{T}\Bigr)

    (:math:`T` is ``total_iters``; here :math:`\eta_0` names the base rate
    ``lr``, and the first rate is :math:`\eta_0 f_{\text{start}}`).  A warm-up is
    ``start_factor`` small and ``end_factor = 1``.  Computed by PyTorch's
    recursion (each rate a factor times the previous); equals
    ``torch.optim.lr_scheduler.LinearLR(opt, start_factor, end_factor,
    total_iters)``, which requires :math:`0 < f_{\text{start}} \le 1` and
    :math:`0 \le f_{\text{end}} \le 1`.

    >>> LinearLR(0.1, start_factor=0.25, total_iters=3).rates(6).round(4).tolist()
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]
    """

    def __init__(self, lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        self.start_factor = real_number(start_factor, "start_factor")
        if not 0 < self.start_factor <= 1:
            raise ValueError(f"start_factor must lie in (0, 1], got {self.start_factor!r}")
        self.end_factor = real_number(end_factor, "end_factor")
        if not 0 <= self.end_factor <= 1:
            raise ValueError(f"end_factor must lie in [0, 1], got {self.end_factor!r}")
        self.total_iters = integer(total_iters, "total_iters", minimum=1)
        super().__init__(lr)

    def hyperparameters(self):
        return {"lr": self.lr, "start_factor": self.start_factor, "end_factor": self.end_factor,
                "total_iters": self.total_iters}

    def _first(self):
        return self.lr * self.start_factor

    def _next(self, t, previous):
        if t > self.total_iters:
            return previous
        a, b = self.start_factor, self.end_factor
        return previous * (1.0 + (b - a) / (self.total_iters * a + (t - 1) * (b - a)))


class SequentialLR(Schedule):
    r"""One schedule after another: ``schedules[0]`` until step
    ``milestones[0]``, then ``schedules[1]`` restarted at its own
    :math:`t = 0`, and so on.

    .. math::

        \eta_t = \eta^{(i)}_{t - m_{i}} \quad\text{for } m_i \le t < m_{i+1},
        \qquad m_0 = 0

    The usual recipe is a linear warm-up followed by cosine annealing.
    Equals ``torch.optim.lr_scheduler.SequentialLR(opt, schedulers,
    milestones)`` built from the equivalent PyTorch schedulers (which, at a
    milestone, evaluate the new scheduler's closed form at 0).

    >>> warm_cos = SequentialLR([LinearLR(0.1, 0.1, 1.0, 3), CosineAnnealingLR(0.1, 4)], milestones=[3])
    >>> warm_cos.rates(8).round(4).tolist()
    [0.01, 0.04, 0.07, 0.1, 0.0854, 0.05, 0.0146, 0.0]
    """

    def __init__(self, schedules, milestones):
        if not isinstance(schedules, (list, tuple)) or not schedules:
            raise TypeError("schedules must be a non-empty list of bpcore.optim schedules")
        for i, sched in enumerate(schedules):
            if not isinstance(sched, Schedule):
                raise TypeError(f"schedules[{i}] must be a bpcore.optim schedule, got {type(sched).__name__}")
        if not isinstance(milestones, (list, tuple)):
            raise TypeError(f"milestones must be a list of step numbers, got {type(milestones).__name__}")
        if len(milestones) != len(schedules) - 1:
            raise ValueError(f"milestones must hold one step number fewer than schedules ({len(schedules) - 1}), "
                             f"got {len(milestones)}")
        marks = [integer(m, f"milestones[{i}]", minimum=1) for i, m in enumerate(milestones)]
        if any(b <= a for a, b in zip(marks, marks[1:])):
            raise ValueError(f"milestones must be increasing, got {marks}")
        self.schedules = list(schedules)
        self.milestones = marks
        super().__init__(schedules[0].lr)

    def hyperparameters(self):
        return {"schedules": self.schedules, "milestones": self.milestones}

    def _piece(self, t):
        i = sum(1 for m in self.milestones if m <= t)
        return self.schedules[i], t - (self.milestones[i - 1] if i else 0)

    def _first(self):
        return self.schedules[0].lr_at(0)

    def _next(self, t, previous):
        sched, local = self._piece(t)
        # t >= 1, so local == 0 only where a later piece starts
        return sched._restart() if local == 0 else sched._next(local, previous)
