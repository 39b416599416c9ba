"""The ``pytest-escape`` command, and the terminal report's levels and colour."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

from conftest import Project

from pytest_escape.gate import EscapeExit
from pytest_escape.model import MODEL_VERSION, Results
from pytest_escape.report import render_terminal
from pytest_escape.report.describe import score_text
from pytest_escape.results_io import read_json

COMMAND = Path(sys.executable).parent / "pytest-escape"


def escape(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user would run it."""
    return subprocess.run(
        [str(COMMAND), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_report_rebuilds_every_format_from_the_saved_json(sample_report: Path, tmp_path: Path) -> None:
    done = escape(
        "report",
        sample_report,
        "--format",
        "term",
        "--format",
        f"json:{tmp_path / 'again.json'}",
        "--format",
        f"html:{tmp_path / 'html'}",
        "--format",
        f"sarif:{tmp_path / 'escape.sarif'}",
        "--format",
        f"md:{tmp_path / 'summary.md'}",
        "--format",
        f"junit:{tmp_path / 'junit.xml'}",
    )
    assert done.returncode == 0, done.stderr
    results = read_json(sample_report)
    assert done.stdout.splitlines() == render_terminal(results)
    # the JSON written again carries the same model: nothing was lost on the way through
    original = json.loads(sample_report.read_text(encoding="utf-8"))
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["x-escape"] == original["x-escape"] and again["files"] == original["files"]
    assert (tmp_path / "html" / "index.html").is_file()
    assert json.loads((tmp_path / "escape.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "demo.pricing" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert (tmp_path / "junit.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert done.stderr.count("pytest-escape: wrote") == 5


def test_a_pipe_is_written_into_not_replaced(sample_report: Path, tmp_path: Path) -> None:
    """``--format json:/dev/stdout`` or a named pipe: renaming a file onto it (the atomic
    write for regular files) would replace the device, as root even /dev/null."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    done = escape("report", sample_report, "--format", f"md:{pipe}")
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received and received[0].startswith("**pytest-escape**: mutation score")


def test_md_without_a_path_appends_to_the_github_step_summary(sample_report: Path, tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    done = escape("report", sample_report, "--format", "md", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n") and "demo.pricing" in text


def test_gate_exits_with_the_recorded_gate(sample_report: Path, tmp_path: Path) -> None:
    data = json.loads(sample_report.read_text(encoding="utf-8"))
    assert escape("report", sample_report, "--gate").returncode == EscapeExit.OK
    data["x-escape"]["thresholds"] = {"demo.*": 30, "demo.util": 5}
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps(data), encoding="utf-8")
    done = escape("report", strict, "--gate", "--format", "md:" + str(tmp_path / "x.md"))
    assert done.returncode == EscapeExit.SCORE_BELOW_THRESHOLD
    assert (
        "escape: module demo.util scores 0.0%, below its threshold 5% (demo.util in --escape-thresholds)"
        in (done.stderr)
    )
    assert done.stderr.splitlines()[-1] == "escape: exit 10: a mutation score is below its threshold"
    assert "demo.pricing scores" not in done.stderr  # 37.5 % >= 30 %
    # compared with itself, nothing regressed
    quiet = f"md:{tmp_path / 'same.md'}"
    same = escape("report", sample_report, "--gate", "--baseline", sample_report, "--format", quiet)
    assert same.returncode == EscapeExit.OK, same.stderr


def test_bad_input_is_one_line_and_exit_4(sample_report: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2", encoding="utf-8")
    cases = {
        ("report", broken): f"pytest-escape: error: {broken} is not JSON",
        ("report", tmp_path / "nope.json"): f"pytest-escape: error: cannot read {tmp_path / 'nope.json'}",
        (
            "report",
            sample_report,
            "--format",
            "pdf",
        ): "pytest-escape: error: --format: unknown report format 'pdf'",
        ("report", sample_report, "--baseline", sample_report): "pytest-escape: error: --baseline only",
        ("report",): "pytest-escape: error: the following arguments are required: RESULTS.json",
    }
    for args, message in cases.items():
        done = escape(*args)
        assert done.returncode == EscapeExit.USAGE_ERROR == 4, (args, done.stderr)
        assert done.stderr.splitlines()[-1].startswith(message), (args, done.stderr)


def test_a_file_this_version_cannot_read_is_one_line_and_exit_4(sample_report: Path, tmp_path: Path) -> None:
    """Wherever a results file is read: the report, a --gate baseline, a shard to merge."""
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00\x01binary")  # it used to crash with a UnicodeDecodeError
    newer = tmp_path / "newer.json"
    # a future model may lack keys this one needs: it used to be called "incomplete or damaged"
    document = json.loads(sample_report.read_text(encoding="utf-8"))
    newer.write_text(
        json.dumps({**document, "x-escape": {"model_version": MODEL_VERSION + 1}}), encoding="utf-8"
    )
    merged = tmp_path / "merged.json"
    messages = {
        binary: f"pytest-escape: error: {binary} is not a JSON report (it is not UTF-8 text)",
        newer: f"pytest-escape: error: {newer}: it was written by a newer pytest-escape (model version "
        f"{MODEL_VERSION + 1}; this one reads up to {MODEL_VERSION}): upgrade pytest-escape",
    }
    for bad, message in messages.items():
        for args in (
            ("report", bad),
            ("report", sample_report, "--gate", "--baseline", bad),
            ("merge", sample_report, bad, "-o", merged),
        ):
            done = escape(*args)
            assert done.returncode == EscapeExit.USAGE_ERROR == 4, (args, done.stderr)
            assert done.stderr.splitlines() == [message], (args, done.stderr)
            assert done.stdout == ""
    assert not merged.exists()


def test_terminal_levels_follow_pytests_verbosity(sample_results: Results) -> None:
    survivors = [m for m in sample_results.mutants if m.status == "survived"]
    assert len(survivors) > 10  # enough to see the default cap
    default = "\n".join(render_terminal(sample_results))
    assert f"Surviving mutants ({len(survivors)}):" in default
    assert f"... and {len(survivors) - 10} more (use -v to list all)" in default
    assert "Pseudo-tested functions and confirming-only tests:" in default
    verbose = "\n".join(render_terminal(sample_results, 1))
    assert (
        all(f"{m.name} ({m.file}:{m.line})" in verbose for m in survivors) and "more (use -v" not in verbose
    )
    # people read the function and a number, never mutmut's mangled id
    assert not any(m.id in verbose for m in survivors)
    assert "Detected mutants" not in verbose
    very = "\n".join(render_terminal(sample_results, 2))
    killed = [m for m in sample_results.mutants if m.status == "killed"]
    assert f"Detected mutants ({len(killed)}):" in very and all(
        f"{m.name} ({m.file}:{m.line})" in very and "killed by" in very for m in killed
    )
    quiet = render_terminal(sample_results, -1)
    assert quiet[0].startswith("Module") and any(line.startswith("TOTAL") for line in quiet)
    assert not any("Surviving" in line or "pseudo-tested" in line for line in quiet)
    assert render_terminal(sample_results, -2) == [quiet[-1]]
    assert quiet[-1].startswith(f"mutation score {score_text(sample_results.tally().score)} (covered")


def test_pytest_colours_the_report_when_asked(project: Project) -> None:
    project.write(
        {
            "pricing.py": "def fee(a):\n    if a >= 100:\n        return 0\n    return 5\n",
            "test_pricing.py": "from pricing import fee\n\ndef test_fee():\n    assert fee(500) == 0\n",
        }
    )
    coloured = project.run("--escape-witness-budget", "0", "--color=yes")
    text = coloured.stdout.str()
    assert "\x1b[31mSurviving mutants (" in text and "mutation score \x1b[31m" in text  # red
    assert "\x1b[32m    + " in text  # the mutant's line in green
    plain = project.run("--escape-witness-budget", "0", "--color=no", "-q")
    assert "\x1b[" not in plain.stdout.str()
    assert "Surviving mutants" not in plain.stdout.str()  # -q: the table and the score only
    plain.stdout.fnmatch_lines(["TOTAL *", "mutation score *"])


def test_version_and_a_bare_command_answer_instead_of_failing() -> None:
    from pytest_escape import __version__

    version = escape("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"pytest-escape {__version__}"
    bare = escape()
    # the help, on stdout, not an argparse error
    assert bare.returncode == 0 and bare.stderr == ""
    assert (
        bare.stdout.startswith("usage: pytest-escape") and "report" in bare.stdout and "merge" in bare.stdout
    )
