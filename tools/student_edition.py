"""Build the student edition, and the clean notebooks committed in notebooks/.

    python tools/student_edition.py build        # make student: _build/student/
    python tools/student_edition.py notebooks    # make notebooks: notebooks/NN_*.ipynb
    python tools/student_edition.py check        # exit 1 if notebooks/ is not current

``build`` writes

* ``_build/student/notebooks/NN_*.ipynb``: each chapter without its solution
  cells, in plain Markdown (no MyST), executed from a fresh kernel: the stubs
  run and every check cell prints ✗;
* ``_build/student/src/``: a copy of the book whose chapters are the student
  notebooks (still MyST, with the outputs of that execution) and whose
  ``_config.yml`` hides solutions (sphinx-exercise ``hide_solutions``) and
  does not re-execute;
* ``_build/student/html/``: that book built, its download buttons serving
  the student notebooks above.

``notebooks`` writes the clean student notebooks that Binder, Colab and the
launch buttons open. They are derived from the committed chapter outputs
without running anything (stub and check cells carry no output), so the file
depends only on the chapter and ``check`` can compare byte for byte.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from clean_notebook import Book, clean_notebook  # noqa: E402
from editions import read, student_notebook  # noqa: E402

ROOT = HERE.parent
# What the book copy leaves out: build output, installs, and what Sphinx never reads.
NOT_BOOK = {"_build", ".venv", "node_modules", ".git", "notebooks", "tests", "benchmarks",
            "bpcore", "tools", ".ci", "_vendor", "build", "student", "__pycache__"}


def chapters(root: Path) -> list[Path]:
    return sorted((root / "chapters").glob("[0-9]*.ipynb"))


def clean_student(book: Book, path: Path):
    doc = f"chapters/{path.stem}"
    return clean_notebook(book, doc, student_notebook(read(path), path.stem))


def write_notebooks(root: Path, out: Path) -> list[Path]:
    book = Book(root)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in chapters(root):
        target = out / path.name
        nbformat.write(clean_student(book, path), str(target))
        written.append(target)
    return written


def check_notebooks(root: Path, committed: Path) -> list[str]:
    """Names of committed clean notebooks that differ from a fresh build."""
    book = Book(root)
    stale = []
    expected = {p.name for p in chapters(root)}
    for path in chapters(root):
        fresh = nbformat.writes(clean_student(book, path))
        fresh = fresh if fresh.endswith("\n") else fresh + "\n"   # as nbformat.write ends a file
        target = committed / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != fresh:
            stale.append(path.name)
    stale += sorted(p.name for p in committed.glob("*.ipynb") if p.name not in expected)
    return stale


def _execute(path: str) -> str:
    sys.path.insert(0, str(HERE))
    from execute_notebooks import execute

    seconds = execute(Path(path), timeout=300)
    return f"{path}: executed in {seconds:.1f} s"


def _without_banner(log: str) -> str:
    """Jupyter Book's closing banner names the scratch copy's own _build/html
    folder, which holds no pages once the build is moved: drop it (the line
    printed after the move names the real place)."""
    start = log.find("Finished generating HTML for book")
    if start == -1:
        return log
    lines = log[:start].splitlines(keepends=True)
    while lines and (not lines[-1].strip() or set(lines[-1].strip()) <= set("=\x1b[0123456789;m")):
        lines.pop()  # the banner's blank line and its (coloured) border
    return "".join(lines)


def _copy_book(root: Path, src: Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for entry in root.iterdir():
        if entry.name in NOT_BOOK or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, src / entry.name, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(entry, src / entry.name)
    # MathJax and the widget manager: linked, not copied (tens of MB).
    (src / "_vendor").symlink_to((root / "_vendor").resolve(), target_is_directory=True)


def _student_config(src: Path) -> None:
    path = src / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} (student edition)"
    # The chapters were executed as student notebooks just before; their
    # outputs (✗ from every check on a stub) are what the book shows.
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    path.write_text("# Generated by tools/student_edition.py from ../../../_config.yml\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def build(root: Path, out: Path, jobs: int) -> None:
    book = Book(root)
    nb_dir, src, html = out / "notebooks", out / "src", out / "html"
    if nb_dir.exists():
        shutil.rmtree(nb_dir)
    nb_dir.mkdir(parents=True)
    student = {}
    for path in chapters(root):
        student[path.name] = student_notebook(read(path), path.stem)
        nbformat.write(clean_notebook(book, f"chapters/{path.stem}", student[path.name]), str(nb_dir / path.name))

    # Run every student notebook as a student would: fresh kernel, top to bottom.
    paths = [str(nb_dir / name) for name in student]
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as pool:
        for line in pool.map(_execute, paths):
            print(line)

    _copy_book(root, src)
    _student_config(src)
    for name, nb in student.items():
        executed = {c.id: c for c in read(nb_dir / name).cells}
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.id in executed:
                cell.outputs = executed[cell.id].outputs
                cell.execution_count = executed[cell.id].execution_count
        nb.metadata["widgets"] = read(nb_dir / name).metadata.get("widgets", nb.metadata.get("widgets", {}))
        if not nb.metadata["widgets"]:
            del nb.metadata["widgets"]
        nbformat.write(nb, str(src / "chapters" / name))

    run = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(src), "-W", "-n", "--keep-going"],
                         stdout=subprocess.PIPE, text=True)
    print(_without_banner(run.stdout), end="")
    if run.returncode:
        raise SystemExit(f"the student edition's HTML build failed (exit {run.returncode})")
    if html.exists():
        shutil.rmtree(html)
    shutil.move(str(src / "_build" / "html"), str(html))
    # The download button serves _sources/: give students the clean notebook.
    for name in student:
        shutil.copy2(nb_dir / name, html / "_sources" / "chapters" / name)
    print(f"Student edition: {html / 'index.html'} and {nb_dir}/")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "notebooks", "check"])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, help="default: _build/student (build) or notebooks (notebooks, check)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.root, args.out or args.root / "_build" / "student", args.jobs)
    elif args.command == "notebooks":
        for path in write_notebooks(args.root, args.out or args.root / "notebooks"):
            print(f"{path}: {path.stat().st_size / 1024:.0f} KB")
    else:
        stale = check_notebooks(args.root, args.out or args.root / "notebooks")
        if stale:
            print("not current (run `make notebooks`):", ", ".join(stale))
            return 1
        print("notebooks/ is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
