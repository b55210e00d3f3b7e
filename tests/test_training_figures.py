"""Chapter 8's figures and explorer: they draw what bp.experiments returns,
and the explorer offers the live view, the scrubber and the PNG."""


import numpy as np
import pytest
from matplotlib.figure import Figure

import bpcore as bp
from bpcore import experiments as ex

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def trained():
    X, y = bp.data.moons(80, noise=0.2, seed=0)
    X_train, y_train, X_val, y_val = ex.train_val_split(X, y, n_val=20, seed=0)
    model = bp.nn.MLP([2, 8, 2], seed=0)
    run = ex.train_with_validation(model, bp.optim.Adam(lr=0.05), X_train, y_train, X_val, y_val, epochs=6,
                                   batch_size=16, snapshot_epochs=[0, 3, 6])
    xs, ys = np.linspace(-1.5, 2.5, 21), np.linspace(-1, 1.5, 15)
    frames = {e: ex.probability_grid(model, xs, ys, params=run["snapshots"][e]) for e in (0, 3, 6)}
    return dict(model=model, run=run, xs=xs, ys=ys, frames=frames, X=X_train, y=y_train)


def test_decision_boundary_draws_the_half_level_and_both_classes(trained):
    t = trained
    fig = bp.plots.plot_decision_boundary(t["xs"], t["ys"], t["frames"][6], t["X"], t["y"])
    ax = fig.axes[0]
    assert len(ax.collections) >= 3           # shading, boundary, two scatters
    assert [h.get_label() for h in ax.get_legend().legend_handles] == ["class 0", "class 1"]


def test_learning_curves_plot_the_recorded_values(trained):
    run = trained["run"]
    fig = bp.plots.plot_learning_curves(run, epoch=3)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert np.array_equal(lines["training"].get_ydata(), run["train_loss"])
    assert np.array_equal(lines["validation"].get_ydata(), run["val_loss"])


def test_seed_bands_plot_the_mean(trained):
    curves = np.array([[1.0, 0.5, 0.2], [1.0, 0.7, 0.4]])
    fig = bp.plots.plot_seed_bands({"SGD": curves})
    (line,) = fig.axes[0].get_lines()
    assert np.allclose(line.get_ydata(), curves.mean(axis=0))


def test_lr_tests_mark_diverged_rates():
    sweep = {"train_loss": np.array([0.5, 0.3, np.inf]), "val_loss": np.array([0.5, 0.35, np.inf]),
             "diverged": np.array([False, False, True])}
    fig = bp.plots.plot_lr_tests([0.01, 0.1, 1.0], [0.7, 0.6, 0.9], [0.7, 0.65, 0.7], [0.01, 0.1, 1.0], sweep)
    labels = [line.get_label() for line in fig.axes[1].get_lines()]
    assert labels == ["training", "validation", "diverged"]


def test_overfitting_and_landscape_figures_build(trained):
    run = trained["run"]
    fig = bp.plots.plot_overfitting(run, run, {"a": run["val_loss"], "b": run["val_loss"]})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    a = np.linspace(-1, 1, 5)
    fig = bp.plots.plot_landscape_slices(a, a**2 + 0.1, a**2 + 0.2, a, a, np.add.outer(a**2, a**2) + 0.1)
    assert len(fig.axes) == 3                  # two panels and a colour bar


def test_training_explorer_bundle_and_fast_redraw(trained):
    t = trained
    explorer = bp.widgets.training_progress_explorer(t["frames"], t["xs"], t["ys"], t["X"], t["y"], t["run"])
    bundle, _ = explorer._repr_mimebundle_()
    assert {WIDGET_VIEW, "text/html", "image/png", "text/plain"} <= set(bundle)
    assert bundle["text/html"].count("<img") >= 1 and 'type="range"' in bundle["text/html"]
    image = explorer.widget.children[-1]
    before = bytes(image.value)
    explorer.controls["epoch"].value = 3   # (the redraw's speed is benchmarks/bench_widgets.py's business)
    assert bytes(image.value) != before and bytes(image.value).startswith(b"\x89PNG")


def test_training_figure_rejects_unknown_epochs(trained):
    t = trained
    with pytest.raises(ValueError, match="epoch"):
        bp.widgets.training_progress_figure(4, t["frames"], t["xs"], t["ys"], t["X"], t["y"], t["run"])


def test_fast_live_redraw_shows_the_same_picture_as_the_static_figure(trained):
    import io

    from PIL import Image

    t = trained
    explorer = bp.widgets.training_progress_explorer(t["frames"], t["xs"], t["ys"], t["X"], t["y"], t["run"])
    explorer.controls["epoch"].value = 0
    explorer.controls["epoch"].value = 3
    live = np.asarray(Image.open(io.BytesIO(bytes(explorer.widget.children[-1].value))).convert("RGB"), dtype=int)
    fig = bp.widgets.training_progress_figure(3, t["frames"], t["xs"], t["ys"], t["X"], t["y"], t["run"])
    full = np.asarray(Image.open(io.BytesIO(bp.plots.figure_to_png(fig, dpi=fig.dpi))).convert("RGB"), dtype=int)
    assert live.shape == full.shape
    assert np.mean(np.abs(live - full) > 40) < 0.003


def test_set_decision_boundary_replaces_shading_and_boundary(trained):
    t = trained
    fig = bp.plots.plot_decision_boundary(t["xs"], t["ys"], t["frames"][0], t["X"], t["y"])
    ax = fig.axes[0]
    bp.plots.set_decision_boundary(ax, t["xs"], t["ys"], t["frames"][6])
    assert np.array_equal(ax.get_images()[0].get_array(), t["frames"][6])
    reference = bp.plots.plot_decision_boundary(t["xs"], t["ys"], t["frames"][6], t["X"], t["y"]).axes[0]
    (a,) = [c for c in ax.collections if c.get_gid() == "boundary"]
    (b,) = [c for c in reference.collections if c.get_gid() == "boundary"]
    assert all(np.array_equal(p, q) for p, q in zip(a.get_segments(), b.get_segments()))
