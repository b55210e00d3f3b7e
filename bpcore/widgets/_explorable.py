r"""The one pattern every explorable follows: a live ipywidgets UI in a
kernel, a precomputed scrubber in the static HTML book, a PNG elsewhere."""

import base64

import ipywidgets
import numpy as np

from .. import plots, scrubber, style

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The margins of a two-panel explorer (figure fractions), shared so that
# every chapter's explorers line up.
TWO_PANELS = dict(left=0.08, right=0.99, bottom=0.16, top=0.86, wspace=0.28)



class Explorable:
    r"""A live ipywidget in a kernel, a scrubber in HTML, a PNG elsewhere.

    ``widget`` is the ipywidgets UI; ``html`` the static scrubber;
    ``png`` the default frame (bytes); ``text`` a plain-text description.
    ``controls`` maps a name to each slider and ``redraw()`` re-renders the
    live image (the benchmark times it).

    >>> e = Explorable(ipywidgets.HTML("live"), "<figure></figure>", b"\x89PNG", "a demo")
    >>> sorted(e._repr_mimebundle_())[:2]  # with png_size: (bundle, metadata)
    ['application/vnd.jupyter.widget-view+json', 'image/png']
    """

    def __init__(self, widget, html, png, text, controls=None, redraw=None, png_size=None):
        self.widget = widget
        self.html = html
        self.png = png
        self.png_size = png_size  # (width, height) to display the PNG at
        self.text = text
        self.controls = dict(controls or {})
        self._redraw = redraw

    def redraw(self):
        """Re-render the live figure from the current slider values."""
        if self._redraw is not None:
            self._redraw()

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {}
        view = self.widget._repr_mimebundle_() or {}
        if WIDGET_VIEW in view:
            bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        bundle["text/html"] = self.html
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = self.text
        if self.png_size is None:
            return bundle
        width, height = self.png_size
        return bundle, {"image/png": {"width": width, "height": height}}


def _live(figure_function, controls, layout_rows, fast=None):
    """Wire ``controls`` to an Image showing ``figure_function(**values)``.

    ``fast = (names, mover)``: when only the controls in ``names`` changed,
    ``mover(fig, **values)`` updates the existing figure's artists in place
    (returning them) and only those are re-drawn (:class:`plots.FastRenderer`);
    any other change rebuilds the figure.
    """
    # The live image renders at the layout density (1x): a redraw must stay
    # under 100 ms, and the kernel is usually on the reader's own screen.
    image = ipywidgets.Image(format="png")
    state = {"key": None, "renderer": None}

    def redraw(*_):
        values = {name: control.value for name, control in controls.items()}
        if fast is None:
            fig = figure_function(**values)
            image.value = plots.figure_to_png(fig, dpi=fig.dpi)
            return
        names, mover = fast
        key = tuple(sorted((k, v) for k, v in values.items() if k not in names))
        if key == state["key"]:
            mover(state["renderer"].fig, **values)
        else:  # a structural change: draw from scratch, keep the background
            fig = figure_function(**values)
            state["key"], state["renderer"] = key, plots.FastRenderer(fig, mover(fig, **values))
        image.value = state["renderer"].png()

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    ui = ipywidgets.VBox([*[ipywidgets.HBox(row) for row in layout_rows], image])
    return ui, redraw


def _explorable(figure_function, controls, layout_rows, *, scrub_name, scrub_values, scrub_labels, caption, param_label, alts, text, fast=None, frame_colors=None):
    """Build the live UI plus the scrubber over ``scrub_name`` at the default
    values of every other control. ``frame_colors`` (default
    ``style.FRAME_COLORS``) is the palette size of each frame: raise it for
    filled contours, whose bands merge with too few colours."""
    frame_colors = style.FRAME_COLORS if frame_colors is None else int(frame_colors)
    ui, redraw = _live(figure_function, controls, layout_rows, fast=fast)
    defaults = {name: control.value for name, control in controls.items()}
    scrub_values = list(scrub_values)
    start = defaults[scrub_name]
    initial = int(np.argmin([abs(float(v) - float(start)) for v in scrub_values]))
    # Frames at style.SAVE_DPI (2x the displayed pixels, sharp on high-density
    # screens), shown at the figure's layout width; quantised to
    # style.FRAME_COLORS so that every frame fits in the notebook.
    default_figure = figure_function(**defaults)
    width_px = int(round(default_figure.get_figwidth() * style.DPI))
    height_px = int(round(default_figure.get_figheight() * style.DPI))
    # Rendered here (not by scrubber.render_frames) to fix the resolution
    # whatever the caller's rcParams; each figure is dropped once rendered.
    frames = [plots.figure_to_png(figure_function(**{**defaults, scrub_name: value}), colors=frame_colors, dpi=style.SAVE_DPI)
              for value in scrub_values]
    html = scrubber.scrubber_html(
        frames, scrub_labels, caption=caption, param_label=param_label, alts=alts, initial=initial, width=width_px)
    png = plots.figure_to_png(default_figure, colors=frame_colors, dpi=style.SAVE_DPI)
    return Explorable(ui, html, png, text, controls=controls, redraw=redraw, png_size=(width_px, height_px))


def _slider_style():
    return dict(continuous_update=True, style={"description_width": "initial"}, layout=ipywidgets.Layout(width="320px"))
