"""The tool under faults of its surroundings (issue 7): a cache directory it
cannot write, a full disk under a report, and two runs at once in one project.
Each run must finish with its results, say what went wrong in one line, and
leave the project's files as they were."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import Project
from test_cache import PROJECT, model, planned, verdicts

from pytest_escape.gate import EscapeExit


def test_a_cache_directory_that_cannot_be_written_turns_the_cache_off_not_the_run(project: Project) -> None:
    project.write(PROJECT)
    # a file where pytest's cache directory should be: unwritable even for root
    (project.path / ".pytest_cache").write_text("not a directory\n")
    hashes = project.source_hashes()
    result = project.run("--escape-witness-budget", "0", cache=True)
    assert result.ret == EscapeExit.OK, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "escape: cache turned off for this run: cannot write */.pytest_cache (*); make it writable, "
            "set pytest's cache_dir elsewhere, or pass --escape-no-cache",
        ]
    )
    x = model(project)
    assert x["executed"] == planned(x) > 10 and x["from_cache"] == 0
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert project.source_hashes() == hashes


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_loses_that_report_only(project: Project) -> None:
    project.write(PROJECT)
    markdown = project.path / "summary.md"
    result = project.run(
        "--escape-witness-budget",
        "0",
        "--escape-report",
        "json:/dev/full",  # every write fails with ENOSPC, as on a full disk
        "--escape-report",
        f"md:{markdown}",
        cache=True,
    )
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stdout.fnmatch_lines(
        [
            "shop.cart *%",  # the terminal report is all there
            "escape: cannot write /dev/full: No space left on device",
            "escape: free the space or fix the path and run again (the terminal report above is "
            "complete, and the cached verdicts make the rerun quick)",
        ]
    )
    assert "# " in markdown.read_text()  # the report after the failed one was still written
    # and the verdicts are safe: the rerun runs nothing
    again = project.run("--escape-witness-budget", "0", cache=True)
    assert again.ret == EscapeExit.OK
    assert model(project)["executed"] == 0


def test_two_runs_at_once_in_one_project_both_complete_with_the_same_results(project: Project) -> None:
    project.write(PROJECT)
    hashes = project.source_hashes()
    reports = [project.path / f"run{i}.json" for i in (1, 2)]
    runs = [
        project.start(
            "--escape-workers",
            "2",
            "--escape-witness-budget",
            "0",
            "--escape-report",
            f"json:{report}",
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for report in reports
    ]
    outputs = [run.communicate(timeout=600)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    one, two = (json.loads(Path(r).read_text())["x-escape"] for r in reports)
    # they raced on one cache: each verdict came from a run or from the other's cache rows
    assert one["executed"] + one["from_cache"] == planned(one) > 10
    assert two["executed"] + two["from_cache"] == planned(two)
    assert verdicts(one) == verdicts(two)
    fresh = project.run("--escape-witness-budget", "0", "--escape-no-cache", cache=True)
    assert fresh.ret == 0
    assert verdicts(model(project)) == verdicts(one)
    # the cache they shared is whole: a third run takes everything from it
    project.run("--escape-witness-budget", "0", cache=True)
    assert model(project)["executed"] == 0
    assert project.source_hashes() == hashes


def test_a_cache_dir_set_on_the_command_line_under_filterwarnings_error(project: Project) -> None:
    """The worker's pytest runs without the cacheprovider, so ``-o cache_dir`` is an
    option it does not know; under ``filterwarnings = error`` that warning stopped it."""
    project.write({**PROJECT, "pytest.ini": "[pytest]\npythonpath = src\nfilterwarnings =\n    error\n"})
    elsewhere = project.beside("cache")
    result = project.run("--escape-witness-budget", "0", "-o", f"cache_dir={elsewhere}", cache=True)
    assert result.ret == EscapeExit.OK, result.stdout.str()
    x = model(project)
    assert x["executed"] == planned(x) > 10
    assert (elsewhere / "escape").is_dir() or any(elsewhere.rglob("*.sqlite*"))
