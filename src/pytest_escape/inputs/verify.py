"""Running an emitted regression test in a fresh child.

A test is shown only after it proved itself: the witness stage runs it on
the original and on the mutant, the property stage once on today's code,
each time in a sandboxed child of its own.
"""

from __future__ import annotations

from typing import Any

from ..model import UNSAFE
from ..mutation.mutmut_adapter import activate
from . import sandbox


def verify_test(
    source: str, name: str, mutant: str | None, call_timeout: float, sandbox_root: str | None
) -> dict[str, Any]:
    """Run one emitted test under the original (``mutant=None``) or a mutant, sandboxed."""
    sandbox.enter(cpu_seconds=call_timeout * 4 + 10, root=sandbox_root)
    guard = sandbox.Guard()
    namespace: dict[str, Any] = {"__name__": "pytest_escape_regression"}
    try:
        exec(compile(source, f"<regression test {name}>", "exec"), namespace)  # noqa: S102
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "message": f"{type(e).__name__}: {e}"}
    activate(mutant)
    try:
        with sandbox.time_limit(call_timeout * 2), guard:
            namespace[name]()
    except sandbox.CallTimeout:
        return {"outcome": "failed", "message": "did not finish (the mutant hangs)"}
    except sandbox.SandboxViolation as e:
        return {"outcome": UNSAFE, "message": str(e)}
    except BaseException as e:  # noqa: BLE001 - a failing test is the point
        return {
            "outcome": "failed",
            "message": f"{type(e).__name__}: {str(e)[:200]}",
            # what a test marked xfail(raises=...) is judged by
            "exceptions": [c.__name__ for c in type(e).__mro__],
        }
    finally:
        activate(None)
    return {"outcome": "passed"}
