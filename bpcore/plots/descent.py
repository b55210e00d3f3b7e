r"""Chapter 3's figures: one gradient step, learning-rate regimes, the
zig-zag and convergence rates, and basins of attraction."""

import matplotlib
import numpy as np

from .. import style
from ._figure import new_figure
from .landscapes import plot_contour, plot_trajectory_1d

_LINESTYLES = ("-", "--", "-.", (0, (5, 1, 1, 1)))


def plot_gradient_step(X, Y, Z, point, gradient, new_point, angles, slopes, *, figsize=(7.8, 3.4)):
    r"""Left: contours of a bowl, the level curve through ``point`` drawn
    bold, the gradient at ``point`` (an arrow, uphill, at a right angle to
    that curve, drawn with the same scale factor :math:`\eta` as the step)
    and the step to ``new_point`` (downhill).
    Right: the directional derivative ``slopes`` against the direction's
    angle, largest at the gradient's angle.

    >>> X, Y = np.meshgrid(np.linspace(-2, 2, 21), np.linspace(-2, 2, 21))
    >>> a = np.linspace(-np.pi, np.pi, 9)
    >>> fig = plot_gradient_step(X, Y, X**2 + Y**2, (1, 1), (2, 2), (0.8, 0.8), a, 2 * np.cos(a) + 2 * np.sin(a))
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize, gridspec_kw={"width_ratios": [1.1, 1]})
    px, py = point
    plot_contour(X, Y, Z, ax=left, levels=14, colorbar=False, xlabel=r"$w_1$", ylabel=r"$w_2$")
    left.contour(X, Y, Z, levels=[_interp2(X, Y, Z, px, py)], colors=[style.PALETTE["black"]], linewidths=2.0)
    gx, gy = gradient
    nx, ny = new_point
    scale = np.hypot(nx - px, ny - py) / np.hypot(gx, gy)            # eta: both arrows have the same length
    gx, gy = scale * gx, scale * gy
    left.annotate("", xy=(px + gx, py + gy), xytext=(px, py),
                  arrowprops=dict(arrowstyle="-|>", color=style.PALETTE["vermillion"], lw=2.2))
    left.annotate("", xy=(nx, ny), xytext=(px, py),
                  arrowprops=dict(arrowstyle="-|>", color=style.PALETTE["sky_blue"], lw=2.2, linestyle="--"))
    left.plot([px], [py], "o", color="white", markeredgecolor="black", markersize=7)
    left.text(px + gx, py + gy, r"$\eta\nabla L$ (uphill)", color="black", fontsize=9, va="bottom", ha="center",
              bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    left.text(nx, ny, r"$-\eta\nabla L$  ", color="black", fontsize=9, ha="right", va="top",
              bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    left.set_aspect("equal")
    deg = np.degrees(angles)
    right.plot(deg, slopes, color=style.PALETTE["blue"], label=r"slope $D_u L = \nabla L\cdot u$")
    best = int(np.argmax(slopes))
    right.axvline(np.degrees(np.arctan2(gy, gx)), color=style.PALETTE["vermillion"], linestyle="--",
                  label=r"direction of $\nabla L$")
    right.plot([deg[best]], [slopes[best]], "o", color=style.PALETTE["vermillion"])
    right.axhline(0, color="black", linewidth=0.6)
    right.set_xlabel(r"direction $u$: angle in degrees")
    right.set_ylabel("slope of $L$ along $u$")
    right.set_xticks([-180, -90, 0, 90, 180])
    right.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8)
    return fig


def _interp2(X, Y, Z, x, y):
    """Bilinear interpolation of a meshgrid ('xy') surface at (x, y)."""
    xs, ys = X[0], Y[:, 0]
    i = int(np.clip(np.searchsorted(xs, x) - 1, 0, len(xs) - 2))
    j = int(np.clip(np.searchsorted(ys, y) - 1, 0, len(ys) - 2))
    tx, ty = (x - xs[i]) / (xs[i + 1] - xs[i]), (y - ys[j]) / (ys[j + 1] - ys[j])
    return float((1 - tx) * (1 - ty) * Z[j, i] + tx * (1 - ty) * Z[j, i + 1]
                 + (1 - tx) * ty * Z[j + 1, i] + tx * ty * Z[j + 1, i + 1])


def plot_lr_regimes(w_grid, loss_grid, runs, *, figsize=(9.0, 2.8)):
    r"""One panel per learning rate: the 1-D loss curve with the iterates of
    gradient descent on it.  ``runs`` maps a panel title to ``(path,
    path_losses)``.

    >>> w = np.linspace(-2, 2, 41)
    >>> fig = plot_lr_regimes(w, w**2, {"a": ([1.5, 1.0], [2.25, 1.0]), "b": ([1.5, -1.5], [2.25, 2.25])})
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    fig, axes = new_figure(1, len(runs), figsize=figsize, sharey=True)
    for k, (ax, (title, (path, path_losses))) in enumerate(zip(np.atleast_1d(axes), runs.items())):
        plot_trajectory_1d(w_grid, loss_grid, path, path_losses=path_losses, ax=ax, title=title,
                           ylabel=r"loss $L$" if k == 0 else "")
        ax.set_ylim(-0.05 * np.max(loss_grid), 1.05 * np.max(loss_grid))
    return fig


def plot_convergence(distances, predicted, *, ax=None, xlabel="step $k$", ylabel=r"distance to the minimum $\|w_k - w^\ast\|$", figsize=(6.0, 3.4)):
    r"""Distance to the minimum per step (log axis) for several runs, each
    with its predicted :math:`\rho^k \lVert e_0\rVert` as open circles.
    ``distances`` and ``predicted`` map a label to an array and a rate.

    >>> fig = plot_convergence({"a": [1.0, 0.5, 0.25]}, {"a": 0.5})
    >>> len(fig.axes[0].get_lines())
    2
    """
    if ax is None:
        fig, ax = new_figure(figsize=figsize)
    fig = ax.figure
    for k, (label, d) in enumerate(distances.items()):
        d = np.asarray(d, dtype=float)
        colour = style.CYCLE[k % len(style.CYCLE)]
        steps = np.arange(len(d))
        ax.plot(steps, d, _LINESTYLES[k % 4], color=colour, label=label)
        marks = steps[:: max(1, len(steps) // 6)]                  # a few open circles, visible on the line
        ax.plot(marks, d[0] * predicted[label] ** marks, "o", color="black", markerfacecolor="none", markersize=6,
                label="predicted $\\rho^k \\, \\|e_0\\|$" if k == 0 else None)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower left", fontsize=8)
    return fig


def plot_basins(X, Y, maps, minima, *, contours=None, figsize=(8.6, 3.6)):
    r"""Basins of attraction: for every start on the grid ``(X, Y)``, the
    colour of the minimum gradient descent ended in (``maps`` maps a panel
    title to an integer grid of minimum indices, ``-1`` = near none).
    ``minima`` are the minima (global first), drawn as markers with their
    index; ``contours`` an optional ``Z`` drawn as thin lines.

    >>> X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_basins(X, Y, {"a": (X > 0).astype(int)}, [(-0.5, 0), (0.5, 0)])
    >>> fig.axes[0].get_title()
    'a'
    """
    colours = [style.PALETTE[c] for c in ("blue", "orange", "green", "purple", "sky_blue")]
    cmap = matplotlib.colors.ListedColormap(["white"] + colours[:len(minima)])
    norm = matplotlib.colors.BoundaryNorm(np.arange(-1.5, len(minima) + 0.5), cmap.N)
    fig, axes = new_figure(1, len(maps), figsize=figsize, sharey=True)
    for k, (ax, (title, labels)) in enumerate(zip(np.atleast_1d(axes), maps.items())):
        ax.pcolormesh(X, Y, labels, cmap=cmap, norm=norm, shading="nearest", rasterized=True)
        if contours is not None:
            ax.contour(X, Y, contours, levels=12, colors="black", linewidths=0.4, alpha=0.5)
        for i, m in enumerate(minima):
            ax.plot([m[0]], [m[1]], "*", color="white", markeredgecolor="black", markersize=13)
            ax.annotate(f"{i}", (m[0], m[1]), textcoords="offset points", xytext=(7, 5), fontsize=10,
                        fontweight="bold", bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
        ax.set_title(title)
        ax.set_xlabel(r"$x$ (start)")
        if k == 0:
            ax.set_ylabel(r"$y$ (start)")
        ax.set_aspect("equal")
        ax.grid(False)
    handles = [matplotlib.patches.Patch(facecolor=c, edgecolor="black", label=f"ends in minimum {i}")
               for i, c in enumerate(colours[:len(minima)])]
    handles.append(matplotlib.patches.Patch(facecolor="white", edgecolor="black", label="not at a minimum yet"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    return fig
