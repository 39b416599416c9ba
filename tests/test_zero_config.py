"""Harder zero-configuration layouts, end to end: each project runs with its own
pytest configuration and nothing else, and every module under test is scored
(its mutants are killed by the tests that check it)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from conftest import Project

from pytest_escape.gate import EscapeExit

PRICING = """
    def fee(amount):
        if amount >= 100:
            return 0
        return 5
    """
PRICING_TESTS = textwrap.dedent(
    """
    def test_fee():
        assert fee(100) == 0
        assert fee(99) == 5
    """
)

LAYOUTS: dict[str, dict[str, str]] = {
    "tests inside the package, imported through an alias package": {
        "shop/__init__.py": "",
        "shop/pricing.py": PRICING,
        "shop/tests/__init__.py": "",
        "shop/tests/test_pricing.py": "from store.pricing import fee\n" + PRICING_TESTS,
        "store/__init__.py": "",
        "store/pricing.py": "from shop.pricing import fee  # the old name, kept for users\n",
    },
    "a unittest suite": {
        "pricing.py": PRICING,
        "test_pricing.py": """
            import unittest

            from pricing import fee


            class FeeTest(unittest.TestCase):
                def test_fee(self):
                    self.assertEqual(fee(100), 0)
                    self.assertEqual(fee(99), 5)
            """,
    },
    "tests that patch time": {
        "pricing.py": """
            import datetime


            def fee(amount):
                if datetime.date.today().month == 12 or amount >= 100:
                    return 0
                return 5
            """,
        "test_pricing.py": """
            from freezegun import freeze_time

            from pricing import fee


            @freeze_time("2024-06-01")
            def test_fee():
                assert fee(100) == 0
                assert fee(99) == 5


            @freeze_time("2024-12-01")
            def test_december():
                assert fee(1) == 0
            """,
    },
    "a session-scoped fixture that imports the code": {
        "pricing.py": """
            class Book:
                def __init__(self, threshold):
                    self.threshold = threshold * 10

                def fee(self, amount):
                    if amount >= self.threshold:
                        return 0
                    return 5
            """,
        "conftest.py": """
            import pytest


            @pytest.fixture(scope="session")
            def book():
                from pricing import Book

                return Book(10)
            """,
        "test_pricing.py": """
            def test_fee(book):
                assert book.fee(100) == 0
                assert book.fee(99) == 5
            """,
    },
    "--import-mode=importlib": {
        "pytest.ini": "[pytest]\naddopts = --import-mode=importlib\npythonpath = src\n",
        "src/shop/__init__.py": "",
        "src/shop/pricing.py": PRICING,
        "tests/test_pricing.py": "from shop.pricing import fee\n" + PRICING_TESTS,
    },
    "pythonpath in the ini file": {
        "pytest.ini": "[pytest]\npythonpath = lib\n",
        "lib/shop/__init__.py": "",
        "lib/shop/pricing.py": PRICING,
        "tests/test_pricing.py": "from shop.pricing import fee\n" + PRICING_TESTS,
    },
    "a namespace package": {
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "src/acme/shop/pricing.py": PRICING,
        "tests/test_pricing.py": "from acme.shop.pricing import fee\n" + PRICING_TESTS,
    },
}


@pytest.mark.parametrize("files", LAYOUTS.values(), ids=list(LAYOUTS))
def test_every_layout_is_scored_with_no_configuration(project: Project, files: dict[str, str]) -> None:
    if any("freezegun" in text for text in files.values()):
        pytest.importorskip("freezegun")
    project.write(files)
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model: dict[str, Any] = project.results()["x-escape"]
    scored = {m["module"] for m in model["mutants"]}
    assert scored and all(m.endswith("pricing") for m in scored), scored
    assert {m["status"] for m in model["mutants"]} == {"killed"}
    # nothing under the code was dropped without a word
    assert all(x["reason"] for x in model["left_out"])
    modules = {f["module"] for f in model["files"]}
    if files is LAYOUTS["a namespace package"]:
        assert modules == {"acme.shop.pricing"}  # named from its top-level directory down
    if files is LAYOUTS["tests inside the package, imported through an alias package"]:
        assert {(x["kind"], x["path"], x["reason"]) for x in model["left_out"]} == {
            ("directory", "shop/tests/", "test code")
        }
        # the alias module has no function of its own; the real one is scored
        assert modules >= {"shop.pricing", "store.pricing"}


def test_cacheprovider_options_in_addopts_reach_the_worker(project: Project) -> None:
    """--cache-clear, --ff and the like belong to pytest's cacheprovider; the
    worker used to run without it, and stopped on them as unknown options."""
    project.write(
        {
            "pytest.ini": "[pytest]\naddopts = --cache-clear --ff\n",
            "pricing.py": PRICING,
            "test_pricing.py": "from pricing import fee\n" + PRICING_TESTS,
        }
    )
    result = project.run(cache=True)
    assert result.ret == EscapeExit.OK, result.stdout.str() + result.stderr.str()
    assert set(project.statuses().values()) == {"killed"}
