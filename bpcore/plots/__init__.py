r"""Figures for the book: explicit arguments in, a matplotlib ``Figure`` out.

Every function here is pure drawing. It computes nothing the book teaches
(the caller passes losses, gradients and trajectories computed with the rest
of ``bpcore``), never calls ``plt.show`` and never registers its figure with
pyplot, so a figure lives exactly as long as the caller keeps a reference to
it: widgets can redraw hundreds of times without memory growing.

In a notebook a returned figure displays itself as the last expression of a
cell. Functions that draw into one panel accept ``ax=`` so that chapters can
compose them; they then return ``ax.figure``.

>>> import numpy as np
>>> fig = plot_loss_curve([4.0, 1.0, 0.25], label="GD")
>>> type(fig).__name__, len(fig.axes)
('Figure', 1)
"""

from ._figure import FastRenderer, display_png, figure_to_png, legend_outside, new_figure, style_context, use_style
from .backprop import plot_depth_profile, plot_layer_gradients, plot_network_pass, plot_series, set_depth_profile
from .curves import plot_loss_curve, plot_signed_curves, set_loss_curve
from .graphs import plot_computation_graph
from .landscapes import plot_contour, plot_trajectory_1d, plot_trajectory_2d, set_path
from .losses import move_prediction, plot_best_constant_vs_delta, plot_losses_vs_prediction

# chapter 2: the loss landscape
from .landscape_views import (plot_contour_and_surface, plot_fit_and_landscape, plot_kinds_of_critical_points,
                              plot_loss_slice, plot_surface_3d, plot_surface_gallery)
# chapter 3: gradient descent
from .descent import plot_basins, plot_convergence, plot_gradient_step, plot_lr_regimes
# chapter 8
from .training import (plot_decision_boundary, plot_landscape_slices, plot_learning_curves, plot_lr_tests,
                       plot_overfitting, plot_seed_bands, set_decision_boundary)

# chapter 6
from .sgd import plot_cost_of_progress, plot_escape, plot_gradient_variance, plot_minibatch_paths, plot_noise_floor
# chapter 7
from .optimizers import plot_momentum_rates, plot_race, plot_races, plot_schedules, plot_step_sizes, set_race_path

# One module per topic; a chapter's new figures go in a module of their own
# and are re-exported here, so chapters keep writing ``bp.plots.<name>``.
__all__ = [
    "use_style",
    "style_context",
    "new_figure",
    "figure_to_png",
    "display_png",
    "legend_outside",
    "FastRenderer",
    "move_prediction",
    "set_loss_curve",
    "set_path",
    "plot_losses_vs_prediction",
    "plot_loss_curve",
    "plot_signed_curves",
    "plot_best_constant_vs_delta",
    "plot_trajectory_1d",
    "plot_contour",
    "plot_trajectory_2d",
    "plot_computation_graph",
    # chapter 4
    "plot_series",
    "plot_layer_gradients",
    "plot_depth_profile",
    "plot_network_pass",
    "set_depth_profile",
    # chapter 2
    "plot_surface_3d",
    "plot_surface_gallery",
    "plot_contour_and_surface",
    "plot_fit_and_landscape",
    "plot_kinds_of_critical_points",
    "plot_loss_slice",
    # chapter 3
    "plot_gradient_step",
    "plot_lr_regimes",
    "plot_convergence",
    "plot_basins",
    # chapter 8
    "plot_decision_boundary",
    "set_decision_boundary",
    "plot_learning_curves",
    "plot_seed_bands",
    "plot_lr_tests",
    "plot_overfitting",
    "plot_landscape_slices",
    # chapter 6
    "plot_gradient_variance",
    "plot_cost_of_progress",
    "plot_noise_floor",
    "plot_escape",
    "plot_minibatch_paths",
    # chapter 7
    "plot_race",
    "plot_races",
    "plot_momentum_rates",
    "plot_step_sizes",
    "set_race_path",
]
