"""Golden tests for the mutmut adapter: a fixed input file must give exactly the
recorded mutant names, operators and diffs.  An upgrade of mutmut that changes
any of them fails here, not silently in users' runs.

To accept a deliberate change: ``ESCAPE_REGOLD=1 pytest tests/test_mutmut_adapter.py``
and review the diff of ``tests/golden/shop.expected.json``.
"""

from __future__ import annotations

import ast
import importlib
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
from pytest_escape.mutation.import_hook import compile_served, install
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
    Path(pytest.__file__).parent.parent / "_pytest" / "approx.py",
]


@pytest.mark.parametrize("path", FILES_FOR_EQUIVALENCE, ids=lambda p: p.name)
def test_schemata_layout_is_the_same_module_as_mutmuts(path: Path) -> None:
    """Our text layout must be AST-identical to mutmut's own generator."""
    source = path.read_text(encoding="utf-8")
    ours = mutate_module("m", source, str(path), extreme=False, lazy=False)
    theirs, names = mutmut_schemata(source, str(path))
    # decorated functions are ours alone (switched by their code object, mutation.switch)
    switched = {f"m.{name}" for f in ours.functions if f.switch for name in f.changes}
    assert sorted(m.id for m in ours.mutants if m.id not in switched) == sorted(f"m.{n}" for n in names)
    if names:
        assert ast.dump(ast.parse(ours.code)) == ast.dump(ast.parse(theirs))
    else:
        assert ours.code == source


@pytest.mark.parametrize("path", FILES_FOR_EQUIVALENCE, ids=lambda p: p.name)
def test_lazy_copies_are_the_copies_of_the_whole_layout(path: Path) -> None:
    """Each copy cut from ``functions`` is the function mutmut's layout holds
    under that name, and the lazy layout is the whole one without them."""
    source = path.read_text(encoding="utf-8")
    whole = mutate_module("m", source, str(path), lazy=False)
    lazy = mutate_module("m", source, str(path))
    assert [m.id for m in lazy.mutants] == [m.id for m in whole.mutants]
    defined = {
        node.name: ast.dump(node)
        for node in ast.walk(ast.parse(whole.code))
        if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name
    }
    names = [name for function in lazy.functions for name in function.changes]
    assert sorted(f"m.{name}" for name in names) == sorted(m.id for m in lazy.mutants)
    for function in lazy.functions:
        for name in function.changes if not function.switch else ():  # no copy in any layout
            if function.class_name:  # as plant compiles it: in a class statement, indented as it is
                copy = ast.parse("class C:\n" + function.copy(name)).body[0].body[0]  # type: ignore[attr-defined]
            else:
                copy = ast.parse(function.copy(name)).body[0]
            assert ast.dump(copy) == defined.pop(name), name
    # what is left in the whole layout is the unchanged copies, which the lazy one keeps
    lazy_defined = {n.name for n in ast.walk(ast.parse(lazy.code)) if isinstance(n, ast.FunctionDef)}
    assert set(defined) == {n for n in lazy_defined if "__mutmut_" in n} != set()
    assert all(n.endswith("__mutmut_orig") for n in defined)


@pytest.fixture
def load_module() -> Iterator[Callable[[str, str, bool], ModuleType]]:
    """Import generated source as a real module through the import hook, as the worker does."""
    loaded: list[str] = []
    finders: list[object] = []

    def load(name: str, source: str, lazy: bool = True) -> ModuleType:
        mutated = mutate_module(name, source, f"{name}.py", lazy=lazy)
        register(name, mutated.functions, source)
        finders.append(install({name: (f"/nonexistent/{name}.py", mutated.code)}, on_load=plant))
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
    """The extreme mutants are spliced in beside mutmut's: the module still compiles,
    and mutmut's own mutants are unchanged by them."""
    source = path.read_text(encoding="utf-8")
    with_extremes = mutate_module("m", source, str(path), lazy=False)
    compile(with_extremes.code, str(path), "exec", dont_inherit=True)
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


def test_a_planted_copy_behaves_as_in_the_whole_layout(load_module: Callable[..., ModuleType]) -> None:
    """super(), private names, classmethods, staticmethods, properties, class-level
    default values and ``__future__`` annotations: every mutant gives the same
    observations whether its copy was laid out with the module or planted into it."""
    whole = load_module("plant_whole", PLANTING, False)
    lazy = load_module("plant_lazy", PLANTING)
    names = [n for f in mutate_module("m", PLANTING, "m.py").functions for n in f.changes]
    assert len(names) > 15
    differ = 0
    for name in names:
        activate(f"plant_whole.{name}")
        expected = _observe(whole)
        activate(f"plant_lazy.{name}")
        assert _observe(lazy) == expected, name
        activate(None)
        differ += _observe(lazy) != expected
    assert differ > 10  # the mutants change behaviour at all, so equal observations mean something
    # the copy carries the module's __future__ flags and the function's own line numbers
    activate("plant_lazy.x_top__mutmut_1")
    planted = mutant_function("plant_lazy.x_top__mutmut_1", "top")
    assert planted.__annotations__ == {"x": "int", "return": "int"}  # strings: annotations are postponed
    assert planted.__code__.co_firstlineno == PLANTING.splitlines().index("def top(x: int) -> int:") + 1


def test_a_module_imported_after_the_switch_gets_the_copy(load_module: Callable[..., ModuleType]) -> None:
    functions = mutate_module("m", PLANTING, "m.py").functions
    (top,) = [f for f in functions if f.dict_name == "mutants_x_top__mutmut"]
    (minus,) = [name for name, (_, _, text) in top.changes.items() if text == "x - 1"]
    activate(f"plant_late.{minus}")  # before the module exists
    module = load_module("plant_late", PLANTING)
    assert module.top(1) == 0
    reloaded = importlib.reload(module)  # loaded again: the live mutant is planted again
    assert minus in vars(reloaded)["mutants_x_top__mutmut"]
    assert reloaded.top(1) == 0
    activate(None)
    assert reloaded.top(1) == 2


def test_function_copies_survive_the_plan_json() -> None:
    functions = mutate_module("m", PLANTING, "m.py").functions
    again = tuple(decode(FunctionCopies, json.loads(json.dumps(to_json(f)))) for f in functions)
    assert again == functions
    assert any(f.changes for f in again)  # the (start, end, text) tuples came back as tuples


def test_served_code_keeps_the_files_line_numbers(tmp_path: Path) -> None:
    """Trampolines and copies add lines; the served module's code objects still
    carry the file's numbers, so tracebacks and inspect.getsource read the file right."""
    source = textwrap.dedent(
        """
        import inspect


        def helper(x):
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
    mutated = mutate_module("lined", source, str(path))
    assert len(mutated.code.splitlines()) > len(source.splitlines())  # lines were spliced in
    namespace: dict[str, object] = {"__name__": "lined"}
    exec(compile_served(mutated.code, str(path), mutated.line_map), namespace)  # noqa: S102
    box = namespace["Box"]()  # type: ignore[operator]
    orig = namespace["mutants_xǁBoxǁsize__mutmut"]["_mutmut_orig"]  # type: ignore[index]
    assert orig.__code__.co_firstlineno == source.splitlines().index("    def size(self):") + 1
    with pytest.raises(ValueError) as raised:
        box.size()
    assert (
        raised.traceback[-1].lineno + 1 == source.splitlines().index('        raise ValueError("boom")') + 1
    )
    assert box.text().strip().startswith("def size(self):")
