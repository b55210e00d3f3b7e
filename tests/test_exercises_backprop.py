"""Chapter 4 checkers: right answers pass, every catalogued mistake gets its
own hint, and nothing a student passes makes a checker raise."""

import numpy as np
import pytest

from bpcore import exercises, losses
from bpcore.exercises import backprop as ex


def correct_softmax_ce_backward(logits, labels):
    Z = np.asarray(logits, dtype=float)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(Z)), labels] -= 1.0
    return P / len(Z)


def correct_backward(X, Y, W1, b1, W2, b2):
    H = np.tanh(X @ W1 + b1)
    delta2 = (H @ W2 + b2 - Y) / Y.size
    delta1 = (delta2 @ W2.T) * (1.0 - H ** 2)
    return X.T @ delta1, delta1.sum(axis=0), H.T @ delta2, delta2.sum(axis=0)


def stub(*args, **kwargs):
    ...  # your code here


FUNCTION_CHECKERS = {
    "softmax_ce": (exercises.check_softmax_ce_backward, correct_softmax_ce_backward),
    "fixed_backward": (exercises.check_fixed_backward, correct_backward),
}
WRONG = {
    "stub": stub,
    "raises": lambda *a: 1 / 0,
    "string": lambda *a: "grad",
    "nan": lambda *a: float("nan"),
    "complex": lambda *a: 1 + 2j,
    "wrong arity": lambda a: a,
    "modifies input": lambda X, *a: np.asarray(X).fill(0.0),
}


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKERS))
def test_correct_function_passes(name, capsys):
    check, correct = FUNCTION_CHECKERS[name]
    assert check(correct) is True
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKERS))
@pytest.mark.parametrize("wrong", sorted(WRONG))
def test_wrong_functions_fail_without_raising(name, wrong, capsys):
    check, _ = FUNCTION_CHECKERS[name]
    assert check(WRONG[wrong]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and out.count("\n") == 1


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKERS))
@pytest.mark.parametrize("value", [None, 3, "def f(): pass"])
def test_non_functions_fail_without_raising(name, value, capsys):
    check, _ = FUNCTION_CHECKERS[name]
    assert check(value) is False
    assert capsys.readouterr().out.startswith("✗ ")


def test_stub_gets_the_did_you_return_hint(capsys):
    exercises.check_softmax_ce_backward(stub)
    assert "forget a `return`" in capsys.readouterr().out


@pytest.mark.parametrize("index", range(len(ex._SOFTMAX_CE_MISTAKES)))
def test_each_softmax_ce_mistake_gets_its_hint(index, capsys):
    mistake = ex._SOFTMAX_CE_MISTAKES[index]
    assert exercises.check_softmax_ce_backward(mistake.answer) is False
    assert mistake.hint in capsys.readouterr().out


@pytest.mark.parametrize("index", range(len(ex._BACKWARD_MISTAKES)))
def test_each_backward_mistake_gets_its_hint(index, capsys):
    mistake = ex._BACKWARD_MISTAKES[index]
    assert exercises.check_fixed_backward(mistake.answer) is False
    assert mistake.hint in capsys.readouterr().out


def test_the_chapters_buggy_backward_is_recognised(capsys):
    def buggy_backward(X, Y, W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        H = np.tanh(Z1)
        delta2 = (H @ W2 + b2 - Y) / Y.size
        delta1 = (delta2 @ W2.T) * (1.0 - Z1 ** 2)
        return X.T @ delta1, delta1.sum(axis=0), H.T @ delta2, delta2.sum(axis=0)

    assert exercises.check_fixed_backward(buggy_backward) is False
    assert "still the bug" in capsys.readouterr().out


def test_softmax_ce_reference_is_the_library_gradient():
    Z, y = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), np.array([1, 2])
    assert np.allclose(correct_softmax_ce_backward(Z, y), losses.softmax_cross_entropy_grad(y, Z))


# -- by-hand and exploration answers ------------------------------------------------

@pytest.mark.parametrize("answer", [[-1.125, -0.36], (-1.125, -0.36), np.array([-1.125, -0.36])])
def test_hidden_delta_accepts_list_tuple_array(answer, capsys):
    assert exercises.check_hidden_delta(answer) is True
    assert capsys.readouterr().out.startswith("✓ ")


def test_hidden_delta_each_mistake_gets_its_hint_and_the_answer_is_never_shown(capsys):
    g = ex.HIDDEN_DELTA_GIVENS
    for mistake in ex._hidden_delta_mistakes(g["delta2"], g["W2"], g["h"]):
        assert exercises.check_hidden_delta(mistake.answer) is False
        out = capsys.readouterr().out
        assert mistake.hint in out and "-1.125" not in out and "-0.36" not in out  # the expected value is never shown


def test_relu_gain_accepts_rounded_values_and_hints_mistakes(capsys):
    """The leaky-ReLU gain sqrt(2 / (1 + 0.2^2)) = 1.3868 to three digits passes; He's sqrt 2 does not."""
    for good in (1.39, 1.387, (2 / 1.04) ** 0.5):
        assert exercises.check_relu_gain(good) is True
    capsys.readouterr()
    for wrong, words in [(1.0, "Xavier"), (2 ** 0.5, "He's gain"), (1.414, "He's gain"), ((2 / 1.2) ** 0.5, "α²"),
                         (2 / 1.04, "square root"), (2.0, "standard deviation")]:
        assert exercises.check_relu_gain(wrong) is False
        out = capsys.readouterr().out
        assert words in out and "1.38" not in out and "1.39" not in out   # the expected value is never shown
    assert exercises.check_relu_gain(0.5) is False
    assert "slope α = 0.2" in capsys.readouterr().out


@pytest.mark.parametrize("check", [exercises.check_hidden_delta, exercises.check_relu_gain])
@pytest.mark.parametrize("value", [None, ..., "1.41", 1 + 2j, float("nan"), [1.0, 2.0, 3.0], True, object()])
def test_by_hand_checkers_never_raise(check, value, capsys):
    assert check(value) is False
    assert capsys.readouterr().out.startswith("✗ ")
