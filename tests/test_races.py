"""bpcore.races: steps to tolerance, the tuning protocol, momentum's optimal
constants and the measured step sizes of the adaptive optimizers."""

import math

import numpy as np
import pytest

import bpcore as bp
from bpcore import races
from bpcore.optim import SGD, Adagrad, Adam, Momentum, RMSprop


def test_lr_grid_is_a_third_of_a_decade_apart():
    g = np.array(races.LR_GRID)
    assert len(g) == 11 and g[0] == 0.001 and g[-1] == 2.154 and 1.0 in races.LR_GRID
    np.testing.assert_allclose(np.diff(np.log10(g)), 1 / 3, atol=2e-4)


def test_descend_until_stops_at_the_tolerance_with_the_closed_form_count():
    bowl = bp.surfaces.Quadratic(condition=1.0)
    run = races.descend_until(SGD(0.1), bowl, [1.0, 0.0], 500, tol=1e-3)
    # GD on f = |x|^2/2 with lr 0.1 shrinks the distance by 0.9 per step
    assert run["steps_to_tol"] == math.ceil(math.log(1e-3) / math.log(0.9))
    assert len(run["path"]) == run["steps_to_tol"] + 1 and run["minimum"] == 0


def test_descend_until_reports_divergence_and_failure():
    bowl = bp.surfaces.Quadratic(condition=10.0)
    run = races.descend_until(SGD(0.5), bowl, [1.0, 1.0], 1000)
    assert run["steps_to_tol"] is None and run["minimum"] is None and run["final_loss"] == math.inf
    assert len(run["path"]) < 1000
    slow = races.descend_until(SGD(1e-3), bowl, [1.0, 1.0], 10)
    assert slow["steps_to_tol"] is None and len(slow["path"]) == 11


def test_descend_until_names_the_minimum_it_reached():
    well = bp.surfaces.DoubleWell(tilt=0.5)
    assert races.descend_until(SGD(0.05), well, [1.5, 0.5], 2000)["minimum"] == 1
    assert races.descend_until(SGD(0.05), well, [-1.5, 0.5], 2000)["minimum"] == 0


def test_tune_lr_picks_the_fastest_rate_and_the_cap_changes_nothing():
    bowl = bp.surfaces.Quadratic(condition=20.0, angle=0.4)
    lr, run = races.tune_lr(SGD, bowl, [-2.0, 1.5], 3000, tol=1e-5)
    full = {g: races.descend_until(SGD(g), bowl, [-2.0, 1.5], 3000, tol=1e-5)["steps_to_tol"] for g in races.LR_GRID}
    reached = {g: s for g, s in full.items() if s is not None}
    assert lr == min(reached, key=lambda g: (reached[g], g))
    assert run["steps_to_tol"] == reached[lr]


def test_markdown_table_marks_failures_and_local_minima():
    well = bp.surfaces.DoubleWell(tilt=0.5)
    table = races.race_table({"GD": SGD}, {"well": (well, [1.5, 0.5]), "slow": (bp.surfaces.Rosenbrock(), [-1.2, 1.0])},
                             20, grid=(0.05,))
    text = races.markdown_table(table, 20)
    assert text.splitlines()[0] == "| optimizer | well | slow |"
    assert text.splitlines()[2] == "| GD | >\u00a020\u00a0(local), η\u00a0=\u00a00.05 | >\u00a020, η\u00a0=\u00a00.05 |"


def test_race_table_structure():
    table = races.race_table({"GD": SGD, "Adam": Adam},
                             {"bowl": (bp.surfaces.Quadratic(condition=5.0), [1.0, 1.0])}, 300, grid=(0.01, 0.1))
    assert set(table["bowl"]) == {"GD", "Adam"}
    lr, run = table["bowl"]["GD"]
    assert lr in (0.01, 0.1) and run["steps_to_tol"] is not None


@pytest.mark.parametrize("kappa", [4.0, 10.0, 100.0, 1000.0])
def test_momentum_optimal_constants_achieve_the_predicted_rate(kappa):
    best = races.momentum_optimal(kappa)
    assert best["rate"] == pytest.approx(math.sqrt(best["beta"]))
    # the iteration matrix's spectral radius on each eigen-direction equals sqrt(beta)
    for lam in (1.0, kappa):
        M = np.array([[1 + best["beta"] - best["lr"] * lam, -best["beta"]], [1.0, 0.0]])
        assert max(abs(np.linalg.eigvals(M))) == pytest.approx(best["rate"], rel=1e-6)
    bowl = bp.surfaces.Quadratic(condition=kappa, angle=0.3)
    path = bp.landscape.descend(Momentum(best["lr"], beta=best["beta"]), bowl.grad, [1.0, 1.0], 1500)
    assert races.measured_rate(path, [0.0, 0.0]) == pytest.approx(best["rate"], rel=0.01)
    gd = bp.landscape.descend(SGD(best["gd_lr"]), bowl.grad, [1.0, 1.0], 1500)
    assert races.measured_rate(gd, [0.0, 0.0]) == pytest.approx(best["gd_rate"], rel=1e-6)


def test_measured_rate_skips_steps_at_rounding_level():
    path = np.array([[0.5**k, 0.0] for k in range(2000)])   # underflows to 0
    assert races.measured_rate(path, [0.0, 0.0]) == pytest.approx(0.5)


def test_step_sizes_follow_the_closed_forms():
    g = np.ones(300)
    t = np.arange(1, 301)
    np.testing.assert_allclose(races.step_sizes(Adagrad(0.1, eps=0.0), g), 0.1 / np.sqrt(t), rtol=1e-12)
    np.testing.assert_allclose(races.step_sizes(RMSprop(0.1, eps=0.0), g), 0.1 / np.sqrt(1 - 0.99**t), rtol=1e-10)
    np.testing.assert_allclose(races.step_sizes(Adam(0.1, eps=0.0), g), 0.1, rtol=1e-10)
    np.testing.assert_allclose(races.step_sizes(Momentum(0.1, 0.9), g), 0.1 * (1 - 0.9**t) / 0.1, rtol=1e-10)


@pytest.mark.parametrize("call, match", [
    (lambda: races.descend_until("SGD", bp.surfaces.Rosenbrock(), [0.0, 0.0], 5), "optimizer"),
    (lambda: races.descend_until(SGD(0.1), "bowl", [0.0, 0.0], 5), "surface"),
    (lambda: races.descend_until(SGD(0.1), bp.surfaces.Rosenbrock(), [0.0], 5), "x0"),
    (lambda: races.descend_until(SGD(0.1), bp.surfaces.Rosenbrock(), [0.0, 0.0], 0), "steps"),
    (lambda: races.descend_until(SGD(0.1), bp.surfaces.Rosenbrock(), [0.0, 0.0], 5, tol=0.0), "tol"),
    (lambda: races.tune_lr(SGD, bp.surfaces.Rosenbrock(), [0.0, 0.0], 5, grid=()), "grid"),
    (lambda: races.momentum_optimal(0.5), "condition"),
    (lambda: races.measured_rate(np.zeros((2, 2)), [0.0, 0.0]), "path"),
    (lambda: races.step_sizes(SGD(0.1), []), "grads"),
    (lambda: races.step_sizes(SGD(0.1), ["a"]), "grads"),
    (lambda: races.step_sizes(SGD(0.1), [1.0], x0="0"), "x0"),
    (lambda: races.measured_rate(np.ones((5, 2)), [0.0]), "minimum"),
    (lambda: races.measured_rate(np.ones((5, 2)), "ab"), "minimum"),
    (lambda: races.markdown_table({}, 10), "table"),
])
def test_invalid_arguments_raise_naming_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@pytest.mark.parametrize("center", [(0.0, 0.0), (1.0, 2.0), (100.0, -50.0), (1e4, 1e4)])
def test_measured_rate_holds_for_a_minimum_anywhere(center):
    """Issue 22: off the origin the distance stops at ~1e-16 |x*|; the rate must not see that floor."""
    bowl = bp.surfaces.Quadratic(condition=10.0, angle=0.3, center=center)
    best = races.momentum_optimal(10.0)
    x0 = np.array(center) + 1.0
    gd = bp.landscape.descend(SGD(best["gd_lr"]), bowl.grad, x0, 3000)
    assert races.measured_rate(gd, center) == pytest.approx(9 / 11, rel=1e-4)          # 0.8182
    mom = bp.landscape.descend(Momentum(best["lr"], beta=best["beta"]), bowl.grad, x0, 1500)
    # critically damped (d_t ~ t r^t): a few per cent above r = 0.5195, never near 1
    assert best["rate"] <= races.measured_rate(mom, center) <= 1.05 * best["rate"]


def test_measured_rate_chapter_exercise_moved_off_the_origin():
    best = races.momentum_optimal(100.0)
    bowl = bp.surfaces.Quadratic(condition=100.0, center=(1.0, 2.0))
    path = bp.landscape.descend(Momentum(best["lr"], beta=best["beta"]), bowl.grad, [1.0, 1.0], 600)
    assert races.measured_rate(path, [1.0, 2.0]) == pytest.approx(9 / 11, rel=0.015)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_critical_rate_is_where_the_iteration_matrix_reaches_minus_one(beta, nesterov):
    lam = 50.0
    eta_c = races.momentum_critical_rate(lam, beta, nesterov=nesterov)

    def radius(eta):
        # one direction of curvature lam: state (theta, buffer); torch's rule with g = lam * theta
        h = eta * lam
        if nesterov:
            M = np.array([[1 - h * (1 + beta), -eta * beta * beta], [lam, beta]])
        else:
            M = np.array([[1 - h, -eta * beta], [lam, beta]])
        return max(abs(np.linalg.eigvals(M)))

    assert radius(0.999 * eta_c) < 1 < radius(1.001 * eta_c)
    for eta, stable in [(0.99 * eta_c, True), (1.01 * eta_c, False)]:
        x = bp.landscape.descend(Momentum(eta, beta=beta, nesterov=nesterov), lambda x: lam * x, [1.0], 3000)
        assert (abs(x[-1, 0]) < 1) == stable


def test_nesterov_diverges_on_the_race_bowl_where_heavy_ball_converges():
    bowl = bp.surfaces.Quadratic(condition=50, angle=0.5)
    hb = races.descend_until(Momentum(0.03, beta=0.9), bowl, [-2.5, 2.0], 1000, 1e-4)
    nag = races.descend_until(Momentum(0.03, beta=0.9, nesterov=True), bowl, [-2.5, 2.0], 1000, 1e-4)
    assert hb["steps_to_tol"] is not None and nag["minimum"] is None


def test_basin_by_rate_and_its_table():
    well = bp.surfaces.DoubleWell(tilt=0.5)
    out = races.basin_by_rate({"GD": SGD, "Adam": Adam}, well, [1.8, 1.2], 1000, tol=1e-4, grid=(0.01, 0.2154, 2.154))
    assert [run["minimum"] for _, run in out["GD"]] == [1, 0, None]
    text = races.basin_markdown(out, 1000)
    lines = text.splitlines()
    assert lines[0] == "| η | 0.01 | 0.215 | 2.15 |" and lines[2].endswith("| ∞ |")
    assert lines[2].split("|")[2].strip() == "L\u00a0465"   # no ordinary space inside a cell
    with pytest.raises(ValueError, match="same grid"):
        races.basin_markdown({"a": out["GD"], "b": out["Adam"][:2]}, 1000)


def test_noisy_descent_is_reproducible_and_leaves_its_arguments_alone():
    bowl = bp.surfaces.Quadratic(condition=10.0)
    opt, sched = Momentum(0.05, beta=0.9), bp.optim.CosineAnnealingLR(0.05, T_max=100)
    a = races.noisy_descent(opt, bowl, [1.0, 1.0], 100, noise=0.5, seed=3, schedule=sched)
    b = races.noisy_descent(opt, bowl, [1.0, 1.0], 100, noise=0.5, seed=3, schedule=sched)
    assert a.shape == (101,) and np.array_equal(a, b) and opt.lr == 0.05 and opt.t == 0 and sched.t == 0
    # without noise and schedule: the plain descent
    path = bp.landscape.descend(SGD(0.1), bowl.grad, [1.0, 1.0], 20)
    np.testing.assert_allclose(races.noisy_descent(SGD(0.1), bowl, [1.0, 1.0], 20, noise=0.0),
                               bowl.value(path) - 0.0, rtol=1e-12)
    assert np.isinf(races.noisy_descent(SGD(1.0), bowl, [1.0, 1.0], 50, noise=0.0)[-1])
    with pytest.raises(TypeError, match="schedule"):
        races.noisy_descent(opt, bowl, [1.0, 1.0], 10, noise=0.1, schedule=lambda t: 0.1)
    with pytest.raises(ValueError, match="noise"):
        races.noisy_descent(opt, bowl, [1.0, 1.0], 10, noise=-1.0)


def test_rmsprop_sharpness_crosses_two_before_the_late_jump():
    """The chapter's explanation of RMSprop's loss jump on the race bowl at eta = 0.3."""
    bowl = bp.surfaces.Quadratic(condition=50, angle=0.5)
    out = races.rmsprop_sharpness(0.3, bowl, [-2.5, 2.0], 200)
    gap, sharp = out["gap"], out["sharpness"]
    low = int(np.argmin(gap[:190]))
    assert gap[low] < 1e-8 and gap[low:].max() > 1.0            # converged, then jumped back
    first = int(np.flatnonzero(sharp > 2)[0])
    assert first < low and np.all(sharp[first:low] > 2)          # unstable all the way to the jump
    # the same numbers as stepping RMSprop by hand
    path = bp.landscape.descend(RMSprop(0.3), bowl.grad, [-2.5, 2.0], 200)
    np.testing.assert_allclose(gap, bowl.value(path[1:]), rtol=1e-12, atol=1e-300)


def test_markdown_table_header_keeps_equations_whole():
    table = races.race_table({"GD": SGD}, {"bowl (κ = 50)": (bp.surfaces.Quadratic(condition=1.0), [1.0, 1.0])}, 5,
                             grid=(1.0,))
    assert races.markdown_table(table, 5).splitlines()[0] == "| optimizer | bowl (κ\u00a0=\u00a050) |"
