"""Tests for bpcore.surfaces: analytic derivatives vs finite differences,
critical points and their type, vectorisation, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpcore.surfaces import DoubleWell, GaussianWells, Quadratic, Rosenbrock

SURFACES = [
    Quadratic(condition=10),
    Quadratic(condition=50, angle=0.7, scale=0.5, center=(1.0, -0.5)),
    Quadratic(A=[[2.0, 0.5], [0.5, 1.0]]),
    Rosenbrock(),
    Rosenbrock(a=-0.5, b=10),
    DoubleWell(),
    DoubleWell(tilt=-1.0, stiffness=3.0),
    GaussianWells(),
    GaussianWells(centers=[(0.0, 0.0), (2.0, 0.5)], depths=[0.5, 2.0], width=0.6),
]
IDS = [repr(s)[:40] for s in SURFACES]


def numerical_grad(f, p, h=1e-6):
    e = np.eye(2)
    return np.array([(f(p + h * e[i]) - f(p - h * e[i])) / (2 * h) for i in range(2)])


def numerical_hessian(surface, p, h=1e-5):
    e = np.eye(2)
    cols = [(surface.grad(p + h * e[i]) - surface.grad(p - h * e[i])) / (2 * h) for i in range(2)]
    H = np.column_stack(cols)
    return (H + H.T) / 2


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_gradient_and_hessian_match_finite_differences(surface, u, v):
    (x0, x1), (y0, y1) = surface.bounds
    p = np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])
    # Measured worst case over these surfaces: ~2e-9 (gradient), ~2e-10 (Hessian)
    # relative to 1 + the largest entry; 1e-7 leaves room for rounding only.
    g = surface.grad(p)
    np.testing.assert_allclose(g, numerical_grad(surface.value, p), rtol=0, atol=1e-7 * (1 + np.abs(g).max()))
    H = surface.hessian(p)
    np.testing.assert_allclose(H, numerical_hessian(surface, p), rtol=0, atol=1e-7 * (1 + np.abs(H).max()))


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_minima_have_zero_gradient_and_positive_definite_hessian(surface):
    assert len(surface.minima) >= 1
    for m in surface.minima:
        assert m.shape == (2,)
        np.testing.assert_allclose(surface.grad(m), 0.0, atol=1e-9)
        eigenvalues = np.linalg.eigvalsh(numerical_hessian(surface, m))
        assert np.all(eigenvalues > 0), eigenvalues
    # global minimum first, and no sampled point is lower
    values = [surface.value(m) for m in surface.minima]
    assert values == sorted(values)
    X, Y, Z = surface.grid(101)
    assert Z.min() >= values[0] - 1e-12


@pytest.mark.parametrize("surface", [s for s in SURFACES if isinstance(s, DoubleWell)])
def test_double_well_has_two_minima_of_different_depth_and_a_saddle(surface):
    assert len(surface.minima) == 2 and len(surface.saddles) == 1
    deep, shallow = (surface.value(m) for m in surface.minima)
    assert deep < shallow - 0.1
    s = surface.saddles[0]
    np.testing.assert_allclose(surface.grad(s), 0.0, atol=1e-9)
    eigenvalues = np.linalg.eigvalsh(numerical_hessian(surface, s))
    assert eigenvalues[0] < 0 < eigenvalues[1]
    # the saddle lies between the two minima, on the ridge
    xs = sorted(m[0] for m in surface.minima)
    assert xs[0] < s[0] < xs[1]
    assert surface.value(s) > shallow


def test_rosenbrock_minimum_and_known_values():
    f = Rosenbrock(a=1, b=100)
    np.testing.assert_array_equal(f.minima[0], [1.0, 1.0])
    assert f.value([1.0, 1.0]) == 0.0
    assert [str(g) for g in f.grad([1.0, 1.0])] == ["0.0", "0.0"]   # no -0.0 at the minimum
    assert f.value([-1.2, 1.0]) == pytest.approx(24.2)
    assert f.value([0.0, 0.0]) == 1.0
    np.testing.assert_allclose(Rosenbrock(a=2.0).minima[0], [2.0, 4.0])


def test_quadratic_from_condition_and_from_matrix():
    f = Quadratic(condition=25.0, angle=0.3)
    np.testing.assert_allclose(f.eigenvalues, [1.0, 25.0])
    assert f.condition == pytest.approx(25.0)
    assert f.max_stable_lr == pytest.approx(2 / 25)
    g = Quadratic(A=f.A)
    pts = np.random.default_rng(0).normal(size=(10, 2))
    np.testing.assert_allclose(f.value(pts), g.value(pts))
    # f(p) = 1/2 p^T A p
    np.testing.assert_allclose(f.value(pts), 0.5 * np.einsum("ni,ij,nj->n", pts, f.A, pts))
    c = Quadratic(condition=3, center=(2.0, -1.0))
    assert c.value([2.0, -1.0]) == 0.0
    np.testing.assert_array_equal(c.minima[0], [2.0, -1.0])


def test_vectorised_evaluation_matches_pointwise():
    f = DoubleWell()
    pts = np.random.default_rng(1).uniform(-2, 2, size=(3, 4, 2))
    v, g, H = f.value(pts), f.grad(pts), f.hessian(pts)
    assert v.shape == (3, 4) and g.shape == (3, 4, 2) and H.shape == (3, 4, 2, 2)
    for idx in np.ndindex(3, 4):
        assert v[idx] == f.value(pts[idx])
        np.testing.assert_array_equal(g[idx], f.grad(pts[idx]))
        np.testing.assert_array_equal(H[idx], f.hessian(pts[idx]))
    assert isinstance(f.value([0.0, 0.0]), float)
    assert f(np.zeros(2)) == f.value(np.zeros(2))


def test_grid_orientation_is_meshgrid_xy():
    f = Rosenbrock()
    X, Y, Z = f.grid(n=7)
    assert X.shape == Y.shape == Z.shape == (7, 7)
    assert np.all(X[:, 0] == X[0, 0]) and np.all(Y[0, :] == Y[0, 0])   # x varies along columns
    assert Z[2, 5] == f.value([X[2, 5], Y[2, 5]])
    (x0, x1), (y0, y1) = f.bounds
    assert X.min() == x0 and X.max() == x1 and Y.min() == y0 and Y.max() == y1


def test_inputs_not_modified():
    p = np.array([[0.5, 0.5], [1.0, -1.0]])
    saved = p.copy()
    for s in SURFACES:
        s.value(p), s.grad(p), s.hessian(p)
    np.testing.assert_array_equal(p, saved)


def test_errors():
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        Rosenbrock().value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"shape \(\)"):
        Rosenbrock().grad(1.0)
    with pytest.raises(ValueError, match="condition"):
        Quadratic(condition=0.5)
    with pytest.raises(ValueError, match="positive definite"):
        Quadratic(A=[[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="symmetric"):
        Quadratic(A=[[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"\(2, 2\)"):
        Quadratic(A=np.eye(3))
    with pytest.raises(ValueError, match="tilt"):
        DoubleWell(tilt=2.0)
    with pytest.raises(ValueError, match="b must be positive"):
        Rosenbrock(b=0)
    with pytest.raises(ValueError, match="stiffness"):
        DoubleWell(stiffness=-1)


@pytest.mark.parametrize("make, message", [
    (lambda: Quadratic(scale=0.0), r"^scale must be positive and finite, got 0\.0"),
    (lambda: Quadratic(scale=-2.0), r"^scale must be positive"),
    (lambda: Quadratic(scale=float("inf")), r"^scale must be a finite real number, got inf"),
    (lambda: Quadratic(scale=float("nan")), r"^scale must be a finite real number, got nan"),
    (lambda: Quadratic(angle=float("inf")), r"^angle must be a finite real number"),
    (lambda: Quadratic(center=(1.0, 2.0, 3.0)), r"^center must be 2 finite numbers \(shape \(2,\)\), got shape \(3,\)"),
    (lambda: Quadratic(center=[[0.0, 0.0]]), r"^center must be .* got shape \(1, 2\)"),
    (lambda: Quadratic(center=(0.0, np.nan)), r"^center must be 2 finite numbers"),
    (lambda: Rosenbrock(a=float("inf")), r"^a must be a finite real number, got inf"),
    (lambda: Rosenbrock(b=float("inf")), r"^b must be a finite real number, got inf"),
    (lambda: DoubleWell(tilt=float("nan")), r"^tilt must be a finite real number"),
])
def test_constructor_errors_name_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("make, message", [
    (lambda: Quadratic(scale="1"), r"^scale must be a real number, got str '1'"),
    (lambda: Quadratic(condition=None), r"^condition must be a real number, got None"),
    (lambda: Quadratic(center="ab"), r"^center must be 2 finite numbers, got str 'ab'"),
    (lambda: Quadratic(A="ab"), r"^A must be numeric"),
    (lambda: Rosenbrock(a="1"), r"^a must be a real number"),
    (lambda: DoubleWell(stiffness=True), r"^stiffness must be a real number, got bool True"),
    (lambda: Quadratic().grid("5"), r"^n \(an n x n grid\) must be an integer, got str"),
])
def test_constructor_arguments_of_the_wrong_type_are_type_errors(make, message):
    """The rule of bpcore._checks: a string, None or a bool where a number belongs is a TypeError."""
    with pytest.raises(TypeError, match=message):
        make()


def test_gaussian_wells_critical_points_and_plateau():
    f = GaussianWells()
    assert len(f.minima) == 3 and len(f.saddles) == 2 and f.maxima == []
    values = [f.value(m) for m in f.minima]
    assert values == sorted(values)                                       # global first
    for m, c in zip(f.minima, f.centers):                                 # one minimum per well
        assert np.linalg.norm(m - c) < 0.1
    for s in f.saddles:
        np.testing.assert_allclose(f.grad(s), 0.0, atol=1e-10)
        lam = np.linalg.eigvalsh(f.hessian(s))
        assert lam[0] < 0 < lam[1]                                        # down one way, up the other
        assert f.value(s) > values[-1]                                    # above every minimum
    far = np.array([f.bounds[0][0], f.bounds[1][1]])                      # a corner: the plateau
    assert abs(f.value(far)) < 1e-3 and np.linalg.norm(f.grad(far)) < 5e-3
    assert np.linalg.eigvalsh(f.hessian(far)).min() > -1e-2               # nearly flat, no minimum nearby


def test_gaussian_wells_constructor_errors():
    with pytest.raises(ValueError, match="centers must have shape"):
        GaussianWells(centers=[1.0, 2.0], depths=[1.0])
    with pytest.raises(ValueError, match="depths must have shape"):
        GaussianWells(centers=[(0.0, 0.0)], depths=[1.0, 2.0])
    with pytest.raises(ValueError, match="depths positive"):
        GaussianWells(centers=[(0.0, 0.0)], depths=[-1.0])
    with pytest.raises(ValueError, match="width"):
        GaussianWells(width=0.0)
