"""Every checker, on its whole catalogue, as a student meets it.

For each check cell of the chapters (with the chapter's own parameters):

* every catalogued mistake, given as the answer, gets its own hint;
* the names a hint or an idea puts in backticks exist in the student's
  notebook (defined in a non-solution cell, a parameter of a stub, a Python
  keyword, or an attribute of ``bp`` / ``np``), and no hint names a function
  that only the (removed) solution defines;
* no by-hand checker prints its expected value, right or wrong, stub or not;
* a checker's verdict is its return value, and a passing one prints one ✓
  line without a value (the line the grader and the before-stop hook read).
"""

import ast
import builtins
import keyword
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import bpcore as bp
from bpcore import exercises
from bpcore.exercises import _core

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from editions import solution_cells  # noqa: E402

VAL = np.array([0.9, 0.5, 0.3, 0.25, 0.27, 0.35])
TRAIN = np.array([0.9, 0.5, 0.3, 0.2, 0.1, 0.05])

#: checker name -> (number of answer slots, call(answers)) with the chapter's parameters.
BY_HAND = {
    "check_mse_gradient": (2, lambda a: exercises.check_mse_gradient(*a)),
    "check_softmax_gradient": (1, lambda a: exercises.check_softmax_gradient(*a)),
    "check_best_constants": (3, lambda a: exercises.check_best_constants(*a)),
    "check_huber_median_delta": (1, lambda a: exercises.check_huber_median_delta(*a)),
    "check_least_squares": (1, lambda a: exercises.check_least_squares(*a)),
    "check_grid_evaluations": (1, lambda a: exercises.check_grid_evaluations(*a)),
    "check_best_slope": (1, lambda a: exercises.check_best_slope(*a, *bp.widgets.landscape.FIT_DATA, b=1.0)),
    "check_directional_derivative": (1, lambda a: exercises.check_directional_derivative(*a)),
    "check_optimal_rate": (1, lambda a: exercises.check_optimal_rate(*a, condition=4)),
    "check_hessian_test": (1, lambda a: exercises.check_hessian_test(*a)),
    "check_basin": (1, lambda a: exercises.check_basin(*a)),
    "check_hidden_delta": (1, lambda a: exercises.check_hidden_delta(*a)),
    "check_relu_gain": (1, lambda a: exercises.check_relu_gain(*a)),
    "check_bias_step": (2, lambda a: exercises.check_bias_step(*a, x=2.0)),
    "check_critical_learning_rate": (1, lambda a: exercises.check_critical_learning_rate(*a, x=2.0)),
    "check_one_step_rate": (1, lambda a: exercises.check_one_step_rate(*a, x=2.0)),
    "check_gradient_ratio": (1, lambda a: exercises.check_gradient_ratio(*a)),
    "check_minibatch_variance": (1, lambda a: exercises.check_minibatch_variance(*a, n=100, batch_size=10, sigma2=2.0)),
    "check_escape_fraction": (1, lambda a: exercises.check_escape_fraction(*a, batch_size=1, lr=0.025)),
    "check_bias_correction": (1, lambda a: exercises.check_bias_correction(*a, g=2.0, beta1=0.8, t=4)),
    "check_momentum_beta": (1, lambda a: exercises.check_momentum_beta(*a, condition=400)),
    "check_adamw_vs_l2": (1, lambda a: exercises.check_adamw_vs_l2(*a, p=2.0, lr=0.01, weight_decay=0.1)),
    "check_parameter_count": (1, lambda a: exercises.check_parameter_count(*a, sizes=[2, 64, 2])),
    "check_step_count": (1, lambda a: exercises.check_step_count(*a, n=400, batch_size=48, epochs=150)),
    "check_early_stopping_epoch": (1, lambda a: exercises.check_early_stopping_epoch(*a, VAL, train_loss=TRAIN)),
}

FUNCTIONS = ["check_huber", "check_log_softmax", "check_mse_grid", "check_gradient_descent",
             "check_softmax_ce_backward", "check_fixed_backward", "check_neuron_step", "check_sgd_epoch",
             "check_adam_step", "check_range_test_rates", "check_filter_normalize", "check_mse"]


def recorded(call):
    """The (check_value / check_function) records a checker call makes."""
    _core._RECORDER = []
    try:
        call()
        return _core._RECORDER
    finally:
        _core._RECORDER = None


def printed_forms(value):
    """The ways a checker or a chapter would print the number ``value``."""
    forms = set()
    for v in np.ravel(np.asarray(value, dtype=float)):
        if v == int(v) and abs(v) < 1e15:
            forms.add(str(int(v)))
        for digits in (3, 4, 6):
            forms.add(f"{v:.{digits}g}")
        forms.add(repr(float(f"{v:.6g}")))
    return {f for f in forms if len(f.strip("-0.")) >= 2}   # "0", "1", "0.5" are everywhere


def test_every_checker_of_the_chapters_is_listed_here():
    called = set()
    for path in sorted((ROOT / "chapters").glob("[0-9]*.ipynb")):
        called |= set(re.findall(r"bp\.exercises\.(check_\w+)\(", path.read_text(encoding="utf-8")))
    missing = called - set(BY_HAND) - set(FUNCTIONS) - {"check_robbins_monro"}
    assert not missing, f"add these checkers to tests/test_exercises_catalogue.py: {sorted(missing)}"


@pytest.mark.parametrize("checker", sorted(BY_HAND))
def test_each_catalogued_mistake_gets_its_own_hint(checker, capsys):
    slots, call = BY_HAND[checker]
    records = recorded(lambda: call([None] * slots))
    capsys.readouterr()
    assert len(records) == slots
    for slot, record in enumerate(records):
        hints = [m.hint for m in record["mistakes"]]
        assert len(set(hints)) == len(hints), f"{checker}: two mistakes share a hint: {hints}"
        for mistake in record["mistakes"]:
            answers = [None] * slots
            answers[slot] = mistake.answer
            assert call(answers) is False
            line = capsys.readouterr().out.splitlines()[slot]
            # its own hint (and, where two slips give the same value, the other's too)
            assert line.startswith("✗") and mistake.hint in line, f"{checker}: {mistake!r} -> {line}"


@pytest.mark.parametrize("checker", sorted(BY_HAND))
def test_no_by_hand_checker_prints_its_expected_value(checker, capsys):
    slots, call = BY_HAND[checker]
    records = recorded(lambda: call([None] * slots))
    stub_out = capsys.readouterr().out
    right = [r["expected"] for r in records]
    assert call(right) is True
    out = capsys.readouterr().out
    for line in out.splitlines():
        assert re.fullmatch(r"✓ [^=]+ is correct\.", line), line
    wrong = [np.asarray(r, dtype=float) * 1.37 + 0.11 for r in right]
    call(wrong)
    out_wrong = capsys.readouterr().out
    for record in records:
        for form in printed_forms(record["expected"]):
            for text in (stub_out, out, out_wrong):
                assert not re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text), (checker, form, text)


def _student_names(path):
    """Names a student has in the notebook: defined by non-solution cells."""
    nb = nbformat.read(str(path), 4)
    hidden = solution_cells(nb)
    shown, secret = set(), set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse("\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
                if isinstance(node, ast.FunctionDef):
                    names |= {a.arg for a in node.args.args + node.args.kwonlyargs}
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
        (secret if i in hidden else shown).update(names)
    return shown, secret - shown


def _resolves(dotted):
    head, _, rest = dotted.partition(".")
    obj = {"bp": bp, "np": np}.get(head)
    if obj is None:
        return False
    for part in rest.split(".") if rest else []:
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


def _chapter_of_checkers():
    chapters = {}
    for path in sorted((ROOT / "chapters").glob("[0-9]*.ipynb")):
        for name in re.findall(r"bp\.exercises\.(check_\w+)\(", path.read_text(encoding="utf-8")):
            chapters.setdefault(name, path)
    return chapters


def _texts_of(checker, capsys):
    """Every hint and idea a checker can print."""
    if checker in BY_HAND:
        slots, call = BY_HAND[checker]
        records = recorded(lambda: call([None] * slots))
    else:
        records = recorded(lambda: getattr(exercises, checker)(None))
    capsys.readouterr()
    texts = []
    for r in records:
        texts += [m.hint for m in r["mistakes"]] + [r.get("idea") or "", r.get("hint") or ""]
    return texts


@pytest.mark.parametrize("checker", sorted(set(BY_HAND) | set(FUNCTIONS) - {"check_mse"}))
def test_hints_name_only_what_the_students_notebook_has(checker, capsys):
    path = _chapter_of_checkers().get(checker)
    if path is None:
        pytest.skip(f"{checker} has no check cell")
    shown, solution_only = _student_names(path)
    allowed = shown | set(dir(builtins)) | set(keyword.kwlist)
    for text in _texts_of(checker, capsys):
        for quoted in re.findall(r"`([^`]+)`", text):
            if re.fullmatch(r"[A-Za-z_][\w.]*", quoted):
                assert quoted.split(".")[0] in allowed or _resolves(quoted), (checker, quoted, text)
        for name in solution_only:   # names like full_squared_error, not English words
            if "_" in name.strip("_"):
                assert not re.search(rf"\b{re.escape(name)}\b", text), (checker, name, text)
        for dotted in re.findall(r"\b(?:bp|np)\.[\w.]*\w", text):
            assert _resolves(dotted), (checker, dotted, text)


@pytest.mark.parametrize("checker", FUNCTIONS)
def test_each_catalogued_function_mistake_gets_its_own_hint(checker, capsys):
    check = getattr(exercises, checker)
    records = recorded(lambda: check(None))
    capsys.readouterr()
    (record,) = records
    hints = [m.hint for m in record["mistakes"]]
    assert len(set(hints)) == len(hints)
    for mistake in record["mistakes"]:
        assert check(mistake.answer) is False
        out = capsys.readouterr().out
        assert out.rstrip().endswith(mistake.hint), f"{checker}: {mistake.hint!r} not in {out}"


@pytest.mark.parametrize("checker", FUNCTIONS)
def test_an_untouched_stub_gets_the_idea_not_the_method(checker, capsys):
    check = getattr(exercises, checker)

    def stub(*args, **kwargs):
        ...

    records = recorded(lambda: check(stub))
    out = capsys.readouterr().out
    (record,) = records
    assert record["idea"] and out.rstrip().endswith(record["idea"]), out
    assert record["idea"] != record["hint"]


def _docstring_examples():
    """(checker name, call source, expected output) of every docstring example
    of bpcore.exercises that calls a checker."""
    import doctest
    import inspect

    finder = doctest.DocTestFinder()
    for module in (exercises, *[getattr(exercises, m) for m in ("losses", "landscape", "descent", "backprop", "neuron",
                                                                "sgd", "optimizers", "training", "_core")]):
        for test in finder.find(module):
            for example in test.examples:
                match = re.match(r"\s*(check_\w+)\(", example.source)
                if match:
                    yield match.group(1), example.source, example.want, test.globs


@pytest.mark.parametrize("checker, source, want, globs", list(_docstring_examples()),
                         ids=lambda v: v if isinstance(v, str) and v.startswith("check_") else "")
def test_no_docstring_example_solves_an_exercise(checker, source, want, globs, capsys):
    """The API page, help() and the search index show these examples: a
    passing one must not pass the chapter's own exercise."""
    if not want.startswith("✓"):
        return
    assert checker not in FUNCTIONS, f"a passing {checker} example is a solution: show a stub or a wrong function"
    if checker not in BY_HAND:
        return
    call = ast.parse(source.strip()).body[0].value
    namespace = dict(globs, np=np)
    slots, chapter_call = BY_HAND[checker]
    answers = [eval(compile(ast.Expression(a), "<doc>", "eval"), namespace) for a in call.args[:slots]]
    assert chapter_call((answers + [None] * slots)[:slots]) is False, f"{source.strip()} solves the chapter's exercise"
    capsys.readouterr()
