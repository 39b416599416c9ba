"""Helper processes end with the process that started them.

A pytest killed with SIGKILL cannot shut anything down, and a helper that
does not notice goes on using the CPU (and the memory) of a run nobody waits
for: the mutant generators would wait forever, and the mutation worker runs
its children until it next writes an event, which can be seconds later.
Likewise a worker's children end with the worker, however it ends.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
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
