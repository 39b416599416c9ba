"""Switching a function's mutants on by swapping its code object.

mutmut switches mutants through a trampoline it plants in place of each
function.  Tests can tell the trampolined module from the original (another
signature and ``repr``, extra names in the module, another frame in a
traceback, an instrumenting decorator wrapping the trampoline), and those
that did failed without a mutant; nor can a trampoline go under decorators:
copying a decorated function would run its decorators twice (a second
``@app.route`` registration), and a ``property`` is not the function it wraps.

Here the module is the module as it is, and the decorators run once, on the
original function, as they always do.
In the process that runs a mutant, the function object they wrapped is found
(through ``__wrapped__``, a closure cell, ``fget``/``fset``, ``__func__``, a
``callback`` ...), and its ``__code__`` is replaced with the mutant's code,
compiled from the function's own text at its own line numbers.  Everything
that holds the function (the decorator's wrapper, a registry, a bound method)
then runs the mutant.  ``restore`` puts the original code back, and every
cache found on the way (``cache_clear``) is emptied at each switch, so a
result the original computed is never served for the mutant.

A decorator that replaces the function's code with its own (typeguard's
``@typechecked`` instruments and recompiles it) leaves no function whose code
is the source's: such a function is not switched, and the reason says so.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import gc
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import CodeType, FrameType, FunctionType, MethodType, ModuleType
from typing import Any

from .copies import NotSwitchable as NotSwitchable  # raised here, and by what it imports
from .copies import compile_copy, compiled_alone
from .types import FunctionCopies, MutatedModule, SkippedFunction

#: how deep the search for the wrapped function goes through wrappers and cells
MAX_DEPTH = 8
#: attributes in which wrappers keep what they wrap
_HOLDERS = ("__wrapped__", "__func__", "func", "callback", "fget", "fset", "fdel", "function", "f", "_func")


def _same_code(live: CodeType, reference: CodeType) -> bool:
    """The live function runs the source's code (line numbers aside: the
    served module may have moved it)."""
    return (
        live.co_name == reference.co_name
        and live.co_code == reference.co_code
        and live.co_varnames == reference.co_varnames
        and live.co_freevars == reference.co_freevars
    )


def _held(obj: Any) -> Iterator[Any]:
    """What a wrapper object holds that may be (or lead to) the wrapped function."""
    if isinstance(obj, property):
        yield from (obj.fget, obj.fset, obj.fdel)
    elif isinstance(obj, (staticmethod, classmethod, MethodType)):
        yield obj.__func__
    elif isinstance(obj, functools.partial):
        yield obj.func
    if isinstance(obj, FunctionType):
        for cell in obj.__closure__ or ():
            try:
                yield cell.cell_contents
            except ValueError:  # an empty cell
                continue
    try:
        state = vars(obj)
    except TypeError:
        return
    for name in _HOLDERS:
        if name in state:
            yield state[name]


@dataclass
class Located:
    """A decorated function as it lives in its module: the function objects
    whose code is the source's, and the caches on the way to them."""

    functions: list[FunctionType]
    original: CodeType
    caches: list[Any] = field(default_factory=list)


def locate(holder: Any, function: FunctionCopies, reference: CodeType) -> Located:
    """Find, under ``holder``'s attribute, the function objects running ``reference``'s code.

    ``holder`` is the module or the class that defines the function.  Raises
    ``NotSwitchable`` with the reason when none runs the source's code.
    """
    name = function.name
    if isinstance(holder, type) and name.startswith("__") and not name.endswith("__"):
        name = f"_{holder.__name__.lstrip('_')}{name}"  # a private name, as Python mangles it
    try:
        start = vars(holder)[name]
    except (KeyError, TypeError):
        raise NotSwitchable(
            f"{function.name} is not an attribute of its module or class after import"
        ) from None
    found: list[FunctionType] = []
    caches: list[Any] = []
    recompiled = False
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(start, 0)]
    while stack:
        obj, depth = stack.pop()
        if id(obj) in seen or depth > MAX_DEPTH or obj is None:
            continue
        seen.add(id(obj))
        if callable(getattr(obj, "cache_clear", None)):  # functools.cache and its kind
            caches.append(obj)
        if isinstance(obj, FunctionType) and obj.__code__.co_name == reference.co_name:
            if _same_code(obj.__code__, reference):
                found.append(obj)
                continue
            recompiled = True
        stack.extend((held, depth + 1) for held in _held(obj))
    if not found:
        if recompiled:
            raise NotSwitchable(
                "its decorator replaced the function's code with its own (an instrumenting decorator, "
                "like typeguard's @typechecked), so no mutant of the source can stand in for it"
            )
        if not function.decorated:
            raise NotSwitchable(
                f"{function.name} is bound to something else after import, which does not lead to it"
            )
        raise NotSwitchable(
            "its decorator keeps the function where pytest-escape cannot reach it "
            "(no __wrapped__, closure cell or known attribute leads to it)"
        )
    return Located(found, found[0].__code__, caches)


def _padded(
    function: FunctionCopies, mutant: str, filename: str, source: str, cells: tuple[str, ...]
) -> CodeType:
    """A mutant's code with every cell of the original kept (``cells``): a
    mutant that drops a method's ``super()`` call, or the one use of a generic
    class's type parameter, would otherwise need no cell, and a code object
    only replaces one with as many free variables."""
    if not function.body_indent:
        raise NotSwitchable("the mutant drops the use of a variable of the enclosing scope, in a one-liner")
    code = compile_copy(
        function, mutant, filename, source, last_line=f"{', '.join(cells)}  # keeps the cells"
    )
    if code.co_freevars != cells:
        raise NotSwitchable("its mutant's code could not keep the function's free variables")
    return code


@dataclass(frozen=True)
class Mutated:
    """What a mutant changes in a function object: its code, and its default
    values when the mutant is in the ``def`` line (``x=3`` -> ``x=4``).

    Defaults are the function object's, evaluated once when ``def`` ran, so
    swapping the code alone would leave such a mutant switched off.
    """

    code: CodeType
    #: ``__defaults__`` and ``__kwdefaults__`` under the mutant (``None``: unchanged)
    defaults: tuple[Any, ...] | None = None
    kwdefaults: dict[str, Any] | None = None


def _signature(text: str) -> ast.arguments:
    """The parameters of the function whose text (from ``def``) is ``text``."""
    indented = text[: len(text) - len(text.lstrip())] != ""
    tree = ast.parse(("if True:\n" if indented else "") + text)
    node = tree.body[0].body[0] if indented else tree.body[0]  # type: ignore[attr-defined]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise NotSwitchable("its text is not a function definition")
    return node.args


@functools.lru_cache(maxsize=4096)
def _defaults_end(text: str) -> int:
    """Where in ``text`` (a function, from ``def``) its last default value
    ends: a mutant that changes nothing before it leaves the defaults as they
    are, and its child parses no signature (0: it has no defaults)."""
    arguments = _signature(text)
    lines = text.splitlines(keepends=True)
    indented = text[: len(text) - len(text.lstrip())] != ""
    end = 0
    for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
        line = (default.end_lineno or 1) - 1 - indented
        # the column is in UTF-8 bytes
        column = len(lines[line].encode("utf-8")[: default.end_col_offset].decode("utf-8", "replace"))
        end = max(end, sum(len(lines[i]) for i in range(line)) + column)
    return end


def mutated_defaults(
    function: FunctionCopies,
    mutant: str,
    live: FunctionType,
    namespace: dict[str, Any],
    scope: dict[str, Any],
) -> tuple[tuple[Any, ...] | None, dict[str, Any] | None]:
    """``live``'s default values under ``mutant``: each default the mutant
    rewrote is evaluated again (in the module's ``namespace`` and the class's
    ``scope``, where ``def`` evaluated it); every other keeps its very object
    (a sentinel default stays the sentinel).  ``(None, None)``: none changed."""
    change = function.changes.get(mutant)
    if change is None or change[0] >= _defaults_end(function.copy("", function.name)):
        return None, None
    before, after = (
        _signature(function.copy("", function.name)),
        _signature(function.copy(mutant, function.name)),
    )
    filename = live.__code__.co_filename

    def value(expression: ast.expr) -> Any:
        try:
            return eval(compile(ast.Expression(expression), filename, "eval"), namespace, dict(scope))  # noqa: S307
        except Exception as e:  # noqa: BLE001 - reported as the reason the mutant cannot run
            raise NotSwitchable(f"its mutated default value raised {type(e).__name__}: {e}") from None

    defaults: tuple[Any, ...] | None = None
    old = live.__defaults__ or ()
    if len(before.defaults) == len(after.defaults) == len(old) and any(
        ast.dump(a) != ast.dump(b) for a, b in zip(before.defaults, after.defaults, strict=True)
    ):
        defaults = tuple(
            kept if ast.dump(a) == ast.dump(b) else value(b)
            for kept, a, b in zip(old, before.defaults, after.defaults, strict=True)
        )
    kwdefaults: dict[str, Any] | None = None
    changed = {
        arg.arg: b
        for arg, a, b in zip(after.kwonlyargs, before.kw_defaults, after.kw_defaults, strict=True)
        if a is not None and b is not None and ast.dump(a) != ast.dump(b)
    }
    if changed and live.__kwdefaults__ is not None:
        kwdefaults = {**live.__kwdefaults__, **{name: value(e) for name, e in changed.items()}}
    return defaults, kwdefaults


#: the code objects of comprehensions: no function a call can return
_COMPREHENSIONS = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


def defined_inside(code: CodeType, depth: int = 1) -> list[tuple[CodeType, int]]:
    """The functions (``def``s and lambdas) defined inside ``code``, however
    deep, each with how many functions deep it is (a comprehension is none)."""
    found: list[tuple[CodeType, int]] = []
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if constant.co_name in _COMPREHENSIONS:
                found.extend(defined_inside(constant, depth))
            else:
                found.append((constant, depth))
                found.extend(defined_inside(constant, depth + 1))
    return found


class Switch:
    """The switched functions of this process: their mutants' code, where each
    function lives, and which one runs a mutant now."""

    def __init__(self) -> None:
        #: module name -> its original source (the copies are compiled inside it)
        self.sources: dict[str, str] = {}
        #: (module name, dict name) -> where it lives (found on first use)
        self._located: dict[tuple[str, str], Located] = {}
        #: (module name, mutant name) -> its code
        self._codes: dict[tuple[str, str], Mutated] = {}
        #: functions whose code is swapped now -> their original code
        self._swapped: dict[FunctionType, Mutated] = {}
        #: a code object defined inside a located function -> the live
        #: functions made from it so far (``find_closures``)
        self._closures: dict[CodeType, list[FunctionType]] = {}
        #: live closures the switched mutant changes but could not be given
        #: its code (``_fitted``): they still run the original's
        self.left_original = 0

    def _source(self, module: ModuleType) -> str:
        try:
            return self.sources[module.__name__]
        except KeyError:
            raise NotSwitchable(f"the source of {module.__name__} was not registered") from None

    def where(self, module: ModuleType, function: FunctionCopies) -> Located:
        key = (module.__name__, function.dict_name)
        if key not in self._located:
            self._located[key] = check(module, function, self._source(module))
        return self._located[key]

    def prepare(self, module: ModuleType, function: FunctionCopies) -> None:
        """Find the function and compile what its mutants' copies need, once,
        before the children that run them are forked (``compiled_alone``)."""
        located = self.where(module, function)
        compiled_alone(function, located.original.co_filename, self._source(module))
        _defaults_end(function.copy("", rename=function.name))

    def code(self, module: ModuleType, function: FunctionCopies, mutant: str) -> CodeType:
        """``mutant``'s code object (compiled once: a line probe must see this very object)."""
        return self.mutated(module, function, mutant).code

    def mutated(self, module: ModuleType, function: FunctionCopies, mutant: str) -> Mutated:
        """What ``mutant`` changes in the function object: its code, and its defaults."""
        key = (module.__name__, mutant)
        if key not in self._codes:
            located = self.where(module, function)
            filename, source = located.original.co_filename, self._source(module)
            code = compile_copy(function, mutant, filename, source)
            if len(code.co_freevars) != len(located.original.co_freevars):
                code = _padded(function, mutant, filename, source, located.original.co_freevars)
            owner = vars(module).get(function.class_name) if function.class_name else None
            defaults, kwdefaults = mutated_defaults(
                function, mutant, located.functions[0], vars(module), dict(vars(owner)) if owner else {}
            )
            self._codes[key] = Mutated(code, defaults, kwdefaults)
        return self._codes[key]

    def _set(self, target: FunctionType, mutated: Mutated) -> None:
        self._swapped.setdefault(target, Mutated(target.__code__, target.__defaults__, target.__kwdefaults__))
        target.__code__ = mutated.code
        if mutated.defaults is not None:
            target.__defaults__ = mutated.defaults
        if mutated.kwdefaults is not None:
            target.__kwdefaults__ = mutated.kwdefaults

    def find_closures(self) -> None:
        """Find the live functions made from the code defined inside every
        located function: a decorator factory's wrapper that a test module
        applied as it was imported, a callback registered then.  They were
        made from the original's code before any mutant ran, so swapping the
        factory's code left them running the original: their tests passed
        on every mutant inside them (false survivors), and the forced-failure
        probe concluded that the tests import the code from elsewhere.  One
        pass over the collector's objects, before the children are forked."""
        wanted = {code for located in self._located.values() for code, _ in defined_inside(located.original)}
        self._closures = {}
        if not wanted:
            return
        for obj in gc.get_objects():
            if type(obj) is FunctionType and obj.__code__ in wanted:
                self._closures.setdefault(obj.__code__, []).append(obj)

    def _closures_of(self, located: Located) -> Iterator[tuple[CodeType, FunctionType]]:
        for code, _ in defined_inside(located.original):
            for live in self._closures.get(code, ()):
                if live.__code__ is code:  # not made anew since
                    yield code, live

    def swap(self, module: ModuleType, function: FunctionCopies, mutant: str) -> None:
        """Make every function object of ``function`` run ``mutant``'s code,
        with its defaults, and every live closure made from code defined
        inside it run the mutant's version of that code."""
        located = self.where(module, function)
        mutated = self.mutated(module, function, mutant)
        for target in located.functions:
            self._set(target, mutated)
        theirs = _paired(located.original, mutated.code)
        for code, live in self._closures_of(located):
            other = theirs.get(code)
            if other is None or other == code:
                continue
            fitted = _fitted(other, code)
            if fitted is None:
                self.left_original += 1
            else:
                self._set(live, Mutated(fitted))
        _clear(located.caches)

    def fail(self, module: ModuleType, function: FunctionCopies) -> None:
        """Make the function raise when called (the forced-failure probe), and
        every live closure made from code defined inside it."""
        located = self.where(module, function)
        for target in located.functions:
            self._set(target, Mutated(_failing(located.original)))
        for code, live in self._closures_of(located):
            self._set(live, Mutated(_failing(code)))
        _clear(located.caches)

    def restore(self) -> None:
        """Every swapped function runs its original code again, with its own
        defaults; their caches are emptied."""
        for target, original in self._swapped.items():
            target.__code__ = original.code
            target.__defaults__ = original.defaults
            target.__kwdefaults__ = original.kwdefaults
        self._swapped.clear()
        self.left_original = 0
        for located in self._located.values():
            _clear(located.caches)

    def forget(self, module_name: str) -> None:
        """A module was (re)loaded: its functions are new objects."""
        for key in [k for k in self._located if k[0] == module_name]:
            del self._located[key]


def check(module: ModuleType, function: FunctionCopies, source: str) -> Located:
    """Where ``function`` lives in ``module`` (loaded from ``source``), or
    ``NotSwitchable`` with the reason."""
    holder: Any = module
    if function.class_name is not None:
        holder = vars(module).get(function.class_name)
        if not isinstance(holder, type):
            raise NotSwitchable(f"{function.class_name} is not a class of {module.__name__} after import")
    filename = getattr(module, "__file__", None) or module.__name__
    return locate(holder, function, compile_copy(function, "", filename, source))


def switchable(module: MutatedModule, live: ModuleType, source: str) -> MutatedModule:
    """``module`` without the decorated functions whose mutants cannot be switched
    on in ``live`` (the module as the tests imported it), each one added to
    ``skipped`` with the reason, so it is named like any function without mutants."""
    dropped: dict[str, str] = {}
    for function in module.functions:
        try:
            check(live, function, source)
        except NotSwitchable as e:
            dropped[function.dict_name] = f"decorated: {e}" if function.decorated else str(e)
    if not dropped:
        return module

    def dict_name(spec_id: str) -> str:  # pkg.mod.x_f__mutmut_3 -> mutants_x_f__mutmut
        return f"mutants_{spec_id.rpartition('.')[2].rpartition('__mutmut_')[0]}__mutmut"

    skipped = {
        dict_name(spec.id): SkippedFunction(spec.function, spec.function_span.start_line, reason)
        for spec in module.mutants
        if (reason := dropped.get(dict_name(spec.id))) is not None
    }
    return dataclasses.replace(
        module,
        mutants=tuple(spec for spec in module.mutants if dict_name(spec.id) not in dropped),
        functions=tuple(f for f in module.functions if f.dict_name not in dropped),
        skipped=(*module.skipped, *skipped.values()),
    )


def _fitted(mutant: CodeType, original: CodeType) -> CodeType | None:
    """``mutant`` with ``original``'s free variables, which a live closure's
    cells are (a code object only replaces one with as many), or None.  A
    mutant that drops the last use of one (``range(k + 1)`` ->
    ``range(None)``) needs fewer; those it keeps come first in the same
    order when only trailing ones are gone, and the dropped ones are then
    appended, unused (the instructions index the kept ones as before)."""
    if mutant.co_freevars == original.co_freevars:
        return mutant
    if original.co_freevars[: len(mutant.co_freevars)] != mutant.co_freevars:
        return None
    try:
        return mutant.replace(co_freevars=original.co_freevars)
    except (TypeError, ValueError):
        return None


def _paired(original: CodeType, mutant: CodeType) -> dict[CodeType, CodeType]:
    """Each code object defined inside ``original`` -> the mutant's of the
    same ``def``: the same name and first line (a mutant's copy is compiled
    at the original's lines), in order (two lambdas on one line)."""
    ours, theirs = defined_inside(original), defined_inside(mutant)
    if [(c.co_name, c.co_firstlineno) for c, _ in ours] != [(c.co_name, c.co_firstlineno) for c, _ in theirs]:
        return {}  # the mutant made or dropped a def: nothing to pair safely
    return {mine: other for (mine, _), (other, _) in zip(ours, theirs, strict=True)}


def _clear(caches: list[Any]) -> None:
    for cache in caches:
        try:
            cache.cache_clear()
        except Exception:  # noqa: BLE001 - a cache that cannot be cleared is left as it is
            continue


def _failing(original: CodeType) -> CodeType:
    """Code that raises at once, with the original's free variables (``__class__``):
    a code object only replaces one with as many."""
    name, cells = original.co_name, original.co_freevars
    source = (
        "def outer():\n"
        + "".join(f"    {cell} = None\n" for cell in cells)
        + f"    def {name}(*args, **kwargs):\n"
        + "        raise RuntimeError('pytest-escape: forced failure (is the mutated code reached?)')\n"
        + (f"        {', '.join(cells)}\n" if cells else "")
        + f"    return {name}\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<pytest-escape>", "exec"), namespace)  # noqa: S102 - our own fixed text
    code: CodeType = namespace["outer"]().__code__
    return code


def clone(function: FunctionType, code: CodeType | Mutated) -> FunctionType:
    """A standalone function like ``function`` that runs ``code`` (with a
    mutant's defaults, if it has its own), for the search and the property
    checks, which compare the original and a mutant side by side."""
    mutated = code if isinstance(code, Mutated) else Mutated(code)
    made = FunctionType(
        mutated.code,
        function.__globals__,
        function.__name__,
        function.__defaults__ if mutated.defaults is None else mutated.defaults,
        function.__closure__,
    )
    made.__kwdefaults__ = function.__kwdefaults__ if mutated.kwdefaults is None else mutated.kwdefaults
    made.__annotations__ = function.__annotations__
    made.__qualname__ = function.__qualname__
    made.__doc__ = function.__doc__
    made.__module__ = function.__module__
    return made


#: told of a call's start, with its arguments by name; what it returns, if not
#: None, is told of the call's end: whether it raised, and what it returned
OnCall = Callable[[dict[str, Any]], "Callable[[bool, Any], None] | None"]


def parameters(code: CodeType) -> tuple[str, ...]:
    """The parameters' names, in ``co_varnames`` order: positional, keyword-only,
    then ``*args`` and ``**kwargs``."""
    count = code.co_argcount + code.co_kwonlyargcount
    count += bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return code.co_varnames[:count]


@contextmanager
def watching(
    codes: Mapping[CodeType, OnCall] | Callable[[CodeType], OnCall | None],
    accept: Callable[[FrameType], bool] | None = None,
) -> Iterator[None]:
    """Tell ``codes[code]`` of every call that runs one of ``codes``, at its
    start and at its end; with ``accept``, only of calls whose frame it
    accepts (a test's own calls, not those the code under test makes).
    ``codes`` may be a lookup instead of a mapping: the listener for a code
    object, or None (every function of a file, which no mapping can list).

    Nothing stands between a caller and the function to listen on, so this
    listens to the interpreter (``sys.settrace``), for the time the tests run
    only, and only the frames of these code objects are traced further.
    """
    previous = sys.gettrace()
    lookup = codes.get if isinstance(codes, Mapping) else codes

    def local(end: Callable[[bool, Any], None]) -> Callable[[FrameType, str, Any], Any]:
        state = {"unwinding": False}

        def tracer(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "exception":
                state["unwinding"] = True
            elif event == "line":
                state["unwinding"] = False  # the exception was handled
            elif event == "return":
                end(state["unwinding"], arg)
            return tracer

        return tracer

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        on_call = lookup(frame.f_code)
        if on_call is None or (accept is not None and not accept(frame)):
            return None
        local_names = frame.f_locals
        try:
            end = on_call(
                {name: local_names[name] for name in parameters(frame.f_code) if name in local_names}
            )
        except Exception:  # noqa: BLE001 - a call we cannot record is just not recorded
            end = None
        return local(end) if end is not None else None

    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)


@contextmanager
def recording(
    code: CodeType,
    record: Callable[[dict[str, Any], FrameType], Any],
    raised: Callable[[Any], None] | None,
    also: Mapping[CodeType, OnCall] | None = None,
) -> Iterator[None]:
    """Call ``record(arguments by name, the call's frame)`` for every call that
    runs ``code``, and ``raised(what record returned)`` when that call ends by
    an exception; and tell ``also[other]`` of every call of the other code
    objects it holds, in the same pass (one tracer at a time)."""
    frames: list[FrameType] = []

    def seen(frame: FrameType) -> bool:
        frames[:] = [frame]  # what on_call, called next, was called from
        return True

    def on_call(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
        token = record(arguments, frames[0])
        if raised is None or token is None:
            return None
        return lambda did_raise, _value: raised(token) if did_raise else None

    listeners: dict[CodeType, OnCall] = {**(also or {}), code: on_call}
    # ``seen`` keeps the frame of a call of ``code`` for ``on_call``; the
    # others need none, and are accepted as they come
    with watching(listeners, lambda frame: frame.f_code is not code or seen(frame)):
        yield
