"""The witness stage, run by the mutation worker after the mutants: jobs for the pool.

One search job per function with survivors (its child records the tests'
arguments once, then searches each survivor in turn, streaming findings),
and verification jobs for the regression tests a search emits: all of them
on the original in one fresh interpreter (each must pass), and each on its
mutant in a fresh child (it must fail).  Only then is a test reported as
verified; otherwise it is dropped, with the reason.

**Adaptive effort.**  Most survivors are settled well inside their share
(a witness in a few inputs, or a function of nothing).  The time they leave
goes to the survivors the first round left unresolved (no difference seen,
or one seen that did not repeat), and to those witnessed only outside what
the tests passed (where an input inside may yet be found; only such a
witness replaces the first): once every first-round search is in, they
are searched again with ``DEEPER`` times the examples, sharing what is left
of the budget.  A deeper finding replaces the first (the same seed replays
the first round's inputs, then goes on); with no time left, or if the
deeper child dies, the first finding stands.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any

from ..config import AUTO_WITNESS_CEILING, AUTO_WITNESS_FLOOR
from ..inputs.sandbox import Allowance
from ..inputs.verify import writes_files
from ..model import (
    HIDDEN_CHANGE,
    LIKELY_EQUIVALENT,
    NOT_REACHED,
    UNCONFIRMED,
    UNDER_EXPLORED,
    UNREPRODUCED,
    UNSAFE,
    WITNESSED,
    Witness,
)
from ..witness.job import not_searched, search_function
from .pool import REPORTED, Job, Outcome, stream
from .protocol import MutantJob, WitnessFound, WitnessOptions, decode, to_json
from .stage import OBSERVE_TESTS, WORK_SHARE, BudgetedStage, share, stopped, verification_runs

#: survivors one search child takes on
SURVIVORS_PER_CHILD = 10
#: first-round verdicts searched again with the time the first round left
UNRESOLVED = (LIKELY_EQUIVALENT, NOT_REACHED, UNDER_EXPLORED, UNREPRODUCED, HIDDEN_CHANGE, UNCONFIRMED)
#: how many times the examples a deeper search may try
DEEPER = 5


def settled(options: WitnessOptions, survivors: int, workers: int) -> WitnessOptions:
    """``options`` with the automatic budget (None) worked out for ``survivors``.

    Enough for every survivor's least share (``WitnessStage.MIN_SHARE``) on
    ``workers`` children at once (the working part of the budget is
    ``WORK_SHARE``), in whole seconds, between ``AUTO_WITNESS_FLOOR`` and
    ``AUTO_WITNESS_CEILING``.  A fixed 60 s left 327 of prettytable's 610
    survivors "not searched", and the witness rate at the defaults was a
    measure of the budget, not of the search.  The ceiling keeps a default
    run's search within ten minutes; past it, survivors are "not searched",
    and the reason names ``--escape-witness-budget``."""
    if options.budget is not None:
        return options
    needed = math.ceil(WitnessStage.MIN_SHARE * survivors / (max(workers, 1) * WORK_SHARE))
    budget = min(max(float(needed), AUTO_WITNESS_FLOOR), AUTO_WITNESS_CEILING)
    return dataclasses.replace(options, budget=budget)


def observed_tests(group: list[MutantJob]) -> list[str]:
    """The tests a search child runs to record its function's inputs: the
    survivors' tests taken in turn, each survivor's first (those that
    executed its line, cheapest first) before any survivor's second.

    Taken survivor after survivor, the first survivor's tests filled every
    place, and a survivor in another branch had no test of its line run: no
    recorded input reached it, and it ended "not reached by the search"
    (tabulate: 29 of its 61).
    """
    in_turn = itertools.chain.from_iterable(itertools.zip_longest(*(survivor.tests for survivor in group)))
    return [t for t in dict.fromkeys(in_turn) if t is not None][:OBSERVE_TESTS]


def class_tests_of(jobs: Iterable[MutantJob]) -> dict[tuple[str, str], list[str]]:
    """(module, class) -> the tests that run any of the class's mutated methods, in plan order."""
    found: dict[tuple[str, str], dict[str, None]] = {}
    for job in jobs:
        owner, method, _ = job.function.partition(".")
        if method:
            found.setdefault((job.module, owner), {}).update(dict.fromkeys(job.tests))
    return {key: list(tests) for key, tests in found.items()}


class WitnessStage(BudgetedStage):
    """Schedules searches and verifications; ``emit`` gets one final finding per survivor."""

    MIN_SHARE = 0.5
    MAX_SHARE = 20.0
    PREFIX = "pytest-escape-witness-"

    def __init__(
        self,
        options: WitnessOptions,
        survivors: list[MutantJob],
        workers: int,
        run_tests: Callable[[list[str]], object],
        emit: Callable[[str, Witness], None],
        class_tests: dict[tuple[str, str], list[str]] | None = None,
    ) -> None:
        super().__init__(options.seconds, len(survivors), workers, options.call_timeout, run_tests)
        self.options = options
        self.survivors = survivors
        self.emit = emit
        #: (module, class) -> the tests that run any of its mutated methods
        #: (``class_tests_of``): where the steps a receiver can take are seen
        self.class_tests = class_tests or {}
        #: mutant id -> the finding waiting for its test's two verification runs
        self.pending: dict[str, Witness] = {}
        self.checks: dict[str, dict[str, dict[str, Any]]] = {}
        #: first-round search children still out; unresolved findings wait for the deeper round
        self.first_round = 0
        self.held: dict[str, tuple[MutantJob, Witness]] = {}

    def jobs(self) -> list[Job]:
        jobs = self._searches(self.survivors, self.options, self.allowance, deeper=False)
        self.first_round = len(jobs)
        return jobs

    def _searches(
        self, survivors: list[MutantJob], options: WitnessOptions, allowance: Allowance, deeper: bool
    ) -> list[Job]:
        groups: dict[tuple[str, str], list[MutantJob]] = {}
        for survivor in survivors:
            groups.setdefault((survivor.module, survivor.function), []).append(survivor)
        # a fresh child every few survivors: a search child grew until its memory
        # limit while the collector was off in every child (semver: 43 MiB a
        # survivor); collecting, it grows about 0.6 MiB a survivor there, so
        # more survivors per child (fewer runs of the tests to observe) may now pay
        # (not measured)
        return [
            self._search(group[start : start + SURVIVORS_PER_CHILD], options, allowance, deeper)
            for group in groups.values()
            for start in range(0, len(group), SURVIVORS_PER_CHILD)
        ]

    def _search(
        self, group: list[MutantJob], options: WitnessOptions, allowance: Allowance, deeper: bool
    ) -> Job:
        module, function = group[0].module, group[0].function
        tests = observed_tests(group)
        owner, method, _ = function.partition(".")
        if method and deeper:
            # a method's receiver may need a state another test of its class built
            tests += [t for t in self.class_tests.get((module, owner), []) if t not in tests][:OBSERVE_TESTS]

        def found(mutant_id: str, finding: Witness) -> None:
            stream(to_json(WitnessFound(mutant_id, finding)))

        def run() -> dict[str, Any]:
            if allowance.spent():
                for survivor in group:
                    found(survivor.id, not_searched(options.seconds))
                return {"done": True}
            return search_function(
                module, function, group, lambda: self.run_tests(tests), options, allowance, found
            )

        key = f"witness {module}.{function}" + (" deeper" if deeper else "")
        return self.child(key, len(group), run, ("witness", group, deeper), allowance.seconds_each)

    def _deepen(self) -> list[Job]:
        """The deeper round for the held findings, in the time the first left;
        if too little is left, the held findings reported as they are."""
        held = [survivor for survivor, _ in self.held.values()]
        each = share(self.allowance.left(), len(held), self.workers, 0.0, self.MAX_SHARE)
        if not held or each < self.MIN_SHARE * 2:
            released, self.held = self.held, {}
            return self._report([(i, finding) for i, (_, finding) in released.items()], "held")
        options = dataclasses.replace(self.options, examples=self.options.examples * DEEPER, deeper=True)
        allowance = dataclasses.replace(self.allowance, seconds_each=each)
        return self._searches(held, options, allowance, deeper=True)

    def _report(self, findings: list[tuple[str, Witness]], key: str) -> list[Job]:
        """Final findings: each reported now, or, if it has a regression test,
        once that test has proved itself (the verification jobs returned)."""
        more: list[Job] = []
        tested: list[str] = []
        for mutant_id, finding in findings:
            if finding.test and finding.test_name:
                self.pending[mutant_id] = finding
                tested.append(mutant_id)
                test = [(finding.test, finding.test_name)]
                more.append(
                    self.verification(f"verify {mutant_id} mutant", test, mutant_id, ("verify", mutant_id))
                )
            else:
                self.emit(mutant_id, finding)
        if tested:
            tests = [(self.pending[i].test or "", self.pending[i].test_name or "") for i in tested]
            more.append(self.verification(f"verify {key} original", tests, None, ("verify", *tested)))
        return more

    def close(self) -> None:
        # a stage stopped early still reports every survivor it searched; a
        # held test was never run, so it is not given
        held, self.held = self.held, {}
        for mutant_id, (_, finding) in held.items():
            if finding.test:
                finding = dataclasses.replace(
                    finding, test=None, test_name=None, test_dropped="not verified: the run stopped first"
                )
            self.emit(mutant_id, finding)
        super().close()

    def settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        if job.tag[0] == "verify":
            self._settle_verify(job, outcome)
            return None
        group: list[MutantJob] = job.tag[1]
        deeper: bool = job.tag[2]
        final: list[tuple[str, Witness]] = []
        seen: set[str] = set()
        for item in outcome.streamed:
            event = decode(WitnessFound, item)
            seen.add(event.id)
            finding = event.witness
            if deeper:
                first = self.held.pop(event.id)[1]
                if first.verdict == WITNESSED:
                    # a witness outside what the tests passed: only one inside replaces it
                    if finding.verdict != WITNESSED or finding.outside:
                        finding = first
                # not searched after all (the budget ran out), it broke, or time cut it
                # shorter than the first: the first stands
                elif finding.verdict != WITNESSED and (
                    finding.verdict not in UNRESOLVED or finding.examples < first.examples
                ):
                    finding = first
            elif finding.verdict in UNRESOLVED or (finding.verdict == WITNESSED and finding.outside):
                # unresolved, or witnessed only outside what the tests passed (a
                # state set directly): the deeper round may find an input inside
                survivor = next(s for s in group if s.id == event.id)
                self.held[event.id] = (survivor, finding)
                continue
            final.append((event.id, finding))
        left = [s for s in group if s.id not in seen]
        if deeper:
            # a deeper child that stopped: the first round's findings stand
            final += [(s.id, self.held.pop(s.id)[1]) for s in left if s.id in self.held]
            return self._report(final, job.key) or None
        more = self._report(final, job.key)
        if left and outcome.kind != REPORTED:
            # the survivor being searched took the child down; the rest get a new child
            stuck = left.pop(0)
            how = stopped(job, outcome, " (a call that does not return to Python?)")
            self.emit(stuck.id, Witness(UNSAFE, reason=f"the search stopped: {how}"))
            if left:
                more.append(self._search(left, self.options, self.allowance, deeper=False))
                self.first_round += 1
        self.first_round -= 1
        if self.first_round == 0:
            more += self._deepen()
        return more or None

    def _settle_verify(self, job: Job, outcome: Outcome) -> None:
        """A run is in: each finding whose test has both runs is reported, with
        its test only if it proved itself."""
        ids: tuple[str, ...] = job.tag[1:]
        side = "mutant" if job.key.endswith(" mutant") else "original"
        for mutant_id, answer in zip(ids, verification_runs(outcome, len(ids)), strict=True):
            checks = self.checks.setdefault(mutant_id, {})
            checks[side] = answer
            if len(checks) == 2:
                self._verified(mutant_id, checks)

    def _verified(self, mutant_id: str, checks: dict[str, dict[str, Any]]) -> None:
        finding = self.pending.pop(mutant_id)
        original, mutant = checks["original"], checks["mutant"]
        if written := writes_files(original):
            reason = written
        elif original["outcome"] != "passed":
            reason = f"dropped: fails on the original ({original.get('message', original['outcome'])})"
        elif mutant["outcome"] != "failed":
            reason = f"dropped: does not fail on the mutant ({mutant['outcome']})"
        else:
            reason = None
        if reason:
            finding = dataclasses.replace(finding, test=None, test_name=None, test_dropped=reason)
        self.emit(mutant_id, finding)
