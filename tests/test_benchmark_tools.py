"""The benchmark scripts' own parsing, where a fault changes a published figure."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def _benchmark(name: str) -> ModuleType:
    path = Path(__file__).parent.parent / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_assertion_stripping_reads_a_test_s_function_before_its_parameters() -> None:
    """A parameter holding ``::`` (an IPv6 address) made a stripped test's
    case count as another test newly flagged."""
    function_of = _benchmark("assertion_stripping").function_of
    assert function_of("tests/t.py::TestX::test_y[1]") == ("tests/t.py", "TestX.test_y")
    assert function_of("tests/t.py::TestX::test_y[[::1%25lo]]") == ("tests/t.py", "TestX.test_y")
    assert function_of("t.py::test_z") == ("t.py", "test_z")
