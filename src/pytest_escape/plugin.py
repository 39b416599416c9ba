"""pytest hooks only: the options, and starting an escape session when asked.

Kept light on purpose: pytest imports this module in every run of every
project that has pytest-escape installed.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from .config import (
    AUTO_MEMORY_FACTOR,
    AUTO_MEMORY_FLOOR,
    AUTO_WITNESS_CEILING,
    AUTO_WITNESS_FLOOR,
    DEFAULT_EXAMPLES,
    DEFAULT_PROPERTY_BUDGET,
    SWITCHED_OFF,
    TIMEOUT_CONSTANT,
)
from .execution import WORKER_ENV
from .execution.limits import CPU_CONSTANT
from .gate import EscapeExit


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("escape", "pytest-escape: mutation testing of the code under test")
    group.addoption("--escape", action="store_true", help="after the tests pass, run mutation testing")
    group.addoption(
        "--escape-paths",
        # extend: a second --escape-paths adds to the first (argparse's default
        # kept only the last one, and the modules named before it were dropped)
        action="extend",
        nargs="+",
        metavar="PATH",
        help="files or directories to mutate; repeatable (default: auto-detect)",
    )
    group.addoption("--escape-workers", metavar="N", help="mutants run at once (default: CPU count)")
    group.addoption(
        "--escape-timeout-factor",
        metavar="F",
        help=f"a mutant times out after F x its tests' baseline time + {TIMEOUT_CONSTANT:g} s, "
        f"or + {CPU_CONSTANT:g} s of its process's CPU time on Linux (default 10)",
    )
    group.addoption(
        "--escape-memory-limit",
        metavar="MIB",
        help="memory each mutant's process may allocate; past it, the mutant's run fails "
        f"with MemoryError (default auto: {AUTO_MEMORY_FACTOR}x what the tests grew their "
        f"process by, at least {AUTO_MEMORY_FLOOR}; 0: no limit; Linux only)",
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
        help="term, json[:FILE] (Stryker schema), html[:DIR], sarif[:FILE], md[:FILE] "
        "(no FILE: appended to $GITHUB_STEP_SUMMARY when set), junit[:FILE]; repeatable",
    )
    group.addoption(
        "--escape-witness-budget",
        metavar="SECONDS",
        help="total time to search counter-examples for surviving mutants (default auto: "
        f"enough to search each survivor, {AUTO_WITNESS_FLOOR:g} to {AUTO_WITNESS_CEILING:g} s; "
        "0 turns the search off)",
    )
    group.addoption(
        "--escape-examples",
        metavar="N",
        help=f"inputs Hypothesis tries per surviving mutant (default {DEFAULT_EXAMPLES})",
    )
    group.addoption(
        "--escape-property-budget",
        metavar="SECONDS",
        help="total time to check properties of the functions under test: crashes on valid "
        "input, return annotations, determinism, round trips, idempotence "
        f"(default {DEFAULT_PROPERTY_BUDGET:g}; 0 turns the checks off)",
    )
    group.addoption(
        "--escape-properties",
        nargs="+",
        metavar="KEY=VALUE",
        help="add or silence property checks: skip=PATTERN[:PROPERTY], round_trips=FORWARD,BACKWARD, "
        "idempotent=PATTERN, check=PATTERN (private functions); patterns are globs of module.function",
    )
    group.addoption("--escape-seed", metavar="N", help="seed for the witness search, to repeat a run")
    group.addoption(
        "--escape-witness-backend",
        metavar="NAME",
        help="hypothesis (default), or crosshair: survivors Hypothesis did not separate also get "
        "a time-capped symbolic search (pip install 'pytest-escape[crosshair]')",
    )
    group.addoption(
        "--escape-fail-on",
        metavar="FINDINGS",
        help=f"exit {int(EscapeExit.FINDINGS)} if any of these findings exist: "
        "pseudo-tested, confirming-only, properties (comma-separated; none: off)",
    )
    group.addoption(
        "--escape-matrix",
        action="store_true",
        default=None,
        help="run every mutant against all its covering tests, not only until one fails "
        "(exact per-test kill counts; slower)",
    )
    group.addoption(
        "--escape-thresholds",
        nargs="+",
        metavar="MODULE=SCORE",
        help="minimum scores per module name or glob (shop.*=80 shop.cart=90); the most "
        f"specific pattern wins; exit {int(EscapeExit.SCORE_BELOW_THRESHOLD)} if a module is below",
    )
    group.addoption(
        "--escape-baseline",
        metavar="FILE",
        help="a saved JSON report: fail (exit "
        f"{int(EscapeExit.BASELINE_REGRESSION)}) only if a module's score drops or a killed mutant "
        "now survives; new modules are held to the thresholds",
    )
    group.addoption(
        "--escape-baseline-tolerance",
        metavar="POINTS",
        help="score points a module may drop below the baseline (default 0)",
    )
    group.addoption(
        "--escape-baseline-update",
        action="store_true",
        default=None,
        help="write this run's results to the --escape-baseline file (accepting them)",
    )
    group.addoption(
        "--escape-no-cache",
        dest="escape_cache",
        action="store_false",
        default=None,
        help="neither reuse nor store mutant outcomes in pytest's cache directory",
    )
    group.addoption(
        "--escape-clear-cache",
        action="store_true",
        default=None,
        help="empty pytest-escape's cache before the run (every mutant runs again)",
    )
    group.addoption(
        "--escape-since",
        metavar="REV",
        help="mutate only lines added or changed since git revision REV (its merge-base with "
        "HEAD, plus uncommitted changes); report and gate only those",
    )
    group.addoption(
        "--escape-shard",
        metavar="K/N",
        help="run shard K of N (a deterministic share of the functions); combine the shards' "
        "JSON reports with pytest-escape merge, then gate the merged file",
    )
    group.addoption(
        "--escape-write-tests",
        metavar="PATH",
        help="write every verified regression test into one pytest file",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    """pytest-cov's ``--cov`` is off in an escape run (and in its worker).

    pytest-cov starts measuring in this very hook, before any configure hook
    runs; a wrapper runs before every plain implementation, so clearing its
    source here means it never starts.  coverage.py cannot measure twice at
    once, and the baseline's per-test coverage is the one the run needs.
    """
    options = early_config.known_args_namespace
    if getattr(options, "escape", False) and getattr(options, "cov_source", None):
        sources = [s for s in options.cov_source if s is not True]
        named = "=" + ",".join(map(str, sources)) if sources else ""
        early_config.stash.setdefault(SWITCHED_OFF, []).append(
            f"pytest-cov's --cov{named} is off for this run (coverage.py measures one thing at a "
            "time, and the escape baseline measures each test's coverage itself)"
        )
        options.cov_source = None
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> Generator[None, object, object]:
    """pytest-xdist's ``-n``/``--dist`` are off in an escape run (and in its worker).

    The baseline needs every test's coverage, measured in this process, and
    the mutants already run in parallel (``--escape-workers``).  A wrapper
    runs before xdist's own ``pytest_cmdline_main``, which turns ``-n`` into
    a distribution mode: with no processes asked for, it turns none on.
    """
    if config.getoption("escape", default=False):
        workers = getattr(config.option, "numprocesses", None)
        dist = getattr(config.option, "dist", "no")
        if workers or dist not in (None, "no") or getattr(config.option, "distload", False):
            given = f"-n {workers}" if workers else f"--dist {dist}"
            config.option.numprocesses = 0
            config.option.dist = "no"
            config.option.distload = False
            config.stash.setdefault(SWITCHED_OFF, []).append(
                f"pytest-xdist's {given} is off for this run: the baseline measures each test's "
                "coverage in one process, and the mutants run in parallel anyway (--escape-workers)"
            )
    return (yield)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("escape", default=False) or os.environ.get(WORKER_ENV):
        return
    if any(getattr(config.option, name, False) for name in ("collectonly", "setuponly", "setupplan")):
        # no test runs, so there is no baseline: these only collect (or show fixtures), as asked
        return
    from .session import Closing, EscapeSession

    escape = EscapeSession(config)
    config.pluginmanager.register(escape, "escape-session")
    config.pluginmanager.register(Closing(escape), "escape-closing")
    config.pluginmanager.register(escape.recorder, "escape-baseline")


def pytest_unconfigure(config: pytest.Config) -> None:
    escape = config.pluginmanager.get_plugin("escape-session")
    if escape is not None:
        escape.close()
