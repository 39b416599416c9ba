"""Per-module thresholds and the baseline ratchet, from real runs."""

from __future__ import annotations

import json

from conftest import Project

from pytest_escape.gate import EscapeExit, threshold_for

# Two modules: cart is well tested, tax is not.
CART = """
def total(prices):
    result = 0
    for p in prices:
        result += p
    return result


def is_big(amount):
    return amount >= 100
"""
TAX = """
def vat(amount):
    if amount > 0:
        return amount * 20 / 100
    return 0
"""
TESTS = """
from shop.cart import is_big, total
from shop.tax import vat


def test_total():
    assert total([1, 2, 3]) == 6
    assert total([]) == 0


def test_is_big():
    assert is_big(100) is True
    assert is_big(99) is False


def test_vat_runs():
    vat(50)
"""
PYPROJECT = """
[tool.pytest.ini_options]
pythonpath = ["src"]
"""


def write_shop(project: Project, pyproject: str = PYPROJECT) -> None:
    project.write(
        {
            "pyproject.toml": pyproject,
            "src/shop/__init__.py": "",
            "src/shop/cart.py": CART,
            "src/shop/tax.py": TAX,
            "tests/test_shop.py": TESTS,
        }
    )


def test_the_most_specific_pattern_wins() -> None:
    thresholds = {"*": 10.0, "shop.*": 50.0, "shop.c*": 70.0, "shop.cart": 90.0, "other.*": 99.0}
    assert threshold_for("shop.cart", thresholds) == ("shop.cart", 90.0)  # the exact name
    assert threshold_for("shop.cache", thresholds) == ("shop.c*", 70.0)  # more literal characters
    assert threshold_for("shop.tax", thresholds) == ("shop.*", 50.0)
    assert threshold_for("util", thresholds) == ("*", 10.0)
    assert threshold_for("util", {"shop.*": 50.0}) is None


def test_module_thresholds_list_each_failing_module_with_score_and_threshold(project: Project) -> None:
    write_shop(
        project,
        PYPROJECT + '\n[tool.pytest_escape.thresholds]\n"shop.*" = 60\n"shop.cart" = 95\n"shop.tax" = 50\n',
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == EscapeExit.SCORE_BELOW_THRESHOLD == 10
    out = result.stdout.str()
    # cart kills everything (100 % >= 95); tax kills nothing of its mutants but the extreme-free ones
    assert "module shop.cart" not in out
    result.stdout.fnmatch_lines(
        ["escape: module shop.tax scores *%, below its threshold 50% (shop.tax in *thresholds)"]
    )
    assert project.results()["x-escape"]["thresholds"] == {
        "shop.*": 60.0,
        "shop.cart": 95.0,
        "shop.tax": 50.0,
    }
    # the command line replaces the table; a passing module passes
    assert project.run("--escape-witness-budget", "0", "--escape-thresholds", "shop.*=0").ret == EscapeExit.OK


def test_bad_threshold_values_are_one_line_usage_errors(project: Project) -> None:
    write_shop(project, PYPROJECT + '\n[tool.pytest_escape.thresholds]\n"shop.*" = 160\n')
    result = project.run()
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*[[]tool.pytest_escape[]] thresholds 'shop.*' must be a score between 0 and 100, not 160"]
    )
    write_shop(project)
    result = project.run("--escape-thresholds", "80")
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--escape-thresholds takes MODULE=SCORE pairs like shop.*=80, not 80"])


def test_the_baseline_ratchet(project: Project) -> None:
    write_shop(project)
    baseline = project.path / "escape-baseline.json"
    quick = ("--escape-witness-budget", "0", "--escape-baseline", str(baseline))

    # no file yet: a clear error, not a silent pass
    missing = project.run(*quick)
    assert missing.ret == EscapeExit.USAGE_ERROR
    missing.stderr.fnmatch_lines(
        ["*escape-baseline.json does not exist; create it with --escape-baseline-update*"]
    )

    # the team adopts the gate: tax is weak, but the baseline accepts it
    update = project.run(*quick, "--escape-baseline-update", "--escape-fail-under", "90", cache=True)
    assert update.ret == EscapeExit.OK, update.stdout.str()
    update.stdout.fnmatch_lines(["escape: wrote the new baseline to *escape-baseline.json"])
    saved = json.loads(baseline.read_text(encoding="utf-8"))
    assert saved["schemaVersion"] == "2" and saved["x-escape"]["mutants"]

    # unchanged code passes, although the total is below fail_under
    same = project.run(*quick, "--escape-fail-under", "90", cache=True)
    assert same.ret == EscapeExit.OK, same.stdout.str()
    same.stdout.fnmatch_lines(["escape: mutating*ratchet against *escape-baseline.json (tolerance 0)"])

    # a weakened test: the mutants it killed are named, and the module's drop
    weak = TESTS.replace("    assert is_big(100) is True\n", "")
    project.write({"tests/test_shop.py": weak})
    worse = project.run(*quick, cache=True)
    assert worse.ret == EscapeExit.BASELINE_REGRESSION == 14
    worse.stdout.fnmatch_lines(
        [
            "escape: module shop.cart dropped from 100.0% to *% (baseline escape-baseline.json)",
            "escape: mutant is_big #* (src/shop/cart.py:9: "
            "return amount >= 100 -> return amount > 100) was killed in the baseline and now survives",
        ]
    )
    # a tolerance, lines that move, new modules: test_gate.py, on results values


def test_new_modules_are_judged_by_the_thresholds_not_the_baseline(project: Project) -> None:
    write_shop(project)
    baseline = project.path / "base.json"
    quick = ("--escape-witness-budget", "0", "--escape-baseline", str(baseline))
    assert project.run(*quick, "--escape-baseline-update", cache=True).ret == EscapeExit.OK
    project.write(
        {
            "src/shop/fees.py": "def fee(x):\n    return x + 1\n",
            "tests/test_fees.py": "from shop.fees import fee\n\ndef test_fee():\n    fee(1)\n",
        }
    )
    result = project.run(*quick, "--escape-fail-under", "80", cache=True)
    assert result.ret == EscapeExit.SCORE_BELOW_THRESHOLD
    result.stdout.fnmatch_lines(
        ["escape: module shop.fees scores 0.0%, below 80% (--escape-fail-under; it is new since*"]
    )
    assert "shop.tax" not in "\n".join(
        line for line in result.stdout.lines if line.startswith("escape: module")
    )


def test_a_broken_baseline_file_is_a_usage_error(project: Project) -> None:
    write_shop(project, PYPROJECT + '[tool.pytest_escape]\nbaseline = "nowhere.json"\n')
    result = project.run()
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*[[]tool.pytest_escape[]] baseline: *nowhere.json does not exist; create it*"]
    )
    write_shop(project)
    (project.path / "broken.json").write_text("{not json", encoding="utf-8")
    result = project.run("--escape-baseline", "broken.json")
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--escape-baseline: *broken.json is not JSON (*)*--escape-baseline-update"])
    (project.path / "other.json").write_text('{"schemaVersion": "2", "files": {}}', encoding="utf-8")
    result = project.run("--escape-baseline", "other.json")
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(["*other.json: it is not a pytest-escape JSON report (no 'x-escape' key)*"])
