r"""Chapter 1: the loss explorer (a loss and its gradient against the prediction)."""

import functools

import ipywidgets
import numpy as np

from .. import loss_sweep, plots
from ._explorable import _explorable, _slider_style

# Two panels over a legend row (fixed margins: fast redraws, and the legend
# never covers a curve).
_MARGINS = dict(left=0.08, right=0.99, bottom=0.33, top=0.88, wspace=0.28)

# A slider asks for the same curves again and again. Only this module sees
# the cached arrays, and it never modifies them.
_cached_curves = functools.lru_cache(maxsize=32)(loss_sweep.curves)


def _loss_title(y_true, y_pred, task):
    symbol = "ŷ" if task == "regression" else "p"
    # a true minus sign (U+2212), as in the book's text
    return f"target y = {y_true:g}, prediction {symbol} = {y_pred:.2f}".replace("-", "\u2212")


def loss_explorer_figure(y_true=1.0, y_pred=0.0, task="regression"):
    r"""Every loss and its gradient against the prediction, with the current
    prediction marked (the numbers are :func:`bpcore.loss_sweep.curves` and
    :func:`bpcore.loss_sweep.values_at`).

    >>> fig = loss_explorer_figure(y_true=1, y_pred=0.3, task="classification")
    >>> fig.axes[1].get_ylabel()
    '∂L/∂z'
    """
    y_true, y_pred = float(y_true), float(y_pred)
    grid, curves, grads = _cached_curves(y_true, task)
    common = dict(y_true=y_true, y_pred=y_pred, at=loss_sweep.values_at(y_true, y_pred, task),
                  title=_loss_title(y_true, y_pred, task), figsize=(7.2, 3.7), margins=_MARGINS,
                  legend_loc="below")
    if task == "regression":
        return plots.plot_losses_vs_prediction(
            grid, curves, grads, loss_ylim=(-0.3, 9.0), grad_ylim=(-6.5, 6.5),
            xlabel="prediction ŷ", grad_ylabel="∂L/∂ŷ", **common)
    return plots.plot_losses_vs_prediction(
        grid, curves, grads, loss_ylim=(-0.2, 5.5), grad_ylim=(-1.1, 1.1),
        xlabel="predicted probability p = σ(z) of class 1", grad_ylabel="∂L/∂z", **common)


def _move_loss_prediction(fig, y_true, y_pred, task):
    y_true, y_pred = float(y_true), float(y_pred)
    return plots.move_prediction(fig, y_pred, loss_sweep.values_at(y_true, y_pred, task), _loss_title(y_true, y_pred, task))


def loss_explorer(task="regression", y_true=None, y_pred=None):
    r"""Pick a target, drag the prediction: each loss and its gradient.

    Regression compares squared, half squared, absolute and Huber losses;
    classification compares cross-entropy with squared error on the
    probability, with gradients taken through the sigmoid.
    """
    if task == "regression":
        y_true = 1.0 if y_true is None else y_true
        y_pred = -1.0 if y_pred is None else y_pred
        controls = {
            "y_true": ipywidgets.FloatSlider(value=y_true, min=-2.0, max=2.0, step=0.5, description="target y", **_slider_style()),
            "y_pred": ipywidgets.FloatSlider(value=y_pred, min=-3.0, max=3.0, step=0.05, description="prediction ŷ", **_slider_style()),
        }
        # 9 frames at 2x keep the chapter small; they include the default
        # prediction -1 and the target 1, so the first frame shown is the default.
        values = np.array([-3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0])
        caption = (f"Each regression loss (left) and its gradient ∂L/∂ŷ (right) against the prediction, for the target "
                   f"y = {y_true:g} (dotted line). Huber coincides with the half squared error while |y − ŷ| ≤ δ = 1, "
                   "so there one curve hides the other; beyond, its gradient stays at ±1 like the absolute error's. "
                   "The markers have a different shape per curve and nest where two values coincide; a triangle at "
                   "a panel's edge marks a value beyond the axis.")
        param_label = "prediction ŷ"
    else:
        y_true = 1.0 if y_true is None else y_true
        y_pred = 0.1 if y_pred is None else y_pred
        controls = {
            "y_true": ipywidgets.ToggleButtons(options=[0.0, 1.0], value=float(y_true), description="target y", style={"description_width": "initial"}),
            "y_pred": ipywidgets.FloatSlider(value=y_pred, min=0.01, max=0.99, step=0.01, description="prediction p", **_slider_style()),
        }
        values = np.round([0.01, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 0.99], 2)
        caption = (f"Cross-entropy and squared error on p (left) and their gradients with respect to the logit z "
                   f"(right), for the target y = {y_true:g}: as p moves away from the target, the cross-entropy "
                   "gradient grows towards ±1 while the squared error's shrinks back to 0.")
        param_label = "prediction p"
    labels = [f"{v:.2f}" for v in values]
    alts = [
        f"Loss curves and gradient curves against the prediction for target {y_true:g}; "
        f"the current prediction {v:.2f} is marked on every curve (a triangle at a panel's edge marks a value "
        "beyond the axis)."
        for v in values
    ]
    return _explorable(
        functools.partial(loss_explorer_figure, task=task),
        controls,
        [list(controls.values())],
        scrub_name="y_pred",
        scrub_values=values,
        scrub_labels=labels,
        caption=caption,
        param_label=param_label,
        alts=alts,
        text=f"Loss explorer ({task}): run the notebook in Jupyter to move the sliders.",
        fast=({"y_pred"}, functools.partial(_move_loss_prediction, task=task)),
    )
