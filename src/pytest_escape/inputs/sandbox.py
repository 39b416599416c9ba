"""The walls around user code called with generated inputs.

The process is already a forked child in its own process group, killed by the
parent past its wall-clock limit.  Inside it, ``enter`` moves the working
directory, HOME and TMPDIR into a scratch directory and sets resource limits,
and ``Guard`` (an audit hook, armed only while user code runs) refuses file
writes, deletes and renames outside that directory, network connections and
new processes.  A refused call raises ``SandboxViolation``, a
``BaseException`` so that user code's ``except Exception`` cannot swallow it;
the guard remembers it anyway.

Writes inside the scratch directory are allowed: a storage class or an
exporter given a relative path writes there (tinydb's ``JSONStorage``, 18
survivors, and anytree's exporters were "unsafe" while every write was
refused).  Each armed call starts in an empty working directory, the same
one each time, so an original and a mutant meet the same files.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

#: headroom over the address space already mapped when the sandbox is entered
MEMORY_HEADROOM = 1 << 30
MAX_FILE_SIZE = 1 << 20
#: the terminal width user code sees here, and in the regression tests that pin its output
PRINT_COLUMNS = 80

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_BLOCKED = {
    "os.remove": "deleting a file",
    "os.rmdir": "removing a directory",
    "shutil.rmtree": "removing a directory tree",
    "os.rename": "renaming a file",
    "os.replace": "renaming a file",
    "os.mkdir": "creating a directory",
    "os.truncate": "truncating a file",
    "os.chmod": "changing file permissions",
    "os.chown": "changing a file's owner",
    "os.link": "creating a link",
    "os.symlink": "creating a link",
    "os.utime": "changing file times",
    "shutil.copyfile": "copying a file",
    "shutil.move": "moving a file",
    "socket.connect": "opening a network connection",
    "socket.bind": "binding a socket",
    "socket.sendto": "sending network data",
    "socket.sendmsg": "sending network data",
    "socket.getaddrinfo": "a DNS lookup",
    "socket.gethostbyname": "a DNS lookup",
    "subprocess.Popen": "starting a process",
    "os.system": "running a shell command",
    "os.exec": "replacing the process",
    "os.posix_spawn": "starting a process",
    "os.spawn": "starting a process",
    "os.fork": "forking",
    "os.forkpty": "forking",
    "os.kill": "signalling a process",
    "os.killpg": "signalling a process group",
    "pty.spawn": "starting a process",
    "webbrowser.open": "opening a browser",
}


#: the file events allowed inside the scratch directory: (indexes of their
#: path arguments, indexes of their ``dir_fd`` arguments, which must be unset)
_FILE_EVENTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "open": ((0,), ()),
    "os.remove": ((0,), (1,)),
    "os.rmdir": ((0,), (1,)),
    "shutil.rmtree": ((0,), (1,)),
    "os.rename": ((0, 1), (2, 3)),
    "os.replace": ((0, 1), (2, 3)),
    "os.mkdir": ((0,), (2,)),
    "os.truncate": ((0,), ()),
    "os.chmod": ((0,), (2,)),
    "os.utime": ((0,), (3,)),
    "shutil.copyfile": ((0, 1), ()),
    "shutil.move": ((0, 1), ()),
    "os.link": ((0, 1), (2, 3)),
    "os.symlink": ((1,), (2,)),
}
#: this process's scratch directory once ``enter`` made it, and the working
#: directory each armed call starts in, empty
_scratch: str | None = None
_work: str | None = None


def _inside_scratch(event: str, args: tuple[Any, ...]) -> bool:
    """Whether every path ``event`` touches is inside the scratch directory
    (a link is followed: one pointing out of it is outside)."""
    if _scratch is None or event not in _FILE_EVENTS:
        return False
    paths, fds = _FILE_EVENTS[event]
    if any(i < len(args) and args[i] not in (None, -1) for i in fds):
        return False  # relative to a directory we cannot see
    for i in paths:
        if i >= len(args) or not isinstance(args[i], (str, bytes, os.PathLike)):
            return False  # a file descriptor: where it points is unknown
        try:
            full = os.path.realpath(os.fsdecode(args[i]))
            if os.path.commonpath([full, _scratch]) != _scratch:
                return False
        except (OSError, ValueError):
            return False
    return True


class SandboxViolation(BaseException):
    """User code tried something the sandbox refuses (see ``Guard``)."""


class CallTimeout(BaseException):
    """A call ran past its time limit (raised from SIGALRM)."""


def _is_write(args: tuple[Any, ...]) -> bool:
    _, mode, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


class Guard:
    """An audit hook that blocks side effects while armed (``with guard:``)."""

    def __init__(self) -> None:
        self.armed = False
        #: what was refused first, e.g. "removing a directory tree (shutil.rmtree '/x')"
        self.violation: str | None = None
        #: what was allowed first inside the scratch directory, e.g. "writing a file (open 'db.json')"
        self.wrote: str | None = None
        #: the working directory holds what an earlier call left
        self._dirty = False
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed:
            return
        what = _BLOCKED.get(event)
        if what is None and event == "open" and _is_write(args):
            what = "writing a file"
        if what is None:
            return
        self.armed = False  # the rest of this hook must not trip itself
        target = ""
        if args:
            target = f" {str(args[0])[:80]!r}" if not isinstance(args[0], (int, type(None))) else ""
        if _inside_scratch(event, args):
            self.wrote = self.wrote or f"{what} ({event}{target})"
            self._dirty = True
            self.armed = True
            return
        if self.violation is None:
            self.violation = f"{what} ({event}{target})"
        raise SandboxViolation(self.violation)

    def written(self) -> tuple[tuple[str, bytes], ...]:
        """What the last armed call left in the working directory (relative
        path and first ``MAX_FILE_SIZE`` bytes, in path order); nothing when
        it wrote nothing there."""
        if not self._dirty or _work is None:
            return ()
        found = []
        for folder, _, names in os.walk(_work):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    with open(path, "rb") as f:
                        found.append((os.path.relpath(path, _work), f.read(MAX_FILE_SIZE)))
                except OSError:
                    found.append((os.path.relpath(path, _work), b""))
        return tuple(sorted(found))

    def __enter__(self) -> Guard:
        if self._dirty and _work is not None:
            # what the last call wrote is gone: each call meets the same empty directory
            shutil.rmtree(_work, ignore_errors=True)
            os.makedirs(_work, exist_ok=True)
            self._dirty = False
        if _work is not None:
            os.chdir(_work)
        self.armed = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.armed = False


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CallTimeout()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``CallTimeout`` inside the block after ``seconds`` (Python code only)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _limit(kind: int, value: int) -> None:
    try:
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))
    except (ValueError, OSError):
        pass  # not permitted here: the wall-clock kill still holds


def enter(cpu_seconds: float, root: str | None = None) -> str:
    """Move this (forked) process into a scratch directory under resource limits.

    The scratch directory is made under ``root`` (the parent removes ``root``
    afterwards, so a killed child leaves nothing behind).  Call once, in a
    child that will exit.
    """
    global _scratch, _work
    scratch = tempfile.mkdtemp(prefix="sandbox-", dir=root)
    home = os.path.join(scratch, "home")
    tmp = os.path.join(scratch, "tmp")
    work = os.path.join(scratch, "work")
    for made in (home, tmp, work):
        os.mkdir(made)
    os.chdir(work)
    _scratch, _work = os.path.realpath(scratch), work
    os.environ.update(HOME=home, TMPDIR=tmp, TEMP=tmp, TMP=tmp, COLUMNS=str(PRINT_COLUMNS))
    tempfile.tempdir = tmp
    sys.dont_write_bytecode = True
    # Hypothesis's home, where it writes: a Hypothesis imported already (the
    # forked children) set its default from the working directory it was
    # imported in, the project's; one imported later (the fresh interpreter
    # that runs emitted tests, if the project imports it) takes it from the
    # scratch directory.  Importing Hypothesis here only to set it cost that
    # interpreter a fifth of a second, a quarter of a small search's CPU.
    configuration = sys.modules.get("hypothesis.configuration")
    if configuration is not None:
        configuration.set_hypothesis_home_dir(os.path.join(scratch, ".hypothesis"))
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, MAX_FILE_SIZE)
    _limit(resource.RLIMIT_CPU, int(cpu_seconds) + 1)
    mapped = _mapped_bytes()
    if mapped:
        _limit(resource.RLIMIT_AS, mapped + MEMORY_HEADROOM)
    return scratch


@dataclass(frozen=True)
class Allowance:
    """What one search or check child may spend.

    ``deadline`` is on CLOCK_MONOTONIC, the same clock in every child, so a
    child forked late still stops when the stage does.
    """

    #: seconds per item (a survivor, a function)
    seconds_each: float
    deadline: float
    #: the stage's scratch directory: each child's sandbox lives under it
    sandbox_root: str

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def spent(self) -> bool:
        return time.monotonic() > self.deadline
