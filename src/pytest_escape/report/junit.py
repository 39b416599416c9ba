"""JUnit XML, for CI systems that show test results and nothing else.

Each mutant is a test case that passes when the tests detect it: a survivor
or an uncovered mutant is a failure (both count against the score), a
mutant that broke the run is an error.  One suite per module, so the CI's
tree of results reads like the module table.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..model import ERROR, KILLED, NO_COVERAGE, SURVIVED, TIMEOUT, MutantResult, Results, Tally
from .describe import diff_text, module_summaries, mutant_place, survivor_text, witness_sentence
from .files import write_atomic

#: characters XML 1.0 cannot hold even escaped; ElementTree writes them anyway
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _counts(element: ET.Element, tally: Tally, seconds: float) -> None:
    element.set("tests", str(tally.total))
    element.set("failures", str(tally.survived + tally.no_coverage))
    element.set("errors", str(tally.error))
    element.set("skipped", "0")
    element.set("time", f"{seconds:.3f}")


def _outcome(case: ET.Element, m: MutantResult) -> None:
    """The child that says how the mutant fared (none for a detected one but its output)."""
    if m.status in (KILLED, TIMEOUT):
        verb = "killed by" if m.status == KILLED else "timed out under"
        by = m.killed_by or "an unknown test"
        detail = f" ({m.status_reason})" if m.status_reason else ""
        ET.SubElement(case, "system-out").text = _clean(f"{verb} {by}{detail}\n")
        return
    if m.status == SURVIVED:
        summary = [f"survived: {' / '.join(diff_text(m))}"]
        if m.witness is not None:
            summary.append(witness_sentence(m.witness))
        child = ET.SubElement(case, "failure", type=SURVIVED, message=_clean("; ".join(summary)))
        child.text = _clean("\n".join(survivor_text(m)) + "\n")
        return
    reason = m.status_reason or m.status
    where = [mutant_place(m), *diff_text(m), reason]
    tag = "failure" if m.status == NO_COVERAGE else "error"
    kind = NO_COVERAGE if m.status == NO_COVERAGE else ERROR
    child = ET.SubElement(case, tag, type=kind, message=_clean(f"{kind}: {reason}"))
    child.text = _clean("\n".join(where) + "\n")


def render_junit(results: Results) -> str:
    root = ET.Element("testsuites", name="pytest-escape")
    _counts(root, results.tally(), results.duration)
    for summary in module_summaries(results):
        suite = ET.SubElement(root, "testsuite", name=summary.module)
        _counts(suite, summary.tally, sum(m.duration for m in summary.mutants))
        for m in summary.mutants:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=m.module,
                name=_clean(m.name),
                file=_clean(m.file),
                line=str(m.line),
                time=f"{m.duration:.3f}",
            )
            _outcome(case, m)
    ET.indent(root)
    # our own declaration: ElementTree's names the locale's encoding, write_atomic writes UTF-8
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Results, path: Path) -> None:
    write_atomic(path, render_junit(results))
