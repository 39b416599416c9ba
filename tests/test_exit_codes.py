"""Every exit code ``pytest --escape`` documents, each from a real run; the
one-line messages of bad options and config values, each from the settings."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
from conftest import Project

from pytest_escape.config import SettingsError, build_settings, command_line
from pytest_escape.gate import EscapeExit

PRICING = """
def fee(amount):
    if amount >= 100:
        return 0
    return 5
"""
GOOD_TESTS = """
from pricing import fee

def test_threshold():
    assert fee(100) == 0
    assert fee(99) == 5
"""
WEAK_TESTS = """
from pricing import fee

def test_runs():
    assert fee(500) is not None
"""


def test_ok_is_zero(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    result = project.run("--escape-fail-under", "90")
    assert result.ret == EscapeExit.OK == 0


def test_score_below_threshold(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": WEAK_TESTS})
    result = project.run("--escape-fail-under", "80")
    assert result.ret == EscapeExit.SCORE_BELOW_THRESHOLD == 10
    result.stdout.fnmatch_lines(
        [
            "escape: mutation score *% is below 80%, the score the gate asks for (--escape-fail-under)",
            "escape: exit 10: a mutation score is below its threshold",
        ]
    )
    # the verdict is the last thing on screen, after pytest's own summary line
    assert result.stdout.lines[-1] == "escape: exit 10: a mutation score is below its threshold"
    assert " passed in " in result.stdout.lines[-3]


def test_threshold_from_pyproject_and_cli_overrides_it(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": WEAK_TESTS,
            "pyproject.toml": "[tool.pytest_escape]\nfail_under = 80\n",
        }
    )
    assert project.run().ret == EscapeExit.SCORE_BELOW_THRESHOLD
    assert project.run("--escape-fail-under", "0").ret == EscapeExit.OK


def test_failing_baseline_scores_nothing(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": GOOD_TESTS + "\ndef test_broken():\n    assert fee(1) == 6\n",
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.TESTS_FAILED == 1
    result.stdout.fnmatch_lines(
        [
            "escape analysis needs a passing test suite: 1 failed (test_pricing.py::test_broken), "
            "also when run again without coverage (the first: assert 5 == 6*); fix them, then run again "
            "(nothing was scored)"
        ]
    )
    assert not project.report.exists()
    assert "escape: running" not in result.stdout.str()


#: passes in a plain run, fails while coverage measures: its last assert sees the
#: tracer; and again in a fork of that run, where ``captured`` holds coverage's
#: tracer from its import (snoop's samples do this)
UNDER_COVERAGE = """
import sys

from pricing import fee

def test_threshold_plainly():
    import captured

    assert fee(100) == 0
    assert fee(99) == 5
    assert sys.gettrace() is captured.AT_IMPORT is None
"""
CAPTURED = "import sys\n\nAT_IMPORT = sys.gettrace()\n"


def test_a_test_that_fails_only_under_coverage_runs_against_the_mutants(project: Project) -> None:
    project.write({"pricing.py": PRICING, "captured.py": CAPTURED, "test_pricing.py": UNDER_COVERAGE})
    result = project.run("--escape-fail-under", "90")
    # its checks kill the mutants: the gate passes, though pytest counted it failed under coverage
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(["*1 failed*"])
    results = project.results()
    assert (
        "1 test failed under coverage and passed when run again without it "
        "(test_pricing.py::test_threshold_plainly): coverage saw it only up to the failure, so the mutants "
        "ran against it on those lines, and each mutant on a line no test was seen to run against up to "
        "10 such tests; the exit code is the gate's"
    ) in results["x-escape"]["warnings"]
    assert results["x-escape"]["timings"]["recheck"] > 0
    killed = [m for m in project.mutants().values() if m["status"] == "killed"]
    assert killed and all(m["killed_by"] == "test_pricing.py::test_threshold_plainly" for m in killed)


def test_a_strict_configuration_without_pytest_s_cache_runs_worker_and_rerun(
    project: Project,
) -> None:
    """Under ``strict_config`` (pytest 9's ``strict = true``) an unknown ini
    option is an error.  The worker and the rerun without coverage were
    each given their own ``cache_dir``, an option only pytest's cache plugin
    knows: with ``-p no:cacheprovider`` both stopped at once (a JSONPath
    library's run: "exit 3: pytest-escape failed")."""
    project.write(
        {
            "pytest.ini": "[pytest]\nstrict_config = true\n",
            "pricing.py": PRICING,
            "captured.py": CAPTURED,
            "test_pricing.py": UNDER_COVERAGE,
        }
    )
    result = project.run("--escape-fail-under", "90")  # the project fixture runs with -p no:cacheprovider
    assert result.ret == EscapeExit.OK, result.stdout.str()
    assert any("passed when run again without it" in w for w in project.results()["x-escape"]["warnings"])


def test_a_test_that_fails_without_coverage_too_stops_the_run_named_apart(project: Project) -> None:
    broken = "\ndef test_broken():\n    assert fee(1) == 6\n"
    project.write(
        {"pricing.py": PRICING, "captured.py": CAPTURED, "test_pricing.py": UNDER_COVERAGE + broken}
    )
    result = project.run()
    assert result.ret == EscapeExit.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "escape analysis needs a passing test suite: 1 failed (test_pricing.py::test_broken), also when "
            "run again without coverage (the first: assert 5 == 6*); 1 more failed only under coverage "
            "(test_pricing.py::test_threshold_plainly); fix them, then run again (nothing was scored)"
        ]
    )
    assert not project.report.exists()


def test_no_tests_collected_is_pytests_own_code_and_scores_nothing(project: Project) -> None:
    project.write({"pricing.py": PRICING})
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.NO_TESTS_COLLECTED == 5
    result.stdout.fnmatch_lines(
        ["escape: pytest collected no tests, so no mutant can be measured (nothing was scored); add tests*"]
    )
    assert not project.report.exists()


def test_no_mutants_measured_fails_the_gate(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_other.py": "def test_nothing_of_pricing():\n    assert 1 + 1 == 2\n",
        }
    )
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED == 11
    result.stdout.fnmatch_lines(["escape: no mutants measured (4 generated, 4 without covering tests)*"])
    # the report says so too, and does not claim a score
    assert "100.0%" not in result.stdout.str()


def test_mutants_that_do_not_reach_the_tested_code_stop_the_run(project: Project) -> None:
    # The tests load pricing.py under a name of their own, bypassing the import
    # system: mutated code served for "pricing" never reaches them.
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": """
                import importlib.util
                import pathlib

                spec = importlib.util.spec_from_file_location(
                    "pricing_by_path", pathlib.Path(__file__).parent / "pricing.py"
                )
                pricing = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(pricing)

                def test_threshold():
                    assert pricing.fee(100) == 0
                    assert pricing.fee(99) == 5
            """,
        }
    )
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.MUTANTS_UNREACHABLE == 12
    result.stdout.fnmatch_lines(["escape: mutants do not reach module pricing: *test_threshold passed*"])
    assert "Module  Mutants" not in result.stdout.str()  # no score is shown


def test_a_crashing_worker_is_an_internal_error_with_its_output(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": GOOD_TESTS,
            "conftest.py": """
                import os
                if os.environ.get("PYTEST_ESCAPE_WORKER"):
                    raise RuntimeError("conftest refuses to run in the worker")
            """,
        }
    )
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.INTERNAL_ERROR == 3
    result.stdout.fnmatch_lines(
        [
            "escape: the mutation worker stopped unexpectedly (exit 4)*",
            "*conftest refuses to run in the worker*",
        ]
    )


#: (arguments, the one line the run stops with): build_settings decides each
#: in a unit test below; a real run shows a few of them end to end
BAD_OPTIONS = [
    (["--escape-paths", "nowhere.py"], "escape: --escape-paths: 'nowhere.py' does not exist*"),
    (["--escape-fail-under", "high"], "escape: --escape-fail-under must be a number, not 'high'"),
    (
        ["--escape-fail-under", "101"],
        "escape: --escape-fail-under must be a score between 0 and 100, not '101'",
    ),
    (["--escape-workers", "0"], "escape: --escape-workers must be at least 1, not '0'"),
    (["--escape-examples", "0"], "escape: --escape-examples must be at least 1, not '0'"),
    (
        ["--escape-witness-budget", "-5"],
        "escape: --escape-witness-budget must be auto, 0 (no witness search) or more seconds, not '-5'",
    ),
    (["--escape-seed", "lucky"], "escape: --escape-seed must be a whole number, not 'lucky'"),
    (
        ["--escape-since=--all"],
        "escape: --escape-since needs a git revision (a branch, tag or commit, e.g. origin/main), "
        "not '--all'",
    ),
    (["--escape-shard", "3"], "escape: --escape-shard must be K/N (shard K of N) like 1/4, not '3'"),
    (
        ["--escape-witness-backend", "z3"],
        "escape: --escape-witness-backend must be one of hypothesis, crosshair, not 'z3'",
    ),
    (["--escape-write-tests", "."], "escape: --escape-write-tests: * is a directory; give a file path"),
    (["--escape-workers", "two"], "escape: --escape-workers must be a whole number, not 'two'"),
    (
        ["--escape-timeout-factor", "-1"],
        "escape: --escape-timeout-factor must be greater than 0, not '-1'",
    ),
    (
        ["--escape-memory-limit", "-1"],
        "escape: --escape-memory-limit must be auto, 0 (no limit) or up to 16777216 MiB, not '-1'",
    ),
    (
        # setrlimit refused it in every child: every mutant an error, exit 11
        ["--escape-memory-limit", "99999999999999"],
        "escape: --escape-memory-limit must be auto, 0 (no limit) or up to 16777216 MiB, "
        "not '99999999999999'",
    ),
    (
        ["--escape-property-budget", "-1"],
        "escape: --escape-property-budget must be 0 (no property checks) or more seconds, not '-1'",
    ),
    (
        ["--escape-memory-limit", "lots"],
        "escape: --escape-memory-limit must be auto or a whole number of MiB, not 'lots'",
    ),
    (
        ["--escape-fail-on", "pseudo"],
        "escape: --escape-fail-on: unknown finding 'pseudo'; use one or more of pseudo-tested, "
        "confirming-only, properties",
    ),
    (
        ["--escape-report", "pdf:out.pdf"],
        "escape: --escape-report: unknown report format 'pdf'; use one of term, json, html, sarif, md, *",
    ),
    (
        ["--escape-report", "json:/proc/escape/report.json"],
        "escape: --escape-report: cannot write /proc/escape/report.json (* in /proc)",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS)
def test_each_bad_option_is_one_line_naming_it(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    config = pytester.parseconfig("--escape", *args)
    with pytest.raises(SettingsError) as refused:
        build_settings(pytester.path, command_line(config))
    assert fnmatch.fnmatchcase(f"escape: {refused.value}", message), str(refused.value)
    assert "\n" not in str(refused.value)


#: the plumbing, end to end: a value, a path, a file that cannot be written
@pytest.mark.parametrize(("args", "message"), [BAD_OPTIONS[i] for i in (0, 1, len(BAD_OPTIONS) - 1)])
def test_bad_input_is_one_clear_line_and_a_usage_error(
    project: Project, args: list[str], message: str
) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    before = project.source_hashes()
    result = project.run(*args)
    assert result.ret == EscapeExit.USAGE_ERROR == 4
    result.stderr.fnmatch_lines([f"ERROR: {message}"])
    assert "Traceback" not in result.stderr.str()
    assert project.source_hashes() == before


#: (pyproject.toml, the line the run stops with)
BAD_CONFIG = [
    # pytest reads pyproject.toml first and says so itself
    (
        "[tool.pytest_escape\nfail_under = 3\n",
        "*/pyproject.toml: Expected ']' at the end of a table declaration*",
    ),
    (
        "[tool.pytest_escape]\nfail_undr = 3\n",
        "escape: */pyproject.toml: unknown key 'fail_undr' in [[]tool.pytest_escape]; "
        "did you mean 'fail_under'? known keys: *",
    ),
    (
        "[tool.pytest_escape]\nzzz = 3\n",
        "escape: */pyproject.toml: unknown key 'zzz' in [[]tool.pytest_escape]; known keys: *",
    ),
    (
        "[tool.pytest_escape]\ntimeout_factor = 'long'\n",
        "escape: [[]tool.pytest_escape] timeout_factor must be a number, not 'long'",
    ),
    (
        "[tool.pytest_escape]\nexamples = 2.5\n",
        "escape: [[]tool.pytest_escape] examples must be a whole number, not 2.5",
    ),
    (
        "[tool.pytest_escape]\nmemory_limit = 1.5\n",
        "escape: [[]tool.pytest_escape] memory_limit must be a whole number, not 1.5",
    ),
    (
        "[tool.pytest_escape]\nmatrix = 'yes'\n",
        "escape: [[]tool.pytest_escape] matrix must be true or false, not 'yes'",
    ),
    (
        "[tool.pytest_escape]\ncache = 'off'\n",
        "escape: [[]tool.pytest_escape] cache must be true or false, not 'off'",
    ),
    (
        "[tool.pytest_escape]\nfail_on = [1]\n",
        "escape: [[]tool.pytest_escape] fail_on must name findings like 'pseudo-tested,confirming-only', "
        "not [[]1]",
    ),
    (
        "[tool.pytest_escape]\npaths = 'src'\n",
        "escape: [[]tool.pytest_escape] paths must be a list of paths, not 'src'",
    ),
]


@pytest.mark.parametrize(("pyproject", "message"), BAD_CONFIG[1:])
def test_each_broken_config_value_is_one_line_naming_it(tmp_path: Path, pyproject: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        build_settings(tmp_path, {})
    assert fnmatch.fnmatchcase(f"escape: {refused.value}", message), str(refused.value)


#: end to end: the file pytest itself cannot read, and a key of ours it can
@pytest.mark.parametrize(("pyproject", "message"), BAD_CONFIG[:2])
def test_broken_config_is_a_usage_error(project: Project, pyproject: str, message: str) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS, "pyproject.toml": pyproject})
    result = project.run()
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_a_target_with_a_syntax_error_is_skipped_and_the_run_goes_on(project: Project) -> None:
    # The tests never import broken.py, so pytest itself does not notice.
    project.write(
        {
            "pricing.py": PRICING,
            "broken.py": "def oops(:\n    pass\n",
            "test_pricing.py": GOOD_TESTS,
        }
    )
    before = project.source_hashes()
    result = project.run("--escape-paths", "pricing.py", "broken.py", "--escape-witness-budget", "0")
    assert result.ret == EscapeExit.OK
    warning = (
        "skipped broken.py: cannot parse it (line 1: invalid syntax); fix the syntax error or leave "
        "the file out with --escape-paths"
    )
    result.stdout.fnmatch_lines(["pricing * 100.0%", f"warning: {warning}", "mutation score 100.0%*"])
    results = project.results()
    assert results["x-escape"]["warnings"] == [warning]
    assert [f["path"] for f in results["x-escape"]["files"]] == ["pricing.py"]
    assert set(project.statuses().values()) == {"killed"}
    assert project.source_hashes() == before
