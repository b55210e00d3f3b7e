"""Checkers of chapter 7: right answers pass, each catalogued mistake gets
its own hint, and nothing a student passes makes a checker raise."""

import numpy as np
import pytest

import bpcore as bp
from bpcore import exercises
from bpcore.exercises import optimizers as ex

ODD_ANSWERS = [None, ..., "0.5", 1 + 2j, float("nan"), [0.1, 0.2, 0.3], object(), True]


def run(capsys, fn, *args, **kwargs):
    result = fn(*args, **kwargs)
    return result, capsys.readouterr().out


@pytest.mark.parametrize("answer", ODD_ANSWERS)
def test_odd_answers_never_raise(answer):
    for check in (exercises.check_bias_correction, exercises.check_momentum_beta,
                  exercises.check_adamw_vs_l2, exercises.check_adam_step):
        assert check(answer) is False


def test_bias_correction(capsys):
    ok, out = run(capsys, exercises.check_bias_correction, 0.542)
    assert ok
    hints = {2.0: "bias-corrected", 0.729 * 2: "weight left on the zero start", 0.271: "Multiply by the gradient",
             0.6: "discounted", 0.2: "m_1"}
    for answer, hint in hints.items():
        ok, out = run(capsys, exercises.check_bias_correction, answer)
        assert not ok and hint in out, (answer, out)
    ok, out = run(capsys, exercises.check_bias_correction, 0.7)
    assert not ok and "geometric series" in out and "0.542" not in out


def test_momentum_beta(capsys):
    ok, _ = run(capsys, exercises.check_momentum_beta, (9 / 11) ** 2)
    assert ok
    hints = {9 / 11: "convergence rate", (99 / 101) ** 2: "√κ, not κ", 99 / 101: "plain gradient descent", 0.9: "default"}
    for answer, hint in hints.items():
        ok, out = run(capsys, exercises.check_momentum_beta, answer)
        assert not ok and hint in out, (answer, out)
    ok, _ = run(capsys, exercises.check_momentum_beta, ((np.sqrt(10) - 1) / (np.sqrt(10) + 1)) ** 2, condition=10)
    assert ok


def test_adam_step_reference_equals_bpcore_adam():
    opt = bp.optim.Adam(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-3)
    p, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t in range(1, 6):
        g = np.array([0.3 * t, -1.0])
        expected = opt.step(p, g)
        p, m, v = ex._adam_reference(p, g, m, v, t, 0.05, 0.8, 0.99, 1e-3)
        np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_adam_step_right_answer_and_mistakes(capsys):
    def good(p, g, m, v, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        return p - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v

    ok, out = run(capsys, exercises.check_adam_step, good)
    assert ok
    for mistake in ex._ADAM_MISTAKES:
        ok, out = run(capsys, exercises.check_adam_step, mistake.answer)
        assert not ok and mistake.hint in out, (mistake.hint, out)
    ok, out = run(capsys, exercises.check_adam_step, lambda *a: None)
    assert not ok and "return" in out


def test_adamw_vs_l2(capsys):
    ok, _ = run(capsys, exercises.check_adamw_vs_l2, (1.998, 1.99))
    assert ok
    ok, _ = run(capsys, exercises.check_adamw_vs_l2, np.array([1.998, 1.99]))
    assert ok
    hints = {(1.99, 1.998): "swapped", (1.998, 1.998): "is not a shrink", (1.99, 1.99): "does not pass the decay",
             (2.0 - 0.001, 1.99): "proportional to p"}
    for answer, hint in hints.items():
        ok, out = run(capsys, exercises.check_adamw_vs_l2, answer)
        assert not ok and hint in out, (answer, out)
    # the reference agrees with bp.optim
    adamw = bp.optim.AdamW(lr=0.01, weight_decay=0.1).step(2.0, 0.0)
    l2 = bp.optim.Adam(lr=0.01).step(2.0, 0.1 * 2.0)
    ok, _ = run(capsys, exercises.check_adamw_vs_l2, (adamw, l2))
    assert ok
