r"""Chapter 4: a two-layer network's forward/backward stepper and the
gradient-norm-against-depth explorer."""

import functools

import ipywidgets
import numpy as np

from .. import backprop, plots
from ._explorable import _explorable, _slider_style

# -- chapter 4: one forward and backward pass through a 2-layer network ----------

MLP_POSITIONS = {
    "W1": (0.0, 1.55),
    "x": (0.0, 0.0),
    "b1": (1.75, 1.55),
    "z": (1.75, 0.0),
    "h": (3.5, 0.0),
    "W2": (3.5, 1.55),
    "b2": (5.25, 1.55),
    "yhat": (5.25, 0.0),
    "y": (7.0, 1.55),
    "L": (7.0, 0.0),
}
_TOP_ROW = {"W1", "b1", "W2", "b2", "y"}   # their gradients are written above the box, the others' below
MLP_EDGES = [("x", "z"), ("W1", "z"), ("b1", "z"), ("z", "h"), ("h", "yhat"), ("W2", "yhat"), ("b2", "yhat"),
             ("yhat", "L"), ("y", "L")]


def mlp_pass_figure(step=1, **network):
    r"""The 2-layer network's graph after step ``step`` (1 to 11) of
    :func:`bpcore.backprop.mlp_pass_steps`; ``network`` overrides its
    inputs (``x y W1 b1 W2 b2``).

    >>> fig = mlp_pass_figure(step=11)
    >>> any(t.get_text().startswith("∂L/∂W₁") for t in fig.axes[0].texts)
    True
    """
    stages = backprop.mlp_pass_steps(**network)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 1 <= step <= len(stages):
        raise ValueError(f"mlp_pass_figure: step must be an integer in 1..{len(stages)}, got {step!r}")
    stage = stages[int(step) - 1]
    return plots.plot_network_pass(
        MLP_POSITIONS, MLP_EDGES, labels=stage["labels"], grads=stage["grads"], grads_above=_TOP_ROW,
        highlight=stage["highlight"], backward_edges=stage["backward_edges"],
        title=f"step {int(step)} of {len(stages)}", note=stage["note"],
    )


def mlp_pass_stepper(**network):
    r"""Step through one forward and backward pass of a 2 → 2 → 1 tanh
    network, one layer at a time: values in the boxes, gradients in orange next to them."""
    stages = backprop.mlp_pass_steps(**network)
    count = len(stages)
    controls = {"step": ipywidgets.IntSlider(value=1, min=1, max=count, step=1, description="step", **_slider_style())}
    figure = functools.partial(mlp_pass_figure, **network)
    alts = [f"Computational graph of the two-layer network at step {i} of {count}: {stage['note']}"
            for i, stage in enumerate(stages, start=1)]
    return _explorable(
        figure, controls, [[controls["step"]]],
        scrub_name="step", scrub_values=range(1, count + 1),
        scrub_labels=[f"{i}: {stage['note'].split(':')[0]}" for i, stage in enumerate(stages, start=1)],
        caption="One forward and one backward pass through x → z = xW₁ + b₁ → h = tanh z → ŷ = h·w₂ + b₂ → L = ½(ŷ − y)²: "
                "forward values in the boxes, gradients ∂L/∂· in orange next to them (above the top row, below the others).",
        param_label="step", alts=alts,
        text="Two-layer forward/backward stepper: run the notebook in Jupyter to use the slider.",
    )


# -- chapter 4: gradient norm against depth ----------------------------------------

GAINS = (0.25, 0.5, 0.75, 1.0, 1.25, 2 ** 0.5, 1.75, 2.0, 3.0, 4.0)
_REFERENCE_GAIN = {"sigmoid": 1.0, "tanh": 1.0, "relu": 2 ** 0.5}   # Xavier for sigmoid/tanh, He for relu
_REFERENCE_NAME = {"sigmoid": "Xavier (gain 1)", "tanh": "Xavier (gain 1)", "relu": "He (gain √2)"}


@functools.lru_cache(maxsize=64)
def _profile(activation, gain, depth):
    return backprop.layer_gradient_norms(activation, gain=gain, depth=depth)


def _gain_text(gain):
    return "√2" if abs(gain - 2 ** 0.5) < 1e-12 else f"{gain:g}"


def depth_figure(activation="tanh", gain=1.0, depth=20):
    r"""Gradient norm per layer (relative to the last layer) and the spread
    of the activations, for ``depth`` layers of ``activation`` with weights
    :math:`\mathcal N(0, \text{gain}^2/64)`; the Xavier (sigmoid, tanh) or He
    (relu) setting is drawn as a pale grey band for comparison.

    >>> fig = depth_figure("relu", 2 ** 0.5)
    >>> fig.axes[0].get_title()
    'gradient, backward'
    """
    result, title = _profile(activation, float(gain), int(depth)), _depth_title(activation, gain, depth)
    reference = _profile(activation, _REFERENCE_GAIN[activation], int(depth))
    return plots.plot_depth_profile(result["delta_norm"], result["activation_std"], title=title,
                                    reference=(reference["delta_norm"], reference["activation_std"]),
                                    reference_label=_REFERENCE_NAME[activation], limits=_depth_limits(activation, int(depth)))


@functools.lru_cache(maxsize=64)
def _depth_limits(activation, depth):
    """y ranges (whole decades) that hold the curves of the slider's gains, so that the fast
    redraw, which keeps the axes, does not clip a curve. The smallest and the largest gain bound
    the curves (both quantities grow with the gain), so only those two are computed."""
    extremes = [_profile(activation, g, depth) for g in (GAINS[0], GAINS[-1])]
    relative = np.concatenate([np.clip(r["delta_norm"] / r["delta_norm"][-1], 1e-300, 1e300) for r in extremes])
    spread = np.concatenate([r["activation_std"] for r in extremes])

    def decades(values):
        values = values[np.isfinite(values) & (values > 0)]
        return (10.0 ** np.floor(np.log10(min(values.min(), 0.1))), 10.0 ** np.ceil(np.log10(max(values.max(), 10.0))))
    return decades(relative), decades(spread)


def _depth_title(activation, gain, depth):
    result = _profile(activation, float(gain), int(depth))
    ratio = result["delta_norm"][0] / result["delta_norm"][-1]
    return (f"{activation}, gain {_gain_text(float(gain))}, {int(depth)} layers: "
            f"layer 1 gets {ratio:.1e} × the last layer's error signal ‖δ‖")


def _move_depth(fig, activation, gain, depth):
    """The gain slider only moves the current setting's curves (fast redraw)."""
    result = _profile(activation, float(gain), int(depth))
    return plots.set_depth_profile(fig, result["delta_norm"], result["activation_std"], _depth_title(activation, gain, depth))


def depth_explorer(activation="tanh", gain=1.0, depth=20):
    r"""Activation × initialisation gain × depth → gradient norm per layer."""
    controls = {
        "activation": ipywidgets.Dropdown(options=["sigmoid", "tanh", "relu"], value=activation, description="activation",
                                          style={"description_width": "initial"}),
        "gain": ipywidgets.SelectionSlider(options=[(_gain_text(g), g) for g in GAINS], value=min(GAINS, key=lambda g: abs(g - gain)),
                                           description="init gain", **_slider_style()),
        "depth": ipywidgets.IntSlider(value=depth, min=2, max=50, step=1, description="depth", **_slider_style()),
    }
    alts = [f"Gradient norm per layer and activation spread per layer for {depth} {activation} layers with gain {_gain_text(g)}."
            for g in GAINS]
    return _explorable(
        depth_figure, controls, [[controls["activation"], controls["gain"]], [controls["depth"]]],
        scrub_name="gain", scrub_values=GAINS, scrub_labels=[f"gain {_gain_text(g)}" for g in GAINS],
        caption=(f"{depth} {activation} layers of width 64, weights drawn with standard deviation gain/√64: the error "
                 f"signal ‖δ_ℓ‖ = ‖∂L/∂Z_ℓ‖ per layer relative to the last layer (left) and the spread of the activations (right); "
                 f"pale grey band: the {_REFERENCE_NAME[activation]} initialisation."),
        param_label="initialisation gain", alts=alts,
        text="Gradient-norm-against-depth explorer: run the notebook in Jupyter to move the sliders.",
        fast=({"gain"}, _move_depth),
    )
