"""bpcore.optim's learning-rate schedules against torch.optim.lr_scheduler
(torch's recursive forms, over long runs and several cosine periods), their
closed forms, the optimizer protocol and argument checks."""

import math
import warnings

import numpy as np
import pytest

import bpcore as bp
from bpcore.optim import SGD, CosineAnnealingLR, LinearLR, Momentum, SequentialLR, StepLR

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler  # noqa: E402


def _torch_rates(make, lr, n):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n):
            out.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
    return np.array(out)


@pytest.mark.parametrize("T_max", [1, 2, 3, 7, 10, 100, 250])
@pytest.mark.parametrize("eta_min", [0.0, 1e-3])
def test_cosine_equals_torch_over_several_periods(T_max, eta_min):
    n = 8 * T_max + 5 if T_max < 250 else 3000
    expected = _torch_rates(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=T_max, eta_min=eta_min), 0.1, n)
    got = CosineAnnealingLR(0.1, T_max, eta_min).rates(n)
    assert np.max(np.abs(got - expected)) <= 1e-12 * 0.1


def test_cosine_recursion_is_not_the_closed_form_but_close():
    T, n = 100, 2000
    got = CosineAnnealingLR(1.0, T).rates(n)
    closed = 0.5 * (1 + np.cos(np.pi * np.arange(n) / T))
    assert 0 < np.max(np.abs(got - closed)) < 1e-12   # differ in the last bits only
    assert got[T] == 0.0 and got[0] == 1.0


@pytest.mark.parametrize("step_size,gamma", [(1, 0.5), (7, 0.3), (30, 0.1), (3, 2.0)])
def test_step_equals_torch(step_size, gamma):
    n = 400
    expected = _torch_rates(lambda o: lr_scheduler.StepLR(o, step_size=step_size, gamma=gamma), 0.5, n)
    got = StepLR(0.5, step_size, gamma).rates(n)
    assert np.max(np.abs(got - expected)) <= 1e-12 * np.max(expected)
    closed = 0.5 * gamma ** (np.arange(n) // step_size)
    np.testing.assert_allclose(got, closed, rtol=1e-12)


@pytest.mark.parametrize("start,end,total", [(0.1, 1.0, 10), (1 / 3, 1.0, 5), (1.0, 0.2, 7), (0.5, 0.0, 4),
                                             (0.01, 1.0, 1), (0.001, 1.0, 500)])
def test_linear_equals_torch(start, end, total):
    n = total + 50
    expected = _torch_rates(lambda o: lr_scheduler.LinearLR(o, start, end, total), 0.2, n)
    got = LinearLR(0.2, start, end, total).rates(n)
    assert np.max(np.abs(got - expected)) <= 1e-12 * 0.2
    closed = 0.2 * (start + (end - start) * np.minimum(np.arange(n), total) / total)
    np.testing.assert_allclose(got, closed, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("warm,T_max,eta_min", [(5, 20, 0.0), (1, 3, 0.0), (10, 100, 0.003), (2, 1, 0.001)])
def test_warmup_then_cosine_equals_torch_sequential(warm, T_max, eta_min):
    n = 300
    expected = _torch_rates(lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, 0.01, 1.0, warm), lr_scheduler.CosineAnnealingLR(o, T_max, eta_min)], [warm]),
        0.1, n)
    got = SequentialLR([LinearLR(0.1, 0.01, 1.0, warm), CosineAnnealingLR(0.1, T_max, eta_min)], [warm]).rates(n)
    assert np.max(np.abs(got - expected)) <= 1e-12 * 0.1


def test_three_pieces_equal_torch_sequential():
    expected = _torch_rates(lambda o: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, 0.1, 1.0, 10), lr_scheduler.StepLR(o, 30, 0.5),
            lr_scheduler.CosineAnnealingLR(o, 40)], [10, 70]), 0.1, 250)
    got = SequentialLR([LinearLR(0.1, 0.1, 1.0, 10), StepLR(0.1, 30, 0.5), CosineAnnealingLR(0.1, 40)],
                       [10, 70]).rates(250)
    assert np.max(np.abs(got - expected)) <= 1e-12 * 0.1


def test_attach_and_step_set_the_optimizer_rate_like_torch():
    """Optimizer + schedule, step by step, equal torch's SGD with momentum + scheduler."""
    sched = CosineAnnealingLR(0.1, T_max=20).attach(opt := Momentum(1.0, beta=0.9))
    assert opt.lr == 0.1
    p = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    t_opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    t_sched = lr_scheduler.CosineAnnealingLR(t_opt, T_max=20)
    x = np.array([1.0, -2.0])
    for _ in range(60):
        x = opt.step(x, 2 * x)
        sched.step()
        t_opt.zero_grad()
        (p * p).sum().backward()
        t_opt.step()
        t_sched.step()
    np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert opt.lr == t_opt.param_groups[0]["lr"] and sched.t == 60


def test_schedule_is_a_callable_for_run_sgd():
    x = np.linspace(0, 1, 8)
    y = 2 * x + 1
    sched = StepLR(0.5, step_size=4, gamma=0.5)
    opt = SGD(0.5)
    bp.sgd.run_sgd(opt, x, y, (0.0, 0.0), batch_size=4, epochs=3, schedule=sched)
    assert sched(5) == 0.25 and sched.lr_at(5) == 0.25


def test_velocity_and_buffer_forms_differ_exactly_when_the_rate_changes():
    """PyTorch's buffer form applies the new rate to the whole buffer; the velocity
    form keeps the old rates baked in.  Equal before the change, different after."""
    sched = StepLR(0.1, step_size=10, gamma=0.1)
    grads = np.cos(np.arange(20.0))
    opt = Momentum(1.0, beta=0.9)
    sched.attach(opt)
    x_buf, x_vel, v = 0.0, 0.0, 0.0
    diffs = []
    for t, g in enumerate(grads):
        lr = sched.lr_at(t)
        x_buf = opt.step(x_buf, g)
        sched.step()
        v = 0.9 * v - lr * g
        x_vel += v
        diffs.append(abs(x_buf - x_vel))
    assert max(diffs[:10]) < 1e-15 and min(diffs[10:]) > 1e-3


@pytest.mark.parametrize("make,error", [
    (lambda: StepLR(0.1, step_size=0), ValueError),
    (lambda: StepLR(0.1, step_size=2.5), ValueError),   # a float count: the right kind, a wrong value
    (lambda: StepLR(-0.1, step_size=2), ValueError),
    (lambda: StepLR(0.1, step_size=2, gamma=0.0), ValueError),
    (lambda: CosineAnnealingLR(0.1, T_max=0), ValueError),
    (lambda: CosineAnnealingLR(0.1, T_max=5, eta_min=-1), ValueError),
    (lambda: CosineAnnealingLR(float("nan"), T_max=5), ValueError),
    (lambda: CosineAnnealingLR("0.1", T_max=5), TypeError),
    (lambda: LinearLR(0.1, start_factor=0.0), ValueError),
    (lambda: LinearLR(0.1, start_factor=1.5), ValueError),
    (lambda: LinearLR(0.1, end_factor=2.0), ValueError),
    (lambda: LinearLR(0.1, total_iters=0), ValueError),
    (lambda: StepLR(0.1, 2).lr_at(-1), ValueError),
    (lambda: StepLR(0.1, 2).lr_at(1.0), ValueError),
    (lambda: StepLR(0.1, 2).lr_at(10**12), ValueError),
    (lambda: StepLR(0.1, 2).rates(0), ValueError),
    (lambda: StepLR(0.1, 2).step(), RuntimeError),
    (lambda: StepLR(0.1, 2).attach("sgd"), TypeError),
    (lambda: SequentialLR([], []), TypeError),
    (lambda: SequentialLR([StepLR(0.1, 2), 0.1], [3]), TypeError),
    (lambda: SequentialLR([StepLR(0.1, 2), StepLR(0.1, 2)], []), ValueError),
    (lambda: SequentialLR([StepLR(0.1, 2), StepLR(0.1, 2), StepLR(0.1, 2)], [5, 5]), ValueError),
    (lambda: SequentialLR([StepLR(0.1, 2), StepLR(0.1, 2)], [0]), ValueError),
    (lambda: SequentialLR([StepLR(0.1, 2), StepLR(0.1, 2)], 3), TypeError),
])
def test_bad_arguments_raise_clearly(make, error):
    with pytest.raises(error):
        make()


def test_zero_d_arrays_are_numbers():
    assert StepLR(np.array(0.1), np.array(2)).lr_at(np.array(2)) == pytest.approx(0.01)
    assert math.isclose(CosineAnnealingLR(0.1, 4).lr_at(4), 0.0, abs_tol=1e-18)
