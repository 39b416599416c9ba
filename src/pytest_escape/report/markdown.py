"""Markdown for a pull-request comment or GitHub's job summary.

Compact by design (a comment has a size limit and a reader with little
patience): the score, the module table, the ten most useful survivors with
their regression tests folded away, and the findings lists, capped.

GitHub renders inline HTML, and everything shown comes from the project's
code and test ids, so text outside code is escaped for both HTML and
Markdown, and every code span or fenced block is fenced longer than any
backtick run inside it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..model import EQUIVALENT, PROPERTY_FINDINGS, WITNESSED, MutantResult, Results
from ..wording import plural
from .describe import (
    confirming_only,
    diff_text,
    module_summaries,
    property_where,
    pseudo_tested,
    score_text,
    smell_text,
    survivors,
    witness_sentence,
)
from .files import write_atomic

SURVIVOR_LIMIT = 10
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


def _heading(results: Results) -> list[str]:
    tally = results.tally()
    details = [
        f"{tally.detected} of {plural(tally.total, 'mutant')} detected",
        f"covered {score_text(tally.covered_score)}",
    ]
    if tally.equivalent:
        details.append(
            f"{score_text(tally.score_without_equivalent)} without the {tally.equivalent} likely equivalent"
        )
    return [f"## pytest-escape: mutation score {score_text(tally.score)}", "", " · ".join(details)]


def _table(results: Results) -> list[str]:
    lines = [
        "| Module | Mutants | Killed | Survived | No cov | Score | Pseudo-tested | Confirming-only |",
        "| :-- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for s in module_summaries(results):
        t = s.tally
        # timeouts count as detected, so "Killed" is the detected count the score uses
        cells = [_text(s.module), t.total, t.detected, t.survived, t.no_coverage, score_text(t.score)]
        cells += [len(s.pseudo_tested), len(s.confirming_only)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return lines


def _rank(m: MutantResult) -> int:
    """Survivors with a witness first; likely equivalent ones, the least actionable, last."""
    if m.witness is None:
        return 1
    if m.witness.verdict == WITNESSED:
        return 0
    return 2 if m.witness.verdict in EQUIVALENT else 1


def _survivor(m: MutantResult) -> list[str]:
    lines = [
        f"**{_code(f'{m.file}:{m.line}')}** {_code(m.operator)} in {_code(m.function)} ({_code(m.id)})",
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


def _survivors(results: Results) -> list[str]:
    found = survivors(results)
    if not found:
        return []
    shown = sorted(found, key=_rank)[:SURVIVOR_LIMIT]
    lines = ["", f"### Surviving mutants ({len(found)})"]
    for m in shown:
        lines += ["", *_survivor(m)]
    if len(found) > len(shown):
        lines += ["", f"… and {len(found) - len(shown)} more"]
    return lines


def _more(total: int) -> list[str]:
    return [f"- … and {total - FINDING_LIMIT} more"] if total > FINDING_LIMIT else []


def _findings(results: Results) -> list[str]:
    lines: list[str] = []
    functions = pseudo_tested(results)
    if functions:
        lines += ["", f"### Pseudo-tested functions ({len(functions)})", ""]
        for f in functions[:FINDING_LIMIT]:
            lines.append(f"- {_code(f.qualname)} ({_code(f'{f.file}:{f.line}')}): {_text(f.reason or '')}")
        lines += _more(len(functions))
    tests = confirming_only(results)
    if tests:
        lines += ["", f"### Confirming-only tests ({len(tests)})", ""]
        for t in tests[:FINDING_LIMIT]:
            lines.append(f"- {_code(t.id)}: {_text(t.reason or '')}")
            lines.extend(f"  - {_text(smell_text(s))}" for s in t.smells)
        lines += _more(len(tests))
    return lines


def _properties(results: Results) -> list[str]:
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
    lines += _more(len(violated))
    return lines


def render_markdown(results: Results) -> str:
    lines = [
        *_heading(results),
        "",
        *_table(results),
        *_survivors(results),
        *_findings(results),
        *_properties(results),
    ]
    return "\n".join(lines) + "\n"


def write_markdown(results: Results, path: Path, append: bool = False) -> None:
    """``append``: add to the end of ``path`` (``$GITHUB_STEP_SUMMARY`` holds every step's summary)."""
    text = render_markdown(results)
    if not append:
        write_atomic(path, text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        # a blank line first, so this heading cannot run into the previous summary's last line
        f.write(("\n" if path.stat().st_size else "") + text)
