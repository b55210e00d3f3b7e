"""A small synthetic book that follows the chapter conventions, for the tests
of the student edition, the clean notebooks and the grader.

Two chapters and an appendix page, with everything the converter must
render (glue, labelled equations across pages, cross-references, citations,
admonitions) and exercises in the cell-tag convention: ``stub``, the
solution between ``solution-start`` and ``solution-end`` (every cell tagged
``solution``), then ``check``. The checkers are real ones from
``bpcore.exercises``, so the grader runs against the same machinery as the
book. The solution lines carry markers (``SECRET``) that must never appear
in a student artefact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]

IMPORTS = "import numpy as np\nimport bpcore as bp\nfrom myst_nb import glue"

# What a student writes to solve each fixture exercise (keyed by label).
CORRECT = {
    "ex-alpha-bound": "eta_max = 2 / (2.0**2 + 1)",
    "ex-alpha-step": ("def my_neuron_step(W, b, x, y, lr):\n"
                      "    g = -(y - (W * x + b))\n"
                      "    return W - lr * g * x, b - lr * g"),
    "ex-beta-mse": ("def my_mse(y_true, y_pred):\n"
                    "    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)\n"
                    "    return float(np.mean((y_true - y_pred) ** 2))"),
}
SECRET_LINES = [
    "The Hessian has the eigenvalue five: SECRET-MARKDOWN-LINE.",
    "eta_max = 2 / (2.0**2 + 1)  # SECRET-CODE-LINE",
    "dL_dyhat_secret = -(y - (W * x + b))  # SECRET-STEP",
    "return float(np.mean(np.square(np.subtract(y_true, y_pred))))  # SECRET-MSE",
]


def _tag(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def _glue_output(name, value):
    return new_output("display_data", data={"application/papermill.record/text/plain": repr(value)},
                      metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}})


def _exercise(label, title, text, stub, solution_cells, check):
    return [
        new_markdown_cell(f"```{{exercise}} {title}\n:label: {label}\n\n{text}\n```"),
        _tag(new_code_cell(stub), "stub"),
        new_markdown_cell(f"```{{solution-start}} {label}\n:class: dropdown\n```"),
        *[_tag(c, "solution") for c in solution_cells],
        new_markdown_cell("```{solution-end}\n```"),
        _tag(new_code_cell(check), "check"),
    ]


def alpha() -> nbformat.NotebookNode:
    first = new_code_cell(IMPORTS + '\nglue("alpha_value", 3.14159, display=False)')
    first.outputs = [_glue_output("alpha_value", 3.14159),
                     new_output("display_data", data={"application/papermill.record/image/png": "iVBORw0KGgo=",
                                                      "application/papermill.record/text/plain": "<Figure>"},
                                metadata={"scrapbook": {"name": "alpha_plot",
                                                        "mime_prefix": "application/papermill.record/"}}),
                     new_output("display_data", data={"application/papermill.record/text/latex": "$x^2$",
                                                      "application/papermill.record/text/plain": "'x^2'"},
                                metadata={"scrapbook": {"name": "alpha_math",
                                                        "mime_prefix": "application/papermill.record/"}})]
    figure = new_code_cell("x = 1.0")
    figure.metadata["mystnb"] = {"figure": {"caption": "A figure of {eq}`eq-alpha-one`.", "name": "fig-alpha"}}
    cells = [
        new_markdown_cell(
            "# Alpha\n\nA motivation that cites {cite}`ch1-huber1964robust`.\n\n"
            "(sec-alpha-core)=\n## Core idea\n\n$$\na = b\n$$ (eq-alpha-one)\n\n"
            "By {eq}`eq-alpha-one`, see {doc}`02_beta`, {doc}`the notes <appendix/notes>`, "
            "{ref}`sec-alpha-core`, {numref}`fig-alpha` and {ref}`ex-beta-mse`. "
            "The value is {glue:text}`alpha_value:.3f`; the code is at {{ repository_url }}.\n\n"
            "```{note}\nA note about {eq}`eq-alpha-one`.\n```\n\n"
            "```{warning} Careful\nA warning.\n```"),
        first,
        figure,
        new_markdown_cell("```{glue:figure} alpha_plot\n:name: fig-alpha-glued\n\nA glued figure.\n```\n\n"
                          "And {numref}`fig-alpha-glued` shows {glue:math}`alpha_math`."),
        new_markdown_cell("## Exercises"),
        *_exercise("ex-alpha-bound", "The bound", "Find the largest stable rate for $x = 2$.",
                   "eta_max = ...  # your answer",
                   [new_markdown_cell(SECRET_LINES[0]), new_code_cell(SECRET_LINES[1])],
                   "passed = bp.exercises.check_critical_learning_rate(eta_max, x=2.0)"),
        *_exercise("ex-alpha-step", "One step", "Implement one step.",
                   "def my_neuron_step(W, b, x, y, lr):\n    ...  # your code here",
                   [new_code_cell("def my_neuron_step(W, b, x, y, lr):\n    " + SECRET_LINES[2]
                                  + "\n    return W - lr * dL_dyhat_secret * x, b - lr * dL_dyhat_secret")],
                   "passed = bp.exercises.check_neuron_step(my_neuron_step)"),
        new_markdown_cell("## References\n\n```{bibliography}\n:filter: docname in docnames\n:keyprefix: ch1-\n```"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def beta() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Beta\n\n$$\nc = d\n$$ (eq-beta)\n\nBack to {eq}`eq-alpha-one` in {doc}`01_alpha`; "
                          "{cite:t}`ch2-goodfellow2016deep`.\n\n```{math}\n:label: eq-beta-two\ng = h\n```\n\n"
                          "Then {eq}`eq-beta-two` and {math}`x^2`."),
        new_code_cell(IMPORTS),
        new_markdown_cell("## Exercises"),
        *_exercise("ex-beta-mse", "Mean squared error", "Implement `my_mse`.",
                   "def my_mse(y_true, y_pred):\n    ...  # your code here",
                   [new_code_cell("def my_mse(y_true, y_pred):\n    " + SECRET_LINES[3])],
                   "passed = bp.exercises.check_mse(my_mse)"),
        new_markdown_cell("## References\n\n```{bibliography}\n:filter: docname in docnames\n:keyprefix: ch2-\n```"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def make_book(root: Path) -> Path:
    """Write the synthetic book under ``root`` and return ``root``."""
    (root / "chapters" / "appendix").mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy2(ROOT / "references.bib", root / "references.bib")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Chapters\n    chapters:\n"
        "      - file: chapters/01_alpha\n      - file: chapters/02_beta\n"
        "  - caption: Appendix\n    chapters:\n      - file: chapters/appendix/notes\n", encoding="utf-8")
    (root / "intro.md").write_text("# Intro\n\nThe preface.\n", encoding="utf-8")
    (root / "chapters" / "appendix" / "notes.md").write_text(
        "# Notes\n\n$$\ne = f\n$$ (eq-notes)\n", encoding="utf-8")
    nbformat.write(alpha(), str(root / "chapters" / "01_alpha.ipynb"))
    nbformat.write(beta(), str(root / "chapters" / "02_beta.ipynb"))
    return root
