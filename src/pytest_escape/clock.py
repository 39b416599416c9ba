"""A clock the tests cannot stop.

freezegun (and tests that patch ``time`` themselves) replace
``time.perf_counter`` and ``time.monotonic`` in every loaded module while a
test's fixture holds the time still, pytest's own ``_pytest.timing``
included: pytest then reports a setup of 1,308,871,273 s and a teardown of
minus as much.  The baseline took those durations for the tests' time, and
every mutant of itsdangerous met a limit of -533 s: 460 false timeouts,
counted as detected.  ``clock_gettime`` is no function freezegun replaces.
"""

from __future__ import annotations

import time


def now() -> float:
    """Seconds on a monotonic clock that a frozen ``time`` does not move
    (where the platform has no ``clock_gettime``, ``time.perf_counter``)."""
    gettime = getattr(time, "clock_gettime", None)
    if gettime is not None:
        return float(gettime(time.CLOCK_MONOTONIC))
    return time.perf_counter()
