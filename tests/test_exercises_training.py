"""Chapter 8's checkers: right answers pass, every catalogued mistake gets
its own hint, and nothing a student passes makes a checker raise."""

import numpy as np
import pytest

from bpcore import exercises
from bpcore.exercises import training as checks
from param_ids import stable_id

VAL = np.array([0.70, 0.40, 0.30, 0.25, 0.35, 0.60])
TRAIN = np.array([0.70, 0.35, 0.20, 0.10, 0.05, 0.01])

# (checker called with the answer, the right answer)
VALUE_CHECKERS = {
    # not the chapter's [2, 32, 32, 2]: there, one bias per input unit happens to give the right total
    "parameter_count": (lambda a: exercises.check_parameter_count(a, sizes=[2, 16, 8, 3]), 211),
    "step_count": (lambda a: exercises.check_step_count(a, n=300, batch_size=32, epochs=150), 1500),
    "early_stopping": (lambda a: exercises.check_early_stopping_epoch(a, VAL, train_loss=TRAIN), 3),
}

VALUE_MISTAKES = {
    "parameter_count": [
        (2 * 16 + 16 * 8 + 8 * 3, "weights only"),
        (2 * 16 + 2 + 16 * 8 + 16 + 8 * 3 + 8, "per *output* unit"),
        (3 * 17 + 17 * 9 + 9 * 4, "extra 'bias input'"),
        (29, "number of units"),
        (2 * 16 * 8 * 3, "multiplying all sizes"),
    ],
    "step_count": [(1350, "round n/B up, not down"), (1406.25, "the count is an integer"), (45000, "one step per sample"),
                   (150, "full-batch training")],
    "early_stopping": [(5, "*training* loss"), (4, "hint-free"), (0, "validation loss is highest"),
                       (4, "do not add 1")],
}


@pytest.mark.parametrize("name", sorted(VALUE_CHECKERS))
@pytest.mark.parametrize("form", [int, float, np.float64, lambda v: np.array(v)])
def test_right_value_passes(name, form, capsys):
    check, right = VALUE_CHECKERS[name]
    assert check(form(right)) is True
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("name, wrong, hint", [(n, w, h) for n, ms in VALUE_MISTAKES.items() for w, h in ms
                                               if h != "hint-free"])
def test_each_known_mistake_gets_its_hint(name, wrong, hint, capsys):
    check, right = VALUE_CHECKERS[name]
    assert check(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and hint in out
    assert str(right) not in out.split("Hint:")[0].replace(str(wrong), "")   # the answer is never revealed


def test_chapter_parameter_count(capsys):
    assert exercises.check_parameter_count(1218, sizes=[2, 32, 32, 2]) is True
    assert exercises.check_parameter_count(1152, sizes=[2, 32, 32, 2]) is False
    assert "weights only" in capsys.readouterr().out


def test_early_stopping_distinguishes_last_epoch_from_training_minimum(capsys):
    # training minimum at the last epoch: the "training loss" hint wins (it comes first)
    assert exercises.check_early_stopping_epoch(5, VAL, train_loss=TRAIN) is False
    assert "*training* loss" in capsys.readouterr().out
    assert exercises.check_early_stopping_epoch(5, VAL) is False
    assert "last epoch" in capsys.readouterr().out


ODD_VALUES = [None, Ellipsis, "3", 1 + 2j, float("nan"), float("inf"), [1, 2], {"a": 1}, True]


@pytest.mark.parametrize("name", sorted(VALUE_CHECKERS))
@pytest.mark.parametrize("odd", ODD_VALUES, ids=stable_id)
def test_odd_values_never_raise(name, odd, capsys):
    check, _ = VALUE_CHECKERS[name]
    assert check(odd) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and out.count("\n") == 1


@pytest.mark.parametrize("sizes", [None, [3], "abc", [2, 0, 1]])
def test_parameter_count_with_bad_sizes_reports(sizes, capsys):
    assert exercises.check_parameter_count(10, sizes=sizes) is False
    assert capsys.readouterr().out.startswith("✗ ")


@pytest.mark.parametrize("val", [None, [], "x", [[1.0, 2.0]], [np.nan, np.nan]])
def test_early_stopping_with_bad_curve_reports(val, capsys):
    assert exercises.check_early_stopping_epoch(1, val) is False
    assert capsys.readouterr().out.startswith("✗ ")


def test_step_count_with_bad_setup_reports(capsys):
    assert exercises.check_step_count(10, n=0) is False
    assert exercises.check_step_count(10, n="many") is False
    assert capsys.readouterr().out.count("✗ ") == 2


# -- implement-exercises ----------------------------------------------------------

def right_rates(lr_min, lr_max, steps):
    return list(lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1)))


def right_filter_normalize(d, W):
    return d * np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0)


FUNCTION_CHECKERS = {
    "range": (exercises.check_range_test_rates, right_rates, [m.answer for m in checks._RANGE_MISTAKES],
              [m.hint for m in checks._RANGE_MISTAKES]),
    "filter": (exercises.check_filter_normalize, right_filter_normalize, [m.answer for m in checks._FILTER_MISTAKES],
               [m.hint for m in checks._FILTER_MISTAKES]),
}


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKERS))
def test_right_function_passes(name, capsys):
    check, right, _, _ = FUNCTION_CHECKERS[name]
    assert check(right) is True
    assert capsys.readouterr().out.startswith("✓ ")


@pytest.mark.parametrize("name, index", [(n, i) for n, v in FUNCTION_CHECKERS.items() for i in range(len(v[2]))])
def test_each_known_function_mistake_gets_its_hint(name, index, capsys):
    check, _, wrongs, hints = FUNCTION_CHECKERS[name]
    assert check(wrongs[index]) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and hints[index] in out


def stub(*args, **kwargs):
    ...


@pytest.mark.parametrize("name", sorted(FUNCTION_CHECKERS))
@pytest.mark.parametrize("candidate", [stub, None, "def f(): pass", lambda *a: "0.5", lambda *a: 1 + 2j,
                                       lambda *a: float("nan"), lambda *a: 1 / 0], ids=lambda c: repr(c)[:20])
def test_odd_functions_never_raise(name, candidate, capsys):
    check = FUNCTION_CHECKERS[name][0]
    assert check(candidate) is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and out.count("\n") == 1


def test_stub_gets_the_did_you_return_hint(capsys):
    exercises.check_range_test_rates(stub)
    assert "None" in capsys.readouterr().out


def test_filter_normalize_agrees_with_random_direction():
    W = np.random.default_rng(0).standard_normal((3, 5))
    d = np.random.default_rng(1).standard_normal((3, 5))
    from bpcore import landscape
    assert np.allclose(checks._filter_normalize(d, W), landscape.random_direction([W], seed=1)[0])
