"""Tests for bpcore.optim: hand-computed steps, closed forms, convergence,
step-by-step agreement with torch.optim, structures, and errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bpcore import optim
from bpcore.optim import SGD, Adagrad, Adam, AdamW, Momentum, RMSprop


# ---------------------------------------------------------------------------
# Hand-computed first and second steps
# ---------------------------------------------------------------------------

def test_sgd_worked_example():
    # Seed's numerical example: W = 2, dL/dW = -1.5, lr = 0.1 -> 2.15
    assert SGD(lr=0.1).step(2.0, -1.5) == pytest.approx(2.15, abs=1e-15)


def test_sgd_two_steps_is_stateless():
    opt = SGD(lr=0.5)
    assert opt.step(1.0, 2.0) == 0.0
    assert opt.step(0.0, -4.0) == 2.0


def test_momentum_first_two_steps():
    opt = Momentum(lr=0.1, beta=0.9)
    p1 = opt.step(1.0, 2.0)          # b1 = g1 = 2
    assert p1 == pytest.approx(1.0 - 0.1 * 2.0, abs=1e-15)
    p2 = opt.step(p1, 3.0)           # b2 = 0.9 * 2 + 3 = 4.8
    assert p2 == pytest.approx(p1 - 0.1 * 4.8, abs=1e-15)


def test_nesterov_first_two_steps():
    opt = Momentum(lr=0.1, beta=0.9, nesterov=True)
    p1 = opt.step(1.0, 2.0)          # b1 = 2, direction = 2 + 0.9 * 2 = 3.8
    assert p1 == pytest.approx(1.0 - 0.38, abs=1e-15)
    p2 = opt.step(p1, 3.0)           # b2 = 4.8, direction = 3 + 0.9 * 4.8 = 7.32
    assert p2 == pytest.approx(p1 - 0.732, abs=1e-15)


def test_momentum_beta_zero_is_sgd():
    a, b = Momentum(lr=0.3, beta=0.0), SGD(lr=0.3)
    x = np.array([1.0, -2.0])
    for g in ([1.0, 2.0], [-3.0, 0.5], [0.25, 4.0]):
        g = np.array(g)
        np.testing.assert_array_equal(a.step(x, g), b.step(x, g))


def test_adagrad_first_two_steps():
    opt = Adagrad(lr=0.1, eps=1e-10)
    p1 = opt.step(1.0, 3.0)          # s = 9
    assert p1 == pytest.approx(1.0 - 0.1 * 3.0 / (3.0 + 1e-10), abs=1e-15)
    p2 = opt.step(p1, 4.0)           # s = 25
    assert p2 == pytest.approx(p1 - 0.1 * 4.0 / (5.0 + 1e-10), abs=1e-15)


def test_rmsprop_first_two_steps():
    opt = RMSprop(lr=0.01, alpha=0.9, eps=1e-8)
    p1 = opt.step(1.0, 2.0)          # v = 0.1 * 4 = 0.4
    assert p1 == pytest.approx(1.0 - 0.01 * 2.0 / (math.sqrt(0.4) + 1e-8), abs=1e-15)
    p2 = opt.step(p1, 1.0)           # v = 0.9 * 0.4 + 0.1 * 1 = 0.46
    assert p2 == pytest.approx(p1 - 0.01 * 1.0 / (math.sqrt(0.46) + 1e-8), abs=1e-15)


def test_adam_first_two_steps():
    opt = Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    p1 = opt.step(1.0, 2.0)
    # m = 0.2, v = 0.004; m_hat = 2, v_hat = 4
    assert p1 == pytest.approx(1.0 - 0.1 * 2.0 / (2.0 + 1e-8), abs=1e-15)
    p2 = opt.step(p1, -1.0)
    m = 0.9 * 0.2 + 0.1 * -1.0                  # 0.08
    v = 0.999 * 0.004 + 0.001 * 1.0             # 0.004996
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert p2 == pytest.approx(p1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), abs=1e-15)


def test_defaults_match_documentation():
    assert Adagrad().hyperparameters() == {"lr": 0.01, "eps": 1e-10}
    assert RMSprop().hyperparameters() == {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}
    assert Adam().hyperparameters() == {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert Momentum(0.1).hyperparameters() == {"lr": 0.1, "beta": 0.9, "nesterov": False}
    assert "Adam(lr=0.001" in repr(Adam())


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6)),
       st.floats(1e-4, 1.0))
def test_adam_first_step_is_at_most_lr(g, lr):
    # |m_hat / (sqrt(v_hat) + eps)| = |g| / (|g| + eps) <= 1 on the first step
    step = Adam(lr=lr).step(np.zeros_like(g), g)
    assert np.all(np.abs(step) <= lr * (1 + 1e-12))


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3)),
       hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3)),
       st.floats(1e-4, 10.0))
def test_sgd_is_p_minus_lr_g(p, g, lr):
    if p.shape != g.shape:
        both = rf"params=array\({p.shape[0]},\) and grads=array\({g.shape[0]},\)"
        with pytest.raises(ValueError, match=both):
            SGD(lr).step(p, g)
    else:
        np.testing.assert_array_equal(SGD(lr).step(p, g), p - lr * g)


# ---------------------------------------------------------------------------
# Closed form and convergence
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("a, lr", [(1.0, 0.1), (4.0, 0.3), (2.0, 0.9), (3.0, 0.7)])
def test_gradient_descent_closed_form_on_quadratic(a, lr):
    # f(x) = a x^2 / 2, f'(x) = a x  =>  x_k = (1 - lr a)^k x_0
    opt, x, x0 = SGD(lr), 1.5, 1.5
    for k in range(1, 41):
        x = opt.step(x, a * x)
        assert x == pytest.approx((1 - lr * a) ** k * x0, rel=1e-12, abs=1e-300)
    # lr a = 2.1 > 2 diverges, lr a < 2 converges
    assert (abs(x) < abs(x0)) == (abs(1 - lr * a) < 1)


def test_divergence_is_not_an_exception():
    opt, x = SGD(lr=1.0), 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(2000):
            x = opt.step(x, 10.0 * x)   # factor -9 per step: overflows to inf, then nan
    assert not math.isfinite(x)
    with np.errstate(invalid="ignore"):
        out = Adam().step(np.array([np.inf, np.nan, 1.0]), np.array([1.0, np.inf, np.nan]))
    assert out.shape == (3,) and not np.all(np.isfinite(out))


# Factories, not instances: an optimizer keeps state, so each test (and each
# re-run of it) must start from a fresh one.
@pytest.mark.parametrize("make", [
    lambda: SGD(0.1), lambda: Momentum(0.05, beta=0.9), lambda: Momentum(0.05, beta=0.9, nesterov=True),
    lambda: Adagrad(0.5), lambda: RMSprop(0.01), lambda: Adam(0.05),
], ids=["SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"])
def test_convergence_on_ill_conditioned_quadratic(make):
    opt = make()
    A = np.diag([1.0, 10.0])
    x = np.array([3.0, -2.0])
    for _ in range(3000):
        x = opt.step(x, A @ x)
    assert np.linalg.norm(x) < 1e-2


def rosenbrock_grad(p, a=1.0, b=100.0):
    x, y = p
    return np.array([-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)])


@pytest.mark.parametrize("make, steps", [
    (lambda: SGD(1e-3), 20000),
    (lambda: Momentum(1e-3, beta=0.9), 5000),
    (lambda: Momentum(1e-3, beta=0.9, nesterov=True), 5000),
    (lambda: Adam(0.02), 5000),
], ids=["SGD", "Momentum", "Nesterov", "Adam"])
def test_convergence_on_rosenbrock(make, steps):
    opt = make()
    x = np.array([-1.2, 1.0])
    for _ in range(steps):
        x = opt.step(x, rosenbrock_grad(x))
    np.testing.assert_allclose(x, [1.0, 1.0], atol=2e-2)


# ---------------------------------------------------------------------------
# Agreement with torch.optim, step by step
# ---------------------------------------------------------------------------

def _torch_pair(name, hyper):
    torch = pytest.importorskip("torch")
    if name == "SGD":
        return SGD(**hyper), lambda ps: torch.optim.SGD(ps, lr=hyper["lr"])
    if name == "Momentum":
        return Momentum(**hyper), lambda ps: torch.optim.SGD(
            ps, lr=hyper["lr"], momentum=hyper["beta"], dampening=0,
            nesterov=hyper.get("nesterov", False))
    if name == "Adagrad":
        return Adagrad(**hyper), lambda ps: torch.optim.Adagrad(
            ps, lr=hyper["lr"], eps=hyper["eps"], lr_decay=0, initial_accumulator_value=0)
    if name == "RMSprop":
        return RMSprop(**hyper), lambda ps: torch.optim.RMSprop(
            ps, lr=hyper["lr"], alpha=hyper["alpha"], eps=hyper["eps"])
    if name == "Adam":
        return Adam(**hyper), lambda ps: torch.optim.Adam(
            ps, lr=hyper["lr"], betas=(hyper["beta1"], hyper["beta2"]), eps=hyper["eps"])
    raise AssertionError(name)


TORCH_CASES = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.3}),
    ("Momentum", {"lr": 0.01, "beta": 0.9}),
    ("Momentum", {"lr": 0.05, "beta": 0.5}),
    ("Momentum", {"lr": 0.01, "beta": 0.9, "nesterov": True}),
    ("Momentum", {"lr": 0.02, "beta": 0.99, "nesterov": True}),
    ("Adagrad", {"lr": 0.01, "eps": 1e-10}),
    ("Adagrad", {"lr": 0.5, "eps": 1e-3}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
    ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-4}),
    ("Adam", {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    ("Adam", {"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "beta1": 0.0, "beta2": 0.99, "eps": 0.0}),
]


def _test_gradient(p, step):
    # A gradient that depends on the parameters and on the step, so the two
    # trajectories must agree at every step for the comparison to hold.
    return np.sin(3.0 * p) + 0.1 * p**3 + 0.5 * math.cos(step)


@pytest.mark.parametrize("name, hyper", TORCH_CASES, ids=lambda v: str(v))
def test_trajectory_matches_torch(name, hyper):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    shapes = [(), (5,), (3, 4), (2, 3, 2)]
    ours = [rng.normal(size=s) for s in shapes]
    theirs = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in ours]
    opt, make_torch = _torch_pair(name, hyper)
    topt = make_torch(theirs)
    for step in range(50):
        grads = [_test_gradient(p, step) for p in ours]
        ours = opt.step(ours, grads)
        for t, g in zip(theirs, grads):
            t.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        for p, t in zip(ours, theirs):
            np.testing.assert_allclose(p, t.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert opt.t == 50


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_with_a_learning_rate_schedule_matches_torch(nesterov):
    # PyTorch applies the *current* lr to the whole buffer (see the Momentum
    # docstring); a velocity-form implementation would differ after a change.
    torch = pytest.importorskip("torch")
    schedule = [0.05] * 10 + [0.005] * 10 + [0.1] * 10
    opt = Momentum(lr=schedule[0], beta=0.9, nesterov=nesterov)
    ours = np.array([1.0, -2.0, 0.5])
    theirs = torch.tensor(ours.copy(), dtype=torch.float64, requires_grad=True)
    topt = torch.optim.SGD([theirs], lr=schedule[0], momentum=0.9, dampening=0, nesterov=nesterov)
    for step, lr in enumerate(schedule):
        opt.lr = lr
        for group in topt.param_groups:
            group["lr"] = lr
        g = _test_gradient(ours, step)
        ours = opt.step(ours, g)
        theirs.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    # the schedule mattered: a constant lr gives a different end point
    constant = Momentum(lr=schedule[0], beta=0.9, nesterov=nesterov)
    x = np.array([1.0, -2.0, 0.5])
    for step in range(len(schedule)):
        x = constant.step(x, _test_gradient(x, step))
    assert not np.allclose(x, ours)


def test_reset_matches_fresh_torch_optimizer():
    torch = pytest.importorskip("torch")
    opt = Adam(lr=0.1)
    x = np.array([1.0, -1.0])
    for _ in range(5):
        x = opt.step(x, 2 * x)
    opt.reset()
    assert opt.t == 0
    t = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    topt = torch.optim.Adam([t], lr=0.1)
    x = np.array([1.0, -1.0])
    for _ in range(3):
        x = opt.step(x, 2 * x)
        t.grad = 2 * t.detach()
        topt.step()
    np.testing.assert_allclose(x, t.detach().numpy(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Structures, immutability
# ---------------------------------------------------------------------------

ALL_OPTIMIZERS = [
    lambda: SGD(0.1), lambda: Momentum(0.1), lambda: Momentum(0.1, nesterov=True),
    lambda: Adagrad(), lambda: RMSprop(), lambda: Adam(),
]


@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_structure_is_preserved(make):
    opt = make()
    out = opt.step(1.0, 0.5)
    assert type(out) is float

    out = make().step(np.array(1.0), np.array(0.5))
    assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == np.float64

    out = make().step(np.array([1, 2, 3]), np.array([1.0, 1.0, 1.0]))   # int input
    assert isinstance(out, np.ndarray) and out.shape == (3,) and out.dtype == np.float64

    params = [np.ones((2, 3)), np.zeros(3)]
    out = make().step(params, [np.ones((2, 3)), np.ones(3)])
    assert type(out) is list and [o.shape for o in out] == [(2, 3), (3,)]

    out = make().step((np.ones(2), 1.0), (np.ones(2), 1.0))
    assert type(out) is tuple and isinstance(out[0], np.ndarray) and type(out[1]) is float

    params = {"layer": {"W": np.ones((2, 2)), "b": np.zeros(2)}, "scale": 1.0}
    out = make().step(params, {"layer": {"W": np.ones((2, 2)), "b": np.ones(2)}, "scale": 2.0})
    assert list(out) == ["layer", "scale"] and list(out["layer"]) == ["W", "b"]
    assert out["layer"]["W"].shape == (2, 2) and type(out["scale"]) is float


def test_dict_and_list_give_same_numbers():
    a, b = Adam(0.1), Adam(0.1)
    pl, pd = [np.ones(2), np.zeros(3)], {"w": np.ones(2), "b": np.zeros(3)}
    for k in range(4):
        gl = [np.full(2, k + 1.0), np.arange(3.0)]
        pl = a.step(pl, gl)
        pd = b.step(pd, {"w": gl[0], "b": gl[1]})
    np.testing.assert_array_equal(pl[0], pd["w"])
    np.testing.assert_array_equal(pl[1], pd["b"])


def test_scalar_gradient_for_0d_parameter_is_accepted():
    out = SGD(0.5).step(np.array(2.0), 1.0)
    assert isinstance(out, np.ndarray) and out.shape == () and float(out) == 1.5


@pytest.mark.parametrize("make", ALL_OPTIMIZERS)
def test_inputs_are_not_modified(make):
    opt = make()
    params = [np.array([1.0, -2.0, 3.0]), np.array([[0.5, 0.25]])]
    grads = [np.array([0.1, 0.2, -0.3]), np.array([[1.0, -1.0]])]
    saved_p = [p.copy() for p in params]
    saved_g = [g.copy() for g in grads]
    for _ in range(3):
        new = opt.step(params, grads)
        assert all(n is not p for n, p in zip(new, params))
    for a, b in zip(params + grads, saved_p + saved_g):
        np.testing.assert_array_equal(a, b)
    # The returned arrays are not views of the optimizer's state either.
    new[0][:] = 99.0
    again = opt.step(params, grads)
    assert np.all(again[0] != 99.0)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("make, name", [
    (lambda: SGD(0.0), "lr"), (lambda: SGD(-1.0), "lr"),
    (lambda: SGD(float("nan")), "lr"), (lambda: SGD(float("inf")), "lr"),
    (lambda: Momentum(0.1, beta=1.0), "beta"), (lambda: Momentum(0.1, beta=-0.1), "beta"),
    (lambda: Adagrad(eps=-1e-10), "eps"),
    (lambda: RMSprop(alpha=1.0), "alpha"), (lambda: RMSprop(eps=-1.0), "eps"),
    (lambda: Adam(beta1=1.0), "beta1"), (lambda: Adam(beta2=1.5), "beta2"),
    (lambda: Adam(eps=-1e-8), "eps"),
])
def test_invalid_hyperparameters(make, name):
    with pytest.raises(ValueError, match=name):
        make()


@pytest.mark.parametrize("make, name", [
    (lambda: SGD("0.1"), "lr"), (lambda: SGD(None), "lr"), (lambda: SGD(0.1 + 0j), "lr"), (lambda: SGD(True), "lr"),
    (lambda: Adagrad(lr=None), "lr"), (lambda: Adam(beta1="0.9"), "beta1"), (lambda: Adam(beta2=[0.9]), "beta2"),
    (lambda: Momentum(0.1, nesterov="yes"), "nesterov"),
])
def test_hyperparameters_of_the_wrong_type_are_type_errors(make, name):
    """A string, None, a complex number or a list is the wrong kind of thing: TypeError (the API appendix)."""
    with pytest.raises(TypeError, match=name):
        make()


def test_boundary_hyperparameters_are_valid():
    Momentum(0.1, beta=0.0)
    Adam(beta1=0.0, beta2=0.0, eps=0.0)
    RMSprop(alpha=0.0)
    Adagrad(eps=0)


def test_shape_mismatch_names_both():
    with pytest.raises(ValueError, match=r"params=array\(3,\).*grads=array\(3, 1\)"):
        SGD(0.1).step(np.zeros(3), np.zeros((3, 1)))


def test_structure_mismatch_names_both():
    with pytest.raises(ValueError, match="params=.*grads="):
        SGD(0.1).step([np.zeros(2), np.zeros(3)], [np.zeros(2)])
    with pytest.raises(ValueError, match="params=.*grads="):
        SGD(0.1).step({"w": 1.0}, {"b": 1.0})
    with pytest.raises(ValueError, match="params=.*grads="):
        SGD(0.1).step([1.0, 2.0], (1.0, 2.0))


def test_bad_leaf_types():
    with pytest.raises(TypeError, match="params"):
        SGD(0.1).step("1.0", 1.0)
    with pytest.raises(TypeError, match=r"grads\[1\]"):
        SGD(0.1).step([1.0, 2.0], [1.0, None])
    with pytest.raises(TypeError, match="dtype"):
        SGD(0.1).step(np.array(["a"]), np.array([1.0]))


def test_structure_change_between_steps_needs_reset():
    opt = Adam(0.1)
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(2), 1.0], [np.ones(2), 1.0])
    opt.reset()
    out = opt.step([np.zeros(3)], [np.ones(3)])
    np.testing.assert_allclose(out[0], -0.1 * np.ones(3) / (1 + 1e-8), rtol=1e-14)


def test_optimizers_share_the_base_class():
    for cls in (SGD, Momentum, Adagrad, RMSprop, Adam):
        assert issubclass(cls, optim.Optimizer)
        assert "step" not in vars(cls)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"]),
       st.floats(1e-4, 0.5), st.floats(0.0, 0.999), st.floats(0.0, 0.9999), st.floats(0.0, 1e-3),
       st.integers(0, 2**32 - 1))
def test_random_hyperparameters_match_torch(name, lr, beta, beta2, eps, seed):
    torch = pytest.importorskip("torch")
    hyper = {
        "SGD": ("SGD", {"lr": lr}),
        "Momentum": ("Momentum", {"lr": lr, "beta": beta}),
        "Nesterov": ("Momentum", {"lr": lr, "beta": beta, "nesterov": True}),
        "Adagrad": ("Adagrad", {"lr": lr, "eps": eps}),
        "RMSprop": ("RMSprop", {"lr": lr, "alpha": beta2, "eps": eps}),
        "Adam": ("Adam", {"lr": lr, "beta1": beta, "beta2": beta2, "eps": eps}),
    }[name]
    if name == "Nesterov" and beta == 0.0:
        hyper[1]["beta"] = 0.5   # torch rejects Nesterov without momentum
    rng = np.random.default_rng(seed)
    ours = rng.normal(size=(3, 2))
    theirs = torch.tensor(ours.copy(), requires_grad=True)
    opt, make_torch = _torch_pair(*hyper)
    topt = make_torch([theirs])
    for _ in range(8):
        g = rng.normal(size=(3, 2)) * 10.0 ** rng.uniform(-3, 3)
        ours = opt.step(ours, g)
        theirs.grad = torch.tensor(g)
        topt.step()
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# AdamW: decoupled weight decay (chapter 7)
# ---------------------------------------------------------------------------


def _run_pair(ours_opt, torch_opt_factory, params, steps, grad_fn):
    """Step ours and torch side by side on the same gradients; return the
    largest absolute difference seen over the whole trajectory."""
    torch = pytest.importorskip("torch")
    leaves = list(params.values()) if isinstance(params, dict) else list(params)
    theirs = [torch.tensor(np.array(p, dtype=float), dtype=torch.float64, requires_grad=True)
              for p in leaves]
    topt = torch_opt_factory(theirs)
    worst = 0.0
    for step in range(steps):
        if isinstance(params, dict):
            grads = {k: grad_fn(v, step) for k, v in params.items()}
            g_leaves = list(grads.values())
        else:
            grads = [grad_fn(p, step) for p in params]
            g_leaves = grads
        params = ours_opt.step(params, grads)
        for t, g in zip(theirs, g_leaves):
            t.grad = torch.tensor(np.array(g, dtype=float), dtype=torch.float64)
        topt.step()
        new_leaves = list(params.values()) if isinstance(params, dict) else list(params)
        for p, t in zip(new_leaves, theirs):
            worst = max(worst, float(np.max(np.abs(np.asarray(p) - t.detach().numpy()))))
    return worst, params


@pytest.mark.parametrize("weight_decay", [0.0, 0.01, 0.1, 1.0])
@pytest.mark.parametrize("container", ["list", "dict"])
def test_adamw_matches_torch_over_long_trajectories(weight_decay, container):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    shapes = [(), (4,), (3, 5), (2, 2, 3)]
    leaves = [rng.normal(size=s) for s in shapes]
    params = ({f"p{i}": v for i, v in enumerate(leaves)} if container == "dict" else leaves)
    hyper = {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": weight_decay}
    worst, _ = _run_pair(
        AdamW(**hyper),
        lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                                     weight_decay=weight_decay),
        params, 600, _test_gradient)
    assert worst < 1e-12


def test_adamw_other_hyperparameters_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(6,)), rng.normal(size=(2, 3))]
    worst, _ = _run_pair(
        AdamW(lr=0.05, beta1=0.5, beta2=0.9, eps=1e-6, weight_decay=0.3),
        lambda ps: torch.optim.AdamW(ps, lr=0.05, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.3),
        params, 500, _test_gradient)
    assert worst < 1e-12


def test_adamw_default_weight_decay_matches_torch_default():
    torch = pytest.importorskip("torch")
    assert AdamW().weight_decay == 0.01
    assert torch.optim.AdamW([torch.zeros(1)]).defaults["weight_decay"] == 0.01
    worst, _ = _run_pair(AdamW(lr=0.02), lambda ps: torch.optim.AdamW(ps, lr=0.02),
                         [np.linspace(-2, 2, 7)], 500, _test_gradient)
    assert worst < 1e-12


def test_adamw_with_zero_decay_is_adam_exactly():
    a, b = AdamW(lr=0.03, weight_decay=0.0), Adam(lr=0.03)
    x = y = np.array([1.0, -2.0, 0.5])
    for step in range(300):
        x = a.step(x, _test_gradient(x, step))
        y = b.step(y, _test_gradient(y, step))
        np.testing.assert_array_equal(x, y)


def test_adamw_first_step_by_hand():
    opt = AdamW(lr=0.1, weight_decay=0.5, eps=0.0)
    assert opt.step(2.0, 3.0) == pytest.approx(2.0 * (1 - 0.05) - 0.1, abs=1e-15)


def test_adamw_differs_from_l2_inside_adam():
    # Adam with L2 (torch.optim.Adam(weight_decay=wd)) adds wd * p to the
    # gradient; the decay is then normalised by sqrt(v).  With a zero loss
    # gradient, L2-Adam steps by ~lr per coordinate whatever the size of p
    # (sign(p) after normalisation), while AdamW shrinks p by the relative
    # factor (1 - lr * wd) each step.
    torch = pytest.importorskip("torch")
    lr, wd = 0.01, 0.1
    p0 = np.array([1e-3, 1.0, 100.0])
    t = torch.tensor(p0.copy(), requires_grad=True)
    l2 = torch.optim.Adam([t], lr=lr, weight_decay=wd)
    t.grad = torch.zeros(3, dtype=torch.float64)
    l2.step()
    l2_change = p0 - t.detach().numpy()
    ours = AdamW(lr=lr, weight_decay=wd).step(p0, np.zeros(3))
    adamw_change = p0 - ours
    np.testing.assert_allclose(adamw_change, lr * wd * p0, rtol=1e-12)
    np.testing.assert_allclose(l2_change, lr * np.ones(3), rtol=1e-4)
    # and with a large loss gradient in one coordinate L2's decay is drowned:
    # AdamW's trajectory differs from L2-Adam's over many steps
    a = AdamW(lr=lr, weight_decay=wd)
    x = p0.copy()
    t = torch.tensor(p0.copy(), requires_grad=True)
    l2 = torch.optim.Adam([t], lr=lr, weight_decay=wd)
    for step in range(100):
        g = np.array([0.0, 10.0, 0.0]) * math.cos(step)
        x = a.step(x, g)
        t.grad = torch.tensor(g)
        l2.step()
    assert np.max(np.abs(x - t.detach().numpy())) > 0.1


@pytest.mark.parametrize("kwargs, name", [
    ({"weight_decay": -0.01}, "weight_decay"), ({"weight_decay": float("nan")}, "weight_decay"),
    ({"weight_decay": float("inf")}, "weight_decay"),
    ({"lr": 0.0}, "lr"), ({"beta1": 1.0}, "beta1"), ({"beta2": -0.1}, "beta2"),
    ({"eps": -1.0}, "eps"),
])
def test_adamw_invalid_hyperparameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        AdamW(**kwargs)
    with pytest.raises(TypeError, match=name):
        AdamW(**{name: "0.01"})


def test_adamw_shares_the_base_class_and_reuses_adam():
    assert issubclass(AdamW, Adam) and issubclass(AdamW, optim.Optimizer)
    assert "step" not in vars(AdamW)
    assert repr(AdamW()) == "AdamW(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"


def test_adamw_inputs_are_not_modified_and_reset_works():
    opt = AdamW(lr=0.1)
    p = np.array([1.0, 2.0])
    g = np.array([0.5, -0.5])
    opt.step(p, g)
    np.testing.assert_array_equal(p, [1.0, 2.0])
    np.testing.assert_array_equal(g, [0.5, -0.5])
    first = AdamW(lr=0.1).step(p, g)
    opt.reset()
    np.testing.assert_array_equal(opt.step(p, g), first)
