"""Markdown for a pull-request comment or GitHub's job summary.

Compact by design (a comment has a size limit and a reader with little
patience): pass or fail first, then the findings a person acts on, five
survivors with their regression tests folded away, the module table folded
too, and where the full report is.

GitHub renders inline HTML, and everything shown comes from the project's
code and test ids, so text outside code is escaped for both HTML and
Markdown, and every code span or fenced block is fenced longer than any
backtick run inside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from ..gate import Ratchet, headline
from ..model import EQUIVALENT, PROPERTY_FINDINGS, WITNESSED, MutantResult, Results
from ..wording import operator_words, percent, plural
from .describe import (
    confirming_only,
    diff_text,
    grouped,
    module_summaries,
    property_where,
    pseudo_tested,
    score_text,
    smell_text,
    survivors,
    witness_sentence,
)
from .files import write_atomic

#: survivors shown, each with its verified regression test
SURVIVOR_LIMIT = 5
#: modules in the folded table, the weakest first
TABLE_LIMIT = 30
#: GitHub's limit on a comment's (and a job summary's) characters is 65,536
COMMENT_LIMIT = 60_000
#: pseudo-tested functions and confirming-only tests listed before "and N more"
FINDING_LIMIT = 10

#: Markdown punctuation that can start emphasis, links, code, strikethrough or end a table cell
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_BACKTICKS = re.compile("`+")


def _text(value: str) -> str:
    """User text outside code, on one line: HTML-escaped, then Markdown-escaped."""
    flat = " ".join(value.split("\n"))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(flat, quote=False))


def _longest_backticks(value: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(value)), default=0)


def _code(value: str) -> str:
    """An inline code span that no backtick in ``value`` can close early."""
    flat = " ".join(value.split("\n"))
    fence = "`" * (_longest_backticks(flat) + 1)
    # a span's first and last space are stripped when both are there: pad so ours go, not the code's
    padded = flat.startswith("`") or flat.endswith("`") or (flat[:1] == flat[-1:] == " ")
    return f"{fence} {flat} {fence}" if padded else f"{fence}{flat}{fence}"


def _fenced(code: str, info: str) -> list[str]:
    fence = "`" * max(3, _longest_backticks(code) + 1)
    return [f"{fence}{info}", *code.rstrip("\n").splitlines(), fence]


def verdict_line(results: Results, ratchet: Ratchet | None = None) -> str:
    """The comment's first line: ``gate.headline``, with the score in bold."""
    said = headline(results, ratchet)
    text = _text(said.text)
    score = results.tally().score
    if score is not None:
        text = text.replace(percent(score), f"**{percent(score)}**", 1)
    if said.state == "failed":
        return f"❌ **pytest-escape failed** (exit {int(said.exit)}): {text}"
    if said.state == "passed":
        return f"✅ **pytest-escape passed**: {text}"
    return f"**pytest-escape**: {text}"


def _heading(results: Results, ratchet: Ratchet | None) -> list[str]:
    tally = results.tally()
    details = [
        f"{tally.detected} of {plural(tally.total, 'mutant')} detected",
        f"covered {score_text(tally.covered_score)}",
    ]
    if tally.equivalent:
        details.append(
            f"{score_text(tally.score_without_equivalent)} without the {tally.equivalent} proven equivalent"
        )
    extremes = sum(1 for f in results.functions for _ in f.extremes)
    if extremes:
        details.append(f"{plural(extremes, 'extreme mutant')} counted apart")
    return [verdict_line(results, ratchet), "", " · ".join(details)]


def _table(results: Results) -> list[str]:
    """The module table, folded away (the findings above are the headline), the
    weakest modules first and capped: a project's thousand modules would not fit."""
    summaries = sorted(
        module_summaries(results), key=lambda s: (s.tally.score is None, s.tally.score or 0.0, s.module)
    )
    lines = [
        f"<details><summary>Modules ({len(summaries)}), weakest first</summary>",
        "",
        "| Module | Mutants | Killed | Survived | No cov | Score | Pseudo-tested | Confirming-only |",
        "| :-- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for s in summaries[:TABLE_LIMIT]:
        t = s.tally
        # timeouts count as detected, so "Killed" is the detected count the score uses
        cells = [_text(s.module), t.total, t.detected, t.survived, t.no_coverage, score_text(t.score)]
        cells += [len(s.pseudo_tested), len(s.confirming_only)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    if len(summaries) > TABLE_LIMIT:
        lines += ["", f"… and {len(summaries) - TABLE_LIMIT} more modules"]
    return [*lines, "", "</details>"]


def _rank(m: MutantResult) -> int:
    """Survivors with a witness first; likely equivalent ones, the least actionable, last."""
    if m.witness is None:
        return 1
    if m.witness.verdict == WITNESSED:
        return 0
    return 2 if m.witness.verdict in EQUIVALENT else 1


def _survivor(m: MutantResult) -> list[str]:
    lines = [
        f"**{_code(m.name)}** ({_code(f'{m.file}:{m.line}')}): {operator_words(m.operator)}",
        "",
        *_fenced("\n".join(diff_text(m)), "diff"),
    ]
    if m.witness is None:
        return lines
    lines += ["", _text(witness_sentence(m.witness))]
    if m.witness.test:
        name = html.escape(m.witness.test_name or "regression test")
        lines += [
            "",
            f"<details><summary>Regression test <code>{name}</code> (passes on the original, "
            "fails on the mutant)</summary>",
            "",
            *_fenced(m.witness.test, "python"),
            "",
            "</details>",
        ]
    elif m.witness.test_dropped:
        lines += ["", f"No regression test: {_text(m.witness.test_dropped)}"]
    return lines


def _survivors(results: Results, elsewhere: str) -> list[str]:
    """At most ``SURVIVOR_LIMIT`` survivors, each with its verified regression test:
    a reader can paste those; the rest are in the full report."""
    found = survivors(results)
    ready = sorted((m for m in found if m.witness is not None and m.witness.test), key=_rank)
    if not found:
        return []
    lines = ["", f"### Surviving mutants ({len(found)}; {len(ready)} with a verified regression test)"]
    for m in ready[:SURVIVOR_LIMIT]:
        lines += ["", *_survivor(m)]
    if len(found) > min(len(ready), SURVIVOR_LIMIT):
        shown = min(len(ready), SURVIVOR_LIMIT)
        lines += ["", f"… and {len(found) - shown} more {elsewhere}"]
    return lines


def _more(total: int, elsewhere: str) -> list[str]:
    return [f"- … and {total - FINDING_LIMIT} more {elsewhere}"] if total > FINDING_LIMIT else []


def _findings(results: Results, elsewhere: str) -> list[str]:
    """Confirming-only tests, then pseudo-tested functions: the headline."""
    lines: list[str] = []
    tests = confirming_only(results)
    if tests:
        # a parametrized test's flagged cases are one finding, listed once
        groups = grouped(tests)
        lines += ["", f"### Confirming-only tests ({len(tests)})", ""]
        for g in groups[:FINDING_LIMIT]:
            lines.append(f"- {_code(g.title)}: {_text(g.first.reason or '')}")
            lines.extend(f"  - {_text(smell_text(s))}" for s in g.first.smells)
        lines += _more(len(groups), elsewhere)
    functions = pseudo_tested(results)
    if functions:
        lines += ["", f"### Pseudo-tested functions ({len(functions)})", ""]
        for f in functions[:FINDING_LIMIT]:
            lines.append(f"- {_code(f.qualname)} ({_code(f'{f.file}:{f.line}')}): {_text(f.reason or '')}")
        lines += _more(len(functions), elsewhere)
    return lines


def _properties(results: Results, elsewhere: str) -> list[str]:
    violated = results.violations()
    if not violated:
        return []
    gating = (
        " (they fail the gate: --escape-fail-on properties)" if PROPERTY_FINDINGS in results.fail_on else ""
    )
    lines = ["", f"### Violated properties ({len(violated)}){gating}", ""]
    for p in violated[:FINDING_LIMIT]:
        lines.append(
            f"- {p.property}: {_code(f'{p.module}.{p.function}')} ({_code(f'{p.file}:{p.line}')}): "
            f"{_code(p.input or '')} {_text(p.observed or '')}; expected {_text(p.reason or '')}"
            f"{_text(property_where(p))}"
        )
        if p.test:
            name = html.escape(p.test_name or "regression test")
            lines += [
                "",
                f"  <details><summary>Regression test <code>{name}</code> (xfail, strict: "
                "fails today, passes once fixed)</summary>",
                "",
                *("  " + line if line else "" for line in _fenced(p.test, "python")),
                "",
                "  </details>",
                "",
            ]
        elif p.test_dropped:
            lines.append(f"  - no regression test: {_text(p.test_dropped)}")
    lines += _more(len(violated), elsewhere)
    return lines


def render_markdown(
    results: Results, ratchet: Ratchet | None = None, full_reports: Sequence[str] = ()
) -> str:
    """The comment: the verdict first, then the findings (confirming-only tests,
    pseudo-tested functions, property violations), a few survivors with tests
    ready to paste, the module table folded away, and where the rest is.

    ``full_reports``: the other files this run wrote (the HTML and JSON
    reports), named where a list stops.  The whole stays under GitHub's
    comment limit: a section that would pass it is left out, and says so.
    """
    where = " and ".join(full_reports)
    elsewhere = f"in the full report ({where})" if where else "(--escape-report html lists them all)"
    head = [*_heading(results, ratchet)]
    sections = [
        _findings(results, elsewhere),
        _properties(results, elsewhere),
        _survivors(results, elsewhere),
        ["", *_table(results)],
    ]
    tail = ["", f"Full report: {where}" if where else "For every mutant: `--escape-report html` or `json`."]
    text = "\n".join(head)
    budget = COMMENT_LIMIT - len("\n".join(tail)) - 200
    for section in sections:
        part = "\n".join(section)
        if len(text) + len(part) > budget:
            title = next((line for line in section if line.startswith("###")), "a section").lstrip("# ")
            part = f"\n\n*{_text(title)}: left out to stay under GitHub's comment size limit.*"
        text += "\n" + part
    return text + "\n" + "\n".join(tail) + "\n"


def write_markdown(
    results: Results,
    path: Path,
    append: bool = False,
    ratchet: Ratchet | None = None,
    full_reports: Sequence[str] = (),
) -> None:
    """``append``: add to the end of ``path`` (``$GITHUB_STEP_SUMMARY`` holds every step's summary)."""
    text = render_markdown(results, ratchet, full_reports)
    if not append:
        write_atomic(path, text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        # a blank line first, so this heading cannot run into the previous summary's last line
        f.write(("\n" if path.stat().st_size else "") + text)
