"""The baseline run: which test executes which line of the targets, and how long
each test takes, measured on the original code with coverage.py.

One coverage.py dynamic context per test (set by us around each test's whole
protocol, so fixtures that call target code count as that test's coverage).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import coverage
import pytest

from . import clock
from .blind_spots import BlindSpots
from .doctests import is_doctest
from .nodeids import item_identity, source_order
from .process_memory import peak_resident

#: call time from which ``time_class`` tells tests apart: below it, run-to-run noise
#: is as large as the differences, and lines run order the tests instead
SLOW_CALL = 0.1


def time_class(call_seconds: float) -> int:
    """0 below ``SLOW_CALL``, then one more per tenfold: 0.1-1 s is 1, 1-10 s is 2.

    The call phase only: a fixture's setup lands on whichever test needs it
    first, and moves with the order.
    """
    if call_seconds < SLOW_CALL:
        return 0
    return 1 + int(math.log10(call_seconds / SLOW_CALL))


def is_property_based(item: pytest.Item) -> bool:
    """A Hypothesis test (``@given``), marked so by Hypothesis itself."""
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


@dataclass
class Baseline:
    """What the original code did under the tests."""

    #: nodeids in the order of their source (``nodeids.source_order``), which
    #: pytest-randomly does not shuffle
    tests: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    #: the part of ``durations`` spent in setup and teardown (fixtures; ``execution.limits``)
    fixture_durations: dict[str, float] = field(default_factory=dict)
    #: bytes the test run raised this process's peak resident memory by (``config.auto_memory_limit``)
    memory_growth: int = 0
    test_files: dict[str, str] = field(default_factory=dict)
    #: nodeids of doctests (``--doctest-modules``, ``--doctest-glob``): their file is
    #: the documented module (or a text file), not a test module
    doctests: set[str] = field(default_factory=set)
    #: nodeids of property-based tests (Hypothesis ``@given``): many examples, and a shrink when one fails
    property_based: set[str] = field(default_factory=set)
    #: nodeid -> the test's identity in any process (``nodeids.identity``)
    identities: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    #: tests that failed under coverage and passed when run again without it
    #: (``execution.recheck``): the run goes on with them, their lines as far
    #: as coverage saw them run before they failed
    coverage_only: list[str] = field(default_factory=list)
    #: tests coverage could not see through (``BlindSpots``, and the
    #: ``coverage_only`` ones past their failure): test -> what hid it, such
    #: as ``calls sys.settrace``
    blind: dict[str, str] = field(default_factory=dict)
    #: tests that start Python processes, which coverage does not measure
    #: and no mutant reaches (``BlindSpots``): test -> the first command
    spawns: dict[str, str] = field(default_factory=dict)
    #: tests whose call phase passed (not skipped, not xfail): the only ones that can notice a mutant
    passed: set[str] = field(default_factory=set)
    #: file -> line -> nodeids that executed it (passing tests only)
    lines: dict[Path, dict[int, set[str]]] = field(default_factory=dict)

    def tests_on_lines(self, path: Path, lines: Iterable[int]) -> set[str]:
        by_line = self.lines.get(path, {})
        found: set[str] = set()
        for line in lines:
            found |= by_line.get(line, set())
        return found

    @functools.cached_property
    def _lines_run(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for by_line in self.lines.values():
            for tests in by_line.values():
                for test in tests:
                    counts[test] += 1
        return counts

    def cheapest_first(self, tests: Iterable[str]) -> list[str]:
        """``tests`` by the decade of their call time past 100 ms
        (``time_class``), example-based before property-based, then those
        that ran the fewest lines of the code under test first, ties in
        source order.

        A mutant stops at its first failing test, so cheap tests first kill
        soonest, and the first tests are the ones whose arguments seed the
        searches.  Within a decade the cost is counted, not timed: measured
        durations change from run to run, and with them the order,
        ``killedBy``, each test's counts and the witnesses (the same
        ``--escape-seed`` must give the same report).  Lines run is what a
        unit test has few of and an integration test many.  But it misses a
        test that runs a few lines many times: a property-based test (100
        examples of one parser) or a loop.  On iso8601, such a test of
        0.9 s ran first for 101 mutants that a 1 ms test also kills.  Only
        a tenfold difference past 100 ms reorders, so noise moves a test
        only when its time sits at a decade's edge.  Below that, a
        property-based test still costs what its baseline never showed:
        when it fails, it shrinks.  iso8601's 47 ms one took 0.5 s to kill
        each of 60 mutants its 1 ms neighbours kill too.
        """
        order = {t: i for i, t in enumerate(self.tests)}
        return sorted(
            tests,
            key=lambda t: (
                time_class(self.durations.get(t, 0.0) - self.fixture_durations.get(t, 0.0)),
                t in self.property_based,
                self._lines_run.get(t, 0),
                order.get(t, len(order)),
                t,
            ),
        )

    def test_modules(self) -> set[Path]:
        """The files that hold test functions: a doctest's file is the module it
        documents (source, which is mutated like any other) or a text file."""
        return {Path(f).resolve() for t, f in self.test_files.items() if t not in self.doctests}


class BaselineRecorder:
    """A pytest plugin object that records the baseline while the user's tests run."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.baseline = Baseline()
        self._files = tuple(files)
        # Only the candidate files: tracing the tests' own lines too made the
        # baseline of python-slugify 40 % slower for data nobody reads.
        self._cov = coverage.Coverage(
            data_file=None,
            include=[str(f) for f in self._files],
            config_file=False,
            branch=False,
        )
        self._cov.set_option(
            "run:disable_warnings", ["no-data-collected", "module-not-measured", "module-not-imported"]
        )
        self._durations: dict[str, float] = defaultdict(float)
        self._fixture_durations: dict[str, float] = defaultdict(float)
        self._started = False
        self._watch = BlindSpots()

    def stop(self) -> None:
        if self._started:
            self._cov.stop()
            self._started = False

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """Measure exactly while the tests run.

        Innermost of the wrappers, so any other measurement started before
        ours is stopped after it: coverage.py's collectors must stop in the
        reverse order of their starts.
        """
        self._cov.start()
        self._started = True
        self._watch.start()
        peak = peak_resident()
        try:
            return (yield)
        finally:
            self._watch.stop()
            self.stop()
            self.baseline.memory_growth = max(0, peak_resident() - peak)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # in the order of their source, not of this session's (maybe shuffled) run
        self.baseline.tests = [item.nodeid for item in sorted(session.items, key=source_order)]
        self.baseline.test_files = {item.nodeid: str(item.path) for item in session.items}
        self.baseline.identities = {item.nodeid: item_identity(item) for item in session.items}
        self.baseline.doctests = {item.nodeid for item in session.items if is_doctest(item)}
        self.baseline.property_based = {item.nodeid for item in session.items if is_property_based(item)}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        self._cov.switch_context(item.nodeid)
        self._watch.begin(item.nodeid)
        try:
            return (yield)
        finally:
            self._watch.end(item.nodeid)
            self._cov.switch_context("")

    # Each phase timed on our own clock, not by ``report.duration``: a
    # fixture that freezes the time (freezegun) freezes pytest's clock too
    # (``clock``), and its durations then said nothing of the test's.
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, object, object]:
        with self._timed(item.nodeid, fixture=True):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        with self._timed(item.nodeid, fixture=False):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, object, object]:
        with self._timed(item.nodeid, fixture=True):
            return (yield)

    @contextlib.contextmanager
    def _timed(self, nodeid: str, fixture: bool) -> Iterator[None]:
        """Add the seconds the block took to the test's duration, and to its
        fixtures' for setup and teardown."""
        started = clock.now()
        try:
            yield
        finally:
            seconds = clock.now() - started
            self._durations[nodeid] += seconds
            if fixture:
                self._fixture_durations[nodeid] += seconds

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and report.nodeid not in self.baseline.failed:
            self.baseline.failed.append(report.nodeid)
        # An xfail test passes or fails whatever the code does (its failure is
        # expected), and a skipped one checks nothing: neither can notice a mutant.
        if report.when == "call" and report.passed and not hasattr(report, "wasxfail"):
            self.baseline.passed.add(report.nodeid)

    def finish(self) -> Baseline:
        """Stop measuring and fold coverage.py's data into line -> tests maps."""
        self.stop()
        self.baseline.durations = dict(self._durations)
        self.baseline.fixture_durations = dict(self._fixture_durations)
        self.baseline.blind = dict(self._watch.tests)
        self.baseline.spawns = dict(self._watch.spawns)
        self._fold()
        return self.baseline

    def admit(self, tests: Iterable[str]) -> None:
        """Count ``tests``, which failed only under coverage, as passing
        ones: each covers the lines coverage saw it run, up to where it
        failed (a memory or timing assert fails at its end, after the code
        it checks has run), and is blind past that (``blind``)."""
        admitted = [t for t in self.baseline.failed if t in set(tests)]
        self.baseline.failed = [t for t in self.baseline.failed if t not in admitted]
        self.baseline.coverage_only.extend(admitted)
        self.baseline.passed.update(admitted)
        # what they ran after the failure, coverage never saw (snoop's samples
        # fail on their first line, before any snooping)
        for test in admitted:
            self.baseline.blind.setdefault(test, "failed under coverage, which saw it only up to the failure")
        self._fold()

    def _fold(self) -> None:
        data = self._cov.get_data()
        data.set_query_contexts(None)
        measured = {Path(f).resolve(): f for f in data.measured_files()}
        # coverage.py reads each (line, test) pair's context from its database
        # as a string of its own: 1.07 million of them on wcwidth, where every
        # test runs the same helpers.  Each line's tests share the baseline's one.
        passed = {t: t for t in self.baseline.passed}
        for path in self._files:
            name = measured.get(path)
            if name is None:
                continue
            by_line: dict[int, set[str]] = {}
            for line, contexts in data.contexts_by_lineno(name).items():
                # a skipped or xfail test that ran some code before it stopped would
                # otherwise cover mutants, and its expected failure count as a pass
                tests = {passed[c] for c in contexts if c in passed}
                if tests:
                    by_line[line] = tests
            self.baseline.lines[path] = by_line
