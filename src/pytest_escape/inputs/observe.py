"""The arguments the project's tests pass to a function, recorded while they run.

They are the best seeds a search has: real values of the real types, in the
shapes the code expects.  Deep-copied at call time, so what the function
does to them later does not change the record.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any

from ..mutation.mutmut_adapter import activate, recording_calls
from .calls import sentinels

#: calls of the function recorded while its tests run (deep copies)
MAX_RECORDED = 200


def _test_double(value: Any) -> bool:
    return type(value).__module__.startswith("unittest.mock") or any(
        type(v).__module__.startswith("unittest.mock") for v in getattr(value, "__dict__", {}).values()
    )


def observe(
    module: str, qualname: str, run_tests: Callable[[], object], returned_only: bool = False
) -> list[dict[str, Any]]:
    """The arguments the tests passed to ``qualname`` (bounded, deep-copied at call time).

    ``returned_only``: leave out calls that raised.  A test that checks
    ``f(1.5)`` raises TypeError passes an input it does not call valid.
    """
    calls: list[dict[str, Any] | None] = []
    keep = sentinels(module)  # recorded as themselves: a copy of one means nothing

    def record(arguments: dict[str, Any]) -> int | None:
        if any(_test_double(v) for v in arguments.values()):
            return None  # a Mock stands in for something else, and records every call made on it
        if len(calls) < MAX_RECORDED:
            try:
                calls.append(copy.deepcopy(arguments, dict(keep)))
            except Exception:  # noqa: BLE001 - uncopyable input: not a seed
                return None
            return len(calls) - 1
        return None

    def raised(index: int) -> None:
        if returned_only:
            calls[index] = None

    activate(None)
    try:
        with recording_calls(module, qualname, record, raised):
            run_tests()
    except BaseException:  # noqa: BLE001 - seeds are a bonus (pytest.skip() is a BaseException)
        pass
    return [call for call in calls if call is not None]


def global_constants(module: str, names: tuple[str, ...]) -> list[Any]:
    """Module-level constants a function reads (``qty >= BULK_THRESHOLD``): literals by another name."""
    namespace = vars(sys.modules[module])
    return [namespace[n] for n in names if isinstance(namespace.get(n), (int, float, str)) and n in namespace]
