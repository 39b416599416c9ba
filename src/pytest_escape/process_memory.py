"""This process's memory, as Linux's ``/proc/self/status`` reports it.

Two readers need it: the pool, which limits a child's data segment to what
it inherited plus the memory limit, and the baseline, which measures how far
the test run raised the process's peak (the automatic memory limit).
"""

from __future__ import annotations

import resource
import sys


def status_bytes(key: str) -> int | None:
    """A ``/proc/self/status`` figure (``VmData``, ``VmHWM``...) in bytes; None without ``/proc``."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def peak_resident() -> int:
    """This process's peak resident memory so far, in bytes.

    Linux's ``VmHWM``, not ``getrusage``'s ``ru_maxrss``: the latter keeps
    the peak of the process image an ``exec`` replaced, so a pytest started
    by a large process (a test runner's worker) inherits that process's
    peak, and the tests' growth vanished under it.  Without ``/proc`` (where
    the memory limit does not apply anyway) ``ru_maxrss`` is what there is.
    """
    peak = status_bytes("VmHWM")
    if peak is not None:
        return peak
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # kilobytes on Linux
