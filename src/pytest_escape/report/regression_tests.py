"""One pytest file holding every verified regression test (``--escape-write-tests``).

Each test was run against the original (passed) and its mutant (failed)
before it got here; the file only merges their imports.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Results
from .files import write_atomic

HEADER = '''"""Regression tests written by pytest-escape (--escape-write-tests).

Each unmarked test pins the behaviour a surviving mutant changed, on the
input the witness search found; each was run against the original code
(passes) and against its mutant (fails) before it was written here.  Keep
the ones that pin behaviour you mean to keep, and rename them as you like.

Each test marked ``xfail(strict=True)`` states a property the code breaks
today (a crash, a wrong return type, a broken round trip...), on the
smallest input found; each was seen to fail before it was written here.
Once the code is fixed it passes, strict xfail reports that, and the mark
comes off.
"""
'''


def _split(source: str) -> tuple[list[str], str]:
    """(import lines, the test function) of one emitted test."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("def ", "@")))
    return [line for line in lines[:start] if line.strip()], "\n".join(lines[start:]) + "\n"


def render_regression_tests(results: Results) -> tuple[str, int]:
    imports: set[str] = set()
    bodies: list[str] = []
    for mutant in results.mutants:
        if mutant.witness is None or mutant.witness.test is None:
            continue
        needed, body = _split(mutant.witness.test)
        imports.update(needed)
        bodies.append(body)
    for found in results.violations():
        if found.test is not None:
            needed, body = _split(found.test)
            imports.update(needed)
            bodies.append(body)
    ordered = sorted(i for i in imports if i.startswith("import ")) + sorted(
        i for i in imports if not i.startswith("import ")
    )
    parts = [HEADER]
    if ordered:
        parts.append("\n".join(ordered) + "\n")
    parts.extend("\n\n" + body for body in bodies)
    return "\n".join(parts) if bodies else HEADER, len(bodies)


def write_regression_tests(results: Results, path: Path) -> int:
    """Write the file; returns how many tests it holds (it is written even with none)."""
    text, count = render_regression_tests(results)
    write_atomic(path, text)
    return count
