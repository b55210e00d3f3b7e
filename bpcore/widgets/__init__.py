r"""Interactive figures for the chapters: sliders wired to ``bpcore.plots``.

Each explorer is one output that works in three places:

* in Jupyter/Binder (a live kernel) it is an ipywidgets UI: move a slider and
  the figure is recomputed;
* in the static HTML book it is a *scrubber* (:mod:`bpcore.scrubber`): the
  main slider steps through frames precomputed when the book was built;
* anywhere else (PDF, an untrusted viewer) it is a PNG of the default view.

That is done by :class:`Explorable`, whose ``_repr_mimebundle_`` offers all
three representations and lets the front end pick.

The package only wires: each figure comes from a ``*_figure`` function
that takes its numbers from the numpy-only modules (:mod:`bpcore.loss_sweep`
for chapter 1, :mod:`bpcore.neuron` for chapter 5) and draws them with a
``bpcore.plots`` function, so every view can be drawn and tested without a
kernel, and every number can be computed without matplotlib.

>>> fig = loss_explorer_figure(y_true=1.0, y_pred=0.0)
>>> len(fig.axes)
2
"""

from ._explorable import Explorable
from .backprop import depth_explorer, depth_figure, mlp_pass_figure, mlp_pass_stepper
from .losses import loss_explorer, loss_explorer_figure
from .neuron import learning_rate_explorer, learning_rate_figure, neuron_pass_figure, neuron_pass_stepper
# chapter 2
from .landscape import fit_explorer, fit_figure
# chapter 3
from .descent import conditioning_explorer, conditioning_figure
# chapter 8
from .training import training_progress_explorer, training_progress_figure

# chapter 6
from .sgd import minibatch_explorer, minibatch_paths_figure
# chapter 7
from .optimizers import optimizer_race_explorer, optimizer_race_figure

# One module per chapter topic; a new explorable is a ``*_figure`` function
# plus a few declarative lines calling ``_explorable``, re-exported here.
__all__ = [
    "Explorable",
    "loss_explorer_figure",
    "loss_explorer",
    "neuron_pass_figure",
    "neuron_pass_stepper",
    "learning_rate_figure",
    "learning_rate_explorer",
    # chapter 4
    "mlp_pass_figure",
    "mlp_pass_stepper",
    "depth_figure",
    "depth_explorer",
    # chapter 2
    "fit_figure",
    "fit_explorer",
    # chapter 3
    "conditioning_figure",
    "conditioning_explorer",
    # chapter 8
    "training_progress_figure",
    "training_progress_explorer",
    # chapter 6
    "minibatch_paths_figure",
    "minibatch_explorer",
    # chapter 7
    "optimizer_race_figure",
    "optimizer_race_explorer",
]
