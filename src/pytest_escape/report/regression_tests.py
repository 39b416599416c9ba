"""One pytest file holding every verified regression test (``--escape-write-tests``).

Each test was run against the original (passed) and its mutant (failed)
before it got here; the file only merges their imports.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..model import Results
from ..pysource import double_quoted
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


#: the modules of the standard library, for grouping imports as ruff and isort do
_STDLIB = frozenset(sys.stdlib_module_names)
#: third-party packages an emitted test imports besides the code under test
_THIRD_PARTY = frozenset({"pytest", "hypothesis"})


@dataclass
class _Test:
    name: str
    #: the docstring's source text, without its quotes
    docstring: str
    #: the decorators, and the statements after the docstring
    marks: list[str]
    code: list[str]


def _split(source: str) -> tuple[list[str], _Test]:
    """(import lines, the test) of one emitted test."""
    tree = ast.parse(source)
    imports = [ast.get_source_segment(source, node) or "" for node in tree.body[:-1]]
    function = tree.body[-1]
    assert isinstance(function, ast.FunctionDef)
    lines = source.splitlines()
    first = function.body[0]
    has_doc = ast.get_docstring(function, clean=False) is not None
    # the docstring as written, escapes and all (its value would unescape a backslash)
    docstring = (ast.get_source_segment(source, first) or '""""""')[3:-3] if has_doc else None
    after = first.end_lineno if has_doc and first.end_lineno else function.lineno
    start = function.decorator_list[0].lineno if function.decorator_list else function.lineno
    marks = lines[start - 1 : function.lineno - 1]
    return imports, _Test(function.name, docstring or "", marks, lines[after:])


def _group(line: str, first_party: set[str]) -> int:
    """0: the standard library, 1: third-party packages, 2: the project's own code."""
    top = line.split()[1].split(".")[0]
    if top in _STDLIB:
        return 0
    if top in first_party:
        return 2
    return 1 if top in _THIRD_PARTY or first_party else 2


def _import_block(imports: set[str], first_party: set[str]) -> str:
    """Imports as ruff's isort rules order them: standard library, third party,
    the project, each group apart; ``import x`` before ``from x import y``."""
    groups: list[list[str]] = [[], [], []]
    for line in imports:
        groups[_group(line, first_party)].append(line)
    blocks = []
    for group in groups:
        plain = sorted({i for i in group if i.startswith("import ")}, key=str.lower)
        names: dict[str, set[str]] = {}
        for line in group:
            if line.startswith("from "):
                module, _, imported = line.removeprefix("from ").partition(" import ")
                names.setdefault(module, set()).update(n.strip() for n in imported.split(","))
        froms = [
            _from_import(module, sorted(names[module], key=_name_order))
            for module in sorted(names, key=str.lower)
        ]
        if plain or froms:
            blocks.append("\n".join(plain + froms))
    return "\n\n".join(blocks)


#: ruff format's (and black's) line length, which its isort rules wrap imports at
LINE_LENGTH = 88


def _from_import(module: str, names: list[str]) -> str:
    """``from m import a, b``; past the line length, one name a line in
    parentheses with a trailing comma, as ruff writes it."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _ruff() -> list[str] | None:
    """The ruff next to this Python, or on PATH (None: not installed)."""
    found = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    return [found] if found else None


def formatted(text: str, path: Path) -> tuple[str, str | None]:
    """``text`` as ``ruff format`` writes it for ``path`` (with the project's own
    ruff settings), where ruff is installed; and why not, when it was needed
    and could not be done.

    The file is written in ruff's style already, but for lines too long for
    it: a long call or assertion is wrapped the way ruff wraps it only by
    ruff itself.  Without ruff, or if it fails, the text stays as it is, and
    the user is told when a line is too long for that to be ruff's style.
    """
    too_long = any(len(line) > LINE_LENGTH for line in text.splitlines())
    ruff = _ruff()
    if ruff is None:
        return text, "ruff is not installed" if too_long else None
    try:
        done = subprocess.run(
            [*ruff, "format", "--stdin-filename", str(path), "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=path.parent if path.parent.is_dir() else None,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as e:
        return text, f"ruff format could not run ({e})" if too_long else None
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout, None
    failed = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return text, f"ruff format failed ({failed})" if too_long else None


def _name_order(name: str) -> tuple[int, str]:
    """isort's order of the names one ``from`` imports: CONSTANTS, Classes, functions."""
    bare = name.split(" as ")[0]
    return (0 if bare.isupper() else 1 if bare[:1].isupper() else 2, bare.lower())


def _merged(tests: list[_Test]) -> list[_Test]:
    """One test per distinct body: mutants killed by the same lines share one test,
    whose docstring names them all; names made unique where bodies differ."""
    by_code: dict[tuple[str, ...], _Test] = {}
    for test in tests:
        key = (*test.marks, *test.code)
        if key in by_code:
            kept = by_code[key]
            kept.docstring = kept.docstring.rstrip() + "\n\n    " + test.docstring.strip() + "\n    "
        else:
            by_code[key] = _Test(test.name, test.docstring, test.marks, test.code)
    used: dict[str, int] = {}
    for test in by_code.values():
        used[test.name] = used.get(test.name, 0) + 1
        if used[test.name] > 1:
            test.name = f"{test.name}_{used[test.name]}"
    return list(by_code.values())


def _source(test: _Test) -> str:
    return "\n".join([*test.marks, f"def {test.name}():", f'    """{test.docstring}"""', *test.code]) + "\n"


def render_regression_tests(results: Results) -> tuple[str, int]:
    """The file's text and how many tests it holds.

    It passes ``ruff check`` and ``ruff format --check`` with their default
    rules, where no line of a test is long enough for ruff to wrap.
    """
    imports: set[str] = set()
    tests: list[_Test] = []
    sources = [m.witness.test for m in results.mutants if m.witness is not None and m.witness.test]
    sources += [found.test for found in results.violations() if found.test is not None]
    for source in sources:
        needed, test = _split(source)
        imports.update(needed)
        tests.append(test)
    merged = _merged(tests)
    first_party = {f.module.split(".")[0] for f in results.files}
    parts = [HEADER]
    if imports:
        parts.append(_import_block(imports, first_party) + "\n")
    text = "\n".join(parts) + "".join("\n\n" + _source(test) for test in merged)
    return double_quoted(text), len(merged)


def write_regression_tests(results: Results, path: Path) -> tuple[int, str | None]:
    """Write the file (even with no test); how many tests it holds, and why its
    long lines are not wrapped as ``ruff format`` would (None: they are, or none is)."""
    text, count = render_regression_tests(results)
    text, unformatted = formatted(text, path)
    write_atomic(path, text)
    return count, unformatted
