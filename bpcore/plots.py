r"""Figures for the book: explicit arguments in, a matplotlib ``Figure`` out.

Every function here is pure drawing. It computes nothing the book teaches
(the caller passes losses, gradients and trajectories computed with the rest
of ``bpcore``), never calls ``plt.show`` and never registers its figure with
pyplot, so a figure lives exactly as long as the caller keeps a reference to
it: widgets can redraw hundreds of times without memory growing.

In a notebook a returned figure displays itself as the last expression of a
cell. Functions that draw into one panel accept ``ax=`` so that chapters can
compose them; they then return ``ax.figure``.

>>> import numpy as np
>>> fig = plot_loss_curve([4.0, 1.0, 0.25], label="GD")
>>> type(fig).__name__, len(fig.axes)
('Figure', 1)
"""

import io
import sys
from contextlib import contextmanager

import matplotlib
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure

from . import style

__all__ = [
    "use_style",
    "style_context",
    "new_figure",
    "figure_to_png",
    "FastRenderer",
    "move_prediction",
    "set_loss_curve",
    "set_path",
    "plot_losses_vs_prediction",
    "plot_loss_curve",
    "plot_trajectory_1d",
    "plot_contour",
    "plot_trajectory_2d",
    "plot_computation_graph",
]


def _rc_params():
    rc = dict(style.RC_PARAMS)
    rc["axes.prop_cycle"] = cycler(color=list(style.CYCLE))
    return rc


def use_style():
    r"""Apply the book's colour-blind-safe style to all later figures.

    In a Jupyter kernel it also loads the inline backend, which tells IPython
    to display a returned ``Figure`` as a PNG.

    >>> use_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["image.cmap"]
    'cividis'
    """
    matplotlib.rcParams.update(_rc_params())
    _enable_inline_display()


def _enable_inline_display():
    # Our figures are never registered with pyplot, so nothing would load the
    # inline backend, and a Figure would display as text. Importing the
    # backend module is what registers the PNG formatter with IPython.
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None:
        return
    if "inline" in str(matplotlib.get_backend()).lower():
        import matplotlib_inline.backend_inline  # noqa: F401


@contextmanager
def style_context():
    r"""Use the book's style inside a ``with`` block only.

    >>> with style_context():
    ...     fig = plot_loss_curve([1.0, 0.5])
    >>> fig.dpi == style.DPI
    True
    """
    with matplotlib.rc_context(_rc_params()):
        yield


def new_figure(nrows=1, ncols=1, figsize=None, margins=None, **subplot_kw):
    r"""A ``Figure`` (not managed by pyplot) and its axes.

    Returns ``(fig, ax)`` for one panel and ``(fig, axes_array)`` otherwise,
    like ``plt.subplots``. ``margins`` (a dict for ``subplots_adjust``, in
    figure fractions) fixes the layout instead of the style's constrained
    layout: several times faster to render, which is what a widget needs.

    >>> fig, axes = new_figure(1, 2)
    >>> axes.shape
    (2,)
    """
    fig = Figure(figsize=figsize, layout=None if margins is None else "none")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    if margins is not None:
        fig.subplots_adjust(**margins)
    return fig, axes


def _figure_and_axes(ax, figsize=None):
    if ax is None:
        return new_figure(figsize=figsize)
    return ax.figure, ax


def figure_to_png(fig, colors=None, dpi=None):
    r"""Render ``fig`` to PNG bytes.

    With ``colors=k`` the image is quantised to a palette of ``k`` colours,
    which makes a line drawing's PNG about three times smaller (used for the
    frames of the static-HTML scrubbers).

    >>> fig, ax = new_figure(figsize=(1, 1))
    >>> figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    True
    """
    buffer = io.BytesIO()
    if colors is None:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()
    from PIL import Image  # Pillow is a matplotlib dependency

    fig.savefig(buffer, format="png", dpi=dpi)
    buffer.seek(0)
    image = Image.open(buffer).convert("RGB").quantize(colors=int(colors))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class FastRenderer:
    r"""Re-render a figure in which only a few artists change, by blitting.

    The figure is drawn once without the ``animated`` artists and that
    background is kept; each :meth:`png` call restores it, draws only the
    animated artists on top and encodes the image. That is several times
    faster than drawing the whole figure again (axes, ticks and text are
    most of matplotlib's drawing time), which keeps widgets responsive.
    The figure must not change size or layout afterwards.

    >>> fig = plot_loss_curve([1.0, 0.5, 0.25], logy=True, ylim=(0.1, 2))
    >>> renderer = FastRenderer(fig, fig.axes[0].get_lines())
    >>> _ = set_loss_curve(fig.axes[0], [1.0, 0.9, 0.8], logy=True)
    >>> renderer.png()[:4] == b"\x89PNG"
    True
    """

    def __init__(self, fig, animated):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.animated = list(animated)
        self.canvas = FigureCanvasAgg(fig)
        for artist in self.animated:
            artist.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self):
        """The figure, with the animated artists as they are now, as PNG bytes."""
        from PIL import Image

        self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        rgba = np.asarray(self.canvas.buffer_rgba())
        out = io.BytesIO()
        # Low compression: the bytes only travel to the browser, once.
        Image.fromarray(rgba[..., :3]).save(out, format="PNG", compress_level=1)
        return out.getvalue()


def _symmetric_limits(values, clip):
    finite = np.concatenate([np.ravel(v)[np.isfinite(np.ravel(v))] for v in values])
    if finite.size == 0:
        return None
    low, high = np.min(finite), np.max(finite)
    if clip is not None:
        low, high = max(low, clip[0]), min(high, clip[1])
    pad = 0.05 * (high - low or 1.0)
    return low - pad, high + pad


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
    legend_loc="upper center",
):
    r"""Loss curves :math:`L(y, \hat y)` over a grid of predictions, and
    optionally their gradients in a second panel side by side.

    ``losses`` and ``grads`` map a legend name to an array of values on
    ``y_pred_grid``. ``y_true`` draws a dotted line at the target;
    ``y_pred`` marks the current prediction on every curve, at the exact
    values ``at[name] = (loss, grad)`` if given (else interpolated).
    ``margins`` as in :func:`new_figure`.

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
        for colour, (name, values) in zip(style.CYCLE, curves.items()):
            values = np.asarray(values, dtype=float)
            ax.plot(grid, values, color=colour, label=name)
            if y_pred is not None:
                if at is not None and name in at:
                    marker_y = at[name][which]
                else:
                    marker_y = np.interp(y_pred, grid, values)
                ax.plot([y_pred], [marker_y], "o", color=colour, markeredgecolor="white", gid=f"marker:{which}:{name}")
        if y_true is not None:
            ax.axvline(y_true, color=style.PALETTE["black"], linestyle=":", linewidth=1.2, label=r"target $y$")
        if y_pred is not None:
            ax.axvline(y_pred, color="0.6", linewidth=0.8, gid=f"prediction:{which}")
        ax.axhline(0.0, color="0.3", linewidth=0.6)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        limits = ylim if ylim is not None else _symmetric_limits(list(curves.values()), None)
        if limits is not None:
            ax.set_ylim(*limits)
        ax.set_xlim(grid[0], grid[-1])
    # A fixed corner: loc="best" searches positions and is slow to redraw.
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
        _, which, name = artist.get_gid().split(":", 2)
        artist.set_data([y_pred], [at[name][int(which)]])
        changed.append(artist)
    for artist in _artists(fig, "prediction:"):
        artist.set_xdata([y_pred, y_pred])
        changed.append(artist)
    if title is not None:
        for artist in _artists(fig, "title"):
            artist.set_text(title)
            changed.append(artist)
    return changed


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


def plot_loss_curve(losses, *, ax=None, label=None, logy=False, xlabel="epoch", ylabel=r"loss $L$", title=None, ylim=None, figsize=None):
    r"""Loss against step or epoch.

    ``losses`` is one sequence, or a mapping from a legend name to a
    sequence. Non-finite values (a diverged run) end that curve with an
    ``x`` marker at the last finite point. ``ylim`` fixes the value axis
    (so that several runs can be compared frame by frame).

    >>> fig = plot_loss_curve({"a": [1.0, 0.5], "b": [1.0, float("inf")]}, logy=True)
    >>> [line.get_label() for line in fig.axes[0].get_lines() if line.get_gid().startswith("curve:")]
    ['a', 'b']
    """
    fig, ax = _figure_and_axes(ax, figsize)
    curves = losses if hasattr(losses, "items") else {label: losses}
    for index, (colour, (name, values)) in enumerate(zip(style.CYCLE, curves.items())):
        steps, shown, end = _finite_prefix(values, logy)
        ax.plot(steps, shown, color=colour, label=name, marker="." if np.size(values) <= 60 else None, gid=f"curve:{index}")
        ax.plot(steps[-1:] if end else [], shown[-1:] if end else [], "x", color=colour, markersize=9, markeredgewidth=2, gid=f"curve-end:{index}")
    if logy:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if any(name is not None for name in curves):
        ax.legend(loc="best")
    return fig


def plot_trajectory_1d(w_grid, loss_grid, path, *, ax=None, path_losses=None, xlabel=r"$w$", ylabel=r"loss $L$", label=None, title=None, figsize=None):
    r"""A 1-D loss curve :math:`L(w)` with the iterates :math:`w_0, w_1,
    \dots` of an optimiser drawn on it, joined in order.

    ``path_losses`` are the losses at the iterates (interpolated from the
    grid if omitted). Iterates outside the grid are clipped to its edge.

    >>> import numpy as np
    >>> w = np.linspace(-2, 2, 41)
    >>> fig = plot_trajectory_1d(w, w**2, [1.5, -1.2, 0.9])
    >>> len(fig.axes[0].get_lines())  # curve, path, iterates, start marker
    4
    """
    fig, ax = _figure_and_axes(ax, figsize)
    w_grid = np.asarray(w_grid, dtype=float)
    path = np.asarray(path, dtype=float)
    ax.plot(w_grid, loss_grid, color=style.PALETTE["black"], linewidth=1.2)
    if path_losses is None:
        path_losses = np.interp(path, w_grid, loss_grid)
    shown = np.clip(path, w_grid[0], w_grid[-1])
    ax.plot(shown, path_losses, "-", color=style.PALETTE["vermillion"], linewidth=0.9, alpha=0.7)
    ax.plot(shown, path_losses, "o", color=style.PALETTE["vermillion"], markersize=4, label=label)
    ax.plot(shown[:1], np.asarray(path_losses)[:1], "s", color=style.PALETTE["blue"], markersize=6)
    ax.set_xlim(w_grid[0], w_grid[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return fig


def plot_contour(X, Y, Z, *, ax=None, levels=20, log=False, filled=True, xlabel=r"$w$", ylabel=r"$b$", minimum=None, colorbar=True, title=None, figsize=None):
    r"""Contours of a loss surface :math:`L(x, y)` sampled on a grid.

    ``log=True`` spaces the levels geometrically, which shows both the
    valley floor and the walls of badly conditioned surfaces. ``minimum`` is
    an ``(x, y)`` point marked with a star.

    >>> import numpy as np
    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 11), np.linspace(-1, 1, 11))
    >>> fig = plot_contour(X, Y, X**2 + 3 * Y**2, minimum=(0, 0))
    >>> len(fig.axes)  # the panel and its colour bar
    2
    """
    fig, ax = _figure_and_axes(ax, figsize)
    Z = np.asarray(Z, dtype=float)
    if log:
        positive = Z[np.isfinite(Z) & (Z > 0)]
        low, high = positive.min(), positive.max()
        levels = np.geomspace(low, high, levels if np.isscalar(levels) else len(levels))
        norm = matplotlib.colors.LogNorm(vmin=low, vmax=high)
        Z = np.ma.masked_less_equal(Z, 0.0)  # log scale: zero loss is not drawable
    else:
        norm = None
    draw = ax.contourf if filled else ax.contour
    contours = draw(X, Y, Z, levels=levels, cmap=style.CMAP, norm=norm)
    if filled:
        ax.contour(X, Y, Z, levels=contours.levels, colors="white", linewidths=0.3, alpha=0.5)
    if colorbar:
        fig.colorbar(contours, ax=ax, label=r"loss $L$")
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], "*", color=style.PALETTE["yellow"], markersize=13, markeredgecolor="black")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if title is not None:
        ax.set_title(title)
    return fig


def _clipped_path(path, x_lim, y_lim):
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    path = path[np.all(np.isfinite(path), axis=1)]
    return np.clip(path[:, 0], *x_lim), np.clip(path[:, 1], *y_lim)


def set_path(ax, path, index=0):
    r"""Replace path ``index`` of a :func:`plot_trajectory_2d` panel,
    clipped to the window like the original. Returns the changed artists.

    >>> import numpy as np
    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_trajectory_2d(X, Y, X**2 + Y**2, [[1, 1], [0, 0]], colorbar=False)
    >>> set_path(fig.axes[0], [[5, 5], [0, 0]])[0].get_xydata().tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    line, = [a for a in ax.get_lines() if a.get_gid() == f"path:{index}"]
    line.set_data(*_clipped_path(path, ax.get_xlim(), ax.get_ylim()))
    return [line]


def plot_trajectory_2d(X, Y, Z, paths, *, ax=None, levels=20, log=False, xlabel=r"$w$", ylabel=r"$b$", minimum=None, colorbar=True, title=None, figsize=None):
    r"""Optimiser paths over the contours of a 2-D loss surface.

    ``paths`` maps a legend name to an array of shape ``(steps, 2)`` (or is
    one such array). Points outside the plotted window are clipped to its
    border so a diverging run stays visible as it leaves.

    >>> import numpy as np
    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 11), np.linspace(-1, 1, 11))
    >>> fig = plot_trajectory_2d(X, Y, X**2 + Y**2, {"GD": [[1, 1], [0.5, 0.5], [0, 0]]})
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'GD'
    """
    fig = plot_contour(X, Y, Z, ax=ax, levels=levels, log=log, xlabel=xlabel, ylabel=ylabel, minimum=minimum, colorbar=colorbar, title=title, figsize=figsize)
    ax = fig.axes[0] if ax is None else ax
    if not hasattr(paths, "items"):
        paths = {None: paths}
    path_colours = [style.PALETTE[c] for c in ("vermillion", "sky_blue", "orange", "purple", "green", "black")]
    x_lim, y_lim = ax.get_xlim(), ax.get_ylim()
    for index, (colour, (name, path)) in enumerate(zip(path_colours, paths.items())):
        px, py = _clipped_path(path, x_lim, y_lim)
        ax.plot(px, py, "-o", color=colour, markersize=3, linewidth=1.2, label=name, gid=f"path:{index}")
        ax.plot(px[:1], py[:1], "s", color=colour, markersize=6, markeredgecolor="white")
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    if any(name is not None for name in paths):
        ax.legend(loc="upper right", frameon=True, framealpha=0.8)
    return fig


def plot_computation_graph(
    positions,
    edges,
    *,
    labels,
    grads=None,
    highlight=(),
    backward_edges=(),
    title=None,
    note=None,
    figsize=(7.0, 3.0),
):
    r"""A computational graph: boxes joined by arrows, forward values inside
    the boxes and, for the backward pass, gradients :math:`\partial L/\partial
    v` under them.

    ``positions`` maps a node name to its ``(x, y)`` place; ``edges`` are
    ``(source, target)`` pairs (forward direction); ``labels`` maps a node to
    the text in its box; ``grads`` maps a node to the text under it.
    Nodes in ``highlight`` and edges in ``backward_edges`` are drawn in the
    accent colour (the current step). ``note`` is a sentence under the graph.

    >>> fig = plot_computation_graph({"x": (0, 0), "y": (1, 0)}, [("x", "y")], labels={"x": "x = 1", "y": "y = 2x"})
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text())
    ['x = 1', 'y = 2x']
    """
    # No ticks or labels to fit: fixed margins, no layout engine needed.
    fig, ax = new_figure(figsize=figsize, margins=dict(left=0.01, right=0.99, bottom=0.1, top=0.9))
    grads = grads or {}
    accent, ink = style.PALETTE["vermillion"], style.PALETTE["black"]
    forward_edge = style.PALETTE["blue"]
    for source, target in edges:
        colour = accent if (source, target) in backward_edges else forward_edge
        ax.annotate(
            "",
            xy=positions[target],
            xytext=positions[source],
            arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2.0 if colour == accent else 1.2, shrinkA=22, shrinkB=22),
        )
    for name, (x, y) in positions.items():
        emphasised = name in highlight
        ax.text(
            x,
            y,
            labels.get(name, name),
            ha="center",
            va="center",
            fontsize=9,
            bbox=dict(
                boxstyle="round,pad=0.35",
                facecolor="#FCE8DA" if emphasised else "white",
                edgecolor=accent if emphasised else ink,
                linewidth=2.0 if emphasised else 1.0,
            ),
        )
        if name in grads:
            ax.text(x, y - 0.42, grads[name], ha="center", va="top", fontsize=8.5, color=accent)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.95, max(ys) + 0.45)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title, loc="left")
    if note is not None:
        fig.text(0.01, 0.02, note, ha="left", va="bottom", fontsize=9, wrap=True)
    return fig
