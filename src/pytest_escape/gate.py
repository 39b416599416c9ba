"""Exit codes, and the gate that turns a ``Results`` into one of them.

pytest's own codes keep their meaning (0-5); ours start at 10 so a CI script
can tell "the tests failed" from "the tests are too weak".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .model import CONFIRMING_ONLY, PSEUDO_TESTED, Results


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


@dataclass(frozen=True)
class Verdict:
    exit: EscapeExit
    message: str | None


def judge(results: Results) -> Verdict:
    tally = results.tally()
    score = tally.score
    if score is None:
        return Verdict(
            EscapeExit.NO_MUTANTS_MEASURED,
            f"escape: no mutants measured ({tally.total} generated, {tally.no_coverage} without "
            "covering tests): there is no score to gate on; add tests that execute the targets "
            "or point --escape-paths at the code they test",
        )
    # every failing reason gets its line; the exit code is the first one's
    reasons: list[tuple[EscapeExit, str]] = []
    if results.fail_under is not None and score < results.fail_under:
        reasons.append(
            (
                EscapeExit.SCORE_BELOW_THRESHOLD,
                f"escape: mutation score {score:.1f} % is below --escape-fail-under {results.fail_under:g} %",
            )
        )
    reasons += [(EscapeExit.FINDINGS, line) for line in _findings(results)]
    if reasons:
        return Verdict(reasons[0][0], "\n".join(line for _, line in reasons))
    return Verdict(EscapeExit.OK, None)


def _findings(results: Results) -> list[str]:
    """One line per finding kind named in ``fail_on`` that exists."""
    found = {
        PSEUDO_TESTED: ("function", [f.qualname for f in results.functions if f.label == PSEUDO_TESTED]),
        CONFIRMING_ONLY: ("test", [t.id for t in results.tests if t.verdict == CONFIRMING_ONLY]),
    }
    lines = []
    for finding in results.fail_on:
        noun, names = found[finding]
        if names:
            plural = "s" if len(names) != 1 else ""
            lines.append(
                f"escape: {len(names)} {finding} {noun}{plural} ({_first(names)}) "
                f"and --escape-fail-on {finding}"
            )
    return lines


def _first(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
