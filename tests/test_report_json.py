"""The JSON report: valid against Stryker's schema, and complete enough to rebuild from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from conftest import Project

from pytest_escape.model import MODEL_VERSION

SCHEMA = Path(__file__).parent / "schemas" / "mutation-testing-report-schema-3.8.4.json"

PRICING = """
def fee(amount):
    if amount >= 100:
        return 0
    return 5


def unused(x):
    return x * 2
"""
TESTS = """
from pricing import fee

def test_fee():
    assert fee(100) == 0
"""


def test_json_report_validates_against_the_stryker_schema(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": TESTS})
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == 0
    report = project.results()
    jsonschema.validate(report, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert report["schemaVersion"] == "2"
    assert report["projectRoot"] == str(project.path)
    file = report["files"]["pricing.py"]
    assert file["source"] == (project.path / "pricing.py").read_text(encoding="utf-8")
    mutants = {m["id"]: m for m in file["mutants"]}
    assert set(mutants) == {f"pricing.x_fee__mutmut_{i}" for i in range(1, 5)} | {
        f"pricing.x_unused__mutmut_{i}" for i in range(1, 3)
    }
    statuses = {m["status"] for m in mutants.values()}
    assert statuses <= {"Killed", "Survived", "NoCoverage"} and "NoCoverage" in statuses
    # tests are named by a short id, as in Stryker's own reports: its node id is its name
    (test,) = report["testFiles"]["test_pricing.py"]["tests"]
    assert (test["id"], test["name"]) == ("0", "test_pricing.py::test_fee")
    killed = [m for m in mutants.values() if m["status"] == "Killed"]
    assert killed and all(m["killedBy"] == m["coveredBy"] == ["0"] for m in killed)
    # locations are 1-based and span exactly the mutated text
    location = mutants["pricing.x_fee__mutmut_1"]["location"]
    line = file["source"].splitlines()[location["start"]["line"] - 1]
    assert location["start"]["line"] == location["end"]["line"] == 2
    assert line[location["start"]["column"] - 1 : location["end"]["column"] - 1].strip() == ">= 100"
    assert mutants["pricing.x_fee__mutmut_1"]["replacement"].strip() == "> 100"
    assert test["x-escape"]["verdict"] == "checks"
    assert test["x-escape"]["mutantsKilled"] == test["x-escape"]["killedByCheck"] >= 3
    # the functions' labels ride along with their file
    labels = {f["name"]: f["label"] for f in file["x-escape"]["functions"]}
    assert labels["fee"] == "tested"
    model = report["x-escape"]
    assert model["model_version"] == MODEL_VERSION
    assert {m["id"] for m in model["mutants"]} == set(mutants)


def test_json_report_path_is_validated_before_the_run(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": TESTS})
    (project.path / "taken").mkdir()
    result = project.run("--escape-report", "json:taken")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["ERROR: escape: --escape-report: */taken is a directory; give a file path"])


def test_relative_paths_in_pyproject_start_at_the_rootdir(project: Project) -> None:
    """On the command line a path is relative to where pytest runs; in pyproject.toml, to the rootdir."""
    project.write(
        {
            "pricing.py": PRICING,
            "tests/test_pricing.py": TESTS,
            "pyproject.toml": """
                [tool.pytest.ini_options]
                pythonpath = ["."]

                [tool.pytest_escape]
                paths = ["pricing.py"]
                report = ["json:reports/escape.json"]
            """,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--escape", "-p", "no:cacheprovider"],
        cwd=project.path / "tests",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project.path / "reports" / "escape.json").is_file()
    assert not (project.path / "tests" / "reports").exists()
