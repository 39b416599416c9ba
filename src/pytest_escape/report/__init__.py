"""Reports: pure functions of a ``Results``, one module per format.

``write_report`` is the one door the session and the ``pytest-escape report``
command go through, so a format added here works in both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


def write_report(results: Results, fmt: str, path: Path, append: bool = False) -> None:
    """Write one file report; ``append`` adds Markdown to the end of ``path``
    (GitHub's job summary) instead of replacing it."""
    if append:
        write_markdown(results, path, append=True)
    else:
        WRITERS[fmt](results, path)


__all__ = [
    "WRITERS",
    "render_regression_tests",
    "render_terminal",
    "to_stryker",
    "write_json",
    "write_regression_tests",
    "write_report",
]
