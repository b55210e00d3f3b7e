r"""Gradient-based optimizers (``bpcore.optim.rules``) and learning-rate
schedules (``bpcore.optim.schedules``).

Every name is available as ``bpcore.optim.X``: the update rules ``SGD``,
``Momentum``, ``Adagrad``, ``RMSprop``, ``Adam``, ``AdamW`` (equal to
``torch.optim``) and the schedules ``StepLR``, ``CosineAnnealingLR``,
``LinearLR``, ``SequentialLR`` (equal to ``torch.optim.lr_scheduler``).

>>> from bpcore.optim import SGD, CosineAnnealingLR
>>> SGD(lr=0.1).step(2.0, -1.5)
2.15
>>> CosineAnnealingLR(0.1, T_max=2).rates(3).round(3).tolist()
[0.1, 0.05, 0.0]
"""

from .rules import SGD, Adagrad, Adam, AdamW, Momentum, Optimizer, RMSprop
from .schedules import CosineAnnealingLR, LinearLR, Schedule, SequentialLR, StepLR

__all__ = ["Optimizer", "SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "AdamW",
           "Schedule", "StepLR", "CosineAnnealingLR", "LinearLR", "SequentialLR"]
