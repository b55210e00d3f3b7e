r"""Computational graphs with values and gradients on their nodes."""

from .. import style
from ._figure import new_figure

def plot_computation_graph(
    positions,
    edges,
    *,
    labels,
    grads=None,
    highlight=(),
    backward_edges=(),
    title=None,
    note=None,
    figsize=(7.0, 3.0),
):
    r"""A computational graph: boxes joined by arrows, forward values inside
    the boxes and, for the backward pass, gradients :math:`\partial L/\partial
    v` under them.

    ``positions`` maps a node name to its ``(x, y)`` place; ``edges`` are
    ``(source, target)`` pairs (forward direction); ``labels`` maps a node to
    the text in its box; ``grads`` maps a node to the text under it.
    Nodes in ``highlight`` and edges in ``backward_edges`` are drawn in the
    accent colour (the current step). ``note`` is a sentence under the graph.

    >>> fig = plot_computation_graph({"x": (0, 0), "y": (1, 0)}, [("x", "y")], labels={"x": "x = 1", "y": "y = 2x"})
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text())
    ['x = 1', 'y = 2x']
    """
    # No ticks or labels to fit: fixed margins, no layout engine needed.
    fig, ax = new_figure(figsize=figsize, margins=dict(left=0.01, right=0.99, bottom=0.1, top=0.9))
    grads = grads or {}
    accent, ink = style.PALETTE["vermillion"], style.PALETTE["black"]
    forward_edge = style.PALETTE["blue"]
    boxes = {}
    for name, (x, y) in positions.items():
        emphasised = name in highlight
        boxes[name] = ax.text(
            x,
            y,
            labels.get(name, name),
            ha="center",
            va="center",
            fontsize=9,
            zorder=3,
            bbox=dict(
                boxstyle="round,pad=0.35",
                facecolor="#FCE8DA" if emphasised else "white",
                edgecolor=accent if emphasised else ink,
                linewidth=2.0 if emphasised else 1.0,
            ),
        )
        if name in grads:
            ax.text(x, y - 0.42, grads[name], ha="center", va="top", fontsize=9, color=accent)
    for source, target in edges:
        colour = accent if (source, target) in backward_edges else forward_edge
        # Clipped at the two boxes (drawn after them, zorder 4), so every
        # arrowhead stays visible however wide a label grows.
        ax.annotate(
            "",
            xy=positions[target],
            xytext=positions[source],
            zorder=4,
            arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=2.0 if colour == accent else 1.2,
                            patchA=boxes[source].get_bbox_patch(), patchB=boxes[target].get_bbox_patch(),
                            shrinkA=2, shrinkB=2),
        )
    return finish_graph(fig, ax, positions, title=title, note=note, pad=(0.7, 0.95, 0.45))


def finish_graph(fig, ax, positions, *, title=None, note=None, pad=(0.7, 0.95, 0.45)):
    """Frame a drawn graph: limits around the node ``positions`` with
    ``pad = (sideways, below, above)`` in data units, no axes, the title on
    the left and the ``note`` under the graph. Returns ``fig``."""
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    sideways, below, above = pad
    ax.set_xlim(min(xs) - sideways, max(xs) + sideways)
    ax.set_ylim(min(ys) - below, max(ys) + above)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title, loc="left")
    if note is not None:
        fig.text(0.01, 0.02, note, ha="left", va="bottom", fontsize=9, wrap=True)
    return fig
