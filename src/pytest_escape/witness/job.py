"""What a witness child does: search one function's survivors, and verify a test.

Both run in children forked by the mutation worker, so the target modules
are already imported with every mutant loaded, and the tests are collected.
Findings are streamed to the parent one survivor at a time: a child killed
halfway loses only the survivor it was working on.
"""

from __future__ import annotations

import copy
import inspect
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from ..model import LIKELY_EQUIVALENT, NOT_SEARCHED, PROVEN_EQUIVALENT, UNEXPLORABLE, UNSAFE, WITNESSED
from ..mutation.mutmut_adapter import (
    activate,
    mutant_code,
    mutant_function,
    original_code,
    original_function,
    recording_calls,
)
from . import sandbox
from .calls import FUNCTION, Caller, LineProbe, NotCallable, Target, resolve
from .compare import PRINTED, printed_difference, safe_repr, show
from .literals import OMITTED, NotLiteral, describe
from .regression import render
from .search import Finding, Search
from .strategies import Call, Seeds, Unexplorable, call_strategy

#: calls of the function recorded while its tests run (deep copies)
MAX_RECORDED = 200


def _test_double(value: Any) -> bool:
    return type(value).__module__.startswith("unittest.mock") or any(
        type(v).__module__.startswith("unittest.mock") for v in getattr(value, "__dict__", {}).values()
    )


def observe(
    module: str, qualname: str, run_tests: Callable[[], object], returned_only: bool = False
) -> list[dict[str, Any]]:
    """The arguments the tests passed to ``qualname`` (bounded, deep-copied at call time).

    ``returned_only``: leave out calls that raised.  A test that checks
    ``f(1.5)`` raises TypeError passes an input it does not call valid.
    """
    calls: list[dict[str, Any] | None] = []

    def record(arguments: dict[str, Any]) -> int | None:
        if any(_test_double(v) for v in arguments.values()):
            return None  # a Mock stands in for something else, and records every call made on it
        if len(calls) < MAX_RECORDED:
            try:
                calls.append(copy.deepcopy(arguments))
            except Exception:  # noqa: BLE001 - uncopyable input: not a seed
                return None
            return len(calls) - 1
        return None

    def raised(index: int) -> None:
        if returned_only:
            calls[index] = None

    activate(None)
    try:
        with recording_calls(module, qualname, record, raised):
            run_tests()
    except BaseException:  # noqa: BLE001 - seeds are a bonus (pytest.skip() is a BaseException)
        pass
    return [call for call in calls if call is not None]


def global_constants(module: str, names: tuple[str, ...]) -> list[Any]:
    """Module-level constants a function reads (``qty >= BULK_THRESHOLD``): literals by another name."""
    namespace = vars(sys.modules[module])
    return [namespace[n] for n in names if isinstance(namespace.get(n), (int, float, str)) and n in namespace]


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as the fields of ``model.Witness`` (the parent adds the rest)."""
    out: dict[str, Any] = {
        "verdict": finding.verdict,
        "reason": finding.reason,
        "examples": finding.examples,
        "reached": finding.reached,
    }
    if finding.original is not None and finding.mutant is not None:
        out["original"] = finding.original.describe()
        out["mutant"] = finding.mutant.describe()
        out["difference"] = finding.difference
        if finding.difference and finding.difference.startswith("argument "):
            name = finding.difference.removeprefix("argument ").strip("'")
            for side, outcome in (("original", finding.original), ("mutant", finding.mutant)):
                out[side] += f" and leaves {name} = {show(outcome.arguments.get(name))}"
        if finding.difference == PRINTED:
            ours, theirs = printed_difference(finding.original, finding.mutant)
            out["original"] += f" and prints {safe_repr(ours, 100)}"
            out["mutant"] += f" and prints {safe_repr(theirs, 100)}"
    return out


def describe_call(target_name: str, arguments: dict[str, Any]) -> str:
    """An input as the call a reader would write (``bulk_discount(qty=10)``)."""
    inner = ", ".join(f"{k}={describe(v)}" for k, v in arguments.items() if v is not OMITTED)
    return f"{target_name}({inner})"


def warm_up(home: str) -> None:
    """Build Hypothesis's character tables once, in the worker, before it forks.

    They take seconds to compute and Hypothesis caches them under its home
    directory, which each sandboxed child moves to a fresh scratch directory:
    without this every child rebuilt them (8.7 of 10 s of a semver search).
    """
    from hypothesis import Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(home)
    quick = settings(database=None, max_examples=1, phases=[Phase.generate], deadline=None)
    for strategy in (st.text(), st.from_type(str), st.characters(codec="utf-8"), st.emails()):
        try:
            find(strategy, lambda _: True, settings=quick)
        except Exception:  # noqa: BLE001 - a warm-up only
            pass


def not_searched(budget: float) -> dict[str, Any]:
    return {
        "verdict": NOT_SEARCHED,
        "reason": f"the witness budget ({budget:g} s) was spent; raise --escape-witness-budget",
    }


def search_function(
    module: str,
    qualname: str,
    survivors: list[dict[str, Any]],
    run_tests: Callable[[], object],
    options: dict[str, Any],
    stream: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Search every survivor of one function; stream ``{"id": ..., "witness": {...}}`` per survivor."""
    started = time.monotonic()
    try:
        target = resolve(module, qualname)
    except NotCallable as e:
        for survivor in survivors:
            stream({"id": survivor["id"], "witness": {"verdict": UNEXPLORABLE, "reason": str(e)}})
        return {"done": True}
    observed = observe(module, qualname, run_tests)
    share = float(options["seconds_per_survivor"])
    sandbox.enter(cpu_seconds=share * len(survivors) + 30, root=options.get("sandbox_root"))
    guard = sandbox.Guard()
    caller = Caller(target, guard, float(options["call_timeout"]))
    for survivor in survivors:
        began = time.monotonic()
        if began > float(options.get("deadline", float("inf"))):
            stream({"id": survivor["id"], "witness": not_searched(options["budget"])})
            continue
        try:
            result = _search_one(target, module, qualname, survivor, caller, observed, options)
        except Exception as e:  # noqa: BLE001 - one survivor's failure must not cost the others
            where = traceback.extract_tb(e.__traceback__)[-1]
            result = {
                "verdict": UNEXPLORABLE,
                "reason": f"the search itself failed: {type(e).__name__}: {e} "
                f"({os.path.basename(where.filename)}:{where.lineno})",
            }
        result["seconds"] = round(time.monotonic() - began, 3)
        stream({"id": survivor["id"], "witness": result})
    return {"done": True, "seconds": round(time.monotonic() - started, 3)}


def _search_one(
    target: Target,
    module: str,
    qualname: str,
    survivor: dict[str, Any],
    caller: Caller,
    observed: list[dict[str, Any]],
    options: dict[str, Any],
) -> dict[str, Any]:
    """One survivor's finding (without its timing)."""
    mutant_id = survivor["id"]
    original = original_code(module, qualname)
    code = mutant_code(mutant_id, qualname)
    seeds = Seeds.from_code(
        [original, code],
        extra=global_constants(module, tuple(original.co_names) + tuple(code.co_names)),
    )
    try:
        strategy = call_strategy(target.function, target.owner, observed, seeds)
    except Unexplorable as e:
        return {"verdict": UNEXPLORABLE, "reason": str(e), "examples": 0}
    # a default value is evaluated at definition time: no line of the call shows it
    probe = None if survivor["in_signature"] else LineProbe(code, code.co_firstlineno + survivor["offset"])
    # never far past the stage's end: the last survivors get what is left
    left = float(options.get("deadline", float("inf"))) - time.monotonic()
    share = min(float(options["seconds_per_survivor"]), max(left, 0.2))
    # a function of nothing has one input: once is enough (semver's createparser)
    examples = int(options["examples"]) if target.signature.parameters else 1
    search = Search(caller, mutant_id, probe, share, examples, int(options["seed"]))
    finding = search.run(strategy)
    if finding.verdict == LIKELY_EQUIVALENT and options.get("backend") == "crosshair":
        finding = _symbolic(target, survivor["id"], search, finding, max(share, 2.0))
    result = finding_to_dict(finding)
    if finding.call is not None:
        result["input"] = describe_call(target.qualname, finding.call.as_dict())
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
                survivor["doc"],
            )
            result.update(test_name=test.name, test=test.source)
        except NotLiteral as e:
            result["test_dropped"] = f"not emitted: {e}"
    return result


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
        # its symbolic objects can behave in ways no real value does
        finding.reason = (
            f"{finding.reason}; CrossHair reported a difference at {found.arguments} that did not replay"
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
        )
    note = found.error or f"none found in {seconds:g} s"
    finding.reason = f"{finding.reason}; CrossHair: {note}"
    return finding


def verify_test(
    source: str, name: str, mutant: str | None, call_timeout: float, sandbox_root: str | None
) -> dict[str, Any]:
    """Run one emitted test under the original (``mutant=None``) or a mutant, sandboxed."""
    sandbox.enter(cpu_seconds=call_timeout * 4 + 10, root=sandbox_root)
    guard = sandbox.Guard()
    namespace: dict[str, Any] = {"__name__": "pytest_escape_regression"}
    try:
        exec(compile(source, f"<regression test {name}>", "exec"), namespace)  # noqa: S102
    except Exception as e:  # noqa: BLE001
        return {"outcome": "broken", "message": f"{type(e).__name__}: {e}"}
    activate(mutant)
    try:
        with sandbox.time_limit(call_timeout * 2), guard:
            namespace[name]()
    except sandbox.CallTimeout:
        return {"outcome": "failed", "message": "did not finish (the mutant hangs)"}
    except sandbox.SandboxViolation as e:
        return {"outcome": UNSAFE, "message": str(e)}
    except BaseException as e:  # noqa: BLE001 - a failing test is the point
        return {
            "outcome": "failed",
            "message": f"{type(e).__name__}: {str(e)[:200]}",
            # what a test marked xfail(raises=...) is judged by
            "exceptions": [c.__name__ for c in type(e).__mro__],
        }
    finally:
        activate(None)
    return {"outcome": "passed"}
