r"""Chapter 5: the single neuron's forward/backward stepper and learning-rate explorer."""

import functools

import ipywidgets
import matplotlib
import numpy as np

from .. import neuron, plots, style
from ._explorable import _explorable, _slider_style

# -- chapter 5: one forward and backward pass through a neuron ------------------

NEURON_POSITIONS = {
    "W": (0.0, 1.0),
    "x": (0.0, -0.3),
    "u": (1.5, 0.35),
    "b": (1.5, -1.0),
    "yhat": (3.0, 0.35),
    "y": (3.0, 1.55),
    "r": (4.5, 0.35),
    "L": (6.0, 0.35),
}
NEURON_EDGES = [("W", "u"), ("x", "u"), ("u", "yhat"), ("b", "yhat"), ("yhat", "r"), ("y", "r"), ("r", "L")]


def neuron_pass_figure(step=1, W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""The neuron's computational graph at ``step`` (counted from 1, as a
    reader counts: step 1 shows the givens) of :func:`bpcore.neuron.pass_steps`.

    >>> fig = neuron_pass_figure(step=10)
    >>> any("2.15" in t.get_text() for t in fig.axes[0].texts), fig.axes[0].get_title(loc="left")
    (True, 'step 10 of 10')
    """
    stages = neuron.pass_steps(W=W, b=b, x=x, y=y, lr=lr)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= len(stages):
        raise ValueError(f"neuron_pass_figure: step must be an integer in 1..{len(stages)}, got {step!r}")
    stage = stages[int(step) - 1]
    return plots.plot_computation_graph(
        NEURON_POSITIONS, NEURON_EDGES, labels=stage["labels"], grads=stage["grads"],
        highlight=stage["highlight"], backward_edges=stage["backward_edges"],
        title=f"step {int(step)} of {len(stages)}", note=stage["note"], figsize=(7.0, 2.9),
    )


def neuron_pass_stepper(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""Step through one forward and backward pass of the single neuron,
    one intermediate value at a time."""
    stages = neuron.pass_steps(W=W, b=b, x=x, y=y, lr=lr)
    count = len(stages)
    controls = {"step": ipywidgets.IntSlider(value=1, min=1, max=count, step=1, description="step", **_slider_style())}
    figure = functools.partial(neuron_pass_figure, W=W, b=b, x=x, y=y, lr=lr)
    alts = [f"Computational graph of the neuron at step {i} of {count}: {stage['note']}" for i, stage in enumerate(stages, start=1)]
    return _explorable(
        figure, controls, [[controls["step"]]],
        scrub_name="step", scrub_values=range(1, count + 1),
        scrub_labels=[f"{i} of {count}: {stage['note'].split(':')[0]}" for i, stage in enumerate(stages, start=1)],
        caption="One forward and backward pass through the neuron ŷ = W·x + b with L = ½(y − ŷ)²: forward values in the boxes, gradients ∂L/∂· under them.",
        param_label="step", alts=alts,
        text="Forward/backward step-through: run the notebook in Jupyter to use the slider.",
    )


# -- chapter 5: learning rate and epochs -----------------------------------------

# The window of (W, b) the explorer shows: the worked example's start (2, -0.5),
# its line of minima W + b = 3 (x = 1, y = 3) and room for a diverging run.
_W_WINDOW = np.linspace(0.0, 4.5, 61)
_B_WINDOW = np.linspace(-2.0, 2.5, 61)
# Fixed margins (fast redraws). The left panel is square: 0.75 of 3.3 in
# high is 2.475 in, 0.344 of 7.2 in wide.
_LR_MARGINS = dict(left=0.08, right=0.985, bottom=0.15, top=0.9)
_LEFT_BOX = [0.09, 0.15, 0.344, 0.75]
_BAR_BOX = [0.45, 0.15, 0.014, 0.75]
_RIGHT_BOX = [0.68, 0.15, 0.305, 0.75]
# The loss panel's fixed log axis (runs compare frame by frame).
_LOSS_YLIM = (1e-10, 1e6)
# Added to the loss before its logarithm is contoured (the valley floor is 0).
_FLOOR = 1e-3


@functools.lru_cache(maxsize=8)
def _contours(x, y):
    return neuron.loss_grid(_W_WINDOW, _B_WINDOW, x=x, y=y)


def _descent_titles(lr, epochs, loss):
    final = loss[-1]
    if not np.isfinite(final) or final > loss[0]:
        status = "diverging"
    elif final == 0.0:
        status = "L = 0"
    else:
        status = f"L = {final:.4g}"   # 4 digits: the critical rate's 1.125 reads as in the text
    return f"learning rate η = {lr:g}", f"after {int(epochs)} epochs: {status}"


def learning_rate_figure(lr=0.1, epochs=20, W0=2.0, b0=-0.5, x=1.0, y=3.0):
    r"""Gradient descent on the single neuron for a learning rate: the path
    over the loss contours (left, equal axes, with the valley floor dashed
    and a colour bar) and the loss per epoch (right, fixed log
    axis so that runs compare frame by frame).

    >>> fig = learning_rate_figure(lr=1.05, epochs=10)
    >>> len(fig.axes), fig.axes[1].get_title()
    (3, 'after 10 epochs: diverging')
    """
    path, loss = neuron.descend(lr, epochs, W0=W0, b0=b0, x=x, y=y)
    fig, (left, right) = plots.new_figure(1, 2, figsize=(7.2, 3.3), margins=_LR_MARGINS)
    # Fixed places (fast redraws): a square contour panel (equal axes, so the
    # right angle between the steps and the valley shows), its colour bar,
    # then the loss curve.
    left.set_position(_LEFT_BOX)
    right.set_position(_RIGHT_BOX)
    WW, BB, LL = _contours(float(x), float(y))
    plots.plot_trajectory_2d(WW, BB, LL + _FLOOR, path, ax=left, levels=14, log=True, colorbar=False, xlabel="W", ylabel="b")
    # The valley floor W·x + b = y: every point of it has L = 0.
    left.plot(_W_WINDOW, y - _W_WINDOW * x, color="white", linestyle=(0, (4, 2)), linewidth=1.0, zorder=1.5)
    left.set_aspect("equal", adjustable="box")
    left.set_xlim(_W_WINDOW[0], _W_WINDOW[-1])
    left.set_ylim(_B_WINDOW[0], _B_WINDOW[-1])
    norm = matplotlib.colors.LogNorm(vmin=float(LL.min()) + _FLOOR, vmax=float(LL.max()) + _FLOOR)
    colour_bar = fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=style.CMAP), cax=fig.add_axes(_BAR_BOX))
    colour_bar.set_label("loss L")
    plots.plot_loss_curve(loss, ax=right, logy=True, ylim=_LOSS_YLIM, ylabel="loss L (log scale)")
    # A loss of exactly 0 (η = 1/λ_max lands on the valley) has no place on a
    # log axis: mark those epochs with a triangle on the bottom edge instead.
    right.plot(*_zero_losses(loss), "v", color=style.series(0)["color"], markersize=6, clip_on=False,
               label="L = 0 (below the log axis)", gid="zeros")
    right.legend(loc="upper right", frameon=True, framealpha=0.9, handletextpad=0.3).set_visible(bool(np.any(np.asarray(loss) == 0.0)))
    right.set_xlim(-0.5, int(epochs) + 0.5)
    left_title, right_title = _descent_titles(lr, epochs, loss)
    left.set_title(left_title)
    right.set_title(right_title)
    return fig


def _zero_losses(loss):
    """Epochs whose loss is exactly 0, placed on the bottom edge of the log axis."""
    epochs = np.flatnonzero(np.asarray(loss) == 0.0)
    return epochs, np.full(len(epochs), _LOSS_YLIM[0])


def _move_descent(fig, lr, epochs, W0, b0, x, y):
    left, right = fig.axes[:2]   # the third is the colour bar
    path, loss = neuron.descend(lr, epochs, W0=W0, b0=b0, x=x, y=y)
    left_title, right_title = _descent_titles(lr, epochs, loss)
    left.title.set_text(left_title)
    right.title.set_text(right_title)
    zeros, = [a for a in right.get_lines() if a.get_gid() == "zeros"]
    zeros.set_data(*_zero_losses(loss))
    legend = right.get_legend()
    legend.set_visible(bool(np.any(np.asarray(loss) == 0.0)))
    return [*plots.set_path(left, path), *plots.set_loss_curve(right, loss, logy=True), zeros, legend,
            left.title, right.title]


LEARNING_RATES = (0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 1.02, 1.05, 1.1)


def learning_rate_explorer(lr=0.1, epochs=20, W0=2.0, b0=-0.5, x=1.0, y=3.0):
    r"""Learning rate × epochs → trajectory and loss curve of the neuron."""
    controls = {
        "lr": ipywidgets.FloatSlider(value=lr, min=0.01, max=1.15, step=0.01, description="learning rate η", readout_format=".2f", **_slider_style()),
        "epochs": ipywidgets.IntSlider(value=epochs, min=1, max=60, step=1, description="epochs", **_slider_style()),
    }
    figure = functools.partial(learning_rate_figure, W0=W0, b0=b0, x=x, y=y)
    alts = [
        f"Gradient-descent path on the loss contours and loss per epoch for learning rate {v:g} over {epochs} epochs."
        for v in LEARNING_RATES
    ]
    return _explorable(
        figure, controls, [list(controls.values())],
        scrub_name="lr", scrub_values=LEARNING_RATES, scrub_labels=[f"η = {v:g}" for v in LEARNING_RATES],
        caption=(f"Gradient descent on the single neuron for {epochs} epochs: the path of (W, b) from the square over the "
                 "loss contours (left; equal axes, the dashed line is the valley floor W·x + b = y where L = 0, colour bar "
                 "on a log scale) and the loss per epoch (right). Every step moves along (x, 1), at a right angle to the valley."),
        param_label="learning rate η", alts=alts,
        text="Learning-rate explorer: run the notebook in Jupyter to move the sliders.",
        fast=({"lr"}, functools.partial(_move_descent, W0=W0, b0=b0, x=x, y=y)),
        frame_colors=64,   # the filled contours need more colours than line drawings
    )
