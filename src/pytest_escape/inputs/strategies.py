"""Hypothesis strategies for a function's inputs.

Sources, mixed with ``one_of``: type hints (``st.from_type``), default values
(and leaving them out), parameter-name heuristics, and the argument values the
tests themselves passed (recorded while they ran), with values grown from
them: edited strings, recombined lists and objects.  The mutated site's
literals are seeded in too (c-1, c, c+1, 0, +-1): Hypothesis rarely draws one
exact small integer, and boundary mutants (``>=`` -> ``>``) differ on exactly
one.

A parameter none of these can feed makes the function *unexplorable*, and the
message names it.  Paths, files, sockets and callables get nothing by default,
even with a type hint: feeding them generated values is how a search deletes
files.  ``st.register_type_strategy`` in a conftest opts a type back in.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import decimal
import enum
import fractions
import functools
import inspect
import io
import os
import pathlib
import re
import socket
import textwrap
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, find, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, InvalidArgument

from .compare import safe_repr
from .literals import (
    OMITTED,
    Bare,
    Built,
    Shaped,
    Step,
    Stepped,
    constructs_plainly,
    python_classes,
    settled,
    shaped,
)
from .recorded import Call, Then, call_key
from .structured import structured
from .themselves import is_sentinel

MAX_SEEDS = 40
MAX_OBSERVED = 40
#: how deep recombined objects go (an object's attributes' attributes...)
_VARIATION_DEPTH = 2


class Unexplorable(Exception):
    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"parameter {parameter!r}: {reason}")
        self.parameter = parameter
        self.reason = reason


@dataclass
class Seeds:
    """Literals of the original and mutated code, grown into boundary values."""

    ints: list[int] = field(default_factory=list)
    floats: list[float] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)

    @classmethod
    def from_code(cls, codes: Iterable[CodeType], extra: Iterable[Any] = ()) -> Seeds:
        """Seeds from the constants of ``codes`` (nested code too) and ``extra`` values."""
        ints: set[int] = {0, 1, -1}
        # fractions Hypothesis seldom draws, where rounding and precision mutants show
        floats: set[float] = {0.0, 0.5, 0.1, 0.01, 0.001, 1 / 3}
        strings: set[str] = {""}
        for constant in [*_constants(codes), *extra]:
            if isinstance(constant, bool):
                continue
            if isinstance(constant, int) and abs(constant) < 2**63:
                ints |= {constant - 1, constant, constant + 1}
                floats.add(float(constant))
                if 0 < constant < 8:  # round(x, 2): the digits just past it
                    floats |= {10.0**-constant, 10.0 ** -(constant + 1), 1.5 * 10.0 ** -(constant + 1)}
            elif isinstance(constant, float):
                floats |= {constant, constant - 1, constant + 1}
            elif isinstance(constant, str) and len(constant) <= 100:
                strings.add(constant)
                if constant.startswith("--"):
                    strings |= {"--help", "-h"}  # a command line: its help is output too
        # total orders: a set of strings iterates in another order under
        # another PYTHONHASHSEED, and ties would follow it (and the searches with them)
        return cls(
            sorted(ints, key=lambda i: (abs(i), i))[:MAX_SEEDS],
            sorted(floats, key=lambda f: (abs(f), f))[:MAX_SEEDS],
            sorted(strings, key=lambda s: (len(s), s))[:MAX_SEEDS],
        )

    def matching(self, hint: Any) -> list[Any]:
        """The seeds that are instances of ``hint`` (none if it is not a runtime type)."""
        out: list[Any] = []
        for value in [*self.ints, *self.floats, *self.strings]:
            try:
                if isinstance(value, hint) and not (isinstance(value, bool)):
                    out.append(value)
            except TypeError:
                return []
        return out


def _constants(codes: Iterable[CodeType]) -> Iterable[Any]:
    for code in codes:
        for constant in code.co_consts:
            if isinstance(constant, CodeType):
                yield from _constants([constant])
            elif isinstance(constant, (tuple, frozenset)):
                yield from constant
            else:
                yield constant


_UNIONS = (typing.Union, types.UnionType)
_UNSAFE_TYPES: tuple[type, ...] = (pathlib.PurePath, io.IOBase, socket.socket, os.PathLike)
_UNSAFE_NAMES = re.compile(
    r"^(path|paths|file|files|filename|fname|fp|fh|fd|stream|sock|socket|conn|connection|callback|cb|fn"
    r"|func|function|handler|hook|client|session|db|directory|dir|dirname|folder|url)$|_(path|file|dir)$"
)
_NAME_HEURISTICS: list[tuple[re.Pattern[str], Callable[[], st.SearchStrategy[Any]]]] = [
    (
        re.compile(r"^(is|has|should|can|allow|enable|use)_|^(flag|strict|verbose|force|reverse)$"),
        st.booleans,
    ),
    (
        re.compile(
            r"^(n|i|j|k|count|num|number|size|length|len|index|idx|qty|quantity|limit|offset|width|height"
            r"|depth|level|year|month|day|days|hour|hours|minute|minutes|second|seconds|age|times|steps|start"
            r"|stop|end|step|pos|position|max_\w+|min_\w+|\w+_count|\w+_size|\w+_len|\w+_index)$"
        ),
        st.integers,
    ),
    (
        re.compile(r"^(x|y|z|a|b|price|rate|ratio|weight|factor|score|percent|amount|total|value|val)$"),
        lambda: st.one_of(st.integers(), st.floats(allow_nan=True)),
    ),
    (
        re.compile(
            r"^(s|text|name|string|word|title|label|prefix|suffix|sep|separator|key|message|msg|line|char"
            r"|pattern|slug|email|code|token|tag|lang|locale|fmt|format|\w+_name|\w+_str|\w+_text)$"
        ),
        st.text,
    ),
    (
        re.compile(r"^(items|values|xs|elements|numbers|nums|lst|seq|sequence|data|rows|args|parts)$"),
        lambda: st.one_of(st.lists(st.integers()), st.lists(st.text())),
    ),
]


def _registered(hint: Any) -> bool:
    """Whether a strategy was registered for ``hint`` (by the user: Hypothesis's
    own one for ``os.PathLike`` makes paths, which is what we refuse)."""
    if hint is os.PathLike:
        return False
    try:
        from hypothesis.strategies._internal.types import _global_type_lookup
    except ImportError:  # pragma: no cover - hypothesis moved it; be safe
        return False
    return hint in _global_type_lookup


def _unsafe_hint(hint: Any) -> bool:
    origin = typing.get_origin(hint) or hint
    if origin in _UNIONS:
        return any(_unsafe_hint(arg) for arg in typing.get_args(hint) if arg is not type(None))
    if origin in (typing.IO, typing.TextIO, typing.BinaryIO):
        return True
    if origin is Callable or str(origin).startswith(("typing.Callable", "collections.abc.Callable")):
        return True
    if isinstance(origin, type):
        return issubclass(origin, _UNSAFE_TYPES) and not _registered(hint)
    return False


def _says_nothing(hint: Any) -> bool:
    """Any, object or a TypeVar: a hint that allows every value."""
    return hint in (Any, object) or isinstance(hint, typing.TypeVar)


def _mentions_any(hint: Any) -> bool:
    """Whether ``Any`` stands anywhere inside ``hint`` (``dict[str, Any]``)."""
    if hint is Any:
        return True
    try:
        return any(_mentions_any(arg) for arg in typing.get_args(hint))
    except TypeError:  # an argument that is a value (``Literal['a']``'s), not a type
        return False


def _without_any(hint: Any) -> Any:
    """``hint`` as Hypothesis can build it: a union without its members that
    hold ``Any`` (Hypothesis builds no ``Any``, and fails only when it draws
    that member: a one-draw check passed ``str | dict[str, Any]``, and 13 of
    itsdangerous' searches then stopped "could not resolve typing.Any"),
    and no hint at all where ``Any`` is all there is (the tests' values
    stand in)."""
    if not _mentions_any(hint):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kept = [arg for arg in typing.get_args(hint) if not _mentions_any(arg)]
        if kept:
            return functools.reduce(lambda a, b: a | b, kept) if len(kept) > 1 else kept[0]
    return inspect.Parameter.empty


def _resolvable(hint: Any) -> bool:
    """Whether ``st.from_type(hint)`` can draw a value (tried once, quietly)."""
    if _says_nothing(hint):
        return False
    try:
        return _RESOLVABLE[hint]
    except (KeyError, TypeError):
        pass
    try:
        find(
            st.from_type(hint),
            lambda _: True,
            settings=settings(database=None, max_examples=1, phases=[Phase.generate], deadline=None),
        )
        works = True
    except Exception:  # noqa: BLE001 - ResolutionFailed, InvalidArgument, or the type's own error
        works = False
    try:
        _RESOLVABLE[hint] = works
    except TypeError:  # an unhashable hint: ask again next time
        pass
    return works


_RESOLVABLE: dict[Any, bool] = {}

#: the first value a hint's strategy could not make in this process
#: (``_or_rejected``), for a search that drew no input at all to say why
undrawable: list[str] = []


@st.composite
def _or_rejected(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    """``strategy``'s value, or this input rejected where it cannot make one.

    ``_resolvable`` tries a hint once, and ``Optional[List[Section]]`` makes
    ``None`` or ``[]`` on that try; the first non-empty list called
    ``Section()`` with no arguments, and Hypothesis's ``InvalidArgument``
    ended the whole search as unexplorable, though the tests' own values
    and every other parameter's were there to draw (docstring_parser's
    parsers: 9 survivors).  So did a class's own constructor refusing what
    Hypothesis drew for it (packaging's ``SpecifierSet('')``: 8 survivors).
    Rejected, that one input is drawn again; Hypothesis's own signals pass."""
    try:
        return draw(strategy)
    except HypothesisException as e:
        if not isinstance(e, InvalidArgument):
            raise
        _undrawable(e)
    except Exception as e:  # noqa: BLE001 - the class's own refusal, as in a call
        _undrawable(e)
    reject()


def _undrawable(e: Exception) -> None:
    if not undrawable:
        undrawable.append(f"{type(e).__name__}: {e}".splitlines()[0])


def _seeded(base: st.SearchStrategy[Any], seeds: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(base, st.sampled_from(seeds)) if seeds else base


def _unique(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for value in values:
        key = f"{type(value).__qualname__}:{safe_repr(value, 10_000)}"
        if key not in seen:
            seen.add(key)
            out.append(value)
        if len(out) >= MAX_OBSERVED:
            break
    return out


_SIMPLE = (bool, int, float, str, bytes, complex)
#: value types Hypothesis can generate, seen in the tests' arguments (Decimal months in isodate)
_VALUE_TYPES = (
    decimal.Decimal,
    fractions.Fraction,
    datetime.date,
    datetime.datetime,
    datetime.time,
    datetime.timedelta,
)


_PLAIN_VALUES = (*_SIMPLE, bytearray, type(None), *_VALUE_TYPES)
_CONTAINERS = (list, tuple, set, frozenset, dict)


def vouched_for(hint: Any) -> bool:
    """Whether any value ``st.from_type(hint)`` draws is one a caller may pass.

    Plain values, enums, dataclasses and containers of them are; a class
    Hypothesis builds by guessing its constructor's arguments is not (an
    empty ``argparse.Namespace`` is type-valid and means nothing), unless the
    user registered a strategy for it.
    """
    if hint in (None, Any) or _registered(hint):
        return hint is not Any
    origin = typing.get_origin(hint)
    if origin in _UNIONS:
        return all(vouched_for(arm) for arm in typing.get_args(hint))
    if origin is typing.Literal:
        return True
    if origin is not None:
        base = origin if isinstance(origin, type) else None
        if base is None or not (issubclass(base, _CONTAINERS) or base.__module__ == "collections.abc"):
            return False
        return all(arg is Ellipsis or vouched_for(arg) for arg in typing.get_args(hint))
    if not isinstance(hint, type):
        return False
    if issubclass(hint, _PLAIN_VALUES) or issubclass(hint, enum.Enum):
        return True
    return dataclasses.is_dataclass(hint)


def _observed_type_strategy(t: type, seeds: Seeds) -> st.SearchStrategy[Any] | None:
    if t in _SIMPLE:
        return _seeded(st.from_type(t), seeds.matching(t))
    if t is decimal.Decimal:
        # finite only: a signalling NaN makes every comparison raise, in both versions alike
        return _seeded(st.decimals(allow_nan=False, allow_infinity=False), [t(i) for i in seeds.ints])
    if t is fractions.Fraction:
        return _seeded(st.fractions(), [t(i) for i in seeds.ints])
    if t in _VALUE_TYPES:
        return st.from_type(t)
    if issubclass(t, enum.Enum) and len(t):
        # a member the tests passed: its class's other members are of the
        # same type, in the domain (a test's own ``Color.RED`` left
        # ``Color.BLUE``'s branch "not reached by the search")
        return st.sampled_from(list(t))
    return None


@st.composite
def _edited(draw: st.DrawFn, strings: list[str]) -> str:
    """One of ``strings`` changed a little: characters replaced by one of their
    kind, inserted or deleted, or the head of one joined to the tail of another.

    A parser's tests pass it valid strings; the branches they miss sit one or
    two characters away (a fraction, a sign, a comma for a dot, a missing
    field), which random text almost never hits.
    """
    pool = "".join(strings)
    digits = sorted(set(pool) & set("0123456789")) or list("0123456789")
    letters = sorted(c for c in set(pool) if c.isalpha()) or ["a"]
    marks = sorted(c for c in set(pool) | set(".,:+-") if not c.isalnum())
    text = draw(st.sampled_from(strings))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("replace", "replace", "insert", "delete", "splice")))
        if op == "splice":
            other = draw(st.sampled_from(strings))
            text = text[: draw(st.integers(0, len(text)))] + other[draw(st.integers(0, len(other))) :]
            continue
        if op != "insert" and not text:
            continue
        at = draw(st.integers(0, len(text) - (0 if op == "insert" else 1)))
        if op == "delete":
            text = text[:at] + text[at + 1 :]
            continue
        near = text[at] if op == "replace" else draw(st.sampled_from(text or "0"))
        kind = digits if near.isdigit() else letters if near.isalpha() else marks
        char = draw(st.sampled_from(kind))
        text = text[:at] + char + text[at + (op == "replace") :]
    return text


def _from_observed(
    observed: list[Any], seeds: Seeds, depth: int = 0, valid_only: bool = False
) -> list[st.SearchStrategy[Any]]:
    """The tests' own values for a parameter (or an attribute), and values grown
    from them: edited strings, recombined lists, recombined objects (not with
    ``valid_only``: an object's attributes recombined can break its invariants)."""
    if not observed:
        return []
    shapes = [shaped(v) for v in observed]
    parts: list[st.SearchStrategy[Any]] = [st.sampled_from(_unique(shapes))]
    strings = _unique(v for v in observed if type(v) is str)
    if strings:
        parts.append(_edited(strings))
    if strings and not valid_only:
        # runs, separators and escapes put in, for the search: a branch on
        # characters in an order (a space, then a tab later in the line)
        # needs two of the code's own marks together, which a one-character
        # edit of a test's line almost never makes (the property checks,
        # ``valid_only``, draw these on their own, for the transformed
        # argument alone)
        grown = structured(strings, seeds.strings)
        if grown is not None:
            parts.append(grown)
    lists = [v for v in observed if type(v) in (list, tuple)]
    elements = [e for v in lists for e in v]
    if elements:
        # argv-like lists: the tests' items (and the site's strings) recombined
        extra = seeds.strings if any(type(e) is str for e in elements) else []
        item: st.SearchStrategy[Any] = st.sampled_from(_unique([*elements, *extra]))
        if depth < _VARIATION_DEPTH and not valid_only:
            # and the objects in them varied as an attribute's are: a
            # docstring's list of parameters, one of them without a name
            # (docstring_parser's composers: no input reached 37 survivors)
            groups: dict[type, list[Shaped]] = {}
            for shape in (shaped(e) for e in elements):
                if isinstance(shape, Shaped):
                    groups.setdefault(shape.cls, []).append(shape)
            varied = [_variations(group, seeds, depth + 1) for group in groups.values()]
            item = st.one_of(item, *varied) if varied else item
        items = st.lists(item, max_size=8)
        parts.append(items.map(type(lists[0])))
        if "--help" in seeds.strings and type(lists[0]) is list:
            # a command line's help is one flag away from any argv the tests used;
            # drawn among forty seeds it took a hundred inputs to come up
            asks = [[flag] for flag in ("--help", "-h")]
            asks += [v[:1] + [flag] for v in lists[:5] if v for flag in ("--help", "-h")]
            parts.append(st.sampled_from(_unique(asks)))
    classes: dict[type, list[Shaped]] = {}
    for shape in shapes:
        if isinstance(shape, Shaped):
            classes.setdefault(shape.cls, []).append(shape)
    if depth < _VARIATION_DEPTH and not valid_only:  # objects hold objects, sometimes in a cycle
        parts += [_variations(group, seeds, depth + 1) for group in classes.values()]
    return parts


def parameter_strategy(
    param: inspect.Parameter,
    hint: Any,
    observed: list[Any],
    seeds: Seeds,
    valid_only: bool = False,
    depth: int = 0,
) -> st.SearchStrategy[Any]:
    """Inputs for one parameter; raises ``Unexplorable`` when nothing can feed it.

    ``valid_only``: only values the type hint or the tests vouch for, no
    guesses from the parameter's name.  ``depth``: how many constructors
    deep the parameter is (``_built_with_seeds``).
    """
    name = param.name
    parts: list[st.SearchStrategy[Any]] = []
    if hint is not inspect.Parameter.empty and _unsafe_hint(hint):
        # the tests' own values (and None, where allowed) are fine; generated ones are not
        safe: list[st.SearchStrategy[Any]] = []
        if param.default is not inspect.Parameter.empty:
            safe.append(st.just(OMITTED))
        if type(None) in typing.get_args(hint):
            safe.append(st.none())
        if observed:
            safe.append(st.sampled_from(_unique(shaped(v) for v in observed)))
        if safe:
            return st.one_of(safe)
        raise Unexplorable(
            name,
            f"type {getattr(hint, '__name__', hint)} gets no generated values (files, paths, "
            "sockets and callables are left alone; register a strategy to opt in)",
        )
    unbuildable = ""
    if hint is not inspect.Parameter.empty and not _says_nothing(hint):
        hint = _without_any(hint)
    if hint is not inspect.Parameter.empty and not _resolvable(hint):
        # Any, object, a TypeVar or a type Hypothesis cannot build: as good as no hint
        if not _says_nothing(hint):
            unbuildable = f"type {getattr(hint, '__name__', hint)}: Hypothesis cannot build one"
        hint = inspect.Parameter.empty
    if valid_only and hint is not inspect.Parameter.empty and not vouched_for(hint):
        if not observed and param.default is inspect.Parameter.empty:
            raise Unexplorable(
                name,
                f"type {getattr(hint, '__name__', hint)} gets only the tests' own values here, and they "
                "passed none (register a strategy for it to opt in)",
            )
        hint = inspect.Parameter.empty  # the tests' own values, below
    if hint is not inspect.Parameter.empty:
        parts.append(_seeded(_or_rejected(st.from_type(hint)), seeds.matching(hint)))
        if not valid_only:
            # each class of a union too: ``reply: Reply | None``, ``Version | str``
            named = typing.get_args(hint) if typing.get_origin(hint) in _UNIONS else (hint,)
            parts += [b for h in named if (b := _built_with_seeds(h, seeds, depth)) is not None]
    else:
        if _UNSAFE_NAMES.search(name) and not observed:
            raise Unexplorable(name, "no type hint, and its name suggests a path, file or callable")
        types = {type(v) for v in observed}
        if param.default is not inspect.Parameter.empty and param.default is not None:
            types.add(type(param.default))
        derived = False
        for t in sorted(types, key=lambda t: t.__name__):
            made = _observed_type_strategy(t, seeds)
            if made is not None:
                parts.append(made)
                derived = True
        if not derived and not observed and not valid_only:
            for pattern, make in _NAME_HEURISTICS:
                if pattern.search(name):
                    base = make()
                    parts.append(_seeded(base, [*seeds.ints, *seeds.strings]))
                    break
    if param.default is not inspect.Parameter.empty:
        parts.insert(0, st.just(OMITTED))
    parts += _from_observed(observed, seeds, valid_only=valid_only)
    if not parts and unbuildable:
        raise Unexplorable(name, f"{unbuildable}, and the tests passed none (register a strategy for it)")
    if not parts:
        raise Unexplorable(name, "no type hint, default value, telling name or value seen in the tests")
    return st.one_of(parts)


def type_hints(function: Callable[..., Any]) -> dict[str, Any]:
    """``typing.get_type_hints``, or the annotations that are not strings when a
    forward reference cannot be resolved: one bad hint must not hide the rest."""
    try:
        return typing.get_type_hints(function)
    except Exception:  # noqa: BLE001 - unresolvable forward references: use what is plain
        raw = getattr(function, "__annotations__", {}) or {}
        return {k: v for k, v in raw.items() if not isinstance(v, str)}


def _fillable(param: inspect.Parameter) -> bool:
    return param.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


#: builtin types a class may extend keeping their constructor, whose signature cannot be read
_BUILTIN_BASES = (dict, list, tuple, set, frozenset, str, bytes, int, float)
_UNBUILT = object()


def _by_builtin_base(cls: type, seeds: Seeds) -> st.SearchStrategy[Any] | None:
    """``cls(value)`` for a subclass of a builtin type that keeps its
    constructor (tinydb's ``FrozenDict(dict)``: 10 survivors unexplorable,
    "cannot read the signature"), ``value`` one of that type.  Written in a
    test by its contents (``FrozenDict({'a': 1})``, ``literals``)."""
    base = next((b for b in cls.__mro__[1:] if b in _BUILTIN_BASES), None)
    if base is None:
        return None
    scalars = st.one_of(
        _seeded(st.integers(-3, 20), seeds.ints), _seeded(st.text("abcxyz ", max_size=4), seeds.strings)
    )
    contents: st.SearchStrategy[Any]
    if base is dict:
        contents = st.dictionaries(scalars, scalars, max_size=4)
    elif base in (list, tuple, set, frozenset):
        contents = st.lists(scalars, max_size=4).map(base)
    else:
        contents = _observed_type_strategy(base, seeds) or st.from_type(base)

    def build(value: Any) -> Any:
        try:
            return cls(value)
        except Exception:  # noqa: BLE001 - a value the class refuses: drawn again
            return _UNBUILT

    return contents.map(build).filter(lambda made: made is not _UNBUILT)


@functools.cache
def _options_read(source: str, name: str) -> tuple[str, ...]:
    tree = ast.parse(textwrap.dedent(source))
    found: list[str] = []

    def named(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == name

    for node in ast.walk(tree):
        key: ast.AST | None = None
        if isinstance(node, ast.Subscript) and named(node.value):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and named(node.func.value)
            and node.func.attr in ("get", "pop", "setdefault")
            and node.args
        ):
            key = node.args[0]
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], (ast.In, ast.NotIn))
        ):
            key = node.left if named(node.comparators[0]) else None
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier():
            if key.value not in found:
                found.append(key.value)
    return tuple(found)


def option_keys(function: Callable[..., Any], name: str) -> tuple[str, ...]:
    """The keys ``function`` reads from its ``**name`` by a literal: ``kwargs["end"]``,
    ``kwargs.get("encoding", ...)``, ``"header" in kwargs``.

    Options passed as ``**kwargs`` are a common Python pattern, and the
    tests' own calls seldom pass most of them: prettytable's constructor
    reads 40 options this way, and 30 of its survivors were called "likely
    equivalent" on inputs that never passed one."""
    try:
        return _options_read(inspect.getsource(function), name)
    except (OSError, TypeError, SyntaxError):
        return ()


def _with_options(
    given: st.SearchStrategy[Any], keys: tuple[str, ...], seen: list[Any], seeds: Seeds
) -> st.SearchStrategy[Any]:
    """``**kwargs`` as the tests passed them, or with some of ``keys`` set
    (to a value a test passed for it, or a plain one), added to theirs."""
    passed: dict[str, list[Any]] = {}
    for kwargs in seen:
        for key, value in kwargs.items() if isinstance(kwargs, dict) else ():
            passed.setdefault(key, []).append(value)
    plain = st.one_of(
        st.none(),
        st.booleans(),
        _seeded(st.integers(-2, 40), seeds.ints),
        _seeded(st.text("abc -=|+", max_size=4), seeds.strings),
    )
    optional = {
        key: st.one_of(st.sampled_from(_unique(passed[key])), plain) if key in passed else plain
        for key in keys
    }
    extra = st.fixed_dictionaries({}, optional=optional)
    return st.one_of(given, st.tuples(given, extra).map(lambda pair: {**pair[0], **pair[1]}))


def _built_with_seeds(hint: Any, seeds: Seeds, depth: int) -> st.SearchStrategy[Any] | None:
    """A class of the program's named by a hint, also built by calling it with
    arguments drawn as a parameter's are, the code's boundary values among them.

    ``st.from_type`` builds such a class with its own strategies for the
    fields, which know nothing of the mutated line: for ``reply.status <
    400`` a ``Reply(status=400, ...)`` came only from Hypothesis's pool of
    the project's literals, two draws in five hundred, and not at all once
    the pool held more modules' literals.  A registered strategy is the
    user's word on how to build the class, and is left alone; constructors
    of constructors stop at ``_VARIATION_DEPTH`` (a node holds a node).
    Built-in types, exceptions and tuples hold their state in C
    (``python_classes`` refuses them); an enum is its members, which
    ``st.from_type`` draws already."""
    if (
        depth >= _VARIATION_DEPTH
        or not isinstance(hint, type)
        or issubclass(hint, enum.Enum)
        or not python_classes(hint)
        or _registered(hint)
    ):
        return None
    try:
        return constructor_strategy(hint, seeds, depth=depth + 1)
    except Unexplorable:
        return None


def constructor_strategy(
    cls: type, seeds: Seeds, valid_only: bool = False, depth: int = 0
) -> st.SearchStrategy[Any]:
    """``cls(...)`` with generated arguments, remembered as a ``Built`` so a test can write it."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        by_base = None if valid_only else _by_builtin_base(cls, seeds)
        if by_base is not None:
            return by_base
        raise Unexplorable("self", f"cannot read the signature of {cls.__qualname__}()") from None
    hints = type_hints(vars(cls).get("__init__") or cls)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for param in signature.parameters.values():
        if not _fillable(param):
            continue
        try:
            fields[param.name] = parameter_strategy(
                param, hints.get(param.name, param.empty), [], seeds, valid_only, depth
            )
        except Unexplorable as e:
            raise Unexplorable(
                "self", f"no way to build {cls.__qualname__}: {e} (and the tests passed no instance)"
            ) from None
    return st.fixed_dictionaries(fields).map(lambda kw: Built(cls, tuple(kw.items())))


def _new(owner: type, receiver: Any) -> Any:
    """A constructor's receiver as the tests passed it: ``Bare`` when it is
    a new ``owner`` that nothing has set yet, else as it was."""
    if isinstance(receiver, Shaped) and receiver.cls is owner and not receiver.state:
        return Bare(owner)
    return receiver


def call_strategy(
    function: Callable[..., Any],
    owner: type | None,
    observed: list[dict[str, Any]],
    seeds: Seeds,
    valid_only: bool = False,
    typed_only: bool = False,
    steps: Sequence[Step] = (),
    defaulted: frozenset[str] = frozenset(),
) -> st.SearchStrategy[Call]:
    """Whole calls: generated ones first (they shrink simplest), then the tests' own calls.

    ``defaulted`` names parameters left at their default in every call, the
    tests' own too: a mutant of a default value (``encoding='utf-8'`` ->
    ``'UTF-8'``) acts only on a call that leaves it out, and a search that
    passed one on most inputs never met it (xmltodict: 9 such survivors
    "not reached").

    ``steps`` (calls the tests made that changed an instance of ``owner``)
    also take a ``self`` one to three calls further (``Stepped``), after the
    receivers as they are, which Hypothesis shrinks towards.

    ``owner`` is the class of an instance method: its ``self`` comes from the
    instances the tests used, or from building one.  ``valid_only`` keeps to
    inputs the type hints or the tests vouch for (a property's counter-example
    must be one a caller may pass).  ``typed_only`` (with ``valid_only``) also
    gives a parameter without a usable hint only the tests' own values, not
    others of their type: ``fquotmod(0, 0, 0)`` is ints, and still no call a
    caller makes.
    """
    valid_only = valid_only or typed_only
    signature = inspect.signature(function)
    hints = type_hints(function)
    # values the tests passed to any parameter: a guess for one they never set
    # (``totimedelta(start=None, end=None)``, tested with start only)
    own = next(iter(signature.parameters), None) if owner is not None else None
    # a sentinel that is the parameter's own default (``absent = object()``,
    # recorded as itself) was left out by the test: leave it out here too, so
    # the call reads as the test's did (other defaults stay: a test's
    # ``many=False`` belongs with the arguments it came with)
    defaults = {p.name: p.default for p in signature.parameters.values() if is_sentinel(p.default)}
    observed = [
        {
            name: OMITTED if (name in defaults and value is defaults[name]) or name in defaulted else value
            for name, value in call.items()
        }
        for call in observed
    ]
    # a value whose hash raises (an instance recorded at the start of its own
    # ``__init__``, its slots still unset) breaks Hypothesis's ``just`` for
    # every survivor of the function: such a value is no seed
    observed = [{name: v for name, v in call.items() if _hashes_cleanly(v)} for call in observed]
    pool = _unique(
        shaped(v)
        for call in observed
        for name, v in call.items()
        if v is not None and v is not OMITTED and name != own
    )
    # plain objects are held by their attributes, so a test can write them down
    observed = [{name: shaped(value) for name, value in call.items()} for call in observed]
    constructor = owner is not None and function.__name__ == "__init__" and constructs_plainly(owner)
    if owner is not None and constructor:
        # a receiver of the tests' constructor calls, seen before ``__init__``
        # set anything, is that new instance: the call is the constructor's
        observed = [{k: _new(owner, v) if k == own else v for k, v in call.items()} for call in observed]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    tied = _tied(signature, hints, observed, typed_only) if valid_only else []
    for index, param in enumerate(signature.parameters.values()):
        if param.name in tied:
            continue
        if param.name in defaulted and param.default is not param.empty:
            fields[param.name] = st.just(OMITTED)
            continue
        values = [call[param.name] for call in observed if param.name in call]
        if not _fillable(param):
            if values:
                fields[param.name] = st.sampled_from(_unique(values))
                if param.kind == param.VAR_POSITIONAL and not valid_only:
                    fields[param.name] = st.one_of(_positional_rest(param, values, seeds), fields[param.name])
            else:
                fields[param.name] = st.just(() if param.kind == param.VAR_POSITIONAL else {})
            keys = () if valid_only or param.kind != param.VAR_KEYWORD else option_keys(function, param.name)
            if keys:
                fields[param.name] = _with_options(fields[param.name], keys, values, seeds)
            continue
        if index == 0 and owner is not None:
            strategies = _from_observed(values, seeds, valid_only=valid_only)
            try:
                if constructor:
                    # the constructor itself: a new instance, initialised by the call
                    strategies.insert(0, st.just(Bare(owner)))
                elif not (typed_only and values):  # built from guessed arguments: not the tests' objects
                    strategies.insert(0, constructor_strategy(owner, seeds, valid_only))
            except Unexplorable:
                if not strategies:
                    raise
            receivers = st.one_of(strategies)
            if steps and not valid_only and not constructor:
                walked = st.tuples(receivers, st.lists(st.sampled_from(list(steps)), min_size=1, max_size=3))
                receivers = st.one_of(receivers, walked.map(lambda pair: Stepped(pair[0], tuple(pair[1]))))
            fields[param.name] = receivers
            continue
        hint = hints.get(param.name, param.empty)
        if typed_only and not _typed(hint):
            fields[param.name] = _recorded(param, values)
            continue
        if (
            hint is param.empty
            and param.default is None
            and all(v is None for v in values)
            and not valid_only
        ):
            # only ever left at None by the tests: try what they passed elsewhere
            values = [*values[:1], *pool]
        fields[param.name] = parameter_strategy(param, hint, values, seeds, valid_only)
        if index == 1 and owner is not None and not valid_only and function.__name__ in _COMPARISONS:
            # Python compares anything with anything (``trie == None``): a comparison
            # must answer for a foreign operand, which no test of it passes
            fields[param.name] = st.one_of(fields[param.name], st.sampled_from(_FOREIGN))
    order = list(signature.parameters)
    if tied:
        together = [{name: call[name] for name in tied} for call in unique_calls(observed)]
        generated = st.tuples(st.sampled_from(together), st.fixed_dictionaries(fields)).map(
            lambda pair: Call(tuple((k, settled({**pair[0], **pair[1]}[k])) for k in order))
        )
    else:
        generated = st.fixed_dictionaries(fields).map(
            lambda kw: Call(tuple((k, settled(v)) for k, v in kw.items()))
        )
    if not observed:
        return generated
    seen = st.sampled_from(unique_calls(observed)).map(lambda kw: Call(tuple(kw.items())))
    return st.one_of(generated, seen)


def _positional_rest(
    param: inspect.Parameter, values: list[Any], seeds: Seeds
) -> st.SearchStrategy[tuple[Any, ...]]:
    """``*args`` made of values like those the tests passed in it: as many
    as they passed at most, each drawn as a parameter seen with those
    values would be (their type's values, the code's constants).

    Given only the tests' own tuples, a method that takes its index
    through ``*a`` (``pop(self, *a)``, ``index = a and a[0]``) never met
    ``-1`` or none at all on a receiver of several chunks, and its branch
    for them was "not reached by the search"."""
    items = [item for value in values if isinstance(value, tuple) for item in value]
    longest = max((len(v) for v in values if isinstance(v, tuple)), default=0)
    if not items:
        return st.just(())
    single = inspect.Parameter(param.name, inspect.Parameter.POSITIONAL_ONLY)
    try:
        item = parameter_strategy(single, inspect.Parameter.empty, items, seeds)
    except Unexplorable:
        return st.just(())
    return st.lists(item, max_size=longest).map(tuple)


def _hashes_cleanly(value: Any) -> bool:
    """Hashable, or refused as unhashable (``TypeError``, which Hypothesis expects)."""
    try:
        hash(value)
    except TypeError:
        return True
    except Exception:  # noqa: BLE001 - a broken __hash__ (portion's Interval before __init__)
        return False
    return True


#: the data model's comparisons, whose other operand may be any object
_COMPARISONS = frozenset({"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"})
#: operands no test of a comparison passes: None first (``x == None``)
_FOREIGN = (None, 0, "")


def _typed(hint: Any) -> bool:
    return hint is not inspect.Parameter.empty and _resolvable(hint)


def _recorded(param: inspect.Parameter, values: list[Any]) -> st.SearchStrategy[Any]:
    """The tests' own values for a parameter (or its default), nothing grown from them."""
    parts: list[st.SearchStrategy[Any]] = []
    if param.default is not inspect.Parameter.empty:
        parts.append(st.just(OMITTED))
    if values:
        parts.append(st.sampled_from(_unique(values)))
    if not parts:
        raise Unexplorable(param.name, "no type hint, and the tests passed it no value")
    return st.one_of(parts)


def _tied(
    signature: inspect.Signature,
    hints: dict[str, Any],
    observed: list[dict[str, Any]],
    typed_only: bool,
) -> list[str]:
    """valid_only: the parameters drawn together from one recorded call.

    What the hints do not vouch for comes from the tests alone, and from one
    test's call at a time: a schema from one test and the object another test
    dumped with it is an input no caller makes (a ``self`` is always one of
    them: an instance is never a plain value).  Once anything is tied, so are
    the options (parameters with a default): the test chose ``many=True`` for
    the list it dumped.  Only required parameters the hints vouch for vary.
    """
    params = list(signature.parameters.values())
    always = [p for p in params if observed and all(p.name in call for call in observed)]
    context = [
        p
        for p in always
        if not _drawn_alone(p, hints, observed) or (typed_only and not _typed(hints.get(p.name, p.empty)))
    ]
    if not context:
        return []
    tied = [p.name for p in always if p in context or p.default is not p.empty or not _fillable(p)]
    return tied if len(tied) > 1 else []


def _drawn_alone(param: inspect.Parameter, hints: dict[str, Any], observed: list[dict[str, Any]]) -> bool:
    """Whether a parameter's values may be drawn whatever the others are: its
    hint vouches for every value, or the tests passed it values of one plain
    type only (strings are strings, times are times)."""
    hint = hints.get(param.name, param.empty)
    if hint is not param.empty and _resolvable(hint) and not _unsafe_hint(hint):
        return vouched_for(hint)
    kinds = {type(call[param.name]) for call in observed} - {type(None)}
    return _fillable(param) and len(kinds) == 1 and kinds <= {*_SIMPLE, *_VALUE_TYPES}


def _variations(shapes: list[Shaped], seeds: Seeds, depth: int) -> st.SearchStrategy[Shaped]:
    """Instances like the tests' ones, with attributes recombined and grown: a
    cart with the lines of two tests' carts is one no test built, and
    ``total = x`` for ``total += x`` only shows with two lines."""
    values: dict[str, list[Any]] = {}
    for shape in shapes:
        for name, value in shape.state:
            values.setdefault(name, []).append(value)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, seen in values.items():
        parts = _from_observed(seen, seeds, depth)
        for t in sorted({type(v) for v in seen}, key=lambda t: t.__name__):
            made = _observed_type_strategy(t, seeds)
            if made is not None:
                parts.append(made)
        fields[name] = st.one_of(parts)
    cls = shapes[0].cls
    return st.fixed_dictionaries(fields).map(lambda state: Shaped(cls, tuple(state.items())))


def unique_calls(observed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first ``MAX_OBSERVED`` distinct calls, by their arguments' types and reprs."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for call in observed:
        key = call_key(call)
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out[:MAX_OBSERVED]


#: how many levels of returned closures a search calls (a decorator
#: factory's ``deco(arg)(func)(*args)`` is two)
THEN_DEPTH = 3


def with_then(
    strategy: st.SearchStrategy[Call], inner: dict[tuple[str, int], list[Then]]
) -> st.SearchStrategy[Call]:
    """``strategy``'s calls, each then calling the closure it returns (when it
    returns one) with arguments a test gave a closure of that ``def``, and
    the closure that returns, level by level (``THEN_DEPTH``); or stopping
    at any level (a closure is still compared by what it holds)."""
    levels: dict[int, list[Then]] = {}
    seen: set[str] = set()
    for code, calls in inner.items():
        for then in calls:
            key = f"{code}:{call_key(dict(then.arguments))}"
            if key not in seen and then.depth <= THEN_DEPTH:
                seen.add(key)
                levels.setdefault(then.depth, []).append(then)
    if 1 not in levels:
        return strategy
    steps = [st.one_of(st.sampled_from(levels[d][:MAX_OBSERVED]), st.none()) for d in sorted(levels)]
    return st.tuples(strategy, *steps).map(
        lambda drawn: dataclasses.replace(drawn[0], then=_chain(drawn[1:]))
    )


def _chain(steps: tuple[Then | None, ...]) -> tuple[Then, ...]:
    """The drawn calls, one per level, up to the first level left out."""
    chain: list[Then] = []
    for step in steps:
        if step is None or step.depth != len(chain) + 1:
            break
        chain.append(step)
    return tuple(chain)


def hypothesis_settings(max_examples: int) -> settings:
    return settings(
        parent=settings.get_profile("default"),
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
