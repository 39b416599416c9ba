"""SARIF, JUnit XML and Markdown reports of one real run of the sample project."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import Project
from markdown_it import MarkdownIt

from pytest_escape.gate import Ratchet
from pytest_escape.model import (
    ERROR,
    KILLED,
    PSEUDO_TESTED,
    SURVIVED,
    MutantResult,
    Results,
    fingerprints,
)
from pytest_escape.report.describe import module_summaries, score_text, witness_sentence
from pytest_escape.report.junit import render_junit, write_junit
from pytest_escape.report.markdown import render_markdown, write_markdown
from pytest_escape.report.sarif import to_sarif, write_sarif

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TEST = f"tests/test_pricing.py::test_label[{IMG}]"


def mutant(results: Results, mutant_id: str) -> MutantResult:
    (found,) = [m for m in results.mutants if m.id == mutant_id]
    return found


def shifted(results: Results, by: int) -> Results:
    """A deep copy with every mutant ``by`` lines further down its file."""
    moved = copy.deepcopy(results)
    return dataclasses.replace(
        moved,
        mutants=[dataclasses.replace(m, line=m.line + by, end_line=m.end_line + by) for m in moved.mutants],
    )


# --- SARIF ---------------------------------------------------------------------------------------


def validate_sarif(document: dict[str, Any]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema).validate(document)


def sarif_results(document: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in document["runs"][0]["results"] if r["ruleId"] == rule]


def test_sarif_is_valid_and_annotates_every_survivor(sample_results: Results) -> None:
    document = to_sarif(sample_results)
    validate_sarif(document)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pytest-escape"
    assert driver["version"] == sample_results.tool_version
    assert driver["informationUri"] == "https://github.com/pytest-escape/pytest-escape"
    survivors = [m for m in sample_results.mutants if m.status == SURVIVED]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert set(rule_ids) == {f"mutant/{m.operator}" for m in survivors} | {
        "pseudo-tested-function",
        "confirming-only-test",
    }
    assert {"mutant/string", "mutant/swap_op", "mutant/number", "mutant/arg_removal"} <= set(rule_ids)
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            assert len(rule[key]["text"]) > 20, (rule["id"], key)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    root = Path(sample_results.project_root).as_uri() + "/"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root}}

    by_id = {r["properties"]["mutantId"]: r for r in run["results"] if r["ruleId"].startswith("mutant/")}
    assert len(by_id) == sample_results.tally().survived == 12
    assert set(by_id) == {m.id for m in survivors}
    # no-coverage and killed mutants are not findings of their own
    assert "demo.util.x_unused__mutmut_1" not in by_id
    assert "demo.pricing.x_label__mutmut_1" not in by_id

    result = by_id["demo.pricing.x_bulk_discount__mutmut_1"]
    assert result["level"] == "warning"
    assert result["ruleId"] == "mutant/swap_op"
    (location,) = result["locations"]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "src/demo/pricing.py", "uriBaseId": "%SRCROOT%"}
    region = location["physicalLocation"]["region"]
    # 1-based columns spanning exactly the mutated text
    m = mutant(sample_results, "demo.pricing.x_bulk_discount__mutmut_1")
    source = {f.path: f.source for f in sample_results.files}["src/demo/pricing.py"]
    line = source.splitlines()[region["startLine"] - 1]
    assert region["startLine"] == region["endLine"] == 9
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == m.original == " >= 10"
    text = result["message"]["text"]
    assert "- if qty >= 10:" in text and "+ if qty > 10:" in text
    assert "bulk_discount #1 (src/demo/pricing.py:9): an operator swapped, survived" in text
    assert "x_bulk_discount__mutmut_1" not in text  # mutmut's id is the fingerprint's, not the reader's
    assert "witnessed: bulk_discount(qty=10) returns 0.1; the mutant returns 0.0" in text
    assert "def test_bulk_discount_with_qty_10():" in text
    assert result["partialFingerprints"] == {"escapeMutant/v1": fingerprints(sample_results.mutants)[m.id]}
    assert result["properties"] == {
        "mutantId": m.id,
        "module": "demo.pricing",
        "function": "bulk_discount",
        "operator": "swap_op",
        "witnessVerdict": "witnessed",
    }
    # a clamp's boundary: the condition differs on x == hi, the result does not
    masked = by_id["demo.util.x_clamp__mutmut_2"]
    assert masked["properties"]["witnessVerdict"] == "hidden change"
    assert "hidden change: no difference on" in masked["message"]["text"]
    assert "and no result showed it" in masked["message"]["text"]
    assert SCRIPT in by_id["demo.pricing.x_label__mutmut_2"]["message"]["text"]


def test_sarif_reports_pseudo_tested_functions_and_confirming_only_tests(sample_results: Results) -> None:
    document = to_sarif(sample_results)
    (function,) = sarif_results(document, "pseudo-tested-function")
    assert function["properties"]["function"] == "demo.pricing.tax"
    assert function["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/demo/pricing.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 14},
    }
    assert function["message"]["text"].startswith("demo.pricing.tax is pseudo-tested: its test passes")
    assert set(function["partialFingerprints"]) == {"escapeFunction/v1"}

    (test,) = sarif_results(document, "confirming-only-test")
    assert test["properties"]["test"] == "tests/test_pricing.py::test_tax_runs"
    physical = test["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "tests/test_pricing.py"
    assert physical["region"] == {"startLine": 17}  # its first smell: no assertion
    assert "no assertion (line 17)" in test["message"]["text"]
    assert "never in a check" in test["message"]["text"]
    assert set(test["partialFingerprints"]) == {"escapeTest/v1"}

    # a flagged test without smells is annotated on its file, with no region
    bare = copy.deepcopy(sample_results)
    for t in bare.tests:
        t.smells = []
    document = to_sarif(bare)
    validate_sarif(document)
    (test,) = sarif_results(document, "confirming-only-test")
    assert "region" not in test["locations"][0]["physicalLocation"]


def test_sarif_fingerprints_survive_renders_and_moved_lines(sample_results: Results) -> None:
    def keys(document: dict[str, Any]) -> dict[str, dict[str, str]]:
        return {
            r["properties"].get("mutantId") or r["properties"].get("function") or r["properties"]["test"]: r[
                "partialFingerprints"
            ]
            for r in document["runs"][0]["results"]
        }

    first, second = to_sarif(sample_results), to_sarif(sample_results)
    assert json.dumps(first) == json.dumps(second)
    original = keys(first)
    assert len({json.dumps(v) for v in original.values()}) == len(original)  # all distinct
    moved = to_sarif(shifted(sample_results, 5))
    assert keys(moved) == original
    for document, delta in ((first, 0), (moved, 5)):
        lines = [
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in document["runs"][0]["results"]
            if r["ruleId"].startswith("mutant/")
        ]
        assert lines == [m.line + delta for m in sample_results.mutants if m.status == SURVIVED]


def test_write_sarif_writes_the_document(sample_results: Results, tmp_path: Path) -> None:
    path = tmp_path / "out" / "escape.sarif"
    write_sarif(sample_results, path)
    assert json.loads(path.read_text(encoding="utf-8")) == to_sarif(sample_results)
    assert [p.name for p in path.parent.iterdir()] == ["escape.sarif"]


# --- JUnit XML -----------------------------------------------------------------------------------


def junit_cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in root.iter("testcase")}


def test_junit_counts_match_the_tally(sample_results: Results) -> None:
    text = render_junit(sample_results)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ET.fromstring(text)
    tally = sample_results.tally()
    assert root.get("name") == "pytest-escape"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": str(tally.total),
        "failures": str(tally.survived + tally.no_coverage),
        "errors": str(tally.error),
        "skipped": "0",
    }
    assert (tally.total, tally.survived, tally.no_coverage) == (20, 12, 2)
    summaries = module_summaries(sample_results)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [s.module for s in summaries]
    for suite, summary in zip(suites, summaries, strict=True):
        t = summary.tally
        assert suite.get("tests") == str(t.total) == str(len(suite.findall("testcase")))
        assert suite.get("failures") == str(t.survived + t.no_coverage)
        assert suite.get("errors") == str(t.error)
        failures = [f.get("type") for f in suite.iter("failure")]
        assert failures.count("survived") == t.survived
        assert failures.count("no coverage") == t.no_coverage
        assert len(suite.findall("testcase/error")) == t.error
        assert {c.get("classname") for c in suite.iter("testcase")} <= {summary.module}
        # named as people read a mutant: the function and its number, not mutmut's id
        assert {c.get("name", "") for c in suite.iter("testcase")} == {m.name for m in summary.mutants}
    pricing = root.find("testsuite[@name='demo.pricing']")
    assert pricing is not None and pricing.get("failures") == "10"


def test_junit_failures_carry_the_diff_and_the_witness(sample_results: Results) -> None:
    cases = junit_cases(ET.fromstring(render_junit(sample_results)))
    case = cases["bulk_discount #1"]
    assert (case.get("classname"), case.get("file"), case.get("line")) == (
        "demo.pricing",
        "src/demo/pricing.py",
        "9",
    )
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "survived"
    sentence = "witnessed: bulk_discount(qty=10) returns 0.1; the mutant returns 0.0"
    message, body = failure.get("message", ""), failure.text or ""
    for part in ("- if qty >= 10:", "+ if qty > 10:", sentence):
        assert part in message and part in body
    assert "def test_bulk_discount_with_qty_10():" in body
    assert "assert result == 0.1" in body

    # markup in the code survives the XML round trip as text
    label = cases["label #2"].find("failure")
    assert label is not None and SCRIPT in label.get("message", "") and IMG in (label.text or "")
    equivalent = cases["clamp #2"].find("failure")
    witness = mutant(sample_results, "demo.util.x_clamp__mutmut_2").witness
    assert equivalent is not None and witness is not None
    assert witness_sentence(witness) in equivalent.get("message", "")

    killed = cases["label #1"]
    assert killed.find("failure") is None and killed.find("error") is None
    assert f"killed by {HOSTILE_TEST}" in (killed.findtext("system-out") or "")

    uncovered = cases["unused #1"].find("failure")
    assert uncovered is not None and uncovered.get("type") == "no coverage"
    assert "no test executes line 10" in uncovered.get("message", "")
    assert "- return x * 2" in (uncovered.text or "")


def test_junit_errors_and_unprintable_characters(sample_results: Results) -> None:
    broken = copy.deepcopy(sample_results)
    target = mutant(broken, "demo.pricing.x_label__mutmut_1")
    target.status, target.status_reason = ERROR, "ImportError: boom \x00\x1b[0m"
    odd = mutant(broken, "demo.pricing.x_tax__mutmut_5")
    odd.after = ["    return '\x07'"]
    root = ET.fromstring(render_junit(broken))  # XML 1.0 cannot hold \x00: it must be replaced
    assert root.get("errors") == "1"
    assert root.get("failures") == "14"
    error = junit_cases(root)["label #1"].find("error")
    assert error is not None and error.get("type") == ERROR
    assert "ImportError: boom" in error.get("message", "")
    suite = root.find("testsuite[@name='demo.pricing']")
    assert suite is not None and suite.get("errors") == "1"


def test_write_junit_writes_the_xml(sample_results: Results, tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit(sample_results, path)
    assert path.read_text(encoding="utf-8") == render_junit(sample_results)
    assert ET.parse(path).getroot().get("tests") == "20"


# --- Markdown ------------------------------------------------------------------------------------


class Page(HTMLParser):
    """What a browser would build from the rendered Markdown, as far as the tests care."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starttags: list[str] = []
        self.rows: list[list[str]] = []
        self.details: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self.code_classes: list[str] = []
        self._cell: list[str] | None = None
        self._heading: list[str] | None = None
        self._in_details = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starttags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag in ("h2", "h3"):
            self._heading = []
        elif tag == "details":
            self.details.append("")
            self._in_details = True
        elif tag == "code" and self._in_details:
            self.code_classes.append(dict(attrs).get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        elif tag == "details":
            self._in_details = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for sink in (self._cell, self._heading):
            if sink is not None:
                sink.append(data)
        if self._in_details:
            self.details[-1] += data


def rendered(results: Results, **options: Any) -> Page:
    return Page(MarkdownIt("commonmark").enable("table").render(render_markdown(results, **options)))


def shown_as(m: MutantResult) -> str:
    """How the Markdown comment names a survivor, once rendered."""
    return f"{m.name} ({m.file}:{m.line})"


def test_markdown_leads_with_the_verdict_then_the_findings_then_five_survivors(
    sample_results: Results,
) -> None:
    text = render_markdown(sample_results, full_reports=["escape-html/index.html"])
    first = text.splitlines()[0]
    assert first == "**pytest-escape**: mutation score **30.0%**; no gate is set"
    page = rendered(sample_results, full_reports=["escape-html/index.html"])
    # the findings a person acts on come first, in this order, then the survivors
    assert "Surviving mutants (12; 11 with a verified regression test)" in page.headings
    order = [h.split(" (")[0] for h in page.headings]
    assert order.index("Confirming-only tests") < order.index("Pseudo-tested functions")
    assert order.index("Pseudo-tested functions") < order.index("Surviving mutants")
    if "Violated properties" in order:
        assert order.index("Pseudo-tested functions") < order.index("Violated properties")
        assert order.index("Violated properties") < order.index("Surviving mutants")
    plain = "".join(page.text)
    assert "demo.pricing.tax (src/demo/pricing.py:14): its test passes" in plain
    assert "tests/test_pricing.py::test_tax_runs: runs demo.pricing.tax" in plain
    assert "no assertion (line 17): no assert, pytest.raises or assert_* call" in plain

    # five survivors, witnessed ones with their verified tests, named as people read them
    survivors = [m for m in sample_results.mutants if m.status == SURVIVED]
    with_tests = [m for m in survivors if m.witness is not None and m.witness.test]
    assert len(with_tests) == 11
    shown = [m for m in survivors if shown_as(m) in plain]
    assert len(shown) == 5 and all(m in with_tests for m in shown)
    assert not any(m.id in plain for m in survivors)
    assert "… and 7 more in the full report (escape-html/index.html)" in plain
    assert [c for c in page.code_classes if c] == ["language-python"] * 5
    bulk = mutant(sample_results, "demo.pricing.x_bulk_discount__mutmut_1")
    assert bulk in shown and bulk.witness is not None and bulk.witness.test is not None
    assert "- if qty >= 10:\n+ if qty > 10:" in plain
    assert any(bulk.witness.test.strip() in d for d in page.details)
    assert plain.rstrip().endswith("Full report: escape-html/index.html")

    # the module table, folded away, the weakest module first
    summaries = sorted(module_summaries(sample_results), key=lambda s: s.tally.score or 0.0)
    header, *rows = page.rows
    assert header == [
        "Module",
        "Mutants",
        "Killed",
        "Survived",
        "No cov",
        "Score",
        "Pseudo-tested",
        "Confirming-only",
    ]
    assert [row[0] for row in rows] == [s.module for s in summaries]
    for row, s in zip(rows, summaries, strict=True):
        t = s.tally
        assert row == [
            s.module,
            str(t.total),
            str(t.detected),
            str(t.survived),
            str(t.no_coverage),
            score_text(t.score),
            str(len(s.pseudo_tested)),
            str(len(s.confirming_only)),
        ]


def test_markdown_first_line_says_pass_or_fail_against_the_gate_and_the_baseline(
    sample_results: Results,
) -> None:
    failing = dataclasses.replace(
        sample_results,
        fail_under=50.0,
        gate_sources={"fail_under": "pyproject.toml [tool.pytest_escape] fail_under"},
    )
    assert render_markdown(failing).splitlines()[0] == (
        "❌ **pytest-escape failed** (exit 10): mutation score **30.0%** is below 50%, the score the gate "
        "asks for (pyproject.toml \\[tool.pytest\\_escape\\] fail\\_under)"
    )
    passing = dataclasses.replace(sample_results, fail_under=25.0)
    assert render_markdown(passing).splitlines()[0] == (
        "✅ **pytest-escape passed**: mutation score **30.0%**; the gate holds it to score 25% "
        "(--escape-fail-under)"
    )
    # a ratchet: the change since the baseline, in points
    better = copy.deepcopy(sample_results)
    for m in better.mutants:
        m.status = KILLED
    first = render_markdown(passing, Ratchet(better, Path("base.json"))).splitlines()[0]
    assert first.startswith(
        "❌ **pytest-escape failed** (exit 14): mutation score **30.0%** (−70.0 points since "
    )
    assert "the baseline 100.0%)" in first


def test_markdown_of_a_large_project_stays_under_githubs_comment_limit(sample_results: Results) -> None:
    """5,000 mutants in 500 modules, every survivor witnessed, long reasons: the
    comment still fits GitHub's 65,536 characters, and says what it left out."""
    big = copy.deepcopy(sample_results)
    template = mutant(big, "demo.pricing.x_bulk_discount__mutmut_1")
    big.mutants = [
        dataclasses.replace(template, id=f"demo.m{i % 500}.x_f__mutmut_{i}", module=f"demo.m{i % 500}")
        for i in range(5000)
    ]
    big.tests = [
        dataclasses.replace(t, id=f"{t.id}{i}", reason=(t.reason or "") * 20)
        for t in big.tests
        for i in range(300)
    ]
    text = render_markdown(big, full_reports=["escape-report.json"])
    assert len(text) < 65_536
    assert text.splitlines()[0].startswith("**pytest-escape**: mutation score")
    assert "… and 4995 more in the full report (escape-report.json)" in text
    assert re.search(r"… and 4\d\d more modules", text)


def test_markdown_shows_markup_from_the_code_as_text(sample_results: Results) -> None:
    page = rendered(sample_results)
    assert "script" not in page.starttags and "img" not in page.starttags
    text = "".join(page.text)
    assert SCRIPT in text  # in the diff and the witness sentence, shown, not run
    assert f"label(name='{IMG}') returns '{SCRIPT}{IMG}'" in text

    # hostile text everywhere a project can put it
    hostile = copy.deepcopy(sample_results)
    survivor = mutant(hostile, "demo.pricing.x_bulk_discount__mutmut_1")
    assert survivor.witness is not None and survivor.witness.test is not None
    survivor.witness.test += '\n\ndef test_doc():\n    """\n```\n# not a heading\n````\n"""\n'
    survivor.witness.test_name = IMG
    survivor.witness.input = f"bulk_discount(qty={IMG})"
    survivor.before = ["if qty >= 10: # ``` ```` *x* | y"]
    for f in hostile.functions:
        if f.label == PSEUDO_TESTED:
            f.reason = f"{SCRIPT} *bold* [link](javascript:alert(1)) | `x`"
    for t in hostile.tests:
        if t.smells:
            t.id = f"tests/test_x.py::test_`{IMG}`"
    page = rendered(hostile)
    assert "script" not in page.starttags and "img" not in page.starttags
    assert "a" not in page.starttags and "em" not in page.starttags and "h1" not in page.starttags
    text = "".join(page.text)
    assert f"{SCRIPT} *bold* [link](javascript:alert(1)) | `x`" in text
    assert f"tests/test_x.py::test_`{IMG}`" in text
    assert "- if qty >= 10: # ``` ```` *x* | y" in text
    (doc,) = [d for d in page.details if "def test_doc():" in d]
    assert '"""\n```\n# not a heading\n````\n"""' in doc and IMG in doc


def test_markdown_lists_witnessed_survivors_first(sample_results: Results) -> None:
    backwards = copy.deepcopy(sample_results)
    backwards.mutants.reverse()  # the likely equivalent survivor now comes first
    text = "".join(rendered(backwards).text)
    survivors = [m for m in backwards.mutants if m.status == SURVIVED]
    assert survivors[0].id == "demo.util.x_clamp__mutmut_2"
    witnessed = [m for m in survivors if m.witness is not None and m.witness.verdict == "witnessed"]
    assert {shown_as(m) for m in survivors if shown_as(m) in text} == {shown_as(m) for m in witnessed[:5]}
    assert text.index(shown_as(witnessed[0])) < text.index(shown_as(witnessed[1]))


def test_markdown_escapes_table_cells_and_caps_lists(sample_results: Results) -> None:
    odd = copy.deepcopy(sample_results)
    for m in odd.mutants:
        if m.module == "demo.util":
            m.module = "demo|util_<b>"
    extra = [
        dataclasses.replace(f, name=f"tax{i}", line=100 + i)
        for f in odd.functions
        if f.label == PSEUDO_TESTED
        for i in range(11)
    ]
    odd.functions += extra
    page = rendered(odd)
    names = [row[0] for row in page.rows[1:]]
    assert "demo|util_<b>" in names and "b" not in page.starttags
    assert all(len(row) == 8 for row in page.rows)
    text = "".join(page.text)
    assert "Pseudo-tested functions (12)" in page.headings
    assert "… and 2 more" in text.split("Pseudo-tested functions (12)")[1]


def test_markdown_with_nothing_measured() -> None:
    empty = Results(project_root="/nowhere", tool_version="0", mutmut_version="0")
    text = render_markdown(empty)
    assert text.startswith("❌ **pytest-escape failed** (exit 11): no score; no mutants measured")
    assert "Surviving" not in text


def test_write_markdown_replaces_or_appends(sample_results: Results, tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("# Previous step\n", encoding="utf-8")
    write_markdown(sample_results, path)
    assert path.read_text(encoding="utf-8") == render_markdown(sample_results)

    path.write_text("# Previous step\n", encoding="utf-8")
    write_markdown(sample_results, path, append=True)
    write_markdown(sample_results, path, append=True)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Previous step\n")
    assert text.count("**pytest-escape**: mutation score **30.0%**") == 2
    assert text == "# Previous step\n" + ("\n" + render_markdown(sample_results)) * 2
    # appending to a file that is not there yet creates it
    fresh = tmp_path / "new" / "summary.md"
    write_markdown(sample_results, fresh, append=True)
    assert fresh.read_text(encoding="utf-8") == render_markdown(sample_results)


def test_a_run_writes_every_format_it_is_asked_for(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's side: --escape-report and ``report = [...]`` reach every writer."""
    project.write(
        {
            "pricing.py": "def fee(a):\n    if a >= 100:\n        return 0\n    return 5\n",
            "test_pricing.py": "from pricing import fee\n\ndef test_fee():\n    assert fee(500) == 0\n",
            "pyproject.toml": '[tool.pytest_escape]\nreport = ["html:out/html", "junit:out/junit.xml"]\n',
        }
    )
    summary = project.path / "summary.md"
    summary.write_text("before\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    # the command line replaces the config's list
    result = project.run(
        "--escape-witness-budget", "0", "--escape-report", "sarif:out/x.sarif", "--escape-report", "md"
    )
    assert result.ret == 0, result.stdout.str()
    assert not (project.path / "out" / "html").exists()
    # one "wrote" line per file, where it is; the job summary named as such
    result.stdout.fnmatch_lines(
        [
            "escape: wrote the SARIF report to out/x.sarif",
            "escape: wrote the Markdown summary to summary.md (appended to the job summary)",
        ]
    )
    sarif = json.loads((project.path / "out" / "x.sarif").read_text(encoding="utf-8"))
    annotated = {r["properties"].get("mutantId") for r in sarif["runs"][0]["results"]}
    assert "pricing.x_fee__mutmut_2" in annotated  # >= 100 -> >= 101 survives fee(500)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("before\n") and "| pricing |" in text
    # without options, the config's formats are written (project.run would add a json one)
    plain = project.pytester.runpytest_subprocess(
        "--escape", "-p", "no:cacheprovider", "--escape-witness-budget", "0"
    )
    assert plain.ret == 0
    assert (project.path / "out" / "html" / "index.html").is_file()
    plain.stdout.fnmatch_lines(["escape: wrote the HTML report to out/html/index.html"])
    assert (project.path / "out" / "html" / "pricing.html").is_file()
    suites = ET.parse(project.path / "out" / "junit.xml").getroot()
    assert [s.get("name") for s in suites] == ["pricing"]


def test_an_html_report_path_that_is_a_file_is_a_usage_error(project: Project) -> None:
    project.write(
        {
            "pricing.py": "def f():\n    return 1\n",
            "test_p.py": "from pricing import f\ndef test_f():\n    assert f() == 1\n",
        }
    )
    (project.path / "taken").write_text("", encoding="utf-8")
    result = project.run("--escape-report", "html:taken")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--escape-report: *taken is a file; the html report needs a directory"])


def test_a_parametrized_tests_flagged_cases_are_one_finding(sample_results: Results) -> None:
    """A real project flagged 42 sha384 cases of one test: the lists showed ten
    cases of it and nothing else. Its cases are one line, saying how many."""
    from pytest_escape.report import render_terminal

    many = copy.deepcopy(sample_results)
    (flagged,) = [t for t in many.tests if t.verdict == "confirming-only"]
    many.tests += [dataclasses.replace(flagged, id=f"{flagged.id}[case{i}]") for i in range(12)]
    many.tests.remove(flagged)
    text = "".join(rendered(many).text)
    assert "Confirming-only tests (12)" in rendered(many).headings
    assert text.count("tests/test_pricing.py::test_tax_runs (12 parametrized cases)") == 1
    assert "[case3]" not in text
    terminal = "\n".join(render_terminal(many))
    assert (
        terminal.count("confirming-only tests/test_pricing.py::test_tax_runs (12 parametrized cases):") == 1
    )
    # the HTML findings: one item, saying how many cases (the tests view keeps each)
    from pytest_escape.report.html import render_index, render_tests

    index = render_index(many)
    assert index.count('class="confirming-only"') == 1 and 'data-cases="12"' in index
    assert "(12 parametrized cases; the first:)" in index
    assert render_tests(many).count("test_tax_runs[<wbr>case") == 12
