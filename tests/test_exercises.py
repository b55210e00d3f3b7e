"""bpcore.exercises: checkers accept right answers, explain wrong ones, and
never raise, whatever a student passes."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import bpcore as bp
from bpcore import exercises


def correct_mse(y_true, y_pred):
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))


def correct_huber(y_true, y_pred, delta=1.0):
    r = np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))


def correct_log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def correct_neuron_step(W, b, x, y, lr):
    r = y - (W * x + b)
    return W + lr * r * x, b + lr * r


FUNCTION_CHECKERS = {
    "mse": (exercises.check_mse, correct_mse),
    "huber": (exercises.check_huber, correct_huber),
    "log_softmax": (exercises.check_log_softmax, correct_log_softmax),
    "neuron_step": (exercises.check_neuron_step, correct_neuron_step),
}


def stub(*args, **kwargs):
    ...  # the student edition's "your code here"


def raises(*args, **kwargs):
    raise ZeroDivisionError("boom")


class Weird:
    def __repr__(self):
        raise RuntimeError("broken repr")

    def __array__(self, *args, **kwargs):
        raise RuntimeError("broken array")


WRONG_FUNCTIONS = {
    "stub returning None": stub,
    "raises": raises,
    "wrong arity": lambda a: 0.0,
    "returns a string": lambda *a, **k: "0.5",
    "returns NaN": lambda *a, **k: float("nan"),
    "returns inf array": lambda *a, **k: np.full(3, np.inf),
    "returns a list of strings": lambda *a, **k: ["a", "b"],
    "returns an odd object": lambda *a, **k: Weird(),
    "returns a bool": lambda *a, **k: True,
    "returns a dict": lambda *a, **k: {"loss": 1.0},
    "returns a huge shape": lambda *a, **k: np.zeros((100, 100)),
    "modifies its input then errs": lambda y, *a, **k: np.asarray(y).fill(0) or 0.0,
    "returns a complex number": lambda *a, **k: 1 + 2j,
}
NOT_FUNCTIONS = {"None": None, "an int": 3, "a string": "def f(): pass", "NaN": float("nan"), "an array": np.zeros(3), "an odd object": Weird()}


@pytest.mark.parametrize("checker", sorted(FUNCTION_CHECKERS))
def test_a_correct_function_passes_with_a_tick(checker, capsys):
    check, correct = FUNCTION_CHECKERS[checker]
    assert check(correct) is True
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("checker", sorted(FUNCTION_CHECKERS))
@pytest.mark.parametrize("wrong", sorted(WRONG_FUNCTIONS))
def test_a_wrong_function_fails_with_a_message_and_never_raises(checker, wrong, capsys):
    check, _ = FUNCTION_CHECKERS[checker]
    assert check(WRONG_FUNCTIONS[wrong]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and out.count("\n") == 1


# Plausible student slips: each must be rejected with the case that exposes it.
def huber_without_half_delta(y_true, y_pred, delta=1.0):
    r = np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * r)))


def huber_ignoring_delta(y_true, y_pred, delta=1.0):
    return correct_huber(y_true, y_pred)          # always delta = 1


def log_softmax_over_axis_0(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def neuron_step_with_sign_error(W, b, x, y, lr):
    r = y - (W * x + b)
    return W - lr * r * x, b - lr * r               # steps uphill


NEAR_MISSES = {
    "huber without the ½δ term": (
        exercises.check_huber, huber_without_half_delta,
        "my_huber(3.0, 1.5) returned 1.5, expected 1.0."),
    "huber ignoring delta": (
        exercises.check_huber, huber_ignoring_delta,
        "my_huber([0.0, 0.0], [0.5, 10.0], delta=2.0) returned 4.8125, expected 9.0625."),
    "log_softmax over axis 0": (
        exercises.check_log_softmax, log_softmax_over_axis_0,
        "my_log_softmax(<array of shape (4, 5)>) returned an array of shape (4, 5) whose entry (0, 0) is"),
    "neuron step with a sign error": (
        exercises.check_neuron_step, neuron_step_with_sign_error,
        "my_neuron_step(2.0, -0.5, 2.0, 3.0, 0.1) (item 0 of the tuple) returned 2.1, expected 1.9."),
}


@pytest.mark.parametrize("slip", sorted(NEAR_MISSES))
def test_near_miss_answers_are_rejected_with_the_exposing_case_and_a_hint(slip, capsys):
    check, wrong, message = NEAR_MISSES[slip]
    assert check(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ " + message), out
    assert " Hint: " in out and out.count("\n") == 1


def test_a_large_wrong_array_is_reported_by_its_first_wrong_entry(capsys):
    expected = np.arange(12.0).reshape(3, 4)
    wrong = expected.copy()
    wrong[1, 2] = -1.0
    assert exercises.check_function(lambda: wrong, lambda: expected, [((), {})], name="f") is False
    assert capsys.readouterr().out == "✗ f() returned an array of shape (3, 4) whose entry (1, 2) is -1.0, expected 6.0.\n"


def test_a_by_hand_answer_never_reveals_the_expected_value(capsys):
    assert exercises.check_value(0.75, 0.4, name="eta_max", hint="Write the Hessian.") is False
    out = capsys.readouterr().out
    assert out == "✗ eta_max = 0.75 is not correct. Hint: Write the Hessian.\n"
    assert "0.4" not in out


@pytest.mark.parametrize("checker", sorted(FUNCTION_CHECKERS))
@pytest.mark.parametrize("thing", sorted(NOT_FUNCTIONS))
def test_a_non_function_is_named_as_such(checker, thing, capsys):
    check, _ = FUNCTION_CHECKERS[checker]
    assert check(NOT_FUNCTIONS[thing]) is False
    expected = "is not defined yet (got None)" if thing == "None" else "is not a function"
    assert expected in capsys.readouterr().out


def test_messages_say_what_was_wrong_and_hint(capsys):
    exercises.check_mse(stub)
    assert "returned None: did you forget a `return`" in capsys.readouterr().out
    exercises.check_mse(lambda y, p: np.zeros(3))
    assert "returned shape (3,), expected a single number" in capsys.readouterr().out
    exercises.check_mse(lambda y, p: float(np.mean(np.abs(np.asarray(y) - p))))
    out = capsys.readouterr().out
    assert "my_mse(3.0, 1.5) returned 1.5, expected 2.25" in out and "Hint: That is the MAE" in out
    exercises.check_mse(lambda y, p: float(np.exp(np.mean(np.asarray(y) - p))))   # nobody predicted this
    assert "Hint: Square the residuals" in capsys.readouterr().out
    exercises.check_huber(raises)
    assert "raised ZeroDivisionError: boom" in capsys.readouterr().out


def test_naive_log_softmax_fails_on_large_logits(capsys):
    def naive(z):
        e = np.exp(z)
        return np.log(e / e.sum(axis=-1, keepdims=True))

    assert exercises.check_log_softmax(naive) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ my_log_softmax([998.0, 1000.0, 1003.0]) returned [nan, nan, nan], which is not finite")
    assert "subtract the largest logit" in out


def test_a_function_that_mutates_its_inputs_is_reported(capsys):
    calls = []

    def mutating(y_true, y_pred):
        value = correct_mse(y_true, y_pred)
        if isinstance(y_pred, np.ndarray):
            y_pred[...] = 0.0
        calls.append(1)
        return value

    assert exercises.check_mse(mutating) is False
    assert "modified its argument 2 in place" in capsys.readouterr().out


def test_reference_values_come_from_bpcore(capsys):
    assert exercises.check_neuron_step(correct_neuron_step) is True
    assert exercises.check_value(bp.losses.half_mse(3.0, 1.5), 1.125, name="L") is True


@pytest.mark.parametrize(
    "answer, ok",
    [(0.4, True), (np.float64(0.4), True), (np.array(0.4), True), ("0.4", False), (None, False), (float("nan"), False),
     (np.array([0.4, 0.4]), False), (2 / 3, False), (True, False), ([0.4], False), (Weird(), False)],
)
def test_learning_rate_bound_answers(answer, ok, capsys):
    assert exercises.check_critical_learning_rate(answer) is ok
    out = capsys.readouterr().out
    assert out.startswith("✓ " if ok else "✗ ")


def test_check_value_hint_and_none_message(capsys):
    assert exercises.check_value(None, 2.15, name="W_new", hint="W - lr*g") is False
    assert capsys.readouterr().out == "✗ W_new is None: replace the ... with your answer. Hint: W - lr*g.\n"


def test_check_function_accepts_tuples_and_names_the_wrong_item(capsys):
    assert exercises.check_neuron_step(lambda W, b, x, y, lr: (2.15, 0.0)) is False
    assert "(item" in capsys.readouterr().out


anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
    st.lists(st.floats(allow_nan=True), max_size=4), st.tuples(st.floats(), st.floats()),
    st.builds(np.zeros, st.tuples(st.integers(0, 3), st.integers(0, 3))), st.complex_numbers(),
)


@given(anything)
def test_check_value_never_raises(answer):
    assert isinstance(exercises.check_value(answer, 1.125), bool)
    assert isinstance(exercises.check_critical_learning_rate(answer, x=1.0), bool)


@given(anything)
def test_function_checkers_never_raise_whatever_the_function_returns(result):
    # A constant cannot be right for every case of any checker: each one has
    # cases whose reference answers differ in value or shape.
    for check, _ in FUNCTION_CHECKERS.values():
        assert check(lambda *a, **k: result) is False


@given(st.one_of(st.none(), st.text(max_size=3), st.floats(allow_nan=True)))
def test_learning_rate_bound_with_a_bad_x_does_not_raise(x):
    assert exercises.check_critical_learning_rate(0.4, x=x) is False


def test_nothing_a_student_function_does_escapes(capsys):
    import sys

    assert exercises.check_mse(lambda y, p: sys.exit(0)) is False
    assert "raised SystemExit" in capsys.readouterr().out
    assert exercises.check_mse(lambda y, p: (_ for _ in ()).throw(KeyboardInterrupt())) is False
    assert "raised KeyboardInterrupt" in capsys.readouterr().out


def test_a_student_function_that_never_returns_is_stopped(capsys):
    def forever(y_true, y_pred):
        while True:
            pass

    assert exercises.check_function(forever, bp.losses.mse, [((1.0, 2.0), {})], name="f", time_limit=0.2) is False
    assert "did not finish within 0.2 s" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [0.4 + 0j, "0.4", b"0.4", np.array(0.4 + 0j), [0.4 + 0j], np.array(["0.4"])])
def test_complex_and_string_answers_are_never_accepted(answer, capsys):
    assert exercises.check_critical_learning_rate(answer, x=2.0) is False
    assert exercises.check_function(lambda: answer, lambda: 0.4, [((), {})]) is False


def test_known_learning_rate_mistakes_get_their_own_hints(capsys):
    hints = {}
    for wrong in (1 / 5, 2 / 4, 1.0, 5.0, 0.9):
        assert exercises.check_critical_learning_rate(wrong, x=2.0) is False
        hints[wrong] = capsys.readouterr().out
    assert "1/λ_max" in hints[1 / 5] and "forgot the bias" in hints[2 / 4]
    assert "x = 1" in hints[1.0] and "λ_max itself" in hints[5.0]
    assert "Write the Hessian" in hints[0.9]
    assert not any("0.4" in text for text in hints.values())


# -- gaps found in review (issue 8) ------------------------------------------

@pytest.mark.parametrize("x", [np.array(2.0), np.float32(2.0), np.int64(2)])
def test_checker_keyword_arguments_accept_0d_arrays_and_numpy_scalars(x, capsys):
    assert exercises.check_critical_learning_rate(0.4, x=x) is True
    assert exercises.check_critical_learning_rate(np.array(0.4), x=x) is True
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("answer", [np.complex128(0.4), np.array(0.4 + 0j), np.str_("0.4"), np.array("0.4"),
                                    b"0.4", [0.4 + 0j]])
def test_numpy_complex_and_string_answers_are_never_accepted(answer, capsys):
    assert exercises.check_critical_learning_rate(answer, x=2.0) is False
    assert capsys.readouterr().out.startswith("✗ ")


def test_a_correct_function_that_mutates_gets_the_mutation_message_not_a_mistake_hint(capsys):
    def correct_but_mutates(y_true, y_pred):
        value = correct_mse(y_true, y_pred)
        if isinstance(y_true, np.ndarray) and y_true.ndim:
            y_true += 1.0
        return value

    assert exercises.check_mse(correct_but_mutates) is False
    out = capsys.readouterr().out
    assert "modified its argument 1 in place" in out
    assert "summed the squares" not in out   # the value was right: no wrong-value hint


@pytest.mark.parametrize("answer, verdict", [(2 / 11, "✓"), (0.1818, "✓"), (0.182, "✓"), (0.18, "digits it has"), (0.2, "not correct")])
def test_a_by_hand_answer_counts_to_three_significant_digits(answer, verdict, capsys):
    passed = exercises.check_value(answer, 2 / 11, name="v", hint="Use the correction.")
    out = capsys.readouterr().out
    assert passed is (verdict == "✓")
    assert verdict in out
    assert passed or "0.1818" not in out   # a wrong answer never sees the expected value
