r"""Interactive figures for the chapters: sliders wired to ``bpcore.plots``.

Each explorer is one output that works in three places:

* in Jupyter/Binder (a live kernel) it is an ipywidgets UI: move a slider and
  the figure is recomputed;
* in the static HTML book it is a *scrubber* (:mod:`bpcore.scrubber`): the
  main slider steps through frames precomputed when the book was built;
* anywhere else (PDF, an untrusted viewer) it is a PNG of the default view.

That is done by :class:`Explorable`, whose ``_repr_mimebundle_`` offers all
three representations and lets the front end pick.

The module only wires: each figure comes from a ``*_figure`` function here
that takes its numbers from the numpy-only modules (:mod:`bpcore.loss_sweep`
for chapter 1, :mod:`bpcore.neuron` for chapter 5) and draws them with a
``bpcore.plots`` function, so every view can be drawn and tested without a
kernel, and every number can be computed without matplotlib.

>>> fig = loss_explorer_figure(y_true=1.0, y_pred=0.0)
>>> len(fig.axes)
2
"""

import base64
import functools

import ipywidgets
import numpy as np

from . import loss_sweep, neuron, plots, scrubber

__all__ = [
    "Explorable",
    "loss_explorer_figure",
    "loss_explorer",
    "neuron_pass_figure",
    "neuron_pass_stepper",
    "learning_rate_figure",
    "learning_rate_explorer",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Explorable:
    r"""A live ipywidget in a kernel, a scrubber in HTML, a PNG elsewhere.

    ``widget`` is the ipywidgets UI; ``html`` the static scrubber;
    ``png`` the default frame (bytes); ``text`` a plain-text description.
    ``controls`` maps a name to each slider and ``redraw()`` re-renders the
    live image (the benchmark times it).

    >>> e = Explorable(ipywidgets.HTML("live"), "<figure></figure>", b"\x89PNG", "a demo")
    >>> sorted(e._repr_mimebundle_())[:2]
    ['application/vnd.jupyter.widget-view+json', 'image/png']
    """

    def __init__(self, widget, html, png, text, controls=None, redraw=None):
        self.widget = widget
        self.html = html
        self.png = png
        self.text = text
        self.controls = dict(controls or {})
        self._redraw = redraw

    def redraw(self):
        """Re-render the live figure from the current slider values."""
        if self._redraw is not None:
            self._redraw()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {}
        view = self.widget._repr_mimebundle_() or {}
        if WIDGET_VIEW in view:
            bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        bundle["text/html"] = self.html
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = self.text
        return bundle


def _live(figure_function, controls, layout_rows, fast=None):
    """Wire ``controls`` to an Image showing ``figure_function(**values)``.

    ``fast = (names, mover)``: when only the controls in ``names`` changed,
    ``mover(fig, **values)`` updates the existing figure's artists in place
    (returning them) and only those are re-drawn (:class:`plots.FastRenderer`);
    any other change rebuilds the figure.
    """
    image = ipywidgets.Image(format="png")
    state = {"key": None, "renderer": None}

    def redraw(*_):
        values = {name: control.value for name, control in controls.items()}
        if fast is None:
            image.value = plots.figure_to_png(figure_function(**values))
            return
        names, mover = fast
        key = tuple(sorted((k, v) for k, v in values.items() if k not in names))
        if key == state["key"]:
            mover(state["renderer"].fig, **values)
        else:  # a structural change: draw from scratch, keep the background
            fig = figure_function(**values)
            state["key"], state["renderer"] = key, plots.FastRenderer(fig, mover(fig, **values))
        image.value = state["renderer"].png()

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    ui = ipywidgets.VBox([*[ipywidgets.HBox(row) for row in layout_rows], image])
    return ui, redraw


def _explorable(figure_function, controls, layout_rows, *, scrub_name, scrub_values, scrub_labels, caption, param_label, alts, text, fast=None):
    """Build the live UI plus the scrubber over ``scrub_name`` at the default
    values of every other control."""
    ui, redraw = _live(figure_function, controls, layout_rows, fast=fast)
    defaults = {name: control.value for name, control in controls.items()}
    scrub_values = list(scrub_values)
    start = defaults[scrub_name]
    initial = int(np.argmin([abs(float(v) - float(start)) for v in scrub_values]))
    html = scrubber.scrubber_from_figures(
        lambda value: figure_function(**{**defaults, scrub_name: value}),
        scrub_values,
        labels=scrub_labels,
        caption=caption,
        param_label=param_label,
        alts=alts,
        initial=initial,
    )
    png = plots.figure_to_png(figure_function(**defaults), colors=64)
    return Explorable(ui, html, png, text, controls=controls, redraw=redraw)


def _slider_style():
    return dict(continuous_update=True, style={"description_width": "initial"}, layout=ipywidgets.Layout(width="320px"))


# -- chapter 1: losses against the prediction ----------------------------------

_TWO_PANELS = dict(left=0.08, right=0.99, bottom=0.16, top=0.86, wspace=0.28)

# A slider asks for the same curves again and again. Only this module sees
# the cached arrays, and it never modifies them.
_cached_curves = functools.lru_cache(maxsize=32)(loss_sweep.curves)


def _loss_title(y_true, y_pred, task):
    symbol = "ŷ" if task == "regression" else "p"
    return f"target y = {y_true:g}, prediction {symbol} = {y_pred:.2f}"


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
                  title=_loss_title(y_true, y_pred, task), figsize=(7.4, 3.0), margins=_TWO_PANELS)
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
        values = np.round(np.linspace(-3.0, 3.0, 13), 2)
        caption = f"Each regression loss (left) and its gradient (right) against the prediction, for the target y = {y_true:g}."
        param_label = "prediction ŷ"
    else:
        y_true = 1.0 if y_true is None else y_true
        y_pred = 0.1 if y_pred is None else y_pred
        controls = {
            "y_true": ipywidgets.ToggleButtons(options=[0.0, 1.0], value=float(y_true), description="target y", style={"description_width": "initial"}),
            "y_pred": ipywidgets.FloatSlider(value=y_pred, min=0.01, max=0.99, step=0.01, description="prediction p", **_slider_style()),
        }
        values = np.round([0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99], 2)
        caption = f"Cross-entropy and squared error (left) and their gradients with respect to the logit z (right), for the target y = {y_true:g}."
        param_label = "prediction p"
    labels = [f"{v:.2f}" for v in values]
    alts = [
        f"Loss curves and gradient curves against the prediction for target {y_true:g}; "
        f"the current prediction {v:.2f} is marked on every curve."
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


def neuron_pass_figure(step=0, W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""The neuron's computational graph after ``step`` stages of
    :func:`bpcore.neuron.pass_steps`.

    >>> fig = neuron_pass_figure(step=9)
    >>> any("2.15" in t.get_text() for t in fig.axes[0].texts)
    True
    """
    stages = neuron.pass_steps(W=W, b=b, x=x, y=y, lr=lr)
    if not 0 <= int(step) < len(stages):
        raise ValueError(f"neuron_pass_figure: step must be in 0..{len(stages) - 1}, got {step!r}")
    stage = stages[int(step)]
    return plots.plot_computation_graph(
        NEURON_POSITIONS, NEURON_EDGES, labels=stage["labels"], grads=stage["grads"],
        highlight=stage["highlight"], backward_edges=stage["backward_edges"],
        title=f"step {int(step)} of {len(stages) - 1}", note=stage["note"], figsize=(7.0, 2.9),
    )


def neuron_pass_stepper(W=2.0, b=-0.5, x=1.0, y=3.0, lr=0.1):
    r"""Step through one forward and backward pass of the single neuron,
    one intermediate value at a time."""
    stages = neuron.pass_steps(W=W, b=b, x=x, y=y, lr=lr)
    last = len(stages) - 1
    controls = {"step": ipywidgets.IntSlider(value=0, min=0, max=last, step=1, description="step", **_slider_style())}
    figure = functools.partial(neuron_pass_figure, W=W, b=b, x=x, y=y, lr=lr)
    alts = [f"Computational graph of the neuron at step {i}: {stage['note']}" for i, stage in enumerate(stages)]
    return _explorable(
        figure, controls, [[controls["step"]]],
        scrub_name="step", scrub_values=range(last + 1),
        scrub_labels=[f"{i}: {stage['note'].split(':')[0]}" for i, stage in enumerate(stages)],
        caption="One forward and backward pass through the neuron ŷ = W·x + b with L = ½(y − ŷ)²: forward values in the boxes, gradients ∂L/∂· under them.",
        param_label="step", alts=alts,
        text="Forward/backward step-through: run the notebook in Jupyter to use the slider.",
    )


# -- chapter 5: learning rate and epochs -----------------------------------------

# The window of (W, b) the explorer shows: the worked example's start (2, -0.5),
# its line of minima W + b = 3 (x = 1, y = 3) and room for a diverging run.
_W_WINDOW = np.linspace(0.0, 4.5, 61)
_B_WINDOW = np.linspace(-2.0, 2.5, 61)


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
        status = f"L = {final:.3g}"
    return f"learning rate η = {lr:g}", f"after {int(epochs)} epochs: {status}"


def learning_rate_figure(lr=0.1, epochs=20, W0=2.0, b0=-0.5, x=1.0, y=3.0):
    r"""Gradient descent on the single neuron for a learning rate: the path
    over the loss contours (left) and the loss per epoch (right, fixed log
    axis so that runs compare frame by frame).

    >>> fig = learning_rate_figure(lr=1.05, epochs=10)
    >>> len(fig.axes), fig.axes[1].get_title()
    (2, 'after 10 epochs: diverging')
    """
    path, loss = neuron.descend(lr, epochs, W0=W0, b0=b0, x=x, y=y)
    fig, (left, right) = plots.new_figure(1, 2, figsize=(7.4, 3.0), margins=_TWO_PANELS)
    WW, BB, LL = _contours(float(x), float(y))
    plots.plot_trajectory_2d(WW, BB, LL + 1e-3, path, ax=left, levels=14, log=True, colorbar=False, xlabel="W", ylabel="b")
    plots.plot_loss_curve(loss, ax=right, logy=True, ylim=(1e-10, 1e6), ylabel="loss L (log scale)")
    right.set_xlim(-0.5, int(epochs) + 0.5)
    left_title, right_title = _descent_titles(lr, epochs, loss)
    left.set_title(left_title)
    right.set_title(right_title)
    return fig


def _move_descent(fig, lr, epochs, W0, b0, x, y):
    left, right = fig.axes
    path, loss = neuron.descend(lr, epochs, W0=W0, b0=b0, x=x, y=y)
    left_title, right_title = _descent_titles(lr, epochs, loss)
    left.title.set_text(left_title)
    right.title.set_text(right_title)
    return [*plots.set_path(left, path), *plots.set_loss_curve(right, loss, logy=True), left.title, right.title]


LEARNING_RATES = (0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0, 1.02, 1.05, 1.1)


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
        caption=f"Gradient descent on the single neuron for {epochs} epochs: the path of (W, b) over the loss contours (left) and the loss per epoch (right).",
        param_label="learning rate η", alts=alts,
        text="Learning-rate explorer: run the notebook in Jupyter to move the sliders.",
        fast=({"lr"}, functools.partial(_move_descent, W0=W0, b0=b0, x=x, y=y)),
    )
