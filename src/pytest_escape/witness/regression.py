"""A pytest regression test from a witness: the input, and the original's behaviour pinned.

The test is plain source (imports first, then one ``def test_...``) so it can
be shown, verified by running it, and written to a file the user keeps.  It
pins only what tells the original from the mutant: the return value (or its
``repr`` where ``==`` cannot tell them apart), the exception, the state of the
argument that changed, or a line the original prints.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from ..inputs.calls import GENERATOR_ITEMS, METHOD, Target
from ..inputs.compare import (
    AT_THE_CALL,
    BEYOND_THE_CALL,
    PRINTED,
    RAISED,
    RETURNED,
    UNSET,
    WARNED,
    CallOutcome,
    Heard,
    difference_path,
    follow,
    object_state,
    safe_repr,
    same_value,
    slotted,
    warned_difference,
)
from ..inputs.literals import (
    NotLiteral,
    literal,
    shaped,
)
from ..inputs.rendering import RegressionTest, call_source, exception_class, test_source, warning_class
from ..inputs.sandbox import PRINT_COLUMNS
from ..inputs.strategies import Call

_IDENTIFIER = re.compile(r"\W+")


def test_name(target: Target, mutant_id: str) -> str:
    number = mutant_id.rpartition("__mutmut_")[2]
    module = target.module.rpartition(".")[2]
    name = _IDENTIFIER.sub("_", f"{module}_{target.qualname}").strip("_").lower()
    return f"test_{name}_mutant_{number}"


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


def _pin_place(index: int, heard: Heard, other: Heard, imports: set[str]) -> list[str]:
    """Asserts on where the original's warning points, which the mutant's does not."""
    subject = f"heard[{index}]"
    if heard.where == AT_THE_CALL:
        # the test's own line made the call, as the search's did
        return [f"assert {subject}.filename == __file__"]
    if other.where == AT_THE_CALL:
        return [f"assert {subject}.filename != __file__"]
    if heard.where == BEYOND_THE_CALL:
        raise NotLiteral("the warning points beyond the caller, to a frame a test does not have")
    file, line = heard.where.removeprefix("at ").rsplit(":", 1)
    imports.add("import os")
    return [f"assert (os.path.basename({subject}.filename), {subject}.lineno) == ({file!r}, {int(line)})"]


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
    if original.generated or mutant.generated:
        # a generator does nothing until drawn: the search drew it, and so must the test
        if original.kind == RETURNED and len(original.value) >= GENERATOR_ITEMS:
            imports.add("import itertools")
            expression = f"list(itertools.islice({expression}, {GENERATOR_ITEMS}))"
        else:
            expression = f"list({expression})"
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
    elif difference in ("return value", "outcome") and not target.setter:
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
    if difference == WARNED:
        heard, other = warned_difference(original, mutant)
        imports.add("import warnings")
        if heard is None:
            # the original warns nothing here: a warning turned into an error fails the mutant
            body.append("with warnings.catch_warnings():")
            body.append('    warnings.simplefilter("error")')
        else:
            line, cls = warning_class(heard.category)
            if line:
                imports.add(line)
            imports.add("import pytest")
            match = f"match={'^' + re.escape(heard.message) + '$'!r}"
            if other is not None and other[:2] == heard[:2]:
                # the same warning, pointing elsewhere (a ``stacklevel`` mutant)
                body.append(f"with pytest.warns({cls}, {match}) as heard:")
                after_lines[:0] = _pin_place(original.warned.index(heard), heard, other, imports)
            else:
                body.append(f"with pytest.warns({cls}, {match}):")
        body.extend(f"    {line}" for line in call_lines)
    elif difference == PRINTED:
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
        try:
            lines, needed = _pin_state(
                original.arguments.get(watched),
                mutant.arguments.get(watched),
                names[watched],
                watched == self_name,
            )
        except NotLiteral as e:
            raise NotLiteral(f"argument {watched!r} after the call: {e}") from None
        imports |= needed
        body.extend(lines)
    return test_source(test_name(target, mutant_id), docstring, body, imports)


def _pin_state(after: Any, mutant_after: Any, subject: str, receiver: bool) -> tuple[list[str], set[str]]:
    """Asserts on an argument's state after the call, which the mutant left otherwise.

    An instance rarely has a round-tripping ``repr``; its attributes do:
    ``vars(obj)`` when it has a ``__dict__``, and for one with ``__slots__``
    (which ``vars`` refuses: the search of every such survivor failed) each
    attribute the mutant left otherwise, by the name code outside reads it by.
    """
    if not (receiver or shaped(after) is not after):
        state = literal(after)
        return [f"assert {subject} == {state.source}"], state.imports
    if isinstance(getattr(after, "__dict__", None), dict) and not slotted(type(after)):
        state = literal(vars(after))
        return [f"assert vars({subject}) == {state.source}"], state.imports
    ours, theirs = object_state(after) or {}, object_state(mutant_after) or {}
    lines: list[str] = []
    imports: set[str] = set()
    for name, value in ours.items():
        if value is UNSET or not name.isidentifier() or (name in theirs and same_value(value, theirs[name])):
            continue
        pinned = literal(value)
        imports |= pinned.imports
        lines.append(f"assert {subject}.{name} == {pinned.source}")
    if not lines:
        raise NotLiteral(f"no attribute of {type(after).__qualname__} tells the two apart")
    return lines, imports
