"""How long does a widget take to redraw after a slider moves?

For each explorer in bpcore.widgets, move its main slider through a sweep of
values and time each redraw (compute + draw + PNG encode + hand the bytes to
the Image widget), wall clock and CPU time of this process (the CPU time is
less disturbed by other programs on a busy machine). The target is a median
under 100 ms. The baseline, measured in the same run, is the cheapest
possible redraw: a bare Figure of the same size saved to PNG, and a
two-panel figure with one line per panel.

    python benchmarks/bench_widgets.py
"""

import io
import statistics
import time

import numpy as np
from matplotlib.figure import Figure

from bpcore import plots, widgets

REPEATS = 15


def measure(action, values):
    """Median wall and CPU milliseconds of ``action(v)`` over ``values``."""
    wall, cpu = [], []
    for value in values:
        w0, c0 = time.perf_counter(), time.process_time()
        action(value)
        wall.append(1e3 * (time.perf_counter() - w0))
        cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(wall), statistics.median(cpu)


def bare_figure(_):
    Figure(figsize=(7.4, 3.0)).savefig(io.BytesIO(), format="png")


def two_panel_line(_):
    fig, axes = plots.new_figure(1, 2, figsize=(7.4, 3.0), margins=dict(left=0.08, right=0.99, bottom=0.16, top=0.86))
    for ax in axes:
        ax.plot([0, 1, 2], [1, 0, 1])
    plots.figure_to_png(fig)


def slider_sweep(control):
    """Values spread over the slider's range (integers for an IntSlider);
    a dropdown cycles through its options."""
    if hasattr(control, "options"):
        return [control.options[i % len(control.options)] for i in range(1, REPEATS + 1)]
    values = np.linspace(control.min, control.max, REPEATS)
    return [int(round(v)) if isinstance(control.value, int) else float(v) for v in values]


def main():
    plots.use_style()
    explorers = {
        "loss_explorer (regression)": (widgets.loss_explorer(), "y_pred"),
        "loss_explorer (classification)": (widgets.loss_explorer("classification"), "y_pred"),
        "neuron_pass_stepper": (widgets.neuron_pass_stepper(), "step"),
        "learning_rate_explorer": (widgets.learning_rate_explorer(), "lr"),
        "fit_explorer (w)": (widgets.fit_explorer(), "w"),
        "fit_explorer (loss: new landscape)": (widgets.fit_explorer(), "loss"),
        "conditioning_explorer (lr)": (widgets.conditioning_explorer(), "lr"),
        "conditioning_explorer (κ: new bowl)": (widgets.conditioning_explorer(), "condition"),
    }
    for _ in range(3):  # warm up fonts and caches
        bare_figure(None)
        two_panel_line(None)
    base_wall, base_cpu = measure(bare_figure, range(REPEATS))
    line_wall, line_cpu = measure(two_panel_line, range(REPEATS))
    print(f"{'redraw':34s} {'wall ms':>8s} {'cpu ms':>8s} {'÷ bare':>7s} {'÷ 2-panel':>9s}")
    print(f"{'baseline: bare Figure savefig':34s} {base_wall:8.1f} {base_cpu:8.1f} {1:7.1f} {base_cpu / line_cpu:9.2f}")
    print(f"{'baseline: 2-panel line figure':34s} {line_wall:8.1f} {line_cpu:8.1f} {line_cpu / base_cpu:7.1f} {1:9.2f}")
    for name, (explorer, main_control) in explorers.items():
        control = explorer.controls[main_control]

        def move(value, control=control):
            control.value = value

        wall, cpu = measure(move, slider_sweep(control))
        verdict = "ok" if wall < 100 else "over 100 ms"
        print(f"{name:34s} {wall:8.1f} {cpu:8.1f} {cpu / base_cpu:7.1f} {cpu / line_cpu:9.2f}  {verdict}")


if __name__ == "__main__":
    main()
