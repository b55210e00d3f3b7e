"""Figures and explorables of chapters 6 and 7: every figure renders without
pyplot, draws the numbers it is given, and the explorers offer the three-way
bundle with a fast live redraw that matches the static figure."""

import gc
import io
import weakref

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import bpcore as bp
from bpcore import plots, widgets


@pytest.fixture(autouse=True)
def book_style():
    with plots.style_context():
        yield
    assert plt.get_fignums() == []


def _bowl_paths():
    return {"GD": [[1.0, 1.0], [0.5, 0.2]], "Adam": [[1.0, 1.0], [0.9, 0.9]]}


FIGURES = {
    "gradient_variance": lambda: plots.plot_gradient_variance([1, 2, 4], [4.0, 2.0, 1.0], [4.0, 2.0, 1.0], [4.0, 2.0, 1.0], n=8),
    "cost_of_progress": lambda: plots.plot_cost_of_progress({"B = 1": ([0, 1, 2], [1.0, 0.5, 0.2]), "B = 2": ([0, 2], [1.0, 0.4])}),
    "noise_floor": lambda: plots.plot_noise_floor({"a": np.linspace(1, 0.1, 50)}, window=5),
    "escape": lambda: plots.plot_escape([[1.5, 0.9, -1.0]], [1.5, 0.9, 0.84], [1, 64], [1.0, 0.0], 0.27),
    "minibatch_paths": lambda: plots.plot_minibatch_paths(
        *np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5)), 0.1 + np.add.outer(np.linspace(-1, 1, 5) ** 2, np.linspace(-1, 1, 5) ** 2),
        [[1, 1], [0, 0]], [[1, 1], [0.5, 0.5]], [0, 4], [1.0, 0.1], [0, 4], [1.0, 0.5]),
    "race": lambda: plots.plot_race(bp.surfaces.Quadratic(), _bowl_paths()),
    "races": lambda: plots.plot_races([("bowl", bp.surfaces.Quadratic(), _bowl_paths())] * 4),
    "momentum_rates": lambda: plots.plot_momentum_rates([10, 100], [0.5, 0.8], [0.5, 0.8], [0.8, 0.98], [0.8, 0.98]),
    "step_sizes": lambda: plots.plot_step_sizes({"Adagrad": [0.1, 0.07], "Adam": [0.1, 0.1]}, 0.1),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_renders_unmanaged_and_is_freed(name):
    fig = FIGURES[name]()
    assert isinstance(fig, Figure)
    assert plots.figure_to_png(fig).startswith(b"\x89PNG")
    ref = weakref.ref(fig)
    del fig
    gc.collect()
    assert ref() is None


def test_race_paths_are_cut_where_they_leave_the_window_for_good():
    fig = plots.plot_race(bp.surfaces.Quadratic(), {"GD": [[1.0, 1.0], [2.0, 2.0], [50.0, 50.0], [1e300, 1e300]],
                                                     "Adam": [[1.0, 1.0], [1.0, 9.0], [0.5, 0.5]]})
    ax = fig.axes[0]
    line, cross = ([a for a in ax.get_lines() if a.get_gid() == f"{kind}:0"][0] for kind in ("path", "exit"))
    assert line.get_xydata().tolist() == [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]   # the window is [-3, 3]²
    assert cross.get_xydata().tolist() == [[3.0, 3.0]]
    line, cross = ([a for a in ax.get_lines() if a.get_gid() == f"{kind}:1"][0] for kind in ("path", "exit"))
    assert line.get_xydata().tolist() == [[1.0, 1.0], [1.0, 3.0], [0.5, 0.5]]   # an overshoot is clipped
    assert len(cross.get_xydata()) == 0


def test_step_sizes_are_drawn_relative_to_the_learning_rate():
    fig = plots.plot_step_sizes({"Adam": [0.2, 0.2, 0.2]}, 0.1)
    assert fig.axes[0].get_lines()[0].get_ydata().tolist() == [2.0, 2.0, 2.0]


def test_gradient_variance_marks_the_measured_values():
    fig = plots.plot_gradient_variance([1, 2], [3.0, 1.4], [3.0, 1.5], [3.0, 1.5])
    measured = [l for l in fig.axes[0].get_lines() if l.get_label().startswith("measured")][0]
    assert measured.get_ydata().tolist() == [3.0, 1.4]


def test_minibatch_figure_draws_bpcore_sgd_runs():
    fig = widgets.minibatch_paths_figure(batch_size=64, lr=0.1, epochs=1)
    x, y = bp.data.linear(n=256, w=2.0, b=-0.5, noise=0.5, seed=0)
    run = bp.sgd.run_sgd(bp.optim.SGD(0.1), x, y, (-0.5, 2.0), 64, 1, seed=0)
    (line,) = [a for a in fig.axes[0].get_lines() if a.get_gid() == "path:0"]
    np.testing.assert_allclose(line.get_xydata(), run["path"])


@pytest.fixture(scope="module")
def explorers():
    with plots.style_context():
        return {"minibatch": widgets.minibatch_explorer(), "race": widgets.optimizer_race_explorer()}


@pytest.mark.parametrize("name", ["minibatch", "race"])
def test_bundle_offers_live_view_scrubber_png_and_text(explorers, name):
    bundle, _ = explorers[name]._repr_mimebundle_()
    assert {"text/html", "image/png", "text/plain"} <= set(bundle)
    assert 'class="bp-scrubber"' in bundle["text/html"] and 'type="range"' in bundle["text/html"]
    assert len(bundle["text/html"]) < 400_000


@pytest.mark.parametrize("name, control, value, figure", [
    ("race", "lr", 0.3, lambda: widgets.optimizer_race_figure(lr=0.3)),
    ("minibatch", "batch_size", 64, lambda: widgets.minibatch_paths_figure(batch_size=64)),
    ("minibatch", "lr", 10**-0.7, lambda: widgets.minibatch_paths_figure(lr=10**-0.7)),
])
def test_fast_redraw_matches_the_static_figure(explorers, name, control, value, figure):
    from PIL import Image

    explorer = explorers[name]
    slider = explorer.controls[control]
    original = slider.value
    slider.value = value
    try:
        live = np.asarray(Image.open(io.BytesIO(bytes(explorer.widget.children[-1].value))).convert("RGB"), dtype=int)
    finally:
        slider.value = original
    with plots.style_context():
        full = np.asarray(Image.open(io.BytesIO(plots.figure_to_png(fig := figure(), dpi=fig.dpi))).convert("RGB"), dtype=int)
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003


def test_race_figure_rejects_an_unknown_surface():
    with pytest.raises(ValueError, match="surface"):
        widgets.optimizer_race_figure(surface="moon")
