"""bpcore.prose: glued numbers are rounded, so the text reads the same on every CPU."""

import numpy as np
import pytest

import bpcore as bp


@pytest.mark.parametrize("value, digits, expected", [
    (0.1 + 0.2, 6, 0.3),
    (2 / 3, 3, 0.667),
    (np.float64(123456.789), 6, 123457.0),
    (np.array(1.5), 6, 1.5),
    (7, 6, 7.0),
    (float("inf"), 6, float("inf")),
])
def test_number_rounds_to_significant_digits(value, digits, expected):
    assert bp.prose.number(value, digits) == expected


def test_numbers_that_differ_in_the_last_bits_round_alike():
    x = 0.7071067811865476
    assert bp.prose.number(x) == bp.prose.number(np.nextafter(x, 1.0)) == bp.prose.number(np.nextafter(x, 0.0))


@pytest.mark.parametrize("bad, error", [("0.3", TypeError), (None, TypeError), (1j, TypeError), (np.zeros(2), TypeError)])
def test_bad_values_are_named(bad, error):
    with pytest.raises(error, match="value"):
        bp.prose.number(bad)


@pytest.mark.parametrize("digits, error", [(0, ValueError), (16, ValueError), (2.5, TypeError)])
def test_bad_digits_are_named(digits, error):
    with pytest.raises(error, match="digits"):
        bp.prose.number(1.0, digits)


def test_glue_stores_the_rounded_number(monkeypatch):
    import myst_nb

    seen = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: seen.update({name: (value, display)}))
    bp.prose.glue("ch0_x", 1 / 3, digits=4)
    assert seen == {"ch0_x": (0.3333, False)}
    with pytest.raises(TypeError, match="name"):
        bp.prose.glue("", 1.0)


def test_glue_without_myst_nb_is_a_checked_no_op(monkeypatch):
    # Binder installs requirements.txt, which has no myst-nb: the clean
    # notebooks call bp.prose.glue and must still run (their text already
    # holds the numbers); bad arguments are still named.
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # `import myst_nb` now raises ImportError
    assert bp.prose.glue("ch0_x", 1 / 3, digits=4) is None
    with pytest.raises(TypeError, match="name"):
        bp.prose.glue("", 1.0)
    with pytest.raises(TypeError, match="value"):
        bp.prose.glue("ch0_x", "1.0")
