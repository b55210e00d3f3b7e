"""Every command the README and the preface give works as written.

The commands are read out of the two documents (code blocks and inline code
that start with ``make`` or ``.venv/bin/``), so a command added to either
is checked without editing this file:

* ``make TARGET ...``: the target exists and ``make -n`` (print, don't run)
  accepts the whole command line;
* ``.venv/bin/PROGRAM ...``: the program is installed by the set-up that
  runs these tests, and so is ``jupyter-SUB`` for ``jupyter SUB``.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", "intro.md"]


def commands(text):
    """Command lines in fenced code blocks and inline code spans."""
    found = []
    for block in re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, re.S):
        found += [line.split("  #", 1)[0].split(" # ", 1)[0].strip() for line in block.splitlines()]
    found += re.findall(r"(?<!`)`((?:make|\.venv/bin/)[^`]+)`(?!`)", text)
    return sorted({c for c in found if c.startswith(("make ", ".venv/bin/")) or c == "make"})


CASES = [(doc, command) for doc in DOCUMENTS for command in commands((ROOT / doc).read_text(encoding="utf-8"))]


def test_the_documents_give_commands():
    assert any(c.startswith("make book") for _, c in CASES) and any(c.startswith("make test") for _, c in CASES)


@pytest.mark.parametrize("document, command", CASES, ids=[f"{d}:{c}" for d, c in CASES])
def test_command_works_as_written(document, command):
    words = shlex.split(command.replace("DIR", "submissions"))
    if words[0] == "make":
        run = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, f"{document}: `{command}` fails: {run.stderr.strip()}"
        return
    program = ROOT / words[0]
    assert program.name and (Path(sys.executable).parent / program.name).exists(), \
        f"{document}: `{command}`: {words[0]} is not installed by the set-up"
    if program.name == "jupyter" and len(words) > 1 and not words[1].startswith("-"):
        sub = f"jupyter-{words[1]}"
        assert (Path(sys.executable).parent / sub).exists(), \
            f"{document}: `{command}`: {sub} is not installed by the set-up (`make lab` installs JupyterLab)"
