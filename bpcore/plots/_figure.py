r"""Figure plumbing shared by every plot: the book's style, pyplot-free
figures, PNG encoding and fast re-rendering for widgets."""

import functools
import io
import sys
from contextlib import contextmanager

import matplotlib
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure

from .. import style

def _rc_params():
    rc = dict(style.RC_PARAMS)
    rc["axes.prop_cycle"] = cycler(color=list(style.CYCLE), linestyle=list(style.LINESTYLES))
    return rc


def use_style():
    r"""Apply the book's style (:mod:`bpcore.style`) to all later figures.

    In a Jupyter kernel it also makes IPython display a returned ``Figure``
    as a sharp PNG: rendered at ``style.SAVE_DPI`` (twice the displayed
    pixels), quantised to ``style.PNG_COLORS`` colours to keep notebooks
    small, with its display size in the output's metadata
    (:func:`display_png`).

    >>> use_style()
    >>> import matplotlib
    >>> matplotlib.rcParams["image.cmap"], matplotlib.rcParams["savefig.dpi"] == 2 * matplotlib.rcParams["figure.dpi"]
    ('cividis', True)
    """
    _enable_inline_display()
    matplotlib.rcParams.update(_rc_params())   # after the backend, which may set its own rc


def _enable_inline_display():
    # Our figures are never registered with pyplot, so nothing would load the
    # inline backend, and a Figure would display as text. Importing the
    # backend module registers IPython's PNG formatter; ours then replaces it
    # for Figures (IPython's renders at figure.dpi, 1x, without a size).
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None:
        return
    if "inline" in str(matplotlib.get_backend()).lower():
        import matplotlib_inline.backend_inline  # noqa: F401
    formatter = ipython.get_ipython().display_formatter.formatters["image/png"]
    formatter.for_type(Figure, display_png)


def _png_size(png):
    # The IHDR chunk: width and height, 4 bytes each, big-endian, at 16.
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def display_png(fig):
    r"""A figure as the notebook shows it: ``(png_bytes, metadata)``.

    The PNG is rendered at ``style.SAVE_DPI`` with a tight bounding box and
    quantised to ``style.PNG_COLORS`` colours; ``metadata`` gives the display
    size, half the pixel size (Jupyter and the HTML book honour it), so the
    image is sharp on high-density screens and its text keeps its size in
    points.

    >>> fig, ax = new_figure(figsize=(2, 1))
    >>> png, meta = display_png(fig)
    >>> width, height = _png_size(png)
    >>> abs(2 * meta["width"] - width) <= 1 and abs(2 * meta["height"] - height) <= 1
    True
    """
    png = figure_to_png(fig, colors=style.PNG_COLORS, dpi=style.SAVE_DPI, tight=True)
    width, height = _png_size(png)
    scale = style.SAVE_DPI / style.DPI
    return png, {"width": int(round(width / scale)), "height": int(round(height / scale))}


def legend_outside(ax, where="right", **kwargs):
    r"""A legend that never covers data: beside the axes (``where="right"``)
    or under them (``"below"``, in columns). Constrained layout makes room.

    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], label="a")
    >>> legend_outside(ax).get_bbox_to_anchor() is not None
    True
    """
    if where == "right":
        options = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    elif where == "below":
        handles = ax.get_legend_handles_labels()[0]
        options = dict(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=min(4, max(1, len(handles))), borderaxespad=0.0)
    else:
        raise ValueError(f"legend_outside: where must be 'right' or 'below', got {where!r}")
    return ax.legend(**{**options, **kwargs})


@contextmanager
def style_context():
    r"""Use the book's style inside a ``with`` block only.

    >>> from bpcore.plots import plot_loss_curve
    >>> with style_context():
    ...     fig = plot_loss_curve([1.0, 0.5])
    >>> fig.dpi == style.DPI
    True
    """
    with matplotlib.rc_context(_rc_params()):
        yield


def new_figure(nrows=1, ncols=1, figsize=None, margins=None, **subplot_kw):
    r"""A ``Figure`` (not managed by pyplot) and its axes.

    Returns ``(fig, ax)`` for one panel and ``(fig, axes_array)`` otherwise,
    like ``plt.subplots``. ``margins`` (a dict for ``subplots_adjust``, in
    figure fractions) fixes the layout instead of the style's constrained
    layout: several times faster to render, which is what a widget needs.

    >>> fig, axes = new_figure(1, 2)
    >>> axes.shape
    (2,)
    """
    fig = Figure(figsize=figsize, layout=None if margins is None else "none")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    if margins is not None:
        fig.subplots_adjust(**margins)
    return fig, axes


def _figure_and_axes(ax, figsize=None):
    if ax is None:
        return new_figure(figsize=figsize)
    return ax.figure, ax


def figure_to_png(fig, colors=None, dpi=None, tight=False):
    r"""Render ``fig`` to PNG bytes, at ``dpi`` (default: the style's
    ``savefig.dpi``, twice the display density).

    With ``colors=k`` the image is quantised to a palette of ``k`` colours,
    which makes a line drawing's PNG about three times smaller (used for the
    frames of the static-HTML scrubbers). ``tight`` crops the white margin.

    >>> fig, ax = new_figure(figsize=(1, 1))
    >>> figure_to_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    True
    """
    fixed_layout = fig.get_layout_engine() is None
    try:
        return _render_png(fig, colors, dpi, tight)
    finally:
        if fixed_layout:
            # matplotlib's tight bbox restores "no engine" as the rcParams'
            # engine (constrained layout here), which would undo fixed margins.
            fig.set_layout_engine("none")


def _render_png(fig, colors, dpi, tight):
    buffer = io.BytesIO()
    crop = dict(bbox_inches="tight", pad_inches=0.04) if tight else {}
    # An opaque white background whatever the caller's rcParams: the book's
    # dark mode would make transparent figures unreadable.
    opaque = dict(facecolor="white", edgecolor="white", transparent=False)
    if colors is None:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, **crop, **opaque)
        return buffer.getvalue()
    from PIL import Image  # Pillow is a matplotlib dependency

    fig.savefig(buffer, format="png", dpi=dpi, **crop, **opaque)
    buffer.seek(0)
    # Fast octree: ten times faster than the default median cut, and smaller.
    image = Image.open(buffer).convert("RGB").quantize(colors=int(colors), method=Image.Quantize.FASTOCTREE)
    # The octree averages white with its neighbours into (254, 254, 254);
    # snap near-white palette entries back to the exact white background.
    palette = image.getpalette()
    image.putpalette([255 if all(v >= 250 for v in palette[i - i % 3:i - i % 3 + 3]) else value
                      for i, value in enumerate(palette)])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _shared_mathtext_parser():
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")  # what RendererAgg uses


class FastRenderer:
    r"""Re-render a figure in which only a few artists change, by blitting.

    The figure is drawn once without the ``animated`` artists and that
    background is kept; each :meth:`png` call restores it, draws only the
    animated artists on top and encodes the image. That is several times
    faster than drawing the whole figure again (axes, ticks and text are
    most of matplotlib's drawing time), which keeps widgets responsive.
    The figure must not change size or layout afterwards.

    >>> from bpcore.plots import plot_loss_curve, set_loss_curve
    >>> fig = plot_loss_curve([1.0, 0.5, 0.25], logy=True, ylim=(0.1, 2))
    >>> renderer = FastRenderer(fig, fig.axes[0].get_lines())
    >>> _ = set_loss_curve(fig.axes[0], [1.0, 0.9, 0.8], logy=True)
    >>> renderer.png()[:4] == b"\x89PNG"
    True
    """

    def __init__(self, fig, animated):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.animated = list(animated)
        self.canvas = FigureCanvasAgg(fig)
        # matplotlib caches parsed math text ($w_1$, log-axis ticks such as
        # $10^{-4}$) per renderer, and a rebuilt figure gets a new renderer:
        # sharing one parser keeps a live explorer's rebuilds from parsing the
        # same labels again (most of a rebuild's time otherwise).
        self.canvas.get_renderer().mathtext_parser = _shared_mathtext_parser()
        for artist in self.animated:
            artist.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self):
        """The figure, with the animated artists as they are now, as PNG bytes."""
        from PIL import Image

        self.canvas.restore_region(self.background)
        for artist in self.animated:
            self.fig.draw_artist(artist)
        rgba = np.asarray(self.canvas.buffer_rgba())
        out = io.BytesIO()
        # Low compression: the bytes only travel to the browser, once.
        Image.fromarray(rgba[..., :3]).save(out, format="PNG", compress_level=1)
        return out.getvalue()


def _symmetric_limits(values, clip):
    finite = np.concatenate([np.ravel(v)[np.isfinite(np.ravel(v))] for v in values])
    if finite.size == 0:
        return None
    low, high = np.min(finite), np.max(finite)
    if clip is not None:
        low, high = max(low, clip[0]), min(high, clip[1])
    pad = 0.05 * (high - low or 1.0)
    return low - pad, high + pad
