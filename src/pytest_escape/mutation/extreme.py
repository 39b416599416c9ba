"""Our own operator: the extreme mutant (PIT's Descartes engine).

One per function: its whole body replaced by a default return.  A function
whose covering tests all pass when it does nothing is *pseudo-tested*, a
stronger finding than any one survivor, and running one mutant per function
against every covering test gives each test a verdict for every function it
executes, cheaply.

libcst only: the adapter decides which functions mutmut mutates and
puts our replacement in beside mutmut's mutants.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..model import EXTREME
from .types import Span

__all__ = ["EXTREME", "SUFFIX", "ExtremeBody", "extreme_body", "neutral_value"]
#: the mutant's name in the mutants dict: ``x_f__mutmut_extreme``; keeping
#: mutmut's ``__mutmut_`` infix keeps its name parsing working
SUFFIX = "extreme"

_NEUTRAL = {
    "int": "0",
    "float": "0.0",
    "complex": "0j",
    "str": '""',
    "bytes": 'b""',
    "bool": "False",
    "list": "[]",
    "List": "[]",
    "Sequence": "[]",
    "MutableSequence": "[]",
    "dict": "{}",
    "Dict": "{}",
    "Mapping": "{}",
    "MutableMapping": "{}",
    "set": "set()",
    "Set": "set()",
    "AbstractSet": "set()",
    "MutableSet": "set()",
    "frozenset": "frozenset()",
    "FrozenSet": "frozenset()",
    "tuple": "()",
    "Tuple": "()",
    "Iterable": "()",
    "Iterator": "iter(())",
}


@dataclass(frozen=True)
class ExtremeBody:
    """The statements replaced (docstring excluded), their text, and what replaces them."""

    span: Span
    original: str
    replacement: str


def neutral_value(annotation: str | None) -> str:
    """The default a function returns when its body is removed, from its return annotation.

    ``None`` for anything optional, unannotated or not a simple type: a
    neutral value the caller cannot tell from a real one would only hide the
    mutant.
    """
    if not annotation:
        return "None"
    text = annotation.strip().strip("'\"")
    if "|" in text or text.startswith(("Optional", "typing.Optional", "t.Optional", "Union")):
        return "None"
    base = text.partition("[")[0].rpartition(".")[2]
    return _NEUTRAL.get(base, "None")


class _Yields(cst.CSTVisitor):
    """Does this function body yield (outside nested functions and classes)?"""

    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _is_docstring(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        statement = statement.body[0]
    return isinstance(statement, cst.Expr) and isinstance(
        statement.value, (cst.SimpleString, cst.ConcatenatedString)
    )


def _code(module: cst.Module, node: cst.CSTNode) -> str:
    return module.code_for_node(node).strip()


def _does_nothing(module: cst.Module, statements: list[cst.CSTNode], value: str) -> bool:
    """A body the extreme mutant would not change: ``pass``, ``...``, the same
    default return, or an abstract ``raise NotImplementedError``."""
    if len(statements) != 1:
        return False
    text = _code(module, statements[0])
    return text in ("pass", "...", "return", f"return {value}") or text.startswith(
        "raise NotImplementedError"
    )


def extreme_body(
    module: cst.Module, function: cst.FunctionDef, positions: object, lines: list[str]
) -> ExtremeBody | None:
    """The extreme mutant of ``function``, or None when it would change nothing.

    The docstring stays (removing it changes ``__doc__``, not behaviour).
    A generator must stay a generator, so it returns before an unreachable
    ``yield``; async functions return the same defaults as plain ones.
    """
    statements: list[cst.CSTNode] = list(function.body.body)
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    if not statements:
        return None
    annotation = _code(module, function.returns.annotation) if function.returns else None
    yields = _Yields()
    function.body.visit(yields)
    value = "" if yields.found else neutral_value(annotation)
    if _does_nothing(module, statements, value or "None"):
        return None
    head = statements[0]
    decorators = getattr(head, "decorators", ())
    # libcst starts a decorated def at ``def``; its decorators go with it
    first = positions[decorators[0] if decorators else head]  # type: ignore[index]
    last = positions[statements[-1]]  # type: ignore[index]
    if yields.found:
        line = lines[first.start.line - 1]
        indent = line[: first.start.column] if isinstance(function.body, cst.IndentedBlock) else ""
        replacement = f"return\n{indent}yield" if indent else "return; yield"
    else:
        replacement = f"return {value}"
    span = Span(first.start.line, first.start.column, last.end.line, last.end.column)
    text = "\n".join(lines[span.start_line - 1 : span.end_line])
    original = text[span.start_col : len(text) - len(lines[span.end_line - 1]) + span.end_col]
    return ExtremeBody(span, original, replacement)
