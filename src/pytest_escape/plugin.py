"""pytest hooks only: the options, and starting an escape session when asked.

Kept light on purpose: pytest imports this module in every run of every
project that has pytest-escape installed.
"""

from __future__ import annotations

import os

import pytest

from .config import TIMEOUT_CONSTANT
from .gate import EscapeExit

WORKER_ENV = "PYTEST_ESCAPE_WORKER"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("escape", "pytest-escape: mutation testing of the code under test")
    group.addoption("--escape", action="store_true", help="after the tests pass, run mutation testing")
    group.addoption(
        "--escape-paths",
        nargs="+",
        metavar="PATH",
        help="files or directories to mutate (default: auto-detect)",
    )
    group.addoption("--escape-workers", metavar="N", help="mutants run at once (default: CPU count)")
    group.addoption(
        "--escape-timeout-factor",
        metavar="F",
        help=f"a mutant times out after F x its tests' baseline time + {TIMEOUT_CONSTANT:g} s (default 10)",
    )
    group.addoption(
        "--escape-fail-under",
        metavar="SCORE",
        help=f"exit {int(EscapeExit.SCORE_BELOW_THRESHOLD)} if the mutation score is below SCORE (0-100)",
    )
    group.addoption(
        "--escape-report",
        action="append",
        metavar="FORMAT[:PATH]",
        help="term, or json[:PATH] (Stryker schema); repeatable",
    )


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("escape", default=False) or os.environ.get(WORKER_ENV):
        return
    from .session import EscapeSession

    escape = EscapeSession(config)
    config.pluginmanager.register(escape, "escape-session")
    config.pluginmanager.register(escape.recorder, "escape-baseline")


def pytest_unconfigure(config: pytest.Config) -> None:
    escape = config.pluginmanager.get_plugin("escape-session")
    if escape is not None:
        escape.close()
