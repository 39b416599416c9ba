"""Per-function labels and per-test verdicts, folded from the kill data.

The dynamic evidence decides: a function whose extreme mutant survives is
pseudo-tested; a test that ran against mutants of the code it executes and
never failed on one *by a check* only confirms what the code already does.
The static smells of the test's own source are attached to explain why.

Failures are split in two because a test with no assertion still fails when
a mutant makes the code crash under it (``None.year``): that is the code
noticing, not the test.  A failure counts as a check when its exception is
an ``AssertionError`` or pytest's ``Failed`` (``pytest.raises``/``warns``/
``fail``), or when it was raised from a line of the test file that holds a
check (``assert parse(s).year == 2000`` with ``parse`` returning None).
"""

from __future__ import annotations

from collections import defaultdict

from ..doctests import OUTPUT_MISMATCH
from ..model import (
    CHECKS,
    CONFIRMING_ONLY,
    KILLED,
    NO_COVERAGE,
    NOT_COVERED,
    PARTIALLY_TESTED,
    PROVEN_EQUIVALENT,
    PSEUDO_TESTED,
    SURVIVED,
    TESTED,
    FunctionResult,
    Kill,
    MutantResult,
    Results,
    SmellInfo,
    TestInfo,
    TestVerdict,
)
from ..wording import plural, some_names
from .smells import check_lines, smells

#: exception types that only a check raises (a doctest's ``DocTestFailure`` is an
#: example whose printed output differs from the expected one; its
#: ``UnexpectedException`` is the code crashing under the example)
CHECK_EXCEPTIONS = frozenset({"AssertionError", "Failed", OUTPUT_MISMATCH})


def assess(results: Results, test_sources: dict[str, str]) -> None:
    """Fill in kill kinds, function labels, per-test verdicts and smells.

    ``test_sources`` maps a test file (as in ``TestInfo.file``) to its text.
    """
    # a doctest's file is the module it documents: its lines are no test's checks
    files = {t.id: t.file for t in results.tests if not t.doctest}
    for mutant in results.all_mutants():
        for kill in mutant.kills:
            kill.by_check = _is_check(kill, test_sources.get(files.get(kill.test, ""), ""))
    executes = _fold(results)
    for test in results.tests:
        source = test_sources.get(test.file)
        if source is not None and not test.doctest:
            units = frozenset(f.name for f in executes.get(test.id, ()))
            try:
                found = smells(source, _test_name(test.id), units)
            except SyntaxError:
                found = []
            test.smells = [SmellInfo(s.tag, s.line, s.detail) for s in found]


def reassess(results: Results) -> None:
    """Recompute function labels and per-test verdicts from kills already classified.

    For results put together from parts (merged shards), where the test
    sources are gone: each ``Kill.by_check`` and each test's smells stay as
    they were.
    """
    _fold(results)


def _fold(results: Results) -> dict[str, list[FunctionResult]]:
    """Labels, ``TestInfo.functions`` and verdicts; returns test id -> the functions it executes."""
    regular: dict[tuple[str, str], list[MutantResult]] = defaultdict(list)
    for mutant in results.mutants:
        regular[mutant.module, mutant.function].append(mutant)
    for function in results.functions:
        if not function.covered_by:
            function.covered_by = _seen_by_kills(function, regular[function.module, function.name])
        _label(function, regular[function.module, function.name])
    executes: dict[str, list[FunctionResult]] = defaultdict(list)
    for function in results.functions:
        for test_id in function.covered_by:
            executes[test_id].append(function)
    for test in results.tests:
        test.functions = [f.qualname for f in executes.get(test.id, ())]
    _judge(results, executes)
    return executes


def _is_check(kill: Kill, source: str) -> bool:
    return is_check(kill.exception, kill.line, source)


def is_check(exception: str | None, line: int | None, source: str) -> bool:
    """Did a test fail in a check: the exception a check raises, or any
    exception raised through a line of ``source`` (its file) that holds one?"""
    if exception in CHECK_EXCEPTIONS:
        return True
    return line is not None and bool(source) and line in _lines(source)


def _lines(source: str) -> frozenset[int]:
    try:
        return check_lines(source)
    except SyntaxError:
        return frozenset()


def _test_name(nodeid: str) -> str:
    """``tests/t.py::TestX::test_y[1-2]`` -> ``TestX.test_y`` (what ``smells`` looks up)."""
    parts = nodeid.split("::")[1:]
    if parts:
        parts[-1] = parts[-1].partition("[")[0]
    return ".".join(parts[-2:])


def _seen_by_kills(function: FunctionResult, regular: list[MutantResult]) -> list[str]:
    """The tests that ran a function coverage saw no test run: those that
    killed one of its mutants run against tests coverage could not see
    through (``blind_spots.BlindSpots``; such a mutant has no ``covered_by``)."""
    return sorted(
        {
            m.killed_by
            for m in (*regular, *function.extremes)
            if m.status == KILLED and m.killed_by and not m.covered_by
        }
    )


def _label(function: FunctionResult, regular: list[MutantResult]) -> None:
    survivors = [
        m
        for m in regular
        if m.status == SURVIVED and not (m.witness is not None and m.witness.verdict == PROVEN_EQUIVALENT)
    ]
    function.mutants = len(regular)
    function.survived = len(survivors)
    extreme = function.extreme
    extremes = function.extremes
    if not function.covered_by:
        function.label = NOT_COVERED
        function.reason = (
            extreme.status_reason if extreme is not None else None
        ) or "no test executes its body"
    elif extremes and all(x.status == SURVIVED for x in extremes):
        # every extreme: a test that expects exactly one of them (0 from
        # clamp(-5, 0, 10)) fails under the other
        tests = len(set().union(*(x.passed_by for x in extremes)))
        replaced = " or by ".join(f"'{x.replacement.splitlines()[0]}'" for x in extremes)
        function.label = PSEUDO_TESTED
        function.reason = (
            f"{'its test passes' if tests == 1 else f'all {tests} covering tests pass'} "
            f"when its body is replaced by {replaced}"
        )
    elif survivors:
        function.label = PARTIALLY_TESTED
        function.reason = f"{len(survivors)} of {plural(len(regular), 'mutant')} survive"
        if any(x.status == KILLED for x in extremes):
            function.reason += " (removing its body is noticed)"
    else:
        function.label, function.reason = TESTED, None
        if extreme is not None and extreme.status == NO_COVERAGE and not regular:
            function.label, function.reason = NOT_COVERED, extreme.status_reason


def _judge(results: Results, executes: dict[str, list[FunctionResult]]) -> None:
    run: dict[str, int] = defaultdict(int)
    killed: dict[str, int] = defaultdict(int)
    by_check: dict[str, int] = defaultdict(int)
    crashes: dict[str, set[str]] = defaultdict(set)
    for mutant in results.all_mutants():
        for test_id in mutant.passed_by:
            run[test_id] += 1
        for kill in mutant.kills:
            run[kill.test] += 1
            killed[kill.test] += 1
            if kill.by_check:
                by_check[kill.test] += 1
            else:
                crashes[kill.test].add(kill.exception or "an error")
    for test in results.tests:
        test.mutants_run, test.mutants_killed, test.killed_by_check = (
            run[test.id],
            killed[test.id],
            by_check[test.id],
        )
        test.verdict, test.reason = _verdict(test, results, executes.get(test.id, []), crashes[test.id])


#: how the reason of a test that was judged, and not flagged for want of evidence, starts
NOT_FLAGGED = "not flagged: "


def _verdict(
    test: TestInfo, results: Results, functions: list[FunctionResult], crashes: set[str]
) -> tuple[TestVerdict | None, str | None]:
    if test.id in results.excluded_tests:
        return None, f"left out of mutant runs: {results.excluded_tests[test.id]}"
    if not functions:
        return None, "executes no target function"
    if test.mutants_run == 0:
        return None, "was not run against any mutant"
    if test.killed_by_check:
        return CHECKS, None
    unsettled = [
        f.name
        for f in functions
        for x in f.extremes
        if x.status not in (SURVIVED, KILLED, NO_COVERAGE)
        and test.id not in x.passed_by
        and all(k.test != test.id for k in x.kills)
    ]
    if unsettled:
        # a timed-out or crashed run of the extreme mutant hides whether this
        # test noticed; one it hung in is a kill by its timeout, as a crash is
        return None, f"the run against the extreme mutant of {unsettled[0]} gave no per-test verdict"
    names = [f.qualname for f in functions]
    runs = " and ".join(names) if len(names) <= 2 else f"{', '.join(names[:2])} and {len(names) - 2} more"
    reason = f"runs {runs} ({plural(test.mutants_run, 'mutant')}), "
    if test.mutants_killed:
        kinds = ", ".join(sorted(crashes))
        reason += f"fails on {test.mutants_killed} only by crashing ({kinds}), never in a check"
    else:
        reason += "fails on none"
    if test.evidence is None:
        # a candidate, not a finding: the mutants it met may all have crashed
        # first, or changed nothing on its own inputs (clamp(-5, 0, 10) is 0
        # under "return 0" too)
        return None, (
            f"{NOT_FLAGGED}it {reason}, but no mutant it passed under was seen to change "
            "a result of its own calls"
        )
    return CONFIRMING_ONLY, f"{reason}; it {test.evidence.text()}, and the test passed"


def unmapped_tests_warning(results: Results) -> str | None:
    """The tests that run none of the mutated functions, when there are any:
    they can notice no mutant, so none of their verdicts is in the score."""
    alone = [t.id for t in results.tests if not t.functions and t.id not in results.excluded_tests]
    if not alone:
        return None
    return (
        f"{plural(len(alone), 'test')} run{'s' if len(alone) == 1 else ''} no mutated function, "
        f"so no mutant can reach {'it' if len(alone) == 1 else 'them'}: "
        f"{some_names(alone, 'x-escape.tests')}"
    )
