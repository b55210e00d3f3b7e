r"""Static explorables: a slider over precomputed figures, with no kernel.

In the HTML book no Python runs, so a live ipywidget slider would move and
change nothing. A *scrubber* instead ships a handful of frames rendered at
build time and swaps them as the reader drags a native range input. It is
plain HTML with one inline ``oninput`` handler and no ``<script>`` tag, so it
works in any page that allows inline handlers, and it degrades to a still
image where they are stripped.

The DOM it produces (the book's browser test relies on this shape)::

    <figure class="bp-scrubber" id="bp-scrubber-<hash>">
      <img src="data:image/png;base64,..." alt="...">
      <div class="bp-scrubber-controls">
        <label>Name <input type="range" ... data-frames=...></label>
        <output for="...">value</output>
      </div>
      <figcaption>caption</figcaption>
    </figure>

Frames, their labels and alt texts live in ``data-`` attributes of the input
as JSON lists; the handler swaps the image ``src`` and ``alt``, the output's
text and the input's ``aria-valuetext``. Arrow-key presses are stopped from
propagating, otherwise JupyterLab 4 would move between cells. Ids are
hashes of the text content (a repeat gets a suffix), so re-running a
notebook gives the same ids.

>>> html = scrubber_html([b"\x89PNG-a", b"\x89PNG-b"], ["1", "2"], caption="Demo", param_label="k")
>>> html.startswith('<figure class="bp-scrubber"'), html.count('type="range"'), html.count("<img ")
(True, 1, 1)
"""

import base64
import hashlib
import html
import json
import numbers

from collections.abc import Iterable

from . import plots
from ._checks import check_callable, integer, positive_number

__all__ = ["scrubber_html", "render_frames", "scrubber_from_figures"]

# How many times each content hash has been emitted in this process, so two
# identical scrubbers on one page still get distinct ids (deterministically).
_emitted = {}

_ON_INPUT = (
    "var d=this.dataset,i=+this.value,f=this.closest('figure'),"
    "m=f.querySelector('img'),o=f.querySelector('output'),"
    "t=JSON.parse(d.labels)[i];"
    "m.src=JSON.parse(d.frames)[i];"
    "m.alt=JSON.parse(d.alts)[i];"
    "o.value=t;this.setAttribute('aria-valuetext',t);"
)

_STYLE = "margin:1em 0"


def _attr(value):
    return html.escape(str(value), quote=True)


def _text(value, name):
    if not isinstance(value, str):
        raise TypeError(f"scrubber_html: {name} must be a string, got {type(value).__name__}")
    return value


def _texts(values, name):
    """A list of strings (numbers are formatted); a lone string or bytes is not a list of them."""
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise TypeError(f"scrubber_html: {name} must be a list of strings, one per frame, got {type(values).__name__}")
    values = list(values)
    for i, value in enumerate(values):
        if not isinstance(value, (str, numbers.Real)) or isinstance(value, bool):
            raise TypeError(f"scrubber_html: {name}[{i}] must be a string or a number, got {type(value).__name__}")
    return [str(value) for value in values]


def _frames(frames):
    """A list of PNG byte strings; one bytes object is one frame's bytes, not a list of frames."""
    if isinstance(frames, (bytes, bytearray, memoryview, str, dict)) or not isinstance(frames, Iterable):
        raise TypeError(f"scrubber_html: frames must be a list of PNG images (bytes), one per value, "
                        f"got {type(frames).__name__}" + ("; wrap a single frame in a list" if
                                                          isinstance(frames, (bytes, bytearray)) else ""))
    frames = list(frames)
    for i, frame in enumerate(frames):
        if not isinstance(frame, (bytes, bytearray, memoryview)):
            raise TypeError(f"scrubber_html: frames[{i}] must be PNG bytes, got {type(frame).__name__}")
    return frames


def _unique_id(digest):
    count = _emitted.get(digest, 0) + 1
    _emitted[digest] = count
    suffix = "" if count == 1 else f"-{count}"
    return f"bp-scrubber-{digest[:12]}{suffix}"


def scrubber_html(frames, labels, *, caption, param_label, alts=None, initial=0, width=None):
    r"""HTML for a scrubber over PNG ``frames`` (bytes), one per value.

    ``labels[i]`` is the readout shown (and announced to screen readers) for
    frame ``i``; ``alts[i]`` its alt text (default: caption and label).
    ``initial`` is the frame shown first. ``width`` (pixels) fixes the
    image's display width.

    Raises ``TypeError`` if ``frames`` is not a list of bytes (one ``bytes``
    object is one frame: wrap it in a list), a label or alt text is not a
    string (or number), ``caption``/``param_label`` are not strings, ``initial``
    is not an integer or ``width`` not a number; ``ValueError`` if the lists
    differ in length or are empty, ``initial`` is outside the frames or
    ``width`` is not positive.

    >>> html = scrubber_html([b"a", b"b", b"c"], ["x=1", "x=2", "x=3"], caption="c", param_label="x", initial=1)
    >>> 'value="1"' in html and 'aria-valuetext="x=2"' in html
    True
    """
    frames, labels = _frames(frames), _texts(labels, "labels")
    caption, param_label = _text(caption, "caption"), _text(param_label, "param_label")
    n = len(frames)
    if n == 0:
        raise ValueError("scrubber_html: frames is empty; need at least one frame")
    if len(labels) != n:
        raise ValueError(f"scrubber_html: {n} frames but {len(labels)} labels")
    if alts is None:
        alts = [f"{caption} ({param_label} = {label})" for label in labels]
    alts = _texts(alts, "alts")
    if len(alts) != n:
        raise ValueError(f"scrubber_html: {n} frames but {len(alts)} alt texts (alts)")
    initial = integer(initial, "scrubber_html: initial")
    if not 0 <= initial < n:
        raise ValueError(f"scrubber_html: initial={initial!r} is not a frame index, an integer in [0, {n - 1}]")
    if width is not None:
        width = round(positive_number(width, "scrubber_html: width (pixels)"))
    # Full data URIs, so a sanitiser that masks image payloads finds them all.
    encoded = ["data:image/png;base64," + base64.b64encode(bytes(frame)).decode("ascii") for frame in frames]

    # The id hashes the text only: PNG bytes may differ between freetype
    # builds, and the id must not.
    digest = hashlib.sha1(json.dumps([labels, alts, caption, param_label, initial, n]).encode()).hexdigest()
    root_id = _unique_id(digest)
    input_id = f"{root_id}-input"
    size = f' width="{width}"' if width is not None else ""
    return (
        f'<figure class="bp-scrubber" id="{root_id}" style="{_STYLE}">'
        f'<img src="{encoded[initial]}" alt="{_attr(alts[initial])}"{size} style="max-width:100%;height:auto">'
        '<div class="bp-scrubber-controls" style="display:flex;gap:0.6em;align-items:center;flex-wrap:wrap">'
        f'<label style="display:flex;gap:0.6em;align-items:center;flex:1 1 14em;max-width:28em">{_attr(param_label)}'
        f'<input type="range" id="{input_id}" min="0" max="{n - 1}" step="1" value="{initial}"'
        f' aria-valuetext="{_attr(labels[initial])}"'
        f' data-frames="{_attr(json.dumps(encoded))}"'
        f' data-labels="{_attr(json.dumps(labels))}"'
        f' data-alts="{_attr(json.dumps(alts))}"'
        f' oninput="{_attr(_ON_INPUT)}" onkeydown="event.stopPropagation()"'
        ' style="flex:1 1 auto"></label>'
        f'<output for="{input_id}" aria-live="polite">{_attr(labels[initial])}</output>'
        "</div>"
        f"<figcaption>{_attr(caption)}</figcaption>"
        "</figure>"
    )


def render_frames(make_figure, values, *, colors=64):
    r"""Render ``make_figure(value)`` for each value to a palette PNG.

    Each figure is dropped as soon as it is rendered, so memory stays flat.

    >>> frames = render_frames(lambda v: plots.plot_loss_curve([v, v / 2]), [1.0, 2.0])
    >>> len(frames), frames[0][:4] == b"\x89PNG"
    (2, True)
    """
    check_callable(make_figure, "make_figure")
    colors = integer(colors, "colors", minimum=2, maximum=256)
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise TypeError(f"render_frames: values must be a list of values, one per frame, got {type(values).__name__}")
    frames = []
    for value in values:
        fig = make_figure(value)
        frames.append(plots.figure_to_png(fig, colors=colors))
        del fig
    return frames


def scrubber_from_figures(make_figure, values, *, labels, caption, param_label, alts=None, initial=0, colors=64):
    r"""Render one figure per value and wrap the frames in a scrubber.

    >>> html = scrubber_from_figures(lambda v: plots.plot_loss_curve([v, 1.0]), [2.0, 3.0],
    ...                              labels=["2", "3"], caption="c", param_label="v")
    >>> html.count('type="range"')
    1
    """
    values = list(values) if isinstance(values, Iterable) and not isinstance(values, (str, bytes, dict)) else values
    if isinstance(values, list) and not isinstance(labels, (str, bytes)) and isinstance(labels, Iterable):
        labels = _texts(labels, "labels")
        if len(labels) != len(values):   # before spending time on rendering
            raise ValueError(f"scrubber_from_figures: {len(values)} values but {len(labels)} labels")
    frames = render_frames(make_figure, values, colors=colors)
    return scrubber_html(frames, labels, caption=caption, param_label=param_label, alts=alts, initial=initial)
