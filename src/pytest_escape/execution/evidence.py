"""Proof that a test only confirms what the code does.

A test that met mutants and failed on none of them in a check is a
candidate, no more: it may have met only mutants that crashed before its
assert, or only mutants that change nothing on its own inputs (a test of
``clamp(-5, 0, 10) == 0`` meets ``return 0`` and rightly passes).  It is
flagged confirming-only only on evidence: a call the test itself made,
whose result a mutant it passed under changed.

In a child forked for one candidate, the test runs once on the original
while the calls it makes itself (from its own file) to the mutated
functions are recorded: deep copies of the arguments, and what came back.
Then, in the sandbox, each recorded call is made again on the original
(it must give the recorded result: otherwise it depended on what the test
had set up, and proves nothing) and on each mutant the test passed under.
The first that returns something else, or leaves an argument in another
state, is the evidence.  A mutant that raised is never evidence: a crash is
what a test notices without checking anything.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..inputs import sandbox
from ..inputs.calls import Caller, NotCallable, resolve, sentinels
from ..inputs.compare import PRINTED, RETURNED, WARNED, difference, same_value, show
from ..inputs.literals import describe_call
from ..inputs.observe import made_by_test
from ..inputs.strategies import Call
from ..model import Evidence
from ..mutation.mutmut_adapter import mutated_codes, watching_calls

#: calls of one function recorded per test: later ones rarely add evidence
CALLS_KEPT = 20
#: mutants a candidate is tried against, extreme ones first
MUTANTS_TRIED = 20


@dataclass
class Recorded:
    """One call the test made: its arguments at the start, what it returned."""

    arguments: dict[str, Any]
    returned: bool = False
    value: Any = None


@dataclass(frozen=True)
class Suspect:
    """A mutant the test passed under, and the function it is a mutant of."""

    mutant: str
    module: str
    function: str


def record(
    run_test: Callable[[], bool], functions: set[tuple[str, str]], test_file: Callable[[str], bool]
) -> dict[tuple[str, str], list[Recorded]] | None:
    """Run the test on the original, recording its own calls of ``functions``;
    None if it did not pass (then nothing it did is evidence)."""
    calls: dict[tuple[str, str], list[Recorded]] = {key: [] for key in functions}

    def watch(key: tuple[str, str]) -> Callable[[dict[str, Any]], Callable[[bool, Any], None] | None]:
        keep = sentinels(key[0])  # recorded as themselves: a copy of one means nothing

        def on_call(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
            if len(calls[key]) >= CALLS_KEPT:
                return None
            entry = Recorded(copy.deepcopy(arguments, dict(keep)))
            calls[key].append(entry)

            def end(raised: bool, value: Any) -> None:
                if not raised:
                    try:
                        entry.value, entry.returned = copy.deepcopy(value), True
                    except Exception:  # noqa: BLE001 - a result we cannot keep is no evidence
                        pass

            return end

        return on_call

    accept = made_by_test(test_file, mutated_codes())
    with watching_calls({key: watch(key) for key in functions}, accept):
        passed = run_test()
    return calls if passed else None


def find(
    suspects: list[Suspect],
    calls: dict[tuple[str, str], list[Recorded]],
    call_timeout: float,
    sandbox_root: str | None,
) -> Evidence | None:
    """The first recorded call whose result a suspect changed (in the sandbox)."""
    sandbox.enter(cpu_seconds=call_timeout * 3 * CALLS_KEPT * len(suspects) + 10, root=sandbox_root)
    guard = sandbox.Guard()
    for suspect in suspects:
        recorded = [c for c in calls.get((suspect.module, suspect.function), []) if c.returned]
        if not recorded:
            continue
        try:
            target = resolve(suspect.module, suspect.function)
        except NotCallable:
            continue
        if inspect.isgeneratorfunction(target.function) or target.is_async:
            continue  # what it returned is not what it does
        caller = Caller(target, guard, call_timeout)
        for entry in recorded:
            call = Call(tuple(entry.arguments.items()))
            again = caller(call, None)
            if again.kind != RETURNED or not same_value(again.value, entry.value):
                continue  # it depended on what the test had set up
            mutated = caller(call, suspect.mutant)
            if mutated.kind != RETURNED:
                continue  # a crash is no evidence against the test
            what = difference(again, mutated)
            if what in (None, PRINTED, WARNED) or (target.name == "__init__" and what == "argument 'self'"):
                # a constructor's object is what the test goes on to use: a
                # test that builds one to check something else is not weak
                # for not checking how it was built
                continue
            original, changed = again.describe(), mutated.describe()
            if what.startswith("argument "):
                name = what.removeprefix("argument ").strip("'")
                original += f" and leaves {name} as {show(again.arguments.get(name))}"
                changed = f"leaves {name} as {show(mutated.arguments.get(name))}"
            return Evidence(
                suspect.mutant, describe_call(target.qualname, entry.arguments), original, changed, what
            )
    return None
