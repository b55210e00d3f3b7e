r"""Answer checkers for the exercises.

A check cell in a chapter calls one of these with the student's function or
number. The checker compares it with the reference in ``bpcore`` and prints
either a ✓ or *what* is wrong with a hint aimed at the mistake it recognises.
It returns ``True`` or ``False`` and never raises, whatever it is given (its
own parameters included): a check cell must run in the student edition too,
where the exercise is still a stub that returns ``None``.

**What a checker accepts.**

* *By-hand answers* (:func:`check_value`): a real number, or a list, tuple
  or array of them (a one-row batch of shape ``(1, n)`` counts as a vector).
  Strings, booleans and complex numbers are refused, never converted. A real
  answer is accepted to three significant digits unless the exercise states
  another tolerance; a count or an index (``integer=True``) must be exact.
  The expected value is never printed, not even on success
  (``✓ m_t is correct.``).
* *Functions* (:func:`check_function`): called on copies of the test cases'
  arguments, each call in a forked child process killed after
  ``TIME_LIMIT`` seconds; an exception, a time-out (even one the student's
  code tries to catch), ``sys.exit`` or an argument modified in place is
  reported, not raised. A failing case is printed with its expected result,
  so the test cases are never the exercise's own question.

**What a checker says.** An untouched stub gets the *idea* (the equation or
the concept to use), never the method; a wrong answer that matches a
catalogued :class:`Mistake` gets that mistake's hint; an answer that agrees
with the right one to the digits it has is asked for more digits; an integer
one away is told it is off by one; anything else gets the generic hint.
Hints name only what the student's notebook has (its variables, ``bp.`` and
``np.`` functions, the chapter's equation labels).

**Adding a checker.** Append to the chapter's module in
``bpcore/exercises/``: compute the reference from ``bpcore`` (never a
literal), list the likely wrong answers as :class:`Mistake` objects (each
with its own hint, true for that mistake), write an ``idea`` and a ``hint``,
validate the checker's own parameters, decorate it with
``never_raises`` (in ``bpcore.exercises._core``), re-export it here, and add it
to ``tests/test_exercises_*.py``; ``tests/test_exercises_catalogue.py``
then runs its whole catalogue. Its docstring example must not solve the
exercise: use made-up parameters, a stub or a wrong answer. For example, on
made-up values:

>>> check_value(0.25, 0.25, name="q")
✓ q is correct.
True
>>> check_value(0.5, 0.25, name="q", mistakes=[Mistake(0.5, "Did you forget to halve?")])
✗ q = 0.5 is not correct. Hint: Did you forget to halve?
False
>>> check_function(None, lambda x: x, [((1.0,), {})], name="my_fn", idea="The identity.")
✗ my_fn is not defined yet (got None): write the function with `def my_fn(...):` and run that cell first. Hint: The identity.
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
