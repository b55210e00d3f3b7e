r"""Loss curves over steps or epochs."""

import numpy as np

from .. import style
from ._figure import _figure_and_axes, legend_outside

def _finite_prefix(values, logy):
    """The curve up to its first non-finite value (a diverged run) and
    whether it was cut there. On a log axis a loss of exactly zero (the
    minimum reached) is left out of the line, not treated as divergence."""
    values = np.asarray(values, dtype=float).ravel()
    finite = np.isfinite(values)
    end = values.size if finite.all() else int(np.argmin(finite))
    shown = values[:end]
    if logy:
        shown = np.where(shown > 0, shown, np.nan)
    return np.arange(end), shown, end < values.size


def set_loss_curve(ax, values, index=0, logy=False):
    r"""Replace curve ``index`` of a :func:`plot_loss_curve` panel (axis
    limits stay). Returns the changed artists.

    >>> fig = plot_loss_curve([1.0, 0.5])
    >>> len(set_loss_curve(fig.axes[0], [2.0, float("nan")]))
    2
    """
    steps, shown, cut = _finite_prefix(values, logy)
    curve, = [a for a in ax.get_lines() if a.get_gid() == f"curve:{index}"]
    end, = [a for a in ax.get_lines() if a.get_gid() == f"curve-end:{index}"]
    curve.set_data(steps, shown)
    end.set_data(steps[-1:] if cut else [], shown[-1:] if cut else [])
    return [curve, end]


def plot_loss_curve(losses, *, ax=None, label=None, logy=False, xlabel="epoch", ylabel=r"loss $L$", title=None, ylim=None, figsize=None, legend="right"):
    r"""Loss against step or epoch.

    ``losses`` is one sequence, or a mapping from a legend name to a
    sequence; curve ``i`` is drawn in ``style.series(i)`` (colour *and*
    line style). Non-finite values (a diverged run) end that curve with an
    ``x`` marker at the last finite point. ``ylim`` fixes the value axis
    (so that several runs can be compared frame by frame). ``legend`` is
    ``"right"`` or ``"below"`` (outside the axes, never over a curve) or
    any matplotlib ``loc`` string.

    >>> fig = plot_loss_curve({"a": [1.0, 0.5], "b": [1.0, float("inf")]}, logy=True)
    >>> [line.get_label() for line in fig.axes[0].get_lines() if line.get_gid().startswith("curve:")]
    ['a', 'b']
    """
    fig, ax = _figure_and_axes(ax, figsize)
    curves = losses if hasattr(losses, "items") else {label: losses}
    for index, (name, values) in enumerate(curves.items()):
        look = style.series(index)
        steps, shown, end = _finite_prefix(values, logy)
        ax.plot(steps, shown, **look, label=name, marker="." if np.size(values) <= 60 else None, gid=f"curve:{index}")
        ax.plot(steps[-1:] if end else [], shown[-1:] if end else [], "x", color=look["color"], markersize=9, markeredgewidth=2, gid=f"curve-end:{index}")
    if logy:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if any(name is not None for name in curves):
        if legend in ("right", "below"):
            legend_outside(ax, legend)
        else:
            ax.legend(loc=legend)
    return fig


def plot_signed_curves(curves, *, ax=None, series_offset=0, xlabel="epoch", ylabel=r"residual $r$", title=None, ylim=None, figsize=None, legend="below"):
    r"""Signed quantities (residuals, parameters) against step or epoch, on
    a linear axis with the zero line drawn: a sign flip from one step to the
    next shows as a zig-zag, which a loss curve (always positive) cannot show.

    ``curves`` maps a legend name to a sequence; curve ``i`` is drawn in
    ``style.series(series_offset + i)``, so that several panels of one
    figure never reuse a colour. Non-finite values end a curve with ``x``.
    ``legend`` as in :func:`plot_loss_curve`.

    >>> fig = plot_signed_curves({"a": [1.0, -0.5, 0.25]}, ylim=(-1, 1))
    >>> [float(v) for v in fig.axes[0].get_ylim()]
    [-1.0, 1.0]
    """
    fig, ax = _figure_and_axes(ax, figsize)
    ax.axhline(0.0, color="0.35", linewidth=0.8)
    for index, (name, values) in enumerate(curves.items()):
        look = style.series(series_offset + index)
        steps, shown, end = _finite_prefix(values, False)
        ax.plot(steps, shown, **look, marker="o", markersize=3.5, label=name)
        if end:
            ax.plot(steps[-1:], shown[-1:], "x", color=look["color"], markersize=9, markeredgewidth=2)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if legend in ("right", "below"):
        legend_outside(ax, legend)
    elif legend is not None:
        ax.legend(loc=legend)
    return fig
