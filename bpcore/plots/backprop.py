r"""Figures of chapter 4: gradients per layer, costs against size, the
gradient-check error against the step ε."""

import matplotlib.ticker
import numpy as np

from .. import style
from ._figure import _figure_and_axes, new_figure
from .graphs import finish_graph

# Lines are told apart by style and marker as well as colour.
_LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)))
_MARKERS = ("o", "s", "^", "D", "v", "P")


# Colours in an order that never puts vermillion next to orange.
_COLOURS = tuple(style.PALETTE[name] for name in ("blue", "vermillion", "green", "black", "purple", "sky_blue"))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _powers_of_ten(ax, step):
    """Log-axis ticks at every ``step``-th power of ten, labelled 10ⁿ in plain
    text: no mathtext to lay out, so a redraw is several times faster."""
    bottom, top = ax.get_ylim()
    exponents = [e for e in range(int(np.ceil(np.log10(bottom))), int(np.floor(np.log10(top))) + 1) if e % step == 0]
    ax.set_yticks([10.0 ** e for e in exponents], [f"10{str(e).translate(_SUPERSCRIPT)}" for e in exponents])
    ax.set_ylim(bottom, top)
    ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())


def _styled(index):
    return dict(color=_COLOURS[index % len(_COLOURS)], linestyle=_LINE_STYLES[index % len(_LINE_STYLES)],
                marker=_MARKERS[index % len(_MARKERS)])


def plot_series(x, series, *, ax=None, logx=False, logy=False, xlabel="", ylabel="", title=None,
                vlines=None, legend_loc="best", markersize=4, figsize=None):
    r"""Several curves over one shared ``x``: ``series`` maps a legend
    name to the y values. ``vlines`` maps a label to an x position drawn as
    a thin grey dashed line with the label at the top (reference values).

    >>> fig = plot_series([1, 2, 3], {"a": [1, 2, 3], "b": [3, 2, 1]}, logy=True)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['a', 'b']
    """
    fig, ax = _figure_and_axes(ax, figsize)
    x = np.asarray(x, dtype=float)
    for index, (name, values) in enumerate(series.items()):
        ax.plot(x, np.asarray(values, dtype=float), label=name, markersize=markersize, **_styled(index))
    for label, position in (vlines or {}).items():
        ax.axvline(position, color="0.45", linestyle=(0, (4, 3)), linewidth=1.0, zorder=0)
        ax.annotate(label, (position, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                    textcoords="offset points", ha="left", va="top", fontsize=9, color="0.3")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if len(series) > 1 and legend_loc is not None:
        ax.legend(loc=legend_loc, fontsize=9)
    return fig


def plot_layer_gradients(panels, *, depth_label=r"layer $\ell$ (1 = next to the input)", ylim=None, figsize=(7.4, 3.6),
                         ylabel="$\\|\\partial L/\\partial Z_\\ell\\|$ relative to\nthe last layer (log scale)"):
    r"""One panel per activation: ``panels`` maps a title to a mapping
    ``{legend name: per-layer values}``, each panel on its own log axis
    (``ylim`` fixes a common range instead). The
    values are gradient norms relative to the last layer; a dotted line
    marks 1 (no change). The legend sits under the panels, off the data.

    >>> fig = plot_layer_gradients({"tanh": {"gain 1": [0.5, 1.0]}, "relu": {"gain 1": [0.1, 1.0]}})
    >>> [ax.get_title() for ax in fig.axes]
    ['tanh', 'relu']
    """
    fig, axes = new_figure(1, len(panels), figsize=figsize, sharey=ylim is not None,
                           margins=dict(left=0.14, right=0.99, bottom=0.27, top=0.92, wspace=0.08 if ylim is not None else 0.3))
    axes = np.atleast_1d(axes)
    for ax, (title, curves) in zip(axes, panels.items()):
        for index, (name, values) in enumerate(curves.items()):
            values = np.asarray(values, dtype=float)
            ax.plot(np.arange(1, values.size + 1), values, label=name, markersize=3.5, **_styled(index))
        ax.axhline(1.0, color="0.4", linestyle=":", linewidth=1.0, zorder=0)
        ax.set_yscale("log")
        if ylim is not None:
            ax.set_ylim(*ylim)
        else:                                  # at least 1e-1..1e1, so that every panel shows a few decades
            low, high = ax.get_ylim()
            ax.set_ylim(min(low, 0.1), max(high, 10.0))
        decades = np.log10(ax.get_ylim()[1] / ax.get_ylim()[0])
        _powers_of_ten(ax, max(1, int(np.ceil(decades / 6))))
        ax.set_title(title)
        ax.set_xlabel(depth_label if ax is axes[len(axes) // 2] else "")
    axes[0].set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), bbox_to_anchor=(0.55, 0.0), fontsize=9)
    return fig


def plot_depth_profile(delta_norm, activation_std, *, title="", reference=None, reference_label="", limits=None,
                       figsize=(7.4, 3.3)):
    r"""The depth explorer's two panels: the backpropagated gradient norm per
    layer relative to the last layer (left, log axis) and
    the spread of the activations per layer (right). ``reference`` (a pair of
    arrays) is drawn as a wide pale grey band for comparison. ``limits`` is a
    pair ``((low, high), (low, high))`` of y ranges for the two panels
    (default: 1e-30..1e30 and 1e-15..1e15); the legend sits under the panels.

    >>> fig = plot_depth_profile([0.1, 1.0], [0.5, 0.4], title="tanh")
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize, margins=dict(left=0.1, right=0.98, bottom=0.27, top=0.84, wspace=0.32))
    (left_limits, right_limits) = limits if limits is not None else ((1e-30, 1e30), (1e-15, 1e15))
    delta_norm, activation_std = np.asarray(delta_norm, dtype=float), np.asarray(activation_std, dtype=float)
    layers = np.arange(1, delta_norm.size + 1)
    if reference is not None:
        ref_delta, ref_std = (np.asarray(r, dtype=float) for r in reference)
        # a wide pale band, so that it stays visible under an identical setting
        left.plot(layers, ref_delta / ref_delta[-1], color="0.75", linewidth=6, solid_capstyle="round", label=reference_label)
        right.plot(layers, ref_std, color="0.75", linewidth=6, solid_capstyle="round", label=reference_label)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.clip(delta_norm / delta_norm[-1], 1e-300, 1e300)
    left.plot(layers, relative, color=style.PALETTE["blue"], marker="o", markersize=3.5, label="this setting", gid="profile")
    right.plot(layers, activation_std, color=style.PALETTE["blue"], marker="o", markersize=3.5, label="this setting", gid="profile")
    left.axhline(1.0, color="0.4", linestyle=":", linewidth=1.0, zorder=0)
    left.set_yscale("log")
    left.set_ylim(*left_limits)
    _powers_of_ten(left, max(1, int(np.ceil(np.log10(left_limits[1] / left_limits[0]) / 6))))
    left.set_xlabel(r"layer $\ell$ (1 = next to the input)")
    left.set_ylabel(r"$\|\partial L/\partial Z_\ell\|\ /\ \|\partial L/\partial Z_\mathrm{last}\|$")
    left.set_title("gradient, backward")
    right.set_yscale("log")
    right.set_ylim(*right_limits)
    _powers_of_ten(right, max(1, int(np.ceil(np.log10(right_limits[1] / right_limits[0]) / 6))))
    right.set_xlabel(r"layer $\ell$")
    right.set_ylabel(r"std of the activations $H_\ell$")
    right.set_title("activations, forward")
    if reference is not None:          # above the panels, off every curve
        handles, labels = left.get_legend_handles_labels()
        left.legend(handles, labels, loc="upper left", ncol=2, fontsize=9, bbox_to_anchor=(0.0, -0.22))
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    return fig


def set_depth_profile(fig, delta_norm, activation_std, title=""):
    r"""Replace the current setting's curves and the title of a
    :func:`plot_depth_profile` figure (axis limits and the reference stay).
    Returns the changed artists, for :class:`FastRenderer`.

    >>> fig = plot_depth_profile([0.1, 1.0], [0.5, 0.4])
    >>> len(set_depth_profile(fig, [1.0, 1.0], [0.3, 0.3], title="new"))
    3
    """
    delta_norm, activation_std = np.asarray(delta_norm, dtype=float), np.asarray(activation_std, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.clip(delta_norm / delta_norm[-1], 1e-300, 1e300)
    layers = np.arange(1, delta_norm.size + 1)
    left, right = fig.axes[:2]
    (left_line,) = [line for line in left.get_lines() if line.get_gid() == "profile"]
    (right_line,) = [line for line in right.get_lines() if line.get_gid() == "profile"]
    left_line.set_data(layers, relative)
    right_line.set_data(layers, activation_std)
    fig._suptitle.set_text(title)
    return [left_line, right_line, fig._suptitle]


def plot_network_pass(positions, edges, *, labels, grads=None, grads_above=(), highlight=(), backward_edges=(),
                      title=None, note=None, figsize=(7.6, 3.8)):
    r"""A computational graph whose boxes may be wide (vectors and matrices):
    arrows start and end at the box edges, whatever their size. ``labels``
    maps a node to the text in its box (nodes without a label show their
    name); ``grads`` maps a node to the gradient text, drawn under the box,
    or above it for the nodes in ``grads_above``. Nodes in ``highlight`` and
    edges in ``backward_edges`` are drawn in the accent colour (the current
    step); ``note`` is a sentence under the graph.

    >>> fig = plot_network_pass({"x": (0, 0), "y": (1, 0)}, [("x", "y")], labels={"x": "x = 1"}, grads={"y": "∂L/∂y = 1"})
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text())
    ['x = 1', 'y', '∂L/∂y = 1']
    """
    fig, ax = new_figure(figsize=figsize, margins=dict(left=0.01, right=0.99, bottom=0.1, top=0.9))
    grads = grads or {}
    accent, ink, forward = style.PALETTE["vermillion"], style.PALETTE["black"], style.PALETTE["blue"]
    boxes = {}
    for name, (x, y) in positions.items():
        emphasised = name in highlight
        boxes[name] = ax.text(x, y, labels.get(name, name), ha="center", va="center", fontsize=9, zorder=3,
                              bbox=dict(boxstyle="round,pad=0.35", facecolor="#FCE8DA" if emphasised else "white",
                                        edgecolor=accent if emphasised else ink, linewidth=2.0 if emphasised else 1.0))
        if name in grads:
            above = name in grads_above
            ax.annotate(grads[name], (0.5, 1.0 if above else 0.0), xycoords=boxes[name], xytext=(0, 7 if above else -7),
                        textcoords="offset points", ha="center", va="bottom" if above else "top", fontsize=9, color=accent)
    for source, target in edges:
        backward = (source, target) in backward_edges
        colour = accent if backward else forward
        ax.annotate("", xy=(0.5, 0.5), xycoords=boxes[target], xytext=(0.5, 0.5), textcoords=boxes[source], zorder=4,
                    arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2.2 if backward else 1.2, shrinkA=2, shrinkB=2, mutation_scale=14,
                                    patchA=boxes[source].get_bbox_patch(), patchB=boxes[target].get_bbox_patch()))
    return finish_graph(fig, ax, positions, title=title, note=note, pad=(0.8, 1.0, 1.0))
