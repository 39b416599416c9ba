"""The mutation worker: a second pytest process that collects the tests once
with every target module served mutated, then forks a child per mutant.

Started by ``runner.py`` as ``python -m pytest_escape.execution.worker PLAN FD``.
It writes one JSON event per line to FD; its own pytest output goes to a log
file the main process shows only if something goes wrong.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gc
import inspect
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import pytest
from _pytest.runner import runtestprotocol

from .. import clock
from ..doctests import failure_kind, is_doctest
from ..inputs.compare import exception_text, without_addresses
from ..inputs.literals import project_root
from ..inputs.observe import recording_collection
from ..lifetime import die_with_parent, keep_scratch_in, scratch
from ..model import NO_COVERAGE, SURVIVED, Evidence, MutantStatus, PropertyResult, Witness
from ..mutation.import_hook import install
from ..mutation.mutmut_adapter import (
    FORCED_FAILURE,
    activate,
    compiled_top_level,
    left_original,
    mutated_codes,
    plant,
    prepare,
    register,
    run_top_level,
)
from ..nodeids import Renamer, item_identity
from ..oracle.smells import NO_ASSERTION, smells
from ..oracle.verdicts import is_check
from ..wording import plural
from . import WORKER_ENV, evidence
from .limits import Limits, plan_timing, timed_out
from .pool import REPORTED, STOP, TIMED_OUT, Job, Outcome, Step, end_children, run_forked, step, stream
from .protocol import (
    Collected,
    Done,
    KillRecord,
    MutantJob,
    PhaseDone,
    PropertiesChecked,
    PropertyChecked,
    SecondChance,
    SharedStrings,
    Stage,
    StageStarted,
    TestEvidence,
    TestExcluded,
    TestRun,
    Unreachable,
    Verdict,
    VerdictReached,
    WitnessFound,
    WorkerEvent,
    WorkerPlan,
    WorkerWarning,
    cache_of_its_own,
    decode,
    decode_plan,
    encode_event,
    plan_parent,
    to_json,
)
from .schedule import run_order
from .stage import BudgetedStage, stopped


def _first_line(report: pytest.TestReport, root: str) -> str:
    """The failure's first line, without object addresses (``<Duration
    object at 0x7f2f...>``) and with paths relative to ``root`` (a doctest's
    failure names its file): both differ from run to run, or checkout to checkout."""
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or report.longreprtext or report.when
    text = str(message).strip()
    if not text:
        return report.when
    return without_addresses(text.splitlines()[0]).replace(root.rstrip(os.sep) + os.sep, "")[:300]


#: failed reports that reach pytest_runtest_logreport while a test runs in a
#: child: subtests (``self.subTest``, the ``subtests`` fixture) report their
#: failures there, not in what ``runtestprotocol`` returns
_hook_failures: list[pytest.TestReport] = []


def _brief_failure(item: pytest.Item, sites: list[tuple[str | None, int | None]]) -> Callable[..., str]:
    """A ``repr_failure`` for a thrown-away child: one line, and where it failed.

    pytest's own representation (a traceback with source for every frame)
    was the most expensive part of a killed mutant.  What we keep instead is
    the exception's type and the line of the test's own file it came
    through: the oracle stage tells a failing check from a crash with it.
    """

    def repr_failure(excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        sites.append(_site(item, excinfo))
        return excinfo.exconly(tryshort=True)

    return repr_failure


def _site(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException]) -> tuple[str | None, int | None]:
    """The exception's type, and the last line of the test's own file it came through."""
    if is_doctest(item):
        # a doctest's file is the documented module: a line there is code, not a check
        return failure_kind(excinfo.value), None
    # The raw traceback, not pytest's entries: an entry's ``path`` checks
    # that its file exists, which was 7 % of a child's time on a suite of
    # millisecond tests that fail under most mutants.
    line, test_file = None, str(item.path)
    tb: TracebackType | None = excinfo.tb
    raised_in = ""
    while tb is not None:
        raised_in = tb.tb_frame.f_code.co_filename
        if os.path.abspath(raised_in) == test_file:
            line = tb.tb_lineno
        tb = tb.tb_next
    if excinfo.typename == "AssertionError" and raised_in in _code_files():
        # the code's own ``assert`` (a precondition the mutant broke), not the test's check
        return CODE_ASSERTION, line
    return excinfo.typename, line


#: an AssertionError raised by an ``assert`` of the code under test: a crash
#: like any other exception it raises.  Counted as a check, it made tests with
#: no check of their own "check" (blinker's ``assert sender_id != ANY_ID``,
#: mutated to ``==``, failed 3 tests whose asserts were all stripped)
CODE_ASSERTION = "AssertionError in the code under test"


@functools.cache
def _code_files() -> frozenset[str]:
    """The files of the mutated code loaded in this process (fixed once the children fork)."""
    return frozenset(code.co_filename for code in mutated_codes())


def run_items(
    tests: list[tuple[str, pytest.Item]],
    mutant: str | None,
    keep_going: bool = False,
    rerun: str | None = None,
) -> TestRun:
    """Run the tests in order under ``mutant``; stop at the first failure
    unless ``keep_going``.  With ``rerun``, that module's top level runs
    again first, the mutant switched on (``mutation.import_time``): a
    top level that then raises would have failed the tests' import, and
    is the first test's failure.

    Tests come with their baseline ids, which may differ from this
    collection's nodeids; failing ones are reported by their baseline ids,
    with the tests that passed.
    """
    activate(mutant)
    if rerun is not None and tests:
        try:
            run_top_level(rerun)
        except Exception as e:  # noqa: BLE001 - the module's own top level, under the mutant
            message = f"{exception_text(e)} raised running {rerun}'s top level again"
            return _test_run([], [KillRecord(tests[0][0], message, type(e).__name__)], tests[:1])
    kills: list[KillRecord] = []
    passed: list[str] = []
    seconds: list[float] = []
    for index, (test_id, item) in enumerate(tests):
        sites: list[tuple[str | None, int | None]] = []
        item.repr_failure = _brief_failure(item, sites)  # type: ignore[method-assign]
        began = clock.now()
        try:
            failed = _run_at(tests, index)
        except (KeyboardInterrupt, pytest.exit.Exception) as e:
            # pytest lets these through to stop the session; in a child, which
            # ignores SIGINT, it is the code under test that raised them: the
            # test failed.  Its teardown did not run, so nothing more may run
            # in this process.
            exception, line = _site(item, pytest.ExceptionInfo.from_exception(e))
            kills.append(KillRecord(test_id, f"{exception} raised in the test", exception, line))
            return _test_run(passed, kills, tests, interrupted=True)
        seconds.append(clock.now() - began)
        if not failed:
            passed.append(test_id)
            continue
        exception, line = sites[0] if sites else (None, None)
        kills.append(KillRecord(test_id, _first_line(failed[0], str(item.config.rootpath)), exception, line))
        if not keep_going:
            break
    return _test_run(passed, kills, tests, seconds=seconds)


def _test_run(
    passed: list[str],
    kills: list[KillRecord],
    tests: list[tuple[str, pytest.Item]],
    interrupted: bool = False,
    seconds: list[float] | None = None,
) -> TestRun:
    ran = len(passed) + len(kills)
    order = tuple(test_id for test_id, _ in tests[:ran])
    timed = tuple(round(s, 4) for s in seconds or ())
    return TestRun(order, tuple(passed), tuple(kills), interrupted, left_original(), timed)


def time_items(tests: list[tuple[str, pytest.Item]], budget: float) -> dict[str, float]:
    """Run the tests without a mutant and without coverage, each timed on
    ``clock``; start no further test once ``budget`` seconds are spent.
    The seconds of each test that passed (``limits.plan_timing``)."""
    activate(None)
    started = clock.now()
    seconds: dict[str, float] = {}
    for index, (test_id, _) in enumerate(tests):
        if clock.now() - started > budget:
            break
        began = clock.now()
        if not _run_at(tests, index):
            seconds[test_id] = clock.now() - began
    return seconds


def _run_at(tests: list[tuple[str, pytest.Item]], index: int) -> list[pytest.TestReport]:
    """Run the ``index``-th of ``tests`` (the next one's fixtures kept up);
    its failed reports, a hook's failure among them (``WorkerPlugin``)."""
    step()  # the pool holds the child to this test's limit from now on
    nextitem = tests[index + 1][1] if index + 1 < len(tests) else None
    _hook_failures.clear()
    reports = runtestprotocol(tests[index][1], nextitem=nextitem, log=False)
    return [r for r in reports if r.failed] + _hook_failures


def _test_file(item: pytest.Item) -> Callable[[str], bool]:
    """Whether a code object's file is ``item``'s own (the frames of the test itself)."""
    path = str(item.path)
    if is_doctest(item):
        # a doctest's examples are compiled as "<doctest name[n]>"
        return lambda filename: filename.startswith("<doctest ")
    return lambda filename: filename == path


#: tests a run of every covering test may hang in, each passed in turn, before the rest are given up
HANGS_PASSED = 3
#: how much slower a test may run while it is followed (every call it makes is traced)
FOLLOW_SLOWDOWN = 5
_NOT_FOLLOWED = evidence.Trace(passed=False, results=())


#: the "exception" of a kill by a timeout: the test hung, which is no check
HANG = "timeout"


def _hang(test: str, reason: str | None) -> KillRecord:
    """``test`` hung under a mutant: a kill by its timeout, as a crash is one."""
    return KillRecord(test, reason or "timed out", HANG)


def _runner(
    shared: SharedStrings,
    tests: list[tuple[str, pytest.Item]],
    mutant: str | None,
    keep_going: bool = False,
    rerun: str | None = None,
) -> Callable[[], dict[str, Any]]:
    """What a forked child runs: ``tests`` under ``mutant``, its run as JSON for the pool."""
    return lambda: _run_json(shared, run_items(tests, mutant, keep_going, rerun))


def _run_json(shared: SharedStrings, run: TestRun) -> dict[str, Any]:
    """A child's run as JSON, its tests by their index in the plan's strings (``SharedStrings``)."""
    payload: dict[str, Any] = shared.encode(run)
    return payload


def _test_run_of(shared: SharedStrings, outcome: Outcome) -> TestRun | None:
    """The run a child reported (None: it timed out or died first)."""
    return decode(TestRun, outcome.payload, shared) if outcome.kind == REPORTED else None


#: mutants a test without a check kill is still tried against before it is called confirming-only
CONFIRM_LIMIT = 200
#: seconds of a test's own plain duration its second chances may add up to,
#: but never fewer than ``CONFIRM_LEAST`` mutants
CONFIRM_SECONDS = 30.0
CONFIRM_LEAST = 10


def confirm_share(duration: float, checks: bool = True) -> int:
    """How many second chances a test of ``duration`` seconds gets.

    pyrsistent's run spent 466 of its 704 s here: a 0.64 s test met 183
    mutants one after the other, and two Hypothesis tests of 3-5 s (slower
    still under a mutant, which makes them shrink) dozens.  A second chance
    only spares a test the evidence phase, which flags nothing without a
    result it saw change, so a slow test gets fewer of them, by its time.

    A test whose own function holds no check (no ``checks``: no assert,
    ``pytest.raises``, ``assert*`` call or asserting helper of its file)
    can fail in one only through a helper or fixture from elsewhere, and
    gets the fewest: humanize's 15 benchmark tests, which assert nothing,
    took 153 s of second chances, more than its mutants phase (99 s)."""
    if not checks:
        return CONFIRM_LEAST
    return max(CONFIRM_LEAST, min(CONFIRM_LIMIT, int(CONFIRM_SECONDS / max(duration, 1e-3))))


def second_chances(killed: Iterable[str], caught: set[str], share: int) -> list[str]:
    """The first ``share`` mutants another test killed that a test meets in
    its second chance: each function's in turn (``_round_robin``), and of
    each function's, those some test caught by a check first (a check is
    likely on them), then those others only crashed on.

    Taking every caught mutant before any crashed one would leave a
    function whose mutants other tests only crashed on past a test's
    share: a test that checks that function would not meet them."""
    ordered = sorted(killed, key=lambda mutant: (mutant not in caught, mutant))
    return _round_robin(ordered)[: min(share, CONFIRM_LIMIT)]


def _function_of(mutant_id: str) -> str:
    return mutant_id.partition("__mutmut_")[0]


def _round_robin(mutants: list[str]) -> list[str]:
    """One mutant of each function in turn, each function's in the given order.

    A test that checks one thing catches the mutants of the function that
    computes it: meeting every function early finds that check sooner than
    exhausting functions one by one (on slugify, a 0.17 s test met 171
    mutants of two functions before the one it checks; this way, 20).
    """
    by_function: dict[str, list[str]] = {}
    for mutant in mutants:
        by_function.setdefault(_function_of(mutant), []).append(mutant)
    rows = itertools.zip_longest(*by_function.values())
    return [mutant for row in rows for mutant in row if mutant is not None]


class Emitter:
    def __init__(self, fd: int, shared: SharedStrings | None = None) -> None:
        self._file = os.fdopen(fd, "w", buffering=1)
        #: the plan's strings, which events name by index (``SharedStrings``)
        self.shared = shared
        #: the main process closed its end: it is dying, or stopping us and
        #: will not read our log (it reads it only after reading to the end)
        self.broken = False

    def __call__(self, event: WorkerEvent) -> None:
        try:
            self._file.write(encode_event(event, self.shared) + "\n")
            self._file.flush()
        except BrokenPipeError:
            self.broken = True
            raise


def _match_items(
    session: pytest.Session, baseline_ids: list[str], identities: dict[str, str]
) -> dict[str, pytest.Item]:
    """Baseline nodeid -> the same test in this collection.

    Parametrizing from a ``set`` numbers the same cases differently in another
    process (hash randomization; ``hash(None)`` before Python 3.12), so a
    nodeid here may name another case than in the baseline: tests are matched
    by identity (``nodeids.identity``: the blanked id and the parameters'
    repr).  A test whose identity matches nothing, or several, is missing:
    guessing would run the wrong test.
    """
    by_id = {item.nodeid: item for item in session.items}
    rename = Renamer({item.nodeid: item_identity(item) for item in session.items})
    found = {}
    for nodeid in baseline_ids:
        ours = rename(nodeid, identities.get(nodeid, nodeid))
        if ours is not None:
            found[nodeid] = by_id[ours]
    return found


def _entry(job: Job) -> MutantJob | None:
    """The mutant a mutant's job runs."""
    entry = job.tag[2] if job.tag and job.tag[0] == "mutant" else None
    return entry if isinstance(entry, MutantJob) else None


def _survived_reason(job: Job, run: TestRun) -> str | None:
    """What a survivor's record says of how it ran: a run with its module's
    top level run again, closures that kept the original's code, or tests
    coverage could not see through, are out of the ordinary."""
    entry = _entry(job)
    if entry is not None and entry.unseen:
        return (
            f"no test executes line {entry.line} as far as coverage could see; the "
            f"{plural(len(run.passed), 'test')} it could not see through (they change the trace or profile "
            "function, or failed under coverage) passed with the mutant, so whether any of them ran it "
            "is not known"
        )
    if entry is not None and entry.at_import:
        return f"runs only while {entry.module} is imported: its tests passed after its top level ran again"
    if run.left_original:
        return (
            f"{plural(run.left_original, 'closure')} made before the tests ran kept the original's code "
            "(the mutant drops a variable it holds): its tests may not have met the mutant"
        )
    return None


def _rerun_modules(entries: Iterable[MutantJob]) -> list[str]:
    """Modules with mutants still to run by running their top level again."""
    return sorted({e.module for e in entries if e.at_import and e.known is None})


def held_by_timeouts(jobs: Iterable[MutantJob], verdicts: Mapping[str, Verdict], workers: int) -> float:
    """The seconds of the mutants phase's wall-clock that mutants which timed
    out in this run held: their children's seconds, shared among the workers
    that ran side by side (a verdict an earlier run left, ``known``, took
    none of this run's time).  A mutant times out only at its limit (ten
    times its tests' baseline seconds and more), so a few of them can take
    much of a run: ``x-escape.timings.timeouts`` says how much, next to
    ``mutants``."""
    held = 0.0
    for job in jobs:
        verdict = verdicts.get(job.id)
        if job.known is None and verdict is not None and verdict.status == MutantStatus.TIMEOUT:
            held += verdict.duration
    return round(held / max(1, workers), 3)


class WorkerPlugin:
    """Runs the whole mutation phase from ``pytest_runtestloop`` of the worker's session.

    One pool of forked children runs three kinds of jobs, so none of them
    waits for another phase to drain (then second chances for would-be
    confirming-only tests, and the witness search, each in a pool of its own):

    - forced-failure probes: with every mutated function raising, a covering test of
      each module must fail, or mutants do not reach the code the tests
      import (each probe test given in the plan is tried until one fails:
      one test may swallow every exception);
    - mutants: each against its covering tests, stopping at the first failure
      (extreme mutants, and every mutant with ``--escape-matrix``: all of them);
    - self-checks: a test that killed a mutant must pass alone without one;
      a test that fails alone is excluded and its kills are run again
      without it (checking only killers costs a third of checking every
      test: isodate has 87 killers among 280 tests);
    - top-level controls: before the mutants of code that runs only at
      import (``MutantJob.at_import``) run, the module's top level runs
      again without a mutant, and the tests that then fail are left out
      of those mutants' runs: their failure would be the rerun's, not the
      mutant's.
    """

    def __init__(self, plan: WorkerPlan, emit: Emitter, started: float) -> None:
        self.plan = plan
        self.limits = Limits(
            plan.timeout_factor, plan.timeout_constant, plan.durations, plan.fixture_durations
        )
        #: the mutants' limits: the slow tests' seconds measured without coverage (``_time_plainly``)
        self.mutant_limits = self.limits
        self.emit = emit
        #: what children's runs and the events name by index (``SharedStrings``)
        self.shared = emit.shared or SharedStrings.of(())
        self.started = started
        self.items: dict[str, pytest.Item] = {}
        self.verdicts: dict[str, Verdict] = {}
        self.checked: dict[str, bool] = {}
        #: killers also checked after the tests they followed
        self.checked_after: set[str] = set()
        #: pytest's factory of the tests' temporary directories (each child gets a base of its own)
        self.tmp_factory: pytest.TempPathFactory | None = None
        #: module -> the last probe test, which passed with every mutated function raising
        self.unreachable: dict[str, str] = {}
        #: module -> its tests that fail after its top level runs again without a mutant
        self.rerun_failing: dict[str, set[str]] = {}
        #: module -> seconds its control took (the top level run again, then its tests)
        self.rerun_seconds: dict[str, float] = {}
        #: test file -> its text, for telling a failing check from a crash
        self.sources: dict[str, str] = {}
        #: candidate -> the runs of it followed so far (``evidence.trace``), by run
        self.followed: dict[str, dict[int, evidence.Trace]] = {}
        #: candidate -> the mutants it is followed under
        self.following: dict[str, list[evidence.Suspect]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            _hook_failures.append(report)

    def _run(self, jobs: Iterable[Job], settle: Callable[[Job, Outcome], Iterable[Job] | None]) -> None:
        run_forked(jobs, self.plan.workers, settle, self.plan.memory_limit, self._own_basetemp)

    def _own_basetemp(self) -> None:
        """In a child: a base directory of its own for the tests' ``tmp_path``,
        inside the one all children share.

        pytest numbers each test's directory by listing the base directory
        for the highest number so far.  Shared by every child of the run, the
        base held every directory every child made, and each ``tmp_path``
        listed them all: tests that used it ran 13 times slower in a child
        than in a plain run on tinydb, half of the children's time in that
        listing.  A base of its own holds only this child's directories.
        """
        factory = self.tmp_factory
        if factory is None:
            return
        try:
            own = tempfile.mkdtemp(prefix="child-", dir=factory.getbasetemp())
            # pytest's own field (the factory has no public way to move its
            # base); should a pytest refuse it, the shared base stays
            factory._basetemp = Path(own)
        except Exception:  # noqa: BLE001 - the shared base: slower, not wrong
            return

    def _timeout(self, tests: Iterable[str]) -> float:
        return self.limits.total(tests)

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Iterator[None]:
        """Collect, recording the calls of the target files' functions made
        while the test modules are imported: seeds for the witness search
        that no test makes while it runs (``observe.recording_collection``)."""
        if self.plan.witness.budget == 0:
            return (yield)
        with recording_collection(frozenset(plan.path for plan in self.plan.modules.values())):
            return (yield)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        started = self.started
        factory = getattr(session.config, "_tmp_path_factory", None)
        if factory is not None:
            factory.getbasetemp()  # one base dir, made before forking, shared by children
        self.tmp_factory = factory
        plan = self.plan
        self.items = _match_items(session, list(plan.tests), plan.identities)
        missing = tuple(t for t in plan.tests if t not in self.items)
        self.emit(Collected(len(session.items), missing))
        self.emit(PhaseDone("collect", round(time.monotonic() - started, 3)))
        started = time.monotonic()
        prepare()  # what every child would compile again, compiled once
        gc.collect()
        gc.freeze()  # children then leave the parent's objects alone: fewer copy-on-write faults
        self._time_plainly()
        jobs = [job for module, tests in plan.probes.items() if (job := self._probe(module, tests))]
        jobs += self._known()
        jobs += [job for module in _rerun_modules(plan.jobs) if (job := self._control(module))]
        fresh = run_order(
            [entry for entry in plan.jobs if entry.known is None and not entry.at_import],
            self.mutant_limits.durations,
        )
        jobs += [job for entry in fresh if (job := self._mutant(entry, set()))]
        self._run(jobs, self._settle)
        if self.unreachable:
            for module, test in self.unreachable.items():
                self.emit(Unreachable(module, test))
            return True
        # A re-run can find new killers, whose own checks may fail: repeat
        # until every kill stands on a test that passes alone.
        excluded: set[str] = set()
        while newly := {t for t, passed in self.checked.items() if not passed} - excluded:
            excluded |= newly
            again = [e for e in plan.jobs if newly.intersection(self.verdicts[e.id].killers)]
            rerun = [job for entry in again if (job := self._mutant(entry, excluded, rerun=True))]
            self._run(rerun, self._settle)
        self.emit(PhaseDone("mutants", round(time.monotonic() - started, 3)))
        self.emit(PhaseDone("timeouts", held_by_timeouts(plan.jobs, self.verdicts, plan.workers)))
        started = time.monotonic()
        self._run(self._confirmations(), self._settle)
        self.emit(PhaseDone("confirm", round(time.monotonic() - started, 3)))
        started = time.monotonic()
        where = scratch("pytest-escape-evidence-")
        try:
            self._run(self._evidence(where), self._settle)
        finally:
            shutil.rmtree(where, ignore_errors=True)
        self.emit(PhaseDone("evidence", round(time.monotonic() - started, 3)))
        try:
            self._witnesses()
        except Exception as e:  # noqa: BLE001 - the mutants' verdicts are in; keep them
            self.emit(WorkerWarning(f"the witness search stopped early: {type(e).__name__}: {e}"))
        try:
            self._properties()
        except Exception as e:  # noqa: BLE001 - the same: what is in stays in
            self.emit(WorkerWarning(f"the property checks stopped early: {type(e).__name__}: {e}"))
        self.emit(Done())
        # Nothing is left to do: the verdicts are sent, no fixture was set up in
        # this process, and finishing the session would only print a summary to
        # a log nobody reads (which makes hypothesis import itself: 1.3 s).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def _time_plainly(self) -> None:
        """Time the mutants' slow tests without coverage, and limit the
        mutants by those seconds (``limits``: the baseline's were measured
        under coverage, several times slower)."""
        uses = Counter(
            t for entry in self.plan.jobs if entry.known is None for t in entry.tests if t in self.items
        )
        timing = plan_timing(self.limits.durations, uses, self.plan.workers)
        if timing is None:
            return
        started = time.monotonic()
        plain: dict[str, float] = {}

        def job(group: tuple[str, ...]) -> Job:
            items = [(t, self.items[t]) for t in group]
            steps = self.limits.steps(group)

            def run() -> dict[str, Any]:
                return {"seconds": time_items(items, timing.budget)}

            return Job(key=f"timing {group[0]}", timeout=steps[-1].limit, run=run, steps=steps)

        def settle(job: Job, outcome: Outcome) -> None:
            if outcome.kind == REPORTED:
                plain.update(outcome.payload.get("seconds", {}))

        self._run([job(group) for group in timing.groups], settle)
        self.mutant_limits = self.limits.calibrated(plain)
        self.emit(PhaseDone("plain_timing", round(time.monotonic() - started, 3)))

    def _witnesses(self) -> None:
        # an extreme mutant's finding is the function's label, not a fault to witness
        survivors = [e for e in self.plan.jobs if self.verdicts[e.id].status == SURVIVED and not e.extreme]
        if not survivors or self.plan.witness.budget == 0:
            return
        # imported only for a search that runs (as ``PropertyStage``): the
        # search imports Hypothesis, a tenth of a second of every run otherwise
        from .witnesses import WitnessStage, class_tests_of, settled

        options = settled(self.plan.witness, len(survivors), self.plan.workers)

        def found(mutant_id: str, finding: Witness) -> None:
            self.emit(WitnessFound(mutant_id, finding))

        self._stage(
            Stage.WITNESSES,
            len(survivors),
            options.seconds,
            lambda: WitnessStage(
                options, survivors, self.plan.workers, self._run_tests, found, class_tests_of(self.plan.jobs)
            ),
        )

    def _properties(self) -> None:
        options = self.plan.properties

        def checked(result: PropertyResult, retry: bool) -> None:
            self.emit(PropertyChecked(result, retry))

        def make() -> BudgetedStage:
            from .properties import PropertyStage  # Hypothesis: see _witnesses

            return PropertyStage(
                options,
                self.plan.workers,
                self._run_tests,
                checked,
                lambda module, function: self.emit(PropertiesChecked(module, function)),
            )

        self._stage(Stage.PROPERTIES, len(options.functions), options.budget, make)

    def _stage(self, kind: Stage, count: int, budget: float, make: Callable[[], BudgetedStage]) -> None:
        """Run a budgeted stage on ``count`` items, between its start and its phase time."""
        if not count or budget <= 0:
            return
        started = time.monotonic()
        self.emit(StageStarted(kind, count, budget))
        stage = make()
        try:
            self._run(stage.jobs(), stage.settle)
        finally:
            stage.close()
        self.emit(PhaseDone(kind.value, round(time.monotonic() - started, 3)))

    def _run_tests(self, tests: list[str]) -> object:
        """Run tests in this process (a search child records the arguments they pass)."""
        return run_items([(t, self.items[t]) for t in tests if t in self.items], None)

    # -- confirming-only candidates ------------------------------------------

    def _is_check(self, test: str, kill: KillRecord) -> bool:
        path = str(self.items[test].path) if test in self.items else ""
        return is_check(kill.exception, kill.line, self._source(path))

    def _source(self, path: str) -> str:
        """A test file's text, read once ("" when it cannot be read)."""
        if path not in self.sources:
            try:
                with open(path, encoding="utf-8") as f:
                    self.sources[path] = f.read()
            except (OSError, UnicodeDecodeError):
                self.sources[path] = ""
        return self.sources[path]

    def _confirmations(self) -> list[Job]:
        """A second chance for every test that met mutants but failed on none by a check.

        Fail-fast runs stop at the first failing test, so a test that would
        have caught a mutant may never meet it, and which test meets which
        mutant depends on the order the workers happened to learn kills in.
        Before a test is called confirming-only, it runs alone against the
        mutants of what it executes that some other test killed, by a check
        or only by a crash, which the test may still catch in a check (a
        quicker test that crashed first took the mutant from one that
        checks it: ``test_oracle_verdicts``), in the order
        ``second_chances`` gives, until one fails in a check.  Which
        mutants it may meet does not depend on scheduling, so neither does
        the verdict; only how soon a check is found does.
        """
        ran: dict[str, set[str]] = {}
        credited: set[str] = set()
        caught: set[str] = set()
        killed: set[str] = set()
        for entry in self.plan.jobs:
            verdict = self.verdicts[entry.id]
            for test in verdict.passed:
                ran.setdefault(test, set()).add(entry.id)
            for kill in verdict.kills:
                ran.setdefault(kill.test, set()).add(entry.id)
                killed.add(entry.id)
                if self._is_check(kill.test, kill):
                    credited.add(kill.test)
                    caught.add(entry.id)
        jobs = []
        for test in sorted(set(ran) - credited):
            if self.checked.get(test) is False:
                continue  # excluded: it fails alone
            # a mutant of code that runs only at import acts only after its
            # module's top level runs again, which a second chance does not do
            unmet = [
                e for e in self.plan.jobs if test in e.tests and e.id not in ran[test] and not e.at_import
            ]
            # A run of every covering test that hung before this one said
            # nothing of it (``HANGS_PASSED``), and without a verdict on each
            # extreme mutant the oracle judges no test (anytree: an iterator's
            # ``__next__`` returning None hung 60 tests' verdicts).  These come
            # first and are not capped: at most two per function it executes.
            unjudged = sorted(e.id for e in unmet if e.all)
            chances = [e.id for e in unmet if e.id in killed and not e.all]
            share = confirm_share(
                self.plan.durations.get(test, 0.0), not self._asserts_nothing(self.items[test])
            )
            queue = second_chances(chances, caught, share)
            if unjudged or queue:
                jobs.append(self._confirm(test, unjudged + queue, 0))
        return jobs

    def _evidence(self, scratch: str) -> list[Job]:
        """A child per test that met mutants and still failed on none in a check,
        looking for the proof that it only confirms (``execution.evidence``):
        without it, the oracle does not flag the test."""
        passed: dict[str, list[MutantJob]] = {}
        credited: set[str] = set()
        for entry in self.plan.jobs:
            verdict = self.verdicts[entry.id]
            for test in verdict.passed if not entry.at_import else ():
                # (evidence makes the test's calls again, with no top level run again: it finds nothing)
                passed.setdefault(test, []).append(entry)
            credited.update(kill.test for kill in verdict.kills if self._is_check(kill.test, kill))
        jobs = []
        for test in sorted(set(passed) - credited):
            if test not in self.items or self.checked.get(test) is False:
                continue
            # the extreme mutant first: "returns 0" is the plainest evidence
            entries = sorted(passed[test], key=lambda e: (not e.extreme, e.id))[: evidence.MUTANTS_TRIED]
            suspects = [evidence.Suspect(e.id, e.module, e.function) for e in entries]
            jobs.append(self._prove(test, suspects, scratch))
        return jobs

    def _prove(self, test: str, suspects: list[evidence.Suspect], scratch: str) -> Job:
        item = self.items[test]
        test_file = _test_file(item)
        call_timeout = self.plan.witness.call_timeout

        def run() -> dict[str, Any]:
            functions = {(s.module, s.function) for s in suspects}
            calls = evidence.record(lambda: not run_items([(test, item)], None).failed, functions, test_file)
            found = None
            if calls is not None:
                found = evidence.find(suspects, calls, call_timeout, scratch)
            return {"evidence": to_json(found) if found is not None else None}

        timeout = self._timeout([test]) + call_timeout * 3 * evidence.CALLS_KEPT * len(suspects) + 10
        self.following[test] = suspects
        return Job(key=f"evidence {test}", timeout=timeout, run=run, tag=("evidence", test))

    def _follow(self, test: str) -> list[Job]:
        """The runs that follow ``test`` whole (``evidence.trace``): two on the
        original, then one under each mutant it passed under, each in a child
        of its own, so that no run sees what another left behind."""
        item = self.items[test]
        test_file = _test_file(item)
        files = {m.path for m in self.plan.modules.values()}
        runs: list[str | None] = [None, None, *(s.mutant for s in self.following[test])]
        self.followed[test] = {}
        # the test's own function, whose variables are read when it ends, if it asserts nothing
        function: Any = getattr(item, "obj", None)
        function = getattr(function, "__func__", function)  # a unittest method, bound
        code = None
        if callable(function) and self._asserts_nothing(item):
            code = getattr(inspect.unwrap(function), "__code__", None)

        def job(index: int, mutant: str | None) -> Job:
            def run() -> dict[str, Any]:
                passes = lambda: not run_items([(test, item)], mutant).failed  # noqa: E731
                followed: dict[str, Any] = to_json(evidence.trace(passes, test_file, files, code))
                return followed

            # tracing every call the test makes costs; a run past this is not followed
            timeout = self._timeout([test]) * FOLLOW_SLOWDOWN + 2
            return Job(key=f"follow {test} {index}", timeout=timeout, run=run, tag=("follow", test, index))

        return [job(index, mutant) for index, mutant in enumerate(runs)]

    def _asserts_nothing(self, item: pytest.Item) -> bool:
        """Whether the test's own function holds no check at all, as the
        smell reader sees it (``no assertion``); False where it cannot tell
        (a method inherited from another file, a doctest)."""
        if is_doctest(item):
            return False
        owner = getattr(item, "cls", None)
        name = getattr(item, "originalname", None) or item.name.partition("[")[0]
        qualname = f"{owner.__name__}.{name}" if owner is not None else name
        return any(s.tag == NO_ASSERTION for s in smells(self._source(str(item.path)), qualname))

    def _settle_follow(self, test: str, index: int, outcome: Outcome) -> None:
        """Keep one followed run; once all are in, emit what they prove."""
        runs = self.followed[test]
        # a run that did not report (a timeout, a crash) counts as failed: it proves nothing
        runs[index] = decode(evidence.Trace, outcome.payload) if outcome.kind == REPORTED else _NOT_FOLLOWED
        suspects = self.following[test]
        if len(runs) < len(suspects) + 2:
            return
        found = evidence.followed(runs[0], runs[1], [(s, runs[i + 2]) for i, s in enumerate(suspects)])
        self.emit(TestEvidence(test, found))

    def _confirm(self, test: str, queue: list[str], index: int) -> Job:
        """One child runs ``test`` against ``queue[index:]`` in turn, streaming each
        outcome, until it fails in a check.

        One fork per test rather than per (test, mutant): on semver, forking
        for each pair tripled the run.  A mutant that leaves state behind can
        only make a later run fail, which credits the test a check: the
        direction that flags fewer tests, never more.
        """
        item = self.items[test]
        todo = queue[index:]

        def run() -> dict[str, Any]:
            for mutant in todo:
                result = run_items([(test, item)], mutant)
                kill = result.first_failure
                stream(to_json(SecondChance(mutant, kill)))
                if (kill and self._is_check(test, kill)) or result.interrupted:
                    break  # a check found; or this process is spoilt: the next child goes on
            return {"outcome": "done"}

        # a step per mutant (run_items marks each), so a hang on one is met at its own limit
        steps = self.limits.steps([test] * len(todo))
        return Job(
            key=f"{test} @ {todo[0]}",
            timeout=steps[-1].limit,
            run=run,
            tag=("confirm", test, queue, index),
            steps=steps,
        )

    def _settle_confirm(self, test: str, queue: list[str], index: int, outcome: Outcome) -> list[Job] | None:
        done = index
        for streamed in outcome.streamed:
            run = decode(SecondChance, streamed)
            verdict = self.verdicts[run.mutant]
            done += 1
            kill = run.kill
            if kill:
                verdict = dataclasses.replace(verdict, kills=(*verdict.kills, kill))
            else:
                verdict = dataclasses.replace(verdict, passed=(*verdict.passed, test))
            self.verdicts[run.mutant] = verdict
            self.emit(VerdictReached(verdict, rerun=True))
            if kill and self._is_check(test, kill):
                # a kill stands on a test that passes alone, as every kill does
                return self._checks([test], []) or None
        if outcome.kind == TIMED_OUT and done < len(queue):
            # it hung under the mutant it was on: a kill by its timeout, which is no check
            hung = self.verdicts[queue[done]]
            hung = dataclasses.replace(hung, kills=(*hung.kills, _hang(test, timed_out(outcome))))
            self.verdicts[hung.id] = hung
            self.emit(VerdictReached(hung, rerun=True))
        if outcome.kind != REPORTED:
            done += 1  # the mutant it was on when it hung or died: go on after it
        return [self._confirm(test, queue, done)] if done < len(queue) else None

    # -- jobs ----------------------------------------------------------------

    def _probe(self, module: str, tests: tuple[str, ...], attempt: int = 0) -> Job | None:
        usable = [t for t in tests if t in self.items]
        if attempt >= len(usable):
            if usable:
                self.unreachable[module] = usable[-1]
            return None
        test = usable[attempt]
        job = Job(
            key=test,
            timeout=self._timeout([test]),
            run=_runner(self.shared, [(test, self.items[test])], FORCED_FAILURE),
            tag=("probe", module, tests, attempt),
        )
        return job

    def _at_import(self, module: str) -> list[MutantJob]:
        """The module's mutants still to run with its top level run again."""
        return [e for e in self.plan.jobs if e.at_import and e.module == module and e.known is None]

    def _control(self, module: str) -> Job | None:
        """The module's top level run again without a mutant, then every test
        its ``at_import`` mutants run against (``_settle_control``)."""
        entries = self._at_import(module)
        tests = list(dict.fromkeys(t for e in entries for t in e.tests if t in self.items))
        try:
            compiled_top_level(module)  # once, before the children fork
        except Exception as e:  # noqa: BLE001 - a top level that does not compile alone
            reason = f"{module}'s top level cannot run again ({type(e).__name__}): its mutants are not run"
            for entry in entries:
                self._record(Verdict(entry.id, NO_COVERAGE, reason=reason), False)
            return None
        items = [(t, self.items[t]) for t in tests]

        def run() -> dict[str, Any]:
            activate(None)
            try:
                run_top_level(module)
            except Exception as e:  # noqa: BLE001 - the module's own top level
                return {"raised": exception_text(e)}
            return {"run": _run_json(self.shared, run_items(items, None, keep_going=True))}

        return Job(key=f"{module}:top level", timeout=self._timeout(tests), run=run, tag=("control", module))

    def _settle_control(self, job: Job, module: str, outcome: Outcome) -> list[Job] | None:
        entries = self._at_import(module)
        payload = outcome.payload if outcome.kind == REPORTED else {}
        if "run" not in payload:
            # a top level that cannot run twice (a registration that refuses a
            # second one) would make every such mutant a kill it did not make
            why = (
                f"raises {payload['raised']}"
                if "raised" in payload
                else f"did not finish ({stopped(job, outcome)})"
            )
            reason = (
                f"{module}'s top level {why} when it runs again without a mutant: its mutants are not run"
            )
            for entry in entries:
                self._record(Verdict(entry.id, NO_COVERAGE, reason=reason), False)
            return None
        run = decode(TestRun, payload["run"], self.shared)
        self.rerun_failing[module] = {kill.test for kill in run.kills}
        self.rerun_seconds[module] = outcome.duration
        ordered = run_order(entries, self.mutant_limits.durations)
        return [made for entry in ordered if (made := self._mutant(entry, set()))] or None

    def _mutant(
        self, entry: MutantJob, excluded: set[str], rerun: bool = False, slack: float = 0.0
    ) -> Job | None:
        failing = self.rerun_failing.get(entry.module, set()) if entry.at_import else set()
        tests = [t for t in entry.tests if t in self.items and t not in excluded | failing]
        if not tests:
            if failing:
                reason = f"its module's tests fail when {entry.module}'s top level runs again without it"
            elif excluded:
                reason = "its covering tests fail without it"
            else:
                reason = "its covering tests were not collected"
            self._record(Verdict(entry.id, NO_COVERAGE, reason=reason), rerun)
            return None
        keep_going = entry.all
        top_level = entry.module if entry.at_import else None

        def run() -> dict[str, Any]:
            # In the plan's order, cheapest first.  Putting the tests that
            # killed a sibling mutant first (as known when the child was
            # forked) saved no time on isodate or semver, and which kills were
            # known depended on which child finished first: two runs with one
            # seed gave 34 different killedBy on semver.
            return _run_json(
                self.shared, run_items([(t, self.items[t]) for t in tests], entry.id, keep_going, top_level)
            )

        # the top level runs again before the first test: what the control
        # took for it and the tests is allowed on top (not ``slack``, which
        # marks a second run with more time)
        ahead = self.rerun_seconds.get(entry.module, 0.0) if entry.at_import else 0.0
        steps = self.mutant_limits.steps(tests, slack + ahead)
        tag = ("mutant", rerun, entry, frozenset(excluded), slack)
        return Job(key=entry.id, timeout=steps[-1].limit, run=run, tag=tag, steps=steps)

    @property
    def _hang_limit(self) -> float:
        """A limit only a hang meets: the whole suite's."""
        return self.limits.total(self.plan.tests)

    def _without_mutant(self, job: Job, outcome: Outcome) -> Job:
        """The tests a mutant's child had begun, up to the one it hung in or
        ran out of memory in, run again without the mutant: a timeout, or
        memory run out, is a detection only if they do not do that without
        it (``limits``: such a verdict needs the evidence a kill needs)."""
        names = [s.name for s in job.steps]
        begun = names[: names.index(outcome.step.name) + 1] if outcome.step is not None else names[:1]
        return Job(
            key=job.key,
            timeout=max(self._hang_limit, outcome.limit),
            run=_runner(self.shared, [(t, self.items[t]) for t in begun], None),
            tag=("without", job, outcome, begun),
        )

    def _settle_without(
        self, mutant: Job, ended: Outcome, begun: list[str], outcome: Outcome
    ) -> list[Job] | None:
        if ended.kind == TIMED_OUT:
            return self._settle_timing(mutant, ended, outcome)
        _, rerun, *_ = mutant.tag
        duration = round(ended.duration, 4)
        run = _test_run_of(self.shared, outcome)
        if run is None or run.failed:
            why = "they fail" if run is not None else "they do not finish"
            reason = f"{ended.detail}; without the mutant {why} too"
            self._record(Verdict(mutant.key, MutantStatus.ERROR, duration, reason=reason), rerun)
            return None
        test = begun[-1]
        limit = self.plan.memory_limit >> 20
        message = f"MemoryError: ran out of memory (limit {limit} MiB per child: --escape-memory-limit)"
        kill = KillRecord(test, message, "MemoryError")
        reason = f"{message} in {test}; without the mutant the tests passed"
        verdict = Verdict(
            mutant.key,
            MutantStatus.KILLED,
            duration,
            tests_run=len(begun),
            kills=(kill,),
            passed=tuple(begun[:-1]),
            killed_by=test,
            reason=reason,
        )
        self._record(verdict, rerun)
        self.checked_after.add(test)  # what this run without the mutant just did
        return self._checks([test], begun) or None

    def _settle_timing(self, mutant: Job, hung: Outcome, outcome: Outcome) -> list[Job] | None:
        """Confirm a timeout, or run the mutant again with the seconds its
        tests needed without it added to its limits."""
        _, rerun, entry, excluded, _ = mutant.tag
        duration = round(hung.duration, 4)
        # held to its CPU seconds, the mutant is compared with the CPU seconds its tests need;
        # held to the limit of the test it hung in, with that test's seconds
        needed, unit, limit, they = outcome.duration, "s", hung.limit, "they"
        if hung.by_cpu and outcome.cpu is not None:
            needed, unit = outcome.cpu, "s of CPU"
        run, step = _test_run_of(self.shared, outcome), hung.step
        if hung.by_step and step is not None and step.own is not None and run is not None:
            if run.order[-1:] == (step.name,) and len(run.seconds) == len(run.order):
                needed, limit, they = run.seconds[-1], step.own, "it"
        if outcome.kind == REPORTED and needed <= limit:
            reason = f"{timed_out(hung)}; without the mutant {they} ran in {needed:.1f} {unit}"
            return self._after_hang(
                mutant, Verdict(mutant.key, MutantStatus.TIMEOUT, duration, reason=reason), hung.step
            )
        if outcome.kind == REPORTED:
            again = self._mutant(entry, set(excluded), rerun, slack=self.plan.timeout_factor * needed)
            return [again] if again is not None else None
        how = timed_out(outcome) if outcome.kind == TIMED_OUT else outcome.detail
        reason = f"{timed_out(hung)}, and its tests do not finish without the mutant either: {how}"
        self._record(Verdict(mutant.key, MutantStatus.ERROR, duration, reason=reason), rerun)
        return None

    def _known(self) -> list[Job]:
        """Take the verdicts the cache already holds (a resumed run) as if just run.

        They still get what comes after a verdict in this run: their killers'
        self-checks (a kill stands only on a test that passes alone), second
        chances for would-be confirming-only tests, and the witness search.
        """
        checks: list[Job] = []
        for entry in self.plan.jobs:
            if entry.known is None:
                continue
            verdict = self.verdicts[entry.id] = entry.known
            # stopping at the first failure, the tests that passed ran before the killer
            # (with those of second chances, which ran elsewhere: a stricter context)
            before = [] if entry.all else list(verdict.passed)
            checks += self._checks(verdict.killers, before + list(verdict.killers[:1]))
        return checks

    def _checks(self, killers: Iterable[str], order: Sequence[str]) -> list[Job]:
        """Self-checks for the tests that killed a mutant, which ran in ``order``.

        Each killer runs alone without a mutant, once.  A killer that ran
        after other tests also runs after them without a mutant, the first
        time: a test that fails only after another one fails because of their
        order (state one leaves for the other), not because of the mutant.

        One child checks every such killer of ``order`` at once: it runs
        ``order`` without a mutant up to the last of them, stopping at the
        first failure, so each killer it reaches has run after exactly the
        tests it followed, as a check of its own would.  An extreme mutant's
        child runs all its tests and every one that fails is a killer: one
        check each cost pygtrie 919 children running 134 s, as long as its
        mutants.
        """
        jobs = []
        tests = [t for t in order if t in self.items]
        after = []
        for test in killers:
            if test not in self.items:
                continue
            if test not in self.checked:
                self.checked[test] = True  # until proven otherwise; also marks it as queued
                jobs.append(self._check([test], (test,)))
            if test in tests[1:] and test not in self.checked_after:
                self.checked_after.add(test)
                after.append(test)
        if after:
            last = max(tests.index(t) for t in after)
            jobs.append(self._check(tests[: last + 1], tuple(after)))
        return jobs

    def _check(self, tests: list[str], killers: tuple[str, ...]) -> Job:
        """A child that runs ``tests`` without a mutant, to check ``killers`` among them."""
        steps = self.limits.steps(tests)
        return Job(
            key=tests[-1],
            timeout=steps[-1].limit,
            run=_runner(self.shared, [(t, self.items[t]) for t in tests], None),
            tag=("check", tests, killers),
            steps=steps,
        )

    # -- outcomes ------------------------------------------------------------

    def _settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        kind = job.tag
        if kind[0] == "confirm":
            return self._settle_confirm(kind[1], kind[2], kind[3], outcome)
        if kind[0] == "evidence":
            found = outcome.payload.get("evidence") if outcome.kind == REPORTED else None
            if outcome.kind != REPORTED:
                # the test is left unflagged for want of evidence: say why there is none
                how = stopped(job, outcome)
                self.emit(
                    WorkerWarning(f"the search for evidence that {kind[1]} only confirms stopped: {how}")
                )
            if found is None and outcome.kind == REPORTED and kind[1] in self.following:
                return self._follow(kind[1])  # a call made again proved nothing: follow the test whole
            self.emit(TestEvidence(kind[1], decode(Evidence, found) if found is not None else None))
            return None
        if kind[0] == "follow":
            self._settle_follow(kind[1], kind[2], outcome)
            return None
        if kind[0] == "past hang":
            return self._settle_past_hang(kind[1], kind[2], kind[3], outcome)
        if kind[0] == "control":
            return self._settle_control(job, kind[1], outcome)
        run = _test_run_of(self.shared, outcome)
        passed = run is not None and not run.failed
        if kind[0] == "probe":
            _, module, tests, attempt = kind
            if not passed:
                return None
            retry = self._probe(module, tests, attempt + 1)
            if retry is None and self.unreachable:
                return STOP
            return [retry] if retry else None
        if kind[0] == "check":
            return self._settle_check(job, outcome, run)
        if kind[0] == "without":
            return self._settle_without(kind[1], kind[2], kind[3], outcome)
        if (outcome.kind == TIMED_OUT and not kind[4]) or outcome.out_of_memory:
            return [self._without_mutant(job, outcome)]
        verdict = self._verdict(job, outcome, run)
        if verdict.status == MutantStatus.TIMEOUT:
            return self._after_hang(job, verdict, outcome.step)
        self._record(verdict, rerun=kind[1])
        if verdict.killed_by is None or run is None:
            return None
        return self._checks(verdict.killers, run.order) or None

    def _after_hang(
        self, job: Job, verdict: Verdict, step: Step | None, hung: tuple[str, ...] = ()
    ) -> list[Job] | None:
        """Record a timeout.  A run of every covering test (an extreme
        mutant's) that hung in one test said nothing of the others: each got
        no per-test verdict, and a test that checks nothing went unflagged
        (orderedmultidict: 2 of 20 stripped tests).  So the others run again
        under the mutant, without the test it hung in, and their outcomes are
        kept on the timeout's verdict; the test it hung in is recorded as
        the run's first kill, by the timeout, which is no check."""
        _, rerun, entry, excluded, slack = job.tag
        rest = [t for t in entry.tests if t in self.items and t not in excluded and t not in hung]
        if step is not None:
            hung, rest = (*hung, step.name), [t for t in rest if t != step.name]
        if not entry.all or step is None or not rest or len(hung) > HANGS_PASSED:
            # the tests it hung in are known: kills by their timeouts (the
            # others get a second chance each, if they are candidates)
            hangs = tuple(_hang(t, verdict.reason) for t in hung)
            self._record(dataclasses.replace(verdict, kills=hangs), rerun)
            return None

        def run() -> dict[str, Any]:
            return _run_json(self.shared, run_items([(t, self.items[t]) for t in rest], entry.id, True))

        steps = self.mutant_limits.steps(rest, slack)
        tag = ("past hang", job, verdict, hung)
        return [Job(key=entry.id, timeout=steps[-1].limit, run=run, tag=tag, steps=steps)]

    def _settle_past_hang(
        self, job: Job, verdict: Verdict, hung: tuple[str, ...], outcome: Outcome
    ) -> list[Job] | None:
        """Keep what the tests past a hang did on the timeout's verdict; one
        more hang is passed the same way."""
        run = _test_run_of(self.shared, outcome)
        if run is None:
            if outcome.kind == TIMED_OUT:
                return self._after_hang(job, verdict, outcome.step, hung)
            self._record(verdict, rerun=job.tag[1])  # the child died: the timeout, as it was
            return None
        hangs = tuple(_hang(t, verdict.reason) for t in hung)
        whole = dataclasses.replace(
            verdict, kills=hangs + run.kills, passed=run.passed, tests_run=len(hung) + len(run.order)
        )
        self._record(whole, rerun=job.tag[1])
        # a kill stands only on a test that passes alone, as after any run
        return self._checks([k.test for k in run.kills], run.order) or None

    def _settle_check(self, job: Job, outcome: Outcome, run: TestRun | None) -> list[Job] | None:
        """Exclude the killer that failed (or hung, or ended its child) without
        a mutant; the tests after it are not judged, as a check of their own
        would stop at the same failure and say nothing about them.  A check
        out of time runs again under a limit only a hang meets, before its
        test is blamed: a one-time cost another test paid in the suite (an
        import, a cache) is this one's to pay when it runs alone."""
        tests, killers = job.tag[1], job.tag[2]
        hang = self._hang_limit
        if outcome.kind == TIMED_OUT and job.timeout < hang:
            steps = tuple(Step(s.name, hang) for s in job.steps)
            return [dataclasses.replace(job, timeout=hang, steps=steps)]
        failure = run.first_failure if run is not None else None
        if run is not None:
            if failure is None:
                return None
            test = failure.test
        elif len(tests) == 1:
            test = tests[0]
        else:
            test = outcome.step.name if outcome.step is not None else ""
        if test not in killers or self.checked.get(test) is False:
            return None  # one of the tests before it failed: that says nothing about this one
        before = tests[: tests.index(test)]
        where = "alone"
        if before:
            where = f"after {before[-1]}" + (f" and {len(before) - 1} more" if len(before) > 1 else "")
        self.checked[test] = False
        if failure is not None:
            reason = f"fails when run {where} without a mutant: {self._reason(failure)}"
        elif outcome.kind == TIMED_OUT:
            reason = f"timed out when run {where} without a mutant (no verdict after {outcome.limit:.1f} s)"
        else:
            reason = outcome.detail
        if before:
            reason += " (it depends on the order tests run in)"
        self.emit(TestExcluded(test, reason))
        return None

    def _verdict(self, job: Job, outcome: Outcome, run: TestRun | None) -> Verdict:
        duration = round(outcome.duration, 4)
        if run is not None:
            failure = run.first_failure
            entry = _entry(job)
            # Tests coverage could not see through: a kill says one met the
            # mutant, a pass says nothing, so a survivor keeps "no coverage"
            # and no test is counted as having met it and passed.
            unseen = entry is not None and entry.unseen
            return Verdict(
                job.key,
                MutantStatus.KILLED if failure else NO_COVERAGE if unseen else MutantStatus.SURVIVED,
                duration,
                tests_run=len(run.order),
                kills=run.kills,
                passed=() if unseen else run.passed,
                killed_by=failure.test if failure else None,
                reason=self._reason(failure) if failure else _survived_reason(job, run),
            )
        if outcome.kind == TIMED_OUT:
            reason = timed_out(outcome)
            if job.tag[4]:
                reason += f" (its limits {job.tag[4]:.1f} s later: what its tests took without the mutant)"
            return Verdict(job.key, MutantStatus.TIMEOUT, duration, reason=reason)
        return Verdict(job.key, MutantStatus.ERROR, duration, reason=outcome.detail)

    def _reason(self, failure: KillRecord) -> str:
        """The first failure's message; a MemoryError says which limit it met."""
        message = failure.message
        limit = self.plan.memory_limit
        if limit and failure.exception == "MemoryError":
            message += f" (past the memory limit of {limit >> 20} MiB per child: --escape-memory-limit)"
        return message

    def _record(self, verdict: Verdict, rerun: bool) -> None:
        self.verdicts[verdict.id] = verdict
        self.emit(VerdictReached(verdict, rerun))


def main(argv: list[str]) -> int:
    plan_path, fd = argv[0], int(argv[1])
    with open(plan_path, encoding="utf-8") as f:
        raw = json.load(f)
    started = time.monotonic()
    emit = Emitter(fd)
    # the parent first: whatever else the plan holds, a dead parent's is removed
    plan_dir, parent = Path(plan_path).parent, plan_parent(raw)
    # A dead parent sends two notices, a broken pipe and the SIGTERM, in
    # either order.  The kernel closes the pipe before it reparents us, so
    # after a broken pipe getppid() can still name the dying parent; and the
    # SIGTERM can land anywhere, even inside the atexit callback.  So both
    # the signal handler and atexit (which runs however the interpreter ends
    # short of os._exit, which only the handler and our forked children use)
    # remove the plan directory, each deciding from what it knows then.
    signal.signal(signal.SIGTERM, lambda *_: _end_on_sigterm(plan_dir, parent))
    atexit.register(lambda: _remove_if_orphaned(plan_dir, parent, emit.broken))
    # A SIGKILLed pytest cannot stop us: the kernel sends the SIGTERM instead.
    # Asked first thing, so that a pytest killed while we started up (when
    # no notice can come any more) still has its plan removed.
    die_with_parent(parent, signal.SIGTERM, on_orphaned=lambda: shutil.rmtree(plan_dir, ignore_errors=True))
    keep_scratch_in(str(plan_dir))
    plan, emit.shared = decode_plan(raw)
    del raw  # the plan's strings are its own now, shared (``encode_plan``)
    os.environ[WORKER_ENV] = "1"
    project_root(plan.properties.root)  # paths in regression tests, relative to the project
    sys.path[:] = plan.sys_path
    for name, module in plan.modules.items():
        register(name, module.functions, module.source)
    served = {name: (m.path, m.source) for name, m in plan.modules.items()}
    install(served, on_load=plant)
    try:
        # pytest's cache of the worker's own (plan.WORKER_ARGS says why)
        args = [*plan.args, *cache_of_its_own(plan.pytest_cache, plan_dir / "pytest-cache")]
        code = pytest.main(args, plugins=[WorkerPlugin(plan, emit, started)])
    except BrokenPipeError:
        return 3  # the main process went away: stop quietly
    return int(code)


def _end_on_sigterm(plan_dir: Path, parent: int) -> NoReturn:
    """Stop now: a SIGTERM comes from a pytest that stops reading us (Ctrl-C)
    or from the kernel when pytest died, and either way nobody waits for
    what an unwinding pytest session would still do.  The death notice comes
    after the kernel reparented us, so getppid() tells which it was."""
    end_children()
    _remove_if_orphaned(plan_dir, parent, pipe_broken=False)
    os._exit(2)


def _remove_if_orphaned(plan_dir: Path, parent: int, pipe_broken: bool) -> None:
    """Remove the plan directory (our own log is in it) if pytest is gone and
    cannot, or has stopped reading us and will remove it anyway."""
    if pipe_broken or os.getppid() != parent:
        shutil.rmtree(plan_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
