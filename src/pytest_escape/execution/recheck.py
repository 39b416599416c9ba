"""The baseline's failing tests, run again without coverage.

The baseline is the user's own test run under coverage's tracer.  A test
that asserts on memory (``tracemalloc``), on timing or on
``sys.gettrace()`` can fail there and pass in a plain run: more-itertools'
bounded-memory test retained coverage's data and failed, and the run
stopped with "1 failed", sending the user after a bug that is not there.
So before a failing baseline stops the run, its failing tests run once
more, in a fresh pytest process started as this one was, without coverage
(``PYTEST_ESCAPE_WORKER`` keeps the plugin there from starting a run of
its own, and switches pytest-cov and xdist off as in the baseline).
Those that pass there failed only under coverage: the run goes on with
them (``coverage_map.BaselineRecorder.admit``).  A test that fails there
too is a real failure, and stops the run as before.

A fresh process, not a fork of this one: a module imported under coverage
keeps what it read then.  snoop's samples keep ``sys.gettrace()`` from
their import, coverage's tracer, and assert it is back after each snoop;
in a fork without coverage that failed, and the test was called a real
failure.  Every failing test runs again, however many: all 33 of snoop's
sample tests assert ``sys.gettrace() is None`` and fail under coverage.

This module is also the plugin that process loads (``-p``): it writes what
each test did to the file ``RECHECK_ENV`` names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import WORKER_ENV
from .protocol import cache_of_its_own

#: the rerun's scratch directory: the tests to run in, their outcomes out
RECHECK_ENV = "PYTEST_ESCAPE_RECHECK"
_WANTED = "tests.json"
_OUTCOMES = "outcomes.json"
#: seconds the rerun may take on top of its tests' limits: startup and collection
STARTUP = 60.0


@dataclass(frozen=True)
class Recheck:
    """What the failing tests did without coverage."""

    #: passed without coverage: they failed only while it measured, in the baseline's order
    coverage_only: tuple[str, ...] = ()
    #: failed without coverage too: test -> the failure's first line
    failing: dict[str, str] = field(default_factory=dict)
    #: why some gave no outcome (their process did not finish, or did not run
    #: them): they are not known to fail without coverage; "" if all did
    unfinished: str = ""


def recheck(config: pytest.Config, tests: Sequence[str], seconds: float) -> Recheck:
    """Run ``tests`` (nodeids) again in a fresh pytest process started as
    this one was, for at most ``seconds`` plus ``STARTUP``.

    The same command line, from the same directory: it collects what this
    run collected, under the same ids, and the plugin deselects the rest.
    (Naming the tests instead meant taking this run's paths out of its
    command line, and telling a path from an option's value is argparse's
    business.)  Its cache lives in the scratch directory, not the project.
    """
    with tempfile.TemporaryDirectory(prefix="pytest-escape-recheck-") as scratch:
        (Path(scratch) / _WANTED).write_text(json.dumps(list(tests)))
        command = [sys.executable, "-m", "pytest", *config.invocation_params.args]
        command += ["-p", __name__]
        command += cache_of_its_own(config.pluginmanager.has_plugin("cacheprovider"), Path(scratch) / "cache")
        environment = dict(os.environ, **{WORKER_ENV: "1", RECHECK_ENV: scratch})
        unfinished = "its pytest process gave no outcome"
        try:
            subprocess.run(
                command,
                cwd=config.invocation_params.dir,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=seconds + STARTUP,
                check=False,
            )
        except subprocess.TimeoutExpired:
            unfinished = f"its pytest process did not finish within {seconds + STARTUP:.0f} s"
        written = Path(scratch) / _OUTCOMES
        outcomes = json.loads(written.read_text()) if written.exists() else {}
    return of_outcomes(tests, outcomes, unfinished)


def of_outcomes(tests: Sequence[str], outcomes: dict[str, str | None], unfinished: str) -> Recheck:
    """The ``Recheck`` the rerun's ``outcomes`` (nodeid -> None for a pass,
    else the failure's first line) say, for ``tests`` in their order."""
    passed = tuple(t for t in tests if t in outcomes and outcomes[t] is None)
    failing = {t: str(outcomes[t]) for t in tests if outcomes.get(t) is not None}
    missing = any(t not in outcomes for t in tests)
    return Recheck(passed, failing, unfinished if missing else "")


# -- the plugin the rerun loads ---------------------------------------------

#: nodeid -> None while it passes, else its first failure's first line
_outcomes: dict[str, str | None] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    scratch = os.environ.get(RECHECK_ENV)
    if not scratch:
        return
    wanted = set(json.loads((Path(scratch) / _WANTED).read_text()))
    kept = [item for item in items if item.nodeid in wanted]
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in wanted])
    items[:] = kept


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not os.environ.get(RECHECK_ENV):
        return
    if report.failed:
        lines = str(report.longreprtext).strip().splitlines()
        said = [line[1:].strip() for line in lines if line.startswith("E ")]
        first = said[0] if said else lines[-1] if lines else f"failed in {report.when}"
        _outcomes[report.nodeid] = _outcomes.get(report.nodeid) or first
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, None)


def pytest_sessionfinish(session: pytest.Session) -> None:
    scratch = os.environ.get(RECHECK_ENV)
    if scratch:
        (Path(scratch) / _OUTCOMES).write_text(json.dumps(_outcomes))
