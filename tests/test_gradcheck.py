"""Tests of bpcore.gradcheck: central differences, rel_error, check_grad."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from bpcore.gradcheck import GradCheckResult, check_grad, numerical_grad, rel_error

FAST = settings(max_examples=50, deadline=None)
finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def test_numerical_grad_of_the_worked_example_is_a_float():
    g = numerical_grad(lambda w: 0.5 * (3.0 - (w * 1.0 - 0.5)) ** 2, 2.0)
    assert type(g) is float and g == pytest.approx(-1.5, abs=1e-9)


def test_central_differences_are_exact_for_quadratics_up_to_rounding():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.3, -0.7])
    g = numerical_grad(lambda v: 0.5 * v @ A @ v, x)
    assert np.allclose(g, A @ x, atol=1e-9)


def test_central_is_second_order_accurate():
    # error of (f(x+h) - f(x-h)) / 2h for sin is about h^2/6: shrinking h by 10 shrinks it by 100
    errors = [abs(numerical_grad(np.sin, 1.0, eps=h) - np.cos(1.0)) for h in (1e-2, 1e-3)]
    assert errors[1] < errors[0] / 50


@FAST
@given(x=arrays(np.float64, array_shapes(max_dims=3, max_side=4), elements=finite))
def test_numerical_grad_matches_analytic_and_leaves_x_alone(x):
    before = x.copy()
    g = numerical_grad(lambda v: float(np.sum(np.sin(v) * v)), x)
    assert isinstance(g, np.ndarray) and g.shape == x.shape and g.dtype == np.float64
    assert np.allclose(g, np.cos(x) * x + np.sin(x), atol=1e-7)
    assert np.array_equal(x, before)


def test_numerical_grad_converts_integer_arrays_and_rejects_bad_eps():
    assert np.allclose(numerical_grad(lambda v: float(np.sum(v ** 2)), np.array([1, 2])), [2.0, 4.0])
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(np.sin, 1.0, eps=0.0)
    with pytest.raises(TypeError, match="^x must be numeric"):
        numerical_grad(np.sin, "1.0")


def test_rel_error_definition():
    assert rel_error(1.0, 1.0) == 0.0
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(1.0, 3.0) == 0.5
    assert rel_error(1.0, -1.0) == 1.0
    assert rel_error(0.0, 1e-20) == 1.0
    assert rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))


@FAST
@given(a=arrays(np.float64, 4, elements=finite), b=arrays(np.float64, 4, elements=finite))
def test_rel_error_is_symmetric_and_in_unit_interval(a, b):
    e = rel_error(a, b)
    assert e == rel_error(b, a)
    assert 0.0 <= e <= 1.0


def test_check_grad_passes_for_a_correct_gradient():
    result = check_grad(lambda x: float(np.sum(x ** 3)), lambda x: 3 * x ** 2, np.array([1.0, -2.0, 0.5]))
    assert isinstance(result, GradCheckResult)
    assert result and result.passed and result.error < 1e-8
    assert "passed" in result.message


def test_check_grad_fails_with_a_side_by_side_message():
    result = check_grad(lambda x: float(np.sum(x ** 2)), lambda x: x, np.array([1.0, 2.0]))
    assert not result
    assert result.error == pytest.approx(1 / 3, rel=1e-6)
    text = str(result)
    assert "FAILED" in text and "analytic" in text and "numeric" in text
    line_of_entry_1 = next(line for line in text.splitlines() if line.strip().startswith("(1,)"))
    assert line_of_entry_1.split()[1:3] == ["2", "4"]  # analytic, then numeric


def test_check_grad_accepts_true_zero_gradients_via_atol():
    # A steep bowl 1e6 (x - c)^2 at its bottom x = c: the gradient is exactly 0. The
    # steps c + h and c - h are rounded on different float grids (c is a power of 2,
    # so the spacing halves below it), and the steep bowl turns that 1e-16 asymmetry
    # into a numeric gradient of about 1e-10: pure noise, with relative error 1.
    c = np.array([0.5, 2.0])

    def bowl(x):
        return 1e6 * float(np.sum((x - c) ** 2))

    def bowl_grad(x):
        return 2e6 * (x - c)

    result = check_grad(bowl, bowl_grad, c)
    assert np.array_equal(result.analytic, [0.0, 0.0]) and np.all(result.numeric != 0.0)
    assert result.error == 1.0 and 0.0 < result.abs_error <= 1e-8  # fails tol, passes atol ...
    assert result.passed and "passed" in result.message
    strict = check_grad(bowl, bowl_grad, c, atol=0.0)  # ... so without atol it fails
    assert not strict.passed and "FAILED" in strict.message


def test_check_grad_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(1,\).*\(2,\)"):
        check_grad(lambda x: float(np.sum(x)), lambda x: np.ones(1), np.zeros(2))


def test_a_failure_report_lists_equal_errors_in_index_order_whatever_the_last_bits():
    # Every entry's gradient is wrong by the same factor; the relative errors
    # agree to the 3 digits shown but not in their last bits, which vary by CPU.
    x = np.array([0.3, -1.7, 2.9, 0.11, -4.2])
    result = check_grad(lambda v: 0.5 * float(np.sum(v * v)), lambda v: 0.2 * v, x)
    rows = result.message.splitlines()[2:]
    assert [row.split()[0] for row in rows] == ["(0,)", "(1,)", "(2,)", "(3,)", "(4,)"]


def test_numerical_grad_of_an_empty_x_is_empty():
    """Issue 22: an empty x is valid input; its gradient has no entries."""
    g = numerical_grad(lambda x: float(np.sum(x)), np.zeros((0, 2)))
    assert g.shape == (0, 2)
