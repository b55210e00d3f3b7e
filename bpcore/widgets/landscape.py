r"""Chapter 2: the fit explorer (a point on the loss landscape is a line through the data)."""

import functools

import ipywidgets
import numpy as np

from .. import data, landscape, losses, plots
from ._explorable import _explorable, _slider_style

#: The explorer's data (chapter 2's): 30 noisy points around y = 2x - 0.5 for x in [0, 2],
#: and its window of (w, b).  Inputs away from 0 couple w and b (tilted contours).
FIT_DATA = data.linear(30, w=2.0, b=-0.5, noise=0.3, seed=2, x_range=(0.0, 2.0))
W_WINDOW = np.linspace(-0.5, 4.5, 61)
B_WINDOW = np.linspace(-2.5, 1.5, 49)
LOSSES = {"MSE": losses.mse, "MAE": losses.mae, "Huber (δ = 0.5)": functools.partial(losses.huber, delta=0.5)}


def _landscape(loss_name):
    """The loss on the explorer's window: recomputed on every call (milliseconds, see bp.landscape.loss_grid)."""
    x, y = FIT_DATA
    L = landscape.loss_grid(LOSSES[loss_name], x, y, W_WINDOW, B_WINDOW)
    W, B = np.meshgrid(W_WINDOW, B_WINDOW)
    j, k = np.unravel_index(np.argmin(L), L.shape)
    return W, B, L, (W[j, k], B[j, k])


def _titles(w, b, loss_name):
    x, y = FIT_DATA
    value = float(np.asarray(landscape.loss_grid(LOSSES[loss_name], x, y, [w], [b])).ravel()[0])
    return f"the line ŷ = {w:.2f}·x + {b:.2f}", f"{loss_name} landscape: L = {value:.3f} at the dot"


def fit_figure(w=0.5, b=1.0, loss="MSE"):
    r"""Left: the data, the line :math:`\hat y = wx + b` and its residuals;
    right: the ``loss`` landscape over :math:`(w, b)` with the point
    :math:`(w, b)` and the grid's lowest point (star).

    >>> fig = fit_figure(w=2.0, b=-0.5)
    >>> fig.axes[1].get_title().startswith("MSE landscape")
    True
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    W, B, L, best = _landscape(loss)
    fig = plots.plot_fit_and_landscape(*FIT_DATA, float(w), float(b), W, B, L, minimum=best)
    left_title, right_title = _titles(float(w), float(b), loss)
    fig.axes[0].set_title(left_title)
    fig.axes[1].set_title(right_title)
    return fig


def _move_fit(fig, w, b, loss):
    left, right = fig.axes[:2]
    x, _ = FIT_DATA
    line, = [a for a in left.get_lines() if a.get_gid() == "line"]
    point, = [a for a in right.get_lines() if a.get_gid() == "point"]
    residuals, = [c for c in left.collections if c.get_gid() == "residuals"]
    grid = line.get_xdata()
    line.set_ydata(w * grid + b)
    point.set_data([w], [b])
    _, y = FIT_DATA
    residuals.set_segments([[(xi, yi), (xi, w * xi + b)] for xi, yi in zip(x, y)])
    left_title, right_title = _titles(w, b, loss)
    left.title.set_text(left_title)
    right.title.set_text(right_title)
    return [line, residuals, point, left.title, right.title]


#: The scrubber's frames: the slope w at the explorer's default b.
SLOPES = tuple(np.round(np.arange(0.0, 3.51, 0.25), 2))


def fit_explorer(w=0.5, b=1.0, loss="MSE"):
    r"""(w, b) sliders → the line through the data and the point on the loss landscape."""
    controls = {
        "w": ipywidgets.FloatSlider(value=w, min=-0.5, max=4.5, step=0.05, description="slope w", readout_format=".2f", **_slider_style()),
        "b": ipywidgets.FloatSlider(value=b, min=-2.5, max=1.5, step=0.05, description="intercept b", readout_format=".2f", **_slider_style()),
        "loss": ipywidgets.Dropdown(options=list(LOSSES), value=loss, description="loss"),
    }
    alts = [f"Left: the data with the line of slope {v:g} and intercept {b:g}; right: the {loss} contours over (w, b) "
            f"with a dot at ({v:g}, {b:g})." for v in SLOPES]
    return _explorable(
        fit_figure, controls, [[controls["w"], controls["b"]], [controls["loss"]]],
        scrub_name="w", scrub_values=SLOPES, scrub_labels=[f"w = {v:g}" for v in SLOPES],
        caption=f"One model, two views: the line ŷ = w·x + {b:g} through the data (left) and the point (w, {b:g}) "
                f"on the {loss} landscape (right; the star is the lowest point of the grid).",
        param_label="slope w", alts=alts,
        text="Fit explorer: run the notebook in Jupyter to move w and b and to change the loss.",
        fast=({"w", "b"}, _move_fit),
    )
