"""Chapter 5's by-hand and explore checkers: right answers pass, each known
mistake gets its hint, the expected value is never printed, junk never raises."""

import numpy as np
import pytest

from bpcore import exercises

JUNK = [None, ..., "0.5", 0.5 + 0j, float("nan"), [1.0, 2.0], object(), True]


def test_bias_step(capsys):
    assert exercises.check_bias_step(-1.5, -0.35) is True
    assert exercises.check_bias_step(np.float64(-1.5), np.array(-0.35)) is True
    capsys.readouterr()
    for (g, b), hint in [((1.5, -0.35), "sign is flipped"), ((-3.0, -0.35), "½ cancels the 2"), ((1.125, -0.35), "loss L itself"),
                         ((-1.5, -0.65), "uphill"), ((-1.5, 1.0), "forgot the learning rate"), ((-1.5, -0.2), "gradient of (y − ŷ)²")]:
        assert exercises.check_bias_step(g, b) is False
        out = capsys.readouterr().out
        assert hint in out


def test_bias_step_at_another_input(capsys):
    # x = 2: ŷ = 3.5, so ∂L/∂b = −(3 − 3.5) = 0.5 and b_new = −0.5 − 0.1·0.5 = −0.55.
    assert exercises.check_bias_step(0.5, -0.55, x=2.0) is True
    capsys.readouterr()
    for (g, b), hint in [((-1.5, -0.55), "input x = 1"), ((0.5, -0.35), "input x = 1"), ((-0.5, -0.55), "sign is flipped"),
                         ((0.5, -0.45), "uphill")]:
        assert exercises.check_bias_step(g, b, x=2.0) is False
        out = capsys.readouterr().out
        assert hint in out and "-0.55" not in out.replace("my_b_new = -0.55", "")


@pytest.mark.parametrize("wrong, hint", [(0.2, "1/λ_max"), (0.5, "forgot the bias"), (1.0, "x = 1"), (5.0, "λ_max itself"),
                                         (0.9, "Write the Hessian")])
def test_critical_rate_mistakes(wrong, hint, capsys):
    assert exercises.check_critical_learning_rate(wrong, x=2.0) is False
    out = capsys.readouterr().out
    assert hint in out and "0.4" not in out


def test_critical_rate_accepts_containers_of_one_number(capsys):
    assert exercises.check_critical_learning_rate(np.float32(0.4), x=2.0) is True
    assert exercises.check_critical_learning_rate(2 / 5) is True


@pytest.mark.parametrize("wrong, hint", [(1.0, "critical rate"), (0.1, "chapter's learning rate"), (2.0, "λ_max itself")])
def test_one_step_rate(wrong, hint, capsys):
    assert exercises.check_one_step_rate(0.5) is True
    capsys.readouterr()
    assert exercises.check_one_step_rate(wrong) is False
    out = capsys.readouterr().out
    assert hint in out and "0.5" not in out.split("is not correct")[-1]
    assert exercises.check_one_step_rate(0.25, x=2.0) is False
    assert "forgets the bias" in capsys.readouterr().out
    assert exercises.check_one_step_rate(0.2, x=2.0) is True


@pytest.mark.parametrize("wrong, hint", [(0.5, "claimed / true"), (-2.0, "same sign"), (1.0, "passes would give 1"), (3.0, "divide it by the value of eq-chain-w")])
def test_gradient_ratio(wrong, hint, capsys):
    assert exercises.check_gradient_ratio(1.9999999999835) is True
    capsys.readouterr()
    assert exercises.check_gradient_ratio(wrong) is False
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("junk", JUNK)
def test_checkers_never_raise(junk, capsys):
    assert exercises.check_bias_step(junk, junk) is False
    assert exercises.check_critical_learning_rate(junk) is False
    assert exercises.check_one_step_rate(junk) is False
    assert exercises.check_gradient_ratio(junk) is False
    assert exercises.check_one_step_rate(0.5, x=junk) is (junk is True and False)
    out = capsys.readouterr().out
    assert "?." not in out


def test_neuron_step_accepts_an_ndarray_and_a_list(capsys):
    def as_array(W, b, x, y, lr):
        r = y - (W * x + b)
        return np.array([W + lr * r * x, b + lr * r])

    assert exercises.check_neuron_step(as_array) is True
    assert exercises.check_neuron_step(lambda *a: list(as_array(*a))) is True
    assert exercises.check_neuron_step(lambda *a: None) is False
    assert "did you forget a `return`" in capsys.readouterr().out
