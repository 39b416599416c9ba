"""Values the clock made: the time a call ran, read the same on two runs.

``self.last_run = datetime.now()``, ``self.next_run = now + interval``: two
runs of the original on copies of one input leave two different moments,
so the search set every such input aside as unsteady (a job scheduler: 15
survivors of its ``run`` and 10 of ``until`` "not reached", every input
set aside).  Each call's outcome keeps the wall-clock time it started and
ended (``Clock``), and two moments count as the same when each lies as far
from its own call's start as the other, give or take the longer call: the
time the call read, or that time plus the same interval.  A mutant that
moves the moment by more than a call takes (``+ 10 s`` -> ``+ 11 s``,
``now()`` -> ``None``) still differs.  Only values near the present are
moments (within ``NEAR`` of the call): a fixed date is compared as it is.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

#: a call's wall-clock start and end (``time.time()``)
Clock = tuple[float, float]

#: how far from its call a value may be and still be read as a moment of it
NEAR = 400 * 24 * 3600.0

#: the two calls' clocks while their outcomes are compared (``comparing``)
_CLOCKS: contextvars.ContextVar[tuple[Clock, Clock] | None] = contextvars.ContextVar("clocks", default=None)


@contextlib.contextmanager
def comparing(first: Clock | None, second: Clock | None) -> Iterator[None]:
    """Compare values as moments of these two calls for the block's length."""
    token = _CLOCKS.set((first, second) if first is not None and second is not None else None)
    try:
        yield
    finally:
        _CLOCKS.reset(token)


def _seconds(value: object) -> float | None:
    """A moment as seconds since the epoch: a datetime (a naive one as local
    time, as ``datetime.now()`` makes it), or a float that is one
    (``time.time()``); None for anything else."""
    if type(value) is datetime.datetime:
        try:
            return value.timestamp()
        except (OverflowError, OSError, ValueError):
            return None
    if type(value) is float:
        return value
    return None


def same_moment(a: object, b: object) -> bool:
    """Whether ``a`` and ``b`` are the same moment of the two calls being
    compared (``comparing``); False outside such a comparison."""
    clocks = _CLOCKS.get()
    if clocks is None:
        return False
    mine, theirs = _seconds(a), _seconds(b)
    if mine is None or theirs is None:
        return False
    (start_a, end_a), (start_b, end_b) = clocks
    if abs(mine - start_a) > NEAR or abs(theirs - start_b) > NEAR:
        return False
    slack = max(end_a - start_a, end_b - start_b) + 1e-3
    return abs((mine - start_a) - (theirs - start_b)) <= slack
