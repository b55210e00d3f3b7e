"""bpcore.widgets: the numbers the explorers show, the three-way display
bundle (live widget / scrubber / PNG), and that redraws do not leak."""

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
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, "text/html", "image/png", "text/plain"}
    assert bundle[WIDGET_VIEW]["model_id"] == explorer.widget.model_id
    assert bundle["text/html"].startswith('<figure class="bp-scrubber"')
    slider = scrubber_input(bundle["text/html"])
    frames = json.loads(slider["data-frames"])
    assert 8 <= len(frames) <= 15 and len(set(frames)) == len(frames)
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


def test_neuron_pass_reproduces_the_worked_example():
    values = widgets.neuron_pass_steps()[-1]["values"]
    assert values["yhat"] == 1.5 and values["L"] == 1.125
    assert values["dL_dW"] == -1.5 and values["dL_db"] == -1.5
    assert values["W_new"] == pytest.approx(2.15) and values["b_new"] == pytest.approx(-0.35)


def test_neuron_gradient_agrees_with_autodiff():
    values = widgets.neuron_pass_steps(W=0.7, b=0.2, x=-1.3, y=0.4)[-1]["values"]
    dW = bp.grad(lambda W: bp.losses.half_mse(np.array(0.4), W * -1.3 + 0.2))(np.array(0.7))
    assert values["dL_dW"] == pytest.approx(float(dW), rel=1e-12)


def test_neuron_pass_stages_reveal_values_one_at_a_time():
    stages = widgets.neuron_pass_steps()
    revealed = [len(s["labels"]) + len(s["grads"]) for s in stages]
    assert revealed == sorted(revealed)
    with pytest.raises(ValueError, match="step must be in 0..9"):
        widgets.neuron_pass_figure(step=10)


@pytest.mark.parametrize("lr, behaviour", [(0.05, "slow"), (0.5, "one step"), (0.9, "converges"), (1.0, "oscillates"), (1.05, "diverges")])
def test_learning_rate_regimes_match_the_stability_bound(lr, behaviour):
    _, loss = widgets.neuron_descent(lr, 20)
    factor = (1 - 2 * lr) ** 2  # the residual is multiplied by 1 - 2*lr per step (x = 1)
    assert loss[1:] == pytest.approx(loss[:-1] * factor, rel=1e-9, abs=1e-300)
    if behaviour == "slow":
        assert 0.01 < loss[-1] < loss[0]
    elif behaviour == "one step":
        assert loss[1] == pytest.approx(0.0, abs=1e-24)
    elif behaviour == "converges":
        assert loss[-1] < 1e-3 * loss[0]
    elif behaviour == "oscillates":
        assert loss[-1] == pytest.approx(loss[0])
    else:
        assert loss[-1] > loss[0]


def test_loss_curves_gradients_match_finite_differences_of_the_losses():
    grid, curves, grads = widgets.loss_curves(0.5, "regression", points=241)
    for name in curves:
        numeric = np.gradient(curves[name], grid)
        smooth = np.abs(grid - 0.5) > 0.1  # away from MAE's kink
        # central differences are O(h) off where Huber's curvature jumps
        assert np.allclose(numeric[smooth][1:-1], grads[name][smooth][1:-1], atol=1e-2), name


def test_classification_gradient_through_the_sigmoid():
    grid, _, grads = widgets.loss_curves(1.0, "classification")
    assert np.allclose(grads["cross-entropy"], grid - 1.0)  # dBCE/dz = p - y
    assert np.allclose(grads["squared error on $p$"], 2 * (grid - 1.0) * grid * (1 - grid))


@pytest.mark.parametrize("kw, message", [({"task": "ranking"}, "task must be"), ({"y_true": 0.5, "task": "classification"}, "y_true 0 or 1")])
def test_loss_curves_reject_bad_arguments(kw, message):
    with pytest.raises(ValueError, match=message):
        widgets.loss_curves(kw.pop("y_true", 0.0), **kw)


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
    full = np.asarray(Image.open(io.BytesIO(bp.plots.figure_to_png(figure()))).convert("RGB"), dtype=int)
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003
