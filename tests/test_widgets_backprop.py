"""Chapter 4's figures and explorables: they draw the numbers of
bpcore.backprop (tested in test_backprop.py), offer the three-way bundle,
stay small, and redraw fast enough for a slider."""

import json
from html.parser import HTMLParser

import numpy as np
import pytest
from matplotlib.figure import Figure

import bpcore as bp
from bpcore import widgets

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))


@pytest.fixture(scope="module")
def explorers():
    return {"stepper": widgets.mlp_pass_stepper(), "depth": widgets.depth_explorer()}


@pytest.mark.parametrize("name", ["stepper", "depth"])
def test_bundle_offers_live_view_scrubber_png_and_text(explorers, name):
    bundle, _ = explorers[name]._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, "text/html", "image/png", "text/plain"}
    assert bundle["text/html"].startswith('<figure class="bp-scrubber"')
    parser = _Inputs()
    parser.feed(bundle["text/html"])
    (slider,) = parser.inputs
    frames = json.loads(slider["data-frames"])
    assert 8 <= len(frames) <= 15 and len(set(frames)) == len(frames)
    assert len(bundle["text/html"]) < 400_000


def test_stepper_counts_steps_from_one_and_starts_at_step_one(explorers):
    parser = _Inputs()
    parser.feed(explorers["stepper"].html)
    (slider,) = parser.inputs
    labels = json.loads(slider["data-labels"])
    assert labels[0].startswith("1: Given") and labels[-1].startswith("11: Done")
    assert int(slider["value"]) == 0   # the first frame is step 1
    assert explorers["stepper"].controls["step"].min == 1


def test_stepper_figure_shows_the_gradients_of_bpcore_backprop():
    last = bp.backprop.mlp_pass_steps()[-1]
    texts = [t.get_text() for t in widgets.mlp_pass_figure(step=11).axes[0].texts]
    for node in ("W1", "b1", "W2", "b2", "z", "h", "yhat"):
        assert last["grads"][node] in texts
    for bad in (0, 12, 1.5, True):
        with pytest.raises(ValueError, match="step must be an integer in 1..11"):
            widgets.mlp_pass_figure(step=bad)


def test_depth_figure_draws_the_norms_of_bpcore_backprop():
    result = bp.backprop.layer_gradient_norms("sigmoid", gain=2.0, depth=12)
    left, right = widgets.depth_figure("sigmoid", 2.0, depth=12).axes
    expected = result["delta_norm"] / result["delta_norm"][-1]
    assert any(np.allclose(line.get_ydata(), expected) for line in left.get_lines())
    assert any(np.allclose(line.get_ydata(), result["activation_std"]) for line in right.get_lines())


def test_depth_explorer_scrubs_over_the_gains_and_starts_at_the_default(explorers):
    parser = _Inputs()
    parser.feed(explorers["depth"].html)
    (slider,) = parser.inputs
    labels = json.loads(slider["data-labels"])
    assert labels[int(slider["value"])] == "gain 1"
    assert "gain √2" in labels


@pytest.mark.parametrize("name, control, value", [("stepper", "step", 7), ("depth", "gain", 2.0), ("depth", "activation", "relu")])
def test_moving_a_control_redraws(explorers, name, control, value):
    # (how fast is benchmarks/bench_backprop.py's business: no timing here)
    explorer = explorers[name]
    image = explorer.widget.children[-1]
    before = bytes(image.value)
    widget = explorer.controls[control]
    original = widget.value
    widget.value = value
    try:
        assert bytes(image.value) != before and bytes(image.value).startswith(b"\x89PNG")
    finally:
        widget.value = original


@pytest.mark.parametrize("make", [
    lambda: bp.plots.plot_series([1, 10, 100], {"a": [1, 2, 3], "b": [3, 2, 1]}, logx=True, logy=True, vlines={"ref": 10}),
    lambda: bp.plots.plot_layer_gradients({"tanh": {"g1": [0.5, 1.0]}, "relu": {"g1": [0.1, 1.0]}}),
    lambda: bp.plots.plot_depth_profile([0.1, 1.0], [0.5, 0.4], reference=([1.0, 1.0], [0.5, 0.5]), reference_label="He"),
    lambda: bp.plots.plot_network_pass({"a": (0, 0), "b": (1, 1)}, [("a", "b")], labels={"a": "a = 1"}, grads={"b": "g"}, grads_above={"b"}),
])
def test_chapter4_plots_return_figures_that_render(make):
    fig = make()
    assert isinstance(fig, Figure)
    assert bp.plots.figure_to_png(fig).startswith(b"\x89PNG")
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_fast_gain_redraw_shows_the_same_picture_as_the_static_figure(explorers):
    import io

    from PIL import Image

    explorer = explorers["depth"]
    slider = explorer.controls["gain"]
    original = slider.value
    slider.value = 2.0
    try:
        live = np.asarray(Image.open(io.BytesIO(bytes(explorer.widget.children[-1].value))).convert("RGB"), dtype=int)
    finally:
        slider.value = original
    full = np.asarray(Image.open(io.BytesIO(bp.plots.figure_to_png(depth_fig := widgets.depth_figure("tanh", 2.0), dpi=depth_fig.dpi))).convert("RGB"), dtype=int)
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003
