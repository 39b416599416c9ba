"""Exit codes, and the gate that turns a ``Results`` into one of them.

pytest's own codes keep their meaning (0-5); ours start at 10 so a CI script
can tell "the tests failed" from "the tests are too weak".
"""

from __future__ import annotations

import enum
import fnmatch
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import (
    CONFIRMING_ONLY,
    DETECTED_STATUSES,
    PROPERTY_FINDINGS,
    PSEUDO_TESTED,
    SURVIVED,
    MutantResult,
    Results,
    Tally,
    fingerprints,
)
from .wording import percent, plural, threshold

#: regressed mutants named one per line before "... and N more"
SHOWN_REGRESSIONS = 10
#: how a results warning about a target that could not be mutated begins
SKIPPED_TARGET = "skipped "


class EscapeExit(enum.IntEnum):
    OK = 0
    #: pytest's own: the baseline suite failed, nothing was scored
    TESTS_FAILED = 1
    INTERRUPTED = 2
    INTERNAL_ERROR = 3
    #: pytest's own: a bad option, config value or path
    USAGE_ERROR = 4
    NO_TESTS_COLLECTED = 5
    #: the mutation score is below --escape-fail-under
    SCORE_BELOW_THRESHOLD = 10
    #: no mutant ran against a test, so there is no score to trust
    NO_MUTANTS_MEASURED = 11
    #: mutants do not reach the code the tests import (import-path mismatch)
    MUTANTS_UNREACHABLE = 12
    #: a finding named in --escape-fail-on exists (pseudo-tested functions, confirming-only tests)
    FINDINGS = 13
    #: worse than --escape-baseline: a module's score dropped, or a killed mutant now survives
    BASELINE_REGRESSION = 14


#: what each exit code means, in the words the last line of a run uses
EXIT_MEANINGS = {
    EscapeExit.OK: "the gate passed",
    EscapeExit.TESTS_FAILED: "the test suite failed, so nothing was scored",
    EscapeExit.INTERRUPTED: "the run was interrupted",
    EscapeExit.INTERNAL_ERROR: "pytest-escape failed; the lines above say where",
    EscapeExit.USAGE_ERROR: "a bad option, config value or path",
    EscapeExit.NO_TESTS_COLLECTED: "no tests were collected",
    EscapeExit.SCORE_BELOW_THRESHOLD: "a mutation score is below its threshold",
    EscapeExit.NO_MUTANTS_MEASURED: "no mutant was measured, so there is no score to trust",
    EscapeExit.MUTANTS_UNREACHABLE: "the mutants do not reach the code the tests import",
    EscapeExit.FINDINGS: "a finding named in --escape-fail-on exists",
    EscapeExit.BASELINE_REGRESSION: "worse than the baseline",
}
#: the settings that make a gate, each with the option that sets it
GATE_SETTINGS = {
    "fail_under": "--escape-fail-under",
    "thresholds": "--escape-thresholds",
    "fail_on": "--escape-fail-on",
}


def exit_line(code: int) -> str:
    """The run's last line when it fails: its exit code and what that means."""
    try:
        meaning = EXIT_MEANINGS[EscapeExit(code)]
    except ValueError:
        meaning = "see pytest's exit codes"
    return f"escape: exit {code}: {meaning}"


def gate_source(results: Results, key: str) -> str:
    """Where the user set a gate setting: the option, or the pyproject.toml key."""
    return results.gate_sources.get(key) or GATE_SETTINGS[key]


def describe_gate(
    fail_under: float | None,
    thresholds: dict[str, float],
    fail_on: Sequence[str],
    sources: dict[str, str],
) -> str | None:
    """What the gate holds a run to, with where each rule was set (None: no gate).

    Takes the settings' values, not a ``Results``: the header says it before
    any result exists, and the last line says it again after.
    """

    def source(key: str) -> str:
        return sources.get(key) or GATE_SETTINGS[key]

    parts = []
    if fail_under is not None:
        parts.append(f"score {threshold(fail_under)} ({source('fail_under')})")
    if thresholds:
        rules = ", ".join(f"{p} {threshold(v)}" for p, v in thresholds.items())
        parts.append(f"module thresholds {rules} ({source('thresholds')})")
    if fail_on:
        parts.append(f"no {', '.join(fail_on)} ({source('fail_on')})")
    return "; ".join(parts) or None


@dataclass(frozen=True)
class Headline:
    """The decision a report opens with: the Markdown comment's first line, the
    HTML report's banner."""

    #: "failed", "passed" (a gate was set and held), "none" (no gate is set),
    #: or "note" (nothing to judge: a shard, no changed code)
    state: str
    exit: EscapeExit
    #: plain text: the first failing reason (and how many more), or the score
    #: and the gate it met, or the score alone; the change since the baseline
    text: str


def headline(results: Results, ratchet: Ratchet | None = None) -> Headline:
    """What a report leads with: passed or failed, the score against the gate,
    and the change since the baseline when a ratchet is used."""
    score = results.tally().score
    said = "no score" if score is None else f"mutation score {percent(score)}"
    if ratchet is not None and score is not None and (before := ratchet.results.tally().score) is not None:
        change = score - before
        sign = "+" if change >= 0 else "−"
        said += f" ({sign}{abs(change):.1f} points since the baseline {percent(before)})"
    verdict = decide(results, ratchet)
    if verdict.exit != EscapeExit.OK:
        reasons = (verdict.message or "").splitlines()
        first = reasons[0].removeprefix("escape: ") if reasons else ""
        more = f" (and {plural(len(reasons) - 1, 'more reason')})" if len(reasons) > 1 else ""
        if not (first.startswith("mutation score ") and ratchet is None):
            first = f"{said}; {first}"
        return Headline("failed", verdict.exit, first + more)
    gate = describe_gate(results.fail_under, results.thresholds, results.fail_on, results.gate_sources)
    if verdict.note:
        return Headline("note", verdict.exit, f"{said}; {(verdict.message or '').removeprefix('escape: ')}")
    if gate is None and ratchet is None:
        return Headline("none", verdict.exit, f"{said}; no gate is set")
    return Headline("passed", verdict.exit, said + (f"; the gate holds it to {gate}" if gate else ""))


def passed_line(results: Results, ratchet: Ratchet | None = None) -> str:
    """The run's last line when nothing failed: ``headline``, and how to make a
    gate of it when there is none."""
    said = headline(results, ratchet)
    if said.state == "passed":
        return f"escape: passed: {said.text}"
    if said.state == "none":
        how = "--escape-fail-under or [tool.pytest_escape] fail_under makes this a CI gate"
        return f"escape: {said.text} ({how})"
    return f"escape: {said.text}"


@dataclass(frozen=True)
class Ratchet:
    """A saved run the gate compares with (``--escape-baseline``)."""

    results: Results
    path: Path
    #: score points a module may lose before it counts as a drop
    tolerance: float = 0.0


@dataclass(frozen=True)
class Verdict:
    exit: EscapeExit
    message: str | None
    #: the message explains why nothing was judged; it is not a failure
    note: bool = False


def decide(results: Results, ratchet: Ratchet | None = None, skipped_tests: int = 0) -> Verdict:
    """The gate as ``pytest --escape`` and ``pytest-escape report --gate`` both apply it.

    A shard is part of a run, so it is not gated (its merge is); a run about
    changed lines that have no code to mutate has nothing to judge.
    ``skipped_tests``: the run's every test was skipped (or xfailed), so none
    could meet a mutant; the generic "no mutants measured" line would ask for
    tests that exist.
    """
    if results.shard is not None:
        return Verdict(
            EscapeExit.OK,
            f"escape: shard {results.shard.index}/{results.shard.count} is part of a run, so it is "
            "not gated: merge the shards' JSON reports (pytest-escape merge A.json B.json ... "
            "-o merged.json), then gate that (pytest-escape report merged.json --gate)",
            note=True,
        )
    if results.since is not None and not results.all_mutants():
        return Verdict(
            EscapeExit.OK,
            f"escape: no code to mutate on the lines changed since {results.since}: nothing to judge",
            note=True,
        )
    verdict = judge(results, ratchet)
    if verdict.exit == EscapeExit.NO_MUTANTS_MEASURED and skipped_tests:
        who, them = (
            ("the only test was", "it") if skipped_tests == 1 else (f"all {skipped_tests} tests were", "them")
        )
        return Verdict(
            verdict.exit,
            f"escape: no mutants measured: {who} skipped (or xfailed), so no test ran against "
            f"the code: there is no score to gate on; make {them} run (check the skip and xfail "
            "markers and their conditions)",
        )
    return verdict


def judge(results: Results, ratchet: Ratchet | None = None) -> Verdict:
    """The exit code and one line per failing reason.

    Without a baseline every module is held to its threshold and the total to
    ``fail_under``.  With one, modules the baseline knows are held to the
    baseline (no score drop beyond the tolerance, no killed mutant surviving)
    and only new modules to the thresholds, with ``fail_under`` as their floor:
    that is how a team adopts the gate without first fixing everything.
    """
    tally = results.tally()
    score = tally.score
    if score is None:
        if tally.total == 0:
            return Verdict(EscapeExit.NO_MUTANTS_MEASURED, nothing_to_mutate(results))
        return Verdict(
            EscapeExit.NO_MUTANTS_MEASURED,
            f"escape: no mutants measured ({tally.total} generated, {tally.no_coverage} without "
            "covering tests): there is no score to gate on; add tests that execute the targets "
            "or point --escape-paths at the code they test",
        )
    # every failing reason gets its line; the exit code is the first one's
    reasons: list[tuple[EscapeExit, str]] = []
    if ratchet is None and results.fail_under is not None and score < results.fail_under:
        reasons.append(
            (
                EscapeExit.SCORE_BELOW_THRESHOLD,
                f"escape: mutation score {percent(score)} is below {threshold(results.fail_under)}, "
                f"the score the gate asks for ({gate_source(results, 'fail_under')})",
            )
        )
    reasons += [(EscapeExit.SCORE_BELOW_THRESHOLD, line) for line in _thresholds(results, ratchet)]
    if ratchet is not None:
        reasons += [(EscapeExit.BASELINE_REGRESSION, line) for line in _regressions(results, ratchet)]
    reasons += [(EscapeExit.FINDINGS, line) for line in _findings(results)]
    if reasons:
        return Verdict(reasons[0][0], "\n".join(line for _, line in reasons))
    return Verdict(EscapeExit.OK, None)


def nothing_to_mutate(results: Results) -> str:
    """Why a run generated no mutant at all, from what it left out, and what to do.

    Every cause is named (files left out, functions that take no mutant, files
    that could not be parsed), so the advice matches the real cause: pointing
    ``--escape-paths`` elsewhere does not help when every function is decorated.
    """
    files = len(results.files)
    functions = [e for e in results.left_out if e.kind == "function"]
    dropped = [e for e in results.left_out if e.kind in ("file", "directory")]
    skipped = sum(1 for w in results.warnings if w.startswith(SKIPPED_TARGET))
    parts = []
    advice = "point --escape-paths at the code the tests exercise"
    if files:
        hold = "s hold" if files != 1 else " holds"
        held = f"the {files} target file{hold} no function a mutant can be planted in"
        if functions:
            reasons = Counter(e.reason for e in functions)
            held += " (" + "; ".join(f"{plural(n, 'function')}: {r}" for r, n in reasons.items()) + ")"
            if all(e.reason.startswith("decorated") for e in functions):
                advice = (
                    "their decorators keep their mutants from being switched on, so this code cannot "
                    "be scored; name other code with --escape-paths"
                )
        parts.append(held)
    if skipped:
        parts.append(f"{skipped} file{'s were' if skipped != 1 else ' was'} skipped (see the warnings above)")
    elif dropped:
        first = dropped[0]
        more = f" and {len(dropped) - 1} more" if len(dropped) > 1 else ""
        parts.append(f"every candidate was left out ({first.describe()}{more}; see the warnings above)")
    what = " and ".join(parts) or "the tests import none of the files to mutate"
    return f"escape: no mutants measured: {what}, so there is no score to gate on; {advice}"


def _findings(results: Results) -> list[str]:
    """One line per finding kind named in ``fail_on`` that exists."""
    found = {
        PSEUDO_TESTED: ("function", [f.qualname for f in results.functions if f.label == PSEUDO_TESTED]),
        CONFIRMING_ONLY: ("test", [t.id for t in results.tests if t.verdict == CONFIRMING_ONLY]),
        PROPERTY_FINDINGS: (
            "violated propert",
            [f"{p.module}.{p.function} ({p.property})" for p in results.violations() if p.outside is None],
        ),
    }
    lines = []
    for finding in results.fail_on:
        noun, names = found[finding]
        if names:
            if finding == PROPERTY_FINDINGS:
                what = f"{noun}{'y' if len(names) == 1 else 'ies'}"
            else:
                what = f"{finding} {noun}{'s' if len(names) != 1 else ''}"
            lines.append(f"escape: {len(names)} {what} ({_first(names)}) and --escape-fail-on {finding}")
    return lines


def _first(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def threshold_for(module: str, thresholds: dict[str, float]) -> tuple[str, float] | None:
    """The (pattern, score) that applies to ``module``: the most specific match.

    An exact name beats any glob; among globs, the one with the most literal
    characters (``shop.cart*`` over ``shop.*`` over ``*``), then the longer.
    """
    matches = [(p, score) for p, score in thresholds.items() if fnmatch.fnmatchcase(module, p)]
    if not matches:
        return None

    def specificity(item: tuple[str, float]) -> tuple[bool, int, int]:
        pattern = item[0]
        literal = sum(1 for c in pattern if c not in "*?[]")
        return (pattern == module, literal, len(pattern))

    return max(matches, key=specificity)


def _thresholds(results: Results, ratchet: Ratchet | None) -> list[str]:
    """One line per module below its threshold (modules the baseline knows are skipped)."""
    known = set(ratchet.results.by_module()) if ratchet is not None else set()
    lines = []
    for module, mutants in sorted(results.by_module().items()):
        if module in known or not mutants:
            continue
        found = threshold_for(module, results.thresholds)
        if found is not None:
            minimum = found[1]
            rule = f"its threshold {threshold(minimum)} ({found[0]} in {gate_source(results, 'thresholds')})"
        elif ratchet is not None and results.fail_under is not None:
            minimum = results.fail_under
            rule = (
                f"{threshold(minimum)} ({gate_source(results, 'fail_under')}; it is new since the baseline)"
            )
        else:
            continue
        tally = Tally.of(mutants)
        if tally.score is None:
            lines.append(
                f"escape: module {module}: no mutant measured ({tally.no_coverage} of {tally.total} "
                f"without covering tests), so it cannot meet {rule}"
            )
        elif tally.score < minimum:
            lines.append(f"escape: module {module} scores {percent(tally.score)}, below {rule}")
    return lines


def _regressions(results: Results, ratchet: Ratchet) -> list[str]:
    """Module scores that dropped and mutants the baseline's tests killed that now live."""
    lines = []
    before = {name: Tally.of(ms).score for name, ms in ratchet.results.by_module().items()}
    for module, mutants in sorted(results.by_module().items()):
        old, new = before.get(module), Tally.of(mutants).score
        if old is None or not mutants:
            continue
        if new is None or new < old - ratchet.tolerance:
            tolerance = f", tolerance {ratchet.tolerance:g}" if ratchet.tolerance else ""
            now = "nothing measured" if new is None else percent(new)
            lines.append(
                f"escape: module {module} dropped from {percent(old)} to {now} "
                f"(baseline {ratchet.path.name}{tolerance})"
            )
    status = {m.id: m.status for m in ratchet.results.mutants}
    was_detected = {
        key
        for m_id, key in fingerprints(ratchet.results.mutants).items()
        if status[m_id] in DETECTED_STATUSES
    }
    keys = fingerprints(results.mutants)
    lost = [m for m in results.mutants if m.status not in DETECTED_STATUSES and keys[m.id] in was_detected]
    for m in lost[:SHOWN_REGRESSIONS]:
        lines.append(f"escape: {_name(m)} was killed in the baseline and now {_now(m)}")
    if len(lost) > SHOWN_REGRESSIONS:
        lines.append(f"escape: ... and {len(lost) - SHOWN_REGRESSIONS} more mutants the baseline killed")
    return lines


def _name(m: MutantResult) -> str:
    old, new = m.diff_lines()
    return f"mutant {m.name} ({m.file}:{m.line}: {old} -> {new})"


def _now(m: MutantResult) -> str:
    return "survives" if m.status == SURVIVED else f"is {m.status}"
