"""bpcore.widgets: the three-way display bundle (live widget / scrubber /
PNG), that the figures draw the numbers of bpcore.neuron and
bpcore.loss_sweep (tested in test_neuron.py and test_loss_sweep.py), and that
redraws do not leak."""

import gc
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
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def scrubber_input(html):
    parser = _Inputs()
    parser.feed(html)
    (slider,) = [a for t, a in parser.tags if t == "input"]
    assert parser.tags[0] == ("figure", parser.tags[0][1]) and parser.tags[0][1]["class"] == "bp-scrubber"
    return slider


@pytest.fixture(scope="module")
def explorers():
    return {
        "regression": widgets.loss_explorer(),
        "classification": widgets.loss_explorer("classification"),
        "neuron": widgets.neuron_pass_stepper(),
        "learning_rate": widgets.learning_rate_explorer(),
    }


@pytest.mark.parametrize("name", ["regression", "classification", "neuron", "learning_rate"])
def test_bundle_offers_live_view_scrubber_png_and_text(explorers, name):
    explorer = explorers[name]
    bundle, metadata = explorer._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, "text/html", "image/png", "text/plain"}
    assert metadata["image/png"]["width"] >= 600  # shown at the layout size, rendered at 2x
    assert bundle[WIDGET_VIEW]["model_id"] == explorer.widget.model_id
    assert bundle["text/html"].startswith('<figure class="bp-scrubber"')
    slider = scrubber_input(bundle["text/html"])
    frames = json.loads(slider["data-frames"])
    assert 8 <= len(frames) <= 15 and len(set(frames)) == len(frames)
    # Frames are rendered at twice the width the page shows them at.
    import base64
    import re

    shown = int(re.search(r'<img [^>]*width="(\d+)"', bundle["text/html"]).group(1))
    first = base64.b64decode(frames[0].split(",", 1)[1])
    assert int.from_bytes(first[16:20], "big") >= 2 * shown - 1 and shown >= 600
    assert len(bundle["text/html"]) < 400_000  # keeps the notebooks small
    assert isinstance(bundle["image/png"], str) and bundle["text/plain"]


@pytest.mark.parametrize("name", ["regression", "learning_rate"])
def test_moving_a_slider_redraws_the_live_image(explorers, name):
    explorer = explorers[name]
    image = explorer.widget.children[-1]
    before = bytes(image.value)
    main = explorer.controls["y_pred" if name == "regression" else "lr"]
    original = main.value
    main.value = main.min + 2 * main.step
    try:
        after = bytes(image.value)
        assert after != before and after.startswith(b"\x89PNG")
    finally:
        main.value = original
    assert bytes(image.value) == before


def test_redraws_do_not_accumulate_figures(explorers):
    explorer = explorers["regression"]
    slider = explorer.controls["y_pred"]

    def live_figures():
        gc.collect()
        return sum(issubclass(type(o), Figure) for o in gc.get_objects())

    slider.value = -2.0
    baseline = live_figures()
    for value in np.linspace(-2.5, 2.5, 15):
        slider.value = float(value)
    assert live_figures() <= baseline


def test_scrubber_starts_at_the_widget_default(explorers):
    slider = scrubber_input(explorers["learning_rate"].html)
    labels = json.loads(slider["data-labels"])
    assert labels[int(slider["value"])] == "η = 0.1"


def test_neuron_pass_figure_shows_the_stages_of_bpcore_neuron():
    """The figure only draws bp.neuron.pass_steps (whose numbers test_neuron.py checks)."""
    last = bp.neuron.pass_steps()[-1]
    fig = widgets.neuron_pass_figure(step=10)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert last["labels"]["W"] in texts and last["grads"]["W"] in texts
    assert fig.axes[0].get_title(loc="left") == "step 10 of 10"   # readers count from 1
    for bad in (0, 11):
        with pytest.raises(ValueError, match="step must be an integer in 1..10"):
            widgets.neuron_pass_figure(step=bad)


def test_learning_rate_figure_has_equal_axes_and_a_colour_bar():
    fig = widgets.learning_rate_figure(lr=0.3, epochs=5)
    assert fig.axes[0].get_aspect() == 1.0
    assert len(fig.axes) == 3 and fig.axes[2].get_ylabel() == "loss L"


def test_learning_rate_figure_draws_the_descent_of_bpcore_neuron():
    path, loss = bp.neuron.descend(0.3, 5)
    left, right = widgets.learning_rate_figure(lr=0.3, epochs=5).axes[:2]
    assert any(np.array_equal(np.column_stack(line.get_data()), path) for line in left.get_lines())
    assert any(np.allclose(line.get_ydata(), loss) for line in right.get_lines())


def test_loss_explorer_marks_the_exact_values_of_bpcore_loss_sweep():
    at = bp.loss_sweep.values_at(1.0, 0.3, "classification")
    fig = widgets.loss_explorer_figure(1.0, 0.3, "classification")
    marked = {(float(x), float(y)) for ax in fig.axes for line in ax.get_lines() for x, y in zip(line.get_xdata(), line.get_ydata())}
    for loss_value, grad_value in at.values():
        assert any(x == 0.3 and y == pytest.approx(loss_value) for x, y in marked)
        assert any(x == 0.3 and y == pytest.approx(grad_value) for x, y in marked)


@pytest.mark.parametrize("name, control, value, figure", [
    ("regression", "y_pred", 1.7, lambda: widgets.loss_explorer_figure(1.0, 1.7)),
    ("classification", "y_pred", 0.8, lambda: widgets.loss_explorer_figure(1.0, 0.8, "classification")),
    ("learning_rate", "lr", 1.05, lambda: widgets.learning_rate_figure(1.05, 20)),
])
def test_fast_live_redraw_shows_the_same_picture_as_the_static_figure(explorers, name, control, value, figure):
    """The live widget only moves artists (blitting); it must end up showing
    what the full figure function draws for the same values."""
    import io

    from PIL import Image

    explorer = explorers[name]
    slider = explorer.controls[control]
    original = slider.value
    slider.value = value
    try:
        live = np.asarray(Image.open(io.BytesIO(bytes(explorer.widget.children[-1].value))).convert("RGB"), dtype=int)
    finally:
        slider.value = original
    static = figure()
    full = np.asarray(Image.open(io.BytesIO(bp.plots.figure_to_png(static, dpi=static.dpi))).convert("RGB"), dtype=int)
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003


def test_learning_rate_figure_marks_zero_losses_on_the_bottom_edge():
    _, loss = bp.neuron.descend(0.5, 6)                 # η = 1/λ_max lands on the valley in one step
    assert loss[0] > 0 and np.all(loss[1:] == 0.0)
    right = widgets.learning_rate_figure(lr=0.5, epochs=6).axes[1]
    zeros, = [line for line in right.get_lines() if line.get_gid() == "zeros"]
    assert zeros.get_xdata().tolist() == [1, 2, 3, 4, 5, 6]
    assert set(zeros.get_ydata()) == {right.get_ylim()[0]}
    assert right.get_legend().get_visible()
    assert not widgets.learning_rate_figure(lr=0.3, epochs=6).axes[1].get_legend().get_visible()


def test_learning_rate_title_shows_the_critical_loss_as_in_the_text():
    assert widgets.learning_rate_figure(lr=1.0, epochs=20).axes[1].get_title() == "after 20 epochs: L = 1.125"
