"""nbval a second time, with every optional numpy CPU feature off.

numpy and OpenBLAS pick SIMD kernels per CPU, so the last digits of a sum can
differ between machines: a committed output that depends on them would fail
on a reader's computer. Each chapter is therefore run again, in a child
pytest, with ``NPY_DISABLE_CPU_FEATURES`` listing every optional feature this
CPU has (``tools/cpu_features.py``; numpy refuses to disable one the CPU
lacks) and OpenBLAS forced to its old Prescott kernels. One test per chapter,
so that ``pytest -n`` spreads this pass over the workers with the first one.
The child checks that the settings took effect before it runs nbval.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cpu_features

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def no_simd_env():
    env = dict(os.environ)
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(cpu_features.dispatchable_present())
    env["OPENBLAS_CORETYPE"] = "Prescott"
    return env


def test_the_settings_turn_every_optional_feature_off():
    report = subprocess.run([sys.executable, str(ROOT / "tools" / "cpu_features.py"), "--report"],
                            env=no_simd_env(), capture_output=True, text=True, check=True).stdout
    print(report)
    assert "optional CPU features in use: none" in report, report


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_outputs_do_not_depend_on_the_cpu(chapter):
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", str(chapter.relative_to(ROOT))],
        cwd=ROOT, env=no_simd_env(), capture_output=True, text=True, timeout=900)
    tail = "\n".join(run.stdout.splitlines()[-60:])
    assert run.returncode == 0, f"nbval with CPU features off failed for {chapter.name}:\n{tail}\n{run.stderr[-2000:]}"
    assert " passed" in run.stdout.splitlines()[-1], f"the child ran no test:\n{tail}"
