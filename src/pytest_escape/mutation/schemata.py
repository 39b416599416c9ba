"""Where each mutant's copy of its function is cut from: a "mutant schemata".

Every mutant of a function is one change to the function's text, kept as
offsets into it (``FunctionCopies``) instead of a libcst tree re-rendered per
mutant, which took 80 % of a run's set-up time on isodate.  Each copy is the
function mutmut's ``combine_mutations_to_source`` would define under the
mutant's name (``tests/test_mutmut_adapter.py`` checks they are AST-identical).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import FunctionCopies, Span


@dataclass
class FunctionSite:
    """A top-level function or a method, and the mutants planted in it."""

    mangled: str
    class_name: str | None
    #: its ``def`` line: copies start there, without the decorators
    first_line: int
    name_span: Span
    end_line: int
    #: (mutant function name, span, replacement text), in mutmut's order
    mutants: list[tuple[str, Span, str]] = field(default_factory=list)
    decorated: bool = False
    #: the indentation of its body's first statement
    body_indent: str = ""

    @property
    def dict_name(self) -> str:
        return f"mutants_{self.mangled}__mutmut"


def _offset(lines: list[str], first_line: int, line: int, col: int) -> int:
    return sum(len(lines[i]) for i in range(first_line - 1, line - 1)) + col


def _lines(source: str) -> list[str]:
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines


def _copies(lines: list[str], site: FunctionSite) -> FunctionCopies:
    def offset(line: int, col: int) -> int:
        return _offset(lines, site.first_line, line, col)

    name = site.name_span
    return FunctionCopies(
        dict_name=site.dict_name,
        class_name=site.class_name,
        first_line=site.first_line,
        text="".join(lines[site.first_line - 1 : site.end_line]),
        name_start=offset(name.start_line, name.start_col),
        name_end=offset(name.end_line, name.end_col),
        changes={
            mutant: (offset(span.start_line, span.start_col), offset(span.end_line, span.end_col), text)
            for mutant, span, text in site.mutants
        },
        decorated=site.decorated,
        body_indent=site.body_indent,
    )


def function_copies(source: str, sites: list[FunctionSite]) -> tuple[FunctionCopies, ...]:
    """What each mutant's copy is cut from."""
    lines = _lines(source)
    return tuple(_copies(lines, site) for site in sites)
