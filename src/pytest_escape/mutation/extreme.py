"""Our own operator: the extreme mutants (PIT's Descartes engine).

Up to two per function: its whole body replaced by a default return.  A
function whose covering tests all pass when it does nothing is
*pseudo-tested*, a stronger finding than any one survivor, and running its
extreme mutants against every covering test gives each test a verdict for
every function it executes, cheaply.

Where the return type allows, there are two, as in Descartes: ``0`` and
``1``, ``""`` and ``"A"``, ``False`` and ``True``, an empty and a
one-element container.  One value alone can equal what a precise test
expects (``clamp(-5, 0, 10) == 0`` holds under ``return 0``); a test that
passes under both opposite values cannot be checking the result.

libcst only: the adapter decides which functions mutmut mutates and
puts our replacement in beside mutmut's mutants.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..model import EXTREME
from .types import Span

__all__ = [
    "EXTREME",
    "SECOND_SUFFIX",
    "SUFFIX",
    "ExtremeBody",
    "extreme_body",
    "neutral_value",
    "other_value",
]
#: the mutants' names in the mutants dict: ``x_f__mutmut_extreme`` and
#: ``x_f__mutmut_extreme2``; keeping mutmut's ``__mutmut_`` infix keeps its
#: name parsing working
SUFFIX = "extreme"
SECOND_SUFFIX = "extreme2"

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

#: the other extreme of each type ``_NEUTRAL`` knows; a container's holds one
#: element, its own element type's neutral value (``None`` when unknown)
_OTHER = {
    "int": "1",
    "float": "1.0",
    "complex": "1j",
    "str": '"A"',
    "bytes": 'b"A"',
    "bool": "True",
}
_ONE_ELEMENT = {
    "list": "[{}]",
    "List": "[{}]",
    "Sequence": "[{}]",
    "MutableSequence": "[{}]",
    "set": "{{{}}}",
    "Set": "{{{}}}",
    "AbstractSet": "{{{}}}",
    "MutableSet": "{{{}}}",
    "frozenset": "frozenset({{{}}})",
    "FrozenSet": "frozenset({{{}}})",
    "tuple": "({},)",
    "Tuple": "({},)",
    "Iterable": "({},)",
    "Iterator": "iter(({},))",
}
_MAPPINGS = ("dict", "Dict", "Mapping", "MutableMapping")


@dataclass(frozen=True)
class ExtremeBody:
    """The statements replaced (docstring excluded), their text, and what replaces them."""

    span: Span
    original: str
    replacement: str
    #: the opposite return (``return 1`` beside ``return 0``), where the type gives one
    second: str | None = None


def neutral_value(annotation: str | None) -> str:
    """The default a function returns when its body is removed, from its return annotation.

    ``None`` for anything optional, unannotated or not a simple type: a
    neutral value the caller cannot tell from a real one would only hide the
    mutant.
    """
    simple = _simple(annotation) if annotation else None
    return _NEUTRAL.get(simple[0], "None") if simple is not None else "None"


def _simple(annotation: str) -> tuple[str, list[str]] | None:
    """``typing.List[int]`` -> ``("List", ["int"])``; None for optional and union types."""
    text = annotation.strip().strip("'\"")
    if "|" in text or text.startswith(("Optional", "typing.Optional", "t.Optional", "Union")):
        return None
    head, bracket, rest = text.partition("[")
    return head.rpartition(".")[2].strip(), _arguments(rest.rpartition("]")[0]) if bracket else []


def _arguments(text: str) -> list[str]:
    """The top-level, comma-separated type arguments of ``text``."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += char == "["
        depth -= char == "]"
        if char == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p and p != "..."]


def other_value(annotation: str | None) -> str | None:
    """The second extreme, opposite to ``neutral_value``, or None where the type gives none.

    ``None`` (optional, unannotated, unknown types) has no opposite that would
    type-check, so those functions keep one extreme mutant.
    """
    simple = _simple(annotation) if annotation else None
    if simple is None:
        return None
    base, arguments = simple
    if base in _OTHER:
        return _OTHER[base]
    element = [neutral_value(a) for a in arguments] or ["None"]
    if base in _MAPPINGS:
        return "{" + f"{element[0]}: {element[1] if len(element) > 1 else 'None'}" + "}"
    if base in ("tuple", "Tuple") and len(element) > 1:
        return "(" + ", ".join(element) + ")"
    if base in _ONE_ELEMENT:
        return _ONE_ELEMENT[base].format(element[0])
    return None


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
    """The extreme mutants of ``function``, or None when they would change nothing.

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
    other = None if yields.found else other_value(annotation)
    if other is not None and _does_nothing(module, statements, other):
        other = None  # ``return 1`` already: only ``return 0`` changes it
    span = Span(first.start.line, first.start.column, last.end.line, last.end.column)
    text = "\n".join(lines[span.start_line - 1 : span.end_line])
    original = text[span.start_col : len(text) - len(lines[span.end_line - 1]) + span.end_col]
    return ExtremeBody(span, original, replacement, f"return {other}" if other else None)
