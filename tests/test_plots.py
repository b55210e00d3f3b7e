"""bpcore.plots: pure functions from arrays to Figures, the book's style."""

import gc
import weakref

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from bpcore import plots, style


@pytest.fixture(autouse=True)
def book_style():
    with plots.style_context():
        yield
    assert plt.get_fignums() == [], "a bpcore.plots function registered a figure with pyplot"


def grid_2d():
    X, Y = np.meshgrid(np.linspace(-2, 2, 21), np.linspace(-1, 3, 21))
    return X, Y, (X - 1) ** 2 + 3 * (Y - 1) ** 2


FIGURES = {
    "losses_vs_prediction": lambda: plots.plot_losses_vs_prediction(
        np.linspace(-2, 2, 9), {"sq": np.linspace(-2, 2, 9) ** 2}, {"sq": 2 * np.linspace(-2, 2, 9)}, y_true=0.0, y_pred=1.0),
    "loss_curve": lambda: plots.plot_loss_curve([3.0, 2.0, 1.0]),
    "trajectory_1d": lambda: plots.plot_trajectory_1d(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9) ** 2, [1.5, -1.0, 0.5]),
    "contour": lambda: plots.plot_contour(*grid_2d(), minimum=(1, 1)),
    "trajectory_2d": lambda: plots.plot_trajectory_2d(*grid_2d(), {"GD": [[-1.5, 2.5], [0.0, 1.5], [1.0, 1.0]]}),
    "computation_graph": lambda: plots.plot_computation_graph({"a": (0, 0), "b": (1, 0)}, [("a", "b")], labels={"a": "a = 1"}),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_plot_returns_an_unmanaged_figure_that_renders(name):
    fig = FIGURES[name]()
    assert isinstance(fig, Figure)
    assert plots.figure_to_png(fig).startswith(b"\x89PNG")
    ref = weakref.ref(fig)
    del fig
    gc.collect()
    assert ref() is None, "the figure is still referenced after the caller dropped it"


def test_style_uses_okabe_ito_cycle_with_line_styles_and_cividis():
    cycle = list(matplotlib.rcParams["axes.prop_cycle"])
    assert [to_hex(c["color"]).upper() for c in cycle] == list(style.CYCLE)
    assert len({str(c["linestyle"]) for c in cycle}) == len(cycle), "every colour has its own line style"
    assert matplotlib.rcParams["image.cmap"] == "cividis"
    fig = plots.plot_loss_curve({"a": [1.0, 0.5], "b": [2.0, 1.0]})
    lines = [line for line in fig.axes[0].get_lines() if line.get_gid().startswith("curve:")]
    assert [to_hex(line.get_color()).upper() for line in lines] == list(style.CYCLE[:2])
    assert lines[0].get_linestyle() != lines[1].get_linestyle()


def test_vermilion_and_orange_are_never_neighbours_in_the_cycle():
    i, j = style.CYCLE.index(style.PALETTE["vermillion"]), style.CYCLE.index(style.PALETTE["orange"])
    assert abs(i - j) > 1


def test_figures_are_sharp_readable_and_opaque():
    rc = matplotlib.rcParams
    assert rc["savefig.dpi"] >= 2 * rc["figure.dpi"] == 2 * style.DPI
    assert style.FULL_WIDTH * style.SAVE_DPI >= 700
    for key in ("font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"):
        assert matplotlib.font_manager.FontProperties(size=rc[key]).get_size_in_points() >= style.MIN_FONT_PT, key
    assert to_hex(rc["figure.facecolor"]) == to_hex(rc["savefig.facecolor"]) == "#ffffff"
    assert not rc["savefig.transparent"]


def test_display_png_is_twice_the_display_size_and_opaque():
    import io

    from PIL import Image

    fig = plots.plot_loss_curve({"a": [1.0, 0.5]})
    png, meta = plots.display_png(fig)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.width >= 2 * meta["width"] - 1 and image.width >= 700
    assert image.getpixel((0, 0)) == (255, 255, 255, 255)


def test_multi_curve_legend_sits_outside_the_axes():
    fig = plots.plot_loss_curve({"a": [1.0, 0.5], "b": [2.0, 1.0]})
    fig.canvas.draw()
    legend_box = fig.axes[0].get_legend().get_window_extent()
    axes_box = fig.axes[0].get_window_extent()
    assert legend_box.x0 >= axes_box.x1


def test_use_style_applies_outside_a_kernel_without_error():
    with matplotlib.rc_context():
        plots.use_style()
        assert matplotlib.rcParams["image.cmap"] == style.CMAP


def test_markers_sit_at_the_exact_values_given():
    grid = np.linspace(-1, 1, 3)  # coarse: interpolation would be off
    fig = plots.plot_losses_vs_prediction(grid, {"sq": grid**2}, {"sq": 2 * grid}, y_pred=0.5, at={"sq": (0.25, 1.0)})
    loss_marker = [l for l in fig.axes[0].get_lines() if l.get_marker() == "o"][0]
    grad_marker = [l for l in fig.axes[1].get_lines() if l.get_marker() == "o"][0]
    assert loss_marker.get_xydata().tolist() == [[0.5, 0.25]]
    assert grad_marker.get_xydata().tolist() == [[0.5, 1.0]]


def test_loss_curve_stops_at_divergence_and_marks_it():
    fig = plots.plot_loss_curve([1.0, 4.0, 16.0, np.inf, np.nan], logy=True)
    curve, cross = fig.axes[0].get_lines()
    assert curve.get_xdata().tolist() == [0, 1, 2]
    assert cross.get_marker() == "x" and cross.get_xydata().tolist() == [[2.0, 16.0]]
    assert fig.axes[0].get_yscale() == "log"


def test_trajectory_2d_keeps_the_window_and_clips_escaping_points():
    X, Y, Z = grid_2d()
    fig = plots.plot_trajectory_2d(X, Y, Z, np.array([[0.0, 1.0], [50.0, -40.0], [np.inf, 0.0]]))
    ax = fig.axes[0]
    path = [l for l in ax.get_lines() if l.get_linestyle() == "-"][0].get_xydata()
    assert path.shape == (2, 2)  # the non-finite point is dropped
    assert ax.get_xlim()[0] <= path[:, 0].min() and path[:, 0].max() <= ax.get_xlim()[1]
    assert ax.get_ylim()[0] <= path[:, 1].min() and path[:, 1].max() <= ax.get_ylim()[1]


def test_contour_log_levels_are_geometric():
    fig = plots.plot_contour(*grid_2d(), log=True, levels=6, colorbar=False)
    levels = fig.axes[0].collections[0].levels
    assert len(levels) == 6 and levels[0] > 0
    ratios = levels[1:] / levels[:-1]
    assert ratios[0] > 1 and np.allclose(ratios, ratios[0], rtol=1e-12)


def test_axes_argument_composes_panels():
    fig, (left, right) = plots.new_figure(1, 2)
    assert plots.plot_loss_curve([1.0, 0.5], ax=left) is fig
    assert plots.plot_trajectory_1d(np.linspace(-1, 1, 5), np.linspace(-1, 1, 5) ** 2, [0.5], ax=right) is fig
    assert len(fig.axes) == 2


def test_margins_switch_off_the_layout_engine():
    fig, _ = plots.new_figure(1, 2, margins=dict(left=0.1, right=0.9))
    assert fig.get_layout_engine() is None
    assert fig.subplotpars.left == 0.1


def test_quantised_png_is_smaller_and_palette_based():
    fig = plots.plot_contour(*grid_2d())
    full, small = plots.figure_to_png(fig), plots.figure_to_png(fig, colors=64)
    assert b"PLTE" in small and len(small) < len(full)


def test_png_output_is_deterministic():
    assert plots.figure_to_png(FIGURES["trajectory_2d"]()) == plots.figure_to_png(FIGURES["trajectory_2d"]())
    assert plots.figure_to_png(FIGURES["loss_curve"](), colors=32) == plots.figure_to_png(FIGURES["loss_curve"](), colors=32)


def test_graph_highlights_the_current_node_and_shows_gradients():
    fig = plots.plot_computation_graph(
        {"a": (0, 0), "b": (1, 0)}, [("a", "b")], labels={"a": "a", "b": "b"},
        grads={"b": "∂L/∂b = 2"}, highlight={"b"}, backward_edges=[("a", "b")], note="step")
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    assert "∂L/∂b = 2" in texts
    assert to_hex(texts["b"].get_bbox_patch().get_edgecolor()).upper() == style.PALETTE["vermillion"]
    assert to_hex(texts["a"].get_bbox_patch().get_edgecolor()).upper() == style.PALETTE["black"]


def test_fast_renderer_matches_a_full_redraw():
    """Blitting the moved markers gives the same picture as drawing the
    figure from scratch at the new prediction."""
    from PIL import Image
    import io

    grid = np.linspace(-2, 2, 41)
    margins = dict(left=0.1, right=0.98, bottom=0.15, top=0.85, wspace=0.3)

    def figure(y_pred):
        at = {"sq": (y_pred**2, 2 * y_pred)}
        return plots.plot_losses_vs_prediction(grid, {"sq": grid**2}, {"sq": 2 * grid}, y_pred=y_pred, at=at,
                                               loss_ylim=(-0.5, 4.5), grad_ylim=(-4.5, 4.5), title=f"p={y_pred}",
                                               figsize=(6, 2.5), margins=margins)

    fig = figure(-1.0)
    renderer = plots.FastRenderer(fig, plots.move_prediction(fig, -1.0, {"sq": (1.0, -2.0)}, title="p=-1.0"))
    plots.move_prediction(fig, 0.5, {"sq": (0.25, 1.0)}, title="p=0.5")
    fast = np.asarray(Image.open(io.BytesIO(renderer.png())).convert("RGB"), dtype=int)
    full = np.asarray(Image.open(io.BytesIO(plots.figure_to_png(figure(0.5), dpi=style.DPI))).convert("RGB"), dtype=int)
    assert fast.shape == full.shape
    assert np.mean(np.abs(fast - full) > 40) < 0.002  # identical up to antialiasing


def test_set_path_and_set_loss_curve_follow_the_drawing_rules():
    X, Y, Z = grid_2d()
    fig = plots.plot_trajectory_2d(X, Y, Z, [[0.0, 1.0], [1.0, 1.0]], colorbar=False)
    line, start = plots.set_path(fig.axes[0], [[0.0, 1.0], [100.0, 1.0], [np.nan, 0.0]])
    assert line.get_xydata().tolist() == [[0.0, 1.0], [fig.axes[0].get_xlim()[1], 1.0]]
    assert line.get_markevery() == [0]            # the edge point is not an iterate
    assert start.get_xydata().tolist() == [[0.0, 1.0]]
    fig = plots.plot_loss_curve([1.0, 0.5], logy=True)
    curve, end = plots.set_loss_curve(fig.axes[0], [1.0, 2.0, 0.0, 3.0, np.inf], logy=True)
    assert curve.get_xdata().tolist() == [0, 1, 2, 3]
    assert np.isnan(curve.get_ydata()[2])  # a zero loss is a gap on a log axis, not divergence
    assert end.get_xydata().tolist() == [[3.0, 3.0]]


def _on_polyline(point, path, tol=1e-9):
    """Whether ``point`` lies on one of the segments of ``path``."""
    for p, q in zip(path[:-1], path[1:]):
        d = q - p
        t = np.clip(np.dot(point - p, d) / max(np.dot(d, d), 1e-300), 0.0, 1.0)
        if np.linalg.norm(p + t * d - point) <= tol * (1 + np.linalg.norm(d)):
            return True
    return False


@pytest.mark.parametrize("path", [
    [[0.0, 0.0], [4.0, 1.0], [0.0, 0.5]],               # leaves and comes back
    [[-5.0, 0.3], [5.0, -0.2], [-9.0, 9.0], [0.5, 0.5]],  # crosses the window, then a step wholly outside
    [[0.5, 0.5], [3.0, 3.0], [-7.0, -7.0], [11.0, 11.0]],  # diverging along a diagonal
])
def test_clipped_path_keeps_every_drawn_point_on_its_segment(path):
    from bpcore.plots.landscapes import _clipped_path
    path = np.array(path)
    px, py, iterates = _clipped_path(path, (-1.0, 2.0), (-1.0, 1.0), marks=True)
    drawn = np.column_stack([px, py])
    pieces = drawn[np.all(np.isfinite(drawn), axis=1)]
    assert len(pieces) >= 2
    assert np.all((pieces[:, 0] >= -1) & (pieces[:, 0] <= 2) & (pieces[:, 1] >= -1) & (pieces[:, 1] <= 1))
    assert all(_on_polyline(point, path) for point in pieces)
    inside = [p.tolist() for p in path if -1 <= p[0] <= 2 and -1 <= p[1] <= 1]
    assert drawn[iterates].tolist() == inside      # markers only on the iterates inside the window


def test_clipped_path_of_a_run_along_a_line_stays_on_that_line():
    # The worked example at η = 1.1 moves along (1, 1) and diverges: clipping W and
    # b separately used to draw it as parallel lines; cut segments stay on one line.
    path, _ = __import__("bpcore").neuron.descend(1.1, 20)
    from bpcore.plots.landscapes import _clipped_path
    px, py = _clipped_path(path, (0.0, 4.5), (-2.0, 2.5))
    ok = np.isfinite(px)
    assert np.allclose((py[ok] - path[0, 1]) - (px[ok] - path[0, 0]), 0.0, atol=1e-12)
    assert px[ok].min() == 0.0 or py[ok].min() == -2.0                 # it reaches the edge


def test_clipped_path_drops_non_finite_iterates_and_empty_paths():
    from bpcore.plots.landscapes import _clipped_path
    px, py = _clipped_path([[0.0, 0.0], [np.inf, 0.0], [np.nan, 1.0]], (-1, 1), (-1, 1))
    assert px.tolist() == [] and py.tolist() == []      # no finite segment
    px, py, marks = _clipped_path([[0.5, 0.5]], (-1, 1), (-1, 1), marks=True)
    assert px.tolist() == [0.5] and marks == [0]
