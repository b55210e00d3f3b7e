r"""Show the real source of a ``bpcore`` function in a chapter.

A chapter that explains how the code works quotes it with
`source`, which reads the code with ``inspect.getsource`` when
the notebook runs. The excerpt therefore cannot drift from the code: change
the code and the next execution shows the change (and nbval flags the stale
output until the notebook is re-executed).

The result displays as a highlighted Python block in Jupyter and in the
HTML book (a ``text/markdown`` output) and as plain text elsewhere.

>>> print(source(source).text.splitlines()[0])
def source(obj, start=None, stop=None):
"""

import inspect
import textwrap

__all__ = ["source", "SourceExcerpt"]


class SourceExcerpt:
    r"""Source lines with their origin; ``text`` is the code itself.

    >>> e = SourceExcerpt("x = 1", "demo.py", 3, "demo")
    >>> e.origin
    'demo.py, line 3'
    >>> print(e._repr_markdown_())
    ```python
    # demo.py: demo
    x = 1
    ```
    <BLANKLINE>
    """

    def __init__(self, text, filename, first_line, name):
        self.text = text
        self.filename, self.name = filename, name
        self.origin = f"{filename}, line {first_line}"

    def _repr_markdown_(self):
        return f"```python\n# {self.filename}: {self.name}\n{self.text}\n```\n"

    def __repr__(self):
        return self.text


def source(obj, start=None, stop=None):
    r"""The source of a function, method, property or class, dedented.

    ``start`` and ``stop`` pick whole lines that *contain* the given strings
    (the first line containing ``start`` up to and including the first later
    line containing ``stop``), so that a long function can be quoted in part
    without line numbers that would break when the code moves. The module
    docstring and comments come along unchanged; line numbers are not shown.

    >>> print(source(SourceExcerpt.__repr__))
    def __repr__(self):
        return self.text
    """
    if isinstance(obj, property):
        obj = obj.fget
    try:
        lines, first = inspect.getsourcelines(obj)
        filename = inspect.getsourcefile(obj) or "?"
    except (TypeError, OSError):
        raise TypeError(f"source: obj must be a function, method, property or class with source code; "
                        f"cannot find the source of {obj!r:.40}") from None
    for bound, name in ((start, "start"), (stop, "stop")):
        if bound is not None and not isinstance(bound, str):
            raise TypeError(f"{name} must be a string (a piece of the line), got {type(bound).__name__}")
    begin = 0
    if start is not None:
        hits = [i for i, line in enumerate(lines) if start in line]
        if not hits:
            raise ValueError(f"source: no line of {getattr(obj, '__qualname__', obj)} contains start={start!r}")
        begin = hits[0]
    end = len(lines)
    if stop is not None:
        hits = [i for i, line in enumerate(lines) if i >= begin and stop in line]
        if not hits:
            raise ValueError(f"source: no line of {getattr(obj, '__qualname__', obj)} after start contains stop={stop!r}")
        end = hits[0] + 1
    text = textwrap.dedent("".join(lines[begin:end])).rstrip("\n")
    short = filename.replace("\\", "/").split("/bpcore/")[-1]
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))
    return SourceExcerpt(text, f"bpcore/{short}", first + begin, name)
