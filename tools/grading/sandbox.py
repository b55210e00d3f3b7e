"""One submission's run inside bubblewrap (``bwrap``).

What the sandbox sees: the system's /usr, the Python installation and the
virtual environment (read-only), a *staged copy* of bpcore and the runner
(read-only), the job file (its cells and the chapter's check cells,
read-only), and an empty, size-limited tmpfs /tmp as its only writable
place. No network (``--unshare-net``), its own PID namespace
(``--unshare-pid``: when its first process ends, the kernel kills every
process left in it, including ones started with ``start_new_session`` or
double-forked daemons), ``--die-with-parent`` (killing bwrap kills it all),
and an unprivileged user of its own (a uid only this sandbox uses) with
limits on address space, processes, file size and open files (``prlimit``).
Nothing it writes can reach bpcore, the chapters, another submission or the
output directory: none of them is in its file system.
"""

from __future__ import annotations

import compileall
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSIDE = "/opt/bpgrade"
GRACE = 3.0                     # seconds past a limit before the sandbox is killed
MAX_OUTPUT = 64 * 2 ** 20       # bytes of events read from one run
UID_BASE = 61000                # sandboxes run as UID_BASE + slot
LOCKS = Path(tempfile.gettempdir()) / "bpgrade-uids"


def unavailable() -> str | None:
    """Why no sandbox can be made here, or None."""
    missing = [tool for tool in ("bwrap", "setpriv", "prlimit") if shutil.which(tool) is None]
    if missing:
        return (f"{', '.join(missing)} not found: apt-get install bubblewrap util-linux")
    if os.geteuid() != 0:
        return "the grader runs as root (it gives each sandbox a user id of its own)"
    return None


def available() -> bool:
    return unavailable() is None


@dataclass
class Limits:
    cell: float = 120.0          # seconds per cell
    check: float = 60.0          # seconds per exercise's check (all its calls)
    call: float = 5.0            # seconds per call of a student's function
    memory: int = 3 * 2 ** 30    # bytes of address space
    processes: int = 64
    file_size: int = 64 * 2 ** 20
    startup: float = 120.0       # seconds until the runner is ready


@dataclass
class Outcome:
    events: list = field(default_factory=list)
    killed: tuple | None = None   # (why, where): ("cell", 3), ("check", label), ("total", None), ...
    died: tuple | None = None     # the runner ended without a result: (phase, where)
    result: dict | None = None
    garbled: bool = False
    stderr: str = ""


class Stage:
    """A read-only copy of bpcore and the runner, made once per grading run."""

    def __init__(self, root: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="bpgrade-stage-"))
        lib = self.dir / "lib"
        shutil.copytree(root / "bpcore", lib / "bpcore",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for name in ("runner.py", "plain.py"):
            shutil.copy2(HERE / name, lib / name)
        compileall.compile_dir(str(lib), quiet=1, workers=1)
        (self.dir / "jobs").mkdir()
        for path in [self.dir, *self.dir.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        self.dir.chmod(0o755)
        (self.dir / "jobs").chmod(0o711)
        self._uids = [uid for uid in range(UID_BASE, UID_BASE + 512) if not _user_exists(uid)]
        self._lock = threading.Lock()
        self._held = {}

    def take_uid(self) -> int:
        """A uid no other sandbox uses now, in this grader or another one
        running at the same time (a lock file per uid)."""
        import fcntl

        LOCKS.mkdir(mode=0o700, exist_ok=True)
        while True:
            with self._lock:
                for uid in list(self._uids):
                    handle = open(LOCKS / str(uid), "w")
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        handle.close()
                        continue
                    self._uids.remove(uid)
                    self._held[uid] = handle
                    return uid
            time.sleep(0.5)

    def give_uid(self, uid: int) -> None:
        with self._lock:
            self._held.pop(uid).close()
            self._uids.append(uid)

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(uid: int) -> bool:
    import pwd

    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/fonts", "/etc/alternatives"):
        args += ["--ro-bind-try", etc, etc]
    seen = set()
    for prefix in (sys.base_prefix, sys.prefix, os.path.realpath(sys.prefix)):
        prefix = os.path.realpath(prefix)
        if prefix in seen or prefix == "/usr" or prefix.startswith("/usr/"):
            continue
        seen.add(prefix)
        args += [*_parents(prefix), "--ro-bind", prefix, prefix]
    return args


def _parents(path: str) -> list[str]:
    """Directories above a bind target, created world-readable (bwrap would
    make them 0700, closed to the sandbox's unprivileged user)."""
    args = []
    parts = Path(path).parts[1:-1]
    for i in range(len(parts)):
        args += ["--perms", "0755", "--dir", "/" + "/".join(parts[: i + 1])]
    return args


def command(stage: Stage, job_file: Path, uid: int, fd: int, limits: Limits) -> list[str]:
    python = os.path.join(os.path.realpath(sys.prefix), "bin", "python")   # the bound path, not a symlink to it
    env = {"HOME": "/tmp/home", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MPLBACKEND": "Agg", "IPYTHONDIR": "/tmp/home/.ipython", "MPLCONFIGDIR": "/tmp/home/.mpl",
           "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    args = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
            # the empty /tmp first: a checkout (and its .venv) may itself live under /tmp,
            # and a later bind shows through an earlier mount, not the other way round
            "--size", str(256 * 2 ** 20), "--perms", "1777", "--tmpfs", "/tmp",
            *_system_binds(),
            "--proc", "/proc", "--dev", "/dev",
            *_parents(f"{INSIDE}/lib"), "--ro-bind", str(stage.dir / "lib"), f"{INSIDE}/lib",
            "--ro-bind", str(job_file), f"{INSIDE}/job.json",
            "--hostname", "sandbox", "--chdir", "/tmp", "--clearenv"]
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
             "--inh-caps=-all",
             "prlimit", f"--as={limits.memory}", f"--nproc={limits.processes}", f"--fsize={limits.file_size}",
             "--core=0", "--nofile=256", "--",
             python, "-I", f"{INSIDE}/lib/runner.py", f"{INSIDE}/job.json", str(fd)]
    return args


def _kill(process: subprocess.Popen, uid: int) -> None:
    """Kill the sandbox and anything that still runs under its uid."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    sweep(uid)


def survivors(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry))
                        break
        except OSError:
            continue
    return found


def sweep(uid: int) -> list[int]:
    """Processes of this sandbox's uid that outlived it, killed (none expected:
    the PID namespace ends them; this is the belt to those braces)."""
    left = survivors(uid)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def run(stage: Stage, job: dict, limits: Limits, deadline: float) -> Outcome:
    """Run one job; return what the runner reported and why it stopped."""
    outcome = Outcome()
    uid = stage.take_uid()
    job_file = stage.dir / "jobs" / f"{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    job_file.chmod(0o644)
    read_end, write_end = os.pipe()
    stderr = tempfile.TemporaryFile()
    process = None
    try:
        process = subprocess.Popen(command(stage, job_file, uid, write_end, limits), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=stderr, pass_fds=(write_end,),
                                   start_new_session=True)
        os.close(write_end)
        write_end = None
        buffer, total = b"", 0
        phase, where, since = "startup", None, time.monotonic()
        while True:
            now = time.monotonic()
            limit = {"startup": limits.startup, "cell": limits.cell + GRACE,
                     "check": limits.check + GRACE}.get(phase)
            wait = deadline - now
            if limit is not None:
                wait = min(wait, since + limit - now)
            if wait <= 0:
                outcome.killed = ("total", None) if now >= deadline else (phase, where)
                _kill(process, uid)
                break
            ready, _, _ = select.select([read_end], [], [], wait)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 16)
            if not chunk:   # the runner is gone
                break
            total += len(chunk)
            if total > MAX_OUTPUT:
                outcome.killed = ("output", None)
                _kill(process, uid)
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    event = json.loads(line.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    outcome.garbled = True
                    continue
                if type(event) is not dict:
                    outcome.garbled = True
                    continue
                outcome.events.append(event)
                kind = event.get("event")
                if kind in ("ready", "cell_done", "check_done"):
                    phase, where, since = "between", None, time.monotonic()
                elif kind == "cell":
                    phase, where, since = "cell", event.get("index"), time.monotonic()
                elif kind == "check":
                    phase, where, since = "check", event.get("label"), time.monotonic()
                elif kind == "result" and outcome.result is None:
                    outcome.result = event.get("data")
                    phase = "done"
        if outcome.killed is None:
            try:
                process.wait(timeout=max(1.0, min(10.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                _kill(process, uid)
            if outcome.result is None:
                outcome.died = (phase, where)
    finally:
        if write_end is not None:
            os.close(write_end)
        os.close(read_end)
        if process is not None and process.poll() is None:
            _kill(process, uid)
        sweep(uid)
        stderr.seek(0)
        outcome.stderr = stderr.read()[-4000:].decode("utf-8", "replace")
        stderr.close()
        job_file.unlink(missing_ok=True)
        stage.give_uid(uid)
    return outcome
