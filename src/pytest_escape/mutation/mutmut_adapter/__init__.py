"""The adapter around mutmut: the only place in pytest-escape that imports it.

mutmut's internals are not a stable API.  Everything we take from it (its
libcst operators, its pragma handling, its trampoline runtime and its mutant
naming) passes through this package, and ``tests/test_mutmut_adapter.py`` pins
the exact output for a fixed input, so an upgrade that changes any of it fails
our tests instead of silently changing users' results.

Two halves, because their costs differ: this module is the runtime switch
that mutated code needs (cheap to import, used in every mutant's process);
``generate`` plants mutants with libcst (0.8 s to import, used only in the
background processes that generate them).
"""

from __future__ import annotations
import __future__

import functools
import importlib.metadata
import inspect
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import CodeType, ModuleType
from typing import Any

from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.mutation.trampoline_templates import CLASS_NAME_SEPARATOR

from ..switch import Located, NotSwitchable, Switch, clone, recording
from ..types import FunctionCopies

MUTMUT_VERSION = "3.8.1"

#: The mutant name that makes every trampoline raise: proves mutated code is reached.
FORCED_FAILURE = "fail"

_installed = importlib.metadata.version("mutmut")
if _installed != MUTMUT_VERSION:
    raise ImportError(
        f"pytest-escape needs mutmut {MUTMUT_VERSION} exactly, found {_installed}; "
        f"run: pip install mutmut=={MUTMUT_VERSION}"
    )


#: module -> mutant name -> what its copy is cut from (modules served without copies)
_copies: dict[str, dict[str, FunctionCopies]] = {}
#: the live mutant, planted into its module when that module is (re)loaded
_active = ""
#: decorated functions' mutants, switched by swapping code objects
_switch = Switch()


def register(module: str, functions: Iterable[FunctionCopies], source: str = "") -> None:
    """Tell ``plant`` where the mutants of ``module`` (served without copies) come
    from; ``source`` is the module's original text, in which a switched
    (decorated) function's copies are compiled."""
    _copies[module] = {name: function for function in functions for name in function.changes}
    if source:
        _switch.sources[module] = source


def activate(mutant_id: str | None) -> None:
    """Make ``mutant_id`` the live mutant in this process (``None``/"" = original)."""
    global _active
    _switch.restore()
    _active = mutant_id or ""
    set_mutant_under_test(_active)
    if _active == FORCED_FAILURE:
        _fail_switched()
    _plant(_active)


def plant(module: ModuleType) -> None:
    """Put the live mutant's copy into ``module``, just loaded, if it belongs there.

    The import hook calls this, so a module imported or reloaded after
    ``activate`` gets the copy too.
    """
    _switch.forget(module.__name__)
    if _active.rpartition(".")[0] == module.__name__:
        _plant(_active)
    elif _active == FORCED_FAILURE:
        _fail_switched(module.__name__)


def _fail_switched(only: str | None = None) -> None:
    """The forced-failure probe reaches switched functions too: no trampoline
    raises for them, so their code is swapped for code that does."""
    for module_name, functions in _copies.items():
        module = sys.modules.get(module_name)
        if module is None or (only is not None and module_name != only):
            continue
        for function in {f.dict_name: f for f in functions.values() if f.switch}.values():
            try:
                _switch.fail(module, function)
            except NotSwitchable:
                continue  # the session left its mutants out already


def _plant(mutant_id: str) -> None:
    """Put ``mutant_id``'s copy into its module's mutants dict, if the module is
    loaded and served without it; or, for a decorated function, swap its code.

    The copy is compiled where mutmut's layout would
    have defined it: a method inside its class (through ``_Into``, so
    ``super()``, private names and class-level names resolve as they would),
    a function in the module's namespace; with the module's ``__future__``
    flags, at the original line numbers.
    """
    module_name, _, name = mutant_id.rpartition(".")
    function = _copies.get(module_name, {}).get(name)
    module = sys.modules.get(module_name)
    if function is None or module is None:
        return
    if function.switch:
        _switch.swap(module, function, name)
        return
    table = getattr(module, function.dict_name, None)
    if not isinstance(table, dict) or name in table:
        return
    namespace = vars(module)
    flags = 0
    for value in namespace.values():
        if isinstance(value, __future__._Feature):
            flags |= value.compiler_flag
    filename = getattr(module, "__file__", None) or module_name
    if function.class_name is None:
        source = "\n" * (function.first_line - 1) + function.copy(name)
        exec(compile(source, filename, "exec", flags=flags, dont_inherit=True), namespace)
        table[name] = namespace[name]
        return
    owner = getattr(module, function.class_name)
    into = _Into(owner)
    header = f"class {function.class_name}(metaclass=__escape_into__):\n"
    source = "\n" * (function.first_line - 2) + header + function.copy(name)
    exec(
        compile(source, filename, "exec", flags=flags, dont_inherit=True),
        namespace,
        {"__escape_into__": into},
    )
    setattr(owner, name, into.body[name])
    table[name] = getattr(owner, name)


class _Into:
    """A metaclass stand-in that runs a class body against an existing class.

    The body starts from the class's own namespace and its ``__class__`` cell
    is the class, so a method defined in it is the method mutmut's layout
    would have defined in the real class body.
    """

    def __init__(self, owner: type) -> None:
        self.owner = owner
        self.body: dict[str, Any] = {}

    def __prepare__(self, name: str, bases: tuple[type, ...], **kwargs: Any) -> dict[str, Any]:
        return dict(vars(self.owner))

    def __call__(self, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> type:
        cell = namespace.get("__classcell__")
        if cell is not None:
            cell.cell_contents = self.owner
        self.body = namespace
        return self.owner


def _switched(module: str, qualname: str) -> FunctionCopies | None:
    """The copies of ``qualname`` if it is a switched (decorated) function."""
    dict_name = f"mutants_{_mangled(qualname)}__mutmut"
    for function in _copies.get(module, {}).values():
        if function.switch and function.dict_name == dict_name:
            return function
    return None


def _mangled(qualname: str) -> str:
    # mutmut's mangle_function_name, for the two forms it produces
    owner, _, name = qualname.rpartition(".")
    return f"x{CLASS_NAME_SEPARATOR}{owner}{CLASS_NAME_SEPARATOR}{name}" if owner else f"x_{name}"


def _mutants_dict(module: str, qualname: str) -> dict[str, Any]:
    table = getattr(sys.modules[module], f"mutants_{_mangled(qualname)}__mutmut", None)
    if not isinstance(table, dict):
        raise LookupError(f"{module}.{qualname} has no mutants loaded")
    return table


def _code(function: Any) -> CodeType:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    if not isinstance(code, CodeType):
        raise LookupError(f"{function!r} has no code object")
    return code


def _located(module: str, qualname: str) -> tuple[FunctionCopies, Located] | None:
    function = _switched(module, qualname)
    if function is None:
        return None
    return function, _switch.where(sys.modules[module], function)


def original_function(module: str, qualname: str) -> Any:
    """The original (unmutated) copy of ``qualname``, callable without the trampoline."""
    if (switched := _located(module, qualname)) is not None:
        located = switched[1]
        return clone(located.functions[0], located.original)
    return _mutants_dict(module, qualname)["_mutmut_orig"]


def mutant_function(mutant_id: str, qualname: str) -> Any:
    """One mutant's copy of the function, callable without the trampoline."""
    module, _, name = mutant_id.rpartition(".")
    if (switched := _located(module, qualname)) is not None:
        function, located = switched
        return clone(located.functions[0], _switch.code(sys.modules[module], function, name))
    _plant(mutant_id)
    return _mutants_dict(module, qualname)[name]


def original_code(module: str, qualname: str) -> CodeType:
    """The code object of the original (unmutated) ``qualname``, as loaded."""
    if (switched := _located(module, qualname)) is not None:
        return switched[1].original
    return _code(_mutants_dict(module, qualname)["_mutmut_orig"])


def mutant_code(mutant_id: str, qualname: str) -> CodeType:
    """The code object of one mutant: its first line is the first line of the
    function's copy (decorators included; a switched function's starts at
    ``def``), laid out like the original."""
    module, _, name = mutant_id.rpartition(".")
    if (switched := _located(module, qualname)) is not None:
        return _switch.code(sys.modules[module], switched[0], name)
    _plant(mutant_id)
    return _code(_mutants_dict(module, qualname)[name])


@contextmanager
def recording_calls(
    module: str,
    qualname: str,
    record: Callable[[dict[str, Any]], Any],
    raised: Callable[[Any], None] | None = None,
) -> Iterator[None]:
    """Call ``record(arguments by name)`` for every call that reaches the original,
    and ``raised(what record returned)`` when that call then raises.

    The trampoline looks the original up in the mutants dict on every call,
    so swapping the entry sees calls made through any reference to the
    function, including ``from module import f`` taken before.
    """
    if (switched := _located(module, qualname)) is not None:
        # no trampoline to listen on: the interpreter tells when its code runs
        with recording(switched[1].original, record, raised):
            yield
        return
    table = _mutants_dict(module, qualname)
    original = table["_mutmut_orig"]
    signature = inspect.signature(original)

    @functools.wraps(original)
    def spy(*args: Any, **kwargs: Any) -> Any:
        token = None
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            token = record(dict(bound.arguments))
        except Exception:  # noqa: BLE001 - a call we cannot record is just not recorded
            pass
        try:
            return original(*args, **kwargs)
        except BaseException:
            if raised is not None and token is not None:
                raised(token)
            raise

    table["_mutmut_orig"] = spy
    try:
        yield
    finally:
        table["_mutmut_orig"] = original


__all__ = [
    "FORCED_FAILURE",
    "MUTMUT_VERSION",
    "activate",
    "mutant_code",
    "mutant_function",
    "original_code",
    "original_function",
    "plant",
    "recording_calls",
    "register",
]
