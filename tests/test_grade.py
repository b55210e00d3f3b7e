"""make grade (tools/grade.py) on generated submissions, in the bubblewrap
sandbox: right, stubs, partly wrong, broken JSON, loops, a crash, every
attack of issue 23 (and older ones), and the gradebook files.

Each attack must earn 0 (or be flagged for review), leave every other
submission's grade alone, leave bpcore and the output directory untouched,
and leave no process behind."""

import csv
import hashlib
import json
import os
import subprocess
import sys
import time

import nbformat
import pytest

from editions_fixtures import CORRECT, ROOT, make_book

sys.path.insert(0, str(ROOT / "tools"))
from grading import sandbox  # noqa: E402
from student_edition import write_notebooks  # noqa: E402

pytestmark = pytest.mark.skipif(not sandbox.available() and not os.environ.get("BPBOOK_NO_SKIPS"),
                                reason=f"no sandbox for the grader: {sandbox.unavailable()}")

MARK = "bpgrade-survivor-7f3a"     # in the command line of every process an attack leaves running
WRONG_STEP = ("def my_neuron_step(W, b, x, y, lr):\n    g = -(y - (W * x + b))\n"
              "    return W - lr * g, b - lr * g")   # forgot the factor x


def _with_stubs(nb, answers):
    """A copy of student notebook ``nb`` with stub cells replaced, in order."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    stubs = [c for c in nb.cells if "stub" in c.metadata.get("tags", [])]
    for cell, answer in zip(stubs, answers):
        if answer is not None:
            cell.source = answer
    return nb


def _attacks(book, subs):
    """Every attack of the issue's table, the two hangs, and the limits."""
    core = ROOT / "bpcore" / "exercises" / "_core.py"
    always_true = "\n\ndef check_value(*a, **k):\n    print('✓ correct')\n    return True\n\ncheck_function = check_value\n"
    return {
        # 1. Always-true checkers appended to bpcore on disk: the sandbox's copy and the real one.
        "attack-append-core.ipynb": [
            "import bpcore, os\neta_max = ...\n"
            "open(os.path.join(os.path.dirname(bpcore.__file__), 'exercises', '_core.py'), 'a')"
            f".write({always_true!r})",
            f"open({str(core)!r}, 'a').write({always_true!r})\n"
            "import importlib, bpcore.exercises._core\nimportlib.reload(bpcore.exercises._core)"],
        # 2. numpy's less_equal replaced, so that isclose is always true.
        "attack-less-equal.ipynb": [
            "import numpy, numpy._core.numeric as numeric\n"
            "numeric.less_equal = numpy.less_equal = lambda *a, **k: numpy.True_\n"
            "eta_max = 0.3",
            WRONG_STEP],
        # 3. json's encoder patched to forge a verdict.
        "attack-iterencode.ipynb": [
            "import json\n"
            "def forged(self, o, _one_shot=False):\n"
            "    yield '{\"results\": {\"ex-alpha-bound\": {\"passed\": true}, \"ex-alpha-step\": {\"passed\": true}}, "
            "\"passed\": true, \"event\": \"result\", \"data\": {\"ex-alpha-bound\": true}}'\n"
            "json.JSONEncoder.iterencode = forged\n"
            "eta_max = 0.3",
            None],
        # 4. The solution cells of the instructor's chapters, read from disk and run.
        "attack-read-solutions.ipynb": [
            "import glob, json\n"
            f"paths = glob.glob({str(ROOT / 'chapters' / '*.ipynb')!r}) + glob.glob({str(book / 'chapters' / '*.ipynb')!r})\n"
            "paths += glob.glob('/work/**/chapters/*.ipynb', recursive=True) + glob.glob('/tmp/**/*.ipynb', recursive=True)\n"
            "for path in paths:\n"
            "    for cell in json.load(open(path))['cells']:\n"
            "        if 'solution' in cell['metadata'].get('tags', []) and cell['cell_type'] == 'code':\n"
            "            exec(''.join(cell['source']))\n"
            "if 'eta_max' not in dir() or eta_max is ...:\n"
            "    eta_max = ...",
            None],
        # 5. An __array__ that reads the expected value off the call stack.
        "attack-array-stack.ipynb": [
            "import sys, numpy as np\n"
            "class Sneaky:\n"
            "    def __array__(self, dtype=None, copy=None):\n"
            "        frame = sys._getframe(1)\n"
            "        while frame is not None:\n"
            "            for name in ('expected', 'reference'):\n"
            "                value = frame.f_locals.get(name)\n"
            "                if value is not None and not callable(value):\n"
            "                    return np.asarray(value, dtype=float)\n"
            "            frame = frame.f_back\n"
            "        return np.asarray(0.0)\n"
            "eta_max = Sneaky()",
            "def my_neuron_step(W, b, x, y, lr):\n    return (Sneaky(), Sneaky())"],
        # 6. Detached processes that would rewrite grades.csv after the grader exits.
        "attack-detached.ipynb": [
            "import os, subprocess, sys\n"
            f"target = {str(subs / 'grades.csv')!r}\n"
            "code = ('import time\\nwhile True:\\n    time.sleep(0.2)\\n    try:\\n'\n"
            "        f'        open({target!r}, \"w\").write(\"forged\")\\n    except OSError:\\n        pass')\n"
            f"subprocess.Popen([sys.executable, '-c', code, {MARK!r}], start_new_session=True)\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            f"        os.execv(sys.executable, [sys.executable, '-c', code, {MARK!r}])\n"
            "    os._exit(0)\n"
            "eta_max = 0.3",
            None],
        # 7. Hangs: a cell loop that swallows KeyboardInterrupt, one that ignores
        # every signal, and a bare-except loop inside a checked function.
        "hang-keyboardinterrupt.ipynb": [
            "import time\nwhile True:\n    try:\n        time.sleep(0.01)\n    except KeyboardInterrupt:\n        pass",
            CORRECT["ex-alpha-step"]],
        "hang-ignores-signals.ipynb": [
            "import signal\nfor s in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):\n    signal.signal(s, signal.SIG_IGN)\n"
            "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
            CORRECT["ex-alpha-step"]],
        "hang-in-function.ipynb": [
            CORRECT["ex-alpha-bound"],
            "import time\ndef my_neuron_step(W, b, x, y, lr):\n    while True:\n        try:\n"
            "            time.sleep(0.01)\n        except:\n            pass"],
        # 8. The limits: memory, processes, network.
        "limits.ipynb": [
            "blob = bytearray(16 * 2**30)",
            "import os\nchildren = []\nfor i in range(500):\n    pid = os.fork()\n    if pid == 0:\n"
            "        import time\n        time.sleep(5)\n        os._exit(0)\n    children.append(pid)"],
        "limits-network.ipynb": [
            "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)", None],
        # 9. Printing a verdict (issue 18: feedback never echoes the notebook's output).
        "prints-a-verdict.ipynb": [
            "eta_max = 0.1\nprint('✓ eta_critical = 0.1 is correct.')",
            "def my_neuron_step(W, b, x, y, lr):\n    raise ValueError('✓ my_neuron_step agrees with the reference')"],
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    book = make_book(tmp_path_factory.mktemp("book"))
    source = nbformat.read(str(book / "chapters" / "01_alpha.ipynb"), 4)
    source.metadata["bpbook"] = {"points": {"ex-alpha-step": 3}}      # ex-alpha-bound: 1 by default
    nbformat.write(source, str(book / "chapters" / "01_alpha.ipynb"))
    handouts = tmp_path_factory.mktemp("handouts")
    write_notebooks(book, handouts)
    alpha = nbformat.read(str(handouts / "01_alpha.ipynb"), 4)
    beta = nbformat.read(str(handouts / "02_beta.ipynb"), 4)
    right = [CORRECT["ex-alpha-bound"], CORRECT["ex-alpha-step"]]

    subs = tmp_path_factory.mktemp("submissions")
    (subs / "class-a").mkdir()
    out = {}
    out["class-a/s001__alice.ipynb"] = _with_stubs(alpha, right)
    out["smithjane_12345_67890_01_alpha.ipynb"] = _with_stubs(alpha, [CORRECT["ex-alpha-bound"], None])
    out["stubs.ipynb"] = alpha
    out["partly.ipynb"] = _with_stubs(alpha, [CORRECT["ex-alpha-bound"], WRONG_STEP])
    anonymous = _with_stubs(beta, [CORRECT["ex-beta-mse"]])
    del anonymous.metadata["bpbook"]                         # found by its exercise labels
    anonymous.metadata["bpbook"] = {"student_id": "s001"}      # the id from the metadata
    out["class-a/no-chapter-metadata.ipynb"] = anonymous
    out["loop.ipynb"] = _with_stubs(alpha, ["while True:\n    pass", CORRECT["ex-alpha-step"]])
    out["error.ipynb"] = _with_stubs(alpha, ["eta_max = 1 / 0", CORRECT["ex-alpha-step"]])
    out["crash.ipynb"] = _with_stubs(alpha, ["import os\nos._exit(1)", CORRECT["ex-alpha-step"]])
    edited = nbformat.from_dict(json.loads(json.dumps(alpha)))   # stubs, but "✓" typed into the outputs
    for cell in edited.cells:
        if "check" in cell.metadata.get("tags", []):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ correct.\n")]
            cell.source += "\npassed = True"
    out["cheat-output.ipynb"] = edited
    out["cheat-redefine.ipynb"] = _with_stubs(alpha, [
        "eta_max = 0.0\nimport bpcore\nimport bpcore.exercises._core as core\n"
        "core._report = lambda passed, message: print('✓') or True\n"
        "bp.exercises.check_critical_learning_rate = lambda *a, **k: print('✓ correct') or True",
        "def my_neuron_step(W, b, x, y, lr):\n    return W, b\n"
        "class Fake:\n    exercises = bp.exercises\nbp = Fake()"])
    in_check = _with_stubs(alpha, [CORRECT["ex-alpha-bound"], None])   # the function written into the check cell
    check = next(c for c in in_check.cells if "check_neuron_step" in c.source)
    check.source = CORRECT["ex-alpha-step"] + "\n" + check.source
    out["answer-in-check-cell.ipynb"] = in_check
    out["cheat-shadow.ipynb"] = _with_stubs(alpha, [
        "eta_max = 0.0", "def my_neuron_step(W, b, x, y, lr):\n    return W, b\n"
        "all = bool = lambda *a, **k: True\n"
        "import builtins as _b\nfake = dict(vars(_b))\nfake['all'] = fake['bool'] = all\n__builtins__ = fake"])
    for name, answers in _attacks(book, subs).items():
        out[name] = _with_stubs(alpha, answers)
    out["zz-untouched-after-the-attacks.ipynb"] = alpha
    for name, nb in out.items():
        nbformat.write(nb, str(subs / name))
    (subs / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")

    core = ROOT / "bpcore" / "exercises" / "_core.py"
    before = hashlib.sha256(core.read_bytes()).hexdigest()
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(subs), "--jobs", "2",
                          "--chapters", str(book / "chapters"), "--cell-time-limit", "8", "--check-time-limit", "6",
                          "--call-time-limit", "1", "--time-limit", "60"],
                         capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-3000:]
    assert hashlib.sha256(core.read_bytes()).hexdigest() == before
    grades_text = (subs / "grades.csv").read_text(encoding="utf-8")
    time.sleep(1.5)   # a survivor would rewrite grades.csv within 0.2 s
    unchanged = (subs / "grades.csv").read_text(encoding="utf-8") == grades_text
    with open(subs / "grades.csv", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    return {"subs": subs, "rows": rows, "book": book, "alpha": alpha, "grades_text": grades_text,
            "seconds": seconds, "stdout": run.stdout, "unchanged": unchanged}


def test_every_submission_has_a_row_with_the_chapters_columns(graded):
    subs, rows = graded["subs"], graded["rows"]
    expected = {p.relative_to(subs).as_posix() for p in subs.rglob("*.ipynb")
                if p.relative_to(subs).parts[0] not in ("feedback", ".grading")}
    assert set(rows) == expected
    header = (subs / "grades.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["student", "submission", "chapter", "ex-alpha-bound", "ex-alpha-step", "ex-beta-mse",
                      "total", "maximum", "percent", "status", "review"]


def test_right_stub_and_partly_wrong_with_points_from_the_chapter(graded):
    rows = graded["rows"]
    alice = rows["class-a/s001__alice.ipynb"]
    assert (alice["student"], alice["chapter"], alice["ex-alpha-bound"], alice["ex-alpha-step"],
            alice["ex-beta-mse"], alice["total"], alice["maximum"], alice["percent"], alice["status"]) == \
        ("s001", "01_alpha", "1", "3", "", "4", "4", "100.0", "ok")
    stubs = rows["stubs.ipynb"]
    assert (stubs["total"], stubs["status"], stubs["review"]) == ("0", "ok", "")
    partly = rows["partly.ipynb"]
    assert (partly["ex-alpha-bound"], partly["ex-alpha-step"], partly["total"], partly["percent"]) == \
        ("1", "0", "1", "25.0")
    assert rows["answer-in-check-cell.ipynb"]["total"] == "4"      # a changed check cell still runs
    anonymous = rows["class-a/no-chapter-metadata.ipynb"]
    assert (anonymous["chapter"], anonymous["ex-beta-mse"], anonymous["total"], anonymous["student"]) == \
        ("02_beta", "1", "1", "s001")
    assert rows["smithjane_12345_67890_01_alpha.ipynb"]["student"] == "12345"   # Canvas's download name
    assert rows["stubs.ipynb"]["student"] == "stubs"                            # the file name as fallback


def test_feedback_is_the_graders_verdict_in_text_and_html(graded):
    subs = graded["subs"]
    alice = (subs / "feedback" / "class-a" / "s001__alice.txt").read_text(encoding="utf-8")
    assert "Score: 4 of 4" in alice and "✓ my_neuron_step agrees" in alice
    assert "✓ my_neuron_step agrees" in (subs / "feedback" / "class-a" / "s001__alice.html").read_text(encoding="utf-8")
    partly = (subs / "feedback" / "partly.txt").read_text(encoding="utf-8")
    assert "ex-alpha-step — One step: not passed (0 of 3 points)" in partly and "✗ my_neuron_step" in partly
    stubs = (subs / "feedback" / "stubs.txt").read_text(encoding="utf-8")
    assert "replace the ... with your answer" in stubs
    printed = (subs / "feedback" / "prints-a-verdict.txt").read_text(encoding="utf-8")
    assert "✓ eta_critical = 0.1" not in printed and "✓ my_neuron_step" not in printed
    assert "is not correct" in printed
    # In every feedback file, a line under a "not passed" exercise never starts with ✓.
    for path in (subs / "feedback").rglob("*.txt"):
        failing = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("    "):
                failing = ": not passed" in line
            elif failing:
                assert not line.strip().startswith("✓"), (path.name, line)


def test_broken_looping_raising_and_crashing_notebooks_get_their_row(graded):
    subs, rows = graded["subs"], graded["rows"]
    assert rows["broken.ipynb"]["status"].startswith("not a valid notebook")
    assert rows["broken.ipynb"]["total"] == "0"
    loop = rows["loop.ipynb"]
    assert "exceeded the time limit" in loop["status"]
    assert (loop["ex-alpha-bound"], loop["ex-alpha-step"]) == ("0", "3")      # the other cells still count
    error = rows["error.ipynb"]
    assert "raised ZeroDivisionError" in error["status"] and error["ex-alpha-step"] == "3"
    crash = rows["crash.ipynb"]
    assert "kernel died in cell" in crash["status"] and (crash["ex-alpha-bound"], crash["ex-alpha-step"]) == ("0", "3")
    assert "Status: cell" in (subs / "feedback" / "loop.txt").read_text(encoding="utf-8")


def test_edited_outputs_redefined_checkers_and_shadowed_builtins_count_for_nothing(graded):
    rows = graded["rows"]
    assert rows["cheat-output.ipynb"]["total"] == "0"
    assert rows["cheat-redefine.ipynb"]["total"] == "0"
    assert rows["cheat-shadow.ipynb"]["total"] == "0"


@pytest.mark.parametrize("name", ["attack-append-core.ipynb", "attack-less-equal.ipynb", "attack-iterencode.ipynb",
                                  "attack-read-solutions.ipynb", "attack-array-stack.ipynb",
                                  "attack-detached.ipynb", "prints-a-verdict.ipynb"])
def test_every_attack_earns_nothing(graded, name):
    row = graded["rows"][name]
    assert (row["ex-alpha-bound"], row["ex-alpha-step"], row["total"]) == ("0", "0", "0"), row


def test_attacks_that_touch_the_system_are_flagged_for_review(graded):
    rows = graded["rows"]
    status = rows["attack-append-core.ipynb"]["status"]
    assert "raised PermissionError" in status or "Read-only file system" in status, status   # the sandbox's copy
    assert "raised FileNotFoundError" in status, status                            # the real bpcore: not there
    for name in ["attack-append-core.ipynb", "attack-less-equal.ipynb", "attack-read-solutions.ipynb",
                 "attack-array-stack.ipynb", "attack-detached.ipynb", "hang-ignores-signals.ipynb",
                 "hang-in-function.ipynb"]:
        assert rows[name]["review"] == "yes", (name, rows[name]["status"])


def test_no_attack_changes_another_grade_or_the_output(graded):
    rows, subs = graded["rows"], graded["subs"]
    assert rows["zz-untouched-after-the-attacks.ipynb"]["total"] == "0"
    assert rows["class-a/s001__alice.ipynb"]["total"] == "4"
    assert graded["unchanged"]   # nothing rewrote grades.csv after the run
    # The sandbox's copy of bpcore was read-only: grading a stub again is still 0.
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(subs), "--chapters",
                          str(graded["book"] / "chapters"), "--only", "zz-untouched-after-the-attacks.ipynb"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    with open(subs / "grades.csv", encoding="utf-8") as handle:
        again = {row["submission"]: row for row in csv.DictReader(handle)}
    assert again["zz-untouched-after-the-attacks.ipynb"]["total"] == "0"


def test_no_process_survives_grading(graded):
    left = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if MARK.encode() in handle.read():
                        left.append(entry)
            except OSError:
                pass
    assert left == []
    import fcntl

    for uid in range(sandbox.UID_BASE, sandbox.UID_BASE + 8):   # the uids no grader holds now
        lock = sandbox.LOCKS / str(uid)
        if lock.exists():
            with open(lock, "w") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue
                assert sandbox.survivors(uid) == []


def test_hangs_are_killed_marked_and_the_rest_still_counts(graded):
    rows = graded["rows"]
    for name in ["hang-keyboardinterrupt.ipynb", "hang-ignores-signals.ipynb"]:
        row = rows[name]
        assert "cell" in row["status"] and "time limit" in row["status"], row["status"]
        assert (row["ex-alpha-bound"], row["ex-alpha-step"]) == ("0", "3"), row
    assert "ignored the interrupt: the sandbox was killed" in rows["hang-ignores-signals.ipynb"]["status"]
    hang = rows["hang-in-function.ipynb"]
    assert (hang["ex-alpha-bound"], hang["ex-alpha-step"]) == ("1", "0")
    assert "check of ex-alpha-step did not finish" in hang["status"]


def test_memory_processes_and_network_are_limited(graded):
    status = graded["rows"]["limits.ipynb"]["status"]
    assert "cell" in status and "raised MemoryError" in status, status
    assert "raised BlockingIOError" in status or "raised OSError" in status, status
    assert "raised OSError" in graded["rows"]["limits-network.ipynb"]["status"]


def test_gradebook_canvas_and_gradescope_files(graded):
    subs = graded["subs"]
    book = list(csv.reader(open(subs / "gradebook.csv", encoding="utf-8")))
    assert book[0] == ["student", "01_alpha", "02_beta", "total", "maximum", "percent"]
    assert book[1][:3] == ["(maximum)", "4", "1"]
    s001 = next(r for r in book if r[0] == "s001")
    assert s001 == ["s001", "4", "1", "5", "5", "100.0"]
    canvas = list(csv.reader(open(subs / "canvas.csv", encoding="utf-8")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_alpha", "02_beta"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5:] == ["4", "1"]
    assert ["12345", "12345", "", "", "", "1", ""] in canvas
    scope = list(csv.DictReader(open(subs / "gradescope.csv", encoding="utf-8")))
    alice = next(r for r in scope if r["SID"] == "s001" and r["Assignment"] == "01_alpha")
    assert (alice["Total Score"], alice["Max Points"], alice["ex-alpha-step (3 pts)"]) == ("4", "4", "3")


def test_regrading_one_submission_leaves_the_others_alone(graded, tmp_path):
    subs = graded["subs"]
    records = {p: p.stat().st_mtime_ns for p in (subs / ".grading").rglob("*.json")}
    nbformat.write(_with_stubs(graded["alpha"], [CORRECT["ex-alpha-bound"], CORRECT["ex-alpha-step"]]),
                   str(subs / "partly.ipynb"))
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "grade.py"), str(subs), "--chapters",
                          str(graded["book"] / "chapters"), "--only", str(subs / "partly.ipynb")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "1 graded" in run.stdout
    with open(subs / "grades.csv", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert rows["partly.ipynb"]["total"] == "4"
    assert set(rows) == set(graded["rows"])
    changed = {p.name for p, t in records.items() if p.stat().st_mtime_ns != t}
    assert changed - {"zz-untouched-after-the-attacks.ipynb.json"} == {"partly.ipynb.json"}


def test_grading_time_is_modest(graded):
    print(f"graded {len(graded['rows'])} submissions in {graded['seconds']:.0f} s")
    assert graded["seconds"] < 240


# -- the grader's side alone (no sandbox) ------------------------------------------------

def test_plain_data_round_trips_and_nothing_else_is_accepted():
    import numpy as np

    from grading import plain

    value = [1, 2.5, float("nan"), "text", None, True, (1, 2), {"a": np.arange(3.0)}, np.float32(1.5), ...]
    back = plain.decode(json.loads(plain.dumps(value)))
    assert back[:2] == [1, 2.5] and np.isnan(back[2]) and back[3:6] == ["text", None, True]
    assert back[6] == (1, 2) and np.array_equal(back[7]["a"], np.arange(3.0)) and back[9] is Ellipsis
    assert type(back[8]) is np.float32
    for forged in [{"__reduce__": "os.system"}, {"__ndarray__": "O", "shape": [1], "data": [1]},
                   {"__ndarray__": "<f8", "shape": [2], "data": [1]}, {"passed": True}, {"__tuple__": 1}]:
        with pytest.raises(plain.PlainError):
            plain.decode(forged)
    assert type(plain.decode({"__object__": "Sneaky"})).__name__ == "Sneaky"    # an inert stand-in


def test_the_verdict_takes_the_chapters_own_arguments_and_rejects_a_changed_call():
    import bpcore.exercises as exercises

    from grading import verdict

    source = "passed = bp.exercises.check_critical_learning_rate(eta_critical, x=2.0)"
    calls = verdict.expected_calls(source)
    assert [(c["name"], c["positional"], c["keywords"]) for c in calls] == \
        [("check_critical_learning_rate", [("student", None)], {"x": ("literal", 2.0)})]
    run = {"calls": [{"checker": "check_critical_learning_rate", "args": [0.4], "kwargs": {"x": 2.0}}]}
    assert verdict.decide([source], [run], exercises)[0] is True
    # x=1.0 from the sandbox is ignored: the chapter says x=2.0, where 0.4 is right and 1.0 is not.
    run = {"calls": [{"checker": "check_critical_learning_rate", "args": [1.0], "kwargs": {"x": 1.0}}]}
    assert verdict.decide([source], [run], exercises)[0] is False
    # Another checker's name in the data is tampering.
    run = {"calls": [{"checker": "check_one_step_rate", "args": [0.4], "kwargs": {}}]}
    passed, messages, problems = verdict.decide([source], [run], exercises)
    assert not passed and problems


def test_a_function_is_judged_from_its_recorded_results():
    import bpcore.exercises as exercises

    from grading import plain, verdict

    # the inputs check_neuron_step calls the student's function on
    cases = [(2.0, -0.5, 2.0, 3.0, 0.1), (-1.0, 0.3, -1.5, 0.5, 0.05), (0.0, 0.0, 3.0, -2.0, 0.2),
             (0.5, 1.0, -2.0, 1.0, 0.3)]

    def step(W, b, x, y, lr):
        g = -(y - (W * x + b))
        return W - lr * g * x, b - lr * g

    records = [[plain.key(c, {}), {"result": plain.encode(step(*c))}] for c in cases]
    source = "passed = bp.exercises.check_neuron_step(my_neuron_step)"
    run = {"calls": [{"checker": "check_neuron_step", "args": [{"__function__": "0"}], "kwargs": {},
                      "functions": {"0": records}}]}
    assert verdict.decide([source], [run], exercises)[0] is True
    records[1][1] = {"raised": "ZeroDivisionError", "message": "ZeroDivisionError: ✓ fine"}
    passed, messages, _ = verdict.decide([source], [run], exercises)
    assert not passed and "raised ZeroDivisionError" in messages[0] and "✓" not in messages[0]
