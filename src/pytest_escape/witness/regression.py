"""A pytest regression test from a witness: the input, and the original's behaviour pinned.

The test is plain source (imports first, then one ``def test_...``) so it can
be shown, verified by running it, and written to a file the user keeps.  It
pins only what tells the original from the mutant: the return value (or its
``repr`` where ``==`` cannot tell them apart), the exception, the state of the
argument that changed, or a line the original prints.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from ..inputs.calls import GENERATOR_ITEMS, METHOD, Target
from ..inputs.compare import (
    AT_THE_CALL,
    BEYOND_THE_CALL,
    EXCEPTION_ARGUMENTS,
    EXCEPTION_STATE,
    LOGGED,
    PRINTED,
    RAISED,
    RETURNED,
    UNSET,
    WARNED,
    CallOutcome,
    Heard,
    Logged,
    Part,
    difference_path,
    exception_state,
    follow,
    logged_difference,
    message_of,
    object_state,
    safe_repr,
    same_value,
    slotted,
    stream_state,
    warned_difference,
)
from ..inputs.identities import holes, named, root_of
from ..inputs.literals import (
    NotLiteral,
    compared,
    shaped,
)
from ..inputs.recorded import Call
from ..inputs.rendering import RegressionTest, call_source, exception_class, test_source, warning_class
from ..inputs.sandbox import PRINT_COLUMNS

_IDENTIFIER = re.compile(r"\W+")


#: the characters that mean something in a regular expression (``re.escape``
#: also escapes spaces and letters that mean nothing there, which a reader must undo)
_REGEX_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")


def match_pattern(message: str, mutant_message: str | None) -> str:
    """The simplest ``match=`` that accepts the original's message and not the mutant's.

    ``pytest.raises(match=)`` searches, so the plain message matches
    ``XXmessageXX`` too: only where the mutant's message holds the
    original's is the pattern anchored at both ends.
    """
    pattern = _REGEX_SPECIAL.sub(r"\\\1", message)
    if mutant_message is not None and re.search(pattern, mutant_message):
        return f"^{pattern}$"
    return pattern


def _shown_roots(original: CallOutcome) -> tuple[str, ...]:
    """The arguments whose objects (or parts) the original's return value or
    exception message shows by identity: the test holds each in a variable."""
    texts = [original.value] if isinstance(original.value, str) else []
    if original.kind == RAISED and (message := message_of(original.error)) is not None:
        texts.append(message)
    return tuple(
        dict.fromkeys(root_of(whose) for text in texts for _, _, whose, _ in holes(text, original.identities))
    )


def spliced(text: str, original: CallOutcome, names: dict[str, str], pattern: bool = False) -> str | None:
    """``text`` as a Python expression that computes the identities it shows
    (``"<State@" + str(id(obj)) + ">"``), or None when it shows none.  With
    ``pattern``, the literal parts are escaped for a regular expression and
    the whole anchored: ``pytest.raises(match=)`` gets the message exactly.
    Raises ``NotLiteral`` for an identity of an object no variable holds."""
    spots = holes(text, original.identities)
    if not spots:
        return None

    def literal(part: str) -> str:
        return _REGEX_SPECIAL.sub(r"\\\1", part) if pattern else part

    parts: list[str] = [repr(("^" if pattern else "") + literal(text[: spots[0][0]]))]
    for index, (_, end, whose, spelled) in enumerate(spots):
        root = root_of(whose)
        if root in names:
            held = names[root] + whose[len(root) :]
        elif whose in ("None", "True", "False", "Ellipsis"):
            held = whose
        else:
            raise NotLiteral(f"it shows the identity of {whose}, which the test does not hold")
        parts.append(f"str(id({held}))" if spelled == "d" else f"format(id({held}), {spelled!r})")
        following = spots[index + 1][0] if index + 1 < len(spots) else len(text)
        parts.append(repr(literal(text[end:following]) + ("$" if pattern and following == len(text) else "")))
    return " + ".join(part for part in parts if part != "''")


def _no_identity(text: str) -> None:
    """Refuse to pin a log record or warning that shows an object's identity."""
    if "<id of " in text:
        raise NotLiteral("the difference shows an object's identity (id), which a test cannot write there")


#: the longest test name written; past it, fewer arguments are named
NAME_LIMIT = 60


def _value_words(value: Any) -> str | None:
    """A short value as words of an identifier (``10``, ``minus_5``, ``empty``), or
    None when it has no short spelling (objects, long or symbol-laden strings)."""
    if value is None or isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"minus_{-value}" if value < 0 else str(value) if value < 10**6 else None
    if isinstance(value, float):
        text = repr(abs(value))
        if len(text) > 8 or not text.replace(".", "").isdigit():
            return None
        return ("minus_" if value < 0 else "") + text.replace(".", "_")
    if isinstance(value, str):
        if value == "":
            return "empty"
        if len(value) <= 12 and re.fullmatch(r"[A-Za-z0-9 _-]+", value) and value.strip():
            return _IDENTIFIER.sub("_", value.strip()).lower()
    return None


#: arguments a test's name spells out
NAMED_ARGUMENTS = 2


def test_name(
    target: Target, call: Call, original: CallOutcome, mutated_line: str = "", difference: str = ""
) -> str:
    """A name that says what the test pins: ``test_add_rejects_qty_0``,
    ``test_bulk_discount_with_qty_10``.

    The function's own name, then what the original does (``rejects`` when
    it raises), then up to two arguments with short values, only those the
    mutated line names when it names any (``if qty <= 0``: ``qty_0``); an
    argument whose value has no short spelling is left out of the name (the
    body shows it).
    Two tests that end up with one name are told apart where they are
    written together (``report.regression_tests``).
    """
    owner, _, function = target.qualname.rpartition(".")
    if function == "__init__" and owner:
        function = owner
    base = _IDENTIFIER.sub("_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", function)).strip("_").lower() or "call"
    receiver = list(target.signature.parameters)[0] if target.kind == METHOD else None
    on_line = set(re.findall(r"[A-Za-z_]\w*", mutated_line))
    # the arguments the mutated line names, when it names any: they are what the test is about
    arguments = [item for item in call.arguments if item[0] in on_line] or list(call.arguments)
    named = [
        f"{name.strip('_').lower()}_{words}"
        for name, value in arguments
        if name != receiver and (words := _value_words(value)) is not None
    ][:NAMED_ARGUMENTS]
    verb = "rejects" if original.kind == RAISED else "with"
    if not named:
        if original.kind == RAISED and original.error is not None:
            return f"test_{base}_raises_{type(original.error).__name__.lower()}"
        if difference == LOGGED:
            return f"test_{base}_logs"  # what it returns is the same on both
        if (
            original.kind == RETURNED
            and function != owner.rpartition(".")[2]
            and ((words := _value_words(original.value)) is not None)
        ):  # a constructor's None is no result
            return f"test_{base}_returns_{words}"[:NAME_LIMIT]
        return f"test_{base}"
    name = f"test_{base}_{verb}_{named[0]}"
    for part in named[1:]:
        if len(name) + 1 + len(part) > NAME_LIMIT:
            break
        name += f"_{part}"
    return name[:NAME_LIMIT].rstrip("_")


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


def _pin_logged(original: CallOutcome, mutant: CallOutcome) -> str:
    """An assertion on ``caplog.record_tuples`` that holds for the original's
    records and not the mutant's: a record only the original emits is in it,
    one only the mutant emits is not, and records that differ only in their
    number or order are pinned whole."""
    ours, theirs = logged_difference(original, mutant)
    for record in (ours, theirs):
        _no_identity(record.message if record is not None else "")
    if ours is not None and ours not in mutant.logged:
        return f"assert {_record_source(ours)} in caplog.record_tuples"
    if theirs is not None and theirs not in original.logged:
        return f"assert {_record_source(theirs)} not in caplog.record_tuples"
    for record in original.logged:
        _no_identity(named(record.message, original.identities))
    return f"assert caplog.record_tuples == [{', '.join(_record_source(r) for r in original.logged)}]"


def _record_source(record: Logged) -> str:
    name = logging.getLevelName(record.level)
    level = f"logging.{name}" if getattr(logging, name, None) == record.level else str(record.level)
    return f"({record.logger!r}, {level}, {record.message!r})"


def _raised_arguments(mutant: CallOutcome) -> CallOutcome:
    """The mutant's exception's arguments, as the value ``_pin_value`` tells apart."""
    assert mutant.error is not None
    return CallOutcome(RETURNED, value=mutant.error.args)


def _pin_attribute(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[list[str], set[str]]:
    """Asserts on the first attribute of the caught exception that differs from the mutant's."""
    for name, value in ours.items():
        if not name.isidentifier():
            continue
        if name not in theirs:
            return [f"assert hasattr(caught.value, {name!r})"], set()
        if not same_value(value, theirs[name]):
            return _pin_value(value, CallOutcome(RETURNED, value=theirs[name]), f"caught.value.{name}")
    missing = next((name for name in theirs if name.isidentifier() and name not in ours), None)
    if missing is None:
        raise NotLiteral("the exceptions' attributes differ in no attribute a test can name")
    return [f"assert not hasattr(caught.value, {missing!r})"], set()


def _pin_value(
    value: Any, mutant: CallOutcome, subject: str = "result", known: Mapping[int, str] | None = None
) -> tuple[list[str], set[str]]:
    """Assertions on ``subject`` that hold for ``value`` and tell it from the mutant's.

    ``known`` names the objects the test holds (``obj``, by ``id``): a value
    that is one of them, or a method bound to one, is written by that name."""
    if value is None or isinstance(value, bool):
        return [f"assert {subject} is {value!r}"], set()
    if isinstance(value, float) and value != value:
        return [f"assert math.isnan({subject})"], {"import math"}
    if type(value) in (io.StringIO, io.BytesIO) and not value.closed:
        return _pin_stream(value, mutant, subject)
    equal_to_mutant = False
    if mutant.kind == RETURNED:
        try:
            equal_to_mutant = bool(value == mutant.value)
        except Exception:  # noqa: BLE001
            equal_to_mutant = False
    try:
        pinned = compared(value)
    except NotLiteral:
        if (held := _name_in_test(value, known or {})) not in (None, subject):
            # no literal, but the test holds it: ``assert obj.handler == obj._on_event``
            return [f"assert {subject} {'==' if inspect.ismethod(value) else 'is'} {held}"], set()
        if mutant.kind == RETURNED and (path := difference_path(value, mutant.value)):
            # no literal for the whole: pin the one part that differs
            return _pin_part(value, mutant.value, path, subject, known or {})
        if mutant.kind == RETURNED and _type_name(value) != _type_name(mutant.value):
            # no literal, and of another class than the mutant's: the class
            # tells them apart (an argparse action stored as ``store_true``
            # or as a plain store; its attributes hold its parser, and no
            # literal: 10 witnesses of a command line's parser had no test)
            return [f"assert type({subject}).__qualname__ == {_type_name(value)!r}"], set()
        if shaped(value) is not value:
            # a plain object: its attributes are what a caller sees
            state = compared(vars(value))
            return [f"assert vars({subject}) == {state.source}"], state.imports
        if equal_to_mutant or mutant.kind != RETURNED or safe_repr(value) == safe_repr(mutant.value):
            raise
        # No literal, but the repr tells them apart and has no address in it
        text = safe_repr(value, 4000)
        if " at 0x" in text:
            raise
        return [f"assert repr({subject}) == {text!r}"], set()
    lines = [f"assert {subject} == {pinned.source}"]
    if equal_to_mutant and (path := difference_path(value, mutant.value)):
        # equal by its class's ==, which leaves out the attribute that differs
        more, needed = _pin_part(value, mutant.value, path, subject, known or {})
        return lines + more, pinned.imports | needed
    if equal_to_mutant:
        kind = type(value)
        if kind is not type(mutant.value) and kind.__module__ == "builtins":
            # equal by ==, of another type (1 vs 1.0, 1 vs True): the type tells
            lines.append(f"assert type({subject}) is {kind.__name__}")
        else:
            # equal by ==, yet different (key order): the repr tells
            lines.append(f"assert repr({subject}) == {safe_repr(value, 4000)!r}")
    return lines, pinned.imports


def _type_name(value: Any) -> str:
    return type(value).__qualname__


def _pin_stream(
    value: io.StringIO | io.BytesIO, mutant: CallOutcome, subject: str
) -> tuple[list[str], set[str]]:
    """What an in-memory stream holds and where it stands, each asserted where
    the mutant's differs: one read or written part way has no literal."""
    theirs = mutant.value if mutant.kind == RETURNED else None
    other = stream_state(theirs) if type(theirs) is type(value) else None
    held, where = value.getvalue(), value.tell()
    lines = []
    if other is None or other[1] != held:
        lines.append(f"assert {subject}.getvalue() == {held!r}")
    if other is None or other[2] != where:
        lines.append(f"assert {subject}.tell() == {where}")
    if other is not None and other[0]:
        lines.append(f"assert not {subject}.closed")
    return lines, set()


def _pin_part(
    value: Any, other: Any, path: list[Part], subject: str, known: Mapping[int, str]
) -> tuple[list[str], set[str]]:
    """Asserts on the part of ``value`` that ``path`` leads to: its value, or
    whether a dict holds the key only one of the two holds."""
    imports: set[str] = set()
    container, step = subject, ""
    for part in path:
        container += step
        if part.name:
            step = f".{part.name}"
        else:
            key = compared(part.key)
            imports |= key.imports
            step = f"[{key.source}]"
    last, written = path[-1], container + step
    if last.presence == "there":
        return [f"assert {step[1:-1]} not in {container}"], imports
    if last.presence == "here":
        lines = [f"assert {step[1:-1]} in {container}"]
        try:
            pinned, needed = _pin_value(follow(value, path), CallOutcome(RAISED), written, known)
        except NotLiteral:
            return lines, imports  # the key alone tells them apart
        return lines + pinned, imports | needed
    pinned, needed = _pin_value(
        follow(value, path), CallOutcome(RETURNED, value=follow(other, path)), written, known
    )
    return pinned, imports | needed


def _name_in_test(value: Any, known: Mapping[int, str]) -> str | None:
    """``value`` by the name the test holds it by, or as a method bound to such an object."""
    if id(value) in known:
        return known[id(value)]
    if inspect.ismethod(value) and id(value.__self__) in known:
        try:
            again = getattr(value.__self__, value.__name__)
        except Exception:  # noqa: BLE001 - a property that raises
            return None
        if again == value:
            return f"{known[id(value.__self__)]}.{value.__name__}"
    return None


def _counted(original: CallOutcome, mutant: CallOutcome) -> bool:
    """Whether both calls warned, and one warned what the other did and more.

    The original's first three warnings and the mutant's two (a validator
    that each warns it is deprecated, one call fewer): the test that turned
    warnings into errors, for "the original warns nothing here", failed on
    the original (rfc3986: 8 tests), and one that waits for the warning the
    mutant also gives passes on it."""
    ours, theirs = original.warned, mutant.warned
    shorter, longer = sorted((ours, theirs), key=len)
    return bool(shorter) and len(shorter) < len(longer) and tuple(longer[: len(shorter)]) == tuple(shorter)


def _pin_sequence(original: CallOutcome, imports: set[str]) -> str:
    """An assert on every warning the original gave, by category and text, in order."""
    expected = []
    for heard in original.warned:
        line, cls = warning_class(heard.category)
        if line:
            imports.add(line)
        expected.append(f"({cls}, {heard.message!r})")
    return f"assert [(w.category, str(w.message)) for w in heard] == [{', '.join(expected)}]"


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
    # the calls of returned closures that ran: past them, there was none to call
    call = dataclasses.replace(call, then=call.then[: original.called])
    watched = difference.removeprefix("argument ").strip("'") if difference.startswith("argument ") else None
    held = tuple(dict.fromkeys(((watched,) if watched else ()) + _shown_roots(original)))
    source = call_source(target, call, held)
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
    fixtures: list[str] = []
    if original.kind == RAISED:
        assert original.error is not None
        line, cls = exception_class(original.error)
        if line:
            imports.add(line)
        imports.add("import pytest")
        match = ""
        if difference == EXCEPTION_ARGUMENTS:
            # one type, one message: what it was made with tells them apart
            call_lines = [f"with pytest.raises({cls}) as caught:", f"    {expression}"]
            after_lines, needed = _pin_value(
                original.error.args, _raised_arguments(mutant), "caught.value.args"
            )
            imports |= needed
        elif difference == EXCEPTION_STATE:
            # one type, message and arguments: the attribute a handler reads tells them apart
            assert mutant.error is not None
            call_lines = [f"with pytest.raises({cls}) as caught:", f"    {expression}"]
            after_lines, needed = _pin_attribute(
                exception_state(original.error), exception_state(mutant.error)
            )
            imports |= needed
        else:
            ours, theirs = message_of(original.error), message_of(mutant.error)
            if mutant.kind == RAISED and type(mutant.error) is type(original.error) and ours is not None:
                # an exception whose own __str__ fails (a mutant that made it
                # with None) is matched against nothing: pytest's match fails on it
                exact = spliced(ours, original, names, pattern=True)
                match = f", match={exact or repr(match_pattern(ours, theirs))}"
            call_lines = [f"with pytest.raises({cls}{match}):", f"    {expression}"]
    elif difference in ("return value", "outcome") and source.constructs:
        call_lines = [expression]  # __init__ gives None: the mutant raises, and the call alone tells
    elif difference in ("return value", "outcome") and not target.setter:
        call_lines = [f"result = {expression}"]
        shown = spliced(original.value, original, names) if isinstance(original.value, str) else None
        try:
            if shown is not None:
                after_lines, needed = [f"assert result == {shown}"], set()
            else:
                after_lines, needed = _pin_value(original.value, mutant, known=_known(original, names))
        except NotLiteral as e:
            if mutant.kind == RETURNED:
                raise NotLiteral(f"return value: {e}") from None
            needed = set()  # the mutant raises or hangs: the call alone tells
            call_lines = [expression]  # and a result nothing reads is not assigned (ruff's F841)
        imports |= needed
    else:
        call_lines = [expression]
    if original.entered or mutant.entered:
        # what a ``@contextmanager`` function gives does nothing until entered
        call_lines = _entering(call_lines, expression)
    if difference == WARNED and _counted(original, mutant):
        # the same warnings, another number of them: the whole sequence tells
        imports.add("import warnings")
        body.extend(
            ["with warnings.catch_warnings(record=True) as heard:", '    warnings.simplefilter("always")']
        )
        body.extend(f"    {line}" for line in call_lines)
        after_lines[:0] = [_pin_sequence(original, imports)]
    elif difference == WARNED:
        heard, other = warned_difference(original, mutant)
        for warning in (heard, other):
            _no_identity(warning.message if warning is not None else "")
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
            match = f"match={match_pattern(heard.message, other.message if other else None)!r}"
            if other is not None and other[:2] == heard[:2]:
                # the same warning, pointing elsewhere (a ``stacklevel`` mutant)
                body.extend(_with([f"pytest.warns({cls}, {match}) as heard"], call_lines))
                after_lines[:0] = _pin_place(original.warned.index(heard), heard, other, imports)
            else:
                body.extend(_with([f"pytest.warns({cls}, {match})"], call_lines))
        if heard is None:
            body.extend(f"    {line}" for line in call_lines)
    elif difference == LOGGED:
        # pytest's own fixture, at the level the search recorded at
        fixtures.append("caplog")
        imports.add("import logging")
        body.append("caplog.set_level(logging.DEBUG)")
        body.extend(call_lines)
        after_lines.append(_pin_logged(original, mutant))
    elif difference == PRINTED:
        imports |= {"import contextlib", "import io", "import os", "from unittest import mock"}
        body.append("out = io.StringIO()")
        # a fixed width: argparse wraps its help to the terminal's
        managers = [
            "contextlib.redirect_stdout(out)",
            "contextlib.redirect_stderr(out)",
            f"mock.patch.dict(os.environ, {{'COLUMNS': '{PRINT_COLUMNS}'}})",
        ]
        body.extend(_with(managers, call_lines))
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
                _known(original, names),
            )
        except NotLiteral as e:
            raise NotLiteral(f"argument {watched!r} after the call: {e}") from None
        imports |= needed
        body.extend(lines)
    # the docstring's "- " line is the mutated line as the original has it
    removed = re.search(r"^\s*- (.*)$", docstring, re.MULTILINE)
    name = test_name(target, call, original, removed[1] if removed else "", difference)
    return test_source(name, docstring, body, imports, fixtures=tuple(fixtures))


def _entering(lines: list[str], expression: str) -> list[str]:
    """``lines`` with the call entered as a ``with`` and left: ``result =
    f()`` -> ``with f() as result: pass``; inside ``pytest.raises`` the two
    join (``with pytest.raises(E), f():``)."""
    entered: list[str] = []
    for line in lines:
        text = line.lstrip()
        indent = line[: len(line) - len(text)]
        if text == expression:
            entered += [f"{indent}with {expression}:", f"{indent}    pass"]
        elif text == f"result = {expression}":
            entered += [f"{indent}with {expression} as result:", f"{indent}    pass"]
        else:
            entered.append(line)
    if len(entered) == 3 and entered[0].startswith("with ") and entered[1].startswith("    with "):
        return [f"{entered[0][:-1]}, {entered[1].strip()[len('with ') :]}", "    pass"]
    return entered


#: the width ruff format keeps a line of a test's body to (88, less the body's indent)
_BODY_WIDTH = 84


def _with(managers: list[str], lines: list[str]) -> list[str]:
    """``with A, B:`` around ``lines``, as ruff writes it: a ``with`` that
    ``lines`` begin with joins this one (not nested: SIM117), and managers
    too long for one line go one a line, in parentheses (Python 3.10)."""
    if lines and lines[0].startswith("with ") and lines[0].endswith(":"):
        managers = [*managers, lines[0][len("with ") : -1]]
        lines = [line.removeprefix("    ") for line in lines[1:]]
    one_line = f"with {', '.join(managers)}:"
    if len(one_line) <= _BODY_WIDTH:
        head = [one_line]
    else:
        head = ["with (", *(f"    {m}," for m in managers), "):"]
    return [*head, *(f"    {line}" for line in lines)]


def _known(original: CallOutcome, names: dict[str, str]) -> dict[int, str]:
    """The objects the test holds in a variable of its own after the call, by ``id``.

    Values the language may share between unrelated places (numbers,
    strings, tuples) and methods (a new object at each access) are left
    out: ``is`` would say nothing about them."""
    known: dict[int, str] = {}
    for name, value in original.arguments.items():
        variable = names.get(name, "")
        if variable.isidentifier() and not isinstance(value, _SHARED) and not inspect.ismethod(value):
            known[id(value)] = variable
    return known


#: values equal ones may be the very same object of (interned, cached, immutable)
_SHARED = (int, float, complex, str, bytes, tuple, frozenset, type(None))


def _pin_state(
    after: Any, mutant_after: Any, subject: str, receiver: bool, known: Mapping[int, str] | None = None
) -> tuple[list[str], set[str]]:
    """Asserts on an argument's state after the call, which the mutant left otherwise.

    An instance rarely has a round-tripping ``repr``; its attributes do:
    ``vars(obj)`` when it has a ``__dict__``, and for one with ``__slots__``
    (which ``vars`` refuses: the search of every such survivor failed) each
    attribute the mutant left otherwise, by the name code outside reads it by.
    """
    known = {**(known or {}), id(after): subject}
    if not (receiver or shaped(after) is not after):
        return _pin_value(after, CallOutcome(RETURNED, value=mutant_after), subject, known)
    if (
        isinstance(after, BaseException)
        and isinstance(mutant_after, BaseException)
        and not same_value(after.args, mutant_after.args)
    ):
        # an exception's message lives in its args, which vars() leaves out
        return _pin_value(after.args, CallOutcome(RETURNED, value=mutant_after.args), f"{subject}.args")
    if isinstance(getattr(after, "__dict__", None), dict) and not slotted(type(after)):
        try:
            state = compared(vars(after))
            return [f"assert vars({subject}) == {state.source}"], state.imports
        except NotLiteral:
            pass  # it holds objects with no literal (a tree's nodes): the attributes that differ, below
    ours, theirs = object_state(after) or {}, object_state(mutant_after) or {}
    lines: list[str] = []
    imports: set[str] = set()
    refused: NotLiteral | None = None
    for name, value in ours.items():
        if value is UNSET or not name.isidentifier() or (name in theirs and same_value(value, theirs[name])):
            continue
        # the mutant's value of it, to pin the one part that differs when the whole has no literal
        other = CallOutcome(RETURNED, value=theirs[name]) if name in theirs else CallOutcome(RAISED)
        try:
            pinned, needed = _pin_value(value, other, f"{subject}.{name}", known)
        except NotLiteral as e:
            refused = refused or e
            continue  # another attribute may tell them apart
        imports |= needed
        lines.extend(pinned)
    if not lines:
        raise refused or NotLiteral(f"no attribute of {type(after).__qualname__} tells the two apart")
    return lines, imports
