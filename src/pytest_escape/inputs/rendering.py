"""A call of the function under test, and a test around it, as Python source.

Shared by the witness stage (a test that kills a surviving mutant) and the
property stage (a test that pins a violated property): the input's set-up
lines, the call expression, the exception's import, one ``def test_...``
with its imports in isort's order.  ``NotLiteral`` says why a value cannot
be written, and no test is shown.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from ..pysource import double_quoted
from .calls import METHOD, Target
from .literals import (
    OMITTED,
    Bare,
    Literal,
    NotLiteral,
    Shaped,
    Stepped,
    bound_to_instance,
    defining,
    importable_name,
    literal,
    method_attribute,
    setup_lines,
    shaped,
    stream_lines,
)
from .recorded import Call, Then


@dataclass
class RegressionTest:
    name: str
    imports: list[str]
    body: str

    @property
    def source(self) -> str:
        return "\n".join(self.imports) + "\n\n\n" + self.body


def exception_class(error: BaseException) -> tuple[str, str]:
    """(import line or "", name) for an exception's class."""
    return warning_class(type(error))


def warning_class(cls: type[BaseException]) -> tuple[str, str]:
    """(import line or "", name) for an exception or warning class."""
    if getattr(builtins, cls.__name__, None) is cls:
        return "", cls.__name__
    found = importable_name(cls)
    if found is None:
        raise NotLiteral(f"class {cls.__qualname__} cannot be imported by name")
    return found


def _render_args(target: Target, values: dict[str, Literal], names: dict[str, str]) -> str:
    """The argument list as source; ``names`` maps parameters held in variables."""
    parts: list[str] = []
    params = list(target.signature.parameters.values())
    if target.kind == METHOD:
        params = params[1:]
    spread = any(
        p.kind == p.VAR_POSITIONAL and p.name in values and values[p.name].source not in ("()", "[]")
        for p in params
    )
    for p in params:
        if p.name not in names and p.name not in values:
            continue  # left out: its default applies
        source = names.get(p.name) or values[p.name].source
        if p.kind == p.VAR_POSITIONAL:
            if source not in ("()", "[]"):
                parts.append(f"*{source}")
        elif p.kind == p.VAR_KEYWORD:
            if source != "{}":
                parts.append(f"**{source}")
        elif p.kind == p.POSITIONAL_ONLY or (p.kind == p.POSITIONAL_OR_KEYWORD and spread):
            parts.append(source)
        else:
            parts.append(f"{p.name}={source}")
    return ", ".join(parts)


@dataclass
class CallSource:
    """A call of the target as test source: the lines that set up its input,
    and the call expression itself."""

    setup: list[str]
    imports: set[str]
    expression: str
    #: parameters held in variables (``self`` as ``obj``, objects, ``held``)
    names: dict[str, str]
    #: the call is a constructor's (``Version(major=1)``): it gives the new
    #: object, never ``__init__``'s None
    constructs: bool = False


def call_source(
    target: Target, call: Call, held: tuple[str, ...] = (), given: dict[str, str] | None = None
) -> CallSource:
    """``call`` as source; raises ``NotLiteral`` when an argument cannot be written.

    ``held`` names parameters to pass through a variable of their own name,
    to look at them after the call; ``given`` passes parameters as existing
    expressions (``{"text": "once"}``) instead of their values in ``call``.
    A function a test defined that the values use is defined first, as its
    own ``def`` (``literals.defining``).
    """
    with defining() as defined:
        source = _call_source(target, call, held, given)
        # one name defined twice (``foo`` in two tests) was refused on the way
        source.setup[:0] = [line for text in defined.values() for line in text.rstrip().splitlines()]
    return source


def _bound_method(method: Any, variable: str, setup: list[str], imports: set[str]) -> str:
    """A method of an instance passed as a value (``func=hashids.decode``,
    ``print_func=log.append``): the instance gets lines of its own, named
    ``variable``, and the value is its attribute (``func_self.decode``).  A
    method's ``repr`` is no expression, and hashids' 5 witnesses on such a
    callback had no test, nor funcy's 7 on a list's ``append``."""
    attribute = method_attribute(method)
    lines, needed = setup_lines(shaped(method.__self__), variable)
    setup.extend(lines)
    imports |= needed
    return f"{variable}.{attribute}"


def _call_source(
    target: Target, call: Call, held: tuple[str, ...], given: dict[str, str] | None
) -> CallSource:
    imports: set[str] = set()
    values: dict[str, Literal] = {}
    params = list(target.signature.parameters.values())
    self_name = params[0].name if target.kind == METHOD else None
    setup: list[str] = []
    names: dict[str, str] = dict(given or {})
    constructs = False
    for name, value in call.arguments:
        if value is OMITTED or name in names:
            continue
        if name == self_name and isinstance(value, Bare):
            constructs = True  # the constructor's new instance: the call makes it
            continue
        try:
            if name == self_name or isinstance(value, (Shaped, Stepped)):
                variable = "obj" if name == self_name else name
                lines, needed = setup_lines(value, variable)
                setup.extend(lines)
                imports |= needed
                names[name] = variable
            elif bound_to_instance(value):
                names[name] = _bound_method(value, f"{name}_self", setup, imports)
            elif (streamed := stream_lines(value, name)) is not None:
                setup.extend(streamed[0])  # a stream read part way: made, then moved on
                imports |= streamed[1]
                names[name] = name
            else:
                values[name] = literal(value)
                imports |= values[name].imports
        except NotLiteral as e:
            raise NotLiteral(f"argument {name!r}: {e}") from None
    imports.add(f"from {target.module} import {target.qualname.split('.')[0]}")
    for name in held:
        if name not in names and name in values:
            setup.append(f"{name} = {values[name].source}")
            names[name] = name
    if constructs:
        owner = target.qualname.rpartition(".")[0]
        expression = f"{owner}({_render_args(target, values, names)})"
        if self_name in held:
            names[self_name] = "obj"
            expression = f"obj = {expression}"
        return CallSource(setup, imports, expression, names, constructs=True)
    if self_name and self_name not in names:
        # a receiver the input does not hold (omitted): said, never a KeyError
        # that ended the whole search (semantic_version's LegacySpec, 6 survivors)
        raise NotLiteral(f"argument {self_name!r}: the input holds no receiver to write")
    callee = f"{names[self_name]}.{target.name}" if self_name else target.callee
    if target.setter:
        value = list(target.signature.parameters)[1]
        expression = f"{callee} = {names.get(value) or values[value].source}"
    elif target.attribute:
        expression = callee
    else:
        expression = f"{callee}({_render_args(target, values, names)})"
    if target.is_async:
        # a plain test runs the coroutine as the search did, in a fresh event loop
        imports.add("import asyncio")
        expression = f"asyncio.run({expression})"
    for level, step in enumerate(call.then, 1):
        expression += _then_source(step, f"then{level if level > 1 else ''}", setup, imports)
    return CallSource(setup, imports, expression, names)


def _then_source(then: Then, prefix: str, setup: list[str], imports: set[str]) -> str:
    """The argument list of the call of the closure the target returned
    (``(3, key="a")``); an object among them gets lines of its own first."""

    def source(name: str, value: Any) -> str:
        value = shaped(value)  # a plain object the test recorded: by its attributes
        try:
            if isinstance(value, (Shaped, Stepped)):
                lines, needed = setup_lines(value, name)
                setup.extend(lines)
                imports.update(needed)
                return name
            if bound_to_instance(value):
                return _bound_method(value, f"{name}_self", setup, imports)
            written = literal(value)
        except NotLiteral as e:
            raise NotLiteral(f"the returned function's argument {name!r}: {e}") from None
        imports.update(written.imports)
        return written.source

    sources: dict[str, Any] = {}
    for name, value in then.arguments:
        if name == then.star:
            sources[name] = [source(f"{prefix}_{name}_{i}", item) for i, item in enumerate(value)]
        elif name == then.double_star:
            if not all(isinstance(key, str) and key.isidentifier() for key in value):
                raise NotLiteral("the returned function's keyword arguments are no names")
            sources[name] = {key: source(f"{prefix}_{key}", item) for key, item in value.items()}
        else:
            sources[name] = source(f"{prefix}_{name}", value)
    args, kwargs = then.split(sources)
    return "(" + ", ".join([*args, *(f"{key}={text}" for key, text in kwargs.items())]) + ")"


def test_source(
    name: str,
    docstring: str,
    body: list[str],
    imports: set[str],
    marks: tuple[str, ...] = (),
    fixtures: tuple[str, ...] = (),
) -> RegressionTest:
    """One ``def test_...`` (taking pytest's ``fixtures``) with its imports, ordered as isort would."""
    doc = docstring.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    decorators = "".join(f"{mark}\n" for mark in marks)
    text = f'{decorators}def {name}({", ".join(fixtures)}):\n    """{doc}"""\n' + "".join(
        f"    {line}\n" for line in body
    )
    ordered = sorted(i for i in imports if i.startswith("import ")) + sorted(
        i for i in imports if i.startswith("from ")
    )
    return RegressionTest(name=name, imports=ordered, body=double_quoted(text))
