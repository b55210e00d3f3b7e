r"""Chapter 3: learning rate × condition number on a quadratic bowl."""

import functools

import ipywidgets
import numpy as np

from .. import landscape, optim, plots, surfaces
from ._explorable import TWO_PANELS, _explorable, _slider_style

START = (-2.5, 1.5)
STEPS = 40


@functools.lru_cache(maxsize=16)
def _bowl(condition):
    f = surfaces.Quadratic(condition=condition, angle=0.0, scale=1.0)
    X, Y, Z = f.grid(51)
    return f, X, Y, Z


def _run(lr, condition):
    f, _, _, _ = _bowl(float(condition))
    path = landscape.descend(optim.SGD(lr), f.grad, START, STEPS)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = f.value(path)
    return f, path, loss


def _titles(lr, condition, loss):
    f, _, _, _ = _bowl(float(condition))
    bound = f.max_stable_lr
    status = "diverges" if not np.isfinite(loss[-1]) or loss[-1] > loss[0] else f"L = {loss[-1]:.2g} after {STEPS} steps"
    return f"κ = {f.condition:g}, η = {lr:g} (bound 2/λ_max = {bound:.3g})", status


def conditioning_figure(lr=0.15, condition=10.0):
    r"""Gradient descent from a fixed start on the bowl
    :math:`\tfrac12 (w_1^2 + \kappa w_2^2)`: the path over the contours (left)
    and the loss per step (right, fixed log axis).

    >>> fig = conditioning_figure(lr=0.25, condition=10)
    >>> fig.axes[1].get_title()
    'diverges'
    """
    f, path, loss = _run(float(lr), float(condition))
    _, X, Y, Z = _bowl(float(condition))
    fig, (left, right) = plots.new_figure(1, 2, figsize=(7.6, 3.1), margins=TWO_PANELS)
    plots.plot_trajectory_2d(X, Y, Z + 1e-3, path, ax=left, levels=14, log=True, colorbar=False,
                             xlabel=r"$w_1$ (flat direction)", ylabel=r"$w_2$ (steep)", minimum=(0.0, 0.0))
    plots.plot_loss_curve(loss, ax=right, logy=True, ylim=(1e-12, 1e4), xlabel="step", ylabel="loss L (log scale)")
    right.set_xlim(-0.5, STEPS + 0.5)
    left_title, right_title = _titles(float(lr), float(condition), loss)
    left.set_title(left_title)
    right.set_title(right_title)
    return fig


def _move(fig, lr, condition):
    left, right = fig.axes
    _, path, loss = _run(float(lr), float(condition))
    left_title, right_title = _titles(float(lr), float(condition), loss)
    left.title.set_text(left_title)
    right.title.set_text(right_title)
    return [*plots.set_path(left, path), *plots.set_loss_curve(right, loss, logy=True), left.title, right.title]


LEARNING_RATES = (0.02, 0.05, 0.1, 0.15, 0.18, 0.19, 0.2, 0.21)


def conditioning_explorer(lr=0.15, condition=10.0):
    r"""Learning rate × condition number → the path on the bowl and the loss curve."""
    controls = {
        "lr": ipywidgets.FloatSlider(value=lr, min=0.005, max=1.05, step=0.005, description="learning rate η", readout_format=".3f", **_slider_style()),
        "condition": ipywidgets.FloatSlider(value=condition, min=1.0, max=50.0, step=1.0, description="condition κ", readout_format=".0f", **_slider_style()),
    }
    alts = [f"Gradient descent with learning rate {v:g} on a bowl of condition number {condition:g}: "
            f"the path over the contours and the loss per step." for v in LEARNING_RATES]
    return _explorable(
        conditioning_figure, controls, [list(controls.values())],
        scrub_name="lr", scrub_values=LEARNING_RATES, scrub_labels=[f"η = {v:g}" for v in LEARNING_RATES],
        caption=f"Gradient descent for {STEPS} steps on the bowl ½(w₁² + κ w₂²) with κ = {condition:g} "
                f"(stable for η < 2/κ = {2 / condition:.3g}): the path (left) and the loss (right).",
        param_label="learning rate η", alts=alts,
        text="Conditioning explorer: run the notebook in Jupyter to move η and κ.",
        fast=({"lr"}, _move),
    )
