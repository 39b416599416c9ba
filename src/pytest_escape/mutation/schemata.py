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

from .types import FunctionCopies, Span


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
    #: decorated: no trampoline in the module; its mutants swap its code object
    #: in the child (``FunctionCopies.switch``), and its copies start at ``def``
    switch: bool = False
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
        switch=site.switch,
        body_indent=site.body_indent,
    )


def function_copies(source: str, sites: list[FunctionSite]) -> tuple[FunctionCopies, ...]:
    """What each mutant's copy is cut from, for a module laid out without them."""
    lines = _lines(source)
    return tuple(_copies(lines, site) for site in sites)


def build_schemata(
    source: str, header: str, header_line: int, sites: list[FunctionSite], copies: bool = True
) -> tuple[str, tuple[int, ...]]:
    """The original source with trampolines, copies and mutant dicts spliced in,
    and for each line of it the line of ``source`` it stands for.

    ``header`` (the trampoline import) goes before ``header_line``, the first
    line of the module's first function or class, as mutmut places it.
    Without ``copies``, only each function's unchanged copy is laid out and
    the mutants' dict entries are left for ``mutmut_adapter.plant`` to fill.

    The line map (empty when nothing is spliced in) lets the import hook give
    the served code the original's line numbers: a traceback, ``inspect.getsource``
    and every tool that reads the file on disk by a code object's line numbers
    (typeguard does) then see the right lines.  A function's copy stands for
    the function's own lines; every other added line for the line it sits by.
    """
    # a switched (decorated) function keeps its original text: nothing to lay out
    sites = [site for site in sites if not site.switch]
    if not sites:
        return source, ()
    lines = _lines(source)
    #: line -> (text, the original line its first line stands for, 1 if it is a copy of lines)
    before: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    after: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    groups: dict[int, list[FunctionSite]] = defaultdict(list)
    for site in sites:
        groups[site.top_first_line].append(site)
    for top_first_line, group in sorted(groups.items()):
        for site in group:
            before[top_first_line].append(
                (f"{site.dict_name}: MutantDict = {{}}  # type: ignore\n", top_first_line, 0)
            )
        for site in group:
            def_text = lines[site.def_line - 1]
            indent = def_text[: len(def_text) - len(def_text.lstrip())]
            flag = ", is_classmethod=True" if site.is_classmethod else ""
            before[site.def_line].append(
                (f"{indent}@_mutmut_mutated({site.dict_name}{flag})\n", site.def_line, 0)
            )
            texts = _copies(lines, site)
            after[site.end_line].append((texts.copy(f"{site.mangled}__mutmut_orig"), site.first_line, 1))
            if copies:
                after[site.end_line].extend(
                    (texts.copy(name), site.first_line, 1) for name, _, _ in site.mutants
                )
        top_end_line = group[0].top_end_line
        for site in group:
            prefix = f"{site.class_name}." if site.class_name else ""
            after[top_end_line].append(
                (f"{site.dict_name}['_mutmut_orig'] = {prefix}{site.mangled}__mutmut_orig\n", top_end_line, 0)
            )
            for name, _, _ in site.mutants if copies else ():
                after[top_end_line].append(
                    (f"{site.dict_name}['{name}'] = {prefix}{name}\n", top_end_line, 0)
                )
    out: list[str] = []
    origin: list[int] = []

    def emit(text: str, start: int, step: int) -> None:
        out.append(text)
        count = text.count("\n")
        last = site_end.get(start, start) if step else start
        origin.extend(min(start + step * k, last) for k in range(count))

    site_end = {site.first_line: site.end_line for site in sites}
    for number, line in enumerate(lines, start=1):
        if number == header_line:
            emit(header, header_line, 0)
        for entry in before.get(number, ()):
            emit(*entry)
        emit(line, number, 0)
        for entry in after.get(number, ()):
            emit(*entry)
    return "".join(out), tuple(origin)
