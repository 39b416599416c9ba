"""Bad input, each from a real run: one clear line, a documented exit code, no
traceback, and the user's files left as they were.

Targets that cannot be mutated (a syntax error, an encoding Python cannot
decode) are skipped with a warning and the rest of the run goes on; input that
leaves nothing to measure fails with its own line; options and files that make
no sense stop the run before the tests with exit 4.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
from conftest import Project
from test_exit_codes import GOOD_TESTS, PRICING

from pytest_escape.gate import EscapeExit
from pytest_escape.model import MODEL_VERSION
from pytest_escape.results_io import NotAResultsFile, read_baseline

NO_WITNESS = ("--escape-witness-budget", "0")


def _run(project: Project, *args: str) -> pytest.RunResult:
    """A run without the witness search, checked for tracebacks and untouched sources."""
    before = project.source_hashes()
    result = project.run(*NO_WITNESS, *args)
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output
    assert "INTERNALERROR" not in output
    assert project.source_hashes() == before
    return result


def _usage_error(project: Project, *args: str, line: str) -> None:
    result = _run(project, *args)
    assert result.ret == EscapeExit.USAGE_ERROR == 4
    result.stderr.fnmatch_lines([f"ERROR: {line}"])
    assert len([x for x in result.stderr.lines if x.startswith("ERROR:")]) == 1
    assert "escape: running" not in result.stdout.str()


# -- targets that cannot be mutated are skipped, the rest of the run goes on --


def test_every_target_with_a_syntax_error_leaves_no_mutant_measured(project: Project) -> None:
    project.write({"broken.py": "def oops(:\n    pass\n", "test_pricing.py": "def test_x():\n    assert 1\n"})
    result = _run(project, "--escape-paths", "broken.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED == 11
    result.stdout.fnmatch_lines(
        [
            "warning: skipped broken.py: cannot parse it (line 1: *); fix the syntax error or leave "
            "the file out with --escape-paths",
            "mutation score n/a *",
            "escape: no mutants measured: 1 file was skipped (see the warnings above), so there is "
            "no score to gate on; *",
        ]
    )
    assert "100.0%" not in result.stdout.str()
    assert project.results()["x-escape"]["files"] == []


def test_a_package_whose_only_code_is_broken_names_the_skipped_file(project: Project) -> None:
    project.write(
        {
            "pkg/__init__.py": "",
            "pkg/bad.py": "def f(:\n",
            "test_pkg.py": "import pkg\n\ndef test_x():\n    assert pkg\n",
        }
    )
    result = _run(project, "--escape-paths", "pkg")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        [
            "warning: skipped pkg/bad.py: cannot parse it (line 1: *)*",
            "escape: no mutants measured: the 1 target file holds no function a mutant can be planted in "
            "and 1 file was skipped (see the warnings above)*",
        ]
    )


def test_an_undecodable_target_is_skipped_with_the_line_of_the_bad_byte(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    # latin-1 text without a coding cookie: Python itself cannot import it
    (project.path / "legacy.py").write_bytes(b'def name():\n    return "caf\xe9"\n')
    result = _run(project, "--escape-paths", "pricing.py", "legacy.py")
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(
        [
            "warning: skipped legacy.py: cannot decode it as utf-8 (line 2: byte 0xe9); save it as UTF-8, "
            "declare its encoding (# -*- coding: latin-1 -*-) or leave the file out with --escape-paths",
        ]
    )
    assert [f["path"] for f in project.results()["x-escape"]["files"]] == ["pricing.py"]
    assert set(project.statuses().values()) == {"killed"}


def test_an_unknown_coding_cookie_is_skipped_with_a_warning(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": GOOD_TESTS,
            "odd.py": "# coding: klingon\ndef f(x):\n    return x + 1\n",
        }
    )
    result = _run(project, "--escape-paths", "pricing.py", "odd.py")
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(
        [
            "warning: skipped odd.py: cannot decode it (unknown encoding: klingon); "
            "fix its coding declaration or leave the file out with --escape-paths"
        ]
    )
    warnings = project.results()["x-escape"]["warnings"]
    assert [w.partition(";")[0] for w in warnings] == [
        "skipped odd.py: cannot decode it (unknown encoding: klingon)"
    ]


def test_a_latin1_target_with_a_coding_cookie_is_mutated(project: Project) -> None:
    project.write(
        {
            "test_legacy.py": """
                from legacy import name

                def test_name():
                    assert name(True) == "caf\\xe9"
                    assert name(False) == ""
            """,
        }
    )
    (project.path / "legacy.py").write_bytes(
        b'# -*- coding: latin-1 -*-\ndef name(polite):\n    if polite:\n        return "caf\xe9"\n'
        b'    return ""\n'
    )
    result = _run(project, "--escape-paths", "legacy.py")
    assert result.ret == EscapeExit.OK
    assert "warning" not in result.stdout.str()
    # the report holds the text as Python reads it, not mojibake
    assert 'return "caf\u00e9"' in project.results()["files"]["legacy.py"]["source"]
    statuses = project.statuses()
    assert statuses and set(statuses.values()) == {"killed"}


def test_a_utf8_target_with_a_byte_order_mark_is_mutated(project: Project) -> None:
    project.write({"test_bom.py": "from bom import inc\n\ndef test_inc():\n    assert inc(1) == 2\n"})
    (project.path / "bom.py").write_bytes(b"\xef\xbb\xbfdef inc(x):\n    return x + 1\n")
    result = _run(project, "--escape-paths", "bom.py")
    assert result.ret == EscapeExit.OK
    # with the mark kept, the worker could not import the module and lost the test
    assert "warning" not in result.stdout.str()
    statuses = project.statuses()
    assert statuses and set(statuses.values()) == {"killed"}
    assert project.results()["files"]["bom.py"]["source"].startswith("def inc(x):")


# -- nothing to measure: one line, and never a score --


@pytest.mark.parametrize("files", [{}, {"test_nothing.py": "def test_x():\n    assert 1\n"}])
def test_a_project_without_code_is_a_usage_error(project: Project, files: dict[str, str]) -> None:
    project.write(files)
    _usage_error(
        project,
        line="escape: found no code to mutate under *; name it with --escape-paths PATH or "
        "[[]tool.pytest_escape] paths",
    )


def test_deselecting_every_test_is_pytests_no_tests_code(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    result = _run(project, "-k", "no_such_test")
    assert result.ret == EscapeExit.NO_TESTS_COLLECTED == 5
    result.stdout.fnmatch_lines(
        ["escape: pytest collected no tests, so no mutant can be measured (nothing was scored); *-k and -m*"]
    )
    assert not project.report.exists()


@pytest.mark.parametrize(
    ("marker", "who"),
    [
        ("@pytest.mark.skip(reason='later')", "the only test was"),
        ("@pytest.mark.xfail(reason='known bug')", "the only test was"),
    ],
)
def test_a_suite_where_every_test_is_skipped_measures_nothing(
    project: Project, marker: str, who: str
) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": f"""
import pytest
from pricing import fee

{marker}
def test_threshold():
    assert fee(99) == 6  # wrong: the xfail is right to expect a failure
""",
        }
    )
    result = _run(project, "--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED == 11
    result.stdout.fnmatch_lines(
        [
            f"escape: no mutants measured: {who} skipped (or xfailed), so no test ran against the code: "
            "there is no score to gate on; make it run*"
        ]
    )
    assert "100.0%" not in result.stdout.str()
    assert project.results()["x-escape"]["mutants"]
    assert set(project.statuses().values()) == {"no coverage"}


def test_several_skipped_tests_are_counted(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": """
                import pytest
                from pricing import fee

                pytestmark = pytest.mark.skipif(True, reason="needs a database")

                def test_free():
                    assert fee(100) == 0

                def test_paid():
                    assert fee(99) == 5
            """,
        }
    )
    result = _run(project, "--escape-paths", "pricing.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        ["escape: no mutants measured: all 2 tests were skipped (or xfailed)*make them run*"]
    )


def test_a_target_without_functions_says_there_is_nothing_to_mutate(project: Project) -> None:
    project.write(
        {
            "settings.py": "LIMIT = 100\n",
            "test_settings.py": "from settings import LIMIT\n\ndef test_x():\n    assert LIMIT\n",
        }
    )
    result = _run(project, "--escape-paths", "settings.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        [
            "escape: no mutants measured: the 1 target file holds no function a mutant can be planted in, "
            "so there is no score*"
        ]
    )


def test_tests_that_import_none_of_the_code_say_so(project: Project) -> None:
    # flat layout: pricing.py is a candidate, but no test imports it
    project.write({"pricing.py": PRICING, "test_other.py": "def test_x():\n    assert 1\n"})
    result = _run(project)
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        [
            "warning: not mutated: pricing.py: no test imports it *",
            "escape: no mutants measured: every candidate was left out (pricing.py: no test imports it "
            "(flat layout: *); see the warnings above), so there is no score*",
        ]
    )


# -- a baseline that is not ours --


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            b'{"schemaVersion": "2", "thresholds": {"high": 80, "low": 60}, "files": {}}',
            "escape: --escape-baseline: */base.json: it is not a pytest-escape JSON report "
            "(no 'x-escape' key); write a new one with --escape-baseline-update",
        ),
        (
            b"[1, 2, 3]",
            "escape: --escape-baseline: */base.json: it is not a pytest-escape JSON report*",
        ),
        (
            b"mutation score: 80 %\n",
            "escape: --escape-baseline: */base.json is not JSON (Expecting value: *); "
            "write a new one with --escape-baseline-update",
        ),
        (b"", "escape: --escape-baseline: */base.json is not JSON (*); write a new one*"),
        (
            b"\xff\xfe\x00\x01binary",
            "escape: --escape-baseline: */base.json is not a JSON report (it is not UTF-8 text); "
            "write a new one with --escape-baseline-update",
        ),
        (
            b'{"schemaVersion": "2", "files": {}, "x-escape": {"model_version": %d}}' % MODEL_VERSION,
            "escape: --escape-baseline: */base.json: its results model is incomplete or damaged (*); "
            "write a new one with --escape-baseline-update",
        ),
        (
            # a future model may lack keys this one needs: that is not damage
            b'{"schemaVersion": "2", "files": {}, "x-escape": {"model_version": %d}}' % (MODEL_VERSION + 1),
            f"escape: --escape-baseline: */base.json: it was written by a newer pytest-escape (model version "
            f"{MODEL_VERSION + 1}; this one reads up to {MODEL_VERSION}): upgrade pytest-escape; "
            "write a new one with --escape-baseline-update",
        ),
        (
            b'{"schemaVersion": "2", "files": {}, "x-escape": {"model_version": 1}}',
            "escape: --escape-baseline: */base.json: results model version 1 is not one this version reads "
            "(*); write it again with this version of pytest-escape; write a new one*",
        ),
    ],
    ids=["other-json-report", "json-list", "text", "empty", "binary", "damaged", "newer", "older"],
)
def test_a_baseline_that_is_not_ours_is_named_with_what_to_do(
    tmp_path: Path, content: bytes, line: str
) -> None:
    (tmp_path / "base.json").write_bytes(content)
    with pytest.raises(NotAResultsFile) as refused:
        read_baseline(tmp_path / "base.json", 0.0)
    assert fnmatch.fnmatchcase(f"escape: {refused.value}", line), str(refused.value)
    assert (tmp_path / "base.json").read_bytes() == content


def test_a_baseline_that_is_not_ours_is_a_usage_error(project: Project) -> None:
    """The one line above, from a real run (the other kinds of file: the test above)."""
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    (project.path / "base.json").write_bytes(b"mutation score: 80 %\n")
    line = "escape: --escape-baseline: */base.json is not JSON (Expecting value: *); write a new one*"
    _usage_error(project, "--escape-baseline", "base.json", line=line)
    assert (project.path / "base.json").read_bytes() == b"mutation score: 80 %\n"


def test_a_missing_baseline_is_a_usage_error(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    _usage_error(
        project,
        "--escape-baseline",
        "nowhere.json",
        line="escape: --escape-baseline: */nowhere.json does not exist; create it with "
        "--escape-baseline-update (or drop the option)",
    )


@pytest.mark.parametrize(
    ("update", "line"),
    [
        (
            (),
            "escape: --escape-baseline: */baselines is a directory; give the baseline's file path "
            "(a JSON report written with --escape-baseline-update)",
        ),
        (
            ("--escape-baseline-update",),
            "escape: --escape-baseline: */baselines is a directory; give a file path",
        ),
    ],
    ids=["read", "update"],
)
def test_a_directory_as_the_baseline_is_a_usage_error(
    project: Project, update: tuple[str, ...], line: str
) -> None:
    # it used to say the directory "does not exist"
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS})
    (project.path / "baselines").mkdir()
    _usage_error(project, "--escape-baseline", "baselines", *update, line=line)
    assert list((project.path / "baselines").iterdir()) == []


def test_a_baseline_with_a_shard_is_set_aside_with_a_note(project: Project) -> None:
    # it used to crash (the note was written before the session had its notes)
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS, "base.json": "{}"})
    result = _run(project, "--escape-shard", "1/1", "--escape-baseline", "base.json")
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(["escape: the baseline */base.json is not applied with --escape-shard"])


# -- targets that are not code under test --


def test_a_target_that_is_not_python_is_a_usage_error(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS, "README.md": "# pricing\n"})
    _usage_error(
        project,
        "--escape-paths",
        "README.md",
        line="escape: --escape-paths: 'README.md' is not a Python file or a directory",
    )


def test_a_directory_without_python_code_is_a_usage_error(project: Project) -> None:
    project.write(
        {"pricing.py": PRICING, "test_pricing.py": GOOD_TESTS, "notes/a.txt": "a\n", "notes/b.txt": "b\n"}
    )
    _usage_error(
        project,
        "--escape-paths",
        "notes",
        line="escape: no Python code to mutate in notes/ (test files, conftest.py and virtual "
        "environments are left out); point --escape-paths * at the code under test",
    )


@pytest.mark.parametrize(
    ("files", "target", "why"),
    [
        ({}, "tests/test_pricing.py", "pytest collects it: python_files 'test_*.py'"),
        ({"tests/conftest.py": "\n"}, "tests/conftest.py", "pytest loads it as a conftest"),
        (
            {"pytest.ini": "[pytest]\npython_files = check_*.py\n", "tests/check_pricing.py": GOOD_TESTS},
            "tests/check_pricing.py",
            "pytest collects it: python_files 'check_*.py'",
        ),
    ],
    ids=["test-file", "conftest", "custom-python-files"],
)
def test_a_test_file_as_the_target_is_a_usage_error(
    project: Project, files: dict[str, str], target: str, why: str
) -> None:
    project.write({"pricing.py": PRICING, "tests/test_pricing.py": GOOD_TESTS, **files})
    _usage_error(
        project,
        "--escape-paths",
        target,
        line=f"escape: {target} is a test file ({why}), and test files are never mutated; "
        "point --escape-paths * at the code it tests",
    )


def test_a_test_file_beside_code_is_left_out_with_a_warning(project: Project) -> None:
    project.write({"pricing.py": PRICING, "tests/test_pricing.py": GOOD_TESTS})
    result = _run(project, "--escape-paths", "pricing.py", "tests/test_pricing.py")
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(
        [
            "warning: left out tests/test_pricing.py: it is a test file (pytest collects it: "
            "python_files 'test_*.py'); test files are never mutated"
        ]
    )
    assert [f["path"] for f in project.results()["x-escape"]["files"]] == ["pricing.py"]
    assert project.results()["x-escape"]["warnings"] == [
        "left out tests/test_pricing.py: it is a test file (pytest collects it: python_files 'test_*.py'); "
        "test files are never mutated"
    ]


def test_a_directory_of_tests_and_code_mutates_only_the_code(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "tests/__init__.py": "",
            "tests/helpers.py": "def double(x):\n    return x * 2\n",
            "tests/conftest.py": "import pytest\n",
            "tests/test_pricing.py": GOOD_TESTS + "\nfrom tests.helpers import double\n\n"
            "def test_double():\n    assert double(2) == 4\n",
        }
    )
    result = _run(project, "--escape-paths", "tests")
    assert result.ret == EscapeExit.OK
    assert [f["path"] for f in project.results()["x-escape"]["files"]] == [
        "tests/__init__.py",
        "tests/helpers.py",
    ]
    assert "left out" not in result.stdout.str()


def test_a_path_options_value_outside_the_project_is_named_before_it_moves_the_rootdir(
    project: Project,
) -> None:
    """pytest reads ``--escape-write-tests ../out.py`` before it knows the option:
    an existing ``../out.py`` looks like a test path to it and moves the
    rootdir, so the project's pytest settings are lost and every import
    fails.  The run stops at once with the fix instead (seen on validators)."""
    project.write(
        {
            "src/calc.py": "def double(x):\n    return x * 2\n",
            "tests/test_calc.py": "from calc import double\n\ndef test_double():\n    assert double(2)\n",
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        }
    )
    outside = project.path.parent / f"{project.path.name}-out.py"
    outside.write_text("", encoding="utf-8")
    value = f"../{outside.name}"
    result = project.run("--escape-write-tests", value)
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: escape: --escape-write-tests {value}: pytest also takes {value} for a test path*"
         f"write --escape-write-tests={value}"]
    )  # fmt: skip
    # one word: pytest leaves it alone, and the run writes the file
    fixed = project.run(f"--escape-write-tests={value}", "--escape-witness-budget", "5")
    assert fixed.ret == 0, fixed.stdout.str()
    assert outside.read_text(encoding="utf-8").startswith('"""Regression tests written by pytest-escape')
