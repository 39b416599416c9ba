"""Planting mutants with mutmut's operators (the heavy half of the adapter).

Imported only where mutants are generated: it pulls in libcst.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst
import mutmut.configuration
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider
from mutmut.mutation.file_mutation import (
    ENUM_BASE_NAMES,
    NEVER_MUTATE_ENUM_FUNCTION_NAMES,
    NEVER_MUTATE_FUNCTION_NAMES,
    MutationVisitor,
    combine_mutations_to_source,
    group_by_top_level_node,
)
from mutmut.mutation.mutators import mutation_operators
from mutmut.mutation.pragma_handling import get_ignored_lines
from mutmut.mutation.trampoline_templates import mangle_function_name

from ..changed_expression import changed_expressions
from ..extreme import EXTREME, SECOND_SUFFIX, SUFFIX, extreme_body
from ..schemata import FunctionSite, function_copies
from ..types import MutantSpec, MutatedModule, SkippedFunction, Span

__all__ = ["mutate_module", "mutmut_schemata"]

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


def _body_indent(node: cst.FunctionDef, positions: Any, lines: list[str]) -> str:
    """The indentation of a function's first body statement ("" for a one-liner)."""
    if not isinstance(node.body, cst.IndentedBlock) or not node.body.body:
        return ""
    start = positions[node.body.body[0]].start
    return str(lines[start.line - 1][: start.column])


def _label(node: cst.FunctionDef) -> str:
    """The name a function goes by in mutant ids and reports: its own name, or
    ``name__setter`` (``__deleter``) for a property's other accessors, which
    share the getter's name."""
    name = node.name.value
    for decorator in node.decorators:
        target = decorator.decorator
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == name
            and target.attr.value in ("setter", "deleter")
        ):
            return f"{name}__{target.attr.value}"
    return name


def is_switched(node: cst.FunctionDef) -> bool:
    """Whether ``node``'s mutants are switched on by swapping its code object
    (``mutation.switch``): every function's are, except a typing overload's
    (a signature without a body of its own, never the function that runs).

    mutmut switches mutants through a trampoline planted in place of each
    function, which real code could tell apart from the original: other
    signatures and ``repr``s, ``MutantDict`` and ``_mutmut_mutated`` names in
    the module's namespace, instrumenting decorators (typeguard's) wrapping
    the trampoline instead of the code.  A test that checks any of these
    failed without a mutant and was excluded.  Swapping the code of the
    function object in the child leaves the module exactly as it imports.
    """
    return not any(_decorator_name(d).rpartition(".")[2] == "overload" for d in node.decorators)


class _Visitor(MutationVisitor):
    """mutmut's visitor, also noting the functions it mutates.

    mutmut skips some functions whole (``__new__``, enum hooks, ``# pragma: no
    mutate`` on the ``def`` line, and decorated ones); the extreme mutant
    follows the same rules.  Decorated functions are mutated here all the same
    (``is_switched``): only their decorators stay untouched, as mutmut leaves them.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.functions: set[cst.FunctionDef] = set()

    def _skip_node_and_children(self, node: cst.CSTNode) -> bool:
        skip = bool(super()._skip_node_and_children(node))
        if skip and isinstance(node, cst.FunctionDef) and is_switched(node):
            # mutmut's rules before its decorator rule still hold
            position = self.get_metadata(PositionProvider, node, None)
            pragma = position is not None and position.start.line in self._ignored_node_lines
            never = node.name.value in NEVER_MUTATE_FUNCTION_NAMES
            return pragma or never or node in self._enum_creation_hooks
        return skip

    def on_visit(self, node: cst.CSTNode) -> bool:
        descend = super().on_visit(node)
        if descend and isinstance(node, cst.FunctionDef) and self._should_mutate_node(node):
            self.functions.add(node)
        return descend


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


def _span(pos: Any) -> Span:
    return Span(pos.start.line, pos.start.column, pos.end.line, pos.end.column)


@dataclass
class _Tops:
    #: function node -> (name, class name): the module's functions and its
    #: classes' methods, the functions mutmut mutates
    functions: dict[cst.CSTNode, tuple[str, str | None]]


def _top_statements(module: cst.Module) -> _Tops:
    tops = _Tops({})
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            tops.functions[statement] = (statement.name.value, None)
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            for method in statement.body.body:
                if isinstance(method, cst.FunctionDef):
                    tops.functions[method] = (method.name.value, statement.name.value)
    return tops


def _every_function(
    body: Any, owner: str | None = None, nested: bool = False
) -> Iterator[tuple[cst.FunctionDef, str | None, bool]]:
    """Each function and method of a module, with its class, and whether that
    class is nested in another (mutmut plants nothing there); functions nested
    in functions belong to theirs and are not listed."""
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            yield statement, owner, nested
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            name = f"{owner}.{statement.name.value}" if owner else statement.name.value
            yield from _every_function(statement.body.body, name, owner is not None)


def _decorator_name(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    return cst.Module(body=[]).code_for_node(node)


def _why_not_mutated(
    node: cst.FunctionDef,
    owner: str | None,
    nested: bool,
    enum_classes: set[str],
    pragma: set[int],
    line: int,
) -> str:
    """Why mutmut plants no mutant in ``node`` (mutmut's own rules, in its order)."""
    if line in pragma:
        return "'# pragma: no mutate' on its def line (or its class's)"
    if nested:
        return "a method of a nested class: mutmut mutates top-level functions and methods only"
    name = node.name.value
    if name in NEVER_MUTATE_FUNCTION_NAMES:
        return f"mutmut never mutates {name}"
    if owner in enum_classes and name in NEVER_MUTATE_ENUM_FUNCTION_NAMES:
        return f"an Enum's {name}, which runs while the class is created"
    if node.decorators and not is_switched(node):
        return "a typing overload: a signature without a body of its own"
    return "mutmut plants no mutant in it"


#: why a function defined again later in its scope gets no mutant
SHADOWED = (
    "defined again later in the same scope under the same name (as singledispatch's register "
    "often is): only the last definition is reachable by that name, so its mutants cannot be switched on"
)


def _shadowed(tops: _Tops) -> set[cst.FunctionDef]:
    """Functions that a later function of the same name and scope hides.

    Their mutant ids would be the later one's (mutmut names a mutant by the
    function's name), and nothing but the last definition is an attribute
    of the module or class to switch it through.
    """
    functions = [
        (node, owner) for node, (_, owner) in tops.functions.items() if isinstance(node, cst.FunctionDef)
    ]
    last = {(owner, _label(node)): node for node, owner in functions}
    return {
        node for node, owner in functions if is_switched(node) and last[(owner, _label(node))] is not node
    }


def _skipped_functions(
    module: cst.Module,
    positions: Any,
    mutated: set[cst.FunctionDef],
    pragma: set[int],
    planted: set[Any],
    shadowed: set[cst.FunctionDef],
) -> tuple[SkippedFunction, ...]:
    """Every function of the module that gets no mutant, with the reason."""
    enum_classes = {
        statement.name.value
        for statement in module.body
        if isinstance(statement, cst.ClassDef)
        and any(
            isinstance(base.value, (cst.Name, cst.Attribute))
            and (base.value.value if isinstance(base.value, cst.Name) else base.value.attr.value)
            in ENUM_BASE_NAMES
            for base in statement.bases
        )
    }
    skipped = []
    for node, owner, nested in _every_function(module.body):
        if node in planted:
            continue
        line = positions[node].start.line
        qualname = f"{owner}.{node.name.value}" if owner else node.name.value
        if node in shadowed:
            reason = SHADOWED
        elif node in mutated and not nested:
            reason = "nothing to mutate: no operator applies to its body"
        else:
            reason = _why_not_mutated(node, owner, nested, enum_classes, pragma, line)
        skipped.append(SkippedFunction(qualname, line, reason))
    return tuple(skipped)


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


def _order(node: cst.CSTNode | None, positions: Any) -> int:
    return int(positions[node].start.line) if node is not None else 0


def _replace_span(lines: list[str], span: Span, replacement: str) -> list[str]:
    """The source lines of ``span`` with the spanned text replaced."""
    first = lines[span.start_line - 1]
    last = lines[span.end_line - 1]
    text = first[: span.start_col] + replacement + last[span.end_col :]
    return text.split("\n")


def _render(module: cst.Module, node: cst.CSTNode, own_parens: int, indent: str = "") -> str:
    """A node's code without the ``own_parens`` parentheses libcst's positions exclude.

    The original node's parentheses stay in the source around the spliced
    span, so they are dropped from the replacement; parentheses a mutant
    brings (``not (a or b)`` -> ``(a or b)``) are kept.

    An expression over several lines (a call with one argument a line) is
    rendered in a block at ``indent``, its statement's: ``code_for_node``
    puts its continuation lines at column 0, so the mutant's text did not
    parse in its statement (no expression for the probe: rfc3986's
    builder, 85 survivors "equivalence unconfirmed") and its diff showed
    every line changed.
    """
    lpar = getattr(node, "lpar", None)
    if own_parens and lpar:
        rpar = node.rpar  # type: ignore[attr-defined]
        keep = max(len(lpar) - own_parens, 0)
        node = node.with_changes(lpar=lpar[len(lpar) - keep :], rpar=rpar[:keep])
    code = module.code_for_node(node)
    if not indent or module.default_newline not in code or not isinstance(node, cst.BaseExpression):
        return code
    line = cst.SimpleStatementLine(body=[cst.Expr(value=node)])
    return _in_block(module, line, indent)


def _in_block(module: cst.Module, node: cst.BaseStatement, indent: str) -> str:
    """``node``'s code as it reads in a block indented by ``indent``, less
    that first indentation."""
    holder = cst.Module(
        body=[cst.If(test=cst.Name("True"), body=cst.IndentedBlock(body=[node], indent=indent))],
        default_indent=module.default_indent,
        default_newline=module.default_newline,
    )
    code = holder.code_for_node(holder.body[0])
    first_newline = code.index(module.default_newline) + len(module.default_newline)
    return code[first_newline + len(indent) :].rstrip("\r\n")


def _render_statement(module: cst.Module, node: cst.BaseCompoundStatement, indent: str) -> str:
    """A compound statement (a ``match`` missing a ``case``) rendered at ``indent``.

    ``code_for_node`` renders nested blocks from column 0; wrapping the node in
    a block indented like the original puts every line where it belongs,
    without touching the text of multi-line strings.
    """
    return _in_block(module, node, indent)


def _own_parens(node: cst.CSTNode) -> int:
    return len(getattr(node, "lpar", ()) or ())


@dataclass(frozen=True)
class _Where:
    """The function a mutant is cut from, and the file's lines: what every
    mutant of it shares, regular or extreme."""

    module: str
    qualname: str
    site: FunctionSite
    function_span: Span
    lines: list[str]

    def mutant(
        self,
        suffix: str,
        operator: str,
        span: Span,
        statement: Span,
        in_signature: bool,
        original: str,
        replacement: str,
    ) -> MutantSpec:
        """The mutant ``x_f__mutmut_<suffix>``, planted in the function's copies too."""
        self.site.mutants.append((f"{self.site.mangled}__mutmut_{suffix}", span, replacement))
        return MutantSpec(
            id=f"{self.module}.{self.site.mangled}__mutmut_{suffix}",
            module=self.module,
            function=self.qualname,
            operator=operator,
            span=span,
            statement=statement,
            function_span=self.function_span,
            function_first_line=self.site.first_line,
            in_signature=in_signature,
            original=original,
            replacement=replacement,
            before=tuple(self.lines[span.start_line - 1 : span.end_line]),
            after=tuple(_replace_span(self.lines, span, replacement)),
            expressions=()
            if operator == EXTREME
            else changed_expressions(self.lines, statement, span, replacement),
        )


def mutate_module(module_name: str, source: str, filename: str, extreme: bool = True) -> MutatedModule:
    """Every mutmut mutant of ``source``, and the functions they are cut from.

    Mutant ids are mutmut's mutant names (``pkg.mod.x_func__mutmut_3``), so they
    are stable across runs and comparable with mutmut's own results.  With
    ``extreme``, each function mutmut mutates also gets our extreme mutants
    (``pkg.mod.x_func__mutmut_extreme``, and ``..._extreme2`` where its return
    type has an opposite value), after mutmut's.

    Raises ``cst.ParserSyntaxError`` if libcst cannot parse the file.
    """
    _neutral_mutmut_config()
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    ignored = get_ignored_lines(filename, source, wrapper, None)
    labels: dict[int, str] = {}
    visitor = _Visitor(_tagged_operators(labels), ignored, None)
    visited = wrapper.visit(visitor)
    positions = wrapper.resolve(PositionProvider)
    parents = wrapper.resolve(ParentNodeProvider)

    lines = source.split("\n")
    tops = _top_statements(wrapper.module)
    sites: list[FunctionSite] = []
    specs: list[MutantSpec] = []
    grouped: dict[Any, Any] = dict(group_by_top_level_node(visitor.mutations))
    if extreme:
        # every function mutmut mutates, in source order, even one
        # without mutmut mutants (``return x``): its extreme mutant is the test
        for node in tops.functions:
            if node in visitor.functions:
                grouped.setdefault(node, [])
        grouped = dict(sorted(grouped.items(), key=lambda item: _order(item[0], positions)))
    no_mutate = ignored.no_mutate_lines | ignored.ignore_node_lines
    planted: set[Any] = set()
    shadowed = _shadowed(tops)
    for function_node, mutations in grouped.items():
        if function_node not in tops.functions or function_node in shadowed:
            continue  # mutmut drops these too (e.g. methods of nested classes)
        assert isinstance(function_node, cst.FunctionDef)
        body = extreme_body(wrapper.module, function_node, positions, lines) if extreme else None
        if body is not None and no_mutate.intersection(range(body.span.start_line, body.span.end_line + 1)):
            body = None  # it would delete a line the user said not to mutate
        if not mutations and body is None:
            continue
        planted.add(function_node)
        name, class_name = tops.functions[function_node]
        name = _label(function_node)
        mangled = mangle_function_name(name=name, class_name=class_name)
        qualname = f"{class_name}.{name}" if class_name else name
        function_span = _span(positions[function_node])
        site = FunctionSite(
            mangled=mangled,
            class_name=class_name,
            first_line=function_span.start_line,
            decorated=bool(function_node.decorators),
            body_indent=_body_indent(function_node, positions, lines),
            name_span=_span(positions[function_node.name]),
            end_line=function_span.end_line,
        )
        sites.append(site)
        where = _Where(module_name, qualname, site, function_span, lines)
        for index, mutation in enumerate(mutations, start=1):
            span = _span(positions[mutation.original_node])
            statement, in_signature = _statement_span(mutation.original_node, parents, positions)
            parens = _own_parens(mutation.original_node)
            if isinstance(mutation.mutated_node, cst.BaseCompoundStatement):
                line = lines[span.start_line - 1]
                indent = line[: len(line) - len(line.lstrip())]
                replacement = _render_statement(visited, mutation.mutated_node, indent)
            else:
                first = lines[statement.start_line - 1]
                indent = first[: len(first) - len(first.lstrip())]
                replacement = _render(visited, mutation.mutated_node, parens, indent)
            operator = labels.get(id(mutation.mutated_node), "unknown")
            original = _render(visited, mutation.original_node, parens, indent)
            specs.append(
                where.mutant(str(index), operator, span, statement, in_signature, original, replacement)
            )
        if body is not None:
            # coverage.py files the body under its first statement's line
            span = body.span
            statement = Span(span.start_line, span.start_col, span.start_line, span.start_col)
            specs.append(
                where.mutant(SUFFIX, EXTREME, span, statement, False, body.original, body.replacement)
            )
            if body.second:
                specs.append(
                    where.mutant(SECOND_SUFFIX, EXTREME, span, statement, False, body.original, body.second)
                )
    return MutatedModule(
        module=module_name,
        filename=filename,
        mutants=tuple(specs),
        functions=function_copies(source, sites),
        skipped=_skipped_functions(
            wrapper.module, positions, visitor.functions, no_mutate, planted, shadowed
        ),
    )


def mutmut_schemata(source: str, filename: str) -> tuple[str, list[str]]:
    """mutmut's own trampolined module and mutant names for ``source``.

    Slow; for the tests that prove ``mutate_module``'s copies are the
    functions mutmut's own generator defines.
    """
    _neutral_mutmut_config()
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    ignored = get_ignored_lines(filename, source, wrapper, None)
    visitor = MutationVisitor(mutation_operators, ignored, None)
    visited = wrapper.visit(visitor)
    mutated = combine_mutations_to_source(
        visited, visitor.mutations, visitor.ignored_classes, visitor.ignored_functions
    )
    return mutated.code, list(mutated.mutant_names)
