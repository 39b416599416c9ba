"""A pytest regression test from a witness: the input, and the original's behaviour pinned.

The test is plain source (imports first, then one ``def test_...``) so it can
be shown, verified by running it, and written to a file the user keeps.  It
pins only what tells the original from the mutant: the return value (or its
``repr`` where ``==`` cannot tell them apart), the exception, the state of the
argument that changed, or a line the original prints.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from .calls import METHOD, Target
from .compare import PRINTED, RAISED, RETURNED, CallOutcome, difference_path, follow, safe_repr
from .literals import OMITTED, Literal, NotLiteral, Shaped, importable_name, literal, setup_lines, shaped
from .sandbox import PRINT_COLUMNS
from .strategies import Call

_IDENTIFIER = re.compile(r"\W+")


@dataclass
class RegressionTest:
    name: str
    imports: list[str]
    body: str

    @property
    def source(self) -> str:
        return "\n".join(self.imports) + "\n\n\n" + self.body


def test_name(target: Target, mutant_id: str) -> str:
    number = mutant_id.rpartition("__mutmut_")[2]
    module = target.module.rpartition(".")[2]
    name = _IDENTIFIER.sub("_", f"{module}_{target.qualname}").strip("_").lower()
    return f"test_{name}_mutant_{number}"


def exception_class(error: BaseException) -> tuple[str, str]:
    """(import line or "", name) for an exception's class."""
    cls = type(error)
    if getattr(builtins, cls.__name__, None) is cls:
        return "", cls.__name__
    found = importable_name(cls)
    if found is None:
        raise NotLiteral(f"exception class {cls.__qualname__} cannot be imported by name")
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


def _pin_output(original: CallOutcome, mutant: CallOutcome) -> str:
    """An assertion on ``out`` that holds for the original's output and not the mutant's.

    One line of it, not all: the rest may name the program (``sys.argv[0]``
    differs between this run and the user's) or wrap differently.
    """
    if not original.output:
        return 'assert out.getvalue() == ""'
    program = os.path.basename(sys.argv[0])
    theirs = set(mutant.output.splitlines())
    for line in original.output.splitlines():
        if line.strip() and line not in theirs and program not in line:
            # a whole line: 'Shop tool' is a substring of the mutant's 'XXShop toolXX'
            return f"assert {line!r} in out.getvalue().splitlines()"
    raise NotLiteral(
        "the printed difference is in a line that names the program, or only in the mutant's output"
    )


def _pin_value(value: Any, mutant: CallOutcome, subject: str = "result") -> tuple[list[str], set[str]]:
    """Assertions on ``subject`` that hold for ``value`` and tell it from the mutant's."""
    if value is None or isinstance(value, bool):
        return [f"assert {subject} is {value!r}"], set()
    if isinstance(value, float) and value != value:
        return [f"assert math.isnan({subject})"], {"import math"}
    equal_to_mutant = False
    if mutant.kind == RETURNED:
        try:
            equal_to_mutant = bool(value == mutant.value)
        except Exception:  # noqa: BLE001
            equal_to_mutant = False
    try:
        pinned = literal(value)
    except NotLiteral:
        if mutant.kind == RETURNED and (path := difference_path(value, mutant.value)):
            # no literal for the whole: pin the one part that differs
            part = CallOutcome(RETURNED, value=follow(mutant.value, path))
            return _pin_value(follow(value, path), part, subject + "".join(path))
        if shaped(value) is not value:
            # a plain object: its attributes are what a caller sees
            state = literal(vars(value))
            return [f"assert vars({subject}) == {state.source}"], state.imports
        if equal_to_mutant or mutant.kind != RETURNED or safe_repr(value) == safe_repr(mutant.value):
            raise
        # No literal, but the repr tells them apart and has no address in it
        text = safe_repr(value, 4000)
        if " at 0x" in text:
            raise
        return [f"assert repr({subject}) == {text!r}"], set()
    lines = [f"assert {subject} == {pinned.source}"]
    if equal_to_mutant:
        # equal by ==, yet different (1 vs 1.0, key order): the repr tells
        lines.append(f"assert repr({subject}) == {safe_repr(value, 4000)!r}")
    return lines, pinned.imports


@dataclass
class CallSource:
    """A call of the target as test source: the lines that set up its input,
    and the call expression itself."""

    setup: list[str]
    imports: set[str]
    expression: str
    #: parameters held in variables (``self`` as ``obj``, objects, ``held``)
    names: dict[str, str]


def call_source(
    target: Target, call: Call, held: tuple[str, ...] = (), given: dict[str, str] | None = None
) -> CallSource:
    """``call`` as source; raises ``NotLiteral`` when an argument cannot be written.

    ``held`` names parameters to pass through a variable of their own name,
    to look at them after the call; ``given`` passes parameters as existing
    expressions (``{"text": "once"}``) instead of their values in ``call``.
    """
    imports: set[str] = set()
    values: dict[str, Literal] = {}
    params = list(target.signature.parameters.values())
    self_name = params[0].name if target.kind == METHOD else None
    setup: list[str] = []
    names: dict[str, str] = dict(given or {})
    for name, value in call.arguments:
        if value is OMITTED or name in names:
            continue
        try:
            if name == self_name or isinstance(value, Shaped):
                variable = "obj" if name == self_name else name
                lines, needed = setup_lines(value, variable)
                setup.extend(lines)
                imports |= needed
                names[name] = variable
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
    callee = f"{names[self_name]}.{target.name}" if self_name else target.qualname
    expression = f"{callee}({_render_args(target, values, names)})"
    if target.is_async:
        # a plain test runs the coroutine as the search did, in a fresh event loop
        imports.add("import asyncio")
        expression = f"asyncio.run({expression})"
    return CallSource(setup, imports, expression, names)


def render(
    target: Target,
    mutant_id: str,
    call: Call,
    original: CallOutcome,
    mutant: CallOutcome,
    difference: str,
    docstring: str,
) -> RegressionTest:
    """The test's source; raises ``NotLiteral`` (with the reason) when it cannot be written."""
    watched = difference.removeprefix("argument ").strip("'") if difference.startswith("argument ") else None
    source = call_source(target, call, (watched,) if watched else ())
    imports, body, names = source.imports, source.setup, source.names
    self_name = list(target.signature.parameters)[0] if target.kind == METHOD else None
    expression = source.expression
    after_lines: list[str] = []
    if original.kind == RAISED:
        assert original.error is not None
        line, cls = exception_class(original.error)
        if line:
            imports.add(line)
        imports.add("import pytest")
        match = ""
        if mutant.kind == RAISED and type(mutant.error) is type(original.error):
            message = str(original.error)
            match = f", match={'^' + re.escape(message) + '$'!r}"
        call_lines = [f"with pytest.raises({cls}{match}):", f"    {expression}"]
    elif difference in ("return value", "outcome"):
        call_lines = [f"result = {expression}"]
        try:
            after_lines, needed = _pin_value(original.value, mutant)
        except NotLiteral as e:
            if mutant.kind == RETURNED:
                raise NotLiteral(f"return value: {e}") from None
            needed = set()  # the mutant raises or hangs: the call alone tells
        imports |= needed
    else:
        call_lines = [expression]
    if difference == PRINTED:
        imports |= {"import contextlib", "import io", "import os", "from unittest import mock"}
        body.append("out = io.StringIO()")
        # a fixed width: argparse wraps its help to the terminal's
        body.append(
            "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), "
            f"mock.patch.dict(os.environ, {{'COLUMNS': '{PRINT_COLUMNS}'}}):"
        )
        body.extend(f"    {line}" for line in call_lines)
        after_lines.append(_pin_output(original, mutant))
    else:
        body.extend(call_lines)
    body.extend(after_lines)
    if watched:
        after = original.arguments.get(watched)
        subject = names[watched]
        if watched == self_name or shaped(after) is not after:
            # the instance itself rarely has a round-tripping repr; its state does
            after, subject = vars(after), f"vars({subject})"
        try:
            state = literal(after)
        except NotLiteral as e:
            raise NotLiteral(f"argument {watched!r} after the call: {e}") from None
        imports |= state.imports
        body.append(f"assert {subject} == {state.source}")
    return test_source(test_name(target, mutant_id), docstring, body, imports)


def test_source(
    name: str, docstring: str, body: list[str], imports: set[str], marks: tuple[str, ...] = ()
) -> RegressionTest:
    """One ``def test_...`` with its imports, ordered as isort would."""
    doc = docstring.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    decorators = "".join(f"{mark}\n" for mark in marks)
    text = f'{decorators}def {name}():\n    """{doc}"""\n' + "".join(f"    {line}\n" for line in body)
    ordered = sorted(i for i in imports if i.startswith("import ")) + sorted(
        i for i in imports if i.startswith("from ")
    )
    return RegressionTest(name=name, imports=ordered, body=text)
