"""The explorables of chapters 2 and 3: display bundle, scrubber, live redraws
that match the static figure, and a landscape that is recomputed."""

import io
import json

import numpy as np
import pytest
from PIL import Image

import bpcore as bp
from bpcore import widgets
from test_widgets import WIDGET_VIEW, scrubber_input


@pytest.fixture(scope="module")
def explorers():
    return {"fit": widgets.fit_explorer(), "conditioning": widgets.conditioning_explorer()}


@pytest.mark.parametrize("name", ["fit", "conditioning"])
def test_bundle_and_scrubber(explorers, name):
    bundle, _ = explorers[name]._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, "text/html", "image/png", "text/plain"}
    slider = scrubber_input(bundle["text/html"])
    frames = json.loads(slider["data-frames"])
    assert 8 <= len(frames) <= 15 and len(set(frames)) == len(frames)
    # Frames are 2x PNGs (sharp on high-density screens); a third of the
    # 2 MB page budget is the most one scrubber may take.
    assert len(bundle["text/html"]) < 650_000
    labels = json.loads(slider["data-labels"])
    assert labels[int(slider["value"])] == {"fit": "w = 0.5", "conditioning": "η = 0.15"}[name]


def _live(explorer):
    return np.asarray(Image.open(io.BytesIO(bytes(explorer.widget.children[-1].value))).convert("RGB"), dtype=int)


def _static(fig):
    return np.asarray(Image.open(io.BytesIO(bp.plots.figure_to_png(fig, dpi=fig.dpi))).convert("RGB"), dtype=int)


@pytest.mark.parametrize("name, changes, figure", [
    ("fit", {"w": 1.7, "b": -0.3}, lambda: widgets.fit_figure(w=1.7, b=-0.3)),
    ("fit", {"loss": "MAE", "w": 2.2}, lambda: widgets.fit_figure(w=2.2, b=1.0, loss="MAE")),
    ("conditioning", {"lr": 0.19}, lambda: widgets.conditioning_figure(lr=0.19, condition=10.0)),
    ("conditioning", {"condition": 30.0, "lr": 0.05}, lambda: widgets.conditioning_figure(lr=0.05, condition=30.0)),
])
def test_live_redraw_shows_the_static_figure(explorers, name, changes, figure):
    explorer = explorers[name]
    originals = {k: explorer.controls[k].value for k in changes}
    for k, v in changes.items():
        explorer.controls[k].value = v
    try:
        live = _live(explorer)
    finally:
        for k, v in originals.items():
            explorer.controls[k].value = v
    full = _static(figure())
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003


def test_fit_figure_reports_the_loss_of_bp_losses():
    x, y = widgets.landscape.FIT_DATA
    fig = widgets.fit_figure(w=1.3, b=0.2, loss="Huber (δ = 0.5)")
    expected = bp.losses.huber(y, 1.3 * x + 0.2, delta=0.5)
    assert fig.axes[1].get_title().endswith(f"L = {expected:.3f} at the dot")
    with pytest.raises(ValueError, match="loss must be one of"):
        widgets.fit_figure(loss="hinge")


def test_conditioning_figure_draws_the_descent_of_bp_landscape():
    fig = widgets.conditioning_figure(lr=0.1, condition=5.0)
    f = bp.surfaces.Quadratic(condition=5.0)
    path = bp.landscape.descend(bp.optim.SGD(0.1), f.grad, widgets.descent.START, widgets.descent.STEPS)
    line, = [a for a in fig.axes[0].get_lines() if a.get_gid() == "path:0"]
    np.testing.assert_allclose(line.get_xydata(), path)
    assert "2/λ_max = 0.4" in fig.axes[0].get_title()
