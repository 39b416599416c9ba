"""Helper processes end with the process that started them.

A pytest killed with SIGKILL cannot shut anything down, and a helper that
does not notice goes on using the CPU (and the memory) of a run nobody waits
for: the mutant generators would wait forever, and the mutation worker runs
its children until it next writes an event, which can be seconds later.
Likewise a worker's children end with the worker, however it ends, and
the scratch directories the worker makes lie inside its plan directory,
removed however it ends.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import tempfile
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _find_prctl() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None


#: libc's prctl, looked up on import: a forked child then needs no dlopen,
#: which can deadlock after a fork in a process that has threads
_PRCTL = _find_prctl()


def die_with_parent(
    parent: int, sig: int = signal.SIGKILL, on_orphaned: Callable[[], None] | None = None
) -> None:
    """Have the kernel send ``sig`` to this process when ``parent`` ends (Linux).

    ``parent`` is the pid the caller expects as its parent, read before the
    fork: if it already died, the request would never fire, so exit now,
    after ``on_orphaned`` cleans up what the parent left to us.
    """
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:
        if on_orphaned is not None:
            on_orphaned()
        os._exit(0)


#: where the worker's scratch directories go (``keep_scratch_in``; None: the
#: system's temporary directory)
_scratch_root: str | None = None


def keep_scratch_in(directory: str) -> None:
    """Make the worker's scratch directories inside ``directory``, its plan
    directory: pytest removes that whatever ends the worker.  A worker
    stopped by Ctrl-C leaves through ``os._exit`` (nobody waits for its
    unwinding), so a stage's own ``close`` never ran, and each interrupted
    search left a ``pytest-escape-witness-*`` tree in /tmp."""
    global _scratch_root
    _scratch_root = directory


def scratch(prefix: str) -> str:
    """A new scratch directory, where ``keep_scratch_in`` says."""
    return tempfile.mkdtemp(prefix=prefix, dir=_scratch_root)
