"""The benchmark scripts' own parsing, where a fault changes a published figure."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


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


def test_eta_accuracy_reads_the_progress_line_as_it_is_printed() -> None:
    """Its pattern wanted a comma before the rate, where the line prints a
    semicolon (``0 survived; 3.1/s``, and ``; N/M extreme;`` with extreme
    mutants): the script found no line and printed "no progress line"."""
    from pytest_escape.report.progress import Progress

    line = _benchmark("eta_accuracy").LINE
    for extremes in (0, 2):
        printed: list[str] = []
        progress = Progress(10, False, printed.append, every=0.0, workers=2, extremes=extremes)
        progress.update("killed", 1.0)
        found = line.search(printed[-1])
        assert found is not None, printed[-1]
        assert (found.group(1), found.group(2)) == ("1", str(10 - extremes))


def test_paired_says_in_one_line_that_a_projects_directory_holds_no_corpus_tsv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pointed at sources unpacked by hand, it stopped with a traceback."""
    # imported by name, as its sibling scripts are (its dataclasses need it in sys.modules)
    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent / "benchmarks"))
    paired = importlib.import_module("paired")
    monkeypatch.setattr("sys.argv", ["paired.py", "--fresh", str(tmp_path), "--only", "marko"])
    with pytest.raises(SystemExit) as stopped:
        paired.main()
    assert stopped.value.code == 2
    (said,) = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert said.endswith(
        f"--fresh {tmp_path} holds no corpus.tsv: give the directory the corpus's "
        "fetch.sh unpacked, or one that --download-fresh filled"
    )


def test_plan_memory_writes_and_reads_the_plan_both_ways(tmp_path: Path) -> None:
    """Its 'table' way calls the worker's own ``encode_plan``: when that
    began to return the shared strings beside the text, the script broke
    without any test noticing."""
    plan_memory = _benchmark("plan_memory")
    shape = ["20", "30", "10"]
    sizes = {}
    for how in ("full", "table"):
        path = tmp_path / f"{how}.json"
        plan_memory.measure(how, "write", path, shape)
        assert plan_memory.measure(how, "read", path, shape)["held_kib"] is not None
        sizes[how] = path.stat().st_size
    assert sizes["table"] < sizes["full"]
