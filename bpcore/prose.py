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

A negative number in running text wants a true minus sign (U+2212), not the
hyphen Python prints: :func:`text` formats one, and ``glue(..., spec=...)``
glues that text (the markdown then uses ``{glue:text}`name``` without a format).

>>> text(-0.25, ".2f")
'−0.25'
"""

from ._checks import integer, real_number

__all__ = ["number", "text", "glue"]


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


def text(value, spec=".6g"):
    r"""``value`` formatted with ``spec`` (a format spec such as ``".2f"``), with a
    true minus sign (U+2212) instead of the hyphen.

    >>> text(-19)
    '−19'
    >>> text(-1.5e-7, ".1e")
    '−1.5e-07'
    >>> text(1234.5, ",.0f")
    '1,234'
    """
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format spec string such as '.3f', got {spec!r}")
    value = real_number(value, "value", finite=False)
    try:
        formatted = format(value, spec)
    except ValueError as error:
        raise ValueError(f"spec {spec!r} is not a format spec for a number: {error}") from None
    return ("\u2212" + formatted[1:]) if formatted.startswith("-") else formatted


def glue(name, value, digits=6, spec=None):
    r"""Glue ``value``, rounded by :func:`number`, under ``name`` for the
    text (``{glue:text}`name:.3f```), without displaying it in the cell.

    With ``spec`` (e.g. ``".2f"``) the glued value is :func:`text` of the
    rounded number instead, a string with a true minus sign; the markdown then
    quotes it without a format, ``{glue:text}`name```. Without myst-nb (the
    clean notebooks on Binder or Colab, whose text already holds the numbers)
    the arguments are checked and nothing is glued.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    rounded = number(value, digits)
    glued = rounded if spec is None else text(rounded, spec)
    try:
        from myst_nb import glue as myst_glue   # only the book's build needs myst-nb
    except ImportError:
        return
    myst_glue(name, glued, display=False)
