"""The adapter around mutmut: the only place in pytest-escape that imports it.

mutmut's internals are not a stable API.  Everything we take from it (its
libcst operators, its pragma handling and its mutant naming) passes through
this package, and ``tests/test_mutmut_adapter.py`` pins the exact output for
a fixed input, so an upgrade that changes any of it fails our tests instead of
silently changing users' results.

mutmut's runtime (its trampolines) is not used: a mutant is switched on by
swapping the code object of its function in the process that runs it
(``mutation.switch``), so the module the tests import is the module as it is.

Two halves, because their costs differ: this module is the runtime switch
(cheap to import, used in every mutant's process); ``generate`` plants
mutants with libcst (0.8 s to import, used only in the background processes
that generate them).
"""

from __future__ import annotations

import functools
import importlib.metadata
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import CodeType, FrameType, ModuleType
from typing import Any

from mutmut.mutation.trampoline_templates import CLASS_NAME_SEPARATOR

from ..import_time import top_level
from ..switch import Located, NotSwitchable, OnCall, Switch, clone, defined_inside, recording, watching
from ..types import FunctionCopies

MUTMUT_VERSION = "3.8.1"

#: The mutant name that makes every mutated function raise: proves mutated code is reached.
FORCED_FAILURE = "fail"

_installed = importlib.metadata.version("mutmut")
if _installed != MUTMUT_VERSION:
    raise ImportError(
        f"pytest-escape needs mutmut {MUTMUT_VERSION} exactly, found {_installed}; "
        f"run: pip install mutmut=={MUTMUT_VERSION}"
    )


#: module -> mutant name -> the function it is a mutant of
_copies: dict[str, dict[str, FunctionCopies]] = {}
#: module -> its mutated functions
_functions: dict[str, tuple[FunctionCopies, ...]] = {}
#: the live mutant, switched on again when its module is (re)loaded
_active = ""
#: the mutated functions of this process, switched by swapping code objects
_switch = Switch()


def register(module: str, functions: Iterable[FunctionCopies], source: str) -> None:
    """Tell the switch where the mutants of ``module`` come from; ``source`` is
    the module's text, inside which each mutant's copy is compiled."""
    functions = tuple(functions)
    _copies[module] = {name: function for function in functions for name in function.changes}
    # every mutated function, even one whose only mutants are extreme ones
    _functions[module] = functions
    _switch.sources[module] = source


def activate(mutant_id: str | None) -> None:
    """Make ``mutant_id`` the live mutant in this process (``None``/"" = original)."""
    global _active
    _switch.restore()
    _active = mutant_id or ""
    if _active == FORCED_FAILURE:
        _fail_everywhere()
    else:
        _switch_on(_active)


def left_original() -> int:
    """How many closures made before the live mutant was switched on still
    run the original's code (``Switch.left_original``)."""
    return _switch.left_original


def plant(module: ModuleType) -> None:
    """Switch the live mutant on in ``module``, just (re)loaded, if it belongs there.

    The import hook calls this, so a module imported or reloaded after
    ``activate`` runs the mutant too.
    """
    _switch.forget(module.__name__)
    if _active.rpartition(".")[0] == module.__name__:
        _switch_on(_active)
    elif _active == FORCED_FAILURE:
        _fail_everywhere(module.__name__)


def _fail_everywhere(only: str | None = None) -> None:
    """The forced-failure probe: every mutated function raises when called."""
    for module_name, functions in _functions.items():
        module = sys.modules.get(module_name)
        if module is None or (only is not None and module_name != only):
            continue
        for function in functions:
            try:
                _switch.fail(module, function)
            except NotSwitchable:
                continue  # the session left its mutants out already


def _switch_on(mutant_id: str) -> None:
    """Swap ``mutant_id``'s code into its function, if its module is loaded."""
    module_name, _, name = mutant_id.rpartition(".")
    function = _copies.get(module_name, {}).get(name)
    module = sys.modules.get(module_name)
    if function is not None and module is not None:
        _switch.swap(module, function, name)


def _function(module: str, qualname: str) -> FunctionCopies:
    """The mutated function ``qualname`` of ``module``."""
    dict_name = f"mutants_{_mangled(qualname)}__mutmut"
    for function in _functions.get(module, ()):
        if function.dict_name == dict_name:
            return function
    raise LookupError(f"{module}.{qualname} has no mutants registered")


def _mangled(qualname: str) -> str:
    # mutmut's mangle_function_name, for the two forms it produces
    owner, _, name = qualname.rpartition(".")
    return f"x{CLASS_NAME_SEPARATOR}{owner}{CLASS_NAME_SEPARATOR}{name}" if owner else f"x_{name}"


def _located(module: str, qualname: str) -> tuple[FunctionCopies, Located]:
    function = _function(module, qualname)
    return function, _switch.where(sys.modules[module], function)


def original_function(module: str, qualname: str) -> Any:
    """The original (unmutated) ``qualname``, as a standalone function: it runs
    the original code whatever mutant is switched on."""
    located = _located(module, qualname)[1]
    return clone(located.functions[0], located.original)


def mutant_function(mutant_id: str, qualname: str) -> Any:
    """One mutant of the function, as a standalone function."""
    module, _, name = mutant_id.rpartition(".")
    function, located = _located(module, qualname)
    return clone(located.functions[0], _switch.mutated(sys.modules[module], function, name))


def original_code(module: str, qualname: str) -> CodeType:
    """The code object of the original (unmutated) ``qualname``, as loaded."""
    return _located(module, qualname)[1].original


def mutant_code(mutant_id: str, qualname: str) -> CodeType:
    """The code object of one mutant, compiled at the function's own lines."""
    module, _, name = mutant_id.rpartition(".")
    return _switch.code(sys.modules[module], _located(module, qualname)[0], name)


@contextmanager
def recording_calls(
    module: str,
    qualname: str,
    record: Callable[[dict[str, Any], FrameType], Any],
    raised: Callable[[Any], None] | None = None,
    also: Callable[[CodeType, int], OnCall] | None = None,
) -> Iterator[None]:
    """Call ``record(arguments by name, the call's frame)`` for every call that runs the original,
    and ``raised(what record returned)`` when that call then raises; with
    ``also``, tell ``also(code, depth)`` of every call of a function defined
    inside the original (a decorator factory's wrapper, a closure it
    returns; ``depth`` 1 in its body, 2 in such a function's, ...).

    The interpreter tells when the function's code runs, so calls made
    through any reference to it (a decorator's, a registry's, one taken by
    ``from module import f`` before) are all seen.
    """
    original = _located(module, qualname)[1].original
    inner = (
        {code: also(code, depth) for code, depth in defined_inside(original)} if also is not None else None
    )
    with recording(original, record, raised, inner):
        yield


@contextmanager
def watching_calls(
    functions: Mapping[tuple[str, str], OnCall], accept: Callable[[FrameType], bool] | None = None
) -> Iterator[None]:
    """``switch.watching`` on the original code of each (module, qualname)."""
    codes = {
        _located(module, qualname)[1].original: on_call for (module, qualname), on_call in functions.items()
    }
    with watching(codes, accept):
        yield


def mutated_methods(module: str, class_name: str) -> list[str]:
    """The qualnames of the mutated functions defined in class ``class_name`` of ``module``."""
    return [f"{class_name}.{f.name}" for f in _functions.get(module, ()) if f.class_name == class_name]


def _loaded() -> Iterator[tuple[ModuleType, FunctionCopies]]:
    """Every mutated function of the modules loaded in this process."""
    for module_name, functions in _functions.items():
        module = sys.modules.get(module_name)
        if module is not None:
            yield from ((module, function) for function in functions)


def mutated_codes() -> set[CodeType]:
    """The original code of every mutated function loaded in this process."""
    codes = set()
    for module, function in _loaded():
        try:
            codes.add(_switch.where(module, function).original)
        except NotSwitchable:
            continue
    return codes


def prepare() -> None:
    """Find every mutated function of the loaded modules and compile what
    its mutants' copies need: called once in the worker before it forks, so
    that each child, which runs one mutant, inherits it instead of compiling
    the whole module again."""
    for module, function in _loaded():
        try:
            _switch.prepare(module, function)
        except NotSwitchable:
            continue
    _switch.find_closures()


@functools.cache
def compiled_top_level(module_name: str) -> CodeType:
    """The part of the module's top level that runs again, compiled once
    (in the worker, before its children fork, for the modules that need it)."""
    module = sys.modules[module_name]
    filename = getattr(module, "__file__", None) or f"<{module_name}>"
    return top_level(_switch.sources[module_name], filename)


def run_top_level(module_name: str) -> None:
    """Run the module's top level again in its own namespace, with the live
    mutant switched on (``mutation.import_time``); what it raises, raises."""
    exec(compiled_top_level(module_name), vars(sys.modules[module_name]))  # noqa: S102 - its own source


__all__ = [
    "FORCED_FAILURE",
    "MUTMUT_VERSION",
    "activate",
    "mutant_code",
    "mutant_function",
    "original_code",
    "original_function",
    "plant",
    "prepare",
    "recording_calls",
    "register",
    "compiled_top_level",
    "run_top_level",
    "mutated_codes",
    "watching_calls",
    "mutated_methods",
]
