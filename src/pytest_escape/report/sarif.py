"""SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Every finding becomes an annotation on the line it is about: a surviving
mutant on the code it changed, a pseudo-tested function on its ``def``, a
confirming-only test on its file, a violated property on the function's
``def`` (a note, an error with ``--escape-fail-on properties``).
``partialFingerprints`` come from what a finding *is*, never from its line
or its mutant number, so a dashboard keeps recognising it (and a dismissal
of it) after unrelated edits move it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import PROPERTY_FINDINGS, MutantResult, PropertyResult, Results, fingerprints
from ..wording import operator_words
from .describe import confirming_only, property_where, pseudo_tested, smell_text, survivor_text, survivors
from .files import write_atomic

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/pytest-escape/pytest-escape"
SRCROOT = "%SRCROOT%"
PSEUDO_TESTED_RULE = "pseudo-tested-function"
CONFIRMING_ONLY_RULE = "confirming-only-test"
PROPERTY_RULE = "property-violation"
MUTANT_FINGERPRINT = "escapeMutant/v1"
FUNCTION_FINGERPRINT = "escapeFunction/v1"
TEST_FINGERPRINT = "escapeTest/v1"
PROPERTY_FINGERPRINT = "escapeProperty/v1"

#: what each of mutmut's operators changes (the rule says it; unknown ones get a generic sentence)
OPERATORS = {
    "number": "changes a number literal (10 becomes 11)",
    "string": "changes a string literal ('a' becomes 'XXaXX')",
    "name": "swaps a name for its opposite (True/False, deepcopy/copy)",
    "assignment": "replaces the value an assignment stores with None (or None with '')",
    "augmented_assignment": "turns an augmented assignment (+=) into a plain one (=)",
    "remove_unary_ops": "drops a unary operator (not x becomes x)",
    "dict_arguments": "renames a keyword of a dict(...) call",
    "arg_removal": "drops or replaces an argument of a call",
    "symmetric_string_methods_swap": "swaps a string method for its opposite (lower/upper)",
    "unsymmetrical_string_methods_swap": "swaps a string method for a related one (split/rsplit)",
    "lambda": "makes a lambda return None (or 0)",
    "keywords": "swaps a keyword for another (is/is not, break/continue)",
    "swap_op": "swaps an operator for a related one (>= becomes >, + becomes -)",
    "match": "drops a case of a match statement",
    "if_exp": "forces a conditional expression down one branch",
}


def _fingerprint(kind: str, key: str) -> str:
    """A finding's stable key: what it is about, never where it is."""
    return hashlib.sha256(f"{kind}\0{key}".encode()).hexdigest()[:16]


def _rule(rule_id: str, short: str, full: str, help_text: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("/", "-").replace("_", "-").split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "warning"},
        "helpUri": INFORMATION_URI,
    }


def _mutant_rule(operator: str) -> dict[str, Any]:
    change = OPERATORS.get(operator, f"applies mutmut's {operator} operator")
    return _rule(
        f"mutant/{operator}",
        f"A mutant survived the tests: {operator_words(operator)}",
        f"This mutant {change}, and every test that runs the changed code still passed: "
        "the tests do not check the behaviour that line is responsible for.",
        "Add or strengthen an assertion that fails when the code behaves like the mutant. "
        "The witness in the message is an input on which the original and the mutant differ, "
        "and the regression test (when given) already pins it: review it and add it to the suite. "
        "A 'likely equivalent' verdict means many distinct inputs reached the mutated line and none "
        "told them apart: the change may be harmless. 'Not reached by the search' and 'too few "
        "inputs reached it' mean the search is no evidence either way: write the test by hand.",
    )


FINDING_RULES = (
    _rule(
        PSEUDO_TESTED_RULE,
        "A function's tests pass when its whole body is removed",
        "The function's body was replaced by a default return (the extreme mutant) and every test "
        "that runs it still passed: the tests execute it but check nothing it computes.",
        "Add assertions on the function's return value or effects in the tests that call it, "
        "or a test that checks them directly.",
    ),
    _rule(
        CONFIRMING_ONLY_RULE,
        "A test never fails in a check on any mutant",
        "The test ran against mutants of the code it executes and never failed in an assertion, "
        "a pytest.raises or an assert_* call: it confirms the code runs, not what it does.",
        "Assert on the results the test computes; the listed smells say what is missing.",
    ),
)


def _property_rule(level: str) -> dict[str, Any]:
    rule = _rule(
        PROPERTY_RULE,
        "A function breaks a property on a generated input",
        "Hypothesis generated valid inputs for the function and found one that breaks a property "
        "the code should have whatever its tests say: it crashes, returns something its annotation "
        "rules out, answers differently on the same input, fails a round trip such as "
        "decode(encode(x)) == x, or changes a value it already normalised. The tests may confirm "
        "this behaviour (their expected values computed from the code), so it is an observation "
        "about the code, not about the tests.",
        "Reproduce it with the counter-example in the message. Fix the code if the property should "
        "hold (the regression test, when given, is marked xfail(strict=True) and passes once it is "
        "fixed); otherwise skip the check in [tool.pytest_escape.properties] "
        '(skip = ["pkg.mod.function:property"]). It fails the gate only with '
        "--escape-fail-on properties.",
    )
    rule["defaultConfiguration"] = {"level": level}
    return rule


def property_text(p: PropertyResult) -> list[str]:
    """A violation as plain lines: what broke, on which input, and the test that pins it."""
    lines = [
        f"{p.property} violated by {p.module}.{p.function}: {p.input or ''} {p.observed or ''}; "
        f"expected {p.reason or ''}{property_where(p)}"
    ]
    if p.partner:
        lines.append(f"round trip with {p.partner}")
    if p.test:
        lines.append("regression test (xfail, strict: fails today, passes once fixed):")
        lines.extend(p.test.rstrip("\n").splitlines())
    elif p.test_dropped:
        lines.append(f"no regression test: {p.test_dropped}")
    return lines


def _property_result(p: PropertyResult, rule_index: int, level: str) -> dict[str, Any]:
    # what the finding is, never where: one function's one property (with one partner)
    key = "\0".join((p.module, p.function, p.property, p.partner or ""))
    return {
        "ruleId": PROPERTY_RULE,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": "\n".join(property_text(p))},
        "locations": [_location(p.file, {"startLine": p.line})],
        "partialFingerprints": {PROPERTY_FINGERPRINT: _fingerprint("property", key)},
        "properties": {
            "module": p.module,
            "function": f"{p.module}.{p.function}",
            "property": p.property,
            "partner": p.partner,
            "input": p.input,
            "observed": p.observed,
            "expected": p.reason,
            "examples": p.examples,
            "testName": p.test_name,
        },
    }


def _location(uri: str, region: dict[str, int] | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(uri), "uriBaseId": SRCROOT}}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def _mutant_result(m: MutantResult, rule_index: int, fingerprint: str) -> dict[str, Any]:
    region = {
        # the model's columns are 0-based, SARIF's 1-based
        "startLine": m.line,
        "startColumn": m.column + 1,
        "endLine": m.end_line,
        "endColumn": m.end_column + 1,
    }
    return {
        "ruleId": f"mutant/{m.operator}",
        "ruleIndex": rule_index,
        "level": "warning",
        "message": {"text": "\n".join(survivor_text(m))},
        "locations": [_location(m.file, region)],
        "partialFingerprints": {MUTANT_FINGERPRINT: fingerprint},
        "properties": {
            "mutantId": m.id,
            "module": m.module,
            "function": m.function,
            "operator": m.operator,
            "witnessVerdict": m.witness.verdict if m.witness is not None else None,
        },
    }


def _root_uri(project_root: str) -> str:
    return Path(project_root).absolute().as_uri().rstrip("/") + "/"


def to_sarif(results: Results) -> dict[str, Any]:
    surviving = survivors(results)
    operators = sorted({m.operator for m in surviving})
    rules = [_mutant_rule(op) for op in operators] + list(FINDING_RULES)
    violated = results.violations()
    # a note (an observation about the code) unless the gate fails on it
    property_level = "error" if PROPERTY_FINDINGS in results.fail_on else "note"
    if violated:
        rules.append(_property_rule(property_level))
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    keys = fingerprints(results.mutants)
    found = [_mutant_result(m, index[f"mutant/{m.operator}"], keys[m.id]) for m in surviving]
    for f in pseudo_tested(results):
        found.append(
            {
                "ruleId": PSEUDO_TESTED_RULE,
                "ruleIndex": index[PSEUDO_TESTED_RULE],
                "level": "warning",
                "message": {"text": f"{f.qualname} is pseudo-tested: {f.reason}"},
                "locations": [_location(f.file, {"startLine": f.line})],
                "partialFingerprints": {FUNCTION_FINGERPRINT: _fingerprint("function", f.qualname)},
                "properties": {"function": f.qualname, "coveredBy": list(f.covered_by)},
            }
        )
    for t in confirming_only(results):
        text = [f"{t.id} is confirming-only: {t.reason}", *(smell_text(s) for s in t.smells)]
        region = {"startLine": t.smells[0].line} if t.smells else None
        found.append(
            {
                "ruleId": CONFIRMING_ONLY_RULE,
                "ruleIndex": index[CONFIRMING_ONLY_RULE],
                "level": "warning",
                "message": {"text": "\n".join(text)},
                "locations": [_location(t.file, region)],
                "partialFingerprints": {TEST_FINGERPRINT: _fingerprint("test", t.id)},
                "properties": {"test": t.id, "smells": [s.tag for s in t.smells]},
            }
        )
    found.extend(_property_result(p, index[PROPERTY_RULE], property_level) for p in violated)
    tally = results.tally()
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pytest-escape",
                        "version": results.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(results.project_root)}},
                # columns count Python str characters, not UTF-16 units (SARIF's default)
                "columnKind": "unicodeCodePoints",
                "results": found,
                "properties": {
                    "mutationScore": tally.score,
                    "mutants": tally.total,
                    "detected": tally.detected,
                    "survived": tally.survived,
                    "noCoverage": tally.no_coverage,
                },
            }
        ],
    }


def write_sarif(results: Results, path: Path) -> None:
    write_atomic(path, json.dumps(to_sarif(results), indent=1))
