"""Grade submitted student notebooks: ``make grade SUBMISSIONS=DIR``.

    python tools/grade.py DIR [--jobs N] [--time-limit S] [--cell-time-limit S]
                              [--only SUBMISSION ...] [--id-pattern REGEX]

Every ``*.ipynb`` under DIR is one student's work on one chapter. Each runs
in its own bubblewrap sandbox (read-only system and bpcore copy, no
network, no chapters, limited memory and processes, a private tmpfs; see
``tools/grading/sandbox.py``). The sandbox only hands back plain data: the
student's values, and the results of the student's functions on the
checkers' own inputs. The verdict is computed here, in a process that never
runs student code, by the book's checkers. Results, in DIR:

* ``grades.csv`` (one row per submission), ``gradebook.csv`` (student x
  chapter), ``canvas.csv`` and ``gradescope.csv`` for import;
* ``feedback/<submission>.txt`` and ``.html``: the grader's verdict and the
  checkers' messages, never the notebook's own output;
* ``.grading/<submission>.json``: kept so that ``--only`` regrades some
  submissions and rebuilds the files without regrading the rest.

A submission that is not JSON, raises, loops forever (even swallowing
interrupts), forks, or kills its kernel still gets its row; it never stops
the run, and the run ends within (submissions / jobs) x time limit.
The instructors' appendix documents the files and what the sandbox does and
does not guarantee.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parent

from grading import gradebook, sandbox  # noqa: E402
from grading.grader import Grade, grade, load_chapters  # noqa: E402


def submissions(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.ipynb")
                  if p.relative_to(directory).parts[0] not in (gradebook.FEEDBACK, gradebook.RECORDS)
                  and ".ipynb_checkpoints" not in p.parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters",
                        help="the source chapters whose checks are run (default: chapters/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="sandboxes at a time")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per submission (all its runs)")
    parser.add_argument("--cell-time-limit", type=float, default=120, help="seconds per cell")
    parser.add_argument("--check-time-limit", type=float, default=60, help="seconds per exercise's check")
    parser.add_argument("--call-time-limit", type=float, default=5, help="seconds per call of a student's function")
    parser.add_argument("--memory-limit", type=float, default=3.0, help="GiB of address space per sandbox")
    parser.add_argument("--only", nargs="+", type=Path, default=None,
                        help="regrade only these submissions (paths under DIR); keep the others' results")
    parser.add_argument("--id-pattern", action="append", default=[],
                        help="regex with a (?P<student>...) group, matched against the file name "
                             "(tried before the built-in patterns)")
    args = parser.parse_args(argv)
    directory = args.directory.resolve()
    if not directory.is_dir():
        parser.error(f"{directory} is not a directory")
    if sandbox.unavailable():
        parser.error(f"no sandbox: {sandbox.unavailable()}")
    chapters = load_chapters(args.chapters)
    paths = submissions(directory)
    if args.only:
        wanted = {(p if p.is_absolute() else (Path.cwd() / p)).resolve() for p in args.only}
        wanted |= {(directory / p).resolve() for p in args.only if not p.is_absolute()}
        todo = [p for p in paths if p.resolve() in wanted]
        if not todo:
            parser.error("none of --only is a submission under DIR")
    else:
        todo = paths
    limits = sandbox.Limits(cell=args.cell_time_limit, check=args.check_time_limit, call=args.call_time_limit,
                            memory=int(args.memory_limit * 2 ** 30))
    stage = sandbox.Stage(ROOT)
    try:
        def work(path):
            name = path.relative_to(directory).as_posix()
            try:
                return grade(path, name, chapters, stage, limits, args.time_limit)
            except Exception as error:   # a row, whatever happened
                return Grade(name, status=f"grader error: {type(error).__name__}", review=["grader error"])

        with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, len(todo) or 1))) as pool:
            for g in pool.map(work, todo):
                gradebook.save_record(directory, g)
                print(f"{g.submission}: {g.chapter or '?'} {g.total:g}/{g.maximum:g} {g.status}", flush=True)
    finally:
        stage.cleanup()
    present = {p.relative_to(directory).as_posix() for p in paths}
    grades = gradebook.load_records(directory, present)
    gradebook.write_all(directory, grades, chapters, [*args.id_pattern, *gradebook.ID_PATTERNS])
    print(f"Wrote grades.csv, gradebook.csv, canvas.csv, gradescope.csv and {gradebook.FEEDBACK}/ "
          f"in {directory} ({len(todo)} graded, {len(grades)} in the gradebook)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
