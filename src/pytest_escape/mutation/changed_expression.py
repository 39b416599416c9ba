"""The smallest expression a mutant changes, in the original's text and in the mutant's.

The witness search calls a survivor "likely equivalent" only when the
mutated code ran on many inputs and no result told the two apart.  Inputs
that ran the mutated code in a state where it computes what the original
computes are no evidence at all: ``if option == "field_names"`` mutated to
``"XXfield_namesXX"`` runs on every option, and differs only for that one.
The probe (``inputs.infection``) evaluates both expressions found here in
the frame where the mutant runs, to see whether the mutant ever computed
something else: a mutant that did and still changed no result is not
equivalent on that evidence, and one that never did is.
"""

from __future__ import annotations

import ast
import functools
import textwrap

from .types import Span


def changed_expressions(
    lines: list[str], statement: Span, span: Span, replacement: str
) -> tuple[tuple[str, str], ...]:
    """The original's and the mutant's text of each expression that holds
    every difference between the two statements, the outermost first; none
    when the change is no expression's (``break`` -> ``return``).

    The probe evaluates the outermost it can without running user code: the
    nearer the statement's own value, the fewer changes it calls hidden that
    the expression itself masks (``value <= LIMIT and STRICT`` with ``STRICT``
    false).  A constant alone is never one: ``"end"`` -> ``"XXendXX"`` always
    differs; what matters is whether ``opts.get("end")`` does."""
    try:
        original = _statement_text(lines, statement, None, "")
        mutated = _statement_text(lines, statement, span, replacement)
        before, after = _parsed(original), ast.parse(mutated)
    except (SyntaxError, ValueError, IndexError):
        return ()
    pairs = _differing(before, after)
    return tuple((ast.unparse(a), ast.unparse(b)) for a, b in reversed(pairs))


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> ast.Module:
    """The original statement, parsed once for all the mutants in it (never changed)."""
    return ast.parse(text)


def _statement_text(lines: list[str], statement: Span, span: Span | None, replacement: str) -> str:
    """The statement's lines, dedented, with ``span`` replaced (None: as written).

    A compound statement (``if ...:``) spans its block, which parses whole."""
    chosen = [line.rstrip("\n") for line in lines[statement.start_line - 1 : statement.end_line]]
    if span is not None:
        first = span.start_line - statement.start_line
        last = span.end_line - statement.start_line
        joined = chosen[first][: span.start_col] + replacement + chosen[last][span.end_col :]
        chosen[first : last + 1] = joined.split("\n")
    return textwrap.dedent("\n".join(chosen)) + "\n"


def _differing(a: ast.AST, b: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """The pairs of expressions, ``a``'s and ``b``'s, that hold every
    difference between them, the innermost first (none: no expression does)."""
    if ast.dump(a) == ast.dump(b):
        return []
    own = [(a, b)] if isinstance(a, ast.expr) and isinstance(b, ast.expr) else []
    if type(a) is not type(b):
        return own
    differences: list[tuple[object, object]] = []
    for name, left in ast.iter_fields(a):
        right = getattr(b, name, None)
        if isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                return own
            differences.extend((x, y) for x, y in zip(left, right, strict=True) if _dump(x) != _dump(y))
        elif _dump(left) != _dump(right):
            differences.append((left, right))
    if len(differences) != 1:
        return own
    left, right = differences[0]
    if not isinstance(left, ast.AST) or not isinstance(right, ast.AST):
        return own  # a name or a constant's value: the node itself is the expression
    inner = _differing(left, right)
    if own and len(inner) == 1 and all(isinstance(side, ast.Constant) for side in inner[0]):
        return own  # a constant always differs from another: what it is used in is the question
    return inner + own


def _dump(value: object) -> object:
    return ast.dump(value) if isinstance(value, ast.AST) else value
