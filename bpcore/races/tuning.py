r"""The tuning protocol and the race tables: :func:`descend_until`,
:func:`tune_lr`, :func:`race_table`, :func:`markdown_table`,
:func:`basin_by_rate` and :func:`basin_markdown`."""

import copy
import math

import numpy as np

from .._checks import as_float64, check_callable, check_size, integer, real_number
from ..surfaces import Surface
from ..optim import Optimizer
from ._common import (LR_GRID, _check_mapping, _check_optimizer, _check_surface, _positive, _positive_int,
                      _start)


def descend_until(optimizer, surface, x0, steps, tol=1e-6):
    r"""Run ``optimizer`` on ``surface`` from ``x0`` for at most ``steps``
    steps; stop early once the iterate is within distance ``tol`` of one of
    the surface's minima, :math:`\min_k \lVert x_t - x^*_k\rVert < \text{tol}`.

    A run whose iterate leaves the box :math:`\lVert x\rVert_\infty > 10^{6}`
    (or stops being finite) is stopped as diverged, with ``final_loss``
    :math:`\infty`.

    Returns a dict: ``path`` (shape ``(t + 1, 2)``), ``steps_to_tol`` (the
    first such :math:`t`, or ``None``), ``minimum`` (index into
    ``surface.minima`` of the nearest minimum at the end, ``None`` after
    divergence; 0 is the global one) and ``final_loss``.  The optimizer is
    copied and reset first.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> descend_until(SGD(0.1), Quadratic(condition=1.0), [1.0, 0.0], 200, tol=1e-3)["steps_to_tol"]
    66
    """
    _check_optimizer(optimizer)
    _check_surface(surface)
    x = _start(x0)
    steps = _positive_int("steps", steps)
    check_size(2 * (steps + 1), "steps")   # the path
    tol = _positive("tol", tol)
    opt = copy.deepcopy(optimizer)
    opt.reset()
    minima = np.array(surface.minima)
    path = [x]
    hit = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            x = opt.step(x, surface.grad(x))
            path.append(x)
            if not np.all(np.abs(x) <= 1e6):   # diverged (also catches inf and nan)
                break
            if np.min(np.linalg.norm(minima - x, axis=1)) < tol:
                hit = t
                break
        diverged = not np.all(np.abs(x) <= 1e6)
        nearest = None if diverged else int(np.argmin(np.linalg.norm(minima - x, axis=1)))
        final = math.inf if diverged else float(surface.value(x))
    return {"path": np.array(path), "steps_to_tol": hit, "minimum": nearest,
            "final_loss": final if math.isfinite(final) else math.inf}


def tune_lr(make_optimizer, surface, x0, steps, tol=1e-6, grid=LR_GRID):
    r"""The tuning protocol: try every learning rate of ``grid`` with
    ``make_optimizer(lr)``; keep the one that reaches ``tol`` in the fewest
    steps (ties: the lower final loss); if none reaches it, the one with the
    lowest final loss.  Returns ``(lr, run)`` with ``run`` from
    :func:`descend_until`.

    Once some rate has reached the tolerance in :math:`k` steps, later rates
    are run for at most :math:`k` steps: they cannot win with more, so the
    result is the same as running every rate in full, only faster.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> lr, run = tune_lr(SGD, Quadratic(condition=1.0), [1.0, 1.0], 100, grid=(0.1, 1.0, 0.5))
    >>> lr, run["steps_to_tol"]
    (1.0, 1)
    """
    if not callable(make_optimizer):
        raise TypeError("make_optimizer must be a function lr -> optimizer")
    g = as_float64(grid, "grid")
    if g.ndim != 1:
        raise ValueError(f"grid must be a 1-D sequence of learning rates, got shape {g.shape}")
    grid = [_positive("grid value", v) for v in g.tolist()]
    if not grid:
        raise ValueError("grid must hold at least one learning rate")
    best = None
    for lr in grid:
        budget = steps if best is None or best[0][0] == 1 else best[0][1]
        optimizer = make_optimizer(lr)
        if not isinstance(optimizer, Optimizer):   # the callback's result, named as such
            raise TypeError(f"make_optimizer({lr}) must return a bpcore.optim optimizer, got {type(optimizer).__name__}")
        run = descend_until(optimizer, surface, x0, budget, tol)
        reached = run["steps_to_tol"] is not None
        key = (0 if reached else 1, run["steps_to_tol"] or 0, run["final_loss"], lr)
        if best is None or key < best[0]:
            best = (key, lr, run)
    return best[1], best[2]


def race_table(makers, surfaces, steps, tol=1e-6, grid=LR_GRID):
    r"""Tune every optimizer on every surface with :func:`tune_lr`.

    ``makers`` maps an optimizer name to ``lr -> optimizer``; ``surfaces``
    maps a surface name to ``(surface, x0)``.  Returns
    ``{surface_name: {optimizer_name: (lr, run)}}``.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> table = race_table({"GD": SGD}, {"bowl": (Quadratic(condition=1.0), [1.0, 1.0])}, 50, grid=(1.0,))
    >>> table["bowl"]["GD"][1]["steps_to_tol"]
    1
    """
    _check_mapping(makers, "makers", "an optimizer name to a function lr -> optimizer")
    _check_mapping(surfaces, "surfaces", "a surface name to (surface, x0)")
    for o_name, make in makers.items():
        check_callable(make, f"makers[{o_name!r}]")
    for s_name, pair in surfaces.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"surfaces[{s_name!r}] must be a pair (surface, x0), got {type(pair).__name__}")
        if not isinstance(pair[0], Surface):
            raise TypeError(f"surfaces[{s_name!r}][0] (the surface of surfaces) must be a bpcore.surfaces surface, "
                            f"got {type(pair[0]).__name__}")
        _start(pair[1])
    steps = _positive_int("steps", steps)
    return {
        s_name: {o_name: tune_lr(make, surface, x0, steps, tol, grid) for o_name, make in makers.items()}
        for s_name, (surface, x0) in surfaces.items()
    }


def markdown_table(table, steps):
    r"""A :func:`race_table` as a Markdown table: one row per optimizer, one
    column per surface, each cell "steps to the tolerance, η = tuned rate";
    "> steps" if the tolerance was not reached, "(local)" if the run ended
    nearest to a minimum other than the global one.  The spaces inside
    "η = 0.215", "> 1000 (local)" and a header's "κ = 50" are no-break
    spaces, so a narrow screen never wraps a rate over three lines.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> t = race_table({"GD": SGD}, {"bowl": (Quadratic(condition=1.0), [1.0, 1.0])}, 50, grid=(1.0,))
    >>> print(markdown_table(t, 50).replace("\u00a0", " "))
    | optimizer | bowl |
    |---|---|
    | GD | 1, η = 1 |
    """
    steps = _positive_int("steps", steps)
    _check_mapping(table, "table", "a surface name to {optimizer name: (lr, run)}, as race_table returns")
    surfaces = list(table)
    if not surfaces:
        raise ValueError("table must hold at least one surface")
    for s in surfaces:
        _check_mapping(table[s], f"table[{s!r}]", "an optimizer name to (lr, run), as race_table returns")
    optimizers = list(table[surfaces[0]])
    for s in surfaces:
        for o in optimizers:
            cell_value = table[s].get(o)
            if (not isinstance(cell_value, (tuple, list)) or len(cell_value) != 2
                    or not isinstance(cell_value[1], dict) or "steps_to_tol" not in cell_value[1]):
                raise ValueError(f"table[{s!r}][{o!r}] must be (lr, run) as race_table returns, got {cell_value!r}")
            real_number(cell_value[0], f"the learning rate in table[{s!r}][{o!r}]")

    def cell(lr, run):
        # no-break spaces: a narrow column breaks a cell only after its comma
        reached = f">\u00a0{steps}" if run["steps_to_tol"] is None else str(run["steps_to_tol"])
        where = "\u00a0(local)" if run["minimum"] not in (None, 0) else ""
        return f"{reached}{where}, η\u00a0=\u00a0{lr:.3g}"

    header = [name.replace(" = ", "\u00a0=\u00a0") for name in surfaces]   # "(κ = 50)" stays whole
    rows = ["| optimizer | " + " | ".join(header) + " |", "|---" * (len(surfaces) + 1) + "|"]
    rows += [f"| {o} | " + " | ".join(cell(*table[s][o]) for s in surfaces) + " |" for o in optimizers]
    return "\n".join(rows)


def basin_by_rate(makers, surface, x0, steps, tol=1e-6, grid=LR_GRID):
    r"""Every optimizer at every rate of ``grid``: which minimum each run
    ends nearest to, and in how many steps it arrives.

    Returns ``{name: [(lr, run), ...]}`` with ``run`` from
    :func:`descend_until`; :func:`basin_markdown` prints it.  This is what
    :func:`tune_lr` chooses from: its "fastest to any minimum" picks one
    entry per row, and which basin that entry lies in is a property of the
    chosen rate, not of the method.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> out = basin_by_rate({"GD": SGD}, Quadratic(condition=1.0), [1.0, 1.0], 50, grid=(1.0, 3.0))
    >>> [(lr, run["minimum"], run["steps_to_tol"]) for lr, run in out["GD"]]
    [(1.0, 0, 1), (3.0, None, None)]
    """
    _check_mapping(makers, "makers", "an optimizer name to a function lr -> optimizer")
    if not makers:
        raise ValueError("makers must hold at least one optimizer")
    for o_name, make in makers.items():
        check_callable(make, f"makers[{o_name!r}]")
    _check_surface(surface)
    _start(x0)
    steps = _positive_int("steps", steps)
    g = as_float64(grid, "grid")
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"grid must be a non-empty 1-D sequence of learning rates, got shape {g.shape}")
    check_size(len(makers) * g.size * 2 * (steps + 1), "len(makers) * len(grid) * steps (the paths)")
    grid = [_positive("grid value", v) for v in g.tolist()]
    return {name: [(lr, descend_until(make(lr), surface, x0, steps, tol)) for lr in grid]
            for name, make in makers.items()}


def _kind_of(value):
    return repr(value) if isinstance(value, str) else type(value).__name__


def basin_markdown(result, steps, names=("global", "local")):
    r"""A :func:`basin_by_rate` result as a Markdown table: one row per
    optimizer, one column per rate; a cell is the basin's initial (``G`` for
    minimum 0, ``L`` for minimum 1, from ``names``) and the steps to the
    tolerance ("G 77"), a bare letter if the tolerance was not reached within
    ``steps``, and "∞" for a diverged run.  Cells use no-break spaces, so a
    narrow screen scrolls the table instead of wrapping a cell.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> out = basin_by_rate({"GD": SGD}, Quadratic(condition=1.0), [1.0, 1.0], 50, grid=(1.0, 3.0))
    >>> print(basin_markdown(out, 50).replace("\u00a0", " "))
    | η | 1 | 3 |
    |---|---|---|
    | GD | G 1 | ∞ |
    """
    steps = _positive_int("steps", steps)
    _check_mapping(result, "result", "an optimizer name to [(lr, run), ...], as basin_by_rate returns")
    if not result:
        raise ValueError("result must hold at least one optimizer")
    for o_name, row in result.items():
        if not isinstance(row, (list, tuple)) or not row:
            raise TypeError(f"result[{o_name!r}] must be a non-empty list of (lr, run) pairs, as basin_by_rate "
                            f"returns, got {_kind_of(row)}")
        for pair in row:
            if (not isinstance(pair, (list, tuple)) or len(pair) != 2 or not isinstance(pair[1], dict)
                    or "minimum" not in pair[1] or "steps_to_tol" not in pair[1]):
                raise TypeError(f"result[{o_name!r}] must hold (lr, run) pairs with run from descend_until, "
                                f"as basin_by_rate returns, got {_kind_of(pair)}")
            real_number(pair[0], f"the rate in result[{o_name!r}]")
            if pair[1]["minimum"] is not None:
                integer(pair[1]["minimum"], f"the minimum's index in result[{o_name!r}]", minimum=0)
            if pair[1]["steps_to_tol"] is not None:
                integer(pair[1]["steps_to_tol"], f"steps_to_tol in result[{o_name!r}]", minimum=0)
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"names must be a list of strings (the minima's names), got {_kind_of(names)}")
    if not names or not all(names):
        raise ValueError(f"names must hold at least one name and no empty one, got {names!r}")
    rows = list(result.values())
    rates = [lr for lr, _ in rows[0]]
    if any([lr for lr, _ in row] != rates for row in rows):
        raise ValueError("every optimizer in result must be run on the same grid of rates")

    def cell(run):
        if run["minimum"] is None:
            return "∞"
        letter = names[run["minimum"]][0].upper() if run["minimum"] < len(names) else str(run["minimum"])
        return letter if run["steps_to_tol"] is None else f"{letter}\u00a0{run['steps_to_tol']}"

    lines = ["| η | " + " | ".join(f"{lr:.3g}" for lr in rates) + " |", "|---" * (len(rates) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(cell(run) for _, run in row) + " |" for name, row in result.items()]
    return "\n".join(lines)
