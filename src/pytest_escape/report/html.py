"""The self-contained HTML report: ``index.html`` and one page per module.

Every page carries its own styles and (module pages only) one small inline
script; nothing is fetched, so the report works from ``file://``, an archived
CI artifact or an air-gapped machine.  A Content-Security-Policy allows only
that script (by its hash), so markup that slipped through escaping still could
not run, but nothing should slip through: every string from the results
(source code, test ids, messages, witness text) goes through ``_e``.

Each mutant's details are a closed ``<details id="m-ID">`` right after its
source line, and its marker a link to ``#m-ID``: without the script the link
still shows the details' summary (CSS ``:target``), with it the details open.
The pages hold no data for the script, so no JSON is embedded at all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.resources
import re
import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..gate import Ratchet, describe_gate, headline
from ..model import (
    CONFIRMING_ONLY,
    HELD,
    KILLED,
    NOT_CHECKED,
    PROPERTY_FINDINGS,
    STATUSES,
    SURVIVED,
    VERDICTS,
    VIOLATED,
    WITNESSED,
    FunctionResult,
    MutantResult,
    PropertyResult,
    Results,
    Tally,
    TestInfo,
    Witness,
)
from ..wording import operator_words, plural
from .describe import (
    ModuleSummary,
    confirming_only,
    grouped,
    module_summaries,
    property_where,
    score_band,
    score_text,
    smell_text,
    witness_sentence,
)
from .files import write_atomic
from .terminal import plain
from .terminal import score_sentence as styled_score_sentence

INDEX = "index.html"
#: tests listed per mutant or function before "and N more": on semver, full
#: lists of a few hundred covering tests per mutant made a 9 MB module page
SHOWN_TESTS = 20
#: markers side by side in the gutter before they wrap
MARKERS_PER_ROW = 4

#: the page's skeleton, style and script: files shipped with the package
#: (``htmlfiles/``, as coverage.py ships its own), read once
HTMLFILES = importlib.resources.files(__package__) / "htmlfiles"


@functools.cache
def _asset(name: str) -> str:
    return (HTMLFILES / name).read_text(encoding="utf-8")


def _css() -> str:
    return _asset("style.css")


def _script() -> str:
    """The one script, run where the page is opened (links to a mutant open its details)."""
    return _asset("escape.js")


def _e(value: object) -> str:
    """Any text from the results, made safe for an element's content or an attribute value."""
    return html.escape(str(value), quote=True)


def _script_hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def content_policy(script: str | None) -> str:
    """The page's Content-Security-Policy: nothing loads, and the one inline
    script runs only if its text hashes to what the policy names."""
    allowed = f"'sha256-{_script_hash(script)}'" if script is not None else "'none'"
    return f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {allowed}"


def _page(title: str, body: str, script: str | None = None) -> str:
    return string.Template(_asset("page.html")).substitute(
        policy=_e(content_policy(script)),
        title=_e(title),
        style=_css(),
        body=body,
        script=f"<script>{script}</script>\n" if script is not None else "",
    )


def status_class(status: str) -> str:
    """The CSS class of a status: ``no coverage`` -> ``no-coverage``."""
    return re.sub(r"[^a-z0-9]+", "-", status.lower()).strip("-")


def score_class(value: float | None) -> str | None:
    """``score-good`` (>= 80), ``score-fair`` (>= 60), ``score-poor``; None when not measured
    (the terminal's colours)."""
    band = score_band(value)
    return None if band is None else f"score-{band}"


def render_score(value: float | None) -> str:
    """The score as text and a bar as wide as the score, coloured by ``score_class``."""
    text = score_text(value)
    cls = score_class(value)
    if value is None or cls is None:
        return f'<span class="score-text">{_e(text)}</span>'
    width = max(0.0, min(100.0, value))
    return (
        f'<span class="score-text">{_e(text)}</span>'
        f'<span class="bar" title="{_e(text)}"><span class="fill {cls}" style="display:block;'
        f'width:{width:.1f}%"></span></span>'
    )


def score_sentence(results: Results) -> str:
    """The terminal report's last line, as plain text."""
    return plain(styled_score_sentence(results))


def page_names(modules: Iterable[str]) -> dict[str, str]:
    """Module -> the file name of its page: only ``[A-Za-z0-9._-]``, never ``index.html``,
    never two modules on one file (also on case-insensitive file systems)."""
    names: dict[str, str] = {}
    taken = {INDEX}
    for module in modules:
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", module).strip(".")[:150] or "module"
        name = f"{stem}.html"
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}.html"
        taken.add(name.lower())
        names[module] = name
    return names


def _href(page: str, fragment: str | None = None) -> str:
    url = quote(page)
    return f"{url}#{quote(fragment, safe='')}" if fragment else url


def _mutant_anchor(mutant: MutantResult) -> str:
    return f"m-{mutant.id}"


def _tally_cells(tally: Tally) -> str:
    counts = (tally.total, tally.killed, tally.survived, tally.timeout, tally.no_coverage, tally.error)
    cells = "".join(
        f'<td class="num {name}">{count}</td>'
        for name, count in zip(("mutants", *map(status_class, STATUSES)), counts, strict=True)
    )
    return (
        cells
        + f'<td class="score" data-score="{_e(score_text(tally.score))}">{render_score(tally.score)}</td>'
    )


def _smells(test: TestInfo) -> str:
    if not test.smells:
        return ""
    items = "".join(f'<li class="smell">{_e(smell_text(s))}</li>' for s in test.smells)
    return f'<ul class="smells">{items}</ul>'


def _confirming_only_items(tests: list[TestInfo]) -> str:
    """One item per flagged test; a parametrized test's cases are one item
    (``tests.html`` lists each case with its own verdict)."""
    items = []
    for group in grouped(tests):
        test = group.first
        cases = (
            f' <span class="muted">({group.cases} parametrized cases; the first:)</span>'
            if group.cases > 1
            else ""
        )
        items.append(
            f'<li class="confirming-only" data-test="{_e(test.id)}" data-cases="{group.cases}">'
            '<span class="badge label-pseudo-tested">confirming-only</span> '
            f'<code class="test-id">{_test_id(test.id)}</code>{cases}: '
            f"{_e(test.reason or '')}{_smells(test)}</li>"
        )
    return "".join(items)


def render_findings(summary: ModuleSummary, page: str | None) -> str:
    """A module's pseudo-tested functions and confirming-only tests, with reasons and smells."""
    judged = summary.judged_tests
    flagged = summary.confirming_only
    head = (
        f"{plural(len(summary.functions), 'function')} ({_e(summary.label_counts() or 'none')}); "
        f"{len(flagged)} of {plural(len(judged), 'test')} confirming-only"
    )
    items: list[str] = []
    for f in summary.pseudo_tested:
        name = _e(f.name)
        if page is not None:
            name = f'<a href="{_e(_href(page, f"f-{f.name}"))}">{name}</a>'
        items.append(
            f'<li class="pseudo-tested" data-function="{_e(f.qualname)}">'
            f'<span class="badge label-pseudo-tested">pseudo-tested</span> <code>{name}</code> '
            f'<span class="muted">({_e(f.file)}:{f.line})</span>: {_e(f.reason or "")}</li>'
        )
    items.append(_confirming_only_items(flagged))
    listed = f'<ul class="findings">{"".join(items)}</ul>' if items else ""
    return f'<p class="muted">{head}</p>{listed}'


def property_counts(found: list[PropertyResult]) -> str:
    """``3 functions checked; 1 violated, 7 held, 1 not checked``: one module's property checks."""
    counts = Counter(p.outcome for p in found)
    functions = plural(len({p.function for p in found}), "function")
    return (
        f"{functions} checked; {counts[VIOLATED]} violated, {counts[HELD]} held, "
        f"{counts[NOT_CHECKED]} not checked"
    )


def property_anchors(violated: list[PropertyResult]) -> list[str]:
    """The ids of a module's violated properties on its page, in order: ``p-FUNCTION-PROPERTY``,
    numbered on when one function breaks one property twice (round trips with two partners)."""
    anchors: list[str] = []
    taken: set[str] = set()
    for p in violated:
        stem = f"p-{p.function}-{status_class(p.property)}"
        anchor, n = stem, 1
        while anchor in taken:
            n += 1
            anchor = f"{stem}-{n}"
        taken.add(anchor)
        anchors.append(anchor)
    return anchors


def _property_badge(p: PropertyResult, gating: bool) -> str:
    cls = "property-failing" if gating else "property-observation"
    return f'<span class="badge {cls}">{_e(p.property)}</span>'


def _property_heading(results: Results, attrs: str = "") -> str:
    """The section's ``<h2>``, saying whether its violations fail the gate."""
    if PROPERTY_FINDINGS in results.fail_on:
        note = "failing the gate: --escape-fail-on properties"
    else:
        note = "observations about the code, not gate failures unless --escape-fail-on properties"
    return f'<h2{attrs}>Property findings <span class="muted gate-note">({_e(note)})</span></h2>'


def _property_facts(p: PropertyResult) -> str:
    facts = []
    if p.input:
        facts.append(("Input", f"<code>{_e(p.input)}</code>"))
    if p.observed:
        facts.append(("Observed", _e(p.observed)))
    if p.reason:
        facts.append(("Expected", _e(p.reason)))
    if p.partner:
        facts.append(("Round trip with", f"<code>{_e(p.partner)}</code>"))
    facts.append(("Searched", f"{plural(p.examples, 'input')} in {p.seconds:.2f} s"))
    if p.test_dropped and not p.test:
        facts.append(("No test", _e(p.test_dropped)))
    return '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"


def _property_test(p: PropertyResult, anchor: str) -> str:
    """The violation's regression test, closed, with a Copy button (the module page's script)."""
    if not p.test:
        return ""
    pre_id = f"t-{anchor}"
    name = f" <code>{_e(p.test_name)}</code>" if p.test_name else ""
    return (
        f'<details class="regression"><summary>Regression test{name}</summary>'
        '<div class="regression-box"><div class="regression-head">'
        "<span>Marked xfail(strict=True): seen to fail today, it passes once the code is fixed</span>"
        f'<button type="button" class="copy" data-target="{_e(pre_id)}">Copy</button></div>'
        f'<pre class="regression" id="{_e(pre_id)}">{_e(p.test)}</pre></div></details>'
    )


def render_properties(
    results: Results, found: list[PropertyResult], compact: bool = False, page: str | None = None
) -> str:
    """One module's property checks: the counts, and each violation with its counter-example.

    On the module's own page with every fact, the regression test and what
    could not be checked; ``compact`` (the index) one line each, linking to
    the violation on ``page`` when the module has one.
    """
    gating = PROPERTY_FINDINGS in results.fail_on
    violated = [p for p in found if p.outcome == VIOLATED]
    items = []
    for p, anchor in zip(violated, property_anchors(violated), strict=True):
        where = f'<span class="muted">({_e(p.file)}:{p.line})</span>'
        data = f'data-function="{_e(f"{p.module}.{p.function}")}" data-property="{_e(p.property)}"'
        if compact:
            name = f"<code>{_e(p.function)}</code>"
            if page is not None:
                name = f'<a href="{_e(_href(page, anchor))}">{name}</a>'
            items.append(
                f'<li class="property-violation" {data}>{_property_badge(p, gating)} {name} {where}: '
                f"<code>{_e(p.input or '')}</code> {_e(p.observed or '')}; expected {_e(p.reason or '')}"
                f"{_e(property_where(p))}</li>"
            )
        else:
            items.append(
                f'<li class="property-violation" id="{_e(anchor)}" {data}>{_property_badge(p, gating)} '
                f'<a href="{_e(_href("", f"L{p.line}"))}"><code>{_e(p.function)}</code></a> {where}'
                f"{_property_facts(p)}{_property_test(p, anchor)}</li>"
            )
    listed = f'<ul class="findings properties">{"".join(items)}</ul>' if items else ""
    unchecked = [p for p in found if p.outcome == NOT_CHECKED]
    if unchecked and not compact:
        reasons = "".join(
            f'<li class="not-checked" data-function="{_e(f"{p.module}.{p.function}")}" '
            f'data-property="{_e(p.property)}">{_e(p.property)} of <code>{_e(p.function)}</code>: '
            f"{_e(p.reason or '')}</li>"
            for p in unchecked
        )
        listed += (
            f'<details class="not-checked"><summary>{len(unchecked)} not checked</summary>'
            f'<ul class="findings">{reasons}</ul></details>'
        )
    return f'<p class="muted property-counts">{_e(property_counts(found))}</p>{listed}'


def _properties_by_module(results: Results) -> dict[str, list[PropertyResult]]:
    modules: dict[str, list[PropertyResult]] = {}
    for p in results.properties:
        modules.setdefault(p.module, []).append(p)
    return modules


#: modules listed flat; past this many, the index shows them as a tree of packages
TREE_AFTER = 10
TESTS_PAGE = "tests.html"


def _test_id(test: str) -> str:
    """A test id that wraps between its parts (after ``/``, ``::`` and ``[``), not mid-word."""
    return "<wbr>".join(_e(part) for part in re.split(r"(?<=/)|(?<=::)|(?<=\[)", test))


def render_banner(results: Results, ratchet: Ratchet | None = None) -> str:
    """The decision, first thing on the page: failed (with the exit code), passed, or no gate."""
    said = headline(results, ratchet)
    titles = {"failed": f"Failed (exit {int(said.exit)})", "passed": "Passed", "none": "No gate"}
    title = titles.get(said.state, "Not gated")
    return (
        f'<div class="banner {said.state}" id="verdict" role="status">'
        f"<strong>{_e(title)}</strong> {_e(said.text)}</div>"
    )


def _nav(current: str) -> str:
    links = [(INDEX, "Modules and mutants"), (TESTS_PAGE, "Tests")]
    return (
        '<nav class="tabs">'
        + "".join(
            f'<a href="{_e(page)}"{" class=current" if page == current else ""}>{_e(text)}</a>'
            for page, text in links
        )
        + "</nav>"
    )


def _module_row(s: ModuleSummary, page: str, findings: str) -> str:
    return (
        f'<tr class="module" data-module="{_e(s.module)}">'
        f'<td class="name"><a href="{_e(_href(page))}">{_e(s.module)}</a></td>'
        f'{_tally_cells(s.tally)}<td class="findings">{findings}</td></tr>'
    )


def _module_table(rows: list[str], total: Tally | None, attrs: str = "") -> str:
    header = "".join(
        f'<th class="num">{h}</th>'
        for h in ("Mutants", "Killed", "Survived", "Timeout", "No coverage", "Error")
    )
    foot = (
        f'<tfoot><tr class="total" data-module="TOTAL"><td class="name">TOTAL</td>'
        f"{_tally_cells(total)}<td></td></tr></tfoot>"
        if total is not None
        else ""
    )
    return (
        f'<table class="grid modules"{attrs}>'
        f"<thead><tr><th>Module</th>{header}<th>Score</th><th>Findings</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>{foot}</table>"
    )


def _tree(summaries: list[ModuleSummary], pages: dict[str, str], findings: dict[str, str]) -> str:
    """The modules as a tree of packages, each a ``<details>`` with its score:
    a project with dozens of modules is read package by package."""
    root: dict[str, Any] = {}
    for s in summaries:
        node = root
        for part in s.module.split(".")[:-1]:
            node = node.setdefault(part, {})
        node.setdefault("", []).append(s)

    def members(node: dict[str, Any]) -> list[ModuleSummary]:
        return [*node.get("", []), *(m for k, child in node.items() if k for m in members(child))]

    def render(node: dict[str, Any], prefix: str, depth: int) -> str:
        parts = []
        children = sorted(k for k in node if k)
        for name in children:
            child, path = node[name], f"{prefix}{name}"
            # a package holding only one subpackage is named with it (src/shop -> shop.cart)
            while len(child) == 1 and "" not in child:
                (only,) = child
                child, path = child[only], f"{path}.{only}"
            inside = members(child)
            tally = Tally.of(m for s in inside for m in s.mutants)
            parts.append(
                f'<details class="package" data-package="{_e(path)}"{" open" if depth < 1 else ""}>'
                f"<summary><code>{_e(path)}</code> "
                f'<span class="muted">{plural(len(inside), "module")} &middot; score</span> '
                f"{render_score(tally.score)}</summary>{render(child, path + '.', depth + 1)}</details>"
            )
        own = node.get("", [])
        table = (
            _module_table([_module_row(s, pages[s.module], findings[s.module]) for s in own], None)
            if own
            else ""
        )
        return table + "".join(parts)

    total = (
        f'<p class="tree-total">TOTAL <span class="muted">&middot; {plural(len(summaries), "module")} '
        f"&middot; score</span> {render_score(Tally.of(m for s in summaries for m in s.mutants).score)}</p>"
    )
    return f'<div id="modules" class="tree">{total}{render(root, "", 0)}</div>'


def _verdict_of(m: MutantResult) -> str:
    """The witness search's verdict on a survivor, for the filters; ``-`` for the rest."""
    if m.status != SURVIVED:
        return "-"
    return str(m.witness.verdict) if m.witness is not None else "not searched"


def render_mutant_list(summaries: list[ModuleSummary], pages: dict[str, str]) -> str:
    """Every mutant in one table, with status and witness-verdict filters.

    The filters are buttons the page's own script reads (no server, nothing
    loaded); the survivors are what a reader comes for, so that filter starts
    pressed.  Without the script every row shows.
    """
    mutants = [(s, m) for s in summaries for m in s.mutants]
    if not mutants:
        return ""
    statuses = Counter(str(m.status) for _, m in mutants)
    verdicts = Counter(_verdict_of(m) for _, m in mutants if m.status == SURVIVED)

    def button(kind: str, value: str, count: int, pressed: bool) -> str:
        cls = f" {status_class(value)}" if kind == "status" else ""
        return (
            f'<button type="button" class="filter{cls}" data-kind="{kind}" data-value="{_e(value)}" '
            f'aria-pressed="{"true" if pressed else "false"}">{_e(value)} '
            f'<span class="count">{count}</span></button>'
        )

    default = SURVIVED if statuses.get(SURVIVED) else None
    status_buttons = "".join(
        button("status", str(s), statuses[str(s)], s == default) for s in STATUSES if statuses.get(str(s))
    )
    verdict_buttons = "".join(
        button("verdict", v, verdicts[v], False)
        for v in [*map(str, VERDICTS), "not searched"]
        if verdicts.get(v)
    )
    rows = []
    for s, m in mutants:
        old, new = m.diff_lines()
        verdict = _verdict_of(m)
        rows.append(
            f'<tr class="mutant-row" data-status="{_e(m.status)}" data-verdict="{_e(verdict)}" '
            f'data-module="{_e(s.module)}" data-mutant="{_e(m.id)}">'
            f'<td><a href="{_e(_href(pages[s.module], _mutant_anchor(m)))}">{_e(m.name)}</a></td>'
            f'<td class="where"><code>{_e(m.file)}:{m.line}</code></td>'
            f'<td class="change"><code>{_e(_short(old))}</code> &rarr; <code>{_e(_short(new))}</code>'
            f'<div class="muted">{_e(operator_words(m.operator))}</div></td>'
            f'<td><span class="badge {status_class(m.status)}">{_e(m.status)}</span></td>'
            f'<td class="verdict">'
            + (
                _e(witness_sentence(m.witness))
                if m.witness is not None and m.witness.verdict == WITNESSED
                else _e(verdict if verdict != "-" else "")
            )
            + "</td></tr>"
        )
    filters = (
        f'<div class="filters" id="filters"><span class="filter-label">Status</span>{status_buttons}'
        + (f'<span class="filter-label">Witness</span>{verdict_buttons}' if verdict_buttons else "")
        + f'<span class="muted" id="shown">{plural(len(mutants), "mutant")}</span></div>'
    )
    return (
        f"<h2>Mutants ({len(mutants)})</h2>{filters}"
        '<table class="grid" id="mutants"><colgroup><col class="name"><col class="where"><col class="change">'
        '<col class="status"><col class="verdict"></colgroup>'
        "<thead><tr><th>Mutant</th><th>Where</th><th>Change</th>"
        f"<th>Status</th><th>Witness</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render_tests(results: Results, summaries: list[ModuleSummary] | None = None) -> str:
    """``tests.html``: each test with its verdict, the mutants it killed, and
    those it met and passed: the view from the test a developer is editing."""
    summaries = module_summaries(results) if summaries is None else summaries
    pages = page_names(s.module for s in summaries)
    page_of = {m.id: pages[s.module] for s in summaries for m in s.mutants}
    extremes = {x.id: x for f in results.functions for x in f.extremes}
    killed: dict[str, list[MutantResult]] = {}
    passed: dict[str, list[MutantResult]] = {}
    for m in [*results.mutants, *extremes.values()]:
        for test in dict.fromkeys([k.test for k in m.kills] or ([m.killed_by] if m.killed_by else [])):
            killed.setdefault(test, []).append(m)
        for test in m.passed_by:
            passed.setdefault(test, []).append(m)

    def names(found: list[MutantResult], cls: str) -> str:
        if not found:
            return '<span class="muted">none</span>'
        items = "".join(
            f'<li><a href="{_e(_href(page_of[m.id], _mutant_anchor(m)))}">{_e(m.name)}</a></li>'
            if m.id in page_of
            else f"<li>{_e(m.name)}</li>"
            for m in found[:SHOWN_TESTS]
        )
        more = (
            f'<li class="muted">and {len(found) - SHOWN_TESTS} more</li>' if len(found) > SHOWN_TESTS else ""
        )
        return f'<details class="{cls}"><summary>{len(found)}</summary><ul>{items}{more}</ul></details>'

    rows = []
    for t in sorted(results.tests, key=lambda t: (t.verdict != CONFIRMING_ONLY, t.id)):
        verdict = str(t.verdict) if t.verdict is not None else "not judged"
        cls = (
            "label-pseudo-tested"
            if t.verdict == CONFIRMING_ONLY
            else "label-tested"
            if t.verdict
            else "muted"
        )
        reason = f'<div class="muted">{_e(t.reason)}</div>' if t.reason else ""
        rows.append(
            f'<tr class="test" data-test="{_e(t.id)}" data-verdict="{_e(verdict)}">'
            f'<td class="test-id"><code>{_test_id(t.id)}</code></td>'
            f'<td><span class="badge {cls}">{_e(verdict)}</span>{reason}{_smells(t)}</td>'
            f'<td class="num">{t.mutants_run}</td>'
            f"<td>{names(killed.get(t.id, []), 'killed')}</td>"
            f"<td>{names(passed.get(t.id, []), 'passed')}</td></tr>"
        )
    flagged = sum(1 for t in results.tests if t.verdict == CONFIRMING_ONLY)
    body = (
        f"{_nav(TESTS_PAGE)}<header><h1>Tests</h1>"
        f'<p class="sentence">{plural(len(results.tests), "test")}; {flagged} confirming-only. '
        "A test that kills no mutant it meets checks nothing they change.</p></header>"
        '<table class="grid" id="tests"><colgroup><col class="test-id"><col class="verdict"><col class="met">'
        '<col class="kills"><col class="kills"></colgroup><thead><tr><th>Test</th><th>Verdict</th>'
        '<th class="num">Met</th><th>Killed</th><th>Met and passed</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page("Tests - mutation testing report", body, _script())


def render_index(
    results: Results, summaries: list[ModuleSummary] | None = None, ratchet: Ratchet | None = None
) -> str:
    """``index.html``: the per-module table, the findings per module, the warnings and the score."""
    summaries = module_summaries(results) if summaries is None else summaries
    pages = page_names(s.module for s in summaries)
    properties = _properties_by_module(results)
    rows: dict[str, str] = {}
    finding_cells: dict[str, str] = {}
    for s in summaries:
        counts = []
        if s.pseudo_tested:
            counts.append(f"{len(s.pseudo_tested)} pseudo-tested")
        if s.confirming_only:
            counts.append(f"{len(s.confirming_only)} confirming-only")
        links = [f'<a href="#f-{_e(s.module)}">{_e(", ".join(counts))}</a>'] if counts else []
        violated = sum(1 for p in properties.get(s.module, []) if p.outcome == VIOLATED)
        if violated:
            text = f"{violated} {'property' if violated == 1 else 'properties'} violated"
            links.append(f'<a href="#p-{_e(s.module)}">{_e(text)}</a>')
        finding_cells[s.module] = ", ".join(links) or '<span class="muted">-</span>'
        rows[s.module] = _module_row(s, pages[s.module], finding_cells[s.module])
    if len(summaries) > TREE_AFTER:
        table = _tree(summaries, pages, finding_cells)
    else:
        table = _module_table(list(rows.values()), results.tally(), ' id="modules"')
    warnings = [f"excluded {test}: {reason}" for test, reason in results.excluded_tests.items()]
    warnings += results.warnings
    warning_list = (
        '<ul class="warnings" id="warnings">'
        + "".join(f"<li>warning: {_e(w)}</li>" for w in warnings)
        + "</ul>"
        if warnings
        else ""
    )
    findings = "".join(
        f'<section class="module-findings" id="f-{_e(s.module)}" data-module="{_e(s.module)}">'
        f'<h3><a href="{_e(_href(pages[s.module]))}">{_e(s.module)}</a></h3>'
        f"{render_findings(s, pages[s.module])}</section>"
        for s in summaries
        if s.functions or s.tests
    )
    # flagged tests that execute no target function have no module to be listed under
    listed = {t.id for s in summaries for t in s.tests}
    others = [t for t in confirming_only(results) if t.id not in listed]
    if others:
        findings += (
            '<section class="module-findings" id="f-other-tests"><h3>Tests outside any module</h3>'
            f'<ul class="findings">{_confirming_only_items(others)}</ul></section>'
        )
    findings_section = (
        f'<h2>Pseudo-tested functions and confirming-only tests</h2><div id="findings">{findings}</div>'
        if findings
        else ""
    )
    property_sections = "".join(
        f'<section class="module-properties" id="p-{_e(module)}" data-module="{_e(module)}">'
        + (
            f'<h3><a href="{_e(_href(pages[module], "properties"))}">{_e(module)}</a></h3>'
            if module in pages
            else f"<h3>{_e(module)}</h3>"
        )
        + f"{render_properties(results, found, compact=True, page=pages.get(module))}</section>"
        for module, found in sorted(properties.items())
    )
    property_section = (
        f'{_property_heading(results)}<div id="property-findings">{property_sections}</div>'
        if property_sections
        else ""
    )
    survivor_section = render_mutant_list(summaries, pages)
    gate = describe_gate(results.fail_under, results.thresholds, results.fail_on, results.gate_sources)
    gate = f" &middot; gate: {_e(gate)}" if gate else ""
    body = (
        f"{render_banner(results, ratchet)}{_nav(INDEX)}<header><h1>Mutation testing report</h1>"
        f'<div class="muted">pytest-escape {_e(results.tool_version)} &middot; mutmut '
        f"{_e(results.mutmut_version)} &middot; <code>{_e(results.project_root)}</code>{gate}</div>"
        f'<p class="sentence" id="score">{_e(score_sentence(results))}</p>{warning_list}</header>'
        f"<h2>Modules</h2>{table}{findings_section}{property_section}{survivor_section}"
    )
    return _page("Mutation testing report", body, _script())


def _marked(line: str, start: int, end: int) -> str:
    """The line with ``line[start:end]`` in ``<mark>``, less the span's surrounding blanks."""
    span = line[start:end]
    if span.strip():
        start += len(span) - len(span.lstrip())
        end -= len(span) - len(span.rstrip())
    return f"{_e(line[:start])}<mark>{_e(line[start:end])}</mark>{_e(line[end:])}"


def _diff(mutant: MutantResult) -> str:
    """``-``/``+`` lines; the changed span marked when it is on one line."""
    before, after = mutant.before, mutant.after
    start, end, n = mutant.column, mutant.end_column, len(mutant.replacement)
    if (
        len(before) == 1
        and len(after) == 1
        and mutant.line == mutant.end_line
        and before[0][start:end] == mutant.original
        and after[0][start : start + n] == mutant.replacement
    ):
        dels, inss = [_marked(before[0], start, end)], [_marked(after[0], start, start + n)]
    else:
        dels, inss = [_e(x) for x in before], [_e(x) for x in after]
    lines = [f'<span class="del">- {x}</span>' for x in dels] + [
        f'<span class="ins">+ {x}</span>' for x in inss
    ]
    return f'<pre class="diff">{"".join(lines)}</pre>'


def _test_list(tests: list[str], cls: str) -> str:
    items = "".join(f'<li><code class="test-id">{_test_id(t)}</code></li>' for t in tests[:SHOWN_TESTS])
    if len(tests) > SHOWN_TESTS:
        items += f'<li class="muted">and {len(tests) - SHOWN_TESTS} more (all in the JSON report)</li>'
    return f'<ul class="tests {cls}">{items}</ul>'


def _kills(mutant: MutantResult) -> str:
    if not mutant.kills:
        return _test_list([mutant.killed_by], "killed-by") if mutant.killed_by else ""
    items = []
    for k in mutant.kills:
        how = "in a check" if k.by_check else "by crashing"
        where = f", line {k.line}" if k.line is not None else ""
        exc = f"{_e(k.exception)} " if k.exception else ""
        test = f'<code class="test-id">{_test_id(k.test)}</code>'
        items.append(f'<li>{test} <span class="muted">({exc}{how}{where})</span></li>')
    return f'<ul class="tests killed-by">{"".join(items)}</ul>'


def _witness(mutant: MutantResult, witness: Witness) -> tuple[list[tuple[str, str]], str]:
    """The witness search's facts for the mutant's list, and the regression test box."""
    facts = [("Witness", f'<span class="witness">{_e(witness_sentence(witness))}</span>')]
    for name, value in (
        ("Input", witness.input),
        ("Original", witness.original),
        ("Mutant", witness.mutant),
        ("Difference", witness.difference),
    ):
        if value:
            facts.append((name, f"<code>{_e(value)}</code>"))
    searched = plural(witness.examples, "input")
    if witness.reached is not None:
        searched += f", {witness.reached} reached the mutated line"
    facts.append(("Searched", f"{_e(searched)} in {witness.seconds:.2f} s"))
    if witness.test_dropped and not witness.test:
        facts.append(("No test", _e(witness.test_dropped)))
    regression = ""
    if witness.test:
        pre_id = f"t-{mutant.id}"
        regression = (
            '<div class="regression-box"><div class="regression-head">'
            "<span>Regression test (passes on the original, fails on the mutant)</span>"
            f'<button type="button" class="copy" data-target="{_e(pre_id)}">Copy</button></div>'
            f'<pre class="regression" id="{_e(pre_id)}">{_e(witness.test)}</pre></div>'
        )
    return facts, regression


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def render_mutant(mutant: MutantResult, number: int, open: bool = False) -> str:
    """One mutant's ``<details class="mutant STATUS" id="m-ID">`` (closed unless ``open``)."""
    cls = status_class(mutant.status)
    facts = [
        ("Operator", f"{_e(operator_words(mutant.operator))} ({_e(mutant.operator)})"),
        ("Status", f'<span class="badge {cls}">{_e(mutant.status)}</span>'),
        (
            "Where",
            f"<code>{_e(mutant.file)}:{mutant.line}:{mutant.column + 1}</code> in "
            f"<code>{_e(mutant.function)}</code>",
        ),
        ("Change", _diff(mutant)),
    ]
    if mutant.status_reason:
        facts.append(("Reason", f'<span class="status-reason">{_e(mutant.status_reason)}</span>'))
    kills = _kills(mutant)
    if kills:
        facts.append(("Killed by", kills))
    if mutant.passed_by:
        facts.append(("Passed", _test_list(mutant.passed_by, "passed-by")))
    facts.append(
        ("Covered by", _test_list(mutant.covered_by, "covered-by") if mutant.covered_by else "no test")
    )
    if mutant.tests_run:
        tests = "test" if mutant.tests_run == 1 else "tests"
        facts.append(("Ran", f"{mutant.tests_run} {tests} in {mutant.duration:.2f} s"))
    regression = ""
    if mutant.witness is not None:
        found, regression = _witness(mutant, mutant.witness)
        facts.extend(found)
    facts.append(("mutmut id", f'<code class="muted">{_e(mutant.id)}</code>'))
    text = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    summary = (
        f'<span class="badge {cls}">{_e(mutant.status)}</span> <b>{_e(mutant.name)}</b> '
        f'<span class="muted">line {mutant.line}</span> <code>{_e(_short(mutant.original))}</code> &rarr; '
        f"<code>{_e(_short(mutant.replacement))}</code>"
    )
    return (
        f'<details{" open" if open else ""} class="mutant {cls}" id="{_e(_mutant_anchor(mutant))}" '
        f'data-status="{_e(mutant.status)}" data-mutant="{_e(mutant.id)}"><summary>{summary}</summary>'
        f'<div class="body"><dl class="facts">{text}</dl>{regression}</div></details>'
    )


def _marker(mutant: MutantResult, number: int) -> str:
    cls = status_class(mutant.status)
    change = f"{_short(mutant.original, 40)} -> {_short(mutant.replacement, 40)}"
    title = f"{mutant.name} {mutant.status}: {change}"
    return (
        f'<a class="marker {cls}" href="{_e(_href("", _mutant_anchor(mutant)))}" '
        f'data-status="{_e(mutant.status)}" data-mutant="{_e(mutant.id)}" title="{_e(title)}">'
        f"{_e(mutant.number)}</a>"
    )


def _lines(source: str) -> list[str]:
    """The source's lines as Python numbers them (only ``\\n``, ``\\r\\n`` and ``\\r`` end one)."""
    lines = re.split(r"\r\n|\r|\n", source)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def render_source(
    source: str, numbered: list[tuple[int, MutantResult]]
) -> tuple[str, list[tuple[int, MutantResult]]]:
    """The numbered source table with markers and details; and the mutants outside its lines."""
    lines = _lines(source)
    on_line: dict[int, list[tuple[int, MutantResult]]] = {}
    elsewhere = []
    for number, m in numbered:
        if 1 <= m.line <= len(lines):
            on_line.setdefault(m.line, []).append((number, m))
        else:
            elsewhere.append((number, m))
    rows = []
    for i, text in enumerate(lines, start=1):
        here = on_line.get(i, [])
        classes = ["line"]
        if here:
            classes.append("has-mutants")
            statuses = {m.status for _, m in here}
            for status in (SURVIVED, "no coverage"):
                if status in statuses:
                    classes.append(f"has-{status_class(status)}")
                    break
        markers = "".join(_marker(m, n) for n, m in here)
        rows.append(
            f'<tr class="{" ".join(classes)}" id="L{i}"><td class="ln"><a href="#L{i}">{i}</a></td>'
            f'<td class="markers">{markers}</td><td class="code">{_e(text)}</td></tr>'
        )
        if here:
            details = "".join(render_mutant(m, n) for n, m in here)
            rows.append(f'<tr class="mutants" data-line="{i}"><td colspan="3">{details}</td></tr>')
    most = min(MARKERS_PER_ROW, max((len(v) for v in on_line.values()), default=0))
    columns = f'<colgroup><col><col style="width:{most * 23 + 12}px"><col></colgroup>'
    table = f'<table class="source" id="source">{columns}<tbody>' + "".join(rows) + "</tbody></table>"
    return f'<div class="source-wrap">{table}</div>', elsewhere


def _extreme(x: MutantResult) -> str:
    by = x.killed_by if x.status == KILLED else None
    killer = f' by <code class="test-id">{_test_id(by)}</code>' if by else ""
    return (
        f"<code>{_e(_short(' '.join(a.strip() for a in x.after), 40))}</code> "
        f'<span class="badge {status_class(x.status)}">{_e(x.status)}</span>{killer}'
    )


def _function_row(f: FunctionResult) -> str:
    label = status_class(f.label)
    extreme = "<br>".join(_extreme(x) for x in f.extremes) or '<span class="muted">-</span>'
    covered = _test_list(f.covered_by, "covered-by") if f.covered_by else '<span class="muted">none</span>'
    return (
        f'<tr class="function" id="{_e(f"f-{f.name}")}" data-function="{_e(f.qualname)}" '
        f'data-label="{_e(f.label)}">'
        f'<td><a href="#L{f.line}"><code>{_e(f.name)}</code></a></td>'
        f'<td><span class="badge label-{label}">{_e(f.label)}</span></td>'
        f'<td class="num">{f.mutants}</td><td class="num">{f.survived}</td>'
        f'<td class="reason">{_e(f.reason or "")}</td><td class="extreme">{extreme}</td>'
        f'<td class="tests-cell">{covered}</td></tr>'
    )


def render_module(results: Results, summary: ModuleSummary) -> str:
    """A module's page: its score, its functions, its source with one marker per mutant."""
    source = next((f.source for f in results.files if f.module == summary.module), None)
    mutants = sorted(summary.mutants, key=lambda m: (m.line, m.column, m.end_line, m.end_column))
    numbered = list(enumerate(mutants, start=1))
    if source is not None:
        code, elsewhere = render_source(source, numbered)
    else:
        code, elsewhere = '<p class="muted">The source of this module is not in the results.</p>', numbered
    if elsewhere:
        code += '<h3>Mutants outside the source</h3><div class="elsewhere">'
        code += "".join(render_mutant(m, n, open=True) for n, m in elsewhere)
        code += "</div>"
    legend = "".join(
        f'<span><span class="badge {status_class(s)}">{_e(s)}</span> {count}</span>'
        for s, count in zip(
            STATUSES,
            (
                summary.tally.killed,
                summary.tally.survived,
                summary.tally.timeout,
                summary.tally.no_coverage,
                summary.tally.error,
            ),
            strict=True,
        )
    )
    functions = ""
    if summary.functions:
        rows = "".join(_function_row(f) for f in summary.functions)
        functions = (
            "<h2>Functions</h2>"
            '<table class="grid" id="functions"><thead><tr><th>Function</th><th>Label</th>'
            '<th class="num">Mutants</th><th class="num">Survived</th><th>Reason</th>'
            "<th>Body replaced by</th><th>Covered by</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    findings = ""
    if summary.pseudo_tested or summary.confirming_only:
        findings = (
            "<h2>Pseudo-tested functions and confirming-only tests</h2>"
            f'<div id="findings">{render_findings(summary, None)}</div>'
        )
    found = [p for p in results.properties if p.module == summary.module]
    properties = ""
    if found:
        heading = _property_heading(results, ' id="properties"')
        properties = f'{heading}<div id="property-findings">{render_properties(results, found)}</div>'
    file = f" &middot; <code>{_e(summary.file)}</code>" if summary.file else ""
    flags = []
    if summary.pseudo_tested:
        flags.append(f"{len(summary.pseudo_tested)} pseudo-tested")
    if summary.confirming_only:
        flags.append(f"{len(summary.confirming_only)} confirming-only")
    flagged = f' &middot; <a href="#findings">{_e(", ".join(flags))}</a>' if flags else ""
    violated = sum(1 for p in found if p.outcome == VIOLATED)
    if violated:
        text = f"{violated} {'property' if violated == 1 else 'properties'} violated"
        flagged += f' &middot; <a href="#properties">{_e(text)}</a>'
    body = (
        f'<nav class="crumbs"><a href="{INDEX}">&larr; All modules</a></nav>'
        f'<header><h1 class="module-name">{_e(summary.module)}</h1>'
        f'<div class="muted">{plural(summary.tally.total, "mutant")}{file}{flagged} &middot; score '
        f"{render_score(summary.tally.score)}</div></header>"
        f'<div class="legend">{legend}'
        '<span class="muted">click a marker for the mutant&#x27;s details</span></div>'
        f"{code}{functions}{findings}{properties}"
    )
    return _page(f"{summary.module} - mutation testing report", body, _script())


def write_html(results: Results, directory: Path, ratchet: Ratchet | None = None) -> None:
    """``DIRECTORY/index.html``, ``DIRECTORY/tests.html`` and ``DIRECTORY/<module>.html``
    for every module."""
    summaries = module_summaries(results)
    pages = page_names(s.module for s in summaries)
    write_atomic(directory / INDEX, render_index(results, summaries, ratchet))
    write_atomic(directory / TESTS_PAGE, render_tests(results, summaries))
    for summary in summaries:
        write_atomic(directory / pages[summary.module], render_module(results, summary))
