"""Chapter 1's by-hand and explore checkers: the right answer passes in any
container, each known mistake gets its own hint, the expected value is never
printed, and nothing a student types makes a checker raise."""

import numpy as np
import pytest

from bpcore import exercises, loss_sweep, losses

Y, P = exercises.losses.MSE_GRADIENT_DATA
FULL, HALF = 2 * (P - Y) / 3, (P - Y) / 3
Z = np.array([1.0, -0.5, 2.0])
SOFT = np.exp(Z) / np.exp(Z).sum()
GRAD_Z = SOFT - np.array([0.0, 1.0, 0.0])
JUNK = [None, ..., "0.5", 0.5 + 0j, float("nan"), [1.0, 2.0], object()]


@pytest.mark.parametrize("convert", [np.asarray, list, tuple])
def test_mse_gradient_accepts_any_container(convert, capsys):
    assert exercises.check_mse_gradient(convert(FULL), convert(HALF)) is True
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("full, half, hint", [
    (-FULL, HALF, "sign is flipped"),
    (3 * FULL, HALF, "forgot the 1/n"),
    (HALF, HALF, "That is the gradient of ½MSE"),
    (FULL, FULL, "That is the gradient of MSE"),
    (FULL, 3 * HALF, "forgot the 1/n"),
    (FULL, -HALF, "sign is flipped"),
])
def test_mse_gradient_mistakes_get_their_hints(full, half, hint, capsys):
    assert exercises.check_mse_gradient(full, half) is False
    out = capsys.readouterr().out
    assert hint in out and "-0.6667" not in out.split("is not correct")[-1]


@pytest.mark.parametrize("convert", [np.asarray, list, tuple, lambda a: np.asarray(a)[None, :]])
def test_softmax_gradient_accepts_any_container(convert, capsys):
    assert exercises.check_softmax_gradient(convert(GRAD_Z)) is True


@pytest.mark.parametrize("answer, hint", [
    (-GRAD_Z, "sign is flipped"), (SOFT, "dropped the −y_c"), (np.array([0.0, -1 / SOFT[1], 0.0]), "∂L/∂p"),
    (np.array([0.0, -1.0, 0.0]), "log-sum-exp"), (np.array([0.1, 0.2, 0.3]), "subtract 1 in the correct class"),
])
def test_softmax_gradient_mistakes_get_their_hints(answer, hint, capsys):
    assert exercises.check_softmax_gradient(answer) is False
    out = capsys.readouterr().out
    assert hint in out and "-0.9434" not in out


def test_best_constants_pass_within_the_scan_tolerance_and_name_swaps(capsys):
    assert exercises.check_best_constants(12.004, 3.0, 2.998) is True
    capsys.readouterr()
    assert exercises.check_best_constants(3.0, 12.0, 12.0) is False
    out = capsys.readouterr().out
    assert "That is the median" in out and "That is the mean, MSE's choice" in out and "the outlier's pull is capped" in out
    assert exercises.check_best_constants(12.0, 3.0, 7.5) is False
    assert "not halfway" in capsys.readouterr().out


def test_huber_median_delta(capsys):
    y = np.array([1.0, 2.0, 3.0, 4.0, 50.0])
    assert loss_sweep.best_constant(y, "huber", delta=2.0) == 3.0 < loss_sweep.best_constant(y, "huber", delta=2.2)
    assert exercises.check_huber_median_delta(2.0) is True
    capsys.readouterr()
    for wrong, hint in [(1.0, "default"), (47.0, "outlier's distance"), (38.0, "reaches the mean"), (9.0, "between the mean"),
                        (5.0, "add up clip")]:
        assert exercises.check_huber_median_delta(wrong) is False
        out = capsys.readouterr().out
        assert hint in out and "2.0" not in out


@pytest.mark.parametrize("junk", JUNK)
def test_by_hand_checkers_never_raise(junk, capsys):
    assert exercises.check_mse_gradient(junk, junk) is False
    assert exercises.check_softmax_gradient(junk) is False
    assert exercises.check_best_constants(junk, junk, junk) is False
    assert exercises.check_huber_median_delta(junk) is False
    out = capsys.readouterr().out
    assert "Traceback" not in out and "?." not in out
    if junk is None:
        assert "replace the ... with your answer" in out


def test_reference_gradients_come_from_bpcore():
    assert np.allclose(FULL, losses.mse_grad(Y, P)) and np.allclose(HALF, losses.half_mse_grad(Y, P))
