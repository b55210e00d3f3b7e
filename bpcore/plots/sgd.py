r"""Chapter 6 figures: gradient noise, cost of progress, the noise floor,
escaping a shallow minimum, and mini-batch paths over a loss landscape."""

import matplotlib
import numpy as np

from .. import style
from ._figure import _figure_and_axes, new_figure
from .landscapes import _clipped_path, plot_contour

#: Line styles and markers that tell curves apart without colour.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P")
COLOURS = tuple(style.PALETTE[c] for c in ("blue", "vermillion", "green", "purple", "black", "sky_blue"))


def plot_gradient_variance(batch_sizes, measured, predicted, naive, *, n=None, ax=None, figsize=(7.0, 3.4)):
    r"""Mini-batch gradient variance against the batch size on log-log axes:
    measured points, the prediction with the finite-population correction
    (line) and the uncorrected :math:`\sigma^2/B` (dashed).

    >>> fig = plot_gradient_variance([1, 2, 4], [4.0, 2.1, 0.9], [4.0, 2.0, 1.0], [4.0, 2.0, 1.0])
    >>> len(fig.axes[0].get_lines())
    3
    """
    fig, ax = _figure_and_axes(ax, figsize)
    B = np.asarray(batch_sizes, float)
    ax.plot(B, naive, "--", color=style.PALETTE["sky_blue"], label=r"$\sigma^2/B$ (no correction)")
    ax.plot(B, predicted, "-", color=style.PALETTE["blue"], label=r"$\frac{N-B}{N-1}\,\sigma^2/B$ (predicted)")
    ax.plot(B, measured, "o", color=style.PALETTE["vermillion"], markersize=7, markerfacecolor="none", markeredgewidth=1.6,
            label="measured (random batches)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("batch size $B$" + (f"  (N = {n})" if n is not None else ""))
    ax.set_ylabel(r"$\mathbb{E}\,\|g_B - \nabla L\|^2$")
    ax.legend(loc="lower left")
    return fig


def plot_cost_of_progress(runs, *, figsize=(7.4, 3.2)):
    r"""Excess loss :math:`L - L^*` of several runs against per-sample
    gradient evaluations (left) and against update steps (right), log axes.

    ``runs`` maps a label to ``(evals, excess_loss)``, index 0 being the start
    (0 evaluations, step 0), which a log axis cannot show: it is drawn as a
    dotted horizontal line. Step :math:`t` is drawn at :math:`x = t`, and each
    curve is a staircase, since the loss only changes at an update.

    >>> fig = plot_cost_of_progress({"B = 1": ([0, 1, 2], [1.0, 0.5, 0.2])})
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['per-sample gradient evaluations', 'update steps']
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    for k, (name, (evals, excess)) in enumerate(runs.items()):
        evals, excess = np.asarray(evals, float), np.asarray(excess, float)
        kw = dict(color=COLOURS[k % 6], linestyle=LINESTYLES[k % 6], label=name, linewidth=1.6)
        marker = dict(marker=MARKERS[k % 6], markersize=4, markevery=max(1, (len(evals) - 1) // 12))
        left.plot(evals[1:], excess[1:], drawstyle="steps-post", **kw, **marker)
        right.plot(np.arange(1, len(excess)), excess[1:], drawstyle="steps-post", **kw, **marker)
        if k == 0:
            for ax in (left, right):
                ax.axhline(excess[0], color="0.5", linestyle=":", linewidth=1.0, zorder=0)
                ax.annotate("start", (0.99, excess[0]), xycoords=("axes fraction", "data"), ha="right", va="bottom",
                            fontsize=8, color="0.4")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylabel(r"excess loss $L - L^*$")
    left.set_xlabel("per-sample gradient evaluations")
    right.set_xlabel("update steps")
    left.set_title("cost measured in computation")
    right.set_title("cost measured in steps")
    right.legend(loc="lower left")
    return fig


def plot_noise_floor(curves, *, window=None, ax=None, figsize=(7.0, 3.2)):
    r"""Excess loss against update steps for several schedules (log axes).
    ``curves`` maps a label to a sequence; ``window`` draws a running mean
    over that many steps on top of the faint raw curve.

    >>> fig = plot_noise_floor({"constant": [1.0, 0.5, 0.6, 0.5]}, window=2)
    >>> len(fig.axes[0].get_lines())
    2
    """
    fig, ax = _figure_and_axes(ax, figsize)
    for k, (name, values) in enumerate(curves.items()):
        v = np.asarray(values, float)
        t = np.arange(1, len(v) + 1)
        colour = COLOURS[k % 6]
        if window:
            ax.plot(t, v, color=colour, alpha=0.25, linewidth=0.6)
            kernel = np.ones(int(window)) / int(window)
            smooth = np.convolve(v, kernel, mode="valid")
            ax.plot(t[int(window) - 1:], smooth, color=colour, linestyle=LINESTYLES[k % 6], linewidth=2.0,
                    label=f"{name} (running mean)")
        else:
            ax.plot(t, v, color=colour, linestyle=LINESTYLES[k % 6], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("update step $t$")
    ax.set_ylabel(r"excess loss $L - L^*$")
    ax.legend(loc="lower left")
    return fig


def plot_escape(sample_paths, full_batch_path, batch_sizes, fractions, barrier, *, figsize=(7.4, 3.3)):
    r"""Left: :math:`\theta_t` against the step for a few SGD runs (thin)
    and full-batch GD (thick), with the barrier top dashed. Right: the
    fraction of seeds that ended in the deep well against the batch size.

    >>> fig = plot_escape([[1.5, 0.9]], [1.5, 0.9], [1, 2], [1.0, 0.0], 0.27)
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize, gridspec_kw={"width_ratios": [1.6, 1.0]})
    for k, path in enumerate(sample_paths):
        left.plot(np.arange(len(path)), path, color=COLOURS[(k % 3) + 1], linewidth=0.8, alpha=0.85,
                  linestyle=LINESTYLES[k % 3], label=f"SGD, B = 1, seed {k}")
    left.plot(np.arange(len(full_batch_path)), full_batch_path, color=style.PALETTE["blue"], linewidth=2.6,
              label="full-batch GD")
    left.axhline(barrier, color="black", linestyle="--", linewidth=1.0, label="barrier top")
    left.set_xlabel("update step")
    left.set_ylabel(r"parameter $\theta$")
    left.legend(loc="upper right", framealpha=0.9, frameon=True)
    left.set_ylim(-1.9, 2.6)
    B = np.asarray(batch_sizes)
    percent = np.asarray(fractions, float) * 100
    right.bar(np.arange(len(B)), percent, color=style.PALETTE["blue"], edgecolor="black")
    for k, p in enumerate(percent):   # the value on top, so a zero bar is visible too
        right.text(k, p + 2, f"{p:.0f}%", ha="center", va="bottom", fontsize=9)
    right.set_xticks(np.arange(len(B)), [str(int(b)) if k < len(B) - 1 else f"{int(b)}\n(full)" for k, b in enumerate(B)])
    right.set_xlabel("batch size $B$")
    right.set_ylabel("runs ending in the deep well (%)")
    right.set_ylim(0, 115)
    return fig


def plot_minibatch_paths(W, B, L, path, full_path, evals, excess, full_evals, full_excess, *, title=None, figsize=(7.4, 3.1), margins=None):
    r"""Left: a mini-batch SGD path (and the full-batch path, dashed) over the
    contours of a linear-regression loss in :math:`(w, b)`. Right: their excess
    loss against per-sample gradient evaluations.

    >>> W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5))
    >>> fig = plot_minibatch_paths(W, B, W**2 + B**2, [[1, 1], [0, 0]], [[1, 1], [0.5, 0.5]], [0, 4], [1.0, 0.1], [0, 4], [1.0, 0.5])
    >>> len(fig.axes)   # two panels and the contours' colour bar
    3
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize, margins=margins)
    plot_contour(W, B, L, ax=left, levels=14, log=True, colorbar=False)
    filled = next(c for c in left.collections if isinstance(c, matplotlib.contour.ContourSet) and c.filled)
    bar = fig.colorbar(filled, ax=left, fraction=0.06, pad=0.03)      # the contour levels, log-spaced
    bar.ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(numticks=6))
    bar.ax.yaxis.set_major_formatter(matplotlib.ticker.LogFormatterSciNotation())
    bar.ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    bar.set_label(r"$L - L^*$", labelpad=2)
    x_lim, y_lim = left.get_xlim(), left.get_ylim()
    fx, fy = _clipped_path(full_path, x_lim, y_lim)
    left.plot(fx, fy, "--s", color=style.PALETTE["black"], markersize=3.5, linewidth=1.4, label="full batch", gid="path:1")
    px, py = _clipped_path(path, x_lim, y_lim)
    left.plot(px, py, "-", color=style.PALETTE["vermillion"], linewidth=0.9, label="mini-batch", gid="path:0")
    left.set_xlim(*x_lim)
    left.set_ylim(*y_lim)
    left.legend(loc="lower left", frameon=True, framealpha=0.85)
    # index 0 is the start, at 0 evaluations: off a log axis, so each curve begins after the first step
    right.plot(np.asarray(full_evals)[1:], np.asarray(full_excess)[1:], "--s", color=style.PALETTE["black"], markersize=3.5,
               label="full batch", gid="curve:1")
    right.plot(np.asarray(evals)[1:], np.asarray(excess)[1:], "-", color=style.PALETTE["vermillion"], linewidth=1.0,
               label="mini-batch", gid="curve:0")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlim(1, 1.3 * max(np.asarray(evals)[-1], np.asarray(full_evals)[-1]))   # the same for every batch size
    right.set_xlabel("per-sample gradient evaluations")
    right.set_ylabel(r"excess loss $L - L^*$")
    right.legend(loc="lower left")
    if title:
        left.set_title(title)
    return fig
