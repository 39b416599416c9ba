"""One ``pytest --escape`` run: the order of the phases and what the user sees.

The phases (DESIGN.md): settings -> targets -> baseline run (the user's own
test run, with coverage per test) -> mutants -> execution in a worker ->
results -> reports -> gate.  Each phase lives in its own module; this one
only wires them together.  It is imported only when ``--escape`` is given,
so a plain ``pytest`` run never pays for libcst and mutmut.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import coverage
import pytest

from . import __version__, project_files
from .cache_keys import KeyMaker, pytest_settings
from .config import CONFIG_KEYS, SettingsError, build_settings
from .coverage_map import Baseline, BaselineRecorder
from .execution.runner import WorkerReport, run_worker
from .execution.selection import covering_tests
from .gate import SKIPPED_TARGET, EscapeExit, Ratchet, judge
from .model import (
    EXTREME,
    NO_COVERAGE,
    NOT_COVERED,
    PROPERTIES,
    FileInfo,
    FunctionResult,
    Kill,
    LeftOut,
    MutantResult,
    PropertyResult,
    Results,
    Shard,
    Tally,
    TestInfo,
    Witness,
)
from .mutation import MutantSpec, MutatedModule, switch
from .mutation.factory import MutantFactory, UnusableTarget, read_source
from .mutation.mutmut_adapter import MUTMUT_VERSION
from .oracle.verdicts import assess, unmapped_tests_warning
from .plugin import SWITCHED_OFF
from .report import NotAResultsFile, read_json, write_regression_tests, write_report
from .report.describe import function_warnings, reach_sentence
from .report.progress import Progress
from .report.terminal import styled_terminal
from .shards import assign, plan_hash, revision
from .since import ChangedLines, SinceError, changed_lines
from .store import OutcomeStore, PropertyCache, RunCache
from .targets import Candidates, Target, find_candidates, module_name_from_path, select_targets

IMPORT_ONLY = (
    "no test calls it: its body runs only at import (a decorator or factory), "
    "so no mutant of it can be switched on in a test"
)
#: forced-failure probes per module: one test may swallow every exception
PROBES_PER_MODULE = 3
# Appended to the user's arguments for the worker (later options win):
# - the worker imports this package before pytest starts, so pytest cannot
#   assertion-rewrite it; under ``filterwarnings = error`` that warning is fatal;
# - pytest's long tracebacks read and parse the source of every frame: 85 % of a
#   killed mutant's time on isodate.  We keep only the first line.
# - the worker keeps pytest's cacheprovider (the project's addopts may hold its
#   options: ``--cache-clear``, ``--lf``, ``--ff``), pointed at a scratch
#   directory of its own (``worker.main``), so it neither reads nor writes
#   the project's cache; with ``-p no:cacheprovider`` on the command line,
#   that ``cache_dir`` is an unknown option, which warns (fatal under
#   ``filterwarnings = error``); any other unknown option has already warned
#   in the main process.
WORKER_ARGS = [
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
    "-W",
    "ignore:Unknown config option:pytest.PytestConfigWarning",
    "--tb=native",
]


def _properties(found: list[dict[str, Any]], functions: list[FunctionResult]) -> list[PropertyResult]:
    """The worker's property results, placed in their functions' files."""
    where = {(f.module, f.name): f for f in functions}
    results = []
    for fields in found:
        function = where[(fields["module"], fields["function"])]
        fields = {k: v for k, v in fields.items() if k != "retry"}  # the cache's concern
        results.append(PropertyResult(file=function.file, line=function.line, **fields))
    order = {p: i for i, p in enumerate(PROPERTIES)}
    return sorted(results, key=lambda r: (r.module, r.line, r.function, order.get(r.property, 99)))


def _test_docstring(mutant: MutantResult) -> str:
    old, new = mutant.diff_lines()
    return (
        f"Kills mutant {mutant.id} ({mutant.file}:{mutant.line}, {mutant.operator}):\n"
        f"    - {old}\n    + {new}\n    "
    )


def _function(
    spec: MutantSpec, file: str, target: Target, baseline: Baseline, order: dict[str, int]
) -> FunctionResult:
    """A function's record, covered by the tests that executed any line of its body
    (its extreme mutant, if it has one, narrows that to its first statement)."""
    body = range(spec.function_span.start_line + 1, spec.function_span.end_line + 1)
    return FunctionResult(
        module=spec.module,
        file=file,
        name=spec.function,
        line=spec.function_span.start_line,
        label=NOT_COVERED,
        covered_by=sorted(baseline.tests_on_lines(target.path, body), key=order.__getitem__),
    )


def _apply(mutant: MutantResult, outcome: dict[str, Any]) -> None:
    """A verdict from the worker or the cache (the same fields) onto its mutant."""
    mutant.status = outcome["status"]
    mutant.killed_by = outcome.get("killed_by")
    mutant.status_reason = outcome.get("reason")
    mutant.tests_run = outcome.get("tests_run", 0)
    mutant.duration = outcome.get("duration", 0.0)
    mutant.kills = [Kill(k["test"], k.get("exception"), k.get("line")) for k in outcome.get("kills", ())]
    mutant.passed_by = list(outcome.get("passed", ()))
    if outcome.get("witness"):
        mutant.witness = Witness(**outcome["witness"])


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
        if coverage.Coverage.current() is not None:
            # coverage.py pauses one measurement while another runs: the other
            # report (pytest-cov's) would silently miss every test.
            raise pytest.UsageError(
                "escape: another coverage measurement is running (coverage run, or a plugin that starts "
                "coverage.py); coverage.py cannot measure twice at once: run pytest --escape without it"
            )
        # every config key has its option: --escape-<key with dashes>
        cli = {key: config.getoption(f"escape_{key}") for key in CONFIG_KEYS}
        for key in ("baseline_update", "clear_cache", "since", "shard"):
            cli[key] = config.getoption(f"escape_{key}")
        try:
            self.settings = build_settings(config.rootpath, cli)
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
            # read now: a broken baseline must stop the run before the tests, not after the mutants
            try:
                saved = read_json(self.settings.baseline)
            except NotAResultsFile as e:
                raise pytest.UsageError(
                    f"escape: --escape-baseline: {e}; write a new one with --escape-baseline-update"
                ) from None
            self.ratchet = Ratchet(saved, self.settings.baseline, self.settings.baseline_tolerance)
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
        s = self.settings
        witnesses = (
            f"witness search {s.witness_budget:g} s, {s.examples} examples, --escape-seed {self.seed}"
            if s.witness_budget > 0
            else "no witness search"
        )
        properties = (
            f"property checks {s.property_budget:g} s" if s.property_budget > 0 else "no property checks"
        )
        gate = ""
        if s.since is not None and self.changed is not None:
            gate += f"; only lines changed since {s.since} ({self.changed.base[:10]})"
        if s.shard is not None:
            gate += f"; shard {s.shard[0]}/{s.shard[1]}"
        if s.baseline_update:
            gate += f"; writing the baseline {s.baseline}"
        elif s.baseline is not None:
            gate += f"; ratchet against {s.baseline} (tolerance {s.baseline_tolerance:g})"
        memory = f"{s.memory_limit} MiB each" if s.memory_limit else "no memory limit"
        return [
            f"escape: mutating {self.candidates.describe(config.rootpath)}; "
            f"{s.workers} workers, timeout {s.timeout_factor:g}x + {s.timeout_constant:g} s, "
            f"{memory}; "
            f"{witnesses}; {properties}; {self.cache_state}{gate}",
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
            self._finish(session, exitstatus)
        finally:
            self.factory.close()

    def _finish(self, session: pytest.Session, exitstatus: int) -> None:
        baseline = self.recorder.finish()
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            return
        if baseline.failed:
            self.messages.append(
                f"escape analysis needs a passing test suite: {len(baseline.failed)} failed; "
                "fix or deselect them, then run again (nothing was scored)"
            )
            return
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            self.messages.append(
                "escape: pytest collected no tests, so no mutant can be measured (nothing was scored); "
                "add tests, or check the test paths, -k and -m you gave"
            )
            return
        if exitstatus != pytest.ExitCode.OK:
            self.messages.append(f"escape analysis skipped: pytest exited with {int(exitstatus)}")
            return
        test_files = baseline.test_modules()
        self.timings["baseline"] = time.monotonic() - self.started
        targets: list[Target] = []
        mutated: list[MutatedModule] = []
        selection = select_targets(self.candidates, test_files)
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
            if live is not None and any(f.switch for f in module.functions):
                # checked on the module the tests imported; one no test imported never runs a mutant
                module = switch.switchable(module, live, read_source(target.path))
            mutated.append(module)
            targets.append(target)
            self.left_out.extend(
                LeftOut("function", self._rel(target.path), f.reason, f.name, f.line) for f in module.skipped
            )
        self.target_warnings.extend(function_warnings(self.left_out))
        self.timings["generate"] = time.monotonic() - self.started - self.timings["baseline"]
        self.factory.close()  # its generator processes would sit idle, holding memory, through the mutants
        session.exitstatus = self._run_mutants(targets, mutated, baseline)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.messages and not self.notes and self.results is None:
            return
        terminalreporter.write_sep("=", "escape: mutation testing")
        if self.results is not None:
            for line in styled_terminal(self.results, self.config.get_verbosity()):
                for text, style in line:
                    terminalreporter.write(text, **({style: True} if style else {}))
                terminalreporter.write("\n")
        else:
            # no report to carry them (the run stopped before the results)
            for warning in self.target_warnings:
                terminalreporter.write_line(f"warning: {warning}", yellow=True)
        for note in self.notes:
            terminalreporter.write_line(note)
        for message in self.messages:
            terminalreporter.write_line(message, bold=True, red=True)

    # -- phases ------------------------------------------------------------

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

    def _run_mutants(
        self,
        targets: list[Target],
        mutated: list[MutatedModule],
        baseline: Baseline,
    ) -> int:
        settings = self.settings
        test_paths = {Path(f).resolve() for f in baseline.test_files.values()}
        results = Results(
            project_root=str(self.config.rootpath),
            tool_version=__version__,
            mutmut_version=MUTMUT_VERSION,
            fail_under=settings.fail_under,
            fail_on=list(settings.fail_on),
            matrix=settings.matrix,
            thresholds=dict(settings.thresholds),
            # decoded as Python decodes them (a coding cookie, a BOM): factory.read_source
            files=[FileInfo(self._rel(t.path), t.module, read_source(t.path)) for t in targets],
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
                **self._verdict_options(),
                "paths": [self._rel(p) for p in settings.paths],
                "since": settings.since,
                "witness": self._witness_options(),
            },
            since=settings.since,
            warnings=list(self.target_warnings),
            left_out=list(self.left_out),
        )
        sources = {t.path: f.source for t, f in zip(targets, results.files, strict=True)}
        keys = KeyMaker(
            self.config.rootpath.resolve(),
            {**self._verdict_options(), "pytest": pytest_settings(self.config.inipath)},
            {t: str(Path(f).resolve()) for t, f in baseline.test_files.items()},
            (__version__, MUTMUT_VERSION),
        )
        specs = self._selected(targets, mutated, baseline, results)
        mutants: dict[str, MutantResult] = {}
        functions: dict[tuple[str, str], FunctionResult] = {}
        jobs: list[dict[str, Any]] = []
        #: mutant id -> its cache key (mutants that run against tests)
        key_of: dict[str, str] = {}
        probes: dict[str, list[str]] = {}
        order = {t: i for i, t in enumerate(baseline.tests)}
        for target, module_specs in specs:
            module_tests: set[str] = set()
            for spec in module_specs:
                tests = covering_tests(spec, target.path, baseline)
                extreme = spec.operator == EXTREME
                result = mutants[spec.id] = self._mutant(spec, target, tests)
                key = (spec.module, spec.function)
                if key not in functions:
                    functions[key] = _function(spec, result.file, target, baseline, order)
                if extreme:
                    # the function runs under a test only if its first statement
                    # does: a decorator's nested wrapper runs in tests, its own
                    # body only at import, where no mutant can be switched on
                    function = functions[key]
                    function.extreme = result
                    if not tests and function.covered_by:
                        result.status_reason = IMPORT_ONLY
                    function.covered_by = tests
                if tests:
                    key_of[spec.id] = keys.mutant_key(spec, target.path, sources[target.path], tests)
                    jobs.append(
                        {
                            "id": spec.id,
                            "tests": tests,
                            "module": spec.module,
                            "function": spec.function,
                            # where the mutated statement sits in the function's code
                            "offset": spec.statement.start_line - spec.function_first_line,
                            "in_signature": spec.in_signature,
                            "doc": _test_docstring(result),
                            # every covering test gets a verdict on it, not only the first to fail
                            "all": extreme or settings.matrix,
                            "extreme": extreme,
                        }
                    )
                    module_tests.update(tests)
                elif not result.status_reason:
                    result.status_reason = f"no test executes line {spec.statement.start_line}"
            if module_tests:
                probes[target.module] = sorted(module_tests, key=lambda t: baseline.durations.get(t, 0.0))[
                    :PROBES_PER_MODULE
                ]
        results.mutants = [m for m in mutants.values() if m.operator != EXTREME]
        results.functions = list(functions.values())
        self.results = results
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            if self.config.get_verbosity() >= 0:
                # after the baseline: the first moment the code under test is known
                reporter.write_line(f"escape: {reach_sentence(results)}")
        cache = RunCache(
            self.store, key_of, self._witness_options(), settings.witness_budget > 0, baseline.identities
        )
        to_run = cache.reuse(jobs)
        for mutant_id, outcome in cache.outcomes.items():
            _apply(mutants[mutant_id], outcome)
        results.from_cache = len(jobs) - sum(1 for job in to_run if "known" not in job)
        results.executed = len(jobs) - results.from_cache
        test_keys = {keys.test_key(t): t for t in baseline.tests}
        if self.store is not None:
            excluded = self.store.excluded(list(test_keys))
            results.excluded_tests = {test_keys[k]: reason for k, reason in excluded.items()}
        checks = self._property_checks(results.functions, baseline)
        text_of = {t.module: sources[t.path] for t in targets}
        property_cache = PropertyCache(
            self.store,
            {
                (c["module"], c["function"]): keys.property_key(
                    c["module"], text_of[c["module"]], c["function"], c["tests"], self._property_options()
                )
                for c in checks
            },
        )
        checks, properties = property_cache.reuse(checks)
        properties_from_cache = len(property_cache.keys) - len(checks)
        if to_run or checks:
            report = self._execute(targets, mutated, baseline, to_run, probes, cache, checks)
            if report.interrupted:
                self.results = None
                self.messages.extend(self._partial(results, mutants, report, to_run))
                return EscapeExit.INTERRUPTED
            if report.unreachable:
                self.results = None
                # every verdict of this run was about code the tests never imported
                cache.forget(job["id"] for job in to_run)
                for entry in report.unreachable:
                    self.messages.append(
                        f"escape: mutants do not reach module {entry['module']}: {entry['test']} passed "
                        "with every mutated function forced to fail; the tests import that code from "
                        "somewhere else (an installed copy, another sys.path entry?). Run with "
                        "--escape-paths pointing at the code the tests import"
                    )
                return EscapeExit.MUTANTS_UNREACHABLE
            if not report.done:
                self.results = None
                self.messages.append(
                    f"escape: the mutation worker stopped unexpectedly (exit {report.returncode}); "
                    f"last lines of its output:\n{report.log_tail or '(no output)'}"
                )
                return EscapeExit.INTERNAL_ERROR
            for mutant_id, outcome in report.results.items():
                _apply(mutants[mutant_id], outcome)
            for mutant_id, finding in report.witnesses.items():
                # the worker sends the fields of a Witness
                mutants[mutant_id].witness = Witness(**finding)
            properties += report.properties
            results.excluded_tests.update(report.excluded)
            results.warnings.extend(report.warnings)
            self.timings.update(report.phases)
            if report.missing:
                results.warnings.append(
                    f"{len(report.missing)} tests of the baseline were not collected again by the "
                    f"mutation worker (first: {report.missing[0]}); their mutants use the other tests"
                )
            cache.finish(job["id"] for job in to_run)
            property_cache.finish(checks, report.properties)
            if self.store is not None:
                inverse = {t: k for k, t in test_keys.items()}
                self.store.put_excluded(
                    (inverse[t], t, reason) for t, reason in report.excluded.items() if t in inverse
                )
        results.properties = _properties(properties, results.functions)
        results.warnings.extend(self.cache_warnings)
        if self.store is not None:
            self.notes.extend(self.store.warnings)
            results.warnings.extend(self.store.warnings)
            self.store.warnings.clear()
            if results.from_cache:
                self.notes.append(
                    f"escape: {results.executed} mutants run, {results.from_cache} taken from the cache "
                    "(--escape-no-cache to run them all)"
                )
            if properties_from_cache:
                noun = "function" if len(checks) == 1 else "functions"
                self.notes.append(
                    f"escape: property checks of {len(checks)} {noun} run, {properties_from_cache} "
                    "taken from the cache"
                )
        assess(results, self._test_sources(results))
        # a shard runs some of the functions: its merge names the tests that run none
        if results.shard is None and (unmapped := unmapped_tests_warning(results)) is not None:
            results.warnings.append(unmapped)
        results.duration = time.monotonic() - self.started
        results.timings = {k: round(v, 3) for k, v in self.timings.items()}
        if settings.write_tests is not None:
            try:
                count = write_regression_tests(results, settings.write_tests)
            except OSError as e:
                self.messages.append(f"escape: cannot write {settings.write_tests}: {e.strerror}")
                return EscapeExit.USAGE_ERROR
            self.notes.append(f"escape: wrote {count} verified regression tests to {settings.write_tests}")
        files = [(r.format, r.path, r.append) for r in settings.reports if r.path is not None]
        ratchet = self.ratchet
        if settings.baseline_update and settings.baseline is not None:
            # the run is the new baseline, so it is judged against itself: only new-code rules can fail
            ratchet = Ratchet(results, settings.baseline, settings.baseline_tolerance)
            if results.tally().score is None:
                self.notes.append(f"escape: {settings.baseline} not written: no mutant was measured")
            else:
                files.append(("json", settings.baseline, False))
        unwritten = []
        for fmt, path, append in files:
            try:
                write_report(results, fmt, path, append)
            except OSError as e:
                # the other files are still written: one full disk or bad path loses one report
                unwritten.append(f"escape: cannot write {path}: {e.strerror or e}")
                continue
            if path == settings.baseline and settings.baseline_update:
                self.notes.append(f"escape: wrote the new baseline to {path}")
        if unwritten:
            quick = ", and the cached verdicts make the rerun quick" if self.store else ""
            self.messages.extend(unwritten)
            self.messages.append(
                "escape: free the space or fix the path and run again "
                f"(the terminal report above is complete{quick})"
            )
            return EscapeExit.USAGE_ERROR
        if results.shard is not None:
            self.notes.append(
                f"escape: shard {results.shard.index}/{results.shard.count} is part of a run, so it is "
                "not gated: merge the shards' JSON reports (pytest-escape merge A.json B.json ... "
                "-o merged.json), then gate that (pytest-escape report merged.json --gate)"
            )
            return EscapeExit.OK
        if self.changed is not None and not results.all_mutants():
            self.notes.append(
                f"escape: no code to mutate on the lines changed since {settings.since}: nothing to judge"
            )
            return EscapeExit.OK
        verdict = judge(results, ratchet)
        message = verdict.message
        if verdict.exit == EscapeExit.NO_MUTANTS_MEASURED and baseline.tests and not baseline.passed:
            # the generic line would ask for tests that execute the targets: they exist, but none ran
            count = len(baseline.tests)
            who, them = ("the only test was", "it") if count == 1 else (f"all {count} tests were", "them")
            message = (
                f"escape: no mutants measured: {who} skipped (or xfailed), so no test ran against "
                f"the code: there is no score to gate on; make {them} run (check the skip and xfail "
                "markers and their conditions)"
            )
        if message:
            self.messages.append(message)
        return verdict.exit

    def _partial(
        self,
        results: Results,
        mutants: dict[str, MutantResult],
        report: WorkerReport,
        to_run: list[dict[str, Any]],
    ) -> list[str]:
        """What a Ctrl-C'd run found: the verdicts that landed, per module.

        The worker and every child it forked are gone (runner.py), and nothing
        was written to the project.  A partial score is shown but not gated,
        and no report file is written: a file is what CI reads as the run.
        Self-checks and second chances may still have changed these verdicts.
        """
        for mutant_id, outcome in report.results.items():
            _apply(mutants[mutant_id], outcome)
        this_run = {job["id"] for job in to_run if "known" not in job}
        pending = this_run - report.results.keys()
        # regular mutants only: extreme ones are not in a score
        fresh = [m for m in results.mutants if m.id in this_run]
        finished = [m for m in results.mutants if m.id not in pending]
        lines = [
            f"escape: interrupted during the mutation phase: {sum(m.id not in pending for m in fresh)} of "
            f"{len(fresh)} mutants finished; nothing was gated, no report file was written, and "
            "pytest-escape changed no source file"
            + ("; the finished mutants are cached for the next run" if self.store else "")
        ]
        for module in sorted({m.module for m in finished}):
            tally = Tally.of(m for m in finished if m.module == module)
            score = "no score" if tally.score is None else f"partial score {tally.score:.1f}%"
            left = sum(1 for m in fresh if m.module == module and m.id in pending)
            lines.append(
                f"escape:   {module}: {tally.killed} killed, {tally.survived} survived, "
                f"{tally.timeout} timeout, {tally.error} error; {score} ({left} not run)"
            )
        # what the mutants' runs did to the project (project_files) is true of a partial run too
        return lines + [f"escape: warning: {w}" for w in report.warnings]

    def _property_checks(self, functions: list[FunctionResult], baseline: Baseline) -> list[dict[str, Any]]:
        """The functions whose properties the worker checks, with the tests that run them
        (fastest first: they record the arguments a function is called with)."""
        if self.settings.property_budget <= 0:
            return []
        durations = baseline.durations
        siblings: dict[str, list[str]] = {}
        for f in functions:
            siblings.setdefault(f.module, []).append(f.name)
        return [
            {
                "module": f.module,
                "function": f.name,
                "tests": sorted(f.covered_by, key=lambda t: durations.get(t, 0.0)),
                "siblings": siblings[f.module],
            }
            for f in sorted(functions, key=lambda f: (f.module, f.line))
        ]

    def _verdict_options(self) -> dict[str, Any]:
        """The options a mutant's verdict depends on (the witness search's are apart)."""
        s = self.settings
        return {
            "timeout_factor": s.timeout_factor,
            "timeout_constant": s.timeout_constant,
            "memory_limit": s.memory_limit,
            "matrix": s.matrix,
        }

    def _property_options(self) -> str:
        """The options a function's property results depend on (not the seed:
        a run without --escape-seed would never find its results again)."""
        s = self.settings
        return json.dumps(
            [s.property_budget, s.examples, s.call_timeout, s.properties], sort_keys=True, default=str
        )

    def _witness_options(self) -> str:
        s = self.settings
        return json.dumps([s.witness_budget, s.examples, s.witness_backend])

    def _selected(
        self, targets: list[Target], mutated: list[MutatedModule], baseline: Baseline, results: Results
    ) -> list[tuple[Target, list[MutantSpec]]]:
        """Each target's mutants this run is about: lines changed since ``--escape-since``,
        the functions of ``--escape-shard``."""
        chosen = []
        for target, module in zip(targets, mutated, strict=True):
            specs = list(module.mutants)
            if self.changed is not None:
                changed = self.changed
                # an extreme mutant is about its whole function, a regular one about its own span
                specs = [
                    spec
                    for spec in specs
                    if changed.touches(
                        target.path,
                        spec.function_first_line if spec.operator == EXTREME else spec.span.start_line,
                        spec.function_span.end_line if spec.operator == EXTREME else spec.span.end_line,
                    )
                ]
            chosen.append((target, specs))
        if self.settings.shard is None:
            return chosen
        index, count = self.settings.shard
        # A shard's share must come out the same on every machine, so the cost
        # is counted, not timed: a mutant's covering tests are what it runs at
        # most (a survivor); measured durations differ from machine to machine.
        costs: dict[str, float] = {}
        for target, specs in chosen:
            for spec in specs:
                unit = f"{spec.module}.{spec.function}"
                costs[unit] = costs.get(unit, 0.0) + 1 + len(covering_tests(spec, target.path, baseline))
        shard_of = assign(costs, count)
        results.shard = Shard(index, count, plan_hash(spec.id for _, specs in chosen for spec in specs))
        return [
            (target, [spec for spec in specs if shard_of[f"{spec.module}.{spec.function}"] == index])
            for target, specs in chosen
        ]

    def _mutant(self, spec: MutantSpec, target: Target, tests: list[str]) -> MutantResult:
        return MutantResult(
            id=spec.id,
            module=spec.module,
            file=self._rel(target.path),
            function=spec.function,
            operator=spec.operator,
            line=spec.span.start_line,
            column=spec.span.start_col,
            end_line=spec.span.end_line,
            end_column=spec.span.end_col,
            original=spec.original,
            replacement=spec.replacement,
            before=list(spec.before),
            after=list(spec.after),
            status=NO_COVERAGE,
            covered_by=tests,
        )

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

    def _execute(
        self,
        targets: list[Target],
        mutated: list[MutatedModule],
        baseline: Baseline,
        jobs: list[dict[str, Any]],
        probes: dict[str, list[str]],
        cache: RunCache,
        checks: list[dict[str, Any]],
    ) -> WorkerReport:
        """Run ``jobs`` in the worker, then the property ``checks``; every verdict is
        cached the moment it lands."""
        settings = self.settings
        plan = {
            "args": list(self.config.invocation_params.args) + WORKER_ARGS,
            "sys_path": self.sys_path,
            "modules": {
                m.module: [
                    str(t.path),
                    m.code,
                    [f.as_json() for f in m.functions],
                    # switched (decorated) functions' copies compile inside the original text
                    read_source(t.path) if any(f.switch for f in m.functions) else "",
                    list(m.line_map),
                ]
                for t, m in zip(targets, mutated, strict=True)
                if m.mutants
            },
            "workers": settings.workers,
            "timeout_factor": settings.timeout_factor,
            "timeout_constant": settings.timeout_constant,
            "memory_limit": settings.memory_limit << 20,
            "tests": baseline.tests,
            "identities": baseline.identities,
            "durations": baseline.durations,
            "probes": probes,
            "jobs": jobs,
            "witness": {
                "budget": settings.witness_budget,
                "examples": settings.examples,
                "seed": self.seed,
                "call_timeout": settings.call_timeout,
                "backend": settings.witness_backend,
            },
            "properties": {
                "budget": settings.property_budget,
                "examples": settings.examples,
                "seed": self.seed,
                "call_timeout": settings.call_timeout,
                "root": str(self.config.rootpath.resolve()),
                "config": settings.properties,
                "functions": checks,
            },
        }
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        # Rewriting one line only makes sense on a terminal; a CI log (even one
        # with colour forced on) gets a line every ten seconds instead.
        live = reporter is not None and sys.stdout.isatty()

        def write(line: str) -> None:
            if reporter is None:
                return
            if live:
                reporter.rewrite(line, erase=True)
            else:
                reporter.write_line(line)

        fresh = [job for job in jobs if "known" not in job]
        if reporter is not None and jobs:
            extremes = sum(1 for job in fresh if job["extreme"])
            resumed = len(jobs) - len(fresh)
            reporter.write_line(
                f"escape: running {len(fresh) - extremes} mutants and {extremes} extreme mutants "
                f"(one per function) against their covering tests ({settings.workers} workers"
                f"{', full kill matrix' if settings.matrix else ''})"
                + (f"; {resumed} verdicts resumed from the cache" if resumed else "")
            )
        progress = Progress(len(fresh), live, write)

        def on_event(kind: str, event: dict[str, Any]) -> None:
            if kind in ("result", "rerun"):
                if kind == "result":
                    progress.update(event["status"])
                cache.verdict(event)
            elif kind == "witness":
                cache.witness(event["id"], event["finding"])
            elif kind == "witnesses":
                stage_line(f"searching counter-examples for {event['survivors']} surviving mutants", event)
            elif kind == "properties":
                stage_line(f"checking properties of {event['functions']} functions", event)

        def stage_line(what: str, event: dict[str, Any]) -> None:
            """A stage after the mutants starts: one line, under the finished progress line."""
            if reporter is None:
                return
            if live:
                reporter.write_line("")
            reporter.write_line(f"escape: {what} (budget {event['budget']:g} s)")

        root, pytest_writes = self.config.rootpath, self._pytest_directories()
        before = project_files.fingerprint(root, pytest_writes)
        report = run_worker(plan, self.config.invocation_params.dir, on_event)
        if live and reporter is not None:
            reporter.write_line("")
        if changed := project_files.changes(before, project_files.fingerprint(root, pytest_writes)):
            report.warnings.append(project_files.describe(changed))
        return report
