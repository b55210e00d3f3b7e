"""bpcore: the tested code behind *Loss Functions and Optimization in Backpropagation*.

Every loss, gradient, optimizer and plot that the book shows lives here, so
that each number printed in a chapter comes from code with tests.

>>> import bpcore as bp
>>> bp.losses.half_mse(3.0, 1.5)
1.125

Submodules load on first use: ``import bpcore`` stays cheap, and the numeric
core never pulls in matplotlib or ipywidgets unless a chapter asks for
``bp.plots`` or ``bp.widgets``.
"""

from importlib import import_module

__version__ = "0.1.0"

_SUBMODULES = (
    "autodiff",
    "backprop",
    "data",
    "excerpts",
    "descent",
    "exercises",
    "experiments",
    "gradcheck",
    "grid_search",
    "landscape",
    "loss_sweep",
    "losses",
    "neuron",
    "prose",
    "nn",
    "optim",
    "plots",
    "races",
    "scrubber",
    "sgd",
    "style",
    "surfaces",
    "train",
    "widgets",
)

__all__ = [*_SUBMODULES, "grad", "Tensor", "__version__"]


def __getattr__(name):
    if name in _SUBMODULES:
        module = import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in ("grad", "Tensor"):
        value = getattr(import_module(".autodiff", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bpcore' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
