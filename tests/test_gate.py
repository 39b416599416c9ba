"""The gate on results values: the baseline ratchet and module thresholds.

The end-to-end tests (test_gate_for_teams.py) show each rule once through a
real run; the cases around them are decided here, on ``Results`` built by
hand, in milliseconds.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pytest_escape.gate import EscapeExit, Ratchet, judge
from pytest_escape.model import KILLED, SURVIVED, MutantResult, MutantStatus, Results

BASELINE = Path("escape-baseline.json")


def mutant(
    module: str, number: int, status: MutantStatus, line: str = "return amount >= 100"
) -> MutantResult:
    return MutantResult(
        id=f"{module}.x_f__mutmut_{number}", module=module, file=f"{module.replace('.', '/')}.py",
        function="f", operator="comparison", line=number, column=4, end_line=number, end_column=20,
        original=">=", replacement=">", before=[f"    {line}"], after=[f"    {line.replace('>=', '>')}"],
        status=status,
    )  # fmt: skip


def run(*mutants: MutantResult, fail_under: float | None = None, **fields: object) -> Results:
    return dataclasses.replace(
        Results("/p", "0", "3.8.1", fail_under=fail_under), mutants=list(mutants), **fields
    )  # type: ignore[arg-type]


def cart(*statuses: MutantStatus) -> list[MutantResult]:
    return [mutant("shop.cart", i + 1, s, f"return amount >= {100 + i}") for i, s in enumerate(statuses)]


def test_an_unchanged_run_passes_its_baseline_below_fail_under() -> None:
    before = run(*cart(KILLED, SURVIVED), fail_under=90)
    verdict = judge(run(*cart(KILLED, SURVIVED), fail_under=90), Ratchet(before, BASELINE))
    assert verdict.exit == EscapeExit.OK and verdict.message is None
    assert judge(run(*cart(KILLED, SURVIVED), fail_under=90)).exit == EscapeExit.SCORE_BELOW_THRESHOLD


def test_a_drop_names_the_module_and_the_mutant_that_escaped() -> None:
    before = run(*cart(KILLED, KILLED))
    verdict = judge(run(*cart(KILLED, SURVIVED)), Ratchet(before, BASELINE))
    assert verdict.exit == EscapeExit.BASELINE_REGRESSION == 14
    assert verdict.message is not None
    lines = verdict.message.splitlines()
    assert lines[0] == "escape: module shop.cart dropped from 100.0% to 50.0% (baseline escape-baseline.json)"
    assert lines[1] == (
        "escape: mutant f #2 (shop/cart.py:2: return amount >= 101 -> "
        "return amount > 101) was killed in the baseline and now survives"
    )


def test_a_tolerance_forgives_the_drop_but_not_the_escaped_mutant() -> None:
    before = run(*cart(KILLED, KILLED))
    verdict = judge(run(*cart(KILLED, SURVIVED)), Ratchet(before, BASELINE, tolerance=50))
    assert verdict.exit == EscapeExit.BASELINE_REGRESSION
    assert verdict.message is not None and "dropped from" not in verdict.message
    assert "was killed in the baseline and now survives" in verdict.message


def test_a_mutant_is_the_same_mutant_when_its_lines_move() -> None:
    """Ids renumber and lines move between runs: the ratchet matches mutants by
    what they change, so an edit above a killed mutant does not free it."""
    before = run(*cart(KILLED, KILLED))
    moved = [dataclasses.replace(m, id=m.id + "0", line=m.line + 10) for m in cart(KILLED, KILLED)]
    assert judge(run(*moved), Ratchet(before, BASELINE)).exit == EscapeExit.OK


def test_new_modules_meet_the_thresholds_and_fail_under_not_the_baseline() -> None:
    before = run(*cart(KILLED))
    fees = mutant("shop.fees", 1, SURVIVED, "return x >= 1")
    verdict = judge(run(*cart(KILLED), fees, fail_under=80), Ratchet(before, BASELINE))
    assert verdict.exit == EscapeExit.SCORE_BELOW_THRESHOLD
    assert verdict.message == (
        "escape: module shop.fees scores 0.0%, below 80% (--escape-fail-under; it is new since the baseline)"
    )
    with_threshold = run(*cart(KILLED), fees, fail_under=80, thresholds={"shop.*": 0})
    assert judge(with_threshold, Ratchet(before, BASELINE)).exit == EscapeExit.OK


def test_module_thresholds_name_each_failing_module_most_specific_pattern_first() -> None:
    results = run(
        *cart(KILLED, SURVIVED),
        mutant("shop.tax", 1, SURVIVED, "return x >= 1"),
        thresholds={"shop.*": 40, "shop.cart": 90},
    )
    verdict = judge(results)
    assert verdict.exit == EscapeExit.SCORE_BELOW_THRESHOLD
    assert verdict.message is not None and verdict.message.splitlines() == [
        "escape: module shop.cart scores 50.0%, below its threshold 90% (shop.cart in --escape-thresholds)",
        "escape: module shop.tax scores 0.0%, below its threshold 40% (shop.* in --escape-thresholds)",
    ]


def test_a_property_violation_seen_only_outside_the_tests_inputs_fails_no_gate() -> None:
    """``--escape-fail-on properties`` fails on a violation a caller's input
    shows, not on one no caller was seen to pass (an empty alphabet)."""
    from pytest_escape.model import PROPERTY_FINDINGS, VIOLATED, PropertyKind, PropertyResult

    def violated(outside: str | None) -> PropertyResult:
        return PropertyResult("base", "encode", PropertyKind.CRASH, VIOLATED, "a value", outside=outside)

    caught = cart(KILLED)
    away = judge(run(*caught, fail_on=[PROPERTY_FINDINGS], properties=[violated("alphabet is empty")]))
    assert away.exit == EscapeExit.OK
    inside = judge(run(*caught, fail_on=[PROPERTY_FINDINGS], properties=[violated(None)]))
    assert inside.exit == EscapeExit.FINDINGS and "base.encode (crash)" in (inside.message or "")
