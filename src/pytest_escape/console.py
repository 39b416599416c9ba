"""What ``pytest --escape`` prints while it runs: one small object over pytest's
terminal reporter, in the manner of pytest-xdist's ``TerminalDistReporter``.

The header, the reach sentence after the baseline, the line that starts the
mutants, the progress line, a line per budgeted stage, and the summary after
the tests (or the partial one after Ctrl-C).  The words come from pure
functions below, which unit tests read without a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest

from .config import AUTO_WITNESS_CEILING, AUTO_WITNESS_FLOOR, Settings
from .execution.protocol import MutantJob, Stage, StageStarted, Verdict, VerdictReached, WorkerEvent
from .gate import Ratchet, describe_gate, exit_line, passed_line
from .model import VIOLATED, WITNESSED, MutantResult, PropertyResult, Results, Tally
from .report.describe import mutant_place, reach_sentence, witness_sentence
from .report.progress import Progress
from .report.terminal import styled_terminal
from .wording import percent, plural

STAGE_WORDS = {
    Stage.WITNESSES: "searching counter-examples for {count}",
    Stage.PROPERTIES: "checking properties of {count}",
}


def budget_words(budget: float | None) -> str:
    """``60 s``, or the automatic budget's range (``auto, 60-600 s``)."""
    if budget is None:
        return f"auto, {AUTO_WITNESS_FLOOR:g}-{AUTO_WITNESS_CEILING:g} s"
    return f"{budget:g} s"


def header(settings: Settings, *, seed: int, mutating: str, cache_state: str, since_base: str | None) -> str:
    """The line ``pytest_report_header`` shows: what this run does, with which options."""
    s = settings
    witnesses = (
        f"witness search {budget_words(s.witness_budget)}, {s.examples} examples, --escape-seed {seed}"
        if s.searches_witnesses
        else "no witness search"
    )
    properties = f"property checks {s.property_budget:g} s" if s.property_budget > 0 else "no property checks"
    held = describe_gate(s.fail_under, s.thresholds, s.fail_on, s.origins)
    gate = f"; gate: {held}" if held else "; no gate"
    if s.since is not None and since_base is not None:
        gate += f"; only lines changed since {s.since} ({since_base[:10]})"
    if s.shard is not None:
        gate += f"; shard {s.shard[0]}/{s.shard[1]}"
    if s.baseline_update:
        gate += f"; writing the baseline {s.baseline}"
    elif s.baseline is not None:
        gate += f"; ratchet against {s.baseline} (tolerance {s.baseline_tolerance:g})"
    if s.memory_limit is None:
        memory = "memory limit auto"
    else:
        memory = f"{s.memory_limit} MiB each" if s.memory_limit else "no memory limit"
    return (
        f"escape: mutating {mutating}; "
        f"{s.workers} workers, timeout {s.timeout_factor:g}x + {s.timeout_constant:g} s, "
        f"{memory}; "
        f"{witnesses}; {properties}; {cache_state}{gate}"
    )


def closing_lines(
    results: Results | None, messages: Sequence[str], exit_code: int, ratchet: Ratchet | None
) -> list[tuple[str, str | None]]:
    """The last lines of an escape run, after pytest's own summary: why it failed
    (in red) and its exit code with that code's meaning, or the score and the
    gate it passed (in green).  Nothing when the run reached no verdict to tell."""
    if exit_code != 0:
        return [*((m, "red") for m in messages), (exit_line(exit_code), "red")]
    shown: list[tuple[str, str | None]] = [(m, "red") for m in messages]
    if results is not None:
        said = passed_line(results, ratchet)
        shown.append((said, "green" if said.startswith("escape: passed") else None))
    return shown


def starting_line(
    jobs: Sequence[MutantJob], workers: int, matrix: bool, auto_memory: int | None = None
) -> str:
    """The line before the mutants run: how many, of which kind, and what the
    cache resumed; the automatic memory limit, known only after the baseline."""
    fresh = [job for job in jobs if job.known is None]
    extremes = sum(1 for job in fresh if job.extreme)
    resumed = len(jobs) - len(fresh)
    return (
        f"escape: running {plural(len(fresh) - extremes, 'mutant')} and "
        f"{plural(extremes, 'extreme mutant')} (one or two per function, counted apart: not in the "
        f"score) against their covering tests ({plural(workers, 'worker')}"
        f"{f', {auto_memory} MiB each (auto)' if auto_memory else ''}"
        f"{', full kill matrix' if matrix else ''})"
        + (f"; {plural(resumed, 'verdict')} resumed from the cache" if resumed else "")
    )


#: what a Ctrl-C'd run says it was doing, by the stage it was in
PHASE_WORDS = {
    None: "the mutation phase",
    Stage.WITNESSES: "the counter-example search",
    Stage.PROPERTIES: "the property checks",
}


def partial_lines(
    mutants: Sequence[MutantResult],
    this_run: set[str],
    landed: Mapping[str, Verdict],
    cached: bool,
    stage: Stage | None = None,
    properties: Sequence[PropertyResult] = (),
    checked_functions: int = 0,
) -> list[str]:
    """What a Ctrl-C'd run says: the phase it stopped in, the verdicts that
    landed per module, the counter-examples and property violations found.

    ``mutants``: the regular mutants with every verdict known (from the cache
    or this run) and the witnesses found so far; ``this_run``: the ids the
    worker was to run.  A partial score is shown but not gated, and no
    report file is written: a file is what CI reads as the run.
    """
    pending = this_run - landed.keys()
    fresh = [m for m in mutants if m.id in this_run]
    finished = [m for m in mutants if m.id not in pending]
    witnessed = [m for m in finished if m.witness is not None and m.witness.verdict == WITNESSED]
    kept = "; the finished mutants" + (" and the counter-examples found" if witnessed else "")
    if checked_functions:
        kept += f", and the property checks of {plural(checked_functions, 'finished function')},"
    lines = [
        f"escape: interrupted during {PHASE_WORDS[stage]}: {sum(m.id not in pending for m in fresh)} of "
        f"{plural(len(fresh), 'mutant')} finished; nothing was gated, no report file was written, and "
        "pytest-escape changed no source file" + (f"{kept} are cached for the next run" if cached else "")
    ]
    for module in sorted({m.module for m in finished}):
        tally = Tally.of(m for m in finished if m.module == module)
        score = "no score" if tally.score is None else f"partial score {percent(tally.score)}"
        left = sum(1 for m in fresh if m.module == module and m.id in pending)
        lines.append(
            f"escape:   {module}: {tally.killed} killed, {tally.survived} survived, "
            f"{tally.timeout} timeout, {tally.error} error; {score} ({left} not run)"
        )
    if witnessed:
        lines.append(f"escape: counter-examples found before the interrupt ({len(witnessed)}):")
        lines.extend(
            f"escape:   {mutant_place(m)}: {witness_sentence(m.witness)}" for m in witnessed if m.witness
        )
    violated = [p for p in properties if p.outcome == VIOLATED]
    if violated:
        lines.append(f"escape: property violations found before the interrupt ({len(violated)}):")
        lines.extend(
            f"escape:   {p.property} of {p.module}.{p.function}: {p.input}: {p.observed}" for p in violated
        )
    return lines


class Console:
    """pytest --escape's lines on the terminal (nothing, if pytest has no terminal reporter)."""

    def __init__(self, config: pytest.Config) -> None:
        self.reporter: Any = config.pluginmanager.get_plugin("terminalreporter")
        self.verbosity = config.get_verbosity()
        # Rewriting one line only makes sense on a terminal; a CI log (even one
        # with colour forced on) gets a line every ten seconds instead.
        self.live = self.reporter is not None and sys.stdout.isatty()
        self.progress: Progress | None = None
        self._extreme_ids: set[str] = set()

    def line(self, text: str, **style: bool) -> None:
        if self.reporter is not None:
            self.reporter.write_line(text, **style)

    def reach(self, results: Results) -> None:
        """After the baseline: the first moment the code under test is known."""
        self.line("")
        if self.verbosity >= 0:
            self.line(f"escape: {reach_sentence(results)}")

    def mutants_start(
        self, jobs: Sequence[MutantJob], workers: int, matrix: bool, auto_memory: int | None = None
    ) -> None:
        if jobs:
            self.line(starting_line(jobs, workers, matrix, auto_memory))
        fresh = [job for job in jobs if job.known is None]
        self._extreme_ids = {job.id for job in fresh if job.extreme}
        self.progress = Progress(
            len(fresh), self.live, self._progress, workers=workers, extremes=len(self._extreme_ids)
        )

    def _progress(self, text: str) -> None:
        if self.reporter is None:
            return
        if self.live:
            self.reporter.rewrite(text, erase=True)
        else:
            self.reporter.write_line(text)

    def event(self, event: WorkerEvent) -> None:
        """One event from the worker: a verdict moves the progress line, a stage gets its line."""
        if isinstance(event, VerdictReached) and not event.rerun and self.progress is not None:
            verdict = event.verdict
            self.progress.update(verdict.status, verdict.duration, verdict.id in self._extreme_ids)
        elif isinstance(event, StageStarted) and self.reporter is not None:
            # a stage after the mutants starts: one line, under the finished progress line
            if self.live:
                self.line("")
            noun = "surviving mutant" if event.stage == Stage.WITNESSES else "function"
            words = STAGE_WORDS[event.stage].format(count=plural(event.count, noun))
            self.line(f"escape: {words} (budget {event.budget:g} s)")

    def mutants_end(self) -> None:
        if self.live:
            self.line("")

    def summary(self, results: Results | None, warnings: Iterable[str], notes: Iterable[str]) -> None:
        """After pytest's own summary of failures: the report, then notes (what
        failed the run comes last of all: ``closing``)."""
        if self.reporter is None:
            return
        self.reporter.write_sep("=", "escape: mutation testing")
        if results is not None:
            for line in styled_terminal(results, self.verbosity):
                for text, style in line:
                    self.reporter.write(text, **({style: True} if style else {}))
                self.reporter.write("\n")
        else:
            # no report to carry them (the run stopped before the results)
            for warning in warnings:
                self.line(f"warning: {warning}", yellow=True)
        for note in notes:
            self.line(note)

    def closing(self, lines: Iterable[tuple[str, str | None]]) -> None:
        """The last lines on screen: after pytest's ``N passed in S`` line."""
        for text, colour in lines:
            self.line(text, **({colour: True, "bold": True} if colour else {}))
