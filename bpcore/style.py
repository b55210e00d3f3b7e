r"""One colour-blind-safe look for every figure in the book.

The line colours are the Okabe--Ito palette (Okabe & Ito, 2008), eight
colours that stay distinguishable under the common forms of colour-vision
deficiency and in greyscale print; filled surfaces use ``cividis``, a
perceptually uniform colormap designed for the same readers.

This module is plain data so that it can be read (and tested) without
matplotlib; :func:`bpcore.plots.use_style` applies it.

>>> PALETTE["blue"]
'#0072B2'
>>> CYCLE[:3]
('#0072B2', '#D55E00', '#009E73')
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

#: Line colour order: the strongest contrasts first; yellow last because it
#: is hard to see on white.
CYCLE = tuple(
    PALETTE[name]
    for name in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "black", "yellow")
)

#: Colormap for contour and surface plots (perceptually uniform, CVD-safe).
CMAP = "cividis"

#: Resolution of notebook figures. Low on purpose: committed notebooks stay
#: small, and the figures are simple line drawings.
DPI = 72

#: matplotlib rcParams applied by :func:`bpcore.plots.use_style`.
RC_PARAMS = MappingProxyType(
    {
        "axes.prop_cycle": None,  # filled in by plots.use_style (needs cycler)
        "image.cmap": CMAP,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "figure.figsize": (6.0, 3.2),
        "figure.constrained_layout.use": True,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "legend.fontsize": 8,
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
