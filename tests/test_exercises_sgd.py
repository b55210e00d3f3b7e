"""Checkers of chapter 6: right answers pass, each catalogued mistake gets
its own hint, and nothing a student passes makes a checker raise."""

import numpy as np
import pytest

from bpcore import exercises
from bpcore.exercises import sgd as ex

ODD_ANSWERS = [None, ..., "0.18", 1 + 2j, float("nan"), [0.1, 0.2], object(), True]


def run(capsys, fn, *args, **kwargs):
    result = fn(*args, **kwargs)
    return result, capsys.readouterr().out


def test_minibatch_variance(capsys):
    ok, out = run(capsys, exercises.check_minibatch_variance, 90 / 99 * 2 / 10)
    assert ok and out.startswith("✓")
    ok, out = run(capsys, exercises.check_minibatch_variance, (90 / 99, 0.2 * 90 / 99)[1], n=100, batch_size=10, sigma2=2.0)
    assert ok
    hints = {
        0.2: "with replacement",
        0.9 * 0.2: "N − 1",
        90 / 99 * 2: "divided by B",
        90 / 99 * 2 / 100: "not by B²",
        2.0: "single sample",
        90 / 99 * np.sqrt(0.2): "standard deviation",
    }
    for answer, hint in hints.items():
        ok, out = run(capsys, exercises.check_minibatch_variance, answer)
        assert not ok and hint in out, (answer, out)
    ok, out = run(capsys, exercises.check_minibatch_variance, 0.31)
    assert not ok and "finite-population correction (N − B)/(N − 1)" in out
    assert "0.1818" not in out


@pytest.mark.parametrize("answer", ODD_ANSWERS)
def test_odd_answers_never_raise(capsys, answer):
    for check in (exercises.check_minibatch_variance, exercises.check_robbins_monro, exercises.check_escape_fraction):
        assert check(answer) is False
    assert exercises.check_sgd_epoch(answer) is False


def test_sgd_epoch_right_answer_and_mistakes(capsys):
    def good(w, b, x, y, lr, batch_size):
        for s in range(0, len(x), batch_size):
            xb, yb = x[s:s + batch_size], y[s:s + batch_size]
            r = 2 * (w * xb + b - yb)
            w, b = w - lr * np.mean(r * xb), b - lr * np.mean(r)
        return w, b

    ok, out = run(capsys, exercises.check_sgd_epoch, good)
    assert ok and "4 test cases" in out
    ok, _ = run(capsys, exercises.check_sgd_epoch, lambda *a: list(good(*a)))
    assert ok
    ok, _ = run(capsys, exercises.check_sgd_epoch, lambda *a: np.array(good(*a)))
    assert ok
    for mistake in ex._SGD_EPOCH_MISTAKES:
        ok, out = run(capsys, exercises.check_sgd_epoch, mistake.answer)
        assert not ok and mistake.hint in out

    def divides_by_B(w, b, x, y, lr, batch_size):     # the last, smaller batch divided by B
        for s in range(0, len(x), batch_size):
            xb, yb = x[s:s + batch_size], y[s:s + batch_size]
            r = 2 * (w * xb + b - yb)
            w, b = w - lr * np.sum(r * xb) / batch_size, b - lr * np.sum(r) / batch_size
        return w, b

    ok, out = run(capsys, exercises.check_sgd_epoch, divides_by_B)
    assert not ok and "divide by its own size" in out
    ok, out = run(capsys, exercises.check_sgd_epoch, lambda *a: None)
    assert not ok and "return" in out
    ok, out = run(capsys, exercises.check_sgd_epoch, lambda *a: 1 / 0)
    assert not ok


def test_robbins_monro(capsys):
    for answer in ([0.75, 1.0], (1.0, 0.75), {0.75, 1}, np.array([0.75, 1.0])):
        ok, _ = run(capsys, exercises.check_robbins_monro, answer)
        assert ok
    hints = {
        (0.5, 0.75, 1.0): "p = 1/2",
        (0.75, 1.0, 1.5): "p = 1.5",
        (0.25, 0.75, 1.0): "p = 1/4",
        (0.75,): "p = 1 is the classic",
        (1.0,): "p = 3/4",
        (0.8, 1.0): "Choose among",
    }
    for answer, hint in hints.items():
        ok, out = run(capsys, exercises.check_robbins_monro, list(answer))
        assert not ok and hint in out, (answer, out)


def test_escape_fraction(capsys):
    expected = ex._escape_fraction(2, 0.05)
    ok, _ = run(capsys, exercises.check_escape_fraction, expected)
    assert ok
    ok, out = run(capsys, exercises.check_escape_fraction, ex._escape_fraction(2, 0.1))
    assert not ok and "η = 0.1" in out
    ok, out = run(capsys, exercises.check_escape_fraction, 100 * expected)
    assert not ok and "percentage" in out
