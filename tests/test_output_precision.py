"""No committed chapter output shows a float whose last digits depend on the CPU.

numpy and OpenBLAS choose SIMD kernels per processor, so sums and products of
an inexact computation can differ in the last one or two of the 17 digits a
float64 repr shows (``p.sum()`` of a softmax prints 0.9999999999999999 on one
CPU and 0.9999999999999998 on another).  nbval would then fail on a reader's
machine although nothing is wrong.  A chapter prints and glues numbers with
the precision its sentence needs; this test rejects any committed output
(stream text, ``text/plain``, or a value stored by ``myst_nb.glue``) holding a
float with :data:`MAX_DIGITS` or more significant digits, and names the
chapter, the cell and the number.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").rglob("*.ipynb"))

#: A float printed with this many significant digits (or more) is not stable across CPUs.
MAX_DIGITS = 14

# A decimal number with a point or an exponent (integers are exact), not part
# of a longer token such as a version string "2.4.6", a hex address or a name.
_FLOAT = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][-+]?\d+)?(?![\w.])")

#: Output mime types that hold text a reader sees (a glue record carries this prefix).
_GLUE_PREFIX = "application/papermill.record/"
_TEXT_TYPES = ("text/plain", "application/json")


def significant_digits(number):
    """Significant digits as printed: leading zeros do not count, trailing ones after a point do.

    >>> significant_digits("0.9999999999999999"), significant_digits("1.5e-07"), significant_digits("0.0050")
    (16, 2, 2)
    """
    mantissa = re.split(r"[eE]", number.lstrip("+-"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return len(digits)


def fragile_floats(text):
    """The floats in ``text`` printed with at least :data:`MAX_DIGITS` significant digits.

    >>> fragile_floats("sum = 0.9999999999999998, loss 0.6931, version 2.4.6, at 0x7f3a1b2c3d4e5f60")
    ['0.9999999999999998']
    >>> fragile_floats("[1.00000000000000e+00 2.5]")
    ['1.00000000000000e+00']
    """
    return [m.group() for m in _FLOAT.finditer(text) if significant_digits(m.group()) >= MAX_DIGITS]


def _texts(output):
    """``(where, text)`` for every reader-visible text of one notebook output."""
    if output.get("output_type") == "stream":
        yield output.get("name", "stream"), "".join(output.get("text", ""))
        return
    glue = output.get("metadata", {}).get("scrapbook", {}).get("name")
    for mime, value in output.get("data", {}).items():
        base = mime[len(_GLUE_PREFIX):] if mime.startswith(_GLUE_PREFIX) else mime
        if base in _TEXT_TYPES:
            text = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else json.dumps(value)
            yield (f"glue {glue!r}" if glue else base), text


def fragile_outputs(notebook):
    """One line per committed output number that could change with the CPU."""
    problems = []
    for index, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []):
            for where, text in _texts(output):
                for number in fragile_floats(text):
                    problems.append(f"cell {index} ({where}): {number} has {significant_digits(number)} significant "
                                    f"digits")
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.relative_to(ROOT).as_posix() for p in CHAPTERS])
def test_outputs_show_only_stable_digits(path):
    problems = fragile_outputs(json.loads(path.read_text(encoding="utf-8")))
    assert not problems, (
        f"{path.relative_to(ROOT).as_posix()}: {len(problems)} output number(s) with >= {MAX_DIGITS} significant "
        "digits, whose last digits depend on the CPU's SIMD kernels; print or glue them with the precision the "
        "sentence needs (f'{x:.4f}', round(x, 6), np.round, np.array2string(precision=...)):\n  "
        + "\n  ".join(problems))


def test_the_detector_reads_every_kind_of_output():
    stream = {"output_type": "stream", "name": "stdout", "text": ["p.sum() = 0.9999999999999999\n"]}
    plain = {"output_type": "execute_result", "data": {"text/plain": "np.float64(0.30000000000000004)"}}
    glued = {"output_type": "display_data", "metadata": {"scrapbook": {"name": "ch1_x"}},
             "data": {"application/papermill.record/text/plain": "0.01600000000000001"}}
    fine = {"output_type": "stream", "name": "stdout", "text": "loss 0.693147, sum 1.000"}
    image = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo1234567890123456.5"}}
    notebook = {"cells": [{"outputs": [fine, image]}, {"outputs": [stream, plain]}, {"outputs": [glued]}]}
    assert fragile_outputs(notebook) == [
        "cell 1 (stdout): 0.9999999999999999 has 16 significant digits",
        "cell 1 (text/plain): 0.30000000000000004 has 17 significant digits",
        "cell 2 (glue 'ch1_x'): 0.01600000000000001 has 16 significant digits",
    ]
