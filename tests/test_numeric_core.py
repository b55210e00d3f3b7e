"""The numeric core imports numpy only: matplotlib and ipywidgets stay in
bp.plots and bp.widgets, so the formulas can be used (and tested) anywhere.

Each module is imported in a fresh interpreter and exercised once, so a lazy
import inside a function would be caught too.
"""

import subprocess
import sys

import pytest

NUMERIC_CORE = {
    "autodiff": "m.grad(lambda w: (w * w).sum())(1.0)",
    "backprop": "m.layer_gradient_norms('relu', depth=3); m.mlp_pass_steps(); m.mlp2_gradients(m.init_mlp2(2, 3, 1), [[0.0, 1.0]], [[1.0]])",
    "data": "m.minibatches(*m.moons(20, seed=0), batch_size=8)",
    "excerpts": "m.source(m.source)",
    "exercises": "m.check_huber(None); m.check_fixed_backward(None)",
    "descent": "m.optimal_lr([1.0, 4.0]); m.final_points(__import__('bpcore').surfaces.DoubleWell(), [[1.0, 0.0]], 0.1, 3)",
    "experiments": "m.range_test_rates(0.1, 1.0, 3); m.smooth_losses([1.0, 2.0])",
    "gradcheck": "m.check_grad(lambda x: x * x, lambda x: 2 * x, 1.0)",
    "grid_search": "m.grid_search(m.linear_mse_batch([[0.0], [1.0]], [1.0, 2.0]), [0, 0], [1, 1], 3)",
    "landscape": "m.loss_grid(__import__('bpcore').losses.mse, [1.0], [2.0], [0.0, 1.0], [0.0])",
    "loss_sweep": "m.curves(1.0, 'classification'); m.values_at(1.0, 0.5)",
    "losses": "m.softmax_cross_entropy([0], [[1.0, 2.0]])",
    "neuron": "m.descend(0.1, 3); m.pass_steps(); m.loss_grid([1.0, 2.0], [0.0])",
    "nn": "m.MLP([2, 3, 1])([[0.0, 1.0]])",
    "optim": "m.Adam().step([1.0], [0.5]); m.AdamW().step([1.0], [0.5])",
    "races": "m.tune_lr(__import__('bpcore').optim.SGD, __import__('bpcore').surfaces.Quadratic(), [1.0, 1.0], 5)",
    "sgd": "m.run_sgd(__import__('bpcore').optim.SGD(0.1), [0.0, 1.0], [1.0, 2.0], [0.0, 0.0], 1, 1); m.escape_runs([1.0, 1.0], 1.0, 0.1, 1, 3, [0])",
    "surfaces": "m.Rosenbrock().grad([0.0, 0.0])",
    "train": "m.fit",
}


@pytest.mark.parametrize("module", sorted(NUMERIC_CORE))
def test_numeric_module_needs_neither_matplotlib_nor_ipywidgets(module):
    code = (
        f"import sys, importlib; m = importlib.import_module('bpcore.{module}'); {NUMERIC_CORE[module]}; "
        "loaded = [name for name in ('matplotlib', 'ipywidgets') if name in sys.modules]; "
        "assert not loaded, loaded"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
