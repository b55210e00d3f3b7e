"""Checkers keep their contract on their own parameters and against student
code that fights the time limit (issue 22, classes 2, 4 and 5)."""

import os
import time

import numpy as np
import pytest

from bpcore import exercises
from bpcore.exercises import _core


@pytest.mark.parametrize("call", [
    lambda: exercises.check_grid_evaluations(3e12, n=1000),
    lambda: exercises.check_grid_evaluations(1.0, n=10**9, weights=10**9),
    lambda: exercises.check_escape_fraction(0.1, batch_size=3),
    lambda: exercises.check_escape_fraction(0.1, lr="0.1"),
    lambda: exercises.check_basin(0, lr=-1),
    lambda: exercises.check_basin(0, start=None),
    lambda: exercises.check_basin(0, steps=10**12),
    lambda: exercises.check_bias_correction(0.5, t=None),
    lambda: exercises.check_bias_correction(0.5, t=2.5),
    lambda: exercises.check_huber_median_delta(2.0, y_true=None),
    lambda: exercises.check_huber_median_delta(2.0, y_true=["a", "b"]),
    lambda: exercises.check_best_constants(1, 2, 3, y_true=None),
    lambda: exercises.check_best_constants(1, 2, 3, tol=-1),
    lambda: exercises.check_momentum_beta(0.5, condition=None),
    lambda: exercises.check_minibatch_variance(0.1, n=10, batch_size=20),
    lambda: exercises.check_parameter_count(3, sizes="abc"),
    lambda: exercises.check_step_count(3, n=None),
    lambda: exercises.check_critical_learning_rate(0.4, x=float("nan")),
    lambda: exercises.check_adamw_vs_l2((1, 1), p=0),
    lambda: exercises.check_best_slope(1.0, None, None),
    lambda: exercises.check_early_stopping_epoch(1, val_loss=None),
    lambda: exercises.check_optimal_rate(0.5, condition=0.5),
])
def test_a_checker_never_raises_on_its_own_parameters(call, capsys):
    assert call() is False
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and len(out.splitlines()) >= 1
    assert "Traceback" not in out


def test_a_large_grid_is_checked_exactly(capsys):
    assert exercises.check_grid_evaluations(1e12, n=1000) is True     # raised OverflowError before
    assert exercises.check_grid_evaluations(10**12 + 1, n=1000) is False
    assert capsys.readouterr().out.splitlines()[1].endswith("it is off by one. Recount the first and the last item.")


def test_never_raises_catches_what_validation_missed(capsys):
    @_core.never_raises
    def check_broken(answer):
        raise OverflowError("int too large")

    assert check_broken(1) is False
    assert capsys.readouterr().out == ("✗ check_broken could not check this: its parameters are not usable "
                                       "(OverflowError: int too large).\n")


@pytest.mark.parametrize("answer", [
    np.array([-0.2144, 0.1753, 0.03911]) + 1j,
    ["-0.2144", "0.1753", "0.03911"],
    "[-0.2144, 0.1753, 0.03911]",
    np.array([[-0.2144], [0.1753], [0.03911]]),
    np.array([-0.2144, 0.1753, 0.03911, 0.0]),
])
def test_softmax_gradient_refuses_non_answers(answer, capsys):
    assert exercises.check_softmax_gradient(answer) is False
    assert capsys.readouterr().out.startswith("✗ grad_z")


def test_softmax_gradient_accepts_the_one_row_batch(capsys):
    """Judged valid: the chapter writes a batch of logits as rows, and the
    exercise's data is the one-row batch ``[[1, -0.5, 2]]``."""
    z = np.array([1.0, -0.5, 2.0])
    p = np.exp(z) / np.exp(z).sum()
    right = p - np.array([0.0, 1.0, 0.0])
    assert exercises.check_softmax_gradient(right.reshape(1, 3)) is True
    assert exercises.check_hidden_delta(np.array([[-1.125, -0.36]])) is True
    assert capsys.readouterr().out == "✓ grad_z is correct.\n✓ delta1 is correct.\n"


@pytest.mark.parametrize("answer", [2.5, 1.9, "2", True, 2 + 0j])
def test_an_index_must_be_a_whole_number(answer, capsys):
    val = np.array([0.7, 0.3, 0.2, 0.4])
    assert exercises.check_early_stopping_epoch(answer, val) is False
    assert capsys.readouterr().out.startswith("✗ best_epoch")


def test_integer_answers_are_echoed_as_integers(capsys):
    exercises.check_basin(0)     # the chapter's start now ends in the local minimum, 1
    exercises.check_parameter_count(1186)
    out = capsys.readouterr().out
    assert "basin = 0 is not" in out and "n_params = 1186 is not" in out
    assert "1.0" not in out and "1186.0" not in out


def swallows_everything(*args, **kwargs):
    while True:
        try:
            time.sleep(1)
        except BaseException:
            pass


@pytest.mark.skipif(not _core.ISOLATE, reason="needs os.fork")
def test_a_function_that_swallows_the_time_out_cannot_hang_the_checker(capsys):
    start = time.monotonic()
    result, problem = _core.run_student(swallows_everything, (1.0,), {}, time_limit=0.5)
    assert result is None and problem == "did not finish within 0.5 s (an endless loop?)"
    assert exercises.check_function(swallows_everything, lambda a: a, [((1.0,), {})], name="f",
                                    time_limit=0.5) is False
    assert time.monotonic() - start < 10
    assert "did not finish within 0.5 s" in capsys.readouterr().out


@pytest.mark.skipif(not _core.ISOLATE, reason="needs os.fork")
def test_the_child_process_reports_what_the_function_printed_and_its_end(capsys):
    def chatty(a):
        print("hello from the student")
        return a * 2

    assert _core.run_student(chatty, (2.0,), {}) == (4.0, None)
    assert capsys.readouterr().out == "hello from the student\n"
    assert _core.run_student(lambda: os._exit(0), (), {})[1].startswith("ended the Python process")
    assert _core.run_student(lambda: (x for x in ()), (), {})[1].startswith("returned a generator that cannot be checked")


@pytest.mark.skipif(not _core.ISOLATE, reason="needs os.fork")
def test_no_child_process_is_left_behind():
    for _ in range(5):
        _core.run_student(swallows_everything, (), {}, time_limit=0.2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_the_in_process_fallback_still_works(monkeypatch):
    monkeypatch.setattr(_core, "ISOLATE", False)
    assert _core.run_student(lambda a: a + 1, (1.0,), {}) == (2.0, None)
    assert _core.run_student(lambda: time.sleep(5), (), {}, time_limit=0.2)[1].startswith("did not finish")


def test_an_ambiguous_equal_display_shows_more_digits(capsys):
    """Two results that differ beyond 4 digits are never shown equal."""
    exercises.check_function(lambda: 0.90000001, lambda: 0.9, [((), {})], name="f", rtol=1e-12, atol=0.0)
    out = capsys.readouterr().out
    assert "returned 0.90000001, expected 0.9" in out
