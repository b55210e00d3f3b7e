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
    (line,) = [line for line in fig.axes[0].get_lines() if line.get_label() == "SGD"]
    assert np.allclose(line.get_ydata(), curves.mean(axis=0))


def test_seed_bands_differ_by_hatch_and_dash_not_colour_only():
    curves = np.array([[1.0, 0.5, 0.2], [1.0, 0.7, 0.4]])
    fig = bp.plots.plot_seed_bands({"A": curves, "B": curves + 0.1, "C": curves + 0.2})
    ax = fig.axes[0]
    bands = [c for c in ax.collections if str(c.get_gid()).startswith("band:")]
    assert len({band.get_hatch() for band in bands}) == 3
    edges = {}
    for line in ax.get_lines():
        if str(line.get_gid()).startswith("band-edge:"):
            edges.setdefault(line.get_gid(), set()).add(line.get_linestyle())
    assert len(edges) == 3 and len({frozenset(v) for v in edges.values()}) == 3   # one dash pattern per band


def test_decision_boundary_shading_is_centred_on_the_grid_points():
    # The white p = 1/2 of the shading must lie on the black boundary line:
    # pixel centres on the grid points, not pixel edges on the outer points.
    xs, ys = np.linspace(0.0, 4.0, 5), np.linspace(0.0, 2.0, 3)
    P = np.tile((xs >= 2.0).astype(float) * 0.0 + xs / 4.0, (3, 1))   # p = 1/2 at x = 2
    fig = bp.plots.plot_decision_boundary(xs, ys, P, np.zeros((1, 2)), np.array([0]), legend=False)
    ax = fig.axes[0]
    left, right, bottom, top = ax.get_images()[0].get_extent()
    assert (left, right, bottom, top) == (-0.5, 4.5, -0.5, 2.5)
    column = 2   # the pixel holding p = 1/2 is centred where the boundary is
    assert left + (column + 0.5) * (right - left) / len(xs) == 2.0
    (boundary,) = [c for c in ax.collections if c.get_gid() == "boundary"]
    assert np.allclose(boundary.get_segments()[0][:, 0], 2.0)
    assert ax.get_xlim() == (0.0, 4.0)


def test_lr_tests_shade_the_bracket_and_slices_draw_the_population():
    sweep = {"train_loss": np.array([0.5, 0.3]), "val_loss": np.array([0.5, 0.35]), "diverged": np.array([False, False])}
    fig = bp.plots.plot_lr_tests([0.01, 0.1, 1.0], [0.7, 0.6, 0.9], [0.7, 0.65, 0.7], [0.01, 0.1], sweep,
                                 bracket=(0.05, 0.5))
    (span,) = [p for p in fig.axes[0].patches if p.get_gid() == "bracket"]
    assert np.allclose([span.get_x(), span.get_x() + span.get_width()], [0.05, 0.5])
    a = np.linspace(-1, 1, 5)
    fig = bp.plots.plot_landscape_slices(a, a**2 + 0.1, a**2 + 0.2, a, a, np.add.outer(a**2, a**2) + 0.1,
                                         slice_population=a**2 + 0.15)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["training", "validation", "fresh points"]


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


def test_probability_shading_has_no_white_band_and_changes_colour_at_the_boundary():
    # A near-white band became a pure-white stripe in the colour-quantised
    # scrubber frames, beside the black boundary, and read as a second boundary.
    from bpcore.plots import training as tr
    assert 0.5 in tr._PROBABILITY_NORM.boundaries
    colours = np.array(tr._PROBABILITY_CMAP.colors)
    assert np.all((1.0 - colours).max(axis=1) > 0.15)
    below, above = colours[4], colours[5]          # the bands on either side of p = 1/2
    assert below[2] > below[0] and above[0] > above[2]   # bluish below, orange above
