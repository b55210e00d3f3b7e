"""Checkers of chapter 3 (gradient descent): right answers pass, each known
mistake gets its hint, odd inputs never raise."""

import numpy as np
import pytest

from bpcore import exercises
from param_ids import stable_id

ODD = [None, Ellipsis, "6", 1 + 2j, float("nan"), [1.0, 2.0], [], object()]


def run(capsys, checker, answer, **kwargs):
    passed = checker(answer, **kwargs)
    return passed, capsys.readouterr().out


def test_directional_derivative(capsys):
    assert run(capsys, exercises.check_directional_derivative, 6.0)[0]
    for wrong, words in [(30.0, "unit vector"), (np.sqrt(40.0), "steepest"), (-6.0, "sign"), (3.0, "gradient at (1, 1)")]:
        passed, out = run(capsys, exercises.check_directional_derivative, wrong)
        assert not passed and words in out, out
    passed, out = run(capsys, exercises.check_directional_derivative, 1.0)
    assert not passed and "6" not in out.split("Hint")[0].replace("slope = 1.0", "")


def correct_gd(grad_fn, w0, lr, steps):
    path = [np.array(w0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * np.asarray(grad_fn(path[-1]), dtype=float))
    return np.array(path)


def test_gradient_descent(capsys):
    assert run(capsys, exercises.check_gradient_descent, correct_gd)[0]
    assert run(capsys, exercises.check_gradient_descent, lambda *a: correct_gd(*a).tolist())[0]
    mistakes = [
        (lambda g, w0, lr, s: correct_gd(lambda w: -np.asarray(g(w)), w0, lr, s), "uphill"),
        (lambda *a: correct_gd(*a)[1:], "Include the start"),
        (lambda *a: correct_gd(*a)[-1], "whole path"),
        (lambda *a: correct_gd(*a)[:-1], "One step short"),
    ]
    for wrong, words in mistakes:
        passed, out = run(capsys, exercises.check_gradient_descent, wrong)
        assert not passed and words in out, out


def test_optimal_rate(capsys):
    assert run(capsys, exercises.check_optimal_rate, 9 / 11)[0]
    assert run(capsys, exercises.check_optimal_rate, 49 / 51, condition=50)[0]
    for wrong, words in [(0.9, "η = 1/λ_max"), ((9 / 11) ** 2, "loss"), (2 / 11, "best step size"), (0.1, "1/κ")]:
        passed, out = run(capsys, exercises.check_optimal_rate, wrong)
        assert not passed and words in out, out
    passed, out = run(capsys, exercises.check_optimal_rate, 0.5, condition="ten")
    assert not passed


def test_basin(capsys):
    # the default start (1.8, 0.3): the long first step lands just right of the saddle
    assert run(capsys, exercises.check_basin, 1)[0]
    assert run(capsys, exercises.check_basin, np.int64(1))[0]
    passed, out = run(capsys, exercises.check_basin, 0)
    assert not passed and "first few steps" in out
    assert run(capsys, exercises.check_basin, 1, lr=0.01)[0]     # small steps stay in the start's basin
    # from (1.9, 0.3) the first step crosses the ridge into the global basin
    assert run(capsys, exercises.check_basin, 0, start=(1.9, 0.3))[0]
    passed, out = run(capsys, exercises.check_basin, 1, start=(1.9, 0.3))
    assert not passed and "first step is long" in out


@pytest.mark.parametrize("checker", [exercises.check_directional_derivative, exercises.check_gradient_descent,
                                     exercises.check_optimal_rate, exercises.check_basin])
@pytest.mark.parametrize("answer", ODD, ids=stable_id)
def test_odd_answers_never_raise(capsys, checker, answer):
    passed, out = run(capsys, checker, answer)
    assert passed is False and out.startswith("✗")


def test_hessian_test(capsys):
    passed, out = run(capsys, exercises.check_hessian_test, -2.0)
    assert passed and "✓" in out
    assert run(capsys, exercises.check_hessian_test, np.array(-2.0))[0]
    for wrong, words in [(6.0, "largest eigenvalue"), (2.0, "diagonal entry"), (-1.0, "coefficient matrix"),
                         (0.0, "mixed derivative"), (-3.0, "solve λ²")]:
        passed, out = run(capsys, exercises.check_hessian_test, wrong)
        assert not passed and words in out, out
        assert "-2" not in out.replace(f"lam_min = {wrong}", "")           # never the expected value
    for odd in ODD:
        assert run(capsys, exercises.check_hessian_test, odd)[0] is False
