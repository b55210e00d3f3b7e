r"""Numbers for the prose: glued values that read the same on every CPU.

A chapter quotes computed numbers in its text through myst-nb's ``glue``.
numpy and OpenBLAS choose SIMD kernels by CPU, so the last digits of a sum
can differ between machines; a glued float with all 17 digits would then
differ too, and nbval (which pins every output) would fail on a machine that
did not write the notebook. The prose never needs more than a few digits, so
every chapter glues its numbers through :func:`glue`, which rounds to
``digits`` significant digits first:

.. math:: x \mapsto \operatorname{round}_{\text{digits}}(x).

>>> number(0.1 + 0.2)
0.3
>>> number(2 / 3, digits=3)
0.667
"""

from ._checks import integer, real_number

__all__ = ["number", "glue"]


def number(value, digits=6):
    r"""``value`` rounded to ``digits`` significant digits, as a float.

    >>> number(123456.789)
    123457.0
    >>> number(1.0e-7 / 3)
    3.33333e-08
    """
    digits = integer(digits, "digits", minimum=1)
    if digits > 15:
        raise ValueError(f"digits must be at most 15 (a float64 holds ~15.9 significant digits), got {digits}")
    return float(f"{real_number(value, 'value', finite=False):.{digits}g}")


def glue(name, value, digits=6):
    r"""Glue ``value``, rounded by :func:`number`, under ``name`` for the
    text (``{glue:text}`name:.3f```), without displaying it in the cell."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    rounded = number(value, digits)
    try:
        from myst_nb import glue as myst_glue   # only the book's build needs myst-nb
    except ImportError:  # Binder, Colab: the clean notebooks carry the numbers in their text
        return
    myst_glue(name, rounded, display=False)
