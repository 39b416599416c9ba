"""``--escape-since`` on a real git repository, and ``--escape-shard`` runs merged
back into the unsharded run, end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, Project

from pytest_escape.results_io import read_json
from pytest_escape.shards import merge

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """SAMPLE committed on main, then a branch that changes one line of one function."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(project.path.parent))
    project.write(SAMPLE)
    git(project.path, "init", "-q", "-b", "main")
    git(project.path, "add", "-A")
    git(project.path, "commit", "-q", "-m", "start")
    git(project.path, "checkout", "-q", "-b", "feature")
    return project


def test_since_mutates_only_the_changed_lines(repo: Project) -> None:
    pricing = repo.path / "src/demo/pricing.py"
    text = pricing.read_text()
    pricing.write_text(text.replace("if qty >= 10:", "if qty >= 12:"))
    changed_line = text.splitlines().index("def bulk_discount(qty: int) -> float:") + 2
    git(repo.path, "commit", "-qam", "bigger bulk")
    # and an uncommitted edit, which counts too
    util = repo.path / "src/demo/util.py"
    util.write_text(util.read_text().replace("return x * 2", "return x * 3"))

    result = repo.run("--escape-since", "main", "--escape-witness-budget", "0")
    result.stdout.fnmatch_lines(["escape: *; only lines changed since main (*"])
    x = repo.results()["x-escape"]
    assert x["since"] == "main"
    lines = {(m["file"], m["line"]) for m in x["mutants"]}
    assert lines == {("src/demo/pricing.py", changed_line), ("src/demo/util.py", 10)}
    assert {f["name"] for f in x["functions"]} == {"bulk_discount", "unused"}
    # the score is of these mutants only: unused() has no test, so its mutant counts against it
    statuses = {m["file"]: m["status"] for m in x["mutants"]}
    assert statuses["src/demo/util.py"] == "no coverage"
    result.stdout.fnmatch_lines(["TOTAL * 4 * 0 * 2 * 0 * 2 * 0 * 0.0%"])


def test_since_with_nothing_changed_has_nothing_to_judge(repo: Project) -> None:
    result = repo.run("--escape-since", "main", "--escape-witness-budget", "0")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["escape: no code to mutate on the lines changed since main: nothing to judge"]
    )
    assert repo.results()["x-escape"]["mutants"] == []


def test_since_errors_are_one_line_and_usage_errors(repo: Project) -> None:
    result = repo.run("--escape-since", "no-such-branch")
    assert result.ret == 4
    errors = [line for line in result.errlines if "no-such-branch" in line]
    assert len(errors) == 1 and "--escape-since" in errors[0]
    shutil.rmtree(repo.path / ".git")
    result = repo.run("--escape-since", "main")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--escape-since needs a git repository*"])


def _ids_and_statuses(x: dict[str, Any]) -> dict[str, str]:
    found = {m["id"]: m["status"] for m in x["mutants"]}
    found.update({f["extreme"]["id"]: f["extreme"]["status"] for f in x["functions"] if f["extreme"]})
    return found


def test_shards_merge_into_the_unsharded_run(project: Project, tmp_path: Path) -> None:
    project.write(SAMPLE)
    whole = project.run("--escape-witness-budget", "0")
    assert whole.ret in (0, 10, 13), whole.stdout.str()
    unsharded = project.results()["x-escape"]
    parts = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}.json"
        result = project.run(
            "--escape-shard", f"{k}/3", "--escape-witness-budget", "0", "--escape-report", f"json:{out}"
        )
        assert result.ret == 0, result.stdout.str()  # a shard is not gated
        result.stdout.fnmatch_lines([f"escape: shard {k}/3 is part of a run, so it is not gated*"])
        parts.append(json.loads(out.read_text())["x-escape"])
    names = [{f["name"] for f in p["functions"]} for p in parts]
    assert sum(len(n) for n in names) == len(set().union(*names)) == len(unsharded["functions"])
    assert all(names)  # the split is balanced enough that no shard is empty here

    merged = merge([read_json(tmp_path / f"shard{k}.json") for k in (3, 1, 2)])
    assert _ids_and_statuses(merged.to_dict()) == _ids_and_statuses(unsharded)
    assert {f.name: f.label for f in merged.functions} == {
        f["name"]: f["label"] for f in unsharded["functions"]
    }
    assert {t.id: t.verdict for t in merged.tests} == {t["id"]: t["verdict"] for t in unsharded["tests"]}

    # a shard of another revision is refused
    pricing = project.path / "src/demo/pricing.py"
    pricing.write_text(pricing.read_text() + "\n\ndef extra(x):\n    return x + 1\n")
    other = tmp_path / "other.json"
    project.run("--escape-shard", "2/3", "--escape-witness-budget", "0", "--escape-report", f"json:{other}")
    results = [read_json(tmp_path / "shard1.json"), read_json(other), read_json(tmp_path / "shard3.json")]
    with pytest.raises(Exception, match="different source revisions"):
        merge(results)


def test_a_shard_cannot_write_the_baseline(project: Project) -> None:
    project.write(SAMPLE)
    result = project.run("--escape-shard", "1/2", "--escape-baseline", "b.json", "--escape-baseline-update")
    assert result.ret == 4
    result.stderr.fnmatch_lines(
        ["*--escape-baseline-update with --escape-shard would write a partial baseline*"]
    )
    result = project.run("--escape-shard", "2/1")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--escape-shard must be K/N with 1 <= K <= N*"])
