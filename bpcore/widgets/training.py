r"""Chapter 8: the decision boundary and the learning curves over training."""

import functools

import ipywidgets
import numpy as np

from .. import plots, style
from ._explorable import TWO_PANELS, _explorable, _slider_style

# The shared two-panel margins, with room for the left panel's y label.
_MARGINS = {**TWO_PANELS, "left": 0.09, "right": 0.97, "wspace": 0.3}


def training_progress_figure(epoch, frames, xs, ys, X, labels, run):
    r"""The network after ``epoch`` epochs: its decision boundary over the
    training data (left) and the loss curves with that epoch marked (right).

    ``frames`` maps an epoch to the class-1 probability grid of the network
    at the end of that epoch (:func:`bpcore.experiments.probability_grid`);
    ``run`` is :func:`bpcore.experiments.train_with_validation`'s result.

    >>> xs = ys = np.linspace(-1, 1, 5)
    >>> run = {"train_loss": np.array([0.7, 0.3]), "val_loss": np.array([0.7, 0.4])}
    >>> frames = {0: np.full((5, 5), 0.5), 1: np.clip(0.5 + np.add.outer(ys, xs), 0, 1)}
    >>> fig = training_progress_figure(1, frames, xs, ys, np.zeros((2, 2)), np.array([0, 1]), run)
    >>> fig.axes[0].get_title()
    'after 1 epoch'
    """
    epoch = int(epoch)
    if epoch not in frames:
        raise ValueError(f"training_progress_figure: epoch must be one of {sorted(frames)}, got {epoch!r}")
    fig, (left, right) = plots.new_figure(1, 2, figsize=(7.4, 3.2), margins=_MARGINS)
    plots.plot_decision_boundary(xs, ys, frames[epoch], X, labels, ax=left, title=_left_title(epoch))
    epochs = np.arange(len(run["train_loss"]))
    right.plot(epochs, run["train_loss"], "--", color=style.PALETTE["blue"], label="training")
    right.plot(epochs, run["val_loss"], "-", color=style.PALETTE["vermillion"], label="validation")
    right.axvline(epoch, color="black", linewidth=1.0, linestyle=":", gid="now")
    right.plot([epoch], [run["val_loss"][epoch]], "o", color=style.PALETTE["vermillion"], gid="now-marker")
    right.set_ylim(0.0, 1.05 * max(np.nanmax(run["train_loss"]), np.nanmax(run["val_loss"])))
    right.set_xlabel("epoch")
    right.set_ylabel("cross-entropy loss")
    right.set_title(_right_title(run, epoch))
    right.legend(loc="upper right", fontsize=9)
    return fig


def _left_title(epoch):
    return f"after {epoch} epoch{'' if epoch == 1 else 's'}"


def _right_title(run, epoch):
    return f"validation loss {run['val_loss'][epoch]:.3f}"


def _move_epoch(fig, epoch, frames, xs, ys, X, labels, run):
    """Show another epoch in a :func:`training_progress_figure` in place;
    returns the changed artists (the live widget redraws only those)."""
    left, right = fig.axes
    epoch = int(epoch)
    artists = plots.set_decision_boundary(left, xs, ys, frames[epoch])
    (now,) = [line for line in right.get_lines() if line.get_gid() == "now"]
    (marker,) = [line for line in right.get_lines() if line.get_gid() == "now-marker"]
    now.set_xdata([epoch, epoch])
    marker.set_data([epoch], [run["val_loss"][epoch]])
    left.title.set_text(_left_title(epoch))
    right.title.set_text(_right_title(run, epoch))
    return [*artists, now, marker, left.title, right.title]


def training_progress_explorer(frames, xs, ys, X, labels, run, epoch=None):
    r"""Scrub through training: decision boundary and loss curves after
    each recorded epoch."""
    epochs = sorted(frames)
    epoch = epochs[-1] if epoch is None else int(epoch)
    controls = {"epoch": ipywidgets.SelectionSlider(options=epochs, value=epoch, description="epoch", **_slider_style())}
    figure = functools.partial(training_progress_figure, frames=frames, xs=xs, ys=ys, X=X, labels=labels, run=run)
    alts = [f"Decision boundary of the network {_left_title(e)} over the training points, and the "
            f"training and validation loss curves with epoch {e} marked (validation loss {run['val_loss'][e]:.3f})."
            for e in epochs]
    return _explorable(
        figure, controls, [[controls["epoch"]]],
        scrub_name="epoch", scrub_values=epochs, scrub_labels=[f"epoch {e}" for e in epochs],
        caption="The network during training: its probability of class 1 (shading in bands 0.1 wide), the decision boundary "
                "p = ½ (black line) and the training points (left); the loss curves with the current epoch "
                "marked (right).",
        param_label="epoch", alts=alts,
        text="Training explorer: run the notebook in Jupyter to move the slider.",
        fast=({"epoch"}, functools.partial(_move_epoch, frames=frames, xs=xs, ys=ys, X=X, labels=labels, run=run)),
    )
