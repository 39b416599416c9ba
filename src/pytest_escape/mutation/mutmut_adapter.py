"""The only module that imports mutmut.

mutmut's internals are not a stable API: everything we take from it (its libcst
operators, its pragma handling, its trampoline code generator and its mutant
naming) passes through here, and ``tests/test_mutmut_adapter.py`` pins the exact
output for a fixed input, so an upgrade that changes any of it fails our tests
instead of silently changing users' results.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

import mutmut.configuration
from mutmut.mutation.file_mutation import (
    MutationVisitor,
    combine_mutations_to_source,
    group_by_top_level_node,
)
from mutmut.mutation.mutators import mutation_operators
from mutmut.mutation.pragma_handling import get_ignored_lines
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.mutation.trampoline_templates import mangle_function_name

from .types import MutantSpec, MutatedModule, Span

MUTMUT_VERSION = "3.8.1"

#: The mutant name that makes every trampoline raise: proves mutated code is reached.
FORCED_FAILURE = "fail"
FORCED_FAILURE_EXCEPTION = "MutmutProgrammaticFailException"

__all__ = [
    "FORCED_FAILURE",
    "FORCED_FAILURE_EXCEPTION",
    "MUTMUT_VERSION",
    "activate",
    "mutate_module",
]


def activate(mutant_id: str | None) -> None:
    """Make ``mutant_id`` the live mutant in this process (``None``/"" = original)."""
    set_mutant_under_test(mutant_id or "")


_config_ready = False


def _neutral_mutmut_config() -> None:
    """Load mutmut's config from an empty directory, once.

    mutmut reads ``setup.cfg``/``pyproject.toml`` from the working directory.  Our
    settings live in ``[tool.pytest_escape]``; a user's leftover ``[tool.mutmut]``
    section must not change what we generate.
    """
    global _config_ready
    if _config_ready:
        return
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="pytest-escape-") as tmp:
        os.mkdir(os.path.join(tmp, "src"))  # mutmut refuses to load without a source dir
        os.chdir(tmp)
        try:
            mutmut.configuration.reset_config()
            mutmut.configuration.config()
        finally:
            os.chdir(old)
    _config_ready = True


def _operator_label(function: Callable[..., Any]) -> str:
    return function.__name__.removeprefix("operator_")


def _tagged_operators(
    labels: dict[int, str],
) -> list[tuple[type, Callable[[Any], Iterable[cst.CSTNode]]]]:
    """mutmut's operators, each recording which operator made which node."""

    def tag(op: Callable[[Any], Iterable[cst.CSTNode]]) -> Callable[[Any], Iterator[cst.CSTNode]]:
        def tagged(node: Any) -> Iterator[cst.CSTNode]:
            for mutated in op(node):
                labels[id(mutated)] = _operator_label(op)
                yield mutated

        return tagged

    return [(node_type, tag(op)) for node_type, op in mutation_operators]


def _function_names(module: cst.Module) -> dict[cst.CSTNode, tuple[str, str | None]]:
    """Top-level functions and methods, as mutmut's trampoline generator sees them."""
    names: dict[cst.CSTNode, tuple[str, str | None]] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            names[statement] = (statement.name.value, None)
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            for method in statement.body.body:
                if isinstance(method, cst.FunctionDef):
                    names[method] = (method.name.value, statement.name.value)
    return names


def _statement_span(
    node: cst.CSTNode,
    parents: Any,
    positions: Any,
) -> tuple[Span, bool]:
    """The span of the statement holding ``node``, and whether it is a ``def`` line.

    coverage.py records a multi-line statement under its first line, so test
    selection has to look up the statement, not the mutated token.
    """
    current: cst.CSTNode | None = node
    while current is not None:
        if isinstance(current, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            pos = positions[current]
            is_def = isinstance(current, cst.FunctionDef)
            return Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column), is_def
        current = parents.get(current)
    pos = positions[node]
    return Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column), False


def _replace_span(lines: list[str], span: Span, replacement: str) -> list[str]:
    """The source lines of ``span`` with the spanned text replaced."""
    first = lines[span.start_line - 1]
    last = lines[span.end_line - 1]
    text = first[: span.start_col] + replacement + last[span.end_col :]
    return text.split("\n")


def _render(module: cst.Module, node: cst.CSTNode) -> str:
    """A node's code without its own parentheses: libcst's positions exclude them."""
    if getattr(node, "lpar", None):
        node = node.with_changes(lpar=[], rpar=[])  # type: ignore[call-arg]
    return module.code_for_node(node)


def mutate_module(module_name: str, source: str, filename: str) -> MutatedModule:
    """Every mutmut mutant of ``source``, plus the trampolined code holding them all.

    Mutant ids are mutmut's mutant names (``pkg.mod.x_func__mutmut_3``), so they
    are stable across runs and comparable with mutmut's own results.

    Raises ``cst.ParserSyntaxError`` if libcst cannot parse the file.
    """
    _neutral_mutmut_config()
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    ignored = get_ignored_lines(filename, source, wrapper, None)
    labels: dict[int, str] = {}
    visitor = MutationVisitor(_tagged_operators(labels), ignored, None)
    visited = wrapper.visit(visitor)
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)

    mutated = combine_mutations_to_source(
        visited, visitor.mutations, visitor.ignored_classes, visitor.ignored_functions
    )
    lines = source.split("\n")
    function_names = _function_names(wrapper.module)
    specs: list[MutantSpec] = []
    for function_node, mutations in group_by_top_level_node(visitor.mutations).items():
        if function_node not in function_names:
            continue  # mutmut drops these too (e.g. methods of single-line classes)
        name, class_name = function_names[function_node]
        mangled = mangle_function_name(name=name, class_name=class_name)
        qualname = f"{class_name}.{name}" if class_name else name
        fpos = positions[function_node]
        function_span = Span(fpos.start.line, fpos.start.column, fpos.end.line, fpos.end.column)
        for index, mutation in enumerate(mutations, start=1):
            pos = positions[mutation.original_node]
            span = Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column)
            statement, in_signature = _statement_span(mutation.original_node, parents, positions)
            replacement = _render(visited, mutation.mutated_node)
            original = _render(visited, mutation.original_node)
            before = lines[span.start_line - 1 : span.end_line]
            specs.append(
                MutantSpec(
                    id=f"{module_name}.{mangled}__mutmut_{index}",
                    module=module_name,
                    function=qualname,
                    operator=labels.get(id(mutation.mutated_node), "unknown"),
                    span=span,
                    statement=statement,
                    function_span=function_span,
                    in_signature=in_signature,
                    original=original,
                    replacement=replacement,
                    before=tuple(before),
                    after=tuple(_replace_span(lines, span, replacement)),
                )
            )
    expected = {f"{module_name}.{n}" for n in mutated.mutant_names}
    produced = {spec.id for spec in specs}
    if expected != produced:
        raise RuntimeError(
            f"mutmut {MUTMUT_VERSION} adapter out of step with mutmut's trampoline "
            f"naming for {filename}: {sorted(expected ^ produced)[:3]}"
        )
    return MutatedModule(
        module=module_name,
        filename=filename,
        code=mutated.code if specs else source,
        mutants=tuple(specs),
    )
