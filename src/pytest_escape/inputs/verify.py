"""Running an emitted regression test before it is shown.

A test is shown only after it proved itself: the witness stage runs it on
the original and on the mutant, the property stage once on today's code.

On the original, it runs in a **fresh interpreter**: the project's modules
imported from their files as a plain ``pytest`` run would, and nothing of
pytest-escape's mutation machinery loaded (no import hook, no switched
code, no state left by the search's earlier calls).  A test that passes
there passes in the user's suite; one that passed only in the search's
process (a witness that existed only while an instrumenting decorator was
bypassed, or only after the search had filled a cache) is dropped.  On the
mutant, it runs in a forked child of the search's process, where the
mutant can be switched on.  Both sides are sandboxed.

``python -m pytest_escape.inputs.verify`` is the fresh interpreter's side:
it reads its request (JSON) on stdin and prints its answer on the last line
of stdout after ``ANSWER``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from typing import Any

from ..model import UNSAFE
from . import sandbox
from .logs import caplog_for

#: what starts the fresh interpreter's answer line (the code under test may print too)
ANSWER = "pytest-escape verify: "


#: an emitted test: its source, and the name of its test function
Test = tuple[str, str]


def writes_files(answer: dict[str, Any]) -> str | None:
    """Why a verified test is not shown because it wrote files where it ran
    (the sandbox's scratch directory allows it; your project is where the
    test would run), or None."""
    wrote = answer.get("wrote")
    return f"dropped: it writes files where it runs ({wrote})" if wrote else None


def verify_tests(
    tests: list[Test], mutant: str | None, call_timeout: float, sandbox_root: str | None
) -> list[dict[str, Any]]:
    """Run emitted tests, in turn, under the original (``mutant=None``: all in
    one fresh interpreter, as one suite) or under a mutant (here), sandboxed;
    one answer per test."""
    if mutant is None:
        return _in_fresh_interpreter(tests, call_timeout, sandbox_root)
    from ..mutation.mutmut_adapter import activate

    activate(mutant)
    try:
        return run_tests(tests, call_timeout, sandbox_root)
    finally:
        activate(None)


def run_tests(tests: list[Test], call_timeout: float, sandbox_root: str | None) -> list[dict[str, Any]]:
    """Define and call each test in this process, sandboxed."""
    scratch = sandbox.enter(cpu_seconds=(call_timeout * 2 + 1) * len(tests) + 10, root=sandbox_root)
    return [
        _run_test(source, name, call_timeout, os.path.join(scratch, f"{name}_{index}.py"))
        for index, (source, name) in enumerate(tests)
    ]


#: the module an emitted test is defined in, as its file would be
MODULE = "pytest_escape_regression"


def _run_test(source: str, name: str, call_timeout: float, filename: str) -> dict[str, Any]:
    """One test, defined from a file of its own in a module of its own, as
    your test file would be: code under test that reads the source of a
    class the test defines (``inspect.getsource``) finds it there.  Compiled
    from a string, that class was "a built-in class", and a test that passes
    in your suite was dropped as failing on the original (docstring_parser's
    attribute docstrings: 6 tests).  The file is written before the guard
    watches, in the scratch directory."""
    guard = sandbox.Guard()
    with open(filename, "w", encoding="utf-8") as out:
        out.write(source)
    module = types.ModuleType(MODULE)
    # ``__file__`` as in a test file: a test may check that a warning points at its own line
    module.__file__ = filename
    sys.modules[MODULE] = module
    namespace = module.__dict__
    try:
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "message": f"{type(e).__name__}: {e}"}
    try:
        with sandbox.time_limit(call_timeout * 2), caplog_for(namespace[name]) as fixtures, guard:
            namespace[name](**fixtures)
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
            "wrote": guard.wrote,
        }
    return {"outcome": "passed", "wrote": guard.wrote}


def _in_fresh_interpreter(
    tests: list[Test], call_timeout: float, sandbox_root: str | None
) -> list[dict[str, Any]]:
    """``run_tests`` in a new Python process with this one's ``sys.path``."""
    request = {
        "tests": tests,
        "call_timeout": call_timeout,
        "sandbox_root": sandbox_root,
        "sys_path": sys.path,
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=(call_timeout * 2 + 1) * len(tests) + 20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [{"outcome": "failed", "message": "did not finish in a fresh interpreter"}] * len(tests)
    for line in reversed(done.stdout.splitlines()):
        if ANSWER in line:
            answers: list[dict[str, Any]] = json.loads(line.rpartition(ANSWER)[2])
            return answers
    tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    return [{"outcome": "died", "message": f"the fresh interpreter gave no answer: {tail[0][:200]}"}] * len(
        tests
    )


def main() -> None:
    request = json.loads(sys.stdin.read())
    sys.path[:] = request["sys_path"]
    tests = [(source, name) for source, name in request["tests"]]
    answers = run_tests(tests, request["call_timeout"], request["sandbox_root"])
    # on a line of its own: code that wrote to stdout without a newline (a
    # command line's formatted output) put the answer after it, and three
    # verified tests were dropped as "gave no answer: exit status 0"
    sys.stdout.write("\n" + ANSWER + json.dumps(answers) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
