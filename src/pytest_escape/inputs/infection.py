"""Did the mutant compute something else where it ran?  (The probe's infection check.)

An input that runs the mutated code is evidence of equivalence only if the
mutated code computed there what the original computes: ``option ==
"XXfield_namesXX"`` ran on every option prettytable's search passed, and
differed from the original's test only on ``"field_names"``, where the
validation it guards found nothing wrong.  So the probe evaluates, in the
frame where the mutant runs, the original's and the mutant's text of the
changed expression (``mutation.changed_expression``) and compares them,
there and with nearby values of what it reads (``_infectable``).

Evaluating must not change what the call does, so only expressions that
run no code of the user's are evaluated: names, constants, operators on
plain values, indexing of built-in containers, an object's own attributes,
and calls of built-in functions and methods that change nothing.  A call
of the user's code is compared by the arguments each version would pass
(``_compare_calls``), never made.  Anything else is ``Unsafe``, and the
probe says it could not look.
"""

from __future__ import annotations

import ast
import dis
import functools
import inspect
import math
import operator
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import (
    BuiltinFunctionType,
    BuiltinMethodType,
    CodeType,
    FrameType,
    MemberDescriptorType,
    ModuleType,
    SimpleNamespace,
)
from typing import Any

from .compare import PLAIN_SCALARS as _PLAIN_SCALARS
from .compare import safe_repr, value_key

_PLAIN_CONTAINERS = (list, tuple, set, frozenset, dict)
#: a container is looked at whole up to this size; a larger one is not plain
_LARGEST = 1000

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.BitAnd: operator.and_,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
#: built-in functions that change nothing and, given plain values, run no user code
_PURE_FUNCTIONS = frozenset(
    {abs, all, any, bool, chr, divmod, float, format, frozenset, hex, int, len, list, max, min, oct, ord, pow}
    | {range, repr, round, sorted, str, sum, tuple, bin, bytes, set, dict, hash}
)
#: methods of mutable built-in containers that change nothing (those of
#: immutable ones, str above all, all change nothing)
_READING_METHODS = frozenset({"get", "keys", "values", "items", "copy", "index", "count", "__contains__"})
_IMMUTABLE = (str, bytes, int, float, complex, bool, tuple, frozenset, range)


#: evaluations in one call at most: a loop runs the mutated code many times
LOOKS_PER_CALL = 20


class Infection:
    """The infection check of one mutant, across the calls of a search.

    Per call: did the mutated code run in a state where it computes what the
    original computes (``looked_now``), or something else (``infected_now``,
    told as what each gave)?  Of the expressions holding the change, the
    outermost that can be evaluated is; ``blind`` keeps why none could."""

    def __init__(self, pairs: list[tuple[ast.expr, ast.expr]], texts: list[tuple[str, str]]) -> None:
        self.pairs, self.texts = pairs, texts
        self.looked_now = False
        self.infected_now: str | None = None
        self.looks_now = 0
        self.blind: str | None = None
        #: the texts of the expression last evaluated
        self.evaluated: tuple[str, str] = texts[-1]
        #: a state, near one the mutant ran in, where the two would differ
        #: (``with flags = 'L', ...``); None: no change tried made them
        self.infectable: str | None = None
        #: ``infectable``'s state: what was given another value (``self.port``), and that value
        self.infectable_state: tuple[str, Any] | None = None
        #: states around which changes were tried, and why one could not be
        self.perturbed = 0
        self.nearby_blind: str | None = None
        #: what was given other values (``d``, ``self.text``), for the reason
        self.varied: set[str] = set()
        #: what the original's expression gave, wherever it was evaluated
        #: (the inputs' states and those near them), as ``value_key`` tells
        #: values apart: a condition that always gave one answer never
        #: decided anything (``unswitched``)
        self.gave: set[str] = set()

    @classmethod
    def of(cls, expressions: tuple[tuple[str, str], ...]) -> Infection | None:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        texts: list[tuple[str, str]] = []
        for original, mutated in expressions:
            try:
                pairs.append((ast.parse(original, mode="eval").body, ast.parse(mutated, mode="eval").body))
            except SyntaxError:
                continue
            texts.append((original, mutated))
        return cls(pairs, texts) if pairs else None

    def reset(self) -> None:
        self.looked_now, self.infected_now, self.looks_now = False, None, 0

    def _nearby_blind(self, why: str) -> None:
        self.nearby_blind = self.nearby_blind or why

    def look(self, frame: FrameType) -> None:
        """Evaluate both texts where the mutant is about to run."""
        if self.infected_now is not None or self.looks_now >= LOOKS_PER_CALL:
            return
        self.looks_now += 1
        for (original, mutated), texts in zip(self.pairs, self.texts, strict=True):
            try:
                told = compare(original, mutated, frame, texts, gave=self.gave)
            except Unsafe as e:
                self.blind = self.blind or str(e)
                continue
            self.looked_now = True
            self.evaluated = texts
            if told is not None:
                self.infected_now = told
            elif self.infectable is None and self.looks_now == 1 and self.perturbed < PERTURBED_STATES:
                self.perturbed += 1
                found = _infectable(
                    frame, original, mutated, texts, self._nearby_blind, self.varied, self.gave
                )
                if found is not None:
                    self.infectable, path, value = found
                    self.infectable_state = (path, value)
            return

    def unswitched(self) -> str | None:
        """The answer a condition among the changed expressions always gave
        (``(src_end - start) * (dst_end - start) <= LIMIT was True every
        time``), where what it reads was varied: the mutant moved a boundary
        no state came near, and agreeing there is no evidence (jsonpatch's
        size threshold: 3 wrong "likely equivalent")."""
        original, _ = self.evaluated
        if len(self.gave) != 1 or not self.varied:
            return None
        (answer,) = self.gave
        return f"`{_short(original)}` was {answer} every time" if answer in ("True", "False") else None


def _told(texts: tuple[str, str], before: Evaluated, after: Evaluated) -> str:
    original, mutated = (_short(text) for text in texts)
    return f"`{mutated}` gave {after.shown()} where the original's `{original}` gave {before.shown()}"


def compare(
    original: ast.expr,
    mutated: ast.expr,
    frame: FrameType,
    texts: tuple[str, str],
    instead: Mapping[str, Any] | None = None,
    gave: set[str] | None = None,
) -> str | None:
    """What the two expressions gave where the mutant runs, told, or None
    when they gave the same; ``Unsafe`` when the probe cannot tell.  What
    the original's gave is added to ``gave``."""
    try:
        before = evaluate(original, frame, instead)
        after = evaluate(mutated, frame, instead)
        if gave is not None:
            gave.add(before.shown())
    except Unsafe:
        if not (
            isinstance(original, ast.Call)
            and isinstance(mutated, ast.Call)
            and ast.dump(original.func) == ast.dump(mutated.func)
        ):
            raise
        return _compare_calls(original, mutated, frame, texts, instead)
    return None if same(before, after) else _told(texts, before, after)


class _Text:
    """An argument as written: the same text in both calls is the same value."""

    def __init__(self, node: ast.expr) -> None:
        self.node, self.text = node, ast.unparse(node)


def _compare_calls(
    original: ast.Call,
    mutated: ast.Call,
    frame: FrameType,
    texts: tuple[str, str],
    instead: Mapping[str, Any] | None,
) -> str | None:
    """A call of code the probe never runs, compared by what each version
    would pass to each parameter: ``Quantifier(member, min=0)`` and
    ``Quantifier(member)`` are the same call when ``min`` defaults to 0, and
    ``cast(None, x)`` is ``cast(int, x)`` when ``cast`` never reads its first
    parameter.  An argument written the same in both is not evaluated (it may
    be ``next(it)``)."""
    scope = _Scope(frame.f_locals, frame.f_globals, frame.f_builtins, instead or {})
    function = scope.value(original.func)
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as e:
        raise Unsafe(f"a call of {_name(function)}") from e
    bound: list[inspect.BoundArguments | None] = []
    for call in (original, mutated):
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise Unsafe("a call with * or **")
        try:
            arguments = signature.bind(
                *map(_Text, call.args), **{k.arg: _Text(k.value) for k in call.keywords if k.arg}
            )
        except TypeError:
            bound.append(None)  # the call raises TypeError
            continue
        arguments.apply_defaults()
        bound.append(arguments)
    was, now = bound
    shown_original, shown_mutated = (_short(text) for text in texts)
    if was is None or now is None:
        if was is None and now is None:
            return None
        outcome = "raises TypeError" if now is None else "binds its arguments"
        return f"`{shown_mutated}` {outcome} where the original's does not"
    # what a callback the inputs supplied never reads is that callback's
    # choice, not the program's: xmltodict's ``self.postprocessor(None, key,
    # data)`` met only the tests' postprocessors, which ignore the path
    unread = _unread(function) if _program_code(original.func, function, scope, frame) else frozenset()
    differing: list[str] = []
    passed: list[str] = []
    for name, ours in was.arguments.items():
        theirs = now.arguments.get(name)
        if name in unread or _same_text(ours, theirs):
            continue
        before, after = _resolved(scope, ours), _resolved(scope, theirs)
        if not same(before, after):
            differing.append(f"{name}={before.shown()}")
            passed.append(f"{name}={after.shown()}")
    if not differing:
        return None
    return (
        f"`{shown_mutated}` passed {', '.join(passed)} where the original's "
        f"`{shown_original}` passed {', '.join(differing)}"
    )


def _program_code(node: ast.expr, function: Any, scope: _Scope, frame: FrameType) -> bool:
    """Whether the callee is the program's own code (a global or built-in
    name, a module's or a class's attribute, a method), not a callable a
    caller handed in (a parameter, or an instance's attribute holding one)."""
    if isinstance(node, ast.Name):
        return node.id not in frame.f_locals
    if inspect.ismethod(function) or (inspect.isbuiltin(function) and function.__self__ is not None):
        return True
    if isinstance(node, ast.Attribute):
        try:
            owner = scope.value(node.value)
        except Exception:  # noqa: BLE001 - Unsafe, or what reading it raised: not known to be fixed
            return False
        return isinstance(owner, (ModuleType, type))
    return False


def _same_text(a: Any, b: Any) -> bool:
    if isinstance(a, _Text) and isinstance(b, _Text):
        return a.text == b.text
    if isinstance(a, tuple) and isinstance(b, tuple):  # *args
        return len(a) == len(b) and all(_same_text(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):  # **kwargs
        return a.keys() == b.keys() and all(_same_text(a[k], b[k]) for k in a)
    return False


def _resolved(scope: _Scope, value: Any) -> Evaluated:
    """An argument's value: its text evaluated (``Unsafe`` as ever), or a default as it is."""
    try:
        if isinstance(value, _Text):
            return Evaluated(scope.value(value.node))
        if isinstance(value, tuple):
            return Evaluated(tuple(_resolved(scope, v).value for v in value))
        if isinstance(value, dict):
            return Evaluated({k: _resolved(scope, v).value for k, v in value.items()})
        return Evaluated(value)
    except Unsafe:
        raise
    except Exception as e:  # noqa: BLE001 - what the argument raised is its outcome
        return Evaluated(raised=type(e))


#: names through which a function may read its parameters without naming them
_INTROSPECTION = frozenset({"locals", "vars", "_getframe", "currentframe", "signature", "getcallargs"})


def _unread(function: Any) -> frozenset[str]:
    """The parameters ``function``'s own code never reads (``typ`` of
    ``typing.cast``): what is passed to them changes nothing.  None of them
    when that cannot be read off its code (a class with no ``__init__`` in
    Python, a wrapper, a C function, a body that looks at its frame)."""
    target = function
    if isinstance(target, type):
        target = next((vars(k)["__init__"] for k in target.__mro__ if "__init__" in vars(k)), None)
    target = getattr(target, "__func__", target)
    code = getattr(target, "__code__", None)
    if (
        not isinstance(code, CodeType)
        or hasattr(target, "__wrapped__")
        or _INTROSPECTION & set(code.co_names)
    ):
        return frozenset()
    read = set(code.co_cellvars)
    for instruction in dis.get_instructions(code):
        if instruction.opname.startswith(
            ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "DELETE_FAST", "STORE_FAST_LOAD")
        ):
            value = instruction.argval
            read.update(value if isinstance(value, tuple) else (value,))
    parameters = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    return frozenset(name for name in parameters if name not in read)


#: values tried in place of one variable at most, and states changes are tried around
TRIES = 20
PERTURBED_STATES = 10
#: what a variable change may replace: a variable, an attribute, an item
_PATHS = (ast.Name, ast.Attribute, ast.Subscript)


def _infectable(
    frame: FrameType,
    original: ast.expr,
    mutated: ast.expr,
    texts: tuple[str, str],
    blind: Callable[[str], None],
    tried: set[str],
    gave: set[str] | None = None,
) -> tuple[str, str, Any] | None:
    """Would the two expressions differ if one variable (attribute, item)
    they read held another value: one of its own type near it, or a
    constant or display the expressions name (``_candidates``)?  If so:
    how they differ, told, what was changed and the value it was given.

    The inputs that reach a mutant may never bring it to the state where it
    differs: parsimonious's grammar flags never held ``'L'``, and ``'XXLXX'
    in flags`` ran on 148 inputs as ``'L' in flags`` does.  Such a mutant is
    not called equivalent; a mutant no such change tells apart
    (``float('INF')``, ``text.count('\\n', None, pos)``) may be."""
    constants = [value for e in (original, mutated) for value in _literals(e)]
    constants += _named_constants(original, frame)
    varied: list[str] = []
    through = _passed_through(original, mutated) if not _evaluable(original, mutated, frame) else set()
    given = _arguments(original) ^ _arguments(mutated)
    # what ``hasattr(rows, "next")`` asks about a value: another type of it answers
    asked = {
        ast.unparse(n.args[0])
        for n in ast.walk(original)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id in ("hasattr", "getattr")
        and n.args
    }
    # which function a variable holds, when the expression compares it
    # (``dumps is json.dumps``): every input passed the default, and a
    # caller's own function is the other value, which is never tried
    # (jsonpatch's ``DiffBuilder``: ``... if dumps is json.dumps or True``
    # was called likely equivalent)
    compared = {
        ast.unparse(operand)
        for n in ast.walk(original)
        if isinstance(n, ast.Compare)
        for operand in (n.left, *n.comparators)
    }
    # only the state a call holds is varied: its variables and what hangs
    # from them, never a global or a class's constant (``Texttable.VLINES``)
    held = [n for n in ast.walk(original) if isinstance(n, _PATHS) and _root(n) in frame.f_locals]
    for path in dict.fromkeys(ast.unparse(n) for n in held):
        if path in through:
            continue
        try:
            current = evaluate(ast.parse(path, mode="eval").body, frame)
        except Unsafe:
            continue  # a part of the frame not set yet, or not readable: its own parts may be
        if current.raised is not None or callable(current.value) or isinstance(current.value, ModuleType):
            if current.raised is None and (path in given or path in compared):
                # an argument one call passes and the other drops: its other
                # values (another invariant than the default) are what would
                # tell them apart, and none is tried (pyrsistent's
                # ``pset_field``: 2 wrong "likely equivalent")
                blind(f"no other value of {path} ({value_key(current.value)}) to try")
            continue  # a function, a class, a module: not a value an input sets
        candidates = _candidates(current.value, constants)
        if path in asked:
            candidates += _answering(original, mutated)
        if not candidates:
            if not any(other.startswith((f"{path}.", f"{path}[")) for other in varied):
                blind(f"no other value of {path} ({value_key(current.value)}) to try")
            continue
        varied.append(path)
        tried.add(path)
        for candidate in candidates[:TRIES]:
            try:
                told = compare(original, mutated, frame, texts, {path: candidate}, gave)
            except Unsafe as e:
                blind(f"with {path} = {value_key(candidate)}: {e}")
                continue
            if told is not None:
                return f"with {path} = {value_key(candidate)}, {told}", path, candidate
    if not varied and (settings := _settings(original, frame)):
        # a module's flag or optional import (tabulate's ``wcwidth is not
        # None and WIDE_CHARS_MODE``) holds one value in this process, and
        # a user who sets the flag, or has the package, meets the mutant:
        # 4 wrong "likely equivalent" read nothing else
        blind(f"it reads only {', '.join(settings)} of its module, which no input sets")
    return None


def _module_values(expression: ast.expr, frame: FrameType) -> list[tuple[str, Any]]:
    """The names an expression reads from its module (not a variable of the
    call), each with its value there."""
    found = []
    for node in ast.walk(expression):
        if isinstance(node, ast.Name) and node.id not in frame.f_locals and node.id in frame.f_globals:
            found.append((node.id, frame.f_globals[node.id]))
    return found


def _named_constants(expression: ast.expr, frame: FrameType) -> list[Any]:
    """The numbers and texts of the module the expression reads by name
    (``abs(a) > MAX_SHIFT_BASE``): the boundary a comparison's mutant moves
    is there as surely as at a literal, and the nearby values tried came
    from literals alone (an evaluator's ``>`` -> ``>=`` on a named limit was
    called likely equivalent)."""
    return [
        value for _, value in _module_values(expression, frame) if type(value) in (int, float, str, bytes)
    ]


def _settings(expression: ast.expr, frame: FrameType) -> list[str]:
    """The module-level values (not functions, classes or modules) an
    expression reads by name."""
    return sorted(
        {
            name
            for name, value in _module_values(expression, frame)
            if not (callable(value) or isinstance(value, ModuleType))
        }
    )


def _answering(original: ast.expr, mutated: ast.expr) -> list[Any]:
    """Objects that have the attributes an expression asks about (each
    expression's, and each one alone): texttable's ``hasattr(rows,
    '__iter__') and hasattr(rows, 'next')`` tells a Python 2 iterator from
    a list, and every input was a list."""
    names = [
        {
            n.value
            for n in ast.walk(e)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isidentifier()
        }
        for e in (original, mutated)
    ]
    sets = [names[0], names[1], *({name} for name in sorted(names[0] | names[1]))]
    # in name order: a set's order changes with PYTHONHASHSEED, and so would the reason
    return [SimpleNamespace(**dict.fromkeys(sorted(chosen))) for chosen in sets if chosen][:TRIES]


def _root(node: ast.expr) -> str | None:
    """The variable an attribute or item path starts from (``self`` in ``self.a[0]``)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _arguments(expression: ast.expr) -> set[str]:
    """The texts of the arguments a call passes as they are (none for no call)."""
    if not isinstance(expression, ast.Call):
        return set()
    return {ast.unparse(node) for node in [*expression.args, *(k.value for k in expression.keywords)]}


def _evaluable(original: ast.expr, mutated: ast.expr, frame: FrameType) -> bool:
    """Whether both expressions are evaluated where the mutant runs, not
    compared parameter by parameter (``_compare_calls``)."""
    try:
        evaluate(original, frame)
        evaluate(mutated, frame)
    except Unsafe:
        return False
    return True


def _passed_through(original: ast.expr, mutated: ast.expr) -> set[str]:
    """The arguments both calls pass as they are, by their text: compared
    parameter by parameter (``_compare_calls``), they are the same whatever
    they hold, so no other value of theirs needs trying (``member`` in
    ``Quantifier(member, min=0)`` -> ``Quantifier(member)``).  Only there: a
    call that is evaluated may treat an argument by the others it gets
    (``int(port, base=10)`` takes text only; ``int(port)`` a number too)."""
    if not isinstance(original, ast.Call) or not isinstance(mutated, ast.Call):
        return set()
    return _arguments(original) & _arguments(mutated)


def _literals(expression: ast.expr) -> list[Any]:
    """The constants an expression names, and its literal displays (``[]``, ``{}``)."""
    found: list[Any] = []
    for node in ast.walk(expression):
        if isinstance(node, ast.Constant):
            found.append(node.value)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Dict, ast.Set)):
            try:
                found.append(ast.literal_eval(node))
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return found


def _candidates(current: Any, constants: list[Any]) -> list[Any]:
    """Values of ``current``'s type to try in its place: the expressions'
    constants, around them and around ``current``."""
    kind = type(current)
    found: list[Any] = []
    if kind in (str, bytes):
        same_kind = [c for c in constants if type(c) is kind]
        found = [kind()] + [v for c in same_kind for v in (c, current + c, c + current, c.lower(), c.upper())]
        if kind is str:
            # a number the expression names, as the text it is parsed from:
            # ``0 <= int(byte) <= 255`` -> ``< 255`` differs only on "255", and
            # other text never came near it (rfc3986: a wrong "likely equivalent")
            numbers = [c for c in constants if type(c) is int]
            found += [str(v) for c in numbers for v in (c, c - 1, c + 1)]
    elif kind in (int, float):
        numbers = [c for c in constants if type(c) in (int, float)]
        found = [kind(v) for c in [*numbers, current, 0] for v in (c - 1, c, c + 1)]
        found += [-current]
    elif kind is bool:
        found = [not current]
    elif current is None:
        # an option never passed: what a caller might pass instead
        found = [c for c in constants if c is not None] + [0, 1, "", "a", True, False]
    elif kind in (list, tuple, set, frozenset) and plain(current):
        items = [c for c in constants if c is not None and plain(c) and type(c) in _PLAIN_SCALARS]
        # an empty one, and one holding an item: the expression's constants,
        # or any item where it names none (``bool(self._included)`` ->
        # ``bool(None)`` differs on any non-empty set, and every set the
        # tests left there was empty: nothing was tried, and it was not seen)
        found = [kind()] + [kind([*current, c]) for c in items or [0]]
    elif kind is dict and plain(current):
        found = [{}, {**current, 0: 0}]
    if found and plain(current):
        # a value of another type the expression names (``value is False``
        # where every value was a list): the tests' values need not be all
        found += [c for c in constants if type(c) is not kind]
    unique: dict[str, Any] = {}
    for value in found:
        if not (type(value) is kind and value == current):
            unique.setdefault(f"{type(value).__name__}:{value_key(value)}", value)
    return list(unique.values())[:TRIES]


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


class Unsafe(Exception):
    """The expression cannot be evaluated without running code of the user's."""


@dataclass(frozen=True)
class Evaluated:
    """What an expression gave: its value, or the type of what it raised."""

    value: Any = None
    raised: type[BaseException] | None = None

    def shown(self) -> str:
        return f"raised {self.raised.__name__}" if self.raised is not None else value_key(self.value)


def evaluate(node: ast.expr, frame: FrameType, instead: Mapping[str, Any] | None = None) -> Evaluated:
    """``node`` evaluated in ``frame``, with the variables, attributes or
    items ``instead`` names by their text (``self.expr.name``) holding other
    values; ``Unsafe`` if it would run user code (or reads a name the frame
    does not hold yet)."""
    scope = _Scope(frame.f_locals, frame.f_globals, frame.f_builtins, instead or {})
    try:
        return Evaluated(scope.value(node))
    except Unsafe:
        raise
    except RecursionError as e:
        raise Unsafe("too deep") from e
    except Exception as e:  # noqa: BLE001 - what the expression raised is its outcome
        return Evaluated(raised=type(e))


def same(first: Evaluated, second: Evaluated) -> bool:
    """Did the two evaluations give the same, as the probe reads values?"""
    if first.raised is not None or second.raised is not None:
        return first.raised is second.raised
    a, b = first.value, second.value
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, range) or plain(a) and plain(b):
        return bool(a == b)
    if isinstance(a, _CALLABLES):
        # shown by type alone, every bound method is the same: ``'\n'.join``
        # and ``'XX\nXX'.join`` were, and 44 one-line bodies made a mutant
        # "likely equivalent" that a two-line body tells apart
        return bool(a == b)
    return first.shown() == second.shown()


#: what an expression gives that is called next: the same only when equal
#: (a bound method by its object and function), never by its type alone
_CALLABLES = (
    types.BuiltinFunctionType,
    types.MethodType,
    types.FunctionType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    functools.partial,
)


def plain(value: Any, depth: int = 0) -> bool:
    """Is ``value`` made only of built-in scalars and containers, so that
    comparing, hashing or testing it runs no code of the user's?"""
    kind = type(value)
    if kind in _PLAIN_SCALARS:
        return True
    if depth > 3 or kind not in _PLAIN_CONTAINERS or len(value) > _LARGEST:
        return False
    if kind is dict:
        return all(plain(k, depth + 1) and plain(v, depth + 1) for k, v in value.items())
    return all(plain(item, depth + 1) for item in value)


class _Scope:
    def __init__(
        self,
        local: Mapping[str, Any],
        globals_: Mapping[str, Any],
        builtins: Mapping[str, Any],
        instead: Mapping[str, Any],
    ) -> None:
        self.local, self.globals, self.builtins, self.instead = local, globals_, builtins, instead

    def value(self, node: ast.expr) -> Any:
        if self.instead and isinstance(node, _PATHS) and (text := ast.unparse(node)) in self.instead:
            return self.instead[text]
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Unsafe(type(node).__name__)
        return method(node)

    def plain_value(self, node: ast.expr) -> Any:
        found = self.value(node)
        if not plain(found):
            raise Unsafe(f"{type(found).__qualname__} is not a built-in value")
        return found

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        for scope in (self.local, self.globals, self.builtins):
            if node.id in scope:
                return scope[node.id]
        raise Unsafe(f"{node.id} is not set here yet")

    def _Attribute(self, node: ast.Attribute) -> Any:
        owner = self.value(node.value)
        name = node.attr
        if isinstance(owner, ModuleType):
            if name in vars(owner):
                return vars(owner)[name]
            raise Unsafe(f"{name} of a module")
        if type(owner) in _PLAIN_SCALARS or type(owner) in _PLAIN_CONTAINERS:
            return getattr(owner, name)  # a built-in's method, called (or not) below
        if isinstance(owner, type):
            # a class's own constant (``Texttable.VLINES``), read from its dict
            for klass in owner.__mro__:
                if name in vars(klass):
                    held = vars(klass)[name]
                    if plain(held):
                        return held
                    break
            raise Unsafe(f"{name} of a class is no plain value")
        # an attribute an instance holds, read as the probe reads state: no
        # property, no __getattr__ of its class runs
        for klass in type(owner).__mro__:
            if name in vars(klass):
                held = vars(klass)[name]
                if isinstance(held, MemberDescriptorType):
                    return held.__get__(owner, type(owner))  # a __slots__ member
                if hasattr(type(held), "__get__") or hasattr(type(held), "__set__"):
                    raise Unsafe(f"{name} is computed by its class")
                break
        state = getattr(owner, "__dict__", None)
        if isinstance(state, dict) and name in state:
            return state[name]
        for klass in type(owner).__mro__:
            if name in vars(klass):
                return vars(klass)[name]
        raise Unsafe(f"{name} is not held by the object")

    def _BinOp(self, node: ast.BinOp) -> Any:
        function = _BINARY.get(type(node.op))
        if function is None:
            raise Unsafe(type(node.op).__name__)
        left, right = self.plain_value(node.left), self.plain_value(node.right)
        if function is operator.pow and isinstance(right, int) and abs(right) > 10_000:
            raise Unsafe("a power too large to compute in passing")
        if function is operator.lshift and isinstance(right, int) and right > 10_000:
            raise Unsafe("a shift too large to compute in passing")
        if function is operator.mul and _huge(left, right):
            raise Unsafe("a product too large to compute in passing")
        return function(left, right)

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        return _UNARY[type(node.op)](self.plain_value(node.operand))

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        result: Any = None
        for part in node.values:
            result = self.plain_value(part)
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return result

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.value(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.value(right_node)
            if isinstance(op, (ast.Is, ast.IsNot)):
                outcome = (left is right) == isinstance(op, ast.Is)
            else:
                if not (plain(left) and plain(right)):
                    raise Unsafe("a comparison of objects runs their methods")
                outcome = _COMPARE[type(op)](left, right)
            if not outcome:
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.value(node.body) if self.plain_value(node.test) else self.value(node.orelse)

    def _Subscript(self, node: ast.Subscript) -> Any:
        container = self.value(node.value)
        if type(container) not in (list, tuple, str, bytes, dict, range):
            raise Unsafe(f"indexing a {type(container).__qualname__}")
        index = (
            self.plain_value(node.slice) if not isinstance(node.slice, ast.Slice) else self._Slice(node.slice)
        )
        return container[index]

    def _Slice(self, node: ast.Slice) -> slice:
        parts = [
            None if part is None else self.plain_value(part) for part in (node.lower, node.upper, node.step)
        ]
        return slice(*parts)

    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.value(item) for item in node.elts)

    def _List(self, node: ast.List) -> Any:
        return [self.value(item) for item in node.elts]

    def _Set(self, node: ast.Set) -> Any:
        return {self.plain_value(item) for item in node.elts}

    def _Dict(self, node: ast.Dict) -> Any:
        if any(key is None for key in node.keys):
            raise Unsafe("a dict display with **")
        return {
            self.plain_value(key): self.value(item)
            for key, item in zip(node.keys, node.values, strict=True)
            if key
        }

    def _Call(self, node: ast.Call) -> Any:
        function, args, kwargs = self._parts(node)
        if not _harmless(function, args, kwargs):
            raise Unsafe(f"a call of {_name(function)}")
        return function(*args, **kwargs)

    def _parts(self, node: ast.Call) -> tuple[Any, list[Any], dict[str, Any]]:
        function = self.value(node.func)
        if any(isinstance(arg, ast.Starred) for arg in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise Unsafe("a call with * or **")
        args = [self.value(arg) for arg in node.args]
        kwargs = {k.arg: self.value(k.value) for k in node.keywords if k.arg}
        return function, args, kwargs


def _name(function: Any) -> str:
    return str(getattr(function, "__qualname__", type(function).__qualname__))


def _harmless(function: Any, args: list[Any], kwargs: dict[str, Any]) -> bool:
    """Does calling ``function`` so change nothing and run no code of the user's?"""
    if isinstance(function, BuiltinMethodType) and not isinstance(function.__self__, ModuleType):
        owner = function.__self__
        if isinstance(owner, type):
            return False  # a class method (dict.fromkeys): left alone
        if type(owner) is dict:
            # a lookup hashes and compares the key with the dict's keys
            readable = all(plain(key) for key in owner) if len(owner) <= _LARGEST else False
            return function.__name__ in _READING_METHODS and readable and all(map(plain, args))
        if type(owner) in (list, set):
            return function.__name__ in _READING_METHODS and plain(owner) and all(map(plain, args))
        return type(owner) in _IMMUTABLE and plain(owner) and all(map(plain, [*args, *kwargs.values()]))
    if function is isinstance:
        return len(args) == 2 and _builtin_types(args[1])
    if function is hasattr or function is getattr:  # by identity: ``in`` would ask a user's __eq__
        # a built-in value has no __getattr__ of the user's
        answers = (*_PLAIN_SCALARS, *_PLAIN_CONTAINERS, SimpleNamespace)
        return type(args[0]) in answers and all(map(plain, args[1:]))
    if function is functools.reduce:
        folding = args[0] if args else None
        known = isinstance(folding, BuiltinFunctionType) and folding in _PURE_FUNCTIONS
        return known and 2 <= len(args) <= 3 and all(map(plain, args[1:])) and not kwargs
    if function is len:
        return len(args) == 1 and type(args[0]) in (*_PLAIN_CONTAINERS, str, bytes, range)
    if isinstance(function, (BuiltinFunctionType, type)) and function in _PURE_FUNCTIONS:
        return all(map(plain, [*args, *kwargs.values()]))
    return False


def _builtin_types(kinds: Any) -> bool:
    if isinstance(kinds, tuple):
        return all(_builtin_types(kind) for kind in kinds)
    return type(kinds) is type


def _huge(left: Any, right: Any) -> bool:
    sizes = [len(v) if isinstance(v, (str, bytes, list, tuple)) else 0 for v in (left, right)]
    counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
    return (
        any(sizes) and any(abs(c) > 100_000 for c in counts) or any(abs(c).bit_length() > 64 for c in counts)
    )


class ReadDefault(Infection):
    """The infection check of a mutant of a parameter's default value: every
    input of its search leaves the parameter out, so wherever the body reads
    it, it reads the mutant's default, which differs from the original's."""

    def __init__(self, name: str, original: Any, mutated: Any) -> None:
        super().__init__([(ast.Name(name), ast.Name(name))], [(name, name)])
        self.told = (
            f"`{name}` was {safe_repr(mutated, 60)}, the mutant's default, "
            f"where the original's is {safe_repr(original, 60)}"
        )

    def look(self, frame: FrameType) -> None:
        self.looked_now, self.infected_now = True, self.told
