"""The differential search: an input on which the original and the mutant differ.

Hypothesis runs programmatically (``find``) with settings built here, never
the user's profile: no database, no deadline, a bounded number of examples
and a wall-clock budget.  Every example runs the original and the mutant,
and the original again where the two differed (a disagreement of the
original with itself sets the input aside; on every input, the function is
non-deterministic, which is reported, not blamed on the tests).  A witness
is confirmed afresh: the original twice, the mutant once.
"""

from __future__ import annotations

import os
import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import find
from hypothesis import strategies as st
from hypothesis.errors import Flaky, HypothesisException, NoSuchExample, Unsatisfiable

from ..inputs.calls import Caller, LineProbe, unvaried
from ..inputs.compare import HUNG, RAISED, CallOutcome, difference, value_key
from ..inputs.domain import Relation, outside
from ..inputs.identities import named
from ..inputs.literals import describe_call
from ..inputs.recorded import Call, call_key
from ..inputs.sandbox import SandboxViolation
from ..inputs.strategies import hypothesis_settings, undrawable
from ..model import (
    HIDDEN_CHANGE,
    LIKELY_EQUIVALENT,
    NON_DETERMINISTIC,
    NOT_REACHED,
    UNCONFIRMED,
    UNDER_EXPLORED,
    UNEXPLORABLE,
    UNREPRODUCED,
    UNSAFE,
    WITNESSED,
)
from ..wording import plural


@dataclass
class Finding:
    verdict: str
    reason: str | None = None
    call: Call | None = None
    original: CallOutcome | None = None
    mutant: CallOutcome | None = None
    difference: str | None = None
    #: inputs tried (each on the original and the mutant; on the original
    #: again where the two differed)
    examples: int = 0
    #: of those, how many executed the mutated line in the mutant (None: unknown)
    reached: int | None = None
    #: how many distinct inputs did (None: unknown)
    reached_distinct: int | None = None
    #: how ``call`` breaks what the tests' own calls always kept to (``lo > hi``):
    #: no input inside that domain told the two apart
    outside: list[str] = field(default_factory=list)


#: Distinct inputs that must reach the mutated line, with no difference seen on
#: any input, before a survivor is called likely equivalent.  Fewer is no
#: evidence: on ten real projects, 268 "likely equivalent" verdicts had no input
#: on the mutated line, and a hand check of 28 found 3 truly equivalent.  Twenty
#: is what the default 200 examples give a line most inputs reach, and far
#: above the one or two a guarded branch gets by chance.  A function of
#: nothing has one input, so for it one is all the evidence there is.
EVIDENCE = 20


#: inputs that reached the mutated line kept for ``Search.planted``, and how
#: many of them it sets the state in
PLANTED_NEAR = 20
PLANTED_TRIES = 3

#: this many inputs in a row on which the original never finished: stop, it is not the input
STARVED_LIMIT = 3
#: this many inputs in a row on which the original disagreed with itself: the
#: function is non-deterministic, not the inputs
UNSTEADY_LIMIT = 10


#: differing inputs no regression test can be written for (``Search.writable``)
#: seen before the search settles for the first of them
UNWRITTEN_LIMIT = 20


class _Starved(BaseException):
    pass


class _Unwritten(BaseException):
    """Differing inputs enough that none of them can be written: settle for the first."""


class _OutOfTime(BaseException):
    """The survivor's share of the budget is spent: stop now, keep what was found.

    Answering ``False`` instead would make Hypothesis see an input that
    differed stop differing while it shrinks, and call the test flaky.
    """


class _NonDeterministic(BaseException):
    def __init__(self, call: Call, first: CallOutcome, second: CallOutcome) -> None:
        super().__init__()
        self.call, self.first, self.second = call, first, second


def _unsteady(first: CallOutcome, second: CallOutcome) -> str:
    what = difference(first, second)
    if what in ("return value", "outcome", "exception type", "exception message"):
        return f"the original {first.describe()} and then {second.describe()} on the same input"
    return f"on the same input, two runs of the original leave a different {what}"


def _resource_failure(outcome: CallOutcome) -> bool:
    return outcome.kind == HUNG or (outcome.kind == RAISED and isinstance(outcome.error, MemoryError))


def behaviour(outcome: CallOutcome) -> str:
    """What a call did, as equivalence evidence tells calls apart: its
    return value or exception, and what it left in its arguments (read as
    the probe reads values: no code of their classes runs)."""
    if outcome.kind == RAISED and outcome.error is not None:
        what = f"raised {type(outcome.error).__qualname__}: {outcome.error}"
    else:
        what = f"{outcome.kind} {value_key(outcome.value)}"
    left = [f"{name}={value_key(value)}" for name, value in sorted(outcome.arguments.items())]
    # an object's identity in a text is whose it is: each copy of an input has its own
    return named(
        "; ".join([what, *left, *(f"{path}={contents!r}" for path, contents in outcome.files)]),
        outcome.identities,
    )


def no_difference(examples: int, out_of_time: bool, distinct: int | None, needed: int) -> tuple[str, str]:
    """The verdict, and its reason with the numbers, when no input told the
    original and the mutant apart: likely equivalent only on the evidence of
    ``needed`` distinct inputs that ran the mutated line (``distinct``; None
    when it cannot be observed, as for a default value, evaluated at
    definition time, which no line of a call shows)."""
    spent = " (time budget spent)" if out_of_time else ""
    tried = f"no difference on {plural(examples, 'input')}{spent}"
    if distinct is None:
        return NOT_REACHED, f"{tried}; whether an input used the mutated default value is not observed"
    if distinct == 0:
        return NOT_REACHED, f"{tried}, and none of them reached the mutated line"
    reached = f"{distinct} distinct {'input' if distinct == 1 else 'inputs'} reached the mutated line"
    if distinct < needed:
        return (
            UNDER_EXPLORED,
            f"{tried}; only {reached}, and {needed} must before it is called likely equivalent",
        )
    return LIKELY_EQUIVALENT, f"{tried}; {reached}"


def _in_hypothesis(error: BaseException) -> bool:
    """Whether ``error`` was raised inside Hypothesis's machinery, not inside
    ours: of the frames that are either's, the innermost is Hypothesis's
    (the user's code it called, such as a ``__getattr__``, may be deeper)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if f"{os.sep}pytest_escape{os.sep}" in frame.filename:
            return False
        if f"{os.sep}hypothesis{os.sep}" in frame.filename:
            return True
    return False


class Search:
    """One survivor's search (not reusable)."""

    def __init__(
        self,
        caller: Caller,
        mutant: str,
        probe: LineProbe | None,
        seconds: float,
        max_examples: int,
        seed: int,
        domain: tuple[Relation, ...] = (),
        writable: Callable[[Call], bool] | None = None,
    ) -> None:
        self.caller = caller
        self.mutant = mutant
        self.probe = probe
        self.deadline = time.monotonic() + seconds
        self.max_examples = max_examples
        self.seed = seed
        self.examples = 0
        self.reached = 0
        #: the inputs that reached the mutated line, told apart as ``call_key`` does
        self.reaching: set[str] = set()
        #: distinct reaching inputs that are evidence of equivalence
        self.needed = EVIDENCE if caller.target.signature.parameters else 1
        #: inputs on which the original itself ran out of time or memory
        self.starved = 0
        self.starved_by: set[str] = set()
        #: inputs on which two runs of the original differed, set aside; the first of them
        self.unsteady = 0
        self.unsteady_first: _NonDeterministic | None = None
        #: what the original did on the inputs that reached the mutated code, told
        #: apart as ``behaviour`` does, with one outcome of each
        self.behaviours: dict[str, CallOutcome] = {}
        #: inputs set aside because the sandbox refused what a call did; the first refusal
        self.refused = 0
        self.refused_first: SandboxViolation | None = None
        self.out_of_time = False
        #: the latest input that differed: Hypothesis shrinks, so the smallest so far
        self.best: Call | None = None
        #: what the tests' own calls always kept to; a difference outside it is
        #: kept aside (``stray``) while the search looks for one inside
        self.domain = domain
        self.stray: Call | None = None
        #: the infection check: inputs on which the mutated expression gave
        #: something else than the original's (and the first such), and the
        #: distinct inputs on which it was seen to give the same
        self.infected_first: str | None = None
        self.infected_keys: set[str] = set()
        self.same_inside: set[str] = set()
        #: the first state the infection check found the two differ in: the
        #: input whose run it was near, what it gave another value, and that value
        self.plant: tuple[Call, str, Any] | None = None
        #: the first inputs that reached the mutated line, where that state may be set too
        self.reaching_calls: list[Call] = []
        #: whether a regression test can be written for an input: a difference on
        #: one that cannot (a receiver of a class a test defined, a graph of more
        #: objects than a test spells out) is kept aside, and the search goes on
        #: for one that can (``UNWRITTEN_LIMIT``); the first is the witness if none
        self.writable = writable
        self.unwritten: Call | None = None
        self.unwritten_seen = 0

    def _differs(self, call: Call) -> bool:
        if time.monotonic() > self.deadline:
            self.out_of_time = True
            raise _OutOfTime()
        self.examples += 1
        try:
            return self._compared(call)
        except SandboxViolation as e:
            # Set aside, not the verdict: one input may write where another
            # does not (the tests' storage at its absolute path, beside a
            # generated relative one, which the scratch directory takes)
            self.refused += 1
            self.refused_first = self.refused_first or e
            if self.refused >= STARVED_LIMIT and self.refused == self.examples:
                raise
            return False

    def _compared(self, call: Call, domain: bool = True) -> bool:
        first = self.caller(call, None)
        if _resource_failure(first):
            self.starved += 1
            self.starved_by.add(
                f"time ({self.caller.timeout:g} s per call)" if first.kind == HUNG else "memory"
            )
            if self.starved >= STARVED_LIMIT and self.starved == self.examples:
                raise _Starved()
            return False
        if self.probe is not None:
            self.probe.reset()
        mutant = self.caller(call, self.mutant, self.probe)
        hit = self.probe is not None and self.probe.hit
        differs = difference(first, mutant) is not None
        # The original runs a second time only on an input the mutant
        # differed on: only there can its own unsteadiness pass for the
        # mutant's doing.  Run on every input, it was a third of the calls,
        # and most inputs differ in nothing (transitions: 60 % of a search's
        # time went to copying inputs, three times each).
        second = self.caller(call, None) if differs else None
        if second is not None and difference(first, second) is not None:
            # Set aside, not the verdict: an input may be unsteady where the
            # function is not (a receiver built by a constructor that draws a
            # uuid: treelib's ``Node()``; 164 survivors ended on their first such
            # input), and the tests' own objects, copied, are steady.  Nor is
            # it evidence of anything when it reached the mutated line.
            self.unsteady += 1
            self.unsteady_first = self.unsteady_first or _NonDeterministic(call, first, second)
            if self.unsteady >= UNSTEADY_LIMIT and self.unsteady == self.examples:
                raise self.unsteady_first
            return False
        if hit:
            self.reached += 1
            key = call_key(call.as_dict())
            if key not in self.reaching and len(self.reaching_calls) < PLANTED_NEAR:
                self.reaching_calls.append(call)
            self.reaching.add(key)
            self.behaviours.setdefault(behaviour(first), first)
            self._infection(key, call)
        if not differs:
            return False
        if domain and self.domain and outside(self.domain, call.as_dict()):
            self.stray = self.stray or call
            return False
        if self.writable is not None and not self.writable(call):
            self.unwritten = self.unwritten or call
            self.unwritten_seen += 1
            if self.unwritten_seen >= UNWRITTEN_LIMIT:
                raise _Unwritten()
            return False
        self.best = call
        return True

    def _infection(self, key: str, call: Call) -> None:
        infection = self.probe.infection if self.probe is not None else None
        if infection is None:
            return
        if self.plant is None and infection.infectable_state is not None:
            self.plant = (call, *infection.infectable_state)
        if infection.infected_now is not None:
            self.infected_keys.add(key)
            self.infected_first = self.infected_first or infection.infected_now
        elif infection.looked_now:
            self.same_inside.add(key)

    def run(self, strategy: st.SearchStrategy[Call]) -> Finding:
        rng = random.Random(f"{self.seed}:{self.mutant}")
        # what this search could not draw, not what an earlier one in this child could not
        undrawable.clear()
        try:
            call = find(strategy, self._differs, settings=hypothesis_settings(self.max_examples), random=rng)
        except SandboxViolation as e:
            return self._finding(UNSAFE, f"the sandbox refused {e}")
        except _Starved:
            return self._starved()
        except _Unwritten:
            # while shrinking a difference a test can be written for, the
            # candidates may pile up unwritable ones: that one stands
            return self.confirm(self.best) if self.best is not None else self._settle()
        except _OutOfTime:
            return self.confirm(self.best) if self.best is not None else self._settle()
        except _NonDeterministic as e:
            # the reason holds both runs; the mutant never ran, so no outcome is labelled its
            return self._finding(NON_DETERMINISTIC, _unsteady(e.first, e.second), call=e.call)
        except (NoSuchExample, Unsatisfiable):
            return self._settle()
        except Flaky:
            if self.best is not None:
                return self.confirm(self.best)  # it decides, on fresh runs
            return self._finding(
                UNREPRODUCED,
                "a difference appeared once and did not repeat: the outcome depends on state "
                "left behind by earlier calls",
            )
        except HypothesisException as e:
            return self._finding(UNEXPLORABLE, f"hypothesis could not generate inputs: {e}".splitlines()[0])
        except Exception as e:
            if not _in_hypothesis(e):
                raise  # our own failure: said as such, with where it happened
            # Hypothesis's own handling of a value broke (its printer asks any
            # object for ``_repr_pretty_``, and one whose ``__getattr__`` answers
            # every name gave a function of the wrong arity: funcy's ``_``)
            if self.best is not None:
                return self.confirm(self.best)
            return self._finding(UNEXPLORABLE, f"Hypothesis failed on an input: {type(e).__name__}: {e}")
        return self.confirm(call)

    def confirm(self, call: Call) -> Finding:
        """Run the witness afresh: the original twice must agree and the mutant must differ."""
        try:
            first = self.caller(call, None)
            second = self.caller(call, None)
            mutant = self.caller(call, self.mutant)
        except SandboxViolation as e:
            return self._finding(UNSAFE, f"the sandbox refused {e}")
        if difference(first, second) is not None:
            return self._finding(NON_DETERMINISTIC, _unsteady(first, second), call=call)
        what = difference(first, mutant)
        if what is None:
            return self._finding(
                UNREPRODUCED,
                f"a difference was seen on {describe_call(self.caller.target.qualname, call.as_dict())} "
                "but did not repeat on a fresh run: the outcome depends on state left by earlier calls",
            )
        return self._finding(WITNESSED, None, call=call, original=first, mutant=mutant, difference=what)

    def planted(self) -> Finding | None:
        """A witness on the state the infection check found where the two
        differ, set in the input it was found near (``self.port = 0`` in a
        receiver every test left at None), or None.

        A builder's tests call each method on an empty builder; a mutant
        that drops ``port=self.port`` from the new one differs only on a
        builder with a port, which the search's variations of the tests'
        receivers may never draw ("too few inputs reached it ... a state no
        input reached").  The input is real and runs as any other; it is
        marked as set directly (``outside``), so it ranks with the witnesses
        outside what the tests passed."""
        if self.plant is None:
            return None
        found_near, path, value = self.plant
        # the input it was found near first; the state is set only in what an
        # input holds by its attributes (a receiver the tests made, not one a
        # constructor built from generated arguments), so others are tried too
        planted = [c for near in [found_near, *self.reaching_calls] if (c := near.planted(path, value))]
        distinct: dict[str, Call] = {}
        for call in planted:  # told apart as inputs are: a call holding a list cannot be hashed
            distinct.setdefault(call_key(call.as_dict()), call)
        unwritten: Call | None = None
        for call in list(distinct.values())[:PLANTED_TRIES]:
            self.examples += 1
            kept_aside = self.unwritten_seen
            try:
                # outside the domain or not, it is said to be set directly: not
                # kept aside as a stray, which would be reported without that
                if not self._compared(call, domain=False):
                    if self.unwritten_seen > kept_aside:
                        unwritten = unwritten or call  # it differs; no test can spell it out
                    continue
            except _Unwritten:
                unwritten = unwritten or call
                continue
            except (SandboxViolation, _Starved, _NonDeterministic):
                return None
            if (found := self._planted_witness(call, path, value)) is not None:
                return found
        # as in the search: a difference no test can be written for, if no other
        return self._planted_witness(unwritten, path, value) if unwritten is not None else None

    def _planted_witness(self, call: Call, path: str, value: Any) -> Finding | None:
        found = self.confirm(call)
        if found.verdict != WITNESSED:
            return None
        # an argument given another value is an input like any other; an
        # attribute set in one is a state no input was seen to build
        direct = [f"{path} = {value_key(value)}, set directly: no input reached that state"]
        found.outside = [*(direct if "." in path else []), *outside(self.domain, call.as_dict())]
        return found

    def _starved(self) -> Finding:
        return self._finding(
            UNSAFE,
            f"the original ran out of {' and '.join(sorted(self.starved_by))} "
            f"on all {plural(self.examples, 'input')} tried",
        )

    def _settle(self) -> Finding:
        """No witness a test can be written for: the first difference no test
        can be written for, confirmed, else what the search saw."""
        if self.unwritten is not None:
            found = self.confirm(self.unwritten)
            if found.verdict == WITNESSED:
                return found
        return self._nothing_found()

    def _nothing_found(self) -> Finding:
        if not self.examples and undrawable:
            # every input drawn broke in Hypothesis (``strategies._or_rejected``)
            return self._finding(UNEXPLORABLE, f"hypothesis could not generate inputs: {undrawable[0]}")
        if self.examples and self.starved == self.examples:
            return self._starved()
        if self.refused_first is not None and self.refused == self.examples:
            return self._finding(UNSAFE, f"the sandbox refused {self.refused_first}")
        first = self.unsteady_first
        if first is not None and self.unsteady == self.examples:
            return self._finding(NON_DETERMINISTIC, _unsteady(first.first, first.second), call=first.call)
        distinct = len(self.reaching) if self.probe is not None else None
        verdict, reason = no_difference(self.examples, self.out_of_time, distinct, self.needed)
        if verdict in (LIKELY_EQUIVALENT, UNDER_EXPLORED) and self.infected_first is not None:
            # the mutant computed something else and no result showed it: the
            # opposite of evidence of equivalence, whether the change is masked
            # further on (a clamp's ``x > hi`` -> ``x >= hi``) or unobserved
            inputs = plural(len(self.infected_keys), "input")
            verdict = HIDDEN_CHANGE
            reason = f"{reason}, but on {inputs} {self.infected_first}, and no result showed it"
        elif (
            verdict == LIKELY_EQUIVALENT and self.probe is not None and (same := unvaried(self.probe.values))
        ):
            # many inputs, one state where the mutant is: no evidence of equivalence
            verdict, reason = UNDER_EXPLORED, f"{reason}, but {same}"
        elif verdict == LIKELY_EQUIVALENT and self.needed > 1 and len(self.behaviours) == 1:
            # many inputs, one behaviour: a check that never failed, a setter that
            # always stored the same (prettytable's option validation, 13 survivors)
            (did,) = self.behaviours.values()
            same = f"the original did the same on every one of them ({did.describe()})"
            verdict, reason = UNDER_EXPLORED, f"{reason}, but {same}"
        if verdict == LIKELY_EQUIVALENT and self.needed > 1:
            verdict, reason = self._inside(reason)
        if first is not None:
            what = difference(first.first, first.second)
            reason += f"; {self.unsteady} set aside, on which two runs of the original differed ({what})"
        if self.refused_first is not None:
            reason += f"; {self.refused} set aside, on which the sandbox refused {self.refused_first}"
        return self._finding(verdict, reason)

    def _inside(self, reason: str) -> tuple[str, str]:
        """The verdict on what the infection check saw, when the inputs alone
        would call the survivor likely equivalent: only a changed expression
        seen to give what the original's gives, on every input that ran it and
        on every nearby value of what it reads, backs that verdict."""
        infection = self.probe.infection if self.probe is not None else None
        if infection is None:
            return UNCONFIRMED, f"{reason}, but the change is no expression the probe can evaluate"
        original, mutated = infection.evaluated
        if not self.same_inside:
            could_not = f"whether `{mutated}` ever gave something else than `{original}` could not be seen"
            return UNCONFIRMED, f"{reason}, but {could_not} ({infection.blind})"
        if infection.infectable is not None:
            return UNDER_EXPLORED, f"{reason}, but {infection.infectable}: a state no input reached"
        if (always := infection.unswitched()) is not None:
            return UNDER_EXPLORED, f"{reason}, but {always}: no state came near where it changes"
        if infection.nearby_blind is not None:
            could_not = (
                f"whether `{mutated}` gives something else than `{original}` elsewhere could not be seen"
            )
            return UNCONFIRMED, f"{reason}, but {could_not} ({infection.nearby_blind})"
        # say what was varied: a constant expression, or one whose only
        # inputs both versions pass on as they are, has nothing to vary
        varied = ", ".join(sorted(infection.varied))
        nearby = f"and so it did with other values of {varied}" if varied else "and nothing it reads varies"
        seen = f"on {len(self.same_inside)} of them `{mutated}` gave what `{original}` gives"
        return LIKELY_EQUIVALENT, f"{reason}; {seen}, {nearby}"

    def _finding(self, verdict: str, reason: str | None, **found: Any) -> Finding:
        return Finding(
            verdict,
            reason,
            examples=self.examples,
            reached=self.reached if self.probe is not None else None,
            reached_distinct=len(self.reaching) if self.probe is not None else None,
            **found,
        )
