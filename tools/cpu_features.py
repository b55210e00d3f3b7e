"""The CPU-feature settings of `make test`'s second nbval run.

numpy picks SIMD kernels per CPU (and OpenBLAS picks its own per core), so
the last digits of sums and products differ between machines.  `make test`
runs the chapters a second time with every optional numpy kernel this CPU
has turned off and OpenBLAS forced to an old core, so a printed number that
depends on the CPU fails here, not on a reader's machine.

    python tools/cpu_features.py            # the value for NPY_DISABLE_CPU_FEATURES
    python tools/cpu_features.py --report   # what numpy and OpenBLAS use right now

The list is computed at run time: numpy refuses to start if asked to disable
a feature the CPU does not have, and CI's CPU may differ from this one.
"""

import ctypes
import glob
import os
import sys

import numpy as np
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__


def dispatchable_present():
    """The optional (dispatchable) features numpy would use on this CPU."""
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def openblas_core():
    """The OpenBLAS core (kernel set) in use, e.g. 'Haswell', or None if unknown."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libs, "lib*openblas*")):
        lib = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_",
                       "openblas_get_corename"):
            if hasattr(lib, symbol):
                fn = getattr(lib, symbol)
                fn.restype = ctypes.c_char_p
                return fn().decode()
    return None


if __name__ == "__main__":
    if sys.argv[1:] == ["--report"]:
        disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "")
        print(f"numpy {np.__version__}: optional CPU features in use: {' '.join(dispatchable_present()) or 'none'}"
              f" (NPY_DISABLE_CPU_FEATURES={disabled!r}); OpenBLAS core: {openblas_core()}"
              f" (OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')!r})")
    else:
        print(" ".join(dispatchable_present()))
