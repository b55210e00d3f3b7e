"""Checkers of chapter 2 (the loss landscape): right answers pass, each known
mistake gets its hint, odd inputs never raise and the expected value of a
by-hand answer is never printed."""

import numpy as np
import pytest

from bpcore import exercises
from bpcore.exercises import landscape as ex
from param_ids import stable_id

ODD = [None, Ellipsis, "2.5", 1 + 2j, float("nan"), [1.0, 2.0, 3.0], [], object()]


def run(capsys, checker, answer, **kwargs):
    passed = checker(answer, **kwargs)
    return passed, capsys.readouterr().out


def test_least_squares(capsys):
    for answer in [(2.5, 0.5), [2.5, 0.5], np.array([2.5, 0.5])]:
        assert run(capsys, exercises.check_least_squares, answer)[0]
    for wrong, words in [((0.5, 2.5), "order"), ((2.8, 0.0), "origin"), ((2.5, 3.0), "ȳ − w*"),
                         ((5 / 14, 0.5), "variance of x")]:
        passed, out = run(capsys, exercises.check_least_squares, wrong)
        assert not passed and words in out, out
    passed, out = run(capsys, exercises.check_least_squares, (1.0, 1.0))
    assert not passed and "Set ∂L/∂w = 0" in out and "2.5" not in out


def test_grid_evaluations(capsys):
    assert run(capsys, exercises.check_grid_evaluations, 1e8)[0]
    assert run(capsys, exercises.check_grid_evaluations, 100**4)[0]
    assert run(capsys, exercises.check_grid_evaluations, 1e12, weights=5)[0]
    for wrong, words in [(1e6, "bias"), (400, "multiply"), (4.0**100, "power d")]:
        passed, out = run(capsys, exercises.check_grid_evaluations, wrong)
        assert not passed and words in out, out


def correct_grid(x, y, w_values, b_values):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w, b = np.asarray(w_values, dtype=float), np.asarray(b_values, dtype=float)
    return ((w[None, :, None] * x + b[:, None, None] - y) ** 2).mean(axis=2)


def test_mse_grid(capsys):
    assert run(capsys, exercises.check_mse_grid, correct_grid)[0]
    assert run(capsys, exercises.check_mse_grid, lambda *a: correct_grid(*a).tolist())[0]
    mistakes = [(lambda *a: correct_grid(*a).T, "Rows must be the b values"),
                (lambda *a: 0.5 * correct_grid(*a), "½·MSE"),
                (lambda x, *a: len(x) * correct_grid(x, *a), "mean over the data points"),
                (lambda *a: np.sqrt(correct_grid(*a)), "RMSE")]
    for wrong, words in mistakes:
        passed, out = run(capsys, exercises.check_mse_grid, wrong)
        assert not passed and words in out, out
    passed, out = run(capsys, exercises.check_mse_grid, lambda *a: None)
    assert not passed and "None" in out


def test_best_slope(capsys):
    from bpcore.widgets.landscape import FIT_DATA
    x, y = FIT_DATA
    target = ex._best_slope(x, y, 1.0)
    assert run(capsys, exercises.check_best_slope, target + 0.1, x=x, y=y)[0]
    overall = ex.grid_search.least_squares_line(x, y)[0]
    passed, out = run(capsys, exercises.check_best_slope, overall, x=x, y=y)
    assert not passed and "overall minimum" in out
    # the best slope really is the minimum of the loss along b = 1
    ws = np.linspace(target - 0.5, target + 0.5, 1001)
    L = [np.mean((w * x + 1.0 - y) ** 2) for w in ws]
    assert ws[int(np.argmin(L))] == pytest.approx(target, abs=1e-3)


@pytest.mark.parametrize("checker", [exercises.check_least_squares, exercises.check_grid_evaluations,
                                     exercises.check_mse_grid])
@pytest.mark.parametrize("answer", ODD, ids=stable_id)
def test_odd_answers_never_raise(capsys, checker, answer):
    passed, out = run(capsys, checker, answer)
    assert passed is False and out.startswith("✗")


@pytest.mark.parametrize("answer", ODD, ids=stable_id)
def test_best_slope_odd_answers(capsys, answer):
    passed, out = run(capsys, exercises.check_best_slope, answer, x=[0.0, 1.0, 2.0], y=[0.0, 1.0, 2.0])
    assert passed is False and out.startswith("✗")
