"""make grade (tools/grade.py) on generated submissions: right, stubs, partly
wrong, broken JSON, an endless loop, a crash, and three ways of cheating."""

import csv
import json
import subprocess
import sys

import nbformat
import pytest

from editions_fixtures import CORRECT, ROOT, make_book

sys.path.insert(0, str(ROOT / "tools"))
from student_edition import write_notebooks  # noqa: E402


def _with_stubs(nb, answers):
    """A copy of student notebook ``nb`` with stub cells replaced, in order."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    stubs = [c for c in nb.cells if "stub" in c.metadata.get("tags", [])]
    for cell, answer in zip(stubs, answers):
        if answer is not None:
            cell.source = answer
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    book = make_book(tmp_path_factory.mktemp("book"))
    handouts = tmp_path_factory.mktemp("handouts")
    write_notebooks(book, handouts)
    alpha = nbformat.read(str(handouts / "01_alpha.ipynb"), 4)
    beta = nbformat.read(str(handouts / "02_beta.ipynb"), 4)
    right = [CORRECT["ex-alpha-bound"], CORRECT["ex-alpha-step"]]
    wrong_step = ("def my_neuron_step(W, b, x, y, lr):\n    g = -(y - (W * x + b))\n"
                  "    return W - lr * g, b - lr * g")   # forgot the factor x: a wrong answer

    subs = tmp_path_factory.mktemp("submissions")
    (subs / "class-a").mkdir()
    out = {}
    out["class-a/alice.ipynb"] = _with_stubs(alpha, right)
    out["stubs.ipynb"] = alpha
    out["partly.ipynb"] = _with_stubs(alpha, [CORRECT["ex-alpha-bound"], wrong_step])
    anonymous = _with_stubs(beta, [CORRECT["ex-beta-mse"]])
    del anonymous.metadata["bpbook"]                         # found by its exercise labels
    out["class-a/no-metadata.ipynb"] = anonymous
    out["loop.ipynb"] = _with_stubs(alpha, ["while True:\n    pass", CORRECT["ex-alpha-step"]])
    out["error.ipynb"] = _with_stubs(alpha, ["eta_max = 1 / 0", CORRECT["ex-alpha-step"]])
    out["crash.ipynb"] = _with_stubs(alpha, ["import os\nos._exit(1)", None])

    edited = nbformat.from_dict(json.loads(json.dumps(alpha)))   # stubs, but "✓" typed into the outputs
    for cell in edited.cells:
        if "check" in cell.metadata.get("tags", []):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ correct.\n")]
            cell.source += "\npassed = True"
    out["cheat-output.ipynb"] = edited

    out["cheat-redefine.ipynb"] = _with_stubs(alpha, [
        "eta_max = 0.0\n"
        "import bpcore\nimport bpcore.exercises._core as core\n"
        "core._report = lambda passed, message: print('✓') or True\n"
        "bp.exercises.check_critical_learning_rate = lambda *a, **k: print('✓ correct') or True\n"
        "bpcore.exercises.check_critical_learning_rate = bp.exercises.check_critical_learning_rate",
        "def my_neuron_step(W, b, x, y, lr):\n    return W, b\n"
        "def check_neuron_step(f, name=''):\n    print('✓')\n    return True\n"
        "bp.exercises.check_neuron_step = check_neuron_step\n"
        "class Fake:\n    exercises = bp.exercises\nbp = Fake()",
    ])
    in_check = _with_stubs(alpha, [CORRECT["ex-alpha-bound"], None])   # the function written into the check cell
    check = next(c for c in in_check.cells if "check_neuron_step" in c.source)
    check.source = CORRECT["ex-alpha-step"] + "\n" + check.source
    out["answer-in-check-cell.ipynb"] = in_check
    out["cheat-shadow.ipynb"] = _with_stubs(alpha, [
        "eta_max = 0.0", "def my_neuron_step(W, b, x, y, lr):\n    return W, b\n"
        "all = bool = lambda *a, **k: True\n"
        "import builtins as _b\nfake = dict(vars(_b))\nfake['all'] = fake['bool'] = all\n"
        "__builtins__ = fake"])
    out["cheat-numpy.ipynb"] = _with_stubs(alpha, [
        "eta_max = 0.3\nimport numpy\nnumpy.isclose = lambda *a, **k: numpy.True_", None])

    for name, nb in out.items():
        nbformat.write(nb, str(subs / name))
    (subs / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")

    run = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(subs),
                          "--chapters", str(book / "chapters"), "--cell-time-limit", "5", "--time-limit", "90"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(subs / "grades.csv", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    return subs, rows


def test_every_submission_has_a_row_with_the_chapters_columns(graded):
    subs, rows = graded
    assert set(rows) == {"class-a/alice.ipynb", "stubs.ipynb", "partly.ipynb", "class-a/no-metadata.ipynb",
                         "loop.ipynb", "error.ipynb", "crash.ipynb", "cheat-output.ipynb",
                         "cheat-redefine.ipynb", "cheat-shadow.ipynb", "answer-in-check-cell.ipynb", "cheat-numpy.ipynb", "broken.ipynb"}
    header = open(subs / "grades.csv", encoding="utf-8").readline().strip().split(",")
    assert header == ["submission", "chapter", "ex-alpha-bound", "ex-alpha-step", "ex-beta-mse", "total", "status"]


def test_right_stub_and_partly_wrong(graded):
    _, rows = graded
    alice = rows["class-a/alice.ipynb"]
    assert (alice["chapter"], alice["ex-alpha-bound"], alice["ex-alpha-step"], alice["ex-beta-mse"],
            alice["total"], alice["status"]) == ("01_alpha", "1", "1", "", "2", "ok")
    stubs = rows["stubs.ipynb"]
    assert (stubs["total"], stubs["status"]) == ("0", "ok")
    partly = rows["partly.ipynb"]
    assert (partly["ex-alpha-bound"], partly["ex-alpha-step"], partly["total"]) == ("1", "0", "1")
    assert rows["answer-in-check-cell.ipynb"]["total"] == "2"      # a changed check cell still runs
    anonymous = rows["class-a/no-metadata.ipynb"]
    assert (anonymous["chapter"], anonymous["ex-beta-mse"], anonymous["total"]) == ("02_beta", "1", "1")


def test_feedback_has_the_checkers_messages(graded):
    subs, _ = graded
    alice = (subs / "feedback" / "class-a" / "alice.txt").read_text(encoding="utf-8")
    assert "Score: 2 of 2" in alice and "✓ my_neuron_step agrees" in alice
    partly = (subs / "feedback" / "partly.txt").read_text(encoding="utf-8")
    assert "ex-alpha-step — One step: not passed" in partly and "✗ my_neuron_step" in partly
    stubs = (subs / "feedback" / "stubs.txt").read_text(encoding="utf-8")
    assert "replace the ... with your answer" in stubs


def test_broken_looping_raising_and_crashing_notebooks_get_their_row(graded):
    subs, rows = graded
    assert rows["broken.ipynb"]["status"].startswith("not a valid notebook")
    assert rows["broken.ipynb"]["total"] == "0"
    loop = rows["loop.ipynb"]
    assert "exceeded the time limit" in loop["status"]
    assert (loop["ex-alpha-bound"], loop["ex-alpha-step"]) == ("0", "1")      # the other cells still count
    error = rows["error.ipynb"]
    assert "raised ZeroDivisionError" in error["status"] and error["ex-alpha-step"] == "1"
    assert "kernel died" in rows["crash.ipynb"]["status"] and rows["crash.ipynb"]["total"] == "0"
    assert "Status: cell" in (subs / "feedback" / "loop.txt").read_text(encoding="utf-8")


def test_edited_outputs_and_redefined_checkers_count_for_nothing(graded):
    _, rows = graded
    assert rows["cheat-output.ipynb"]["total"] == "0"
    redefine = rows["cheat-redefine.ipynb"]
    assert redefine["total"] == "0"
    assert "review:" in redefine["status"]


def test_shadowing_builtins_counts_for_nothing(graded):
    _, rows = graded
    shadow = rows["cheat-shadow.ipynb"]
    assert (shadow["ex-alpha-bound"], shadow["ex-alpha-step"], shadow["total"]) == ("0", "0", "0")
    assert "review: touches builtins" in shadow["status"]


def test_replacing_a_numpy_function_is_rejected(graded):
    _, rows = graded
    numpy_cheat = rows["cheat-numpy.ipynb"]
    assert numpy_cheat["total"] == "0"
    assert numpy_cheat["status"].startswith("rejected: the notebook replaced numpy.isclose")
