r"""One look for every figure in the book: sharp, readable, colour-blind safe.

The rules this module encodes (CONTRIBUTING.md, "Figures"):

* **Sharp.** A figure is laid out at :data:`DPI` = 96 dots per inch, the
  CSS pixel density, so a figure ``FULL_WIDTH`` = 7.2 inches wide displays
  691 CSS pixels wide, and it is rendered at :data:`SAVE_DPI` = 2 × 96, so
  its PNG has twice the displayed pixels in each direction (1382 px): sharp
  on high-density screens. The notebook output carries the display size as
  metadata, so Jupyter and the HTML book show it at half its pixel size.
* **Readable.** At 96 dpi one matplotlib point is one CSS point, so the font
  sizes below are the sizes a reader sees; none is under 9 pt.
* **Opaque.** Figures and saved images have a white background: the book's
  HTML theme has a dark mode, where a transparent figure with black text
  would be unreadable.
* **Colour-blind safe, and not by colour alone.** Lines take the
  Okabe--Ito colours (Okabe & Ito, 2008), each paired with its own line
  style (:data:`LINESTYLES`), so curves stay apart in greyscale and for
  every form of colour-vision deficiency. Vermilion and orange, the one
  Okabe--Ito pair that is hard to tell apart, are never neighbours in the
  cycle (orange comes seventh). Filled surfaces use ``cividis``.
* **Legends off the data.** :func:`bpcore.plots.legend_outside` puts a
  legend beside or under the axes; ``plot_loss_curve`` does so by default.

This module is plain data so that it can be read (and tested) without
matplotlib; :func:`bpcore.plots.use_style` applies it.

>>> PALETTE["blue"]
'#0072B2'
>>> CYCLE[:4]
('#0072B2', '#D55E00', '#009E73', '#CC79A7')
>>> series(1)["linestyle"]
'--'
"""

from types import MappingProxyType

#: The eight Okabe--Ito colours by name.
PALETTE = MappingProxyType(
    {
        "black": "#000000",
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "purple": "#CC79A7",
    }
)

#: Line colour order: the strongest contrasts first; orange far from
#: vermilion (they are the hardest pair to tell apart); yellow last because
#: it is hard to see on white.
CYCLE = tuple(
    PALETTE[name]
    for name in ("blue", "vermillion", "green", "purple", "sky_blue", "black", "orange", "yellow")
)

#: The line style paired with each colour of :data:`CYCLE`: the i-th curve
#: differs from every other one in colour *and* dash pattern.
LINESTYLES = (
    "-",
    "--",
    "-.",
    ":",
    (0, (6, 1.5, 1, 1.5, 1, 1.5)),   # dash-dot-dot
    (0, (9, 3)),                      # long dashes
    (0, (3, 1, 1, 1)),                # dense dash-dot
    (0, (1, 3)),                      # sparse dots
)

#: Colormap for contour and surface plots (perceptually uniform, CVD-safe).
CMAP = "cividis"

#: Layout resolution: 96 dpi is the CSS pixel density, so a figure displays
#: at its size in inches × 96 CSS pixels and a font of s points shows as s
#: CSS points.
DPI = 96

#: Rendering resolution of every PNG the book shows (static figures and
#: scrubber frames): twice the displayed pixels, sharp on high-density screens.
SAVE_DPI = 2 * DPI

#: Width of a full-width figure in inches (691 CSS pixels at :data:`DPI`,
#: narrower than the book's text column, so it is never scaled down).
FULL_WIDTH = 7.2

#: Default size of a one-panel figure (inches).
FIGSIZE = (FULL_WIDTH, 3.3)

#: Smallest font size anywhere in a figure (points at display size).
MIN_FONT_PT = 9

#: Colours per palette PNG: 2× line drawings quantised to this many colours
#: are about three times smaller, with no visible change.
PNG_COLORS = 128

#: Colours per scrubber frame: a scrubber ships every frame inside the
#: notebook, so frames are quantised harder to keep a chapter under 1.5 MB.
FRAME_COLORS = 32

#: matplotlib rcParams applied by :func:`bpcore.plots.use_style`.
RC_PARAMS = MappingProxyType(
    {
        "axes.prop_cycle": None,  # filled in by plots.use_style (needs cycler)
        "image.cmap": CMAP,
        "figure.dpi": DPI,
        "savefig.dpi": SAVE_DPI,
        "figure.figsize": FIGSIZE,
        "figure.constrained_layout.use": True,
        "figure.facecolor": "white",
        "figure.edgecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.edgecolor": "white",
        "savefig.transparent": False,
        "font.size": 10,
        "axes.titlesize": 10.5,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.title_fontsize": 9,
        "figure.titlesize": 10.5,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": 0.6,
        "lines.linewidth": 1.8,
        "lines.markersize": 6,
        # Text stays text-like in SVG/PDF and PNGs carry no timestamp.
        "svg.fonttype": "none",
        "svg.hashsalt": "bpcore",
        "pdf.fonttype": 42,
    }
)


def series(index):
    r"""Colour and line style of the ``index``-th curve of a figure, as
    keyword arguments for ``Axes.plot`` (the cycle repeats after 8).

    >>> series(0)
    {'color': '#0072B2', 'linestyle': '-'}
    >>> series(8) == series(0)
    True
    """
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError(f"series: index must be a non-negative integer, got {index!r}")
    return {"color": CYCLE[index % len(CYCLE)], "linestyle": LINESTYLES[index % len(LINESTYLES)]}
