r"""Chapter 7 figures: optimizer races over test surfaces, momentum's rate
on quadratics, and the step sizes of the adaptive methods."""

import numpy as np

from .. import style
from ._figure import _figure_and_axes, new_figure

#: One look per optimizer, the same in every chapter-7 figure: colour, line
#: style and marker all differ, so paths are told apart without colour.
OPTIMIZER_LOOKS = {
    "GD": dict(color=style.PALETTE["black"], linestyle="-", marker="o"),
    "Momentum": dict(color=style.PALETTE["blue"], linestyle="--", marker="s"),
    "Nesterov": dict(color=style.PALETTE["sky_blue"], linestyle="-.", marker="^"),
    "Adagrad": dict(color=style.PALETTE["green"], linestyle=":", marker="D"),
    "RMSprop": dict(color=style.PALETTE["purple"], linestyle=(0, (5, 1, 1, 1)), marker="v"),
    "Adam": dict(color=style.PALETTE["vermillion"], linestyle="-", marker="P"),
    "AdamW": dict(color=style.PALETTE["orange"], linestyle=(0, (1, 1)), marker="X"),
}
_FALLBACK = dict(color=style.PALETTE["black"], linestyle="-", marker="o")


def _look(name):
    return OPTIMIZER_LOOKS.get(str(name).split(" ")[0], _FALLBACK)


def _inside_prefix(path, x_lim, y_lim):
    """The path as drawn in the window, and whether it ends outside it.

    A path that leaves the window and comes back is clipped to the border
    (an overshoot). A path that ends outside it (it diverged, or stopped
    there) is cut after its last visit: its final segment ends on the border
    where it left for good, which the caller marks with a cross.
    """
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    with np.errstate(invalid="ignore"):
        inside = (np.all(np.isfinite(path), axis=1) & (path[:, 0] >= x_lim[0]) & (path[:, 0] <= x_lim[1])
                  & (path[:, 1] >= y_lim[0]) & (path[:, 1] <= y_lim[1]))
    left = not inside[-1]
    if left:
        visits = np.flatnonzero(inside)
        end = visits[-1] + 2 if visits.size else 1
        path = path[:end]
        if not np.all(np.isfinite(path[-1])):   # no direction to draw: stop at the last finite point
            path = path[:-1] if len(path) > 1 else path
    clipped = np.column_stack([np.clip(path[:, 0], *x_lim), np.clip(path[:, 1], *y_lim)])
    return clipped, left


def _surface_background(ax, surface, levels=14, n=101):
    X, Y, Z = surface.grid(n)
    low = min(float(surface.value(m)) for m in surface.minima) if len(surface.minima) else float(np.min(Z))
    shifted = Z - low + 1e-3
    ax.contour(X, Y, shifted, levels=np.geomspace(shifted.min(), shifted.max(), levels), colors="0.7", linewidths=0.6)
    for k, m in enumerate(surface.minima):
        ax.plot(*m, "*", color=style.PALETTE["yellow"] if k == 0 else "white", markersize=13, markeredgecolor="black", zorder=5)
    for s in surface.saddles:
        ax.plot(*s, "x", color="black", markersize=8, markeredgewidth=2, zorder=5)
    (x0, x1), (y0, y1) = surface.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(False)


def plot_race(surface, paths, *, ax=None, title=None, legend=True, levels=14, figsize=(6.0, 4.0)):
    r"""Optimizer paths over the contours of a :mod:`bpcore.surfaces` surface
    (light grey, ``levels`` log-spaced levels). Stars mark the minima (filled yellow:
    the global one, white: a local one), a black ``x`` each saddle, a white
    square the start. An overshoot out of the window is drawn along its
    border; a path that ends outside (it diverged) stops with a cross of its
    colour where it left the window for good. ``paths`` maps an optimizer name to its path, shape ``(steps, 2)``.

    >>> from bpcore.surfaces import Quadratic
    >>> fig = plot_race(Quadratic(), {"GD": [[1.0, 1.0], [0.5, 0.5]]})
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'GD'
    """
    fig, ax = _figure_and_axes(ax, figsize)
    _surface_background(ax, surface, levels=levels)
    x_lim, y_lim = ax.get_xlim(), ax.get_ylim()
    for index, (name, path) in enumerate(paths.items()):
        look = _look(name)
        shown, left = _inside_prefix(path, x_lim, y_lim)
        px, py = shown[:, 0], shown[:, 1]
        ax.plot(px, py, color=look["color"], linestyle=look["linestyle"], linewidth=1.5, marker=look["marker"],
                markersize=4, markevery=max(1, len(px) // 10), label=name, gid=f"path:{index}")
        # diverged or left the window: a cross of its colour where it leaves
        ax.plot(px[-1:] if left else [], py[-1:] if left else [], "x", color=look["color"], markersize=10,
                markeredgewidth=2.2, zorder=6, gid=f"exit:{index}")
        ax.plot(px[:1], py[:1], "s", color="black", markersize=6, markerfacecolor="white", zorder=6)
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
    return fig


def set_race_path(ax, path, index):
    r"""Replace path ``index`` of a :func:`plot_race` panel (cut where it
    leaves the window, like the original). Returns the changed artists.

    >>> from bpcore.surfaces import Quadratic
    >>> fig = plot_race(Quadratic(), {"GD": [[1.0, 1.0], [0.5, 0.5]]})
    >>> len(set_race_path(fig.axes[0], [[1.0, 1.0], [9.0, 9.0]], 0))
    2
    """
    line, = [a for a in ax.get_lines() if a.get_gid() == f"path:{index}"]
    cross, = [a for a in ax.get_lines() if a.get_gid() == f"exit:{index}"]
    shown, left = _inside_prefix(path, ax.get_xlim(), ax.get_ylim())
    line.set_data(shown[:, 0], shown[:, 1])
    line.set_markevery(max(1, len(shown) // 10))
    cross.set_data(shown[-1:, 0] if left else [], shown[-1:, 1] if left else [])
    return [line, cross]


def plot_races(panels, *, levels=10, figsize=(7.4, 6.0)):
    r"""A 2 × 2 grid of :func:`plot_race` panels sharing one legend below.
    ``panels`` is a list of ``(title, surface, paths)``.

    >>> from bpcore.surfaces import Quadratic
    >>> fig = plot_races([("bowl", Quadratic(), {"GD": [[1.0, 1.0], [0.0, 0.0]]})] * 4)
    >>> len(fig.axes)
    4
    """
    fig, axes = new_figure(2, 2, figsize=figsize)
    for ax, (title, surface, paths) in zip(np.ravel(axes), panels):
        plot_race(surface, paths, ax=ax, title=title, legend=False, levels=levels)
    handles, labels = np.ravel(axes)[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6), frameon=False)
    return fig


def plot_momentum_rates(kappas, momentum_theory, momentum_measured, gd_theory, gd_measured, *, ax=None, figsize=(7.0, 3.2)):
    r"""Convergence rate per step on quadratics of condition number
    :math:`\kappa`, plotted as :math:`1 - \text{rate}` on log axes (so that
    faster is higher): theory as lines, measurements as open markers.

    >>> fig = plot_momentum_rates([10, 100], [0.5, 0.8], [0.5, 0.8], [0.8, 0.98], [0.8, 0.98])
    >>> len(fig.axes[0].get_lines())
    4
    """
    fig, ax = _figure_and_axes(ax, figsize)
    k = np.asarray(kappas, float)
    one_minus = lambda r: 1.0 - np.asarray(r, float)  # noqa: E731
    ax.plot(k, one_minus(momentum_theory), "-", color=style.PALETTE["blue"],
            label=r"momentum, theory: rate $(\sqrt{\kappa}-1)/(\sqrt{\kappa}+1)$")
    ax.plot(k, one_minus(momentum_measured), "s", color=style.PALETTE["blue"], markerfacecolor="none", markersize=9,
            markeredgewidth=1.6, label=r"momentum ($\beta^*, \eta^*$), measured")
    ax.plot(k, one_minus(gd_theory), "--", color=style.PALETTE["black"], label=r"GD, theory: rate $(\kappa-1)/(\kappa+1)$")
    ax.plot(k, one_minus(gd_measured), "o", color=style.PALETTE["black"], markerfacecolor="none", markersize=7,
            markeredgewidth=1.6, label=r"GD ($\eta = 2/(\lambda_{\min}+\lambda_{\max})$), measured")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"condition number $\kappa$")
    ax.set_ylabel(r"$1 - $ rate (error shrink per step)")
    ax.legend(loc="lower left")
    return fig


def plot_step_sizes(sizes, lr, *, ax=None, figsize=(7.0, 3.2)):
    r"""Step size :math:`|\theta_t - \theta_{t-1}|` divided by the learning
    rate against the step :math:`t`, log-log, one curve per optimizer.

    >>> fig = plot_step_sizes({"Adam": [0.1, 0.1]}, lr=0.1)
    >>> fig.axes[0].get_ylabel()
    'step size / learning rate'
    """
    fig, ax = _figure_and_axes(ax, figsize)
    for name, s in sizes.items():
        look = _look(name)
        s = np.asarray(s, float) / float(lr)
        ax.plot(np.arange(1, len(s) + 1), s, color=look["color"], linestyle=look["linestyle"], marker=look["marker"],
                markersize=5, markevery=np.unique(np.geomspace(1, len(s), 9).astype(int)) - 1, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel("step size / learning rate")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


def plot_schedules(rates, gaps, *, figsize=(7.2, 3.1)):
    r"""Learning-rate schedules and what they do: the rate :math:`\eta_t`
    of each schedule (left) and the loss gap :math:`f - f^*` it gives,
    averaged over runs (right, log axis).  ``rates`` and ``gaps`` map the
    same schedule names to arrays; curve *i* uses ``style.series(i)``.

    >>> fig = plot_schedules({"constant": [0.1, 0.1, 0.1]}, {"constant": [1.0, 0.5, 0.2, 0.1]})
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['step $t$', 'step $t$']
    """
    if list(rates) != list(gaps):
        raise ValueError("rates and gaps must name the same schedules in the same order")
    fig, (left, right) = new_figure(1, 2, figsize=figsize,
                                    margins=dict(left=0.1, right=0.97, bottom=0.3, top=0.9, wspace=0.32))
    for i, name in enumerate(rates):
        look = style.series(i)
        r = np.asarray(rates[name], float)
        g = np.asarray(gaps[name], float)
        left.plot(np.arange(len(r)), r, label=name, **look)
        right.plot(np.arange(len(g)), g, linewidth=1.2, **look)
    left.set_xlabel("step $t$")
    left.set_ylabel(r"learning rate $\eta_t$")
    left.set_ylim(bottom=0)
    left.set_title("the schedules")
    right.set_yscale("log")
    right.set_xlabel("step $t$")
    right.set_ylabel(r"mean $f - f^*$")
    right.set_title("noisy gradients: loss gap")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=min(len(labels), 4), frameon=False)
    return fig
