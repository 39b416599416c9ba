"""What a witness child does: search one function's survivors, and verify a test.

Both run in children forked by the mutation worker, so the target modules
are already imported with every mutant loaded, and the tests are collected.
Findings are streamed to the parent one survivor at a time: a child killed
halfway loses only the survivor it was working on.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from ..execution.protocol import MutantJob, WitnessOptions
from ..inputs import sandbox
from ..inputs.calls import FUNCTION, METHOD, Caller, DefaultProbe, LineProbe, NotCallable, Target, resolve
from ..inputs.compare import (
    LOGGED,
    PRINTED,
    RETURNED,
    WARNED,
    difference_path,
    follow,
    held_difference,
    logged_difference,
    logged_text,
    printed_difference,
    safe_repr,
    show,
    warned_difference,
    warning_text,
    warnings_text,
)
from ..inputs.domain import Relation, learn, outside
from ..inputs.identities import named
from ..inputs.literals import Bare, NotLiteral, Step, describe_call
from ..inputs.observe import global_constants, observe_calls, observe_with_steps
from ..inputs.recorded import Call, Then
from ..inputs.rendering import call_source
from ..inputs.sandbox import Allowance
from ..inputs.strategies import Seeds, Unexplorable, call_strategy, unique_calls, with_then
from ..model import (
    HIDDEN_CHANGE,
    LIKELY_EQUIVALENT,
    NOT_REACHED,
    NOT_SEARCHED,
    PROVEN_EQUIVALENT,
    UNCONFIRMED,
    UNDER_EXPLORED,
    UNEXPLORABLE,
    WITNESSED,
    Witness,
    witness_from_dict,
)
from ..mutation.mutmut_adapter import (
    mutant_code,
    mutant_function,
    original_code,
    original_function,
)
from .regression import render
from .search import Finding, Search

#: what Hypothesis leaves for CrossHair: no difference seen, reached or not
#: (solving for a guarded branch is what sampling cannot do)
SYMBOLIC_NEXT = (LIKELY_EQUIVALENT, NOT_REACHED, UNDER_EXPLORED, HIDDEN_CHANGE, UNCONFIRMED)
#: verdicts after which the state the infection check found is tried as an input (``Search.planted``)
PLANTED_AFTER = (LIKELY_EQUIVALENT, UNDER_EXPLORED, HIDDEN_CHANGE, UNCONFIRMED)


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the fields of ``model.Witness`` (the parent adds the rest)."""
    out: dict[str, Any] = {
        "verdict": finding.verdict,
        "reason": finding.reason,
        "examples": finding.examples,
        "reached": finding.reached,
        "reached_distinct": finding.reached_distinct,
    }
    if finding.outside:
        out["outside"] = ", ".join(finding.outside)
    if finding.original is not None and finding.mutant is not None:
        out["original"] = finding.original.describe()
        out["mutant"] = finding.mutant.describe()
        out["difference"] = finding.difference
        if finding.difference and finding.difference.startswith("argument "):
            name = finding.difference.removeprefix("argument ").strip("'")
            # a constructor's new instance: what the call made
            made = finding.call is not None and isinstance(finding.call.as_dict().get(name), Bare)
            ours, theirs = finding.original.arguments.get(name), finding.mutant.arguments.get(name)
            shown, path = name, []
            if show(ours) == show(theirs):
                # shown alike (a list subclass that keeps its items in an
                # attribute shows as its own empty list): the part that differs
                path = difference_path(ours, theirs)
                # down to the part both hold (a key only one holds ends the path there)
                path = path[: next((i for i, p in enumerate(path) if p.presence), len(path))]
                shown += "".join(f".{p.name}" if p.name else f"[{p.key!r}]" for p in path)
            for side, outcome in (("original", finding.original), ("mutant", finding.mutant)):
                left = named(show(follow(outcome.arguments.get(name), path)), outcome.identities)
                if made and outcome.kind == RETURNED:
                    out[side] = f"makes {left}"
                else:
                    out[side] += f" and leaves {shown} = {left}"
        held = held_difference(finding.original.value, finding.mutant.value)
        if finding.difference == "return value" and held is not None:
            # a closure shows as its name: what it holds is what differs
            out["original"] += f" holding {held[0]} = {show(held[1])}"
            out["mutant"] += f" holding {held[0]} = {show(held[2])}"
        if finding.difference == PRINTED:
            ours, theirs = printed_difference(finding.original, finding.mutant)
            out["original"] += f" and prints {safe_repr(ours, 100)}"
            out["mutant"] += f" and prints {safe_repr(theirs, 100)}"
        if finding.difference == WARNED:
            heard, other = warned_difference(finding.original, finding.mutant)
            if heard is None or other is None:  # one warned as the other did, and more
                out["original"] += f" and warns {warnings_text(finding.original)}"
                out["mutant"] += f" and warns {warnings_text(finding.mutant)}"
            else:
                out["original"] += f" and warns {warning_text(heard, other)}"
                out["mutant"] += f" and warns {warning_text(other, heard)}"
        if finding.difference == LOGGED:
            records = logged_difference(finding.original, finding.mutant)
            out["original"] += f" and logs {logged_text(records[0])}"
            out["mutant"] += f" and logs {logged_text(records[1])}"
    return out


#: a search that passed its child's memory limit
OUT_OF_MEMORY = "the search ran out of memory (its child's limit, --escape-memory-limit)"


def settled(search: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One survivor's search, whatever it raises: one survivor's failure must
    not cost the others.  A ``MemoryError`` is the child's memory limit,
    wherever the allocation that passed it was (once in our own compile
    step, on a loaded machine): no fault of ours and no verdict on the code,
    so the survivor is "not searched"; what the search held is freed by the
    time the next one starts.  Anything else is a fault of ours, said as such."""
    try:
        return search()
    except MemoryError:
        return {"verdict": NOT_SEARCHED, "reason": OUT_OF_MEMORY}
    except Exception as e:  # noqa: BLE001 - see above
        return {"verdict": UNEXPLORABLE, "reason": f"the search itself failed: {_fault(e)}"}


def not_searched(budget: float) -> Witness:
    return Witness(
        NOT_SEARCHED, reason=f"the witness budget ({budget:g} s) was spent; raise --escape-witness-budget"
    )


def search_function(
    module: str,
    qualname: str,
    survivors: list[MutantJob],
    run_tests: Callable[[], object],
    options: WitnessOptions,
    allowance: Allowance,
    found: Callable[[str, Witness], None],
) -> dict[str, Any]:
    """Search every survivor of one function; ``found`` gets each survivor's finding as it lands."""
    started = time.monotonic()
    try:
        target = resolve(module, qualname)
    except NotCallable as e:
        for survivor in survivors:
            found(survivor.id, Witness(UNEXPLORABLE, reason=str(e)))
        return {"done": True}
    steps: list[Step] = []
    inner: dict[tuple[str, int], list[Then]] = {}
    if options.deeper and target.kind == METHOD and "." in qualname:
        seen, steps = observe_with_steps(module, qualname, qualname.split(".")[0], run_tests)
    else:
        seen = observe_calls(module, qualname, run_tests, inner=True)
        inner = seen.inner
    observed, none_kept = seen.calls, seen.none_kept()
    domain = learn(unique_calls(observed), target.arguments)
    share = allowance.seconds_each
    sandbox.enter(cpu_seconds=share * len(survivors) + 30, root=allowance.sandbox_root)
    guard = sandbox.Guard()
    caller = Caller(target, guard, options.call_timeout)
    for survivor in survivors:
        began = time.monotonic()
        if allowance.spent():
            found(survivor.id, not_searched(options.seconds))
            continue
        result = settled(
            functools.partial(
                _search_one,
                target,
                module,
                qualname,
                survivor,
                caller,
                observed,
                steps,
                inner,
                domain,
                options,
                allowance,
                none_kept,
            )
        )
        result["seconds"] = round(time.monotonic() - began, 3)
        found(survivor.id, witness_from_dict(result))
    return {"done": True, "seconds": round(time.monotonic() - started, 3)}


def _mutated_defaults(module: str, qualname: str, mutant_id: str) -> dict[str, tuple[Any, Any]]:
    """The parameters whose default value the mutant changes, with the
    original's and the mutant's: a call meets the mutant only when it
    leaves them out."""
    before = inspect.signature(original_function(module, qualname)).parameters
    after = inspect.signature(mutant_function(mutant_id, qualname)).parameters
    return {
        name: (parameter.default, after[name].default)
        for name, parameter in before.items()
        if parameter.default is not parameter.empty
        and name in after
        and not _same_default(parameter.default, after[name].default)
    }


def _same_default(a: Any, b: Any) -> bool:
    try:
        return a is b or (type(a) is type(b) and bool(a == b))
    except Exception:  # noqa: BLE001 - a default's own ==
        return False


def _search_one(
    target: Target,
    module: str,
    qualname: str,
    survivor: MutantJob,
    caller: Caller,
    observed: list[dict[str, Any]],
    steps: list[Step],
    inner: dict[tuple[str, int], list[Then]],
    domain: tuple[Relation, ...],
    options: WitnessOptions,
    allowance: Allowance,
    none_kept: str,
) -> dict[str, Any]:
    """One survivor's finding (without its timing), as the fields of
    ``model.Witness``; ``none_kept`` says why no call of the tests is a seed
    (``Observed.none_kept``)."""
    mutant_id = survivor.id
    original = original_code(module, qualname)
    code = mutant_code(mutant_id, qualname)
    seeds = Seeds.from_code(
        [original, code],
        extra=global_constants(module, tuple(original.co_names) + tuple(code.co_names)),
    )
    defaults = _mutated_defaults(module, qualname, mutant_id) if survivor.in_signature else {}
    try:
        strategy = call_strategy(
            target.function, target.owner, observed, seeds, steps=steps, defaulted=frozenset(defaults)
        )
    except Unexplorable as e:
        return {"verdict": UNEXPLORABLE, "reason": f"{e}{none_kept}", "examples": 0}
    strategy = with_then(strategy, inner)
    # the mutant's code is compiled in place: its lines are the file's
    probe: LineProbe | None = None
    if not survivor.in_signature:
        probe = LineProbe(code, survivor.line, survivor.change, survivor.expressions)
    elif defaults:
        # a default value is evaluated at definition time: no line of the call
        # runs the change, but every input leaves the parameter out, so the
        # inputs that read it are the ones the mutant's default reached
        name = min(defaults)
        probe = DefaultProbe(code, name, *defaults[name])
    # never far past the stage's end: the last survivors get what is left
    share = min(allowance.seconds_each, max(allowance.left(), 0.2))
    # a function of nothing has one input: once is enough (semver's createparser)
    examples = options.examples if target.signature.parameters else 1
    search = Search(caller, mutant_id, probe, share, examples, options.seed, domain, writable(target))
    finding = search.run(strategy)
    if finding.verdict != WITNESSED and search.stray is not None:
        finding = _outside(search, strategy, outside_share(share, allowance.left()))
    if finding.verdict in PLANTED_AFTER:
        # after an input the search drew outside the domain: that one shrinks
        finding = search.planted() or finding
    if finding.verdict in SYMBOLIC_NEXT and options.backend == "crosshair":
        finding = _symbolic(target, survivor.id, search, finding, max(share, 2.0))
    result = finding_to_dict(finding)
    if finding.call is not None:
        ran = finding.original.called if finding.original is not None else 0
        result["input"] = describe_call(target.qualname, finding.call.as_dict(), finding.call.then[:ran])
    if finding.verdict == WITNESSED and finding.call is not None:
        assert finding.original is not None and finding.mutant is not None and finding.difference
        try:
            test = render(
                target,
                mutant_id,
                finding.call,
                finding.original,
                finding.mutant,
                finding.difference,
                survivor.doc,
            )
            result.update(test_name=test.name, test=test.source)
        except NotLiteral as e:
            result["test_dropped"] = f"not emitted: {e}"
        except Exception as e:  # noqa: BLE001 - our writer's own fault must not cost the witness found
            result["test_dropped"] = f"not emitted: writing it failed: {_fault(e)}"
    return result


def writable(target: Target) -> Callable[[Call], bool]:
    """Whether a regression test can spell out an input's arguments: the
    search prefers a difference on one that can (``Search.writable``).  On
    a state machine library, 72 witnesses had no test because their input
    held an enum a test had defined in its own body, and 54 because it held
    a machine of more objects than a test spells out, where other inputs
    the search drew would have done."""

    def can(call: Call) -> bool:
        try:
            call_source(target, call)
        except NotLiteral:
            return False
        except Exception:  # noqa: BLE001 - our writer's fault shows where the test is written
            return True
        return True

    return can


def _fault(error: Exception) -> str:
    """A fault of ours, in one line: what was raised, and where."""
    where = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {error} ({os.path.basename(where.filename)}:{where.lineno})"


def outside_share(share: float, left: float) -> float:
    """The seconds of the search again without the domain (``_outside``): the
    survivor's own share, at least half a second, never more than the stage
    has left (but that half second).

    It was given all that the stage had left.  A search that then drew
    slow inputs ran its child past the child's limit (a Markdown parser's:
    "no answer after 23 s" while Python ran on), and the survivors after it
    in that child got no search at all; a survivor whose witness lies only
    outside gets more time in the deeper round, with the others'."""
    return min(max(share, 0.5), max(left, 0.5))


def _outside(search: Search, strategy: Any, seconds: float) -> Finding:
    """No input inside what the tests always passed told the two apart, but one
    outside did: search again without the domain, so that the witness shrinks
    as any other, and say how it lies outside."""
    assert search.stray is not None
    again = Search(
        search.caller, search.mutant, None, seconds, search.max_examples, search.seed, (), search.writable
    )
    found = again.run(strategy)
    if found.verdict != WITNESSED or found.call is None:
        found = search.confirm(search.stray)  # the one seen, unshrunk
    if found.call is not None:
        found.outside = outside(search.domain, found.call.as_dict())
    # the evidence is the first search's: those inputs kept to the domain
    found.examples += search.examples
    found.reached, found.reached_distinct = search.reached, len(search.reaching)
    return found


def _symbolic(target: Target, mutant_id: str, search: Search, finding: Finding, seconds: float) -> Finding:
    """CrossHair on a survivor Hypothesis did not separate: a witness, a proof, or a note."""
    if target.kind != FUNCTION:
        finding.reason = f"{finding.reason}; CrossHair is tried on plain functions only"
        return finding
    from .symbolic import diff

    try:
        with search.caller.guard:  # symbolic values still run the user's code: same walls
            found = diff(
                original_function(target.module, target.qualname),
                mutant_function(mutant_id, target.qualname),
                seconds,
            )
    except sandbox.SandboxViolation as e:
        finding.reason = f"{finding.reason}; CrossHair stopped: the sandbox refused {e}"
        return finding
    except BaseException as e:  # noqa: BLE001 - CrossHair's internal errors are BaseExceptions; keep the first finding
        finding.reason = f"{finding.reason}; CrossHair failed: {type(e).__name__}: {e}"
        return finding
    if found.arguments is not None:
        namespace = vars(sys.modules[target.module])
        try:
            values = {name: eval(text, dict(namespace)) for name, text in found.arguments.items()}  # noqa: S307
        except Exception:  # noqa: BLE001 - CrossHair's repr is not always Python
            finding.reason = (
                f"{finding.reason}; CrossHair found a difference at {found.arguments}, not replayable"
            )
            return finding
        confirmed = search.confirm(Call(tuple(values.items())))
        if confirmed.verdict == WITNESSED:
            confirmed.reason = "found by CrossHair"
            return confirmed
        # its symbolic objects can behave in ways no real value does, and a
        # difference it sees may be none the comparison counts (an operator's
        # name in the interpreter's TypeError)
        finding.reason = (
            f"{finding.reason}; CrossHair reported a difference at {found.arguments} "
            "that the real call did not show"
        )
        return finding
    unannotated = [
        p.name for p in target.signature.parameters.values() if p.annotation is inspect.Parameter.empty
    ]
    if found.exhausted and unannotated:
        # without a hint CrossHair explores only what it can guess the type to be:
        # on isodate it "proved" mutants a date and a %Y format tell apart
        finding.reason = (
            f"{finding.reason}; CrossHair exhausted the paths it could model, but "
            f"{', '.join(unannotated)} {'has' if len(unannotated) == 1 else 'have'} no type hint: no proof"
        )
        return finding
    if found.exhausted:
        return Finding(
            PROVEN_EQUIVALENT,
            "CrossHair explored every path of both versions: no difference",
            examples=finding.examples,
            reached=finding.reached,
            reached_distinct=finding.reached_distinct,
        )
    note = found.error or f"none found in {seconds:g} s"
    finding.reason = f"{finding.reason}; CrossHair: {note}"
    return finding
