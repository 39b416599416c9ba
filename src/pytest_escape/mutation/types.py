"""Value objects of the mutation stage (no mutmut types leak past the adapter)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A region of a source file: 1-based lines, 0-based columns, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class MutantSpec:
    """One planted fault, before it has been run."""

    id: str
    module: str
    function: str
    operator: str
    span: Span
    #: the statement holding the mutated node: coverage.py records its first line
    statement: Span
    function_span: Span
    #: the function's first line, decorators included (its code object's ``co_firstlineno``)
    function_first_line: int
    #: mutated in a ``def`` line (a default value): runs at import, not in a test
    in_signature: bool
    original: str
    replacement: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class MutatedModule:
    """A target module's mutants and the one code object that serves all of them."""

    module: str
    filename: str
    code: str
    mutants: tuple[MutantSpec, ...]
