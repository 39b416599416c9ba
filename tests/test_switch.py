"""Switching decorated functions' mutants by swapping code objects, on real
modules built from source: the wrapped function is found through each kind of
decorator, caches are emptied, and what cannot be switched says why."""

from __future__ import annotations

import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_escape.mutation.mutmut_adapter.generate import mutate_module
from pytest_escape.mutation.switch import NotSwitchable, Switch, check, recording, switchable
from pytest_escape.mutation.types import FunctionCopies

SOURCE = textwrap.dedent(
    '''
    import functools
    import inspect
    import textwrap
    from contextlib import contextmanager

    CALLS = []


    def logged(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper


    class Hidden:
        """Keeps the function where nothing says it is there."""

        __slots__ = ("_target",)

        def __init__(self, func):
            self._target = func

        def __call__(self, *args):
            return self._target(*args)


    def recompiled(func):
        """Like typeguard: the function is rebuilt from its source, with more code in it."""
        text = textwrap.dedent(inspect.getsource(func)).split("\\n", 1)[1]
        text = text.replace("return ", "return 0 + ")
        namespace = {}
        exec(compile(text, func.__code__.co_filename, "exec"), func.__globals__, namespace)
        return namespace[func.__name__]


    @functools.lru_cache(maxsize=None)
    def square(x):
        CALLS.append(x)
        return x * x


    @logged
    def add(a, b):
        return a + b


    @contextmanager
    def opened(name):
        yield name.upper()


    @Hidden
    def hidden(x):
        return x + 1


    @recompiled
    def rebuilt(x):
        return x + 1


    class Base:
        def greet(self):
            return "hi"


    class Temp(Base):
        def __init__(self, c):
            self._c = c

        @property
        def fahrenheit(self):
            return self._c * 9 / 5 + 32

        @fahrenheit.setter
        def fahrenheit(self, f):
            self._c = (f - 32) * 5 / 9

        @logged
        def greet(self):
            return super().greet() + "!"


    class _Vault:
        @logged
        def __secret(self):
            return 42

        def open(self):
            return self.__secret()
    '''
)


def _switch() -> Switch:
    """A process's switch, knowing the module's source."""
    switch = Switch()
    switch.sources["decorated"] = SOURCE
    return switch


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[tuple[types.ModuleType, dict[str, FunctionCopies], dict[str, str]]]:
    """The module imported from a real file, its switched functions' copies by
    qualname, and the id of each function's mutants by their new line."""
    path = tmp_path / "decorated.py"
    path.write_text(SOURCE)
    module = types.ModuleType("decorated")
    module.__file__ = str(path)
    sys.modules["decorated"] = module
    exec(compile(SOURCE, str(path), "exec"), vars(module))
    mutated = mutate_module("decorated", SOURCE, str(path))
    copies = {}
    for function in mutated.functions:
        qualname = function.dict_name.removeprefix("mutants_").removesuffix("__mutmut")
        copies[qualname.removeprefix("x_").replace("xǁ", "").replace("ǁ", ".")] = function
    mutants = {
        f"{spec.function}:{spec.after[0].strip()}": spec.id.rpartition(".")[2] for spec in mutated.mutants
    }
    yield module, copies, mutants
    del sys.modules["decorated"]


def test_each_kind_of_decorator_is_switched_and_restored(loaded: tuple) -> None:
    module, copies, mutants = loaded
    switch = _switch()
    temp = module.Temp(100)
    cases = [
        ("add", "return a - b", lambda: module.add(2, 3), 5, -1),
        ("opened", "yield name.lower()", lambda: module.opened("a").__enter__(), "A", "a"),
        ("Temp.fahrenheit", "return self._c * 9 / 5 - 32", lambda: temp.fahrenheit, 212.0, 148.0),
        ("Temp.greet", 'return super().greet() - "!"', lambda: module.Temp(0).greet(), "hi!", TypeError),
    ]
    for qualname, change, call, original, mutant in cases:
        function = copies[qualname]
        switch.swap(module, function, mutants[f"{qualname}:{change}"])
        if isinstance(mutant, type):
            with pytest.raises(mutant):
                call()
        else:
            assert call() == mutant, qualname
        switch.restore()
        assert call() == original, qualname


def test_a_private_method_is_found_under_its_mangled_name(loaded: tuple) -> None:
    module, copies, mutants = loaded
    switch = _switch()
    switch.swap(module, copies["_Vault.__secret"], mutants["_Vault.__secret:return 43"])
    assert module._Vault().open() == 43
    switch.restore()
    assert module._Vault().open() == 42


def test_a_property_setter_is_its_own_function(loaded: tuple) -> None:
    module, copies, mutants = loaded
    switch = _switch()
    switch.swap(module, copies["Temp.fahrenheit__setter"], mutants["Temp.fahrenheit__setter:self._c = None"])
    temp = module.Temp(100)
    temp.fahrenheit = 32
    assert temp._c is None
    temp._c = 0
    assert temp.fahrenheit == 32  # the getter, which shares the name, runs its own code
    switch.restore()
    temp.fahrenheit = 32
    assert temp._c == 0


def test_a_cached_result_of_the_original_is_never_served_for_the_mutant(loaded: tuple) -> None:
    module, copies, mutants = loaded
    switch = _switch()
    assert module.square(3) == 9  # cached by the original
    switch.swap(module, copies["square"], mutants["square:return x / x"])
    assert module.square(3) == 1.0
    switch.restore()
    assert module.square(3) == 9
    assert module.CALLS == [3, 3, 3]  # computed each time: the cache was emptied at each switch


def test_what_cannot_be_switched_says_why(loaded: tuple) -> None:
    module, copies, _ = loaded
    with pytest.raises(NotSwitchable, match="cannot reach it"):
        check(module, copies["hidden"], SOURCE)
    with pytest.raises(NotSwitchable, match="replaced the function's code with its own"):
        check(module, copies["rebuilt"], SOURCE)


def test_a_mutant_that_drops_super_keeps_the_methods_cell(loaded: tuple) -> None:
    module, copies, mutants = loaded
    switch = _switch()
    extreme = mutants["Temp.greet:return None"]
    switch.swap(module, copies["Temp.greet"], extreme)
    assert module.Temp(0).greet() is None
    switch.restore()
    assert module.Temp(0).greet() == "hi!"


def test_the_forced_failure_reaches_a_switched_function(loaded: tuple) -> None:
    module, copies, _ = loaded
    switch = _switch()
    switch.fail(module, copies["Temp.greet"])
    with pytest.raises(RuntimeError, match="forced failure"):
        module.Temp(0).greet()
    switch.restore()
    assert module.Temp(0).greet() == "hi!"


def test_calls_of_a_switched_function_are_recorded_with_whether_they_raised(loaded: tuple) -> None:
    module, copies, _ = loaded
    switch = _switch()
    code = switch.where(module, copies["add"]).original
    calls: list[dict[str, object]] = []
    failed: list[int] = []

    def record(arguments: dict[str, object], frame: object) -> int:
        assert getattr(frame, "f_code", None) is code  # the call's own frame, to trace its caller
        calls.append(arguments)
        return len(calls) - 1

    with recording(code, record, failed.append):
        module.add(1, 2)
        with pytest.raises(TypeError):
            module.add(1, "x")
    assert calls == [{"a": 1, "b": 2}, {"a": 1, "b": "x"}]
    assert failed == [1]


def test_switchable_drops_what_cannot_be_switched_and_names_it(loaded: tuple) -> None:
    module, _, _ = loaded
    mutated = mutate_module("decorated", SOURCE, module.__file__)
    kept = switchable(mutated, module, SOURCE)
    assert {m.function for m in mutated.mutants} - {m.function for m in kept.mutants} == {"hidden", "rebuilt"}
    assert not [
        f for f in kept.functions if f.dict_name in ("mutants_x_hidden__mutmut", "mutants_x_rebuilt__mutmut")
    ]
    named = {s.name: s.reason for s in kept.skipped}
    assert named["hidden"].startswith("decorated: its decorator keeps the function where")
    assert named["rebuilt"].startswith("decorated: its decorator replaced the function's code")
    assert "square" in {m.function for m in kept.mutants}  # what can be switched stays


def _nested_run(text: str) -> types.CodeType:
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(text), namespace)  # noqa: S102 - the test's own text
    outer = namespace["repeated"]
    assert isinstance(outer, types.FunctionType)
    wrap = next(c for c in outer.__code__.co_consts if isinstance(c, types.CodeType))
    return next(c for c in wrap.co_consts if isinstance(c, types.CodeType) and c.co_name == "run")


def test_a_closure_s_code_takes_a_mutant_that_holds_fewer_variables() -> None:
    from pytest_escape.mutation.switch import _fitted

    made = """
        def repeated(k):
            def wrap(func):
                def run(*args):
                    return [func(*args) for _ in range(K)]
                return run
            return wrap
        """
    original = _nested_run(made.replace("K", "k + 1"))
    dropped = _nested_run(made.replace("K", "None"))
    assert original.co_freevars == ("func", "k") and dropped.co_freevars == ("func",)
    fitted = _fitted(dropped, original)
    assert fitted is not None and fitted.co_freevars == original.co_freevars
    live = types.FunctionType(original, {}, "run", None, tuple(types.CellType(v) for v in (len, 2)))
    live.__code__ = fitted  # a code object only replaces one with as many free variables
    with pytest.raises(TypeError, match="NoneType"):
        live("ab")
    # the variables it keeps are not the first ones: left as it was
    kept_last = _nested_run(made.replace("K", "k").replace("func(*args)", "1"))
    assert kept_last.co_freevars == ("k",)
    assert _fitted(kept_last, original) is None
