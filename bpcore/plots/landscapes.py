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


def plot_trajectory_2d(X, Y, Z, paths, *, ax=None, levels=20, log=False, xlabel=r"$w$", ylabel=r"$b$", minimum=None, colorbar=True, title=None, figsize=None, legend="below"):
    r"""Optimiser paths over the contours of a 2-D loss surface.

    ``paths`` maps a legend name to an array of shape ``(steps, 2)`` (or is
    one such array). Points outside the plotted window are clipped to its
    border so a diverging run stays visible as it leaves. Each path has its
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
        px, py = _clipped_path(path, x_lim, y_lim)
        ax.plot(px, py, color=colour, linestyle=style.LINESTYLES[index % len(style.LINESTYLES)],
                marker=markers[index % len(markers)], markersize=3.5, linewidth=1.3, label=name, gid=f"path:{index}")
        ax.plot(px[:1], py[:1], "s", color=colour, markersize=6, markeredgecolor="white")
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    if any(name is not None for name in paths):
        if legend in ("below", "right"):
            legend_outside(ax, legend)
        else:
            ax.legend(loc=legend, frameon=True, framealpha=0.9)
    return fig
