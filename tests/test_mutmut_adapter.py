"""Golden tests for the mutmut adapter: a fixed input file must give exactly the
recorded mutant names, operators and diffs.  An upgrade of mutmut that changes
any of them fails here, not silently in users' runs.

To accept a deliberate change: ``ESCAPE_REGOLD=1 pytest tests/test_mutmut_adapter.py``
and review the diff of ``tests/golden/shop.expected.json``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

import pytest_escape
from pytest_escape.execution.protocol import decode, to_json
from pytest_escape.mutation.copies import compile_copy
from pytest_escape.mutation.import_hook import install
from pytest_escape.mutation.mutmut_adapter import MUTMUT_VERSION, activate, mutant_function, plant, register
from pytest_escape.mutation.mutmut_adapter.generate import mutate_module, mutmut_schemata
from pytest_escape.mutation.types import FunctionCopies

GOLDEN = Path(__file__).parent / "golden"
SRC = Path(pytest_escape.__file__).parent


def describe(source: str) -> list[dict[str, object]]:
    module = mutate_module("shop", source, "shop.py")
    return [
        {
            "id": m.id,
            "operator": m.operator,
            "line": m.span.start_line,
            "statement_line": m.statement.start_line,
            "in_signature": m.in_signature,
            "before": list(m.before),
            "after": list(m.after),
        }
        for m in module.mutants
    ]


def test_golden_mutants_names_operators_and_diffs() -> None:
    source = (GOLDEN / "shop.py").read_text(encoding="utf-8")
    got = describe(source)
    expected_path = GOLDEN / "shop.expected.json"
    if os.environ.get("ESCAPE_REGOLD"):
        expected_path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


def test_golden_file_covers_the_interesting_cases() -> None:
    got = describe((GOLDEN / "shop.py").read_text(encoding="utf-8"))
    ids = {m["id"] for m in got}
    operators = {m["operator"] for m in got}
    assert {"number", "swap_op", "string", "assignment", "arg_removal", "match"} <= operators
    assert "unknown" not in operators
    assert any("xǁCartǁtax__mutmut_" in i for i in ids)  # staticmethod
    assert any("xǁCartǁmake__mutmut_" in i for i in ids)  # classmethod
    assert not any("skipped" in i for i in ids)  # pragma: no mutate
    assert any(m["in_signature"] for m in got)  # default values
    multi = [m for m in got if m["statement_line"] != m["line"]]
    assert multi, "a mutant inside a multi-line statement maps to the statement's first line"


def test_installed_mutmut_is_the_pinned_version() -> None:
    import importlib.metadata

    assert importlib.metadata.version("mutmut") == MUTMUT_VERSION


#: the golden file, two of our own modules (dataclasses, decorators, nested
#: functions) and a third-party one (classes, properties, overloads)
FILES_FOR_EQUIVALENCE = [
    GOLDEN / "shop.py",
    SRC / "execution" / "pool.py",
    SRC / "mutation" / "schemata.py",
    Path(pytest.__file__).parent.parent / "_pytest" / "recwarn.py",
]


def _defined(code: str) -> dict[str, ast.FunctionDef]:
    """Every function mutmut's layout defines for a mutant, by name, without its decorators."""
    found = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name:
            node.decorator_list = []
            found[node.name] = node
    return found


def _copy(function: FunctionCopies, name: str) -> ast.FunctionDef:
    """``name``'s copy of ``function``, parsed as mutmut's layout would hold it."""
    if function.class_name:  # a method: indented as it is, inside a class statement
        node = ast.parse("class C:\n" + function.copy(name)).body[0].body[0]  # type: ignore[attr-defined]
    else:
        node = ast.parse(function.copy(name)).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


@pytest.mark.parametrize("path", FILES_FOR_EQUIVALENCE, ids=lambda p: p.name)
def test_each_copy_is_the_function_mutmuts_own_generator_defines(path: Path) -> None:
    """mutmut's operators, applied as mutmut applies them: every mutant mutmut
    generates is ours under its name, and the copy a child compiles is the
    function mutmut's own layout defines for it.  Decorated functions'
    mutants are ours alone (mutmut leaves them out)."""
    source = path.read_text(encoding="utf-8")
    ours = mutate_module("m", source, str(path), extreme=False)
    theirs, names = mutmut_schemata(source, str(path))
    defined = _defined(theirs)
    ids = {m.id for m in ours.mutants}
    assert {f"m.{name}" for name in names} <= ids
    by_name = {name: function for function in ours.functions for name in function.changes}
    for name in names:
        assert ast.dump(_copy(by_name[name], name)) == ast.dump(defined[name]), name
    mutmut_functions = {by_name[name].dict_name for name in names}
    ours_alone = ids - {f"m.{name}" for name in names}
    assert all(by_name[i.rpartition(".")[2]].dict_name not in mutmut_functions for i in ours_alone)


@pytest.fixture
def load_module() -> Iterator[Callable[[str, str], ModuleType]]:
    """Import generated source as a real module through the import hook, as the worker does."""
    loaded: list[str] = []
    finders: list[object] = []

    def load(name: str, source: str) -> ModuleType:
        mutated = mutate_module(name, source, f"{name}.py")
        register(name, mutated.functions, source)
        finders.append(install({name: (f"/nonexistent/{name}.py", source)}, on_load=plant))
        loaded.append(name)
        return importlib.import_module(name)

    yield load
    activate(None)
    for name in loaded:
        sys.modules.pop(name, None)
    sys.meta_path[:] = [f for f in sys.meta_path if f not in finders]


def test_mutants_switch_on_and_off_in_one_module(load_module: Callable[..., ModuleType]) -> None:
    source = (GOLDEN / "shop.py").read_text(encoding="utf-8")
    namespace = vars(load_module("golden_shop", source))
    tax = namespace["Cart"].tax
    try:
        activate(None)
        assert tax(1) == 3
        make = namespace["Cart"].make
        assert make(1).items == [("x", 2)]
        activate("golden_shop.xǁCartǁmake__mutmut_1")  # cart = None: classmethods switch too
        with pytest.raises(AttributeError):
            make(1)
        activate("golden_shop.xǁCartǁtax__mutmut_1")
        assert tax(1) == -1  # x + 2 -> x - 2
        activate("golden_shop.xǁCartǁtax__mutmut_2")
        assert tax(1) == 4  # 2 -> 3
        activate("other_module.xǁCartǁtax__mutmut_1")
        assert tax(1) == 3  # a mutant of another module leaves this one alone
    finally:
        activate(None)


def test_only_the_adapter_imports_mutmut() -> None:
    pattern = re.compile(r"^\s*(import mutmut|from mutmut)", re.MULTILINE)
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "mutmut_adapter" not in p.parts and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("path", FILES_FOR_EQUIVALENCE, ids=lambda p: p.name)
def test_extreme_mutants_keep_the_module_valid(path: Path) -> None:
    """The extreme mutants come beside mutmut's: each copy compiles inside the
    module, and mutmut's own mutants are unchanged by them."""
    source = path.read_text(encoding="utf-8")
    with_extremes = mutate_module("m", source, str(path))
    extremes = [m for m in with_extremes.mutants if m.operator == "extreme"]
    assert extremes
    by_name = {name: function for function in with_extremes.functions for name in function.changes}
    for mutant in extremes:
        name = mutant.id.rpartition(".")[2]
        compile_copy(by_name[name], name, str(path), source)
    regular = [m.id for m in with_extremes.mutants if m.operator != "extreme"]
    assert regular == [m.id for m in mutate_module("m", source, str(path), extreme=False).mutants]


PLANTING = """\
from __future__ import annotations


class Base:
    def greet(self, name: str) -> str:
        return "hi " + name


class Child(Base):
    LIMIT = 3
    __secret = 10

    def greet(self, name: str) -> str:
        return super().greet(name) + "!"

    def secret(self) -> int:
        return self.__secret + 1

    @classmethod
    def make(cls, n: int) -> int:
        return n * 2 + cls.LIMIT

    @staticmethod
    def twice(n: int) -> int:
        return n * 2

    @property
    def limit(self) -> int:
        return self.LIMIT + 1

    def capped(self, n: int, cap: int = LIMIT) -> int:
        return min(n, cap)


def top(x: int) -> int:
    if x > 2:
        raise ValueError("big")
    return x + 1
"""


def _observe(module: ModuleType) -> list[object]:
    child = module.Child()
    calls: list[Callable[[], object]] = [
        lambda: child.greet("a"),
        child.secret,
        lambda: module.Child.make(2),
        lambda: child.make(2),
        lambda: module.Child.twice(3),
        lambda: child.limit,
        lambda: child.capped(5),
        lambda: module.top(1),
        lambda: module.top(5),
    ]
    seen: list[object] = []
    for call in calls:
        try:
            seen.append(call())
        except Exception as e:  # noqa: BLE001 - the exception is the observation
            seen.append(type(e).__name__)
    return seen


def test_a_switched_mutant_behaves_as_under_mutmuts_own_trampoline(
    load_module: Callable[..., ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    """super(), private names, classmethods, staticmethods, class-level default
    values and ``__future__`` annotations: every mutant mutmut generates gives
    the same observations switched on by its code object as under mutmut's
    own runtime (its trampolined module, its ``MUTANT_UNDER_TEST``)."""
    theirs_code, names = mutmut_schemata(PLANTING, "m.py")
    ours = load_module("plant_ours", PLANTING)
    install({"plant_theirs": ("/nonexistent/plant_theirs.py", theirs_code)})
    theirs = importlib.import_module("plant_theirs")
    assert len(names) > 15
    differ = 0
    try:
        original = _observe(ours)
        for name in names:
            monkeypatch.setenv("MUTANT_UNDER_TEST", f"plant_theirs.{name}")
            expected = _observe(theirs)
            activate(f"plant_ours.{name}")
            assert _observe(ours) == expected, name
            activate(None)
            differ += expected != original
    finally:
        sys.modules.pop("plant_theirs", None)
    assert differ > 10  # the mutants change behaviour at all, so equal observations mean something
    # the copy carries the module's __future__ flags and the function's own line numbers
    switched = mutant_function("plant_ours.x_top__mutmut_1", "top")
    assert switched.__annotations__ == {"x": "int", "return": "int"}  # strings: annotations are postponed
    assert switched.__code__.co_firstlineno == PLANTING.splitlines().index("def top(x: int) -> int:") + 1


def test_a_module_imported_after_the_switch_gets_the_mutant(load_module: Callable[..., ModuleType]) -> None:
    functions = mutate_module("m", PLANTING, "m.py").functions
    (top,) = [f for f in functions if f.dict_name == "mutants_x_top__mutmut"]
    (minus,) = [name for name, (_, _, text) in top.changes.items() if text == "x - 1"]
    activate(f"plant_late.{minus}")  # before the module exists
    module = load_module("plant_late", PLANTING)
    assert module.top(1) == 0
    reloaded = importlib.reload(module)  # loaded again: new function objects, switched again
    assert reloaded.top(1) == 0
    activate(None)
    assert reloaded.top(1) == 2


def test_a_mutant_in_a_default_value_is_switched_on_with_its_function() -> None:
    """Defaults belong to the function object, evaluated when ``def`` ran: a
    mutant of one must change them with the code, and only the one it
    rewrote (another default keeps its very object, a sentinel stays itself)."""
    source = textwrap.dedent(
        """
        import functools

        MISSING = object()

        @functools.lru_cache(maxsize=None)
        def scale(x, factor=3, *, marker=MISSING, offset=10):
            return x * factor + offset if marker is MISSING else None
        """
    )
    mutated = mutate_module("defaults_mod", source, "defaults_mod.py")
    register("defaults_mod", mutated.functions, source)
    install({"defaults_mod": ("/nonexistent/defaults_mod.py", source)}, on_load=plant)
    module = importlib.import_module("defaults_mod")
    try:
        in_def = [m for m in mutated.mutants if m.in_signature]
        assert {m.replacement for m in in_def} >= {"4", "11"}
        for mutant in in_def:
            activate(mutant.id)
            expected = {"4": 2 * 4 + 10, "11": 2 * 3 + 11}.get(mutant.replacement)
            if expected is not None:
                assert module.scale(2) == expected, mutant.replacement
            assert module.scale.__wrapped__.__kwdefaults__["marker"] is module.MISSING
        activate(None)
        assert module.scale(2) == 16  # restored, and the cache was emptied at each switch
        assert module.scale.__wrapped__.__defaults__ == (3,)
    finally:
        activate(None)
        sys.modules.pop("defaults_mod", None)


def test_function_copies_survive_the_plan_json() -> None:
    functions = mutate_module("m", PLANTING, "m.py").functions
    again = tuple(decode(FunctionCopies, json.loads(json.dumps(to_json(f)))) for f in functions)
    assert again == functions
    assert any(f.changes for f in again)  # the (start, end, text) tuples came back as tuples


def test_the_module_a_test_imports_is_the_module_as_it_is(tmp_path: Path) -> None:
    """No trampoline, no extra names: the namespace, signatures, reprs, line
    numbers, tracebacks and source of every function are the plain import's,
    so a test that checks any of them passes with or without pytest-escape."""
    source = textwrap.dedent(
        """
        import inspect


        def helper(x, *args, key=1, **kwargs):
            return x + 1


        class Box:
            def size(self):
                raise ValueError("boom")

            def text(self):
                return inspect.getsource(type(self).size)
        """
    )
    path = tmp_path / "lined.py"
    path.write_text(source, encoding="utf-8")
    plain: dict[str, object] = {"__name__": "lined"}
    exec(compile(source, str(path), "exec"), plain)  # noqa: S102
    mutated = mutate_module("lined_served", source, str(path))
    assert mutated.mutants
    register("lined_served", mutated.functions, source)
    finder = install({"lined_served": (str(path), source)}, on_load=plant)
    try:
        module = importlib.import_module("lined_served")
        assert sorted(n for n in vars(module) if not n.startswith("__")) == sorted(
            n for n in plain if not n.startswith("__")
        )
        assert str(inspect.signature(module.helper)) == "(x, *args, key=1, **kwargs)"
        assert repr(module.helper).startswith("<function helper at ")
        assert module.Box.size.__qualname__ == "Box.size"
        box = module.Box()
        with pytest.raises(ValueError) as raised:
            box.size()
        assert str(raised.traceback[-1].statement).strip() == 'raise ValueError("boom")'
        assert box.text().strip().startswith("def size(self):")
    finally:
        sys.meta_path.remove(finder)
        sys.modules.pop("lined_served", None)


def test_a_change_in_a_call_written_over_several_lines_keeps_its_layout_and_its_expressions() -> None:
    """mutmut renders a replaced call from column 0: spliced into its
    statement, ``host=None`` sat at column 4 and ``)`` at 0, so the
    mutant's statement did not parse (no expression for the probe:
    "equivalence unconfirmed" on every dropped argument of rfc3986's
    builder) and its diff named an unchanged line."""
    source = textwrap.dedent(
        """
        class Builder:
            def add_scheme(self, scheme):
                return Builder(
                    scheme=scheme.lower(),
                    host=self.host,
                )
        """
    )
    specs = {s.replacement: s for s in mutate_module("builder", source, "builder.py").mutants}
    dropped = next(s for text, s in specs.items() if "host=None" in text)
    assert dropped.after == (
        "        return Builder(",
        "            scheme=scheme.lower(),",
        "            host=None,",
        "        )",
    )
    assert ("self.host", "None") in dropped.expressions
