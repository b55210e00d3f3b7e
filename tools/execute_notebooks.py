"""Run chapter notebooks from a fresh kernel, top to bottom, and save their outputs.

    python tools/execute_notebooks.py chapters/01_loss_functions.ipynb ...

Used by ``make notebooks``. Like ``jupyter execute --inplace`` (both use
nbclient and store the widget state, so widgets display when the notebook is
opened), but without per-cell timestamps: re-running an unchanged chapter
leaves its committed file unchanged except where an output really changed.
Each notebook runs with its own folder as the working directory, as in
Jupyter.
"""

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, timeout: int) -> float:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        seconds = execute(path, args.timeout)
        size_kb = path.stat().st_size / 1024
        print(f"{path}: executed in {seconds:.1f} s, {size_kb:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
