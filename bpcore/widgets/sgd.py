r"""Chapter 6: batch size and learning rate -> mini-batch SGD paths on a
linear-regression landscape."""

import functools

import ipywidgets
import numpy as np

from .. import data, optim, plots, sgd
from ._explorable import TWO_PANELS, _explorable, _slider_style

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 256)
SCRUB_BATCH_SIZES = (1, 2, 8, 32, 64, 256)   # the static book's frames
_W_WINDOW = np.linspace(-1.0, 4.0, 81)
_B_WINDOW = np.linspace(-2.5, 2.5, 81)


@functools.lru_cache(maxsize=4)
def _problem(n, noise, seed):
    x, y = data.linear(n=n, w=2.0, b=-0.5, noise=noise, seed=seed)
    W, B, L = sgd.linreg_loss_grid(_W_WINDOW, _B_WINDOW, x, y)
    _, L_star = sgd.linreg_minimum(x, y)
    return x, y, W, B, L, L_star


def minibatch_paths_figure(batch_size=8, lr=0.1, epochs=3, start=(-0.5, 2.0), n=256, noise=0.5, seed=0):
    r"""Mini-batch SGD with ``batch_size`` and ``lr`` for ``epochs`` epochs on
    :math:`L(w, b) = \frac1N\sum_i (w x_i + b - y_i)^2` (data from
    :func:`bpcore.data.linear`), next to full-batch GD with the same rate
    and the same number of epochs.

    >>> fig = minibatch_paths_figure(batch_size=64, epochs=1)
    >>> len(fig.axes)   # two panels and the contours' colour bar
    3
    """
    W, B, L, L_star, mini, full = _runs(batch_size, lr, epochs, start, n, noise, seed)
    fig = plots.plot_minibatch_paths(
        W, B, L - L_star, mini["path"], full["path"], mini["evals"], mini["loss"] - L_star,
        full["evals"], full["loss"] - L_star, figsize=(7.4, 3.1), margins=dict(TWO_PANELS, right=0.96, wspace=0.5))
    left_title, right_title = _titles(batch_size, lr, epochs, mini, L_star)
    fig.axes[0].set_title(left_title)
    fig.axes[1].set_title(right_title)
    fig.axes[1].set_ylim(1e-5, 2e1)
    return fig


def _runs(batch_size, lr, epochs, start, n, noise, seed):
    x, y, W, B, L, L_star = _problem(int(n), float(noise), int(seed))
    mini = sgd.run_sgd(optim.SGD(lr), x, y, start, int(batch_size), int(epochs), seed=seed)
    full = sgd.run_sgd(optim.SGD(lr), x, y, start, len(x), int(epochs), seed=seed)
    return W, B, L, L_star, mini, full


def _titles(batch_size, lr, epochs, mini, L_star):
    steps = len(mini["path"]) - 1
    return (f"B = {int(batch_size)}, η = {lr:g}: {steps} steps in {int(epochs)} epochs",
            f"final excess loss {mini['loss'][-1] - L_star:.2e}")


def _move_minibatch(fig, batch_size, lr, epochs, start=(-0.5, 2.0), n=256, noise=0.5, seed=0):
    left, right = fig.axes[:2]
    _, _, _, L_star, mini, full = _runs(batch_size, lr, epochs, start, n, noise, seed)
    changed = []
    for index, run in enumerate((mini, full)):
        line, = [a for a in left.get_lines() if a.get_gid() == f"path:{index}"]
        px, py = plots.landscapes._clipped_path(run["path"], left.get_xlim(), left.get_ylim())
        line.set_data(px, py)
        curve, = [a for a in right.get_lines() if a.get_gid() == f"curve:{index}"]
        curve.set_data(run["evals"][1:], (run["loss"] - L_star)[1:])   # the start (0 evaluations) is off a log axis
        changed += [line, curve]
    left_title, right_title = _titles(batch_size, lr, epochs, mini, L_star)
    left.title.set_text(left_title)
    right.title.set_text(right_title)
    return [*changed, left.title, right.title]


def minibatch_explorer(batch_size=8, lr=0.1, epochs=3):
    r"""Batch size × learning rate → mini-batch SGD paths (scrubber over the batch size)."""
    controls = {
        "batch_size": ipywidgets.SelectionSlider(options=list(BATCH_SIZES), value=batch_size, description="batch size B",
                                                 **_slider_style()),
        "lr": ipywidgets.FloatLogSlider(value=lr, base=10, min=-2.5, max=-0.5, step=0.1, description="learning rate η",
                                        readout_format=".3f", **_slider_style()),
    }
    figure = functools.partial(minibatch_paths_figure, epochs=epochs)
    alts = [f"Mini-batch SGD with batch size {b} and learning rate {lr:g} over {epochs} epochs: its path over the "
            "loss contours and its excess loss against gradient evaluations, next to full-batch gradient descent."
            for b in SCRUB_BATCH_SIZES]
    return _explorable(
        figure, controls, [list(controls.values())],
        scrub_name="batch_size", scrub_values=SCRUB_BATCH_SIZES, scrub_labels=[f"B = {b}" for b in SCRUB_BATCH_SIZES],
        caption=f"Mini-batch SGD (solid) and full-batch GD (dashed) on a linear regression with 256 samples, "
                f"learning rate {lr:g}, {epochs} epochs each: paths over the contours of the excess loss (left), "
                "excess loss against per-sample gradient evaluations (right).",
        param_label="batch size B", alts=alts,
        text="Mini-batch explorer: run the notebook in Jupyter to move the sliders.",
        fast=({"batch_size", "lr"}, functools.partial(_move_minibatch, epochs=epochs)),
    )
