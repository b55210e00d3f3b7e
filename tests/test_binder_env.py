"""The repository's environment is what Binder (and a JupyterHub image built
with repo2docker) detects as intended: the Python build pack, Python from
runtime.txt, requirements.txt installed, then bpcore by ``pip install .``.

repo2docker decides this without docker: its build packs read the files, and
``--no-build`` prints the Dockerfile it would build.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

repo2docker = pytest.importorskip("repo2docker", reason="jupyter-repo2docker is in requirements-test.txt")


def test_the_python_build_pack_is_picked():
    from repo2docker.app import Repo2Docker

    app = Repo2Docker()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        picked = next(BP(base_image=app.base_image) for BP in app.buildpacks
                      if BP(base_image=app.base_image).detect())
    finally:
        os.chdir(cwd)
    assert type(picked).__name__ == "PythonBuildPack"
    runtime = (ROOT / "runtime.txt").read_text().strip()                  # python-3.11
    assert picked.python_version == runtime.split("-", 1)[1]


def test_the_dockerfile_installs_requirements_then_the_package(tmp_path):
    run = subprocess.run([str(Path(sys.executable).parent / "jupyter-repo2docker"), "--no-build", "--debug", str(ROOT)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    dockerfile = run.stdout + run.stderr   # --debug prints the Dockerfile
    version = (ROOT / "runtime.txt").read_text().strip().split("-", 1)[1]  # python-3.11
    assert f"Building conda environment for python={version}\n" in dockerfile
    install_reqs = dockerfile.index('pip install --no-cache-dir -r "requirements.txt"')
    install_pkg = dockerfile.index("pip install --no-cache-dir .")          # pyproject.toml: bpcore
    assert install_reqs < install_pkg
    # No local path in requirements.txt: it would defeat Binder's build cache.
    assert not re.search(r"^\s*(-e\s|\.)", (ROOT / "requirements.txt").read_text(), re.M)


def test_requirements_pin_exactly_the_notebooks_run_time_closure():
    import binder_env

    found = binder_env.closure()
    pinned = binder_env.pins((ROOT / "requirements.txt").read_text())
    tested = {name: dist.version for name, dist in found.items()}
    assert pinned == tested, (
        "requirements.txt is not the tested run-time closure; regenerate it with "
        "`python tools/binder_env.py --write`:\n"
        f"missing or different: {sorted(set(tested.items()) - set(pinned.items()))}\n"
        f"extra: {sorted(set(pinned.items()) - set(tested.items()))}")
    constraints = binder_env.pins("\n".join(line for line in (ROOT / "constraints.txt").read_text().splitlines()
                                            if "==" in line))
    assert {n: constraints.get(n) for n in pinned} == pinned, "requirements.txt and constraints.txt disagree"
    assert "myst-nb" not in pinned and "sphinx" not in pinned  # the book's build tools stay out of Binder


def test_the_binder_environment_stays_under_300_mb():
    import binder_env

    found = binder_env.closure()
    total = sum(binder_env.installed_bytes(dist) for dist in found.values())
    print(f"Binder's requirements.txt: {len(found)} packages, {total / 1e6:.0f} MB installed")
    assert total <= 300e6, f"requirements.txt installs {total / 1e6:.0f} MB (budget 300 MB)"
    assert total > 50e6, "the size was not measured (numpy alone is larger)"
