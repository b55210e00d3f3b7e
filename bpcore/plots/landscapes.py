r"""Loss landscapes: 1-D curves, contours and optimisation paths on them."""

import matplotlib
import numpy as np

from .. import style
from ._figure import _figure_and_axes, legend_outside

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


def _clip_segment(p, q, x_lim, y_lim):
    """The part of segment p→q inside the window as (t0, t1) along it, or None (Liang–Barsky)."""
    d = q - p
    t0, t1 = 0.0, 1.0
    for step, room in ((-d[0], p[0] - x_lim[0]), (d[0], x_lim[1] - p[0]),
                       (-d[1], p[1] - y_lim[0]), (d[1], y_lim[1] - p[1])):
        if step == 0.0:
            if room < 0.0:
                return None
        elif step < 0.0:
            t0 = max(t0, room / step)
        else:
            t1 = min(t1, room / step)
    return (t0, t1) if t0 <= t1 else None


def _clipped_path(path, x_lim, y_lim, marks=False):
    r"""The polyline of ``path`` cut at the window's edge, segment by segment.

    Each segment between two iterates keeps the part of it inside the window
    (its points stay on the segment, unlike clipping x and y separately); a
    segment wholly outside is dropped and the line breaks there (NaN). A
    non-finite iterate breaks the line too. Returns ``(px, py)``, and with
    ``marks=True`` also the indices into them of the real iterates (not the
    points where a segment meets the edge), for ``markevery``.

    >>> px, py = _clipped_path([[0, 0], [4, 1], [0, 0.5]], (-1, 2), (-1, 1))
    >>> np.column_stack([px, py]).tolist()
    [[0.0, 0.0], [2.0, 0.5], [nan, nan], [2.0, 0.75], [0.0, 0.5]]
    """
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    x_lim, y_lim = tuple(sorted(map(float, x_lim))), tuple(sorted(map(float, y_lim)))
    finite = np.all(np.isfinite(path), axis=1)
    points, iterates, last = [], [], None

    def add(point, is_iterate):
        if is_iterate:
            iterates.append(len(points))
        points.append(point)

    if len(path) == 1 and finite[0] and _clip_segment(path[0], path[0], x_lim, y_lim) is not None:
        add(path[0], True)
    for i in range(len(path) - 1):
        p, q = path[i], path[i + 1]
        if not (finite[i] and finite[i + 1]):
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            clip = _clip_segment(p, q, x_lim, y_lim)
        if clip is None:
            continue
        t0, t1 = clip
        start = p if t0 == 0.0 else p + t0 * (q - p)
        end = q if t1 == 1.0 else p + t1 * (q - p)
        if last is None or not np.array_equal(last, start):
            if last is not None:
                add(np.array([np.nan, np.nan]), False)
            add(start, t0 == 0.0)
        add(end, t1 == 1.0)
        last = end
    xy = np.array(points, dtype=float).reshape(-1, 2)
    # Rounding can put an edge point a hair outside the window.
    px, py = np.clip(xy[:, 0], *x_lim), np.clip(xy[:, 1], *y_lim)
    return (px, py, iterates) if marks else (px, py)


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
    px, py, iterates = _clipped_path(path, ax.get_xlim(), ax.get_ylim(), marks=True)
    line.set_data(px, py)
    line.set_markevery(iterates)
    start, = [a for a in ax.get_lines() if a.get_gid() == f"start:{index}"]
    start.set_data(px[iterates[:1]], py[iterates[:1]])
    return [line, start]


def plot_trajectory_2d(X, Y, Z, paths, *, ax=None, levels=20, log=False, xlabel=r"$w$", ylabel=r"$b$", minimum=None, colorbar=True, title=None, figsize=None, legend="below"):
    r"""Optimiser paths over the contours of a 2-D loss surface.

    ``paths`` maps a legend name to an array of shape ``(steps, 2)`` (or is
    one such array). Each step is cut where it crosses the window's border, so
    a diverging run stays visible as it leaves and every drawn piece lies on
    the step it belongs to; only iterates inside the window get a marker. Each path has its
    own colour, line style and marker (told apart without colour too); the
    legend goes ``"below"`` or ``"right"`` of the axes (never over the
    paths), or at a matplotlib ``loc`` the caller has checked is empty.

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
    # Colours that stand out on cividis (orange last: it is close to vermilion).
    path_colours = [style.PALETTE[c] for c in ("vermillion", "sky_blue", "purple", "black", "green", "orange")]
    markers = ("o", "^", "D", "v", "P", "X")
    x_lim, y_lim = ax.get_xlim(), ax.get_ylim()
    for index, (name, path) in enumerate(paths.items()):
        colour = path_colours[index % len(path_colours)]
        px, py, iterates = _clipped_path(path, x_lim, y_lim, marks=True)
        ax.plot(px, py, color=colour, linestyle=style.LINESTYLES[index % len(style.LINESTYLES)],
                marker=markers[index % len(markers)], markevery=iterates, markersize=3.5, linewidth=1.3,
                label=name, gid=f"path:{index}")
        ax.plot(px[iterates[:1]], py[iterates[:1]], "s", color=colour, markersize=6, markeredgecolor="white",
                gid=f"start:{index}")
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    if any(name is not None for name in paths):
        if legend in ("below", "right"):
            legend_outside(ax, legend)
        else:
            ax.legend(loc=legend, frameon=True, framealpha=0.9)
    return fig
