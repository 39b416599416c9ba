"""What a property child does: check one function's properties, one at a time.

It runs in a child forked by the mutation worker (the target modules
imported, every mutant switched off), records the arguments the function's
tests pass, enters the witness sandbox, and for each property asks
Hypothesis for the smallest valid input that breaks it.  A counter-example
counts only if it breaks the property again on two fresh calls.  Results are
streamed one property at a time: a child killed halfway loses only the one
it was on.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
import os
import random
import re
import sys
import time
import traceback
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any

from hypothesis import find
from hypothesis import strategies as st
from hypothesis.errors import Flaky, HypothesisException, NoSuchExample, Unsatisfiable

from ..execution.protocol import (
    PropertiesPlanned,
    PropertyCheck,
    PropertyFound,
    PropertyOptions,
    decode,
    to_json,
)
from ..inputs import sandbox
from ..inputs.calls import CLASSMETHOD, FUNCTION, STATICMETHOD, Caller, NotCallable, Target, fresh, resolve
from ..inputs.compare import HUNG, RAISED, RETURNED, CallOutcome, exception_text, same_value, show
from ..inputs.domain import Relation, learn, outside
from ..inputs.literals import OMITTED, NotLiteral, describe_call
from ..inputs.observe import global_constants, observe_calls
from ..inputs.recorded import Call
from ..inputs.sandbox import Allowance
from ..inputs.strategies import (
    Seeds,
    Unexplorable,
    call_strategy,
    hypothesis_settings,
    type_hints,
    unique_calls,
)
from ..inputs.structured import structured
from ..model import (
    CONTRACT,
    CRASH,
    DETERMINISM,
    HELD,
    IDEMPOTENCE,
    NOT_CHECKED,
    ROUND_TRIP,
    VIOLATED,
    PropertyKind,
    PropertyResult,
)
from ..mutation.mutmut_adapter import activate, original_code, original_function
from . import contracts, infer
from .regression import render


class _OutOfTime(BaseException):
    """This property's share of the budget is spent: keep the best input so far."""


@dataclass
class Broken:
    """What one input did to a property."""

    #: what the code did, in words
    observed: str
    #: the exception the regression test will raise today (``AssertionError`` for a wrong value)
    raises: BaseException | None = None
    #: property-specific facts the test is written from
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """One function under check, with what every property needs."""

    target: Target
    caller: Caller
    strategy: Any
    plan: infer.Plan
    options: PropertyOptions
    project: Callable[[str], bool]
    #: inputs for the crash check: generated only where a hint vouches for the
    #: type (else None, with ``untyped`` saying why)
    typed_strategy: Any = None
    untyped: str = ""
    #: the return annotation (contract)
    hint: Any = None
    #: the parameter a round trip or a normaliser transforms, and the types its
    #: hint names (``str | bytes``: either kind is accepted, one is given back)
    data: str = ""
    data_types: tuple[type, ...] = ()
    #: inputs with only ``data`` set, every other parameter at its default: a
    #: normaliser or a codec promises its property with its default settings
    data_strategy: Any = None
    #: the tests' own calls, and the string literals of the code under check
    #: (structured inputs for a round trip or a normaliser grow from them)
    observed: list[dict[str, Any]] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    #: set when no test calls the function itself: it is checked only on the
    #: inputs the project's own code passed it, and the results say so
    callers_only: str = ""
    #: what every call the tests made kept to (``inputs.domain``)
    domain: tuple[Relation, ...] = ()
    #: a round trip's partner, and the parameter it takes
    backward: Caller | None = None
    backward_parameter: str = ""
    #: calls that ran past the per-call time limit, and all calls, for this property
    hung: int = 0
    calls: int = 0
    #: calls whose input could not be built or bound (the first such error, told)
    unbuilt: int = 0
    unbuilt_first: str | None = None

    def call(self, call: Call, caller: Caller | None = None) -> CallOutcome:
        outcome = (caller or self.caller)(call, None)
        self.calls += 1
        if outcome.kind == HUNG:
            self.hung += 1
        if outcome.in_setup:
            self.unbuilt += 1
            if self.unbuilt_first is None and outcome.error is not None:
                self.unbuilt_first = exception_text(outcome.error)
        return outcome


def _unwrap(function: FunctionType) -> FunctionType:
    """The function running its original code whatever mutant is on (the
    function itself if it is not under test)."""
    try:
        found = original_function(function.__module__, function.__qualname__)
    except Exception:  # noqa: BLE001 - not a function under test: its own body is the body
        return function
    return found if isinstance(found, FunctionType) else function


def _data_parameter(target: Target) -> str | None:
    """The parameter a round trip or a normaliser transforms: the first one,
    ``self`` for a method, with every other parameter optional."""
    params = list(target.signature.parameters.values())
    if not params or params[0].kind in (params[0].VAR_POSITIONAL, params[0].VAR_KEYWORD):
        return None
    rest = params[1:]
    if any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in rest):
        return None
    return params[0].name


def _equal(a: Any, b: Any) -> bool | None:
    """``a == b``, or None when ``==`` cannot judge (NaN inside, equality by identity)."""
    if getattr(type(a), "__eq__", None) is object.__eq__ or (callable(a) and not isinstance(a, type)):
        return None  # equal only to itself: a plain object, a function, a bound method (d.items)
    try:
        if not bool(a == copy.deepcopy(a)):
            return None
        if bool(a == b):
            return True
    except Exception:  # noqa: BLE001 - a broken __eq__ or an uncopyable value
        return None
    # deepcopy keeps a float as it is, so [nan] == deepcopy([nan]); a fresh nan is
    # not equal to it, yet the two values are the same
    return None if same_value(a, b) else False


def _rejects(error: BaseException, ctx: Context, call: Call) -> bool:
    """The function raised ``error`` on purpose (or as Python's way of saying
    "right type, wrong value"), not because it broke."""
    if isinstance(error, KeyError) and error.args and _given(error.args[0], call):
        return True  # the key asked for was the caller's: pluck(rows, key='0') on rows without it
    if not isinstance(error, Exception) or isinstance(error, NotImplementedError):
        return True  # SystemExit (a CLI's usage error), KeyboardInterrupt...
    if isinstance(error, (OSError, ImportError, RecursionError, MemoryError, OverflowError)):
        return True  # the world outside (stdin, a missing optional module) or the machine's limits
    names = {c.__name__ for c in type(error).__mro__}
    if names & ctx.plan.documented:
        return True
    if infer.raised_on_purpose(error, ctx.project):
        return True
    # undocumented, a ValueError is how Python rejects a value of the right type
    # (int("x")), and re.error how it rejects a string that is no pattern; a
    # function that documents its errors promises no others
    return not ctx.plan.documented and isinstance(error, (ValueError, re.error))


def _given(value: Any, call: Call) -> bool:
    """Whether ``value`` is one of the call's arguments, as passed."""
    for _, argument in call.arguments:
        try:
            if type(argument) is type(value) and bool(argument == value):
                return True
        except Exception:  # noqa: BLE001 - a broken __eq__ says nothing
            continue
    return False


def _expected_errors(ctx: Context) -> str:
    documented = sorted(ctx.plan.documented)
    if documented:
        return f"a value, or one of the errors it documents ({', '.join(documented)})"
    return "a value, or an error it raises on purpose"


# -- the properties ------------------------------------------------------


_UNBUILT = object()


def _input(call: Call, name: str) -> Any:
    """A fresh copy of one argument, or ``_UNBUILT`` if its constructor refuses."""
    try:
        return fresh(call.as_dict()[name])
    except Exception:  # noqa: BLE001 - the call itself would have failed in setup
        return _UNBUILT


def _crash(ctx: Context, call: Call) -> Broken | None:
    outcome = ctx.call(call)
    if (
        outcome.kind != RAISED
        or outcome.in_setup
        or outcome.error is None
        or _rejects(outcome.error, ctx, call)
    ):
        return None
    return Broken(f"raises {exception_text(outcome.error)}", outcome.error)


def _contract(ctx: Context, call: Call) -> Broken | None:
    outcome = ctx.call(call)
    if outcome.kind != RETURNED:
        return None
    try:
        found = contracts.violation(outcome.value, ctx.hint)
    except contracts.Unjudgeable:
        return None
    if found is None:
        return None
    return Broken(f"returns {show(outcome.value)}: {found.describe()}", facts={"violation": found})


def _determinism(ctx: Context, call: Call) -> Broken | None:
    first = ctx.call(call)
    try:
        # the second call may change what the first returned (a shared default list)
        answer = copy.deepcopy(first.value)
    except Exception:  # noqa: BLE001 - uncopyable: compare what is left of it
        answer = first.value
    second = ctx.call(call)
    if HUNG in (first.kind, second.kind) or first.in_setup or second.in_setup:
        return None
    if first.kind == second.kind == RETURNED:
        if _equal(answer, second.value) is not False:
            return None
        first.value = answer
    elif first.kind == second.kind == RAISED:
        if type(first.error) is type(second.error):
            return None
    raised = first.error if first.kind == RAISED else second.error if second.kind == RAISED else None
    return Broken(f"first {_brief(first)}, then {_brief(second)}", raised)


def _round_trip(ctx: Context, call: Call) -> Broken | None:
    data = ctx.data
    encoded = ctx.call(call)
    if encoded.kind != RETURNED:
        return None  # the crash check's business
    backward = ctx.backward
    assert backward is not None
    decoded = ctx.call(Call(((ctx.backward_parameter, encoded.value),)), backward)
    if decoded.kind == HUNG or decoded.in_setup:
        return None
    partner = backward.target.qualname
    if decoded.kind == RAISED:
        assert decoded.error is not None
        return Broken(
            f"{ctx.target.qualname} returns {show(encoded.value)}, which {partner} cannot read: "
            f"it raises {exception_text(decoded.error)}",
            decoded.error,
        )
    value = _input(call, data)
    if value is _UNBUILT or _equal(decoded.value, value) is not False:
        return None
    if type(decoded.value) is not type(value) and type(decoded.value) in ctx.data_types:
        # it takes str or bytes, and gives bytes back: a str is not what it
        # promises to return, only what it accepts (base58's b58encode)
        return None
    return Broken(
        f"{ctx.target.qualname} returns {show(encoded.value)}, and {partner} turns that into "
        f"{show(decoded.value)}, not the input back"
    )


def _idempotence(ctx: Context, call: Call) -> Broken | None:
    data = ctx.data
    once = ctx.call(call)
    if once.kind != RETURNED:
        return None
    given = _input(call, data)
    if given is _UNBUILT or type(once.value) is not type(given):
        return None  # its output is not an input of the same kind: idempotence does not apply
    again = Call(tuple((k, once.value if k == data else v) for k, v in call.arguments))
    twice = ctx.call(again)
    if twice.kind == HUNG or twice.in_setup:
        return None
    if twice.kind == RAISED:
        assert twice.error is not None
        return Broken(
            f"returns {show(once.value)}, and raises {exception_text(twice.error)} on that", twice.error
        )
    if _equal(twice.value, once.value) is not False:
        return None
    return Broken(f"returns {show(once.value)}, and {show(twice.value)} when given that")


_CHECKS: dict[str, Callable[[Context, Call], Broken | None]] = {
    CRASH: _crash,
    CONTRACT: _contract,
    DETERMINISM: _determinism,
    ROUND_TRIP: _round_trip,
    IDEMPOTENCE: _idempotence,
}
#: what each property expects, for the report
_EXPECTED: dict[str, str] = {
    CONTRACT: "a value of its return annotation",
    DETERMINISM: "the same outcome for the same input",
    ROUND_TRIP: "the input back",
    IDEMPOTENCE: "its own output back unchanged",
}


#: the tests' calls a function must give back unchanged, at most, before it
#: is checked as a normaliser: each costs two calls
NORMALISER_CALLS = 20


def normalises(caller: Caller, observed: list[dict[str, Any]], data: str, seconds: float) -> int:
    """How many of its tests' ``data`` values the function changed and then gave
    back unchanged (``f(f(x)) == f(x) != x``); 0 as soon as one is not (its
    output is another kind of value, or a second call changes it again).

    Names miss normalisers (``squeeze_spaces``, ``tidy_tag``); behaviour does
    not: a function that takes a value and returns one of the same kind, and
    settles every value its tests give it, is a normaliser on their evidence.
    ``shout(s) -> s + "!"`` or ``reverse`` change their output again, and are
    left alone.
    """
    changed = 0
    deadline = time.monotonic() + seconds
    for arguments in unique_calls(observed)[:NORMALISER_CALLS]:
        if data not in arguments or time.monotonic() > deadline:
            continue
        call = Call.recorded(arguments)
        given = _input(call, data)
        once = caller(call, None)
        if once.kind != RETURNED or given is _UNBUILT or type(once.value) is not type(given):
            return 0
        again = Call(tuple((k, once.value if k == data else v) for k, v in call.arguments))
        twice = caller(again, None)
        if twice.kind != RETURNED or _equal(twice.value, once.value) is not True:
            return 0
        changed += _equal(once.value, given) is False
    return changed


def _brief(outcome: CallOutcome) -> str:
    text = outcome.describe()
    return text if len(text) <= 90 else text[:87] + "..."


# -- the search ----------------------------------------------------------


@dataclass
class _Searched:
    #: the smallest input found to break the property inside ``domain``, or None
    call: Call | None
    tried: int
    #: why it stopped early
    note: str | None = None
    #: the first input that broke it outside ``domain``
    stray: Call | None = None


def _search(ctx: Context, prop: str, seconds: float, domain: tuple[Relation, ...] = ()) -> _Searched:
    """Search for an input that breaks ``prop``; one outside ``domain`` (what
    every call the tests made kept to) is kept aside as ``stray`` while the
    search goes on for one inside."""
    check = _CHECKS[prop]
    deadline = time.monotonic() + seconds
    tried = 0
    best: list[Call] = []
    strays: list[Call] = []

    def broken(call: Call) -> bool:
        nonlocal tried
        if time.monotonic() > deadline:
            raise _OutOfTime()
        tried += 1
        if check(ctx, call) is None:
            return False
        if domain and outside(domain, call.as_dict()):
            strays.append(call)
            return False
        best.append(call)
        return True

    def searched(call: Call | None, note: str | None = None) -> _Searched:
        return _Searched(call, tried, note, strays[0] if strays else None)

    options = ctx.options
    examples = options.examples if ctx.target.signature.parameters else 1
    rng = random.Random(f"{options.seed}:{ctx.target.module}.{ctx.target.qualname}:{prop}")
    typed = ctx.typed_strategy
    by_kind: dict[str, Any] = {
        ROUND_TRIP: ctx.data_strategy,
        IDEMPOTENCE: ctx.data_strategy,
        CRASH: typed,
        CONTRACT: typed,
    }
    strategy = by_kind.get(prop, ctx.strategy)
    try:
        return searched(find(strategy, broken, settings=hypothesis_settings(examples), random=rng))
    except (NoSuchExample, Unsatisfiable):
        return searched(None)
    except _OutOfTime:
        return searched(best[-1] if best else None, None if best else "time budget spent")
    except Flaky:
        # a violation seen once and not again: the confirmation below decides
        return searched(best[-1] if best else None)
    except HypothesisException as e:
        return searched(None, f"hypothesis could not generate inputs: {e}".splitlines()[0])


def _result(
    prop: str, outcome: str, reason: str | None, plan: infer.Plan | None, **fields: Any
) -> dict[str, Any]:
    """One property's result.  ``retry=True`` marks one that time or chance
    decided (a spent budget, a hang, a violation that did not repeat): the
    cache keeps no function's results with such a one, so the next run checks
    again."""
    partner = plan.partner if plan is not None and prop == ROUND_TRIP else None
    return {"property": prop, "outcome": outcome, "reason": reason, "partner": partner, **fields}


def _check_one(ctx: Context, prop: str, seconds: float) -> dict[str, Any]:
    ctx.hung = ctx.calls = ctx.unbuilt = 0
    ctx.unbuilt_first = None
    plan = ctx.plan
    try:
        first = _search(ctx, prop, seconds, ctx.domain)
        call, tried, note, away = first.call, first.tried, first.note, None
        if call is None and first.stray is not None:
            # broken only outside what the tests' calls kept to: searched again
            # without that, so the input shrinks as any other, and said so
            again = _search(ctx, prop, seconds / 2)
            call, tried = again.call or first.stray, tried + again.tried
            away = ", ".join(outside(ctx.domain, call.as_dict())) or None
        # a counter-example counts if it breaks the property on two fresh tries
        seen = [] if call is None else [_CHECKS[prop](ctx, call), _CHECKS[prop](ctx, call)]
    except sandbox.SandboxViolation as e:
        return _result(prop, NOT_CHECKED, f"the sandbox refused {e}", plan)
    if ctx.calls and ctx.hung == ctx.calls:
        why = f"every call ran past the time limit ({ctx.caller.timeout:g} s)"
        return _result(prop, NOT_CHECKED, why, plan, examples=tried, retry=True)
    if ctx.calls and ctx.unbuilt == ctx.calls:
        # no input was ever made: holding on none of them is no evidence
        why = f"no input could be built ({ctx.unbuilt_first})"
        return _result(prop, NOT_CHECKED, why, plan, examples=tried)
    if call is None:
        if tried == 0:
            return _result(prop, NOT_CHECKED, note or "no input could be built", plan)
        held = "; ".join(x for x in (note, plan.by_behaviour.get(prop), ctx.callers_only) if x) or None
        return _result(prop, HELD, held, plan, examples=tried)
    broken = seen[-1]
    if broken is None or seen[0] is None:
        why = "a violation appeared once and did not repeat"
        return _result(prop, NOT_CHECKED, why, plan, examples=tried, retry=True)
    expected = _expected_errors(ctx) if prop == CRASH else _EXPECTED[prop]
    if prop in plan.by_behaviour:
        expected += f", {plan.by_behaviour[prop]}"
    if ctx.callers_only:
        expected += f", {ctx.callers_only}"
    found = _result(
        prop,
        VIOLATED,
        expected,
        plan,
        examples=tried,
        input=describe_call(ctx.target.qualname, call.as_dict()),
        observed=broken.observed,
        outside=away,
    )
    backward = ctx.backward.target if prop == ROUND_TRIP and ctx.backward is not None else None
    try:
        test = render(
            ctx.target, prop, call, broken.raises, broken.facts, ctx.data, backward, broken.observed, expected
        )
    except NotLiteral as e:
        found["test_dropped"] = f"not emitted: {e}"
    else:
        found.update(test_name=test.name, test=test.source, raises=test.raises)
    return found


# -- the child -----------------------------------------------------------


def _valid(original: Callable[..., Any], observed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tests' calls whose every argument fits its type hint: a test may pass
    ``max_length=1.5`` to see it refused, and a call that returned anyway is not
    a caller's valid input."""
    hints = type_hints(original)

    def fits(name: str, value: Any) -> bool:
        if name not in hints:
            return True
        try:
            return contracts.violation(value, hints[name]) is None
        except contracts.Unjudgeable:
            return True

    return [call for call in observed if all(fits(k, v) for k, v in call.items())]


def _replayable(caller: Caller, observed: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    """The tests' calls that still return when made here, outside their tests.

    A call that raises or hangs here depended on what its test set up (a
    context entered, a module patched, a fixture's state); inputs drawn from
    it would report that as the function's crash.
    """
    kept = []
    deadline = time.monotonic() + seconds
    for call in unique_calls(observed):
        if time.monotonic() > deadline:
            kept.append(call)  # no time left to try it: given the benefit of the doubt
            continue
        try:
            outcome = caller(Call.recorded(call), None)
        except sandbox.SandboxViolation:
            kept.append(call)  # the checks meet the refusal too, and say so
            continue
        if outcome.kind == RETURNED:
            kept.append(call)
    return kept


#: what the results of a function no test calls itself say
CALLERS_ONLY = "on the inputs the project's own code passed it (no test calls it directly)"


def _test_files(tests: tuple[str, ...], root: str) -> Callable[[str], bool]:
    """Whether a code object's file is one of ``tests``' files (a doctest's
    examples are compiled as ``<doctest ...>``)."""
    files = {os.path.realpath(os.path.join(root, test.split("::")[0])) for test in tests}

    @functools.cache
    def judge(filename: str) -> bool:
        return filename.startswith("<doctest ") or os.path.realpath(filename) in files

    return judge


def _return_hint(original: Callable[..., Any]) -> Any:
    """The return annotation if ``contracts`` can judge it, else None."""
    hints = type_hints(original)
    if hints.get("return", Any) in (Any, object) or inspect.isgeneratorfunction(original):
        return None  # nothing to hold it to
    try:
        contracts.check_hint(hints["return"])
    except contracts.Unjudgeable:
        return None
    return hints["return"]


def check_function(
    entry: PropertyCheck,
    run_tests: Callable[[], object],
    options: PropertyOptions,
    allowance: Allowance,
    stream: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Check every property of one function; stream its ``PropertiesPlanned``,
    then a ``PropertyFound`` per property."""
    module, qualname = entry.module, entry.function

    def planned(properties: list[str]) -> None:
        stream(to_json(PropertiesPlanned(tuple(PropertyKind(p) for p in properties))))

    def found(fields: dict[str, Any]) -> None:
        fields = dict(fields)
        retry, raises = bool(fields.pop("retry", False)), fields.pop("raises", None)
        result = decode(PropertyResult, {"module": module, "function": qualname, **fields})
        stream(to_json(PropertyFound(result, retry, raises)))

    started = time.monotonic()
    activate(None)
    try:
        target = resolve(module, qualname)
        original = original_function(module, qualname)
        if target.setter:
            # what it does is the state it leaves, which its getter's checks read
            raise NotCallable(f"{target.callee} is a property's setter: properties are checked on functions")
    except (NotCallable, KeyError) as e:
        planned([CRASH])
        found(_result(CRASH, NOT_CHECKED, str(e), None))
        return {"done": True}
    project = infer.in_project(options.root)
    plan = infer.plan(
        sys.modules[module], qualname, original, list(entry.siblings), options.config, project, _unwrap
    )
    hint = _return_hint(original) if CONTRACT in plan.properties else None
    if hint is None and CONTRACT in plan.properties:
        plan.properties.remove(CONTRACT)  # no annotation it can judge: nothing to hold it to
    planned(plan.properties + list(plan.left_out))
    for prop, reason in plan.left_out.items():
        found(_result(prop, NOT_CHECKED, reason, plan))
    if not plan.properties:
        return {"done": True}
    if allowance.spent():
        spent = f"the property budget ({options.budget:g} s) was spent; raise --escape-property-budget"
        for prop in plan.properties:
            found(_result(prop, NOT_CHECKED, spent, plan, retry=True))
        return {"done": True}
    recorded_calls = observe_calls(module, qualname, run_tests, True, _test_files(entry.tests, options.root))
    observed = _valid(original, recorded_calls.calls)
    code = original_code(module, qualname)
    seeds = Seeds.from_code([code], extra=global_constants(module, tuple(code.co_names)))
    share = allowance.seconds_each
    sandbox.enter(cpu_seconds=share * 2 + 30, root=allowance.sandbox_root)
    caller = Caller(target, sandbox.Guard(), options.call_timeout)
    recorded = len(unique_calls(observed))
    observed = _replayable(caller, observed, share / 4)
    data = _data_parameter(target)
    if data is not None and plan.may_add(IDEMPOTENCE, f"{module}.{qualname}", options.config):
        changed = normalises(caller, observed, data, share / 8)
        if changed:
            plan.properties.append(IDEMPOTENCE)
            values = "the value" if changed == 1 else f"each of the {changed} values"
            plan.by_behaviour[IDEMPOTENCE] = (
                f"as for {values} its tests passed (a normaliser by what it does, whatever its name)"
            )
            planned(plan.properties + list(plan.left_out))  # the parent keeps the latest plan
    callers_only = ""
    try:
        if observed and not recorded_calls.direct:
            # only the project's own code calls it: its inputs must meet what those
            # callers guarantee (an index into the container they pass with it),
            # which no hint says, so it is held to the inputs they passed
            callers_only = CALLERS_ONLY
            strategy = st.sampled_from([Call.recorded(c) for c in observed])
        else:
            strategy = call_strategy(target.function, target.owner, observed, seeds, valid_only=True)
    except Exception as e:  # noqa: BLE001 - Unexplorable, or a hint Hypothesis chokes on
        unbuilt = str(e) if isinstance(e, Unexplorable) else f"{type(e).__name__}: {e}"
        if len(observed) < recorded:
            unbuilt += (
                f" ({recorded - len(observed)} of the tests' {recorded} calls were left out: "
                "made outside their tests, they fail, so they depend on what the tests set up)"
            )
        for prop in plan.properties:
            found(_result(prop, NOT_CHECKED, f"no valid input can be generated: {unbuilt}", plan))
        return {"done": True}
    ctx = Context(
        target,
        caller,
        strategy,
        plan,
        options,
        project,
        hint=hint,
        observed=observed,
        constants=seeds.strings,
        callers_only=callers_only,
        domain=learn(observed, target.arguments),
    )
    if callers_only:
        ctx.typed_strategy = strategy
    elif CRASH in plan.properties or CONTRACT in plan.properties:
        # a crash or a broken contract must come from a type-valid input, so no
        # guessing at types the code does not name: the other checks hold for
        # any value at all
        try:
            ctx.typed_strategy = call_strategy(
                target.function, target.owner, observed, seeds, typed_only=True
            )
        except Exception as e:  # noqa: BLE001 - as above
            ctx.untyped = str(e) if isinstance(e, Unexplorable) else f"{type(e).__name__}: {e}"
    checks = list(plan.properties)
    for index, prop in enumerate(checks):
        began = time.monotonic()
        left = allowance.deadline - began
        seconds = min(share - (began - started), left) / max(len(checks) - index, 1)
        try:
            why = _prepare(ctx, prop)
            result = (
                _result(prop, NOT_CHECKED, why, plan) if why else _check_one(ctx, prop, max(seconds, 0.2))
            )
        except BaseException as e:  # noqa: BLE001 - one property's failure must not cost the others
            where = traceback.extract_tb(e.__traceback__)[-1]
            failed = f"the check itself failed: {type(e).__name__}: {e} (line {where.lineno})"
            result = _result(prop, NOT_CHECKED, failed, plan, retry=True)
        result["seconds"] = round(time.monotonic() - began, 3)
        found(result)
    return {"done": True}


def _prepare(ctx: Context, prop: str) -> str | None:
    """Set up what ``prop`` needs; the reason it cannot be checked, or None."""
    if prop in (CRASH, CONTRACT) and ctx.typed_strategy is None:
        return f"no type-valid input can be generated: {ctx.untyped}"
    if prop not in (ROUND_TRIP, IDEMPOTENCE):
        return None
    data = _data_parameter(ctx.target)
    if data is None:
        return "it takes more than one required argument"
    ctx.data = data
    hint = type_hints(ctx.target.function).get(data)
    ctx.data_types = tuple(t for t in typing.get_args(hint) if isinstance(t, type) and t is not type(None))
    default = ctx.target.signature.parameters[data].default
    alone = ctx.strategy.map(
        # a default left out is still the input the property is about: spell it out
        lambda call: Call(tuple((k, default if v is OMITTED else v) for k, v in call.arguments if k == data))
    )
    constants = list(ctx.constants)
    if prop == ROUND_TRIP:
        why = _partner(ctx)
        if why is not None:
            return why
        module, qualname = _split(ctx.plan.partner or "")
        with contextlib.suppress(Exception):  # not under test: its literals are a bonus
            constants += Seeds.from_code([original_code(module, qualname)]).strings
    grown = (
        None
        if ctx.callers_only
        else structured([call[data] for call in ctx.observed if data in call], constants)
    )
    ctx.data_strategy = alone if grown is None else st.one_of(alone, grown.map(lambda v: Call(((data, v),))))
    return None


def _partner(ctx: Context) -> str | None:
    """Resolve a round trip's partner into ``ctx``; the reason it cannot be called, or None."""
    module, qualname = _split(ctx.plan.partner or "")
    try:
        backward = resolve(module, qualname)
    except NotCallable as e:
        return f"its partner cannot be called: {e}"
    if backward.kind not in (FUNCTION, STATICMETHOD, CLASSMETHOD):
        return f"its partner {qualname} is an instance method"
    backward_data = _data_parameter(backward)
    if backward_data is None:
        return f"its partner {qualname} takes more than one required argument"
    ctx.backward = Caller(backward, ctx.caller.guard, ctx.caller.timeout)
    ctx.backward_parameter = backward_data
    return None


def _split(full: str) -> tuple[str, str]:
    """``module.Class.name`` -> (module, "Class.name"), the module being the longest imported prefix."""
    parts = full.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module in sys.modules:
            return module, ".".join(parts[cut:])
    return "", full
