"""The self-contained HTML report: its structure and escaping parsed with the
stdlib, and its behaviour in a real (headless) Chromium."""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from browser import Browser, chromium

from pytest_escape.model import NO_COVERAGE, SURVIVED, FunctionResult, MutantResult, Results
from pytest_escape.report.describe import module_summaries, score_text, witness_sentence
from pytest_escape.report.html import (
    HTMLFILES,
    page_names,
    render_index,
    render_module,
    render_score,
    render_tests,
    score_class,
    status_class,
    write_html,
)

SCRIPT_LITERAL = "</script><script>alert(1)</script>"
IMG_MARKUP = "<img src=x onerror=alert(1)>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes())
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, id: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == id]
        assert len(found) == 1, f"{len(found)} elements with id {id!r}"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def texts(self) -> Iterator[str]:
        """Every text node on its own (one ``handle_data`` each)."""
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child.texts()


class TreeBuilder(HTMLParser):
    """A tiny DOM from the stdlib parser: what a browser sees as elements and as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def page_text(root: Node) -> str:
    """All text outside ``<script>`` and ``<style>``."""
    return "".join(
        t for n in root.iter() if n.tag not in ("script", "style") for t in n.children if isinstance(t, str)
    )


def assert_no_injection(root: Node, scripts: int) -> None:
    assert len(root.find_all("script")) == scripts
    assert root.find_all("img") == []
    for node in root.iter():
        assert not any(name.startswith("on") for name in node.attrs), (node.tag, node.attrs)


def survivors_with_tests(results: Results, module: str) -> list[MutantResult]:
    return [
        m
        for m in results.mutants
        if m.module == module and m.status == SURVIVED and m.witness is not None and m.witness.test
    ]


# --- structure and escaping, without a browser ---------------------------------------


def test_write_html_writes_index_and_one_page_per_module(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path / "report")
    written = sorted(p.name for p in (tmp_path / "report").iterdir())
    modules = [s.module for s in module_summaries(sample_results)]
    assert {"demo.pricing", "demo.util"} <= set(modules)
    assert written == sorted(["index.html", "tests.html", *(f"{m}.html" for m in modules)])


def test_index_table_rows_scores_and_findings(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path)
    root = parse((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert_no_injection(root, scripts=1)
    table = root.by_id("modules")
    summaries = module_summaries(sample_results)
    rows = table.find_all("tr", cls="module")
    assert [r.attrs["data-module"] for r in rows] == [s.module for s in summaries]
    for row, summary in zip(rows, summaries, strict=True):
        link = row.find_all("a")[0]
        assert link.text() == summary.module
        assert link.attrs["href"] == f"{summary.module}.html"
        cells = {
            c: row.find_all("td", cls=c)[0].text() for c in ("mutants", "survived", "killed", "no-coverage")
        }
        assert cells == {
            "mutants": str(summary.tally.total),
            "survived": str(summary.tally.survived),
            "killed": str(summary.tally.killed),
            "no-coverage": str(summary.tally.no_coverage),
        }
        assert row.find_all("td", cls="score")[0].text() == score_text(summary.tally.score)
    (total,) = table.find_all("tr", cls="total")
    assert total.find_all("td", cls="name")[0].text() == "TOTAL"
    assert total.find_all("td", cls="mutants")[0].text() == str(len(sample_results.mutants))
    assert total.find_all("td", cls="score")[0].text() == score_text(sample_results.tally().score)
    # the score bar is as wide as the score and coloured by it
    pricing = next(s for s in summaries if s.module == "demo.pricing")
    (fill,) = [
        n for n in rows[[s.module for s in summaries].index("demo.pricing")].iter() if "fill" in n.classes()
    ]
    assert f"width:{pricing.tally.score:.1f}%" in (fill.attrs["style"] or "")
    assert score_class(pricing.tally.score) in fill.classes()
    # a module without measured mutants shows n/a and no bar
    for row, summary in zip(rows, summaries, strict=True):
        if summary.tally.score is None:
            assert row.find_all("td", cls="score")[0].text() == "n/a"
            assert not [n for n in row.iter() if "bar" in n.classes()]

    findings = root.by_id("findings")
    (pseudo,) = findings.find_all("li", cls="pseudo-tested")
    assert pseudo.attrs["data-function"] == "demo.pricing.tax"
    assert "its test passes when its body is replaced" in pseudo.text()
    (flagged,) = findings.find_all("li", cls="confirming-only")
    assert flagged.attrs["data-test"] == "tests/test_pricing.py::test_tax_runs"
    test = next(t for t in sample_results.tests if t.id == "tests/test_pricing.py::test_tax_runs")
    assert test.reason and test.reason in flagged.text()
    assert test.smells and all(s.tag in flagged.text() and s.detail in flagged.text() for s in test.smells)

    text = page_text(root)
    tally = sample_results.tally()
    assert f"mutation score {score_text(tally.score)}" in root.by_id("score").text()
    assert f"{tally.detected} detected of {tally.total} mutants" in text
    # every mutant is listed, by its name, with a link to its details, its status and verdict as data
    rows = root.by_id("mutants").find_all("tr", cls="mutant-row")
    assert [r.attrs["data-mutant"] for r in rows] == [
        m.id for s in module_summaries(sample_results) for m in s.mutants
    ]
    for row, m in zip(rows, (m for s in module_summaries(sample_results) for m in s.mutants), strict=True):
        (link,) = row.find_all("a")
        assert link.attrs["href"] == f"{m.module}.html#m-{m.id}" and link.text() == m.name
        assert row.attrs["data-status"] == m.status
        assert row.attrs["data-verdict"] == (
            "-" if m.status != SURVIVED else m.witness.verdict if m.witness else "not searched"
        )
    # the filters: one button per status present, the survivors' pressed
    buttons = root.by_id("filters").find_all("button", cls="filter")
    pressed = [b.attrs["data-value"] for b in buttons if b.attrs["aria-pressed"] == "true"]
    assert pressed == ["survived"]
    assert {b.attrs["data-value"] for b in buttons if b.attrs["data-kind"] == "status"} == {
        str(m.status) for m in sample_results.mutants
    }


def test_the_index_opens_with_the_gates_verdict(sample_results: Results) -> None:
    banner = parse(render_index(sample_results)).by_id("verdict")
    assert banner.classes() == {"banner", "none"} and banner.text().startswith("No gate mutation score 30.0%")
    failing = dataclasses.replace(sample_results, fail_under=50.0)
    banner = parse(render_index(failing)).by_id("verdict")
    assert banner.classes() == {"banner", "failed"}
    assert banner.text() == (
        "Failed (exit 10) mutation score 30.0% is below 50%, the score the gate asks for "
        "(--escape-fail-under)"
    )
    passing = parse(render_index(dataclasses.replace(sample_results, fail_under=20.0))).by_id("verdict")
    assert passing.classes() == {"banner", "passed"} and passing.text().startswith(
        "Passed mutation score 30.0%"
    )


def test_many_modules_are_a_tree_of_packages(sample_results: Results) -> None:
    """Past ten modules the index groups them by package, each package with its
    score, folded below the top level; every module is still there, linked."""
    many = copy.deepcopy(sample_results)
    template = many.mutants[0]
    many.mutants += [
        dataclasses.replace(template, id=f"{p}.m{i}.x_f__mutmut_1", module=f"{p}.m{i}")
        for p in ("app.core", "app.web")
        for i in range(6)
    ]
    root = parse(render_index(many))
    tree = root.by_id("modules")
    assert "tree" in tree.classes()
    modules = [r.attrs["data-module"] for r in tree.find_all("tr", cls="module")]
    assert sorted(modules) == sorted(s.module for s in module_summaries(many))
    packages = {d.attrs["data-package"]: d for d in tree.find_all("details", cls="package")}
    assert {"app", "app.core", "app.web", "demo"} <= set(packages)
    assert "open" in packages["app"].attrs and "open" not in packages["app.core"].attrs
    assert [r.attrs["data-module"] for r in packages["app.web"].find_all("tr", cls="module")] == [
        f"app.web.m{i}" for i in range(6)
    ]
    # few modules: the flat table, as before
    assert parse(render_index(sample_results)).by_id("modules").tag == "table"


def test_the_tests_page_shows_each_tests_verdict_kills_and_passes(sample_results: Results) -> None:
    root = parse(render_tests(sample_results))
    rows = {r.attrs["data-test"]: r for r in root.by_id("tests").find_all("tr", cls="test")}
    assert set(rows) == {t.id for t in sample_results.tests}
    # the confirming-only tests come first
    first = root.by_id("tests").find_all("tr", cls="test")[0]
    assert first.attrs["data-verdict"] == "confirming-only"
    for t in sample_results.tests:
        row = rows[t.id]
        killed = [
            m for m in sample_results.all_mutants() if t.id in ([k.test for k in m.kills] or [m.killed_by])
        ]
        passed = [m for m in sample_results.all_mutants() if t.id in m.passed_by]
        for cls, found in (("killed", killed), ("passed", passed)):
            details = row.find_all("details", cls=cls)
            if not found:
                assert not details
                continue
            (box,) = details
            assert box.find_all("summary")[0].text() == str(len(found))
            assert len(box.find_all("li")) == min(len(found), 20) + (len(found) > 20)


def test_index_lists_warnings(sample_results: Results) -> None:
    sample_results.warnings = ["odd <b>thing</b> & more"]
    root = parse(render_index(sample_results))
    assert root.by_id("warnings").text() == "warning: odd <b>thing</b> & more"
    assert root.find_all("b") == []


def test_module_page_escapes_code_and_test_ids(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path)
    raw = (tmp_path / "demo.pricing.html").read_text(encoding="utf-8")
    root = parse(raw)
    assert_no_injection(root, scripts=1)
    assert raw.count("<script") == 1 and raw.count("</script>") == 1
    # the string literal is one source line's text, the test id a test's text
    (line4,) = [n for n in root.find_all("tr", cls="line") if n.attrs["id"] == "L4"]
    assert SCRIPT_LITERAL in line4.find_all("td", cls="code")[0].text()
    assert any(SCRIPT_LITERAL in t for t in root.texts())
    assert any(IMG_MARKUP in t for t in root.texts())
    assert '"""Greets <b>you</b> & friends."""' in page_text(root)
    # the docstring's <b> is text too: the only <b> elements are our own mutant numbers
    assert all(n.parent is not None and n.parent.tag == "summary" for n in root.find_all("b"))


def test_the_content_policy_allows_exactly_the_shipped_script(
    sample_results: Results, tmp_path: Path
) -> None:
    """The script comes from htmlfiles/ and the policy names its hash: an edit
    to one without the other would leave a page whose script never runs."""
    write_html(sample_results, tmp_path)
    module = parse((tmp_path / "demo.pricing.html").read_text(encoding="utf-8"))
    (script,) = module.find_all("script")
    text = "".join(c for c in script.children if isinstance(c, str))
    assert text == (HTMLFILES / "escape.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    (meta,) = module.find_all("meta", http_equiv="Content-Security-Policy")
    assert meta.attrs["content"] == (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    )
    index = parse((tmp_path / "index.html").read_text(encoding="utf-8"))
    (meta,) = index.find_all("meta", http_equiv="Content-Security-Policy")
    # the index runs the same script (its filters), under the same hash
    assert (
        meta.attrs["content"].endswith(f"script-src 'sha256-{digest}'") and len(index.find_all("script")) == 1
    )
    (style,) = index.find_all("style")
    assert "".join(c for c in style.children if isinstance(c, str)) == (HTMLFILES / "style.css").read_text()


def test_module_page_has_a_marker_and_details_per_mutant(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path)
    for module in ("demo.pricing", "demo.util"):
        root = parse((tmp_path / f"{module}.html").read_text(encoding="utf-8"))
        mutants = [m for m in sample_results.mutants if m.module == module]
        assert mutants
        for m in mutants:
            cls = status_class(m.status)
            (marker,) = root.find_all("a", cls="marker", data_mutant=m.id)
            assert marker.classes() == {"marker", cls}
            assert marker.attrs["data-status"] == m.status
            assert marker.attrs["href"] == f"#m-{m.id}"
            # the marker sits on the mutant's line
            row = marker.parent.parent if marker.parent else None
            assert row is not None and row.attrs["id"] == f"L{m.line}"
            details = root.by_id(f"m-{m.id}")
            assert details.tag == "details" and "open" not in details.attrs
            assert details.classes() == {"mutant", cls}
            assert details.attrs["data-status"] == m.status
            # placed in the row right after its line
            holder = details.parent.parent if details.parent else None
            assert holder is not None and holder.attrs["data-line"] == str(m.line)
            text = details.text()
            assert m.id in text and m.operator in text and m.status in text
            old, new = m.diff_lines()
            (pre,) = details.find_all("pre", cls="diff")
            assert old in pre.text() and new in pre.text()
            # the changed span is marked on both sides
            assert [n.text() for n in pre.find_all("mark")] == [m.original.strip(), m.replacement.strip()]
            assert all(t in text for t in m.covered_by)
            if m.status_reason:
                assert m.status_reason in text
            for kill in m.kills:
                assert kill.test in text
                assert kill.exception is None or kill.exception in text
        statuses = {m.status for m in mutants}
        assert {n.attrs["data-status"] for n in root.find_all("a", cls="marker")} == statuses
        assert len(root.find_all("a", cls="marker")) == len(mutants)
    # no-coverage mutants in demo.util.unused
    root = parse((tmp_path / "demo.util.html").read_text(encoding="utf-8"))
    unused = [m for m in sample_results.mutants if m.function == "unused"]
    assert unused and all(m.status == NO_COVERAGE for m in unused)
    assert len(root.find_all("a", cls="no-coverage")) == len(unused)


def test_survivor_details_show_the_witness_and_a_copyable_regression_test(
    sample_results: Results, tmp_path: Path
) -> None:
    write_html(sample_results, tmp_path)
    survivors = [m for m in sample_results.mutants if m.status == SURVIVED]
    assert survivors_with_tests(sample_results, "demo.pricing")
    pages = {
        m: parse((tmp_path / f"{m}.html").read_text(encoding="utf-8")) for m in ("demo.pricing", "demo.util")
    }
    for m in survivors:
        details = pages[m.module].by_id(f"m-{m.id}")
        assert m.witness is not None
        assert witness_sentence(m.witness) in details.text()
        for part in (m.witness.input, m.witness.original, m.witness.mutant):
            assert part is None or part in details.text()
        pres = details.find_all("pre", cls="regression")
        buttons = details.find_all("button", cls="copy")
        if m.witness.test:
            (pre,) = pres
            assert pre.text() == m.witness.test
            (button,) = buttons
            assert button.attrs["data-target"] == pre.attrs["id"]
        else:
            assert pres == [] and buttons == []


def test_module_page_lists_functions_with_labels(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path)
    root = parse((tmp_path / "demo.pricing.html").read_text(encoding="utf-8"))
    rows = root.by_id("functions").find_all("tr", cls="function")
    functions: dict[str, FunctionResult] = {
        f.qualname: f for f in sample_results.functions if f.module == "demo.pricing"
    }
    assert [r.attrs["data-function"] for r in rows] == list(functions)
    for row in rows:
        f = functions[row.attrs["data-function"] or ""]
        assert row.attrs["data-label"] == f.label
        assert f.label in row.text()
        assert (f.reason or "") in row.text()
    assert functions["demo.pricing.tax"].label == "pseudo-tested"
    flagged = root.by_id("findings")
    assert flagged.find_all("li", cls="pseudo-tested")[0].attrs["data-function"] == "demo.pricing.tax"
    assert (
        flagged.find_all("li", cls="confirming-only")[0].attrs["data-test"]
        == "tests/test_pricing.py::test_tax_runs"
    )


def test_page_names_are_safe_and_distinct() -> None:
    names = page_names(["demo.pricing", "a/b", "../x", "index", "Index", "ü", "demo_pricing", "a_b"])
    assert names["demo.pricing"] == "demo.pricing.html"
    assert len(set(n.lower() for n in names.values())) == len(names)
    assert "index.html" not in {n.lower() for n in names.values()}
    for name in names.values():
        assert "/" not in name and not name.startswith(".")
        assert all(c.isascii() and (c.isalnum() or c in "._-") for c in name)


def test_score_colours_and_na() -> None:
    assert score_class(80.0) == "score-good"
    assert score_class(79.9) == "score-fair"
    assert score_class(60.0) == "score-fair"
    assert score_class(59.9) == "score-poor"
    assert score_class(None) is None
    assert parse(render_score(None)).text() == "n/a"
    assert "width:0.0%" in render_score(0.0) and "score-poor" in render_score(0.0)


def test_renders_a_module_without_source_or_mutants() -> None:
    results = Results(project_root="/p", tool_version="0", mutmut_version="0")
    index = parse(render_index(results))
    assert index.by_id("modules").find_all("tr", cls="module") == []
    assert (
        index.by_id("modules").find_all("tr", cls="total")[0].find_all("td", cls="score")[0].text() == "n/a"
    )
    mutant = MutantResult(
        id="m.x_f__mutmut_1", module="m", file="m.py", function="f", operator="number", line=3, column=0,
        end_line=3, end_column=1, original="1", replacement="2", before=["1"], after=["2"], status=SURVIVED,
    )  # fmt: skip
    results.mutants.append(mutant)
    (summary,) = module_summaries(results)
    page = parse(render_module(results, summary))
    # no source to put it on: listed, open, below
    assert "open" in page.by_id("m-m.x_f__mutmut_1").attrs


# --- in a real browser ------------------------------------------------------------------


def run_chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "chromium-profile"
    done = subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", *args,
        ],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_browser_renders_the_index(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path / "report")
    dom = run_chromium(tmp_path, "--dump-dom", (tmp_path / "report" / "index.html").as_uri())
    root = parse(dom)
    rows = root.by_id("modules").find_all("tr", cls="module")
    assert [r.attrs["data-module"] for r in rows] == [s.module for s in module_summaries(sample_results)]
    assert root.by_id("modules").find_all("tr", cls="total")
    assert root.find_all("li", cls="pseudo-tested", data_function="demo.pricing.tax")
    assert root.find_all("li", cls="confirming-only", data_test="tests/test_pricing.py::test_tax_runs")
    assert_no_injection(root, scripts=1)


def test_browser_opens_the_mutant_in_the_url(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path / "report")
    target = survivors_with_tests(sample_results, "demo.pricing")[0]
    assert target.witness is not None and target.witness.test
    url = (tmp_path / "report" / "demo.pricing.html").as_uri() + f"#m-{target.id}"
    root = parse(run_chromium(tmp_path, "--dump-dom", url))
    # the script ran: the details is open, no other one is
    opened = [n for n in root.find_all("details", cls="mutant") if "open" in n.attrs]
    assert [n.attrs["id"] for n in opened] == [f"m-{target.id}"]
    details = opened[0]
    assert witness_sentence(target.witness) in details.text()
    assert details.find_all("pre", cls="regression")[0].text() == target.witness.test
    assert details.find_all("button", cls="copy")
    # the markup in the code and the test ids stayed text: nothing was injected
    assert_no_injection(root, scripts=1)
    assert any(SCRIPT_LITERAL in t for t in root.texts())
    assert any(IMG_MARKUP in t for t in root.texts())


def test_browser_screenshot(sample_results: Results, tmp_path: Path) -> None:
    write_html(sample_results, tmp_path / "report")
    # a plain survivor high on the page: headless screenshots show the unscrolled page
    found = survivors_with_tests(sample_results, "demo.pricing")
    target = next((m for m in found if m.function == "bulk_discount"), found[0])
    url = (tmp_path / "report" / "demo.pricing.html").as_uri() + f"#m-{target.id}"
    shot = tmp_path / "html-report.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", "--hide-scrollbars", url)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page is a few KB
    keep = os.environ.get("ESCAPE_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "html-report.png")


def test_browser_filters_hide_what_is_not_pressed(sample_results: Results, tmp_path: Path) -> None:
    """Real clicks on the index's filter buttons, in Chromium: what is hidden is
    what the pressed buttons leave out, and the counter says how many show."""
    write_html(sample_results, tmp_path / "report")
    rows = {m.id: m for m in sample_results.mutants}
    survived = {i for i, m in rows.items() if m.status == SURVIVED}
    killed = {i for i, m in rows.items() if m.status == "killed"}
    browser = Browser(tmp_path / "profile")
    try:
        browser.open((tmp_path / "report" / "index.html").as_uri())

        def shown() -> set[str]:
            return set(
                browser.evaluate(
                    "[...document.querySelectorAll('#mutants tbody tr')]"
                    ".filter(r => r.getClientRects().length > 0).map(r => r.dataset.mutant)"
                )
            )

        # on opening: the survivors only
        assert shown() == survived
        assert browser.evaluate("document.getElementById('shown').textContent") == (
            f"{len(survived)} of {len(rows)} mutants shown"
        )
        browser.click("button.filter[data-value='killed']")
        assert shown() == survived | killed
        browser.click("button.filter[data-value='survived']")
        assert shown() == killed
        assert (
            browser.evaluate("document.querySelector(\"button.filter[data-value='survived']\").ariaPressed")
            == "false"
        )
        # a witness verdict narrows the statuses: witnessed survivors
        browser.click("button.filter[data-value='killed']")
        browser.click("button.filter[data-value='witnessed']")
        witnessed = {
            i for i in survived if rows[i].witness is not None and rows[i].witness.verdict == "witnessed"
        }
        assert witnessed and shown() == witnessed
        keep = os.environ.get("ESCAPE_SCREENSHOT_DIR")
        if keep:
            # docs/images: the index with a filter pressed, a module page, the tests view
            Path(keep).mkdir(parents=True, exist_ok=True)
            browser.click("button.filter[data-value='witnessed']")
            browser.evaluate("window.scrollTo(0, 0)")
            browser.screenshot(Path(keep) / "html-index.png")
            browser.evaluate("document.getElementById('mutants').scrollIntoView()")
            browser.screenshot(Path(keep) / "html-mutants-filtered.png")
            browser.open((tmp_path / "report" / "tests.html").as_uri())
            browser.screenshot(Path(keep) / "html-tests.png")
            browser.open((tmp_path / "report" / "demo.pricing.html").as_uri())
            browser.screenshot(Path(keep) / "html-module.png")
            # and the Markdown summary, rendered as GitHub renders a comment (near enough)
            from markdown_it import MarkdownIt

            from pytest_escape.report.markdown import render_markdown

            comment = (
                MarkdownIt("commonmark")
                .enable("table")
                .render(
                    render_markdown(
                        dataclasses.replace(sample_results, fail_under=50.0),
                        full_reports=["escape-html/index.html"],
                    )
                )
            )
            style = (
                "body{font:14px/1.5 system-ui,sans-serif;max-width:860px;margin:24px auto;color:#1f2328}"
                "code,pre{font-family:monospace;background:#f6f8fa}pre{padding:8px;overflow:auto}"
                "table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:4px 8px}"
            )
            (tmp_path / "comment.html").write_text(
                f"<!DOCTYPE html><meta charset=utf-8><style>{style}</style>{comment}", encoding="utf-8"
            )
            browser.open((tmp_path / "comment.html").as_uri())
            browser.screenshot(Path(keep) / "markdown-comment.png")
        # no page is wider than a 1280 px window, even with a parametrized test
        # id and a repr that have no place to break (a real project's sha384 cases)
        wide = copy.deepcopy(sample_results)
        unbroken = "c753f45a3" * 30
        test = wide.tests[0]
        for m in wide.all_mutants():
            m.covered_by = [f"{t}[{unbroken}]" if t == test.id else t for t in m.covered_by]
            m.passed_by = [f"{t}[{unbroken}]" if t == test.id else t for t in m.passed_by]
            if m.witness is not None and m.witness.original:
                m.witness.original = f"returns '{unbroken}'"
        test.id = f"{test.id}[{unbroken}]"
        test.reason = f"called f(value='{unbroken}')"
        write_html(wide, tmp_path / "wide")
        for page in ("index.html", "tests.html", *(f"{s.module}.html" for s in module_summaries(wide))):
            for report in ("report", "wide"):
                browser.open((tmp_path / report / page).as_uri())
                assert browser.evaluate("document.documentElement.scrollWidth") <= 1280, (report, page)
    finally:
        browser.close()


def test_long_test_lists_are_capped_and_files_are_readable(sample_results: Results, tmp_path: Path) -> None:
    """A mutant covered by hundreds of tests lists 20 of them (the JSON has all),
    and the pages get the user's usual permissions, not mkstemp's 0600."""
    many = [f"tests/test_x.py::test_{i}" for i in range(45)]
    mutant = sample_results.mutants[0]
    mutant.covered_by = many
    write_html(sample_results, tmp_path / "out")
    page = (tmp_path / "out" / f"{mutant.module}.html").read_text(encoding="utf-8")
    assert "test_x.py::<wbr>test_19<" in page and "test_x.py::<wbr>test_20<" not in page
    assert "and 25 more (all in the JSON report)" in page
    mode = (tmp_path / "out" / "index.html").stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask
