"""Reports: pure functions of a ``Results``, one module per format.

``write_report`` is the one door the session and the ``pytest-escape report``
command go through, so a format added here works in both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..gate import Ratchet
from ..model import Results
from .html import write_html
from .junit import write_junit
from .markdown import write_markdown
from .regression_tests import render_regression_tests, write_regression_tests
from .sarif import write_sarif
from .stryker_json import to_stryker, write_json
from .terminal import render_terminal

#: format name -> writer of a file (html: a directory)
WRITERS: dict[str, Callable[[Results, Path], None]] = {
    "json": write_json,
    "html": write_html,
    "sarif": write_sarif,
    "md": write_markdown,
    "junit": write_junit,
}


#: what each report format is, in the "wrote ..." line
REPORT_NAMES = {
    "json": "the JSON report (Stryker schema)",
    "html": "the HTML report",
    "sarif": "the SARIF report",
    "md": "the Markdown summary",
    "junit": "the JUnit XML report",
}


def shown_path(path: Path) -> str:
    """A written file as the user finds it: relative to the current directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def wrote_line(fmt: str, path: Path, append: bool = False) -> str:
    """``wrote the HTML report to escape-html/index.html``: one line per file
    written, the same from ``pytest --escape`` and ``pytest-escape report``."""
    where = shown_path(path / "index.html" if fmt == "html" else path)
    return f"wrote {REPORT_NAMES[fmt]} to {where}" + (" (appended to the job summary)" if append else "")


def write_report(
    results: Results,
    fmt: str,
    path: Path,
    append: bool = False,
    *,
    ratchet: Ratchet | None = None,
    full_reports: Sequence[str] = (),
) -> None:
    """Write one file report; ``append`` adds Markdown to the end of ``path``
    (GitHub's job summary) instead of replacing it.  The Markdown summary
    also takes the baseline (its first line gives the change since it) and
    the other reports' paths (named where its lists stop)."""
    if fmt == "md":
        write_markdown(results, path, append, ratchet, full_reports)
    elif fmt == "html":
        write_html(results, path, ratchet)
    else:
        WRITERS[fmt](results, path)


def full_report_paths(requests: Iterable[tuple[str, Path | None]]) -> list[str]:
    """The HTML and JSON reports among ``(format, path)``, as the Markdown summary names them."""
    return [shown_path(p / "index.html" if f == "html" else p) for f, p in requests if f in FULL and p]


#: the reports that hold every mutant, which the Markdown summary points to
FULL = ("html", "json")


__all__ = [
    "REPORT_NAMES",
    "WRITERS",
    "full_report_paths",
    "render_regression_tests",
    "render_terminal",
    "shown_path",
    "to_stryker",
    "write_json",
    "write_regression_tests",
    "wrote_line",
    "write_report",
]
