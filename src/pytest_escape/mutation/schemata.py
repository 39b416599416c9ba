"""Lay out a "mutant schemata" module: every mutant of a file in one module.

This produces the same module as mutmut's ``combine_mutations_to_source``
(``tests/test_mutmut_adapter.py`` checks that the two are AST-identical) but
by splicing text into the original source instead of transforming and
re-rendering a libcst tree once per mutant, which took 80 % of a run's set-up
time on isodate.  mutmut's runtime trampoline (``wrap_in_trampoline``) and its
naming are used unchanged; only the text layout is ours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .types import Span


@dataclass
class FunctionSite:
    """A top-level function or a method, and the mutants planted in it."""

    mangled: str
    class_name: str | None
    #: first line of the function's decorators (or its ``def`` line)
    first_line: int
    def_line: int
    name_span: Span
    end_line: int
    is_classmethod: bool
    #: the module-level statement holding it (the function itself, or its class)
    top_first_line: int
    top_end_line: int
    #: (mutant function name, span, replacement text), in mutmut's order
    mutants: list[tuple[str, Span, str]] = field(default_factory=list)

    @property
    def dict_name(self) -> str:
        return f"mutants_{self.mangled}__mutmut"


def _offset(lines: list[str], first_line: int, line: int, col: int) -> int:
    return sum(len(lines[i]) for i in range(first_line - 1, line - 1)) + col


def _copy(lines: list[str], site: FunctionSite, new_name: str, change: tuple[Span, str] | None) -> str:
    """The function's text renamed to ``new_name``, with one span replaced."""
    text = "".join(lines[site.first_line - 1 : site.end_line])
    if change is not None:
        span, replacement = change
        start = _offset(lines, site.first_line, span.start_line, span.start_col)
        end = _offset(lines, site.first_line, span.end_line, span.end_col)
        text = text[:start] + replacement + text[end:]
    # the name comes before anything a mutant may change on the def line
    name = site.name_span
    start = _offset(lines, site.first_line, name.start_line, name.start_col)
    end = _offset(lines, site.first_line, name.end_line, name.end_col)
    return text[:start] + new_name + text[end:]


def build_schemata(source: str, header: str, header_line: int, sites: list[FunctionSite]) -> str:
    """The original source with trampolines, copies and mutant dicts spliced in.

    ``header`` (the trampoline import) goes before ``header_line``, the first
    line of the module's first function or class, as mutmut places it.
    """
    if not sites:
        return source
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    before: dict[int, list[str]] = defaultdict(list)
    after: dict[int, list[str]] = defaultdict(list)
    groups: dict[int, list[FunctionSite]] = defaultdict(list)
    for site in sites:
        groups[site.top_first_line].append(site)
    for top_first_line, group in sorted(groups.items()):
        for site in group:
            before[top_first_line].append(f"{site.dict_name}: MutantDict = {{}}  # type: ignore\n")
        for site in group:
            def_text = lines[site.def_line - 1]
            indent = def_text[: len(def_text) - len(def_text.lstrip())]
            flag = ", is_classmethod=True" if site.is_classmethod else ""
            before[site.def_line].append(f"{indent}@_mutmut_mutated({site.dict_name}{flag})\n")
            copies = [_copy(lines, site, f"{site.mangled}__mutmut_orig", None)]
            copies += [_copy(lines, site, name, (span, text)) for name, span, text in site.mutants]
            after[site.end_line].extend(copies)
        top_end_line = group[0].top_end_line
        for site in group:
            prefix = f"{site.class_name}." if site.class_name else ""
            after[top_end_line].append(
                f"{site.dict_name}['_mutmut_orig'] = {prefix}{site.mangled}__mutmut_orig\n"
            )
            for name, _, _ in site.mutants:
                after[top_end_line].append(f"{site.dict_name}['{name}'] = {prefix}{name}\n")
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number == header_line:
            out.append(header)
        out.extend(before.get(number, ()))
        out.append(line)
        out.extend(after.get(number, ()))
    return "".join(out)
