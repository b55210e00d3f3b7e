r"""Chapter 7: an optimizer race with hyperparameter sliders."""

import functools

import ipywidgets
import numpy as np

from .. import optim, plots, races, surfaces
from ._explorable import TWO_PANELS, _explorable, _slider_style

#: The surfaces of the race and each one's start point.
RACE_SURFACES = {
    "ill-conditioned bowl": (lambda: surfaces.Quadratic(condition=50.0, angle=0.5), (-2.5, 2.0)),
    "Rosenbrock": (lambda: surfaces.Rosenbrock(), (-1.2, 1.0)),
    "double well": (lambda: surfaces.DoubleWell(), (1.8, 1.2)),
}
RACE_LRS = (0.01, 0.03, 0.1, 0.3, 1.0)


def race_optimizers(lr, beta=0.9):
    r"""The six racers at one shared learning rate ``lr`` (``beta`` for the
    two momentum methods; Adagrad, RMSprop and Adam keep their defaults).

    >>> sorted(race_optimizers(0.1))[:2]
    ['Adagrad', 'Adam']
    """
    return {
        "GD": optim.SGD(lr),
        "Momentum": optim.Momentum(lr, beta=beta),
        "Nesterov": optim.Momentum(lr, beta=beta, nesterov=True),
        "Adagrad": optim.Adagrad(lr),
        "RMSprop": optim.RMSprop(lr),
        "Adam": optim.Adam(lr),
    }


@functools.lru_cache(maxsize=8)
def _surface(name):
    make, start = RACE_SURFACES[name]
    return make(), np.array(start)


def _race(surface, lr, beta, steps):
    if surface not in RACE_SURFACES:
        raise ValueError(f"surface must be one of {sorted(RACE_SURFACES)}, got {surface!r}")
    f, start = _surface(surface)
    f_star = float(f.value(f.minima[0]))
    paths, gaps = {}, {}
    for name, opt in race_optimizers(float(lr), float(beta)).items():
        # a tolerance below any float distance: run all the steps
        path = races.descend_until(opt, f, start, int(steps), tol=1e-300)["path"]
        with np.errstate(over="ignore", invalid="ignore"):
            gap = np.asarray(f.value(path), float) - f_star
        paths[name] = path
        gaps[name] = np.where(np.isfinite(gap), np.clip(gap, 1e-16, 1e8), np.nan)   # within the log axis
    return f, paths, gaps


def _move_race(fig, surface, lr, beta, steps):
    left, right = fig.axes[:2]
    _, paths, gaps = _race(surface, lr, beta, steps)
    changed = []
    for index, (name, path) in enumerate(paths.items()):
        changed += plots.set_race_path(left, path, index)
        line, = [a for a in right.get_lines() if a.get_gid() == f"gap:{index}"]
        line.set_data(np.arange(len(gaps[name])), gaps[name])
        changed.append(line)
    left.title.set_text(f"{surface}: η = {lr:g}, β = {beta:g}")
    return [*changed, left.title]


def optimizer_race_figure(surface="ill-conditioned bowl", lr=0.03, beta=0.9, steps=200):
    r"""Six optimizers with one shared learning rate on one surface: their
    paths (left) and :math:`f - f^*` per step (right, log axis; :math:`f^*`
    is the global minimum's value).

    >>> fig = optimizer_race_figure(steps=20)
    >>> len(fig.axes)
    2
    """
    f, paths, gaps = _race(surface, lr, beta, steps)
    # 7.2 in (the full width) with room on the right for the last step tick ("200")
    fig, (left, right) = plots.new_figure(1, 2, figsize=(7.2, 3.3),
                                          margins=dict(TWO_PANELS, right=0.95, bottom=0.3, wspace=0.3))
    plots.plot_race(f, paths, ax=left, legend=False, title=f"{surface}: η = {lr:g}, β = {beta:g}")
    for index, (name, gap) in enumerate(gaps.items()):
        look = plots.optimizers.OPTIMIZER_LOOKS[name]
        right.plot(np.arange(len(gap)), gap, color=look["color"], linestyle=look["linestyle"], linewidth=1.4,
                   label=name, gid=f"gap:{index}")
    right.set_xlim(0, int(steps))
    right.set_yscale("log")
    right.set_ylim(1e-12, 1e4)
    right.set_xlabel("step")
    right.set_ylabel(r"$f - f^*$")
    right.set_title(f"{int(steps)} steps")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=6, frameon=False)
    return fig


def optimizer_race_explorer(surface="ill-conditioned bowl", lr=0.03, beta=0.9, steps=200):
    r"""Surface × learning rate × momentum β → the race (scrubber over the learning rate)."""
    controls = {
        "surface": ipywidgets.Dropdown(options=list(RACE_SURFACES), value=surface, description="surface"),
        "lr": ipywidgets.SelectionSlider(options=list(RACE_LRS), value=lr, description="learning rate η", **_slider_style()),
        "beta": ipywidgets.FloatSlider(value=beta, min=0.0, max=0.99, step=0.01, description="momentum β", **_slider_style()),
        "steps": ipywidgets.IntSlider(value=steps, min=10, max=1000, step=10, description="steps", **_slider_style()),
    }
    figure = optimizer_race_figure
    alts = [f"Paths of GD, Momentum, Nesterov, Adagrad, RMSprop and Adam on the {surface} with learning rate {v:g}, "
            f"and their loss gap per step." for v in RACE_LRS]
    return _explorable(
        figure, controls, [[controls["surface"], controls["lr"]], [controls["beta"], controls["steps"]]],
        scrub_name="lr", scrub_values=RACE_LRS, scrub_labels=[f"η = {v:g}" for v in RACE_LRS],
        caption=f"Six optimizers, one shared learning rate, {steps} steps on the {surface} (momentum β = {beta:g}; "
                "Adagrad, RMSprop and Adam at their default β's and ε): paths from the white square (left; a cross "
                "marks where a diverging path leaves the window) and the gap to the global minimum's value per "
                "step (right).",
        param_label="learning rate η", alts=alts,
        text="Optimizer race: run the notebook in Jupyter to move the sliders.",
        fast=({"lr", "beta"}, _move_race),
    )
