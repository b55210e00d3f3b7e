r"""Chapter 2's figures: loss landscapes as surfaces and contours, linked to
the data, and the kinds of critical points."""

import matplotlib.contour
import matplotlib.ticker
import numpy as np

from .. import style
from ._figure import _figure_and_axes, new_figure
from .landscapes import plot_contour

_MARKERS = {"minimum": ("*", "yellow", 14), "global": ("*", "yellow", 16), "local": ("o", "sky_blue", 8),
            "saddle": ("X", "vermillion", 9), "maximum": ("^", "purple", 9), "plateau": ("s", "green", 8)}


def _mark(ax, kind, x, y, z=None, label=None):
    marker, colour, size = _MARKERS[kind]
    # clip_on=False: a marker at the edge of the data (a minimum at the bottom of
    # a curve) is drawn whole, not cut by the axes
    kwargs = dict(color=style.PALETTE[colour], markersize=size, markeredgecolor="black", linestyle="none", label=label,
                  clip_on=False)
    if z is None:
        return ax.plot([x], [y], marker, **kwargs)
    return ax.plot([x], [y], [z], marker, zorder=10, **kwargs)


def plot_surface_3d(W, B, L, *, ax=None, minimum=None, title=None, zlabel=r"$L$", xlabel=r"$w$", ylabel=r"$b$", figsize=None,
                    view=(28, -130)):
    r"""A loss surface :math:`L(w, b)` in 3-D (``W, B, L`` in meshgrid
    ``'xy'`` order), with an optional ``(w, b, L)`` minimum starred.

    ``view = (elevation, azimuth)`` in degrees. matplotlib paints a 3-D
    marker over the surface whatever lies in front of it, so a starred
    minimum needs a view from above, into the bowl (elevation about 50), or
    the star appears painted on the front wall. A star is drawn at the
    bottom with a vertical line from the top of the axes down to it, so its
    position in the plane reads even from a low view.

    >>> W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_surface_3d(W, B, W**2 + B**2, minimum=(0, 0, 0))
    >>> fig.axes[0].name
    '3d'
    """
    if ax is None:
        fig, ax = new_figure(figsize=figsize, subplot_kw={"projection": "3d"})
    fig = ax.figure
    ax.plot_surface(W, B, L, cmap=style.CMAP, linewidth=0, antialiased=True, alpha=0.9, rcount=40, ccount=40)
    if minimum is not None:
        mw, mb, mz = minimum
        ax.plot([mw, mw], [mb, mb], [mz, float(np.nanmax(L))], color="black", linewidth=0.9, linestyle=":",
                zorder=9)
        _mark(ax, "minimum", *minimum)
    ax.set_xlabel(xlabel, labelpad=-2)
    ax.set_ylabel(ylabel, labelpad=-2)
    ax.set_zlabel(zlabel, labelpad=-4)
    ax.tick_params(labelsize=9, pad=0)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
    ax.view_init(elev=view[0], azim=view[1])
    if title is not None:
        ax.set_title(title)
    return fig


def plot_surface_gallery(W, B, surfaces, *, minima=None, lines=None, figsize=(9.0, 3.2), views=None):
    r"""Several loss surfaces side by side in 3-D: ``surfaces`` maps a title
    to an array ``L`` over the ``(W, B)`` grid, or to a triple
    ``(W, B, L)`` with a window of its own; ``views`` maps a title to an
    ``(elevation, azimuth)`` (see :func:`plot_surface_3d`); ``minima`` maps a
    title to a ``(w, b, L)`` point to star (leave a title out when the
    surface has no minimum in view); ``lines`` maps a title to arrays
    ``(w, b, L)`` drawn as a bold line (e.g. a valley floor of minima).

    >>> W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_surface_gallery(W, B, {"plane": W + B, "bowl": W**2 + B**2})
    >>> [ax.get_title() for ax in fig.axes]
    ['plane', 'bowl']
    """
    minima, lines, views = minima or {}, lines or {}, views or {}
    # fixed margins: constrained layout gives up on three 3-D panels ("axes sizes collapsed")
    fig, axes = new_figure(1, len(surfaces), figsize=figsize, subplot_kw={"projection": "3d"},
                           margins=dict(left=0.05, right=0.97, bottom=0.04, top=0.86, wspace=0.32))
    for ax, (title, surface) in zip(np.atleast_1d(axes), surfaces.items()):
        W_, B_, L = surface if isinstance(surface, tuple) else (W, B, surface)
        plot_surface_3d(W_, B_, L, ax=ax, minimum=minima.get(title), title=title, view=views.get(title, (28, -130)))
        if title in lines:
            ax.plot(*lines[title], color=style.PALETTE["yellow"], linewidth=3, zorder=10)
            ax.plot(*lines[title], color="black", linewidth=1, linestyle="--", zorder=11)
    return fig


def plot_contour_and_surface(W, B, L, *, minimum=None, levels=20, log=False, figsize=(7.8, 3.3), view=(28, -130)):
    r"""The same landscape twice: contours (left, with a colour bar) and a
    3-D surface (right); ``minimum`` is a ``(w, b)`` point; ``log=True``
    spaces the contour levels geometrically (see :func:`plot_contour`);
    ``view`` as in :func:`plot_surface_3d`.

    >>> W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_contour_and_surface(W, B, W**2 + B**2, minimum=(0.0, 0.0))
    >>> len(fig.axes)   # contours, colour bar, surface
    3
    """
    # fixed positions (constrained layout cannot place a colour bar next to a
    # 3-D panel): the colour bar's label and the surface's z-label never meet
    fig = new_figure(figsize=figsize, margins={})[0]
    fig.clear()
    left = fig.add_axes([0.08, 0.14, 0.36, 0.82])
    right = fig.add_axes([0.58, 0.02, 0.42, 0.96], projection="3d")
    plot_contour(W, B, L, ax=left, levels=levels, log=log, minimum=minimum, colorbar=False)
    filled = [c for c in left.collections if isinstance(c, matplotlib.contour.ContourSet)][0]
    bar = fig.colorbar(filled, cax=fig.add_axes([0.455, 0.14, 0.015, 0.82]), label=r"loss $L$")
    if log:   # a log colour bar with readable ticks (1-2-5 steps)
        low, high = float(np.min(L[L > 0])), float(np.max(L))
        ticks = [m * 10.0 ** e for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
                 for m in (1, 2, 5) if low <= m * 10.0 ** e <= high]
        bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
        bar.minorticks_off()
    left.set_aspect("auto")
    z_min = None if minimum is None else (minimum[0], minimum[1], float(np.min(L)))
    plot_surface_3d(W, B, L, ax=right, minimum=z_min, view=view)
    return fig


def plot_fit_and_landscape(x, y, w, b, W, B, L, *, minimum=None, loss_name="MSE", fig=None):
    r"""Left: the data and the line :math:`\hat y = w x + b`, with each
    residual as a thin vertical segment.  Right: the loss contours over
    :math:`(w, b)` (geometric levels) with the point :math:`(w, b)` marked.  The two panels
    show the same model: moving the point moves the line.

    >>> x = np.linspace(-1, 1, 5); W, B = np.meshgrid(np.linspace(0, 4, 9), np.linspace(-2, 1, 7))
    >>> fig = plot_fit_and_landscape(x, 2 * x, 1.0, 0.0, W, B, (W - 2) ** 2 + B ** 2)
    >>> [ax.get_xlabel() for ax in fig.axes[:2]]
    ['input $x$', '$w$']
    """
    if fig is None:
        fig, (left, right) = new_figure(1, 2, figsize=(7.6, 3.1),
                                        margins=dict(left=0.08, right=0.98, bottom=0.16, top=0.88, wspace=0.3))
    else:
        left, right = fig.axes[:2]
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    pad = 0.05 * (x.max() - x.min())
    grid = np.array([x.min() - pad, x.max() + pad])
    left.plot(x, y, "o", color=style.PALETTE["blue"], markersize=4, label="data $(x_i, y_i)$")
    left.vlines(x, y, w * x + b, color=style.PALETTE["black"], linewidth=0.6, alpha=0.5, gid="residuals")
    left.plot(grid, w * grid + b, "-", color=style.PALETTE["vermillion"], label=r"$\hat y = w x + b$", gid="line")
    spread = y.max() - y.min()
    left.set_ylim(y.min() - 0.6 * spread, y.max() + 0.6 * spread)
    left.set_xlabel("input $x$")
    left.set_ylabel("target $y$, prediction $\\hat y$")
    left.legend(loc="upper left")
    plot_contour(W, B, L, ax=right, levels=18, log=True, colorbar=False, minimum=minimum)
    right.plot([w], [b], "o", color=style.PALETTE["vermillion"], markersize=9, markeredgecolor="white", gid="point")
    right.set_xlim(W.min(), W.max())
    right.set_ylim(B.min(), B.max())
    return fig


def plot_kinds_of_critical_points(t, values, marks, X, Y, Z, points, *, t_label=r"$x$", figsize=(7.8, 3.4)):
    r"""Left: a 1-D loss curve ``values`` over ``t`` with its critical points;
    right: a 2-D surface's contours with its critical points.  ``marks`` and
    ``points`` are lists of ``(kind, x, y)`` with ``kind`` one of
    ``"global"``, ``"local"``, ``"saddle"``, ``"maximum"``, ``"plateau"``;
    each kind is named once in a legend below the panels.

    >>> t = np.linspace(-2, 2, 41); X, Y = np.meshgrid(t, t)
    >>> fig = plot_kinds_of_critical_points(t, t**2, [("global", 0, 0)], X, Y, X**2 + Y**2, [("global", 0, 0)])
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    left.plot(t, values, color=style.PALETTE["black"], linewidth=1.4)
    left.set_xlabel(t_label)
    left.set_ylabel(r"loss $L$")
    plot_contour(X, Y, Z, ax=right, levels=24, colorbar=False, xlabel=r"$x$", ylabel=r"$y$")
    right.set_aspect("equal")
    names = {"global": "global minimum", "local": "local minimum", "saddle": "saddle point",
             "maximum": "maximum", "plateau": "plateau"}
    seen = set()
    for ax, items in ((left, marks), (right, points)):
        for kind, px, py in items:
            label = names[kind] if kind not in seen else None
            seen.add(kind)
            _mark(ax, kind, px, py, label=label)
    handles = [h for ax in (left, right) for h in ax.get_lines() if not h.get_label().startswith("_")]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False)
    return fig


def plot_loss_slice(t, values, *, marks=(), xlabel=r"$t$", ylabel=r"loss $L$", title=None, logy=False, ax=None, figsize=(6.0, 3.0)):
    r"""A 1-D slice of a loss, with points ``marks`` (``(t, L, label)``)
    annotated.

    >>> fig = plot_loss_slice([0.0, 0.5, 1.0], [0.0, 1.0, 0.0], marks=[(0.0, 0.0, "A")])
    >>> fig.axes[0].texts[0].get_text()
    'A'
    """
    fig, ax = _figure_and_axes(ax, figsize)
    ax.plot(t, values, color=style.PALETTE["blue"])
    for tm, lm, text in marks:
        ax.plot([tm], [lm], "o", color=style.PALETTE["vermillion"], markersize=6)
        ax.annotate(text, (tm, lm), textcoords="offset points", xytext=(0, 9), ha="center", fontsize=9)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return fig
