"""One ``pytest --escape`` run: the stages in order, as pytest hooks.

The stages (DESIGN.md, docs/how-it-works.md): settings -> targets ->
baseline (the user's own test run, with coverage per test) -> mutants ->
plan -> worker -> assemble -> deliver.  Each lives in its own module and
passes typed values to the next; this one only calls them in turn and keeps
what the user is told.  It is imported only when ``--escape`` is given, so a
plain ``pytest`` run never pays for libcst and mutmut.
"""

from __future__ import annotations

import dataclasses
import random
import sys
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import coverage
import pytest

from . import __version__, plan, project_files
from .assemble import RunFacts, assemble, with_verdict
from .cache_keys import KeyMaker, pytest_settings
from .config import SWITCHED_OFF, SettingsError, build_settings, command_line, misread_path
from .console import Console, closing_lines, header, partial_lines
from .coverage_map import Baseline, BaselineRecorder
from .deliver import deliver
from .execution.limits import Limits
from .execution.protocol import MutantJob, PropertyCheck, VerdictReached, WitnessFound, WorkerEvent
from .execution.recheck import Recheck, recheck
from .execution.runner import WorkerReport, run_worker
from .execution.selection import UNSEEN_TESTS
from .gate import GATE_SETTINGS, SKIPPED_TARGET, EscapeExit, Ratchet
from .model import Evidence, FileInfo, LeftOut, PropertyResult, Results, TestInfo, evidence_key
from .mutation import switch
from .mutation.factory import MutantFactory, UnusableTarget, read_source
from .mutation.import_time import import_time
from .mutation.mutmut_adapter import MUTMUT_VERSION
from .report.describe import function_warnings
from .results_io import NotAResultsFile, read_baseline
from .shards import revision
from .since import ChangedLines, SinceError, changed_lines
from .store import OutcomeStore, PropertyCache, RunCache
from .targets import Candidates, find_candidates, module_name_from_path, select_targets
from .wording import plural, some_names

#: failing tests a message names before it counts the rest
NAMED_FAILURES = 3


def _named(tests: Sequence[str]) -> str:
    """The first ``NAMED_FAILURES`` of ``tests``, then how many more."""
    return some_names(tests, None, NAMED_FAILURES)


def failing_baseline(failed: Sequence[str], rechecked: Recheck | None = None) -> str:
    """The one line that stops a run whose own tests failed.

    A test that asserts on memory (``tracemalloc``), timing or
    ``sys.gettrace()`` can pass in a plain run and fail under coverage's
    tracer (more-itertools' bounded-memory test retained 2.3 MiB of
    coverage's data), and the user who sees only "1 failed" looks for a
    bug that is not there.  So the line says which failed without coverage
    too (``rechecked``: ``execution.recheck``), and which only under it;
    when they were not run again (pytest stopped early), or running them
    again gave no outcome, it says coverage was measuring.
    """
    head = "escape analysis needs a passing test suite"
    if rechecked is None or rechecked.unfinished:
        why = f" (run again without coverage: {rechecked.unfinished})" if rechecked else ""
        return (
            f"{head}: {len(failed)} failed ({_named(failed)}) while coverage measured them{why}; fix them, "
            "or deselect those that pass only without coverage (--deselect ID), then run again "
            "(nothing was scored)"
        )
    failing = list(rechecked.failing)
    # the first one's failure as the rerun saw it: under coverage it may have failed otherwise
    first = f" (the first: {rechecked.failing[failing[0]][:120]})"
    only = rechecked.coverage_only
    also = f"; {len(only)} more failed only under coverage ({_named(only)})" if only else ""
    return (
        f"{head}: {len(failing)} failed ({_named(failing)}), also when run again without coverage{first}"
        f"{also}; fix them, then run again (nothing was scored)"
    )


def coverage_only(tests: Sequence[str]) -> str:
    """The warning naming the tests that failed only under coverage
    (``execution.recheck``), and what the run did with them."""
    them = "them" if len(tests) > 1 else "it"
    return (
        f"{plural(len(tests), 'test')} failed under coverage and passed when run again without it "
        f"({_named(tests)}): coverage saw {them} only up to the failure, so the mutants ran against "
        f"{them} on those lines, and each mutant on a line no test was seen to run against up to "
        f"{UNSEEN_TESTS} such tests; the exit code is the gate's"
    )


def spawning_tests(baseline: Baseline) -> str | None:
    """The warning naming the tests that start Python processes
    (``blind_spots.BlindSpots``); None if none does."""
    order = {t: i for i, t in enumerate(baseline.tests)}
    tests = sorted(baseline.spawns, key=lambda t: order.get(t, len(order)))
    if not tests:
        return None
    return (
        f"{plural(len(tests), 'test')} start{'' if len(tests) > 1 else 's'} Python processes "
        f"({_named(tests)}; the first runs `{baseline.spawns[tests[0]]}`): coverage does not measure what "
        'such a process runs, and no mutant reaches it, so a mutant only a process runs is "no coverage"'
    )


def blind_tests(baseline: Baseline) -> str | None:
    """The warning naming the tests that change the trace or profile
    function (``blind_spots.BlindSpots``), and what the run did about
    them; None if none does.  Those that failed only under coverage, blind
    too, have ``coverage_only``'s warning."""
    order = {t: i for i, t in enumerate(baseline.tests)}
    tests = sorted(set(baseline.blind) - set(baseline.coverage_only), key=lambda t: order.get(t, len(order)))
    if not tests:
        return None
    return (
        f"{plural(len(tests), 'test')} change{'' if len(tests) > 1 else 's'} the trace or profile function "
        f"({_named(tests)}): coverage cannot see what runs while another one, or none, is set, so each "
        f"mutant on a line no test was seen to run ran against up to {UNSEEN_TESTS} tests coverage could "
        'not see through; one none of them kills keeps "no coverage"'
    )


@dataclass
class Reused:
    """What the cache spares a run, and where the run's own outcomes go."""

    cache: RunCache
    #: the jobs the worker runs (a verdict from an unfinished run rides along as ``known``)
    to_run: list[MutantJob]
    property_cache: PropertyCache
    #: the functions whose properties the worker checks
    checks: list[PropertyCheck]
    #: the property results: the cache's, then the worker's
    properties: list[PropertyResult]
    #: a test's cache key -> its nodeid
    test_keys: dict[str, str]
    facts: RunFacts


class EscapeSession:
    """One ``pytest --escape`` run, registered as a plugin for its hooks."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        #: lines shown after the report in red: why the run failed
        self.messages: list[str] = []
        #: lines shown after the report, not as errors
        self.notes: list[str] = []
        #: warnings about the targets (files left out or skipped), shown in the report
        self.target_warnings: list[str] = []
        #: what under the candidates is not mutated, and why (Results.left_out)
        self.left_out: list[LeftOut] = []
        #: the baseline's failing tests, run again without coverage (None: they were not)
        self.rechecked: Recheck | None = None
        if coverage.Coverage.current() is not None:
            # coverage.py pauses one measurement while another runs: the other
            # report (pytest-cov's) would silently miss every test.
            raise pytest.UsageError(
                "escape: another coverage measurement is running (coverage run, or a plugin that starts "
                "coverage.py); coverage.py cannot measure twice at once: run pytest --escape without it"
            )
        if (misread := misread_path(config.invocation_params.args, config.invocation_params.dir)) is not None:
            raise pytest.UsageError(f"escape: {misread}")
        try:
            self.settings = build_settings(config.rootpath, command_line(config))
        except SettingsError as e:
            raise pytest.UsageError(f"escape: {e}") from None
        self.ratchet: Ratchet | None = None
        partial = (
            "--escape-shard" if self.settings.shard else "--escape-since" if self.settings.since else None
        )
        if partial and self.settings.baseline_update:
            raise pytest.UsageError(
                f"escape: --escape-baseline-update with {partial} would write a partial baseline; "
                f"write it from a whole run (or from merged shards: pytest-escape merge)"
            )
        if partial and self.settings.baseline is not None:
            # module scores of a part of the code cannot be held to a whole run's
            self.notes.append(f"escape: the baseline {self.settings.baseline} is not applied with {partial}")
        elif self.settings.baseline is not None and not self.settings.baseline_update:
            try:
                self.ratchet = read_baseline(self.settings.baseline, self.settings.baseline_tolerance)
            except NotAResultsFile as e:
                raise pytest.UsageError(f"escape: {e}") from None
        self.changed: ChangedLines | None = None
        if self.settings.since is not None:
            try:
                self.changed = changed_lines(config.rootpath, self.settings.since)
            except SinceError as e:
                raise pytest.UsageError(f"escape: {e}") from None
        self.candidates: Candidates = find_candidates(
            config.rootpath, self.settings.paths, config.getini("python_files")
        )
        self._check_candidates()
        self.recorder = BaselineRecorder(self.candidates.files)
        self.factory = MutantFactory(
            {path: module_name_from_path(path, self.candidates.roots) for path in self.candidates.files},
            self.settings.workers,
        )
        self.seed = self.settings.seed if self.settings.seed is not None else random.randrange(10**6)
        self.sys_path = list(sys.path)
        self.started = time.monotonic()
        self.timings: dict[str, float] = {}
        self.results: Results | None = None
        self.cache_warnings: list[str] = []
        self.store, self.cache_state = self._open_store()

    def _check_candidates(self) -> None:
        """Something to mutate, or one line saying why not; test files named
        explicitly are left out with a warning (or refused, if nothing else is left)."""
        candidates, root = self.candidates, self.config.rootpath
        left_out = [(self._rel(path), why) for path, why in candidates.left_out]
        if candidates.files:
            self.target_warnings.extend(
                f"left out {name}: it is a test file ({why}); test files are never mutated"
                for name, why in left_out
            )
            return
        if left_out:
            name, why = left_out[0]
            raise pytest.UsageError(
                f"escape: {name} is a test file ({why}), and test files are never mutated; "
                "point --escape-paths (or [tool.pytest_escape] paths) at the code it tests"
            )
        if candidates.explicit:
            names = ", ".join(self._rel(p) + ("/" if p.is_dir() else "") for p in candidates.roots)
            raise pytest.UsageError(
                f"escape: no Python code to mutate in {names} (test files, conftest.py and "
                "virtual environments are left out); point --escape-paths (or [tool.pytest_escape] "
                "paths) at the code under test"
            )
        raise pytest.UsageError(
            f"escape: found no code to mutate under {root}; "
            "name it with --escape-paths PATH or [tool.pytest_escape] paths"
        )

    def _open_store(self) -> tuple[OutcomeStore | None, str]:
        """The cache, and how the header describes it."""
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return None, "no cache (pytest's cacheprovider is off)"
        if not (self.settings.cache or self.settings.clear_cache):
            return None, "no cache (--escape-no-cache)"
        try:
            store = OutcomeStore(cache.mkdir("escape"), clear=self.settings.clear_cache)
        except OSError as e:
            # an unwritable or full cache directory costs the resume, not the run
            where = getattr(cache, "_cachedir", None) or e.filename or "pytest's cache directory"
            warning = (
                f"escape: cache turned off for this run: cannot write {where} ({e.strerror or e}); "
                "make it writable, set pytest's cache_dir elsewhere, or pass --escape-no-cache"
            )
            self.notes.append(warning)
            self.cache_warnings = [warning]
            return None, "no cache (see the note below)"
        # shown even if the run stops before the mutants; kept for the results too
        self.notes.extend(store.warnings)
        self.cache_warnings = list(store.warnings)
        store.warnings.clear()
        where = self._rel(store.path)
        if not self.settings.cache:
            store.close()
            return None, f"cache {where} cleared, not used (--escape-no-cache)"
        if not store.enabled:
            return None, "no cache (see the note below)"
        return store, f"cache {where}{' (cleared)' if self.settings.clear_cache else ''}"

    # -- hooks -----------------------------------------------------------

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        return [
            header(
                self.settings,
                seed=self.seed,
                mutating=self.candidates.describe(config.rootpath),
                cache_state=self.cache_state,
                since_base=self.changed.base if self.changed is not None else None,
            ),
            *(f"escape: {line}" for line in config.stash.get(SWITCHED_OFF, [])),
        ]

    def close(self) -> None:
        self.recorder.stop()
        self.factory.close()
        if self.store is not None:
            self.store.close()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        try:
            baseline = self.recorder.finish()
            if self._recheckable(session, baseline, exitstatus):
                exitstatus = self._recheck(baseline)
            if self._baseline_usable(baseline, exitstatus):
                for warning in (blind_tests(baseline), spawning_tests(baseline)):
                    if warning is not None:
                        self.target_warnings.append(warning)
                self.timings["baseline"] = time.monotonic() - self.started
                mutated = self._mutate(baseline)
                self.timings["generate"] = time.monotonic() - self.started - self.timings["baseline"]
                session.exitstatus = self._run(mutated, baseline)
        finally:
            self.factory.close()

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.messages and not self.notes and self.results is None:
            return
        Console(self.config).summary(self.results, self.target_warnings, self.notes)

    def closing(self, exit_code: int) -> None:
        """The verdict, once pytest has printed its own last line (``Closing``)."""
        if self.messages or self.results is not None:
            Console(self.config).closing(closing_lines(self.results, self.messages, exit_code, self.ratchet))

    # -- the stages ----------------------------------------------------------

    @staticmethod
    def _recheckable(session: pytest.Session, baseline: Baseline, exitstatus: int) -> bool:
        """Whether tests failed and the rest of the suite ran, for the
        failing tests to be run again without coverage."""
        return (
            exitstatus == pytest.ExitCode.TESTS_FAILED
            and bool(baseline.failed)
            and not (session.shouldfail or session.shouldstop)  # -x, --maxfail: the rest never ran
        )

    def _recheck(self, baseline: Baseline) -> int:
        """Run the failing tests again without coverage (``execution.recheck``);
        if each passes there, go on with them and say so: the exit code the
        run goes on with."""
        failed = set(baseline.failed)
        tests = [t for t in baseline.tests if t in failed]
        if len(tests) < len(failed):
            return pytest.ExitCode.TESTS_FAILED  # a failure outside the tests (a hook's): not ours to judge
        settings = self.settings
        limits = Limits(
            settings.timeout_factor, settings.timeout_constant, baseline.durations, baseline.fixture_durations
        )
        started = time.monotonic()
        self.rechecked = recheck(self.config, tests, limits.total(tests))
        self.timings["recheck"] = round(time.monotonic() - started, 3)
        if self.rechecked.failing or self.rechecked.unfinished:
            return pytest.ExitCode.TESTS_FAILED
        self.recorder.admit(self.rechecked.coverage_only)
        self.target_warnings.append(coverage_only(self.rechecked.coverage_only))
        return pytest.ExitCode.OK

    def _baseline_usable(self, baseline: Baseline, exitstatus: int) -> bool:
        """Whether the user's own test run can be the baseline; if not, the line saying why."""
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            return False
        if baseline.failed:
            self.messages.append(failing_baseline(baseline.failed, self.rechecked))
        elif exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            self.messages.append(
                "escape: pytest collected no tests, so no mutant can be measured (nothing was scored); "
                "add tests, or check the test paths, -k and -m you gave"
            )
        elif exitstatus != pytest.ExitCode.OK:
            self.messages.append(f"escape analysis skipped: pytest exited with {int(exitstatus)}")
        else:
            return True
        return False

    def _mutate(self, baseline: Baseline) -> list[plan.Mutated]:
        """The targets the tests import, each with its mutants; everything else is left out, named."""
        mutated: list[plan.Mutated] = []
        selection = select_targets(self.candidates, baseline.test_modules())
        for path, why in (*self.candidates.skipped_dirs, *selection.dropped):
            self._leave_out(LeftOut("directory" if path.is_dir() else "file", self._rel_dir(path), why))
        for target in selection.targets:
            try:
                module = self.factory.get(target.path, target.module)
            except UnusableTarget as e:
                # one broken file must not cost the others their run
                self.target_warnings.append(f"{SKIPPED_TARGET}{self._rel(target.path)}: {e}")
                self.left_out.append(LeftOut("file", self._rel(target.path), str(e)))
                continue
            live = sys.modules.get(target.module)
            if live is not None:
                # checked on the module the tests imported; one no test imported never runs a mutant
                module = switch.switchable(module, live, read_source(target.path))
            mutated.append((target, module))
            self.left_out.extend(
                LeftOut("function", self._rel(target.path), f.reason, f.name, f.line) for f in module.skipped
            )
        self.target_warnings.extend(function_warnings(self.left_out))
        self.factory.close()  # its generator processes would sit idle, holding memory, through the mutants
        return mutated

    def _run(self, mutated: list[plan.Mutated], baseline: Baseline) -> int:
        """Plan, run the worker, assemble and deliver; the exit code."""
        settings, console = self.settings, Console(self.config)
        # decoded as Python decodes them (a coding cookie, a BOM): factory.read_source
        sources = {t.path: read_source(t.path) for t, _ in mutated}
        keys = self._key_maker(baseline)
        chosen, shard = plan.select(mutated, baseline, self.changed, settings.shard)
        planned = plan.plan_mutants(
            chosen,
            baseline,
            self._rel,
            settings.matrix,
            lambda spec, target, tests: keys.mutant_key(spec, target.path, sources[target.path], tests),
            {t.module: import_time(sources[t.path]) for t, _ in mutated},
        )
        skeleton = self._skeleton(mutated, sources, baseline, planned, shard)
        console.reach(skeleton)
        reused = self._reuse(planned, baseline, keys, {t.module: sources[t.path] for t, _ in mutated})
        if reused.to_run or reused.checks:
            report = self._execute(mutated, sources, baseline, planned.probes, reused, console)
            if (stopped := self._stopped(report, skeleton, reused)) is not None:
                return stopped
            self._keep(report, reused)
        self._cache_notes(reused)
        reused.facts.duration = time.monotonic() - self.started
        reused.facts.timings = self.timings
        self.results = assemble(
            skeleton,
            reused.cache.outcomes,
            reused.cache.witnesses,
            reused.properties,
            reused.facts,
            self._test_sources(skeleton),
        )
        delivered = deliver(
            self.results,
            settings,
            self.ratchet,
            skipped_tests=len(baseline.tests) if baseline.tests and not baseline.passed else 0,
            cached=self.store is not None,
        )
        self.notes.extend(delivered.notes)
        self.messages.extend(delivered.messages)
        return delivered.exit

    def _key_maker(self, baseline: Baseline) -> KeyMaker:
        """The cache keys of this run: what every verdict depends on besides its own code and tests."""
        return KeyMaker(
            self.config.rootpath.resolve(),
            {**plan.verdict_options(self.settings), "pytest": pytest_settings(self.config.inipath)},
            {t: str(Path(f).resolve()) for t, f in baseline.test_files.items()},
            (__version__, MUTMUT_VERSION),
        )

    def _reuse(
        self, planned: plan.MutantPlan, baseline: Baseline, keys: KeyMaker, text_of: dict[str, str]
    ) -> Reused:
        """What the cache spares this run: verdicts, excluded tests, property results."""
        settings = self.settings
        cache = RunCache(
            self.store,
            planned.keys,
            plan.witness_options(settings),
            settings.searches_witnesses,
            baseline.identities,
        )
        to_run = cache.reuse(planned.jobs)
        facts = RunFacts(from_cache=len(planned.jobs) - sum(1 for job in to_run if job.known is None))
        facts.executed = len(planned.jobs) - facts.from_cache
        test_keys = {keys.test_key(t): t for t in baseline.tests}
        if self.store is not None:
            excluded = self.store.excluded(list(test_keys))
            facts.excluded_tests = {test_keys[k]: reason for k, reason in excluded.items()}
            # a test's proof that it only confirms holds while the test, the
            # mutant it names and the rules of evidence are what they were: a
            # rerun that runs neither (every mutant from the cache) must flag
            # the same tests
            for key, (mutant_key, found) in self.store.evidence(list(test_keys)).items():
                evidence = Evidence(**found)
                known = planned.keys.get(evidence.mutant)
                if known is not None and evidence_key(known) == mutant_key:
                    facts.evidence[test_keys[key]] = evidence
        checks = (
            plan.property_checks(planned.functions, baseline.cheapest_first)
            if settings.property_budget > 0
            else []
        )
        options = plan.property_options(settings)
        property_cache = PropertyCache(
            self.store,
            {
                (c.module, c.function): keys.property_key(
                    c.module, text_of[c.module], c.function, list(c.tests), options
                )
                for c in checks
            },
        )
        checks, properties = property_cache.reuse(checks)
        return Reused(cache, to_run, property_cache, checks, properties, test_keys, facts)

    def _keep(self, report: WorkerReport, reused: Reused) -> None:
        """A finished worker's findings into the run's facts, and its outcomes into the cache."""
        facts = reused.facts
        reused.properties += [checked.result for checked in report.properties]
        facts.excluded_tests.update(report.excluded)
        facts.evidence.update(report.evidence)
        facts.warnings.extend(report.warnings)
        self.timings.update(report.phases)
        if report.missing:
            facts.warnings.append(
                f"{len(report.missing)} tests of the baseline were not collected again by the "
                f"mutation worker (first: {report.missing[0]}); their mutants use the other tests"
            )
        reused.cache.finish(job.id for job in reused.to_run)
        reused.property_cache.finish(reused.checks, report.properties)
        if self.store is not None:
            inverse = {t: k for k, t in reused.test_keys.items()}
            self.store.put_excluded(
                (inverse[t], t, reason) for t, reason in report.excluded.items() if t in inverse
            )
            self.store.put_evidence(
                (inverse[t], evidence_key(reused.cache.keys[e.mutant]), dataclasses.asdict(e))
                for t, e in report.evidence.items()
                if t in inverse and e.mutant in reused.cache.keys
            )

    def _cache_notes(self, reused: Reused) -> None:
        """What the cache said, and what it spared: notes for the user, warnings for the results."""
        facts = reused.facts
        facts.warnings.extend(self.cache_warnings)
        if self.store is None:
            return
        self.notes.extend(self.store.warnings)
        facts.warnings.extend(self.store.warnings)
        self.store.warnings.clear()
        if facts.from_cache:
            self.notes.append(
                f"escape: {plural(facts.executed, 'mutant')} run, {facts.from_cache} taken from the cache "
                "(--escape-no-cache to run them all)"
            )
        spared = len(reused.property_cache.keys) - len(reused.checks)
        if spared:
            noun = "function" if len(reused.checks) == 1 else "functions"
            self.notes.append(
                f"escape: property checks of {len(reused.checks)} {noun} run, {spared} taken from the cache"
            )

    def _skeleton(
        self,
        mutated: list[plan.Mutated],
        sources: dict[Path, str],
        baseline: Baseline,
        planned: plan.MutantPlan,
        shard: Any,
    ) -> Results:
        """The results as they stand before any verdict: what runs, on which code, with which options."""
        settings = self.settings
        targets = [t for t, _ in mutated]
        test_paths = {Path(f).resolve() for f in baseline.test_files.values()}
        return Results(
            project_root=str(self.config.rootpath),
            tool_version=__version__,
            mutmut_version=MUTMUT_VERSION,
            fail_under=settings.fail_under,
            fail_on=list(settings.fail_on),
            matrix=settings.matrix,
            thresholds=dict(settings.thresholds),
            gate_sources={key: where for key, where in settings.origins.items() if key in GATE_SETTINGS},
            files=[FileInfo(self._rel(t.path), t.module, sources[t.path]) for t in targets],
            mutants=planned.mutants,
            functions=planned.functions,
            tests=[
                TestInfo(
                    t,
                    self._rel(Path(baseline.test_files[t])),
                    baseline.durations.get(t, 0.0),
                    doctest=t in baseline.doctests,
                )
                for t in baseline.tests
            ],
            revision=revision((self._rel(p), p) for p in [*(t.path for t in targets), *test_paths]),
            options={
                **plan.verdict_options(settings),
                "paths": [self._rel(p) for p in settings.paths],
                "since": settings.since,
                "witness": plan.witness_options(settings),
            },
            shard=shard,
            since=settings.since,
            warnings=list(self.target_warnings),
            left_out=list(self.left_out),
        )

    def _stopped(self, report: WorkerReport, skeleton: Results, reused: Reused) -> EscapeExit | None:
        """The exit code of a worker run that did not finish (None: it did)."""
        if report.interrupted:
            # the worker and every child it forked are gone (runner.py); nothing
            # was written to the project
            outcomes = {**reused.cache.outcomes, **report.results}
            witnesses = {**reused.cache.witnesses, **report.witnesses}
            mutants = [
                dataclasses.replace(with_verdict(m, outcomes.get(m.id)), witness=witnesses.get(m.id))
                for m in skeleton.mutants
            ]
            this_run = {job.id for job in reused.to_run if job.known is None}
            found = [checked.result for checked in report.properties]
            self.messages.extend(
                partial_lines(
                    mutants,
                    this_run,
                    report.results,
                    self.store is not None,
                    report.stage,
                    found,
                    len(report.properties_done),
                )
            )
            # what the mutants' runs did to the project (project_files) is true of a partial run too
            self.messages.extend(f"escape: warning: {w}" for w in report.warnings)
            # the functions whose property checks finished are kept, whole, for the next run
            done = report.properties_done
            reused.property_cache.finish(
                [c for c in reused.checks if (c.module, c.function) in done],
                [p for p in report.properties if (p.result.module, p.result.function) in done],
            )
            return EscapeExit.INTERRUPTED
        if report.unreachable:
            # every verdict of this run was about code the tests never imported
            reused.cache.forget(job.id for job in reused.to_run)
            for entry in report.unreachable:
                self.messages.append(
                    f"escape: mutants do not reach module {entry.module}: {entry.test} passed "
                    "with every mutated function forced to fail; the tests import that code from "
                    "somewhere else (an installed copy, another sys.path entry?). Run with "
                    "--escape-paths pointing at the code the tests import"
                )
            return EscapeExit.MUTANTS_UNREACHABLE
        if not report.done:
            self.messages.append(
                f"escape: the mutation worker stopped unexpectedly (exit {report.returncode}); "
                f"last lines of its output:\n{report.log_tail or '(no output)'}"
            )
            return EscapeExit.INTERNAL_ERROR
        return None

    def _execute(
        self,
        mutated: list[plan.Mutated],
        sources: dict[Path, str],
        baseline: Baseline,
        probes: dict[str, tuple[str, ...]],
        reused: Reused,
        console: Console,
    ) -> WorkerReport:
        """Run the jobs the cache did not spare in the worker, then the property
        checks; every verdict is cached the moment it lands."""
        settings, cache, jobs = self.settings, reused.cache, reused.to_run
        worker_plan = plan.worker_plan(
            settings,
            args=self.config.invocation_params.args,
            sys_path=self.sys_path,
            seed=self.seed,
            root=self.config.rootpath,
            mutated=mutated,
            sources=sources,
            baseline=baseline,
            probes=probes,
            jobs=jobs,
            checks=reused.checks,
            pytest_cache=self.config.pluginmanager.has_plugin("cacheprovider"),
        )
        auto = worker_plan.memory_limit >> 20 if settings.memory_limit is None else None
        console.mutants_start(jobs, settings.workers, settings.matrix, auto)

        def on_event(event: WorkerEvent) -> None:
            if isinstance(event, VerdictReached):
                cache.verdict(event.verdict)
            elif isinstance(event, WitnessFound):
                cache.witness(event.id, event.witness)
            console.event(event)

        root, pytest_writes = self.config.rootpath, self._pytest_directories()
        before = project_files.fingerprint(root, pytest_writes)
        report = run_worker(worker_plan, self.config.invocation_params.dir, on_event)
        console.mutants_end()
        if changed := project_files.changes(before, project_files.fingerprint(root, pytest_writes)):
            report.warnings.append(project_files.describe(changed))
        return report

    # -- helpers ---------------------------------------------------------------

    def _leave_out(self, entry: LeftOut) -> None:
        """A directory or file that is not mutated: named in a warning and in the results."""
        self.left_out.append(entry)
        self.target_warnings.append(f"not mutated: {entry.describe()}")

    def _rel_dir(self, path: Path) -> str:
        return self._rel(path) + ("/" if path.is_dir() else "")

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return path.as_posix()

    def _test_sources(self, results: Results) -> dict[str, str]:
        """The text of each test file, for the oracle's smells and check lines."""
        sources: dict[str, str] = {}
        for name in {t.file for t in results.tests}:
            try:
                sources[name] = (self.config.rootpath / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # no smells for a file we cannot read; the verdicts stand
        return sources

    def _pytest_directories(self) -> list[Path]:
        """Where pytest itself writes (``--basetemp``, its cache): a test's files
        there are no change to the project."""
        invoked = self.config.invocation_params.dir
        found = []
        try:
            found.append(self.config.rootpath / str(self.config.getini("cache_dir")))
        except ValueError:
            pass  # -p no:cacheprovider: no cache_dir, and no cache
        if basetemp := self.config.option.basetemp:
            found.append(invoked / basetemp)
        return found


class Closing:
    """A plugin of one hook: the escape verdict is the last thing on screen.

    pytest prints its ``7 passed in 1.85s`` line after its
    ``pytest_sessionfinish`` wrapper yields; a ``tryfirst`` wrapper is outside
    pytest's, so what this one does after its own yield comes after that line.
    (The mutants still run in ``EscapeSession.pytest_sessionfinish``, inside.)
    """

    def __init__(self, escape: EscapeSession) -> None:
        self.escape = escape

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        try:
            return (yield)
        finally:
            self.escape.closing(int(session.exitstatus))
