"""Shared helpers: small generated projects run through the real plugin."""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

pytest_plugins = ["pytester"]


class Project:
    """A generated project inside ``pytester.path`` and the results of running it."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.path = pytester.path

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def run(self, *args: str) -> pytest.RunResult:
        """A real ``pytest --escape`` in a fresh interpreter (in-process runs would
        share coverage.py's C tracer with this session)."""
        self.report = self.path / "escape-report.json"
        full = ["--escape", "-p", "no:cacheprovider", "--escape-workers", "2", *args]
        if not any(a.startswith("--escape-report") for a in args):
            full += ["--escape-report", f"json:{self.report}"]
        return self.pytester.runpytest_subprocess(*full)

    def results(self) -> dict[str, Any]:
        return json.loads(self.report.read_text(encoding="utf-8"))

    def mutants(self) -> dict[str, dict[str, Any]]:
        return {m["id"]: m for m in self.results()["x-escape"]["mutants"]}

    def statuses(self) -> dict[str, str]:
        return {k: m["status"] for k, m in self.mutants().items()}

    def source_hashes(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.path.rglob("*.py"))
            if "__pycache__" not in p.parts
        }


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    return Project(pytester)


def first(mutants: dict[str, dict[str, Any]], match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    found = [m for m in mutants.values() if match(m)]
    assert found, "no mutant matches"
    return found[0]
