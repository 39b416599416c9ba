"""The source distribution carries what its own tests need, and nothing a run leaves behind.

A packager (a Linux distribution, conda-forge) runs the suite from the sdist:
a test that reads a golden file, a report schema or the example project must
find it there too.  The sdist is built for real, by setuptools' own backend,
from a copy of the checkout (a build writes egg-info next to the sources).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: what a checkout holds that no build should see
NOT_SOURCE = (".git", ".venv", "build", "dist", "site", ".pytest_cache", ".mypy_cache", ".ruff_cache")


def test_the_sdist_carries_the_tests_fixtures_docs_and_example(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*NOT_SOURCE, "*.egg-info"))
    # a run of the example leaves reports behind; they must not be packaged
    (checkout / "examples" / "shop" / "escape-report.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from setuptools import build_meta; print(build_meta.build_sdist({str(out)!r}))",
        ],
        cwd=checkout,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    name = built.stdout.strip().splitlines()[-1]
    with tarfile.open(out / name) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    for needed in (
        "tests/conftest.py",
        "tests/golden/shop.expected.json",
        "tests/schemas/sarif-schema-2.1.0.json",
        "tests/schemas/mutation-testing-report-schema-3.8.4.json",
        "docs/index.md",
        "docs/how-it-works.md",
        "mkdocs.yml",
        "examples/shop/pyproject.toml",
        "examples/shop/src/shop/cart.py",
        "examples/shop/tests/test_cart.py",
        "src/pytest_escape/report/htmlfiles/escape.js",
        "CHANGELOG.md",
        "LICENSE",
    ):
        assert needed in members, needed
    # every test module of the checkout is in it
    assert {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")} <= members
    assert not [m for m in members if "__pycache__" in m or m.endswith(".pyc") or "escape-report" in m]
