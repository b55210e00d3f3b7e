r"""Answer checkers for the exercises.

A check cell in a chapter calls one of these with the student's function or
number. The checker compares it with the reference in ``bpcore`` and prints
either a ✓ or *what* is wrong with a hint aimed at the mistake it recognises.
It returns ``True`` or ``False`` and never raises, whatever it is given: a
check cell must run in the student edition too, where the exercise is still a
stub that returns ``None``.

The machinery is in ``bpcore.exercises._core``; each chapter's checkers
are a module of their own (a reference, test cases, a catalogue of
:class:`Mistake` with hints) and are re-exported here.

>>> check_value(1.125, 1.125, name="L")
✓ L = 1.125 is correct.
True
>>> check_function(None, lambda x: x, [((1.0,), {})], name="my_fn")
✗ my_fn is not defined yet (got None): write the function with `def my_fn(...):` and run that cell first.
False
"""

from ._core import Mistake, check_function, check_value, run_student
from .backprop import check_fixed_backward, check_hidden_delta, check_relu_gain, check_softmax_ce_backward
from .losses import (check_best_constants, check_huber, check_huber_median_delta, check_log_softmax, check_mse,
                     check_mse_gradient, check_softmax_gradient)
from .neuron import (check_bias_step, check_critical_learning_rate, check_gradient_ratio, check_neuron_step,
                     check_one_step_rate)
# chapter 2
from .landscape import check_best_slope, check_grid_evaluations, check_least_squares, check_mse_grid
# chapter 3
from .descent import check_basin, check_directional_derivative, check_gradient_descent, check_hessian_test, check_optimal_rate
# chapter 8
from .training import (check_early_stopping_epoch, check_filter_normalize, check_parameter_count,
                       check_range_test_rates, check_step_count)
from .optimizers import check_adam_step, check_adamw_vs_l2, check_bias_correction, check_momentum_beta
from .sgd import check_escape_fraction, check_minibatch_variance, check_robbins_monro, check_sgd_epoch

__all__ = [
    "Mistake",
    "check_value",
    "check_function",
    "run_student",
    # chapter 1
    "check_mse",
    "check_huber",
    "check_log_softmax",
    "check_mse_gradient",
    "check_softmax_gradient",
    "check_best_constants",
    "check_huber_median_delta",
    # chapter 2
    "check_least_squares",
    "check_grid_evaluations",
    "check_mse_grid",
    "check_best_slope",
    # chapter 3
    "check_directional_derivative",
    "check_gradient_descent",
    "check_hessian_test",
    "check_optimal_rate",
    "check_basin",
    # chapter 4
    "check_hidden_delta",
    "check_softmax_ce_backward",
    "check_fixed_backward",
    "check_relu_gain",
    # chapter 5
    "check_neuron_step",
    "check_bias_step",
    "check_critical_learning_rate",
    "check_one_step_rate",
    "check_gradient_ratio",
    # chapter 8
    "check_parameter_count",
    "check_step_count",
    "check_range_test_rates",
    "check_filter_normalize",
    "check_early_stopping_epoch",
    # chapter 6
    "check_minibatch_variance",
    "check_sgd_epoch",
    "check_robbins_monro",
    "check_escape_fraction",
    # chapter 7
    "check_bias_correction",
    "check_momentum_beta",
    "check_adam_step",
    "check_adamw_vs_l2",
]
