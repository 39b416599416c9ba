"""Property findings in the HTML and SARIF reports, on results built in code."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from test_report_formats import sarif_results, validate_sarif
from test_report_html import assert_no_injection, page_text, parse

from pytest_escape.model import (
    CRASH,
    DETERMINISM,
    HELD,
    IDEMPOTENCE,
    NOT_CHECKED,
    PROPERTY_FINDINGS,
    ROUND_TRIP,
    TESTED,
    VIOLATED,
    FileInfo,
    FunctionResult,
    PropertyResult,
    Results,
)
from pytest_escape.report.describe import module_summaries
from pytest_escape.report.html import render_index, render_module, write_html
from pytest_escape.report.sarif import to_sarif

MODULE = "textkit.names"
FILE = "src/textkit/names.py"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
SOURCE = (
    "def initials(name: str) -> str:\n"
    "    return ''.join(part[0] for part in name.split(' '))\n"
    "\n"
    "\n"
    "def encode(text: str) -> bytes:\n"
    "    return text.encode('latin-1', 'replace')\n"
    "\n"
    "\n"
    "def decode(data: bytes) -> str:\n"
    "    return data.decode('latin-1')\n"
    "\n"
    "\n"
    "def slug(text: str) -> str:\n"
    "    return text.strip().lower().replace(' ', '-')\n"
)
CRASH_TEST = (
    "import pytest\n"
    "\n"
    "from textkit.names import initials\n"
    "\n"
    "\n"
    '@pytest.mark.xfail(raises=IndexError, strict=True, reason="crash: initials raises IndexError")\n'
    "def test_initials_crash():\n"
    f"    initials(name={IMG!r})  # {SCRIPT}\n"
)


def results_with_properties() -> Results:
    """One module whose functions break two properties, keep one and could not be checked for one."""
    functions = [
        FunctionResult(module=MODULE, file=FILE, name=name, line=line, label=TESTED)
        for name, line in (("initials", 1), ("encode", 5), ("decode", 9), ("slug", 13))
    ]
    return Results(
        project_root="/project",
        tool_version="1.0",
        mutmut_version="3.3",
        files=[FileInfo(path=FILE, module=MODULE, source=SOURCE)],
        functions=functions,
        properties=[
            PropertyResult(
                module=MODULE, file=FILE, function="initials", line=1, property=CRASH, outcome=VIOLATED,
                reason="no exception on a valid input", examples=12, seconds=0.25,
                input=f"initials(name={IMG!r})", observed="raises IndexError: string index out of range",
                test_name="test_initials_crash", test=CRASH_TEST,
            ),
            PropertyResult(
                module=MODULE, file=FILE, function="decode", line=9, property=ROUND_TRIP, outcome=VIOLATED,
                reason="decode(encode(x)) == x", partner=f"{MODULE}.encode", examples=40, seconds=0.5,
                input="encode(text='\u0100')", observed="returns '?' <not> '\u0100'",
                test_dropped="the test did not fail in a fresh interpreter",
            ),
            PropertyResult(
                module=MODULE, file=FILE, function="initials", line=1, property=DETERMINISM, outcome=HELD,
                examples=100, seconds=0.1,
            ),
            PropertyResult(
                module=MODULE, file=FILE, function="slug", line=13, property=IDEMPOTENCE,
                outcome=NOT_CHECKED, reason="no strategy for <b>Foo</b> & co",
            ),
        ],
    )  # fmt: skip


def module_page(results: Results) -> str:
    (summary,) = module_summaries(results)
    return render_module(results, summary)


# --- HTML ----------------------------------------------------------------------------------------


def test_module_page_lists_each_violation_with_its_counter_example_and_test() -> None:
    results = results_with_properties()
    raw = module_page(results)
    root = parse(raw)
    assert_no_injection(root, scripts=1)
    assert root.find_all("b") == []
    heading = root.by_id("properties")
    assert heading.tag == "h2" and heading.text().startswith("Property findings")
    assert "not gate failures" in heading.text()
    section = root.by_id("property-findings")
    (counts,) = section.find_all("p", cls="property-counts")
    assert counts.text() == "3 functions checked; 2 violated, 1 held, 1 not checked"

    crash, trip = section.find_all("li", cls="property-violation")
    assert crash.attrs["data-function"] == "textkit.names.initials"
    assert crash.attrs["data-property"] == "crash"
    assert crash.attrs["id"] == "p-initials-crash"
    assert {"badge", "property-observation"} == crash.find_all("span", cls="badge")[0].classes()
    text = crash.text()
    # the counter-example is shown as text, not markup
    assert f"initials(name={IMG!r})" in text
    assert "raises IndexError: string index out of range" in text
    assert "no exception on a valid input" in text
    assert f"{FILE}:1" in text
    assert crash.find_all("a")[0].attrs["href"] == "#L1"
    # the regression test: closed, verbatim, copyable
    (details,) = crash.find_all("details", cls="regression")
    assert "open" not in details.attrs
    assert "test_initials_crash" in details.find_all("summary")[0].text()
    (pre,) = details.find_all("pre", cls="regression")
    assert pre.text() == CRASH_TEST
    (button,) = details.find_all("button", cls="copy")
    assert button.attrs["data-target"] == pre.attrs["id"]
    assert SCRIPT in pre.text() and raw.count("</script>") == 1

    assert trip.attrs["data-property"] == "round trip"
    assert trip.attrs["id"] == "p-decode-round-trip"
    text = trip.text()
    assert "encode(text='\u0100')" in text
    assert "returns '?' <not> '\u0100'" in text
    assert "decode(encode(x)) == x" in text
    assert f"{MODULE}.encode" in text
    assert "the test did not fail in a fresh interpreter" in text
    assert trip.find_all("pre") == [] and trip.find_all("button") == []

    (unchecked,) = section.find_all("li", cls="not-checked")
    assert unchecked.attrs["data-function"] == "textkit.names.slug"
    assert "idempotence of slug: no strategy for <b>Foo</b> & co" in unchecked.text()
    # held ones are only counted
    assert "determinism" not in section.text()
    # the header links to the section
    assert "#properties" in {a.attrs["href"] for a in root.find_all("a")}
    assert "2 properties violated" in page_text(root)


def test_gating_properties_show_as_failing() -> None:
    results = results_with_properties()
    results.fail_on = [PROPERTY_FINDINGS]
    root = parse(module_page(results))
    assert "failing the gate: --escape-fail-on properties" in root.by_id("properties").text()
    badges = root.by_id("property-findings").find_all("span", cls="badge")
    assert badges and all("property-failing" in b.classes() for b in badges)


def test_index_links_each_violation_to_its_module_page(tmp_path: Path) -> None:
    results = results_with_properties()
    write_html(results, tmp_path)
    index = parse((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert_no_injection(index, scripts=1)
    (row,) = index.by_id("modules").find_all("tr", cls="module")
    (cell,) = row.find_all("td", cls="findings")
    (link,) = cell.find_all("a")
    assert link.text() == "2 properties violated" and link.attrs["href"] == f"#p-{MODULE}"
    section = index.by_id(f"p-{MODULE}")
    assert section.find_all("h3")[0].find_all("a")[0].attrs["href"] == f"{MODULE}.html#properties"
    assert section.find_all("p", cls="property-counts")[0].text().startswith("3 functions checked")
    items = section.find_all("li", cls="property-violation")
    assert [i.attrs["data-property"] for i in items] == ["crash", "round trip"]
    assert f"initials(name={IMG!r})" in items[0].text()
    assert "expected decode(encode(x)) == x" in items[1].text()
    # the index has no script: the test source is on the module page only
    assert index.find_all("pre") == []
    page = parse((tmp_path / f"{MODULE}.html").read_text(encoding="utf-8"))
    for item in items:
        href = item.find_all("a")[0].attrs["href"] or ""
        target, anchor = href.split("#")
        assert target == f"{MODULE}.html"
        assert page.by_id(anchor).attrs["data-property"] == item.attrs["data-property"]


def test_a_module_with_properties_but_no_page_is_listed_without_a_link() -> None:
    results = results_with_properties()
    results.functions = []
    assert module_summaries(results) == []
    index = parse(render_index(results))
    section = index.by_id(f"p-{MODULE}")
    assert section.find_all("a") == []
    assert len(section.find_all("li", cls="property-violation")) == 2


@pytest.mark.parametrize("keep", ["none", "held only"])
def test_no_violation_no_listing(keep: str) -> None:
    results = results_with_properties()
    results.properties = [p for p in results.properties if p.outcome == HELD] if keep == "held only" else []
    page, index = parse(module_page(results)), parse(render_index(results))
    for root in (page, index):
        assert root.find_all("li", cls="property-violation") == []
        assert "properties violated" not in page_text(root)
    if keep == "none":
        assert "Property findings" not in page_text(page) + page_text(index)
    else:
        assert (
            page.by_id("property-findings").text() == "1 function checked; 0 violated, 1 held, 0 not checked"
        )


# --- SARIF ---------------------------------------------------------------------------------------


def test_sarif_notes_each_violation_on_its_function() -> None:
    results = results_with_properties()
    document = to_sarif(results)
    validate_sarif(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    (rule,) = [r for r in rules if r["id"] == "property-violation"]
    assert rule["defaultConfiguration"] == {"level": "note"}
    assert len(rule["fullDescription"]["text"]) > 20
    found = sarif_results(document, "property-violation")
    assert len(found) == 2  # violations only: held and not checked are no findings
    crash, trip = found
    for result in found:
        assert rules[result["ruleIndex"]]["id"] == "property-violation"
        assert result["level"] == "note"
    assert crash["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": FILE, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }
    assert trip["locations"][0]["physicalLocation"]["region"] == {"startLine": 9}
    first, *rest = crash["message"]["text"].splitlines()
    assert first == (
        f"crash violated by {MODULE}.initials: initials(name={IMG!r}) raises IndexError: string index "
        "out of range; expected no exception on a valid input"
    )
    assert "\n".join(rest[1:]) == CRASH_TEST.rstrip("\n")
    text = trip["message"]["text"]
    assert text.startswith(f"round trip violated by {MODULE}.decode: encode(text='\u0100')")
    assert f"round trip with {MODULE}.encode" in text
    assert "no regression test: the test did not fail in a fresh interpreter" in text
    assert crash["properties"]["function"] == f"{MODULE}.initials"
    assert crash["properties"]["property"] == "crash"
    assert crash["properties"]["testName"] == "test_initials_crash"
    assert trip["properties"]["partner"] == f"{MODULE}.encode"
    assert set(crash["partialFingerprints"]) == {"escapeProperty/v1"}
    assert crash["partialFingerprints"] != trip["partialFingerprints"]


def test_sarif_property_findings_are_errors_when_they_fail_the_gate() -> None:
    results = results_with_properties()
    results.fail_on = [PROPERTY_FINDINGS]
    document = to_sarif(results)
    validate_sarif(document)
    (rule,) = [r for r in document["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "property-violation"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert {r["level"] for r in sarif_results(document, "property-violation")} == {"error"}


def test_sarif_property_fingerprints_ignore_lines() -> None:
    def keys(document: dict[str, Any]) -> list[dict[str, str]]:
        return [r["partialFingerprints"] for r in sarif_results(document, "property-violation")]

    results = results_with_properties()
    first = to_sarif(results)
    assert json.dumps(first) == json.dumps(to_sarif(copy.deepcopy(results)))
    moved = dataclasses.replace(
        results, properties=[dataclasses.replace(p, line=p.line + 7) for p in results.properties]
    )
    document = to_sarif(moved)
    assert keys(document) == keys(first)
    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in sarif_results(document, "property-violation")
    ]
    assert lines == [8, 16]
    # another property of the same function is another finding
    other = dataclasses.replace(results.properties[0], property=DETERMINISM)
    assert keys(to_sarif(dataclasses.replace(results, properties=[other])))[0] != keys(first)[0]


def test_sarif_without_violations_has_no_property_rule() -> None:
    results = results_with_properties()
    results.properties = [p for p in results.properties if p.outcome != VIOLATED]
    document = to_sarif(results)
    validate_sarif(document)
    rule_ids = {r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]}
    assert rule_ids == {"pseudo-tested-function", "confirming-only-test"}
    assert sarif_results(document, "property-violation") == []


def test_the_terminal_shows_a_violations_test_with_v_and_names_it_without() -> None:
    from pytest_escape.report import render_terminal

    results = results_with_properties()
    (found,) = [p for p in results.properties if p.test]
    first_line = found.test.strip().splitlines()[-1].strip()  # the test's last statement
    default = "\n".join(render_terminal(results))
    assert f"regression test {found.test_name} (xfail, strict)" in default
    assert first_line not in default
    verbose = "\n".join(render_terminal(results, 1))
    assert f"regression test {found.test_name} (xfail, strict)" in verbose
    assert f"        def {found.test_name}():" in verbose and first_line in verbose
