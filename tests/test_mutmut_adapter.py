"""Golden tests for the mutmut adapter: a fixed input file must give exactly the
recorded mutant names, operators and diffs.  An upgrade of mutmut that changes
any of them fails here, not silently in users' runs.

To accept a deliberate change: ``ESCAPE_REGOLD=1 pytest tests/test_mutmut_adapter.py``
and review the diff of ``tests/golden/shop.expected.json``.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

import pytest_escape
from pytest_escape.mutation.mutmut_adapter import MUTMUT_VERSION, activate
from pytest_escape.mutation.mutmut_adapter.generate import mutate_module, mutmut_schemata

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


FILES_FOR_EQUIVALENCE = [
    GOLDEN / "shop.py",
    SRC / "config.py",
    SRC / "targets.py",
    SRC / "execution" / "pool.py",
    SRC / "mutation" / "schemata.py",
    Path(pytest.__file__).parent.parent / "_pytest" / "approx.py",
]


@pytest.mark.parametrize("path", FILES_FOR_EQUIVALENCE, ids=lambda p: p.name)
def test_schemata_layout_is_the_same_module_as_mutmuts(path: Path) -> None:
    """Our text layout must be AST-identical to mutmut's own generator."""
    source = path.read_text(encoding="utf-8")
    ours = mutate_module("m", source, str(path), extreme=False)
    theirs, names = mutmut_schemata(source, str(path))
    assert sorted(m.id for m in ours.mutants) == sorted(f"m.{n}" for n in names)
    if names:
        assert ast.dump(ast.parse(ours.code)) == ast.dump(ast.parse(theirs))
    else:
        assert ours.code == source


def test_mutants_switch_on_and_off_in_one_module() -> None:
    source = (GOLDEN / "shop.py").read_text(encoding="utf-8")
    module = mutate_module("golden_shop", source, "shop.py")
    namespace: dict[str, object] = {"__name__": "golden_shop"}
    exec(compile(module.code, "shop.py", "exec"), namespace)
    tax = namespace["Cart"].tax  # type: ignore[attr-defined]
    try:
        activate(None)
        assert tax(1) == 3
        make = namespace["Cart"].make  # type: ignore[attr-defined]
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
    with_extremes = mutate_module("m", source, str(path))
    compile(with_extremes.code, str(path), "exec", dont_inherit=True)
    regular = [m.id for m in with_extremes.mutants if m.operator != "extreme"]
    assert regular == [m.id for m in mutate_module("m", source, str(path), extreme=False).mutants]
