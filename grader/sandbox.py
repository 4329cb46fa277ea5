"""Run one grading job in a sandbox and return what it wrote, as plain bytes.

The sandbox (bubblewrap, Debian's ``bubblewrap`` package):
- an unprivileged uid of its own (root drops to it inside with ``setpriv``; a non-root grader
  uses bubblewrap's user namespace), no capabilities, ``no_new_privs``;
- its own PID, network (loopback only, nothing reachable), IPC and UTS namespaces;
- a read-only view of the Python installation and the installed packages only: no course
  directory, no ``solutions/``, no gradebook, no other submissions, no ``/root`` or ``/home``;
- a fresh, empty, size-capped HOME and /tmp (tmpfs, gone when the job ends);
- rlimits: address space, CPU seconds, file size, open files and processes (per uid), plus a
  memory and process cgroup where the machine lets us make one;
- a wall-clock timeout that SIGKILLs the whole process group; bubblewrap's PID namespace then
  takes every descendant with it, whatever signals they ignore or sessions they start.

``run_job`` is a plain function of plain data so Dask workers can run it (``--scheduler``).
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PKG = Path(__file__).resolve().parent
UID_BASE = 61000  # sandbox uids UID_BASE .. UID_BASE + UID_COUNT - 1, one per running job
UID_COUNT = 512


@dataclass
class Limits:
    wall_s: float = 300.0  # whole job, then SIGKILL of the process group
    cell_s: float = 120.0  # one learner cell (nbgrader_config's Execute.timeout)
    probe_s: float = 60.0  # one probe
    memory_mb: int = 4096  # address space per process, and the cgroup's memory limit
    nproc: int = 64  # processes and threads of the job's uid
    fsize_mb: int = 64  # largest file it may write
    tmp_mb: int = 256  # size of the tmpfs HOME and /tmp, each
    result_mb: int = 64  # the most result bytes the parent accepts back


def bwrap() -> str:
    path = shutil.which("bwrap") or "/usr/bin/bwrap"
    if not os.path.exists(path):
        raise RuntimeError("bubblewrap is not installed: apt-get install -y bubblewrap")
    return path


class _UidLease:
    """Hold an flock on a per-uid lock file so no two running jobs share a uid (and its process count)."""

    def __init__(self):
        lock_dir = Path(tempfile.gettempdir()) / "grader-uids"
        lock_dir.mkdir(mode=0o755, exist_ok=True)
        start = os.getpid() % UID_COUNT
        for k in range(UID_COUNT):
            uid = UID_BASE + (start + k) % UID_COUNT
            fh = open(lock_dir / f"{uid}.lock", "w")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                continue
            self.uid, self._fh = uid, fh
            return
        raise RuntimeError("no free sandbox uid")

    def release(self):
        self._fh.close()


def _cgroup_dir(controller: str) -> Path | None:
    """This process's cgroup-v1 directory for ``controller``, if the machine has one we may write."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, ctrls, path = line.split(":", 2)
            if controller in ctrls.split(","):
                d = Path("/sys/fs/cgroup") / controller / path.lstrip("/")
                return d if os.access(d, os.W_OK) else None
    except OSError:
        pass
    return None


class _Cgroups:
    """Best effort: a child memory cgroup (memory.limit) and pids cgroup (pids.max) for one job."""

    def __init__(self, name: str, limits: Limits):
        self.dirs: list[Path] = []
        for controller, settings in (("memory", {"memory.limit_in_bytes": limits.memory_mb * 2**20,
                                                  "memory.swappiness": 0}),
                                     ("pids", {"pids.max": limits.nproc})):
            parent = _cgroup_dir(controller) if os.geteuid() == 0 else None
            if parent is None:
                continue
            d = parent / name
            try:
                d.mkdir(exist_ok=True)
                for key, val in settings.items():
                    try:
                        (d / key).write_text(str(val))
                    except OSError:
                        if key != "memory.swappiness":
                            raise
                self.dirs.append(d)
            except OSError:
                shutil.rmtree(d, ignore_errors=True) if d.exists() and not any(d.iterdir()) else None

    def enter(self):  # in the child, before exec
        for d in self.dirs:
            try:
                (d / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:
                pass

    def remove(self):
        for d in self.dirs:
            for _ in range(50):
                try:
                    d.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)


def _python_roots() -> list[str]:
    """Read-only paths the sandbox needs: the interpreter, the venv, and editable package sources."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    import importlib.util

    for name in ("course_utils",):  # editable installs live outside site-packages
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            roots.update(os.path.realpath(p) for p in spec.submodule_search_locations)
    # A venv's python may be a symlink into the base prefix: bind both at their own paths.
    exe = os.path.realpath(sys.executable)
    roots.add(os.path.dirname(os.path.dirname(exe)))
    out = sorted(roots)
    # Drop paths inside another bound path.
    return [p for p in out if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in out)]


def sandbox_command(job_dir: Path, uid: int, limits: Limits) -> list[str]:
    cmd = [bwrap(), "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid", "--unshare-net",
           "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    root = os.geteuid() == 0
    if not root:
        cmd += ["--unshare-user", "--disable-userns"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    cmd += ["--ro-bind", "/usr", "/usr"]
    # The empty /tmp comes first: a course checked out under /tmp (a CI clone) keeps its venv and
    # course_utils visible, bound read-only on top of it below.
    cmd += ["--perms", "1777", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp"]
    binds = [f for f in ("/etc/ld.so.cache", "/etc/localtime") if os.path.exists(f)] + _python_roots()
    made: set[str] = {"/", "/usr", "/tmp"}
    for dest in [*binds, "/job/lib/grader", "/job/in"]:
        for parent in reversed(Path(dest).parents):  # bubblewrap would make them 0700 as root
            if str(parent) not in made:
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
    for p in binds:
        cmd += ["--ro-bind", p, p]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/home/learner",
            "--ro-bind", str(job_dir / "in"), "/job/in",
            "--bind", str(job_dir / "out"), "/job/out",
            "--ro-bind", str(PKG), "/job/lib/grader",
            "--chdir", "/home/learner"]
    python = [sys.executable, "-I", "-X", "utf8", "/job/lib/grader/runner.py", "/job"]
    if root:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", *python]
    else:
        cmd += ["--", *python]
    return cmd


def _preexec(limits: Limits, cgroups: _Cgroups):
    def setup():
        os.setsid()  # its own process group: the timeout kills all of it
        cgroups.enter()
        mem = limits.memory_mb * 2**20
        for res, val in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_DATA, mem),
                         (resource.RLIMIT_CPU, int(limits.wall_s) + 5),
                         (resource.RLIMIT_FSIZE, limits.fsize_mb * 2**20),
                         (resource.RLIMIT_NOFILE, 256), (resource.RLIMIT_NPROC, limits.nproc),
                         (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(res, (val, val))
    return setup


def run_job(payload: dict) -> dict:
    """Run one job in a fresh sandbox; return {"files": {name: bytes}, "status": ...}.

    ``payload``: ``cells`` (code sources in order), ``probes`` (grade_ids), ``spec`` (the
    grading spec's source text), ``limits`` (a dict of :class:`Limits` fields), ``debug``.
    """
    limits = Limits(**payload.get("limits", {}))
    lease = _UidLease()
    job_dir = Path(tempfile.mkdtemp(prefix="grader-job-"))
    cgroups = _Cgroups(f"grader-{lease.uid}", limits)
    try:
        (job_dir / "in").mkdir()
        (job_dir / "out").mkdir()
        os.chmod(job_dir, 0o755)
        job = {"cells": payload["cells"], "probes": payload["probes"], "cell_timeout": limits.cell_s,
               "probe_timeout": limits.probe_s, "debug": bool(payload.get("debug"))}
        (job_dir / "in" / "job.json").write_text(json.dumps(job), encoding="utf-8")
        (job_dir / "in" / "grading_spec.py").write_text(payload["spec"], encoding="utf-8")
        for p in (job_dir / "in", job_dir / "in" / "job.json", job_dir / "in" / "grading_spec.py"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        if os.geteuid() == 0:
            os.chown(job_dir / "out", lease.uid, lease.uid)
        cmd = sandbox_command(job_dir, lease.uid, limits)
        env = {"PATH": "/usr/bin:/bin", "HOME": "/home/learner", "USER": "learner", "LOGNAME": "learner",
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "COURSE_STATIC_OUTPUT": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "IPYTHONDIR": "/home/learner/.ipython",
               "JUPYTER_CONFIG_DIR": "/home/learner/.jupyter", "MPLCONFIGDIR": "/tmp/mpl",
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONHASHSEED": "0", "TMPDIR": "/tmp"}
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=open(job_dir / "bwrap.log", "wb"), env=env,
                                preexec_fn=_preexec(limits, cgroups), close_fds=True)
        killed = False
        try:
            rc = proc.wait(timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            killed = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            rc = proc.wait()
        seconds = time.monotonic() - start
        files, total = {}, 0
        for f in sorted((job_dir / "out").iterdir()):
            if not f.is_file() or f.is_symlink() or f.suffix not in (".json", ".npz", ".log"):
                continue
            size = f.stat().st_size
            if total + size > limits.result_mb * 2**20:
                break
            total += size
            with open(f, "rb") as fh:
                files[f.name] = fh.read(limits.result_mb * 2**20)
        sandbox_error = (job_dir / "bwrap.log").read_bytes()[-2000:].decode("utf-8", "replace")
        return {"files": files, "returncode": rc, "killed": killed, "seconds": round(seconds, 3),
                "sandbox_error": sandbox_error, "limits": asdict(limits)}
    finally:
        cgroups.remove()
        lease.release()
        shutil.rmtree(job_dir, ignore_errors=True)
