"""The walls around user code called with generated inputs.

The process is already a forked child in its own process group, killed by the
parent past its wall-clock limit.  Inside it, ``enter`` moves the working
directory, HOME and TMPDIR into a scratch directory and sets resource limits,
and ``Guard`` (an audit hook, armed only while user code runs) refuses file
writes, deletes and renames, network connections and new processes.  A
refused call raises ``SandboxViolation``, a ``BaseException`` so that user
code's ``except Exception`` cannot swallow it; the guard remembers it anyway.
"""

from __future__ import annotations

import os
import resource
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
        if self.violation is None:
            self.violation = f"{what} ({event}{target})"
        raise SandboxViolation(self.violation)

    def __enter__(self) -> Guard:
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
    scratch = tempfile.mkdtemp(prefix="sandbox-", dir=root)
    home = os.path.join(scratch, "home")
    tmp = os.path.join(scratch, "tmp")
    os.mkdir(home)
    os.mkdir(tmp)
    os.chdir(scratch)
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
