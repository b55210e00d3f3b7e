r"""Chapter 1: losses and their gradients against the prediction."""

import numpy as np

from .. import style
from ._figure import _figure_and_axes, _symmetric_limits, legend_outside, new_figure

# Markers of the current prediction: a different shape per curve, each drawn
# smaller than the one before, so that markers at the same value (the half
# squared and the absolute error share L = 2 at r = 2, the absolute and Huber
# gradients share -1) stay visible as rings around each other.
_MARKERS = [("o", 11.0), ("s", 8.5), ("D", 6.5), ("o", 4.5)]
# A value beyond the panel's y-limits is marked at the edge by a triangle
# pointing out of the panel, so every curve keeps a visible marker.
_EDGE = {"above": "^", "below": "v"}


def _marker_style(index):
    return _MARKERS[index % len(_MARKERS)]


def _place_marker(value, limits, index):
    """(y to draw at, marker shape) for a value on a panel with y-limits ``limits``."""
    lo, hi = limits
    if value > hi:
        return hi, _EDGE["above"]
    if value < lo:
        return lo, _EDGE["below"]
    return value, _marker_style(index)[0]


def plot_losses_vs_prediction(
    y_pred_grid,
    losses,
    grads=None,
    *,
    y_true=None,
    y_pred=None,
    at=None,
    xlabel=r"prediction $\hat y$",
    loss_ylim=None,
    grad_ylim=None,
    grad_ylabel=r"$\partial L / \partial \hat y$",
    loss_ylabel=r"loss $L$",
    title=None,
    figsize=None,
    margins=None,
    legend_loc="right",
):
    r"""Loss curves :math:`L(y, \hat y)` over a grid of predictions, and
    optionally their gradients in a second panel side by side.

    ``losses`` and ``grads`` map a legend name to an array of values on
    ``y_pred_grid``. ``y_true`` draws a dotted line at the target;
    ``y_pred`` marks the current prediction on every curve, at the exact
    values ``at[name] = (loss, grad)`` if given (else interpolated): a
    different shape per curve, each smaller than the one before, so markers
    at equal values nest instead of hiding each other; a value beyond the
    y-limits is a triangle at the panel's edge, pointing the way it went.
    ``margins`` as in :func:`new_figure` (then leave room for the legend).
    ``legend_loc`` is ``"right"`` or ``"below"`` (outside the panels, the
    default) or a matplotlib ``loc`` of a corner known to be empty.

    >>> import numpy as np
    >>> grid = np.linspace(-1.0, 1.0, 5)
    >>> fig = plot_losses_vs_prediction(grid, {"squared": grid**2}, {"squared": 2 * grid})
    >>> len(fig.axes)
    2
    """
    grid = np.asarray(y_pred_grid, dtype=float)
    panels = 1 if grads is None else 2
    if figsize is None:
        figsize = (3.4 * panels + 0.4, 3.0)
    fig, axes = new_figure(1, panels, figsize=figsize, margins=margins)
    axes = np.atleast_1d(axes)
    series = [(axes[0], losses, loss_ylabel, loss_ylim, 0)]
    if grads is not None:
        series.append((axes[1], grads, grad_ylabel, grad_ylim, 1))
    for ax, curves, ylabel, ylim, which in series:
        for index, (name, values) in enumerate(curves.items()):
            values = np.asarray(values, dtype=float)
            ax.plot(grid, values, **style.series(index), label=name)
        limits = ylim if ylim is not None else _symmetric_limits(list(curves.values()), None)
        if limits is not None:
            ax.set_ylim(*limits)
        for index, (name, values) in enumerate(curves.items()):
            if y_pred is not None:
                if at is not None and name in at:
                    marker_y = at[name][which]
                else:
                    marker_y = np.interp(y_pred, grid, np.asarray(values, dtype=float))
                y_drawn, shape = _place_marker(marker_y, ax.get_ylim(), index)
                ax.plot([y_pred], [y_drawn], linestyle="none", marker=shape, markersize=_marker_style(index)[1],
                        color=style.series(index)["color"], markeredgecolor="white", markeredgewidth=0.8,
                        clip_on=False, zorder=3 + index, gid=f"marker:{which}:{index}:{name}")
        if y_true is not None and grid[0] <= y_true <= grid[-1]:   # no legend entry for an invisible line
            ax.axvline(y_true, color=style.PALETTE["black"], linestyle=":", linewidth=1.2, label=r"target $y$")
        if y_pred is not None:
            ax.axvline(y_pred, color="0.6", linewidth=0.8, gid=f"prediction:{which}")
        ax.axhline(0.0, color="0.3", linewidth=0.6)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_xlim(grid[0], grid[-1])
    # Never over the curves: beside or under the panels ("right"/"below"),
    # or a corner the caller has checked is empty. A fixed place also keeps
    # redraws fast (loc="best" searches positions).
    if legend_loc in ("right", "below") and margins is not None:
        handles, labels = axes[0].get_legend_handles_labels()
        if legend_loc == "below":
            fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=min(3, len(handles)))
        else:
            fig.legend(handles, labels, loc="center right", bbox_to_anchor=(1.0, 0.5))
    elif legend_loc in ("right", "below"):
        legend_outside(axes[-1] if legend_loc == "right" else axes[0], legend_loc)
    else:
        axes[0].legend(loc=legend_loc)
    if title is not None:
        fig.suptitle(title).set_gid("title")
    return fig


def _artists(fig, prefix):
    return [a for a in fig.findobj() if str(a.get_gid() or "").startswith(prefix)]


def move_prediction(fig, y_pred, at, title=None):
    r"""Move the current-prediction markers of a
    :func:`plot_losses_vs_prediction` figure to ``y_pred``, with exact
    values ``at[name] = (loss, grad)``; optionally replace the title.
    Returns the artists that changed (for :class:`FastRenderer`).

    >>> import numpy as np
    >>> g = np.linspace(-1, 1, 5)
    >>> fig = plot_losses_vs_prediction(g, {"sq": g**2}, {"sq": 2 * g}, y_pred=0.0, at={"sq": (0.0, 0.0)})
    >>> len(move_prediction(fig, 0.5, {"sq": (0.25, 1.0)}))
    4
    """
    changed = []
    for artist in _artists(fig, "marker:"):
        _, which, index, name = artist.get_gid().split(":", 3)
        y_drawn, shape = _place_marker(at[name][int(which)], artist.axes.get_ylim(), int(index))
        artist.set_data([y_pred], [y_drawn])
        artist.set_marker(shape)
        changed.append(artist)
    for artist in _artists(fig, "prediction:"):
        artist.set_xdata([y_pred, y_pred])
        changed.append(artist)
    if title is not None:
        for artist in _artists(fig, "title"):
            artist.set_text(title)
            changed.append(artist)
    return changed


def plot_best_constant_vs_delta(deltas, best, *, mean, median, marked_delta=None, ax=None, figsize=None):
    r"""The constant that minimises the Huber loss, against :math:`\delta`
    (log axis), between the median (MAE's choice) and the mean (MSE's).

    ``best[i]`` is the minimiser for ``deltas[i]``
    (:func:`bpcore.loss_sweep.best_constant`); ``marked_delta`` draws a
    vertical line (e.g. the default :math:`\delta = 1`).

    >>> fig = plot_best_constant_vs_delta([0.5, 1, 10], [3, 3, 5], mean=12, median=3, marked_delta=1)
    >>> fig.axes[0].get_xscale()
    'log'
    """
    fig, ax = _figure_and_axes(ax, figsize)
    ax.axhline(mean, **{**style.series(1), "linewidth": 1.4}, label=f"mean = {mean:g} (MSE's choice)")
    ax.axhline(median, **{**style.series(2), "linewidth": 1.4}, label=f"median = {median:g} (MAE's choice)")
    ax.plot(deltas, best, **style.series(0), marker="o", markersize=3.5, label=r"Huber's best constant")
    if marked_delta is not None:
        ax.axvline(marked_delta, color="0.5", linewidth=0.9, linestyle=":", label=rf"$\delta$ = {marked_delta:g}")
    ax.set_xscale("log")
    ax.set_xlabel(r"Huber threshold $\delta$ (log scale)")
    ax.set_ylabel(r"best constant prediction $c$")
    legend_outside(ax, "right")
    return fig
