r"""Chapter 8: a network in training (decision boundaries, learning curves,
optimizer bands, learning-rate tests, overfitting, loss-landscape slices).

The numbers come from :mod:`bpcore.experiments` and :mod:`bpcore.landscape`;
these functions only draw them.
"""

import matplotlib.collections
import matplotlib.colors
import numpy as np

from .. import style
from ._figure import _figure_and_axes, new_figure

# Class 0 and class 1: colour *and* marker differ.
_CLASS_STYLE = [
    dict(color=style.PALETTE["blue"], marker="o", label="class 0"),
    dict(color=style.PALETTE["orange"], marker="s", label="class 1"),
]
# Probability shading in bands 0.1 wide: blue below p = 1/2 (class 0), orange
# above (class 1), deeper the surer the network. The boundary p = 1/2 is the
# edge between the two palest bands, so it is the only line there: a smooth map
# through white made the book's colour-quantised frames show a white stripe
# beside the boundary that read as a second one.
_PROBABILITY_LEVELS = np.linspace(0.0, 1.0, 11)


def _probability_band_colours(low="#9cc9e6", high="#f5cf80"):
    middles = (_PROBABILITY_LEVELS[:-1] + _PROBABILITY_LEVELS[1:]) / 2
    colours = []
    for m in middles:
        end = np.array(matplotlib.colors.to_rgb(low if m < 0.5 else high))
        share = 0.45 + 0.55 * (abs(m - 0.5) - 0.05) / 0.4    # 0.45 next to the boundary, 1 at p = 0 or 1
        colours.append(tuple(1.0 - share * (1.0 - end)))
    return colours


_PROBABILITY_CMAP = matplotlib.colors.ListedColormap(_probability_band_colours(), name="bp_probability")
_PROBABILITY_NORM = matplotlib.colors.BoundaryNorm(_PROBABILITY_LEVELS, _PROBABILITY_CMAP.N)
_LEGEND = dict(fontsize=9)


def _pixel_extent(xs, ys):
    """imshow extent that centres pixel (j, i) on the grid point (xs[i], ys[j]).

    >>> _pixel_extent(np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0]))
    (-0.5, 2.5, -1.0, 3.0)
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    dx = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else 0.5
    dy = (ys[-1] - ys[0]) / (len(ys) - 1) if len(ys) > 1 else 0.5
    return (float(xs[0] - dx / 2), float(xs[-1] + dx / 2), float(ys[0] - dy / 2), float(ys[-1] + dy / 2))


def _half_level(xs, ys, P):
    """The line segments of the level set p = 1/2 (the decision boundary)."""
    import contourpy   # a matplotlib dependency

    generator = contourpy.contour_generator(xs, ys, P, line_type=contourpy.LineType.Separate)
    return generator.lines(0.5)


def plot_decision_boundary(xs, ys, probability, X, labels, *, ax=None, title=None, legend=True, figsize=None):
    r"""A two-class network on the plane: its probability of class 1 as
    shading in bands 0.1 wide (blue below ½, orange above, deeper the surer),
    the decision boundary :math:`p_1 = \tfrac12` as a black line,
    and the data points (class 0 blue circles, class 1 orange squares).

    ``probability`` has shape ``(len(ys), len(xs))``, see
    :func:`bpcore.experiments.probability_grid`. :func:`set_decision_boundary`
    swaps in another probability grid without redrawing the rest.

    >>> xs = ys = np.linspace(-1, 1, 5)
    >>> P = np.clip(0.5 + 0.5 * np.add.outer(ys, xs), 0, 1)
    >>> fig = plot_decision_boundary(xs, ys, P, np.array([[0.5, 0.5], [-0.5, -0.5]]), np.array([1, 0]))
    >>> fig.axes[0].get_xlabel()
    '$x_1$'
    """
    fig, ax = _figure_and_axes(ax, figsize)
    P = np.asarray(probability, dtype=float)
    # imshow puts pixel *edges* at the extent: widen it by half a grid step so that
    # pixel centres sit on the grid points, where the boundary line is computed
    # (otherwise the shading's white p = 1/2 band is offset from the black line).
    ax.imshow(P, extent=_pixel_extent(xs, ys), origin="lower", aspect="auto", interpolation="bilinear",
              cmap=_PROBABILITY_CMAP, norm=_PROBABILITY_NORM, gid="probability")
    ax.add_collection(matplotlib.collections.LineCollection(_half_level(xs, ys, P), colors="black",
                                                            linewidths=1.8, gid="boundary"))
    X, labels = np.asarray(X), np.asarray(labels)
    for c, kw in enumerate(_CLASS_STYLE):
        pts = X[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=14, edgecolors="white", linewidths=0.4, gid=f"class:{c}", **kw)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.grid(False)
    if legend:
        ax.legend(loc="lower left", **_LEGEND, frameon=True, framealpha=0.9)
    if title is not None:
        ax.set_title(title)
    return fig


def set_decision_boundary(ax, xs, ys, probability):
    r"""Show another probability grid in a :func:`plot_decision_boundary`
    panel: new shading and boundary, same points. Returns the artists a
    widget must redraw, bottom to top (shading, boundary, points, legend).

    >>> xs = ys = np.linspace(-1, 1, 5)
    >>> fig = plot_decision_boundary(xs, ys, np.full((5, 5), 0.2), np.zeros((1, 2)), np.array([0]))
    >>> artists = set_decision_boundary(fig.axes[0], xs, ys, np.clip(0.5 + np.add.outer(ys, xs), 0, 1))
    >>> len(artists[1].get_segments())
    1
    """
    P = np.asarray(probability, dtype=float)
    (image,) = [a for a in ax.get_images() if a.get_gid() == "probability"]
    (boundary,) = [c for c in ax.collections if c.get_gid() == "boundary"]
    image.set_data(P)
    boundary.set_segments(_half_level(xs, ys, P))
    points = [c for c in ax.collections if str(c.get_gid()).startswith("class:")]
    return [image, boundary, *points, *([ax.get_legend()] if ax.get_legend() else [])]


def plot_learning_curves(run, *, epoch=None, axes=None, figsize=(7.4, 3.0)):
    r"""Loss (left) and accuracy (right) per epoch on the training set
    (dashed) and the validation set (solid), from
    :func:`bpcore.experiments.train_with_validation`.  ``epoch`` marks one
    epoch with a vertical line.

    >>> run = {k: np.array([0.7, 0.4, 0.3]) for k in ("train_loss", "val_loss")}
    >>> run.update({k: np.array([0.5, 0.8, 0.9]) for k in ("train_acc", "val_acc")})
    >>> fig = plot_learning_curves(run, epoch=1)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['cross-entropy loss', 'accuracy']
    """
    if axes is None:
        fig, axes = new_figure(1, 2, figsize=figsize)
    fig = axes[0].figure
    epochs = np.arange(len(run["train_loss"]))
    for ax, key, ylabel in ((axes[0], "loss", "cross-entropy loss"), (axes[1], "acc", "accuracy")):
        ax.plot(epochs, run[f"train_{key}"], "--", color=style.PALETTE["blue"], label="training")
        ax.plot(epochs, run[f"val_{key}"], "-", color=style.PALETTE["vermillion"], label="validation")
        if epoch is not None:
            ax.axvline(epoch, color="black", linewidth=1.0, linestyle=":")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
    axes[0].set_ylim(bottom=0.0)
    axes[1].set_ylim(0.4, 1.02)
    axes[1].legend(loc="lower right", **_LEGEND)
    return fig


_LINESTYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D")
_HATCHES = ("///", "\\\\\\", "...", "xx")


def plot_seed_bands(curves, *, ylabel="validation loss", logy=False, ax=None, figsize=(6.0, 3.2)):
    r"""Mean curve over seeds with a band from the smallest to the largest
    run, one per optimizer. ``curves`` maps a name to an array of shape
    ``(seeds, epochs + 1)``.

    Each band is hatched differently and edged in its mean curve's dash
    pattern, so bands are told apart without colour.

    >>> fig = plot_seed_bands({"SGD": np.array([[1.0, 0.5], [1.0, 0.7]])})
    >>> [line.get_label() for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    ['SGD']
    """
    fig, ax = _figure_and_axes(ax, figsize)
    for i, (name, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        epochs = np.arange(values.shape[1])
        colour, dashes = style.series(i)["color"], style.series(i)["linestyle"]
        # A band is told apart by its hatching and by its edges, drawn in the
        # mean curve's dash pattern, not by its colour alone.
        ax.fill_between(epochs, values.min(axis=0), values.max(axis=0), facecolor=matplotlib.colors.to_rgba(colour, 0.10),
                        edgecolor=matplotlib.colors.to_rgba(colour, 0.45), hatch=_HATCHES[i % 4], linewidth=0,
                        gid=f"band:{name}")
        for edge in (values.min(axis=0), values.max(axis=0)):
            ax.plot(epochs, edge, linestyle=dashes, color=colour, linewidth=0.7, alpha=0.7, gid=f"band-edge:{name}")
        ax.plot(epochs, values.mean(axis=0), linestyle=dashes, color=colour, label=name, linewidth=2.0,
                marker=_MARKERS[i % 4], markevery=(i * max(1, len(epochs) // 24), max(1, len(epochs) // 8)))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper right", **_LEGEND)
    return fig


def plot_lr_tests(range_rates, range_losses, range_smoothed, sweep_rates, sweep, *, bracket=None, figsize=(7.4, 3.1)):
    r"""Left: the range test, mini-batch loss (thin grey) and its smoothed
    version (blue, :func:`bpcore.experiments.smooth_losses`) against the rate
    used at that step. Right: the sweep, training (dashed) and validation
    (solid) loss after training at each fixed rate; diverged runs as ``x``
    at the top. ``bracket=(low, high)`` shades the workable rates the range
    test brackets (:func:`bpcore.experiments.range_test_bracket`).

    >>> sweep = {"train_loss": np.array([0.5, 0.3, np.inf]), "val_loss": np.array([0.5, 0.35, np.inf]),
    ...          "diverged": np.array([False, False, True])}
    >>> fig = plot_lr_tests([0.01, 0.1, 1.0], [0.7, 0.6, 0.9], [0.7, 0.65, 0.7], [0.01, 0.1, 1.0], sweep)
    >>> len(fig.axes)
    2
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    range_losses = np.asarray(range_losses, dtype=float)
    rates = np.asarray(range_rates, dtype=float)[:len(range_losses)]
    left.plot(rates, range_losses, color="0.65", linewidth=0.8, label="mini-batch loss")
    if bracket is not None:
        left.axvspan(float(bracket[0]), float(bracket[1]), facecolor="0.92", edgecolor="0.6", hatch="..",
                     linewidth=0.0, label="bracket", gid="bracket")
    left.plot(rates, range_smoothed, color=style.PALETTE["blue"], label="smoothed")
    left.set_xscale("log")
    left.set_ylim(0.0, 2.0 * float(np.asarray(range_smoothed)[0]))   # the blow-up at the end leaves the panel
    left.set_xlabel(r"learning rate $\eta$ at that step")
    left.set_ylabel("loss")
    left.set_title("range test (one run, rising rate)")
    left.legend(loc="upper center", **_LEGEND)     # above the curves: the loss only leaves the top at the end
    sweep_rates = np.asarray(sweep_rates, dtype=float)
    ok = ~np.asarray(sweep["diverged"], dtype=bool)
    right.plot(sweep_rates[ok], np.asarray(sweep["train_loss"])[ok], "--o", color=style.PALETTE["blue"], label="training")
    right.plot(sweep_rates[ok], np.asarray(sweep["val_loss"])[ok], "-s", color=style.PALETTE["vermillion"], label="validation")
    right.set_xscale("log")
    right.set_yscale("log")
    if (~ok).any():
        top = right.get_ylim()[1]
        right.plot(sweep_rates[~ok], np.full((~ok).sum(), top), "x", color="black", markersize=9,
                   markeredgewidth=2, label="diverged")
        right.set_ylim(top=top * 1.3)
    right.set_xlabel(r"learning rate $\eta$ (fixed)")
    right.set_ylabel("loss after training")
    right.set_title("sweep (one run per rate)")
    right.legend(loc="upper left", **_LEGEND)
    return fig


def plot_overfitting(small_data_run, large_data_run, val_by_rate, *, figsize=(7.4, 3.6)):
    r"""Left: training (dashed) and validation (solid) loss of the same
    network trained on few points (``small_data_run``) and on many
    (``large_data_run``), log axis. Right: validation loss of the few-points
    network for several learning rates (``val_by_rate`` maps a label to a
    curve), each with a dot at its lowest value.

    >>> run = {"train_loss": np.array([0.7, 0.1, 0.01]), "val_loss": np.array([0.7, 0.3, 0.6])}
    >>> fig = plot_overfitting(run, run, {"η = 0.01": run["val_loss"]})
    >>> fig.axes[1].get_title()
    'validation loss, few points'
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    for run, colour, name in ((small_data_run, style.PALETTE["vermillion"], "few points"),
                              (large_data_run, style.PALETTE["blue"], "many points")):
        epochs = np.arange(len(run["train_loss"]))
        left.plot(epochs, run["train_loss"], "--", color=colour, label=f"{name}: training")
        left.plot(epochs, run["val_loss"], "-", color=colour, label=f"{name}: validation")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("cross-entropy loss (log scale)")
    left.set_title("same network, different data")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower left", ncols=2, **_LEGEND)
    for i, (name, values) in enumerate(val_by_rate.items()):
        values = np.asarray(values, dtype=float)
        colour = style.CYCLE[[0, 2, 4, 6][i % 4]]
        epochs = np.arange(len(values))
        right.plot(epochs, values, _LINESTYLES[i % 4], color=colour, label=name)
        best = int(np.nanargmin(values))
        right.plot([best], [values[best]], _MARKERS[i % 4], color=colour, markersize=7, markeredgecolor="black")
    right.set_xlabel("epoch")
    right.set_ylabel("validation loss")
    right.set_title("validation loss, few points")
    right.legend(loc="upper left", **_LEGEND)
    return fig


def plot_landscape_slices(alphas, slice_train, slice_val, alphas_2d, betas_2d, slice_2d, *, slice_population=None,
                          population_label="fresh points", val_label="validation", figsize=(7.4, 3.1)):
    r"""Left: the loss along one filter-normalised random direction through
    the trained parameters (:math:`\alpha = 0`), on the training (dashed)
    and validation (solid) set. Right: contours of the training loss on the
    plane spanned by two such directions, log-spaced levels, the trained
    network marked with a star. ``slice_population`` adds the loss along the
    same line on a large fresh sample (dotted), the loss the validation
    curve estimates.

    >>> a = np.linspace(-1, 1, 5)
    >>> fig = plot_landscape_slices(a, a**2 + 0.1, a**2 + 0.2, a, a, np.add.outer(a**2, a**2) + 0.1)
    >>> fig.axes[0].get_xlabel()
    'step α along direction d₁'
    """
    fig, (left, right) = new_figure(1, 2, figsize=figsize)
    left.plot(alphas, slice_train, "--", color=style.PALETTE["blue"], label="training")
    left.plot(alphas, slice_val, "-", color=style.PALETTE["vermillion"], label=val_label)
    if slice_population is not None:
        left.plot(alphas, slice_population, ":", color="black", linewidth=2.0, label=population_label)
    left.set_yscale("log")
    left.set_xlabel("step α along direction d₁")
    left.set_ylabel("loss (log scale)")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncols=len(labels), **_LEGEND)   # never over the curves
    Z = np.asarray(slice_2d, dtype=float)
    levels = np.geomspace(Z.min(), Z.max(), 14)
    contours = right.contourf(alphas_2d, betas_2d, Z, levels=levels, cmap=style.CMAP,
                              norm=matplotlib.colors.LogNorm(vmin=Z.min(), vmax=Z.max()))
    right.contour(alphas_2d, betas_2d, Z, levels=levels, colors="white", linewidths=0.3, alpha=0.5)
    fig.colorbar(contours, ax=right, label="training loss", format="%.2g")
    right.plot([0.0], [0.0], "*", color=style.PALETTE["yellow"], markersize=13, markeredgecolor="black")
    right.set_xlabel("α (along d₁)")
    right.set_ylabel("β (along d₂)")
    right.grid(False)
    return fig
