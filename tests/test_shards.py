"""Sharded runs: parsing K/N, the partition of functions, and merging shard results."""

from __future__ import annotations

import copy
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_escape.config import SettingsError, parse_shard
from pytest_escape.gate import EscapeExit, judge
from pytest_escape.model import EXTREME, Evidence, LeftOut, Results, Shard, SmellInfo
from pytest_escape.oracle.verdicts import reassess
from pytest_escape.report import write_report
from pytest_escape.results_io import read_json
from pytest_escape.shards import MergeError, assign, merge, plan_hash

COMMAND = Path(sys.executable).parent / "pytest-escape"
OPTIONS = {"matrix": False, "timeout_factor": 10.0, "paths": ["src"]}


def escape(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user would run it."""
    return subprocess.run(
        [str(COMMAND), *map(str, args)], capture_output=True, text=True, check=False, env=dict(os.environ)
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("1/1", (1, 1)), ("3/4", (3, 4)), ("4/4", (4, 4)), (" 2/10 ", (2, 10))]
)
def test_parse_shard_reads_k_of_n(value: str, expected: tuple[int, int]) -> None:
    assert parse_shard(value, "--escape-shard") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3/2", "--escape-shard must be K/N with 1 <= K <= N, like 1/2, not '3/2'"),
        ("0/4", "--escape-shard must be K/N with 1 <= K <= N, like 1/4, not '0/4'"),
        ("1/0", "--escape-shard must split the run into 1 or more shards, not '1/0'"),
        ("2", "--escape-shard must be K/N (shard K of N) like 1/4, not '2'"),
        ("a/b", "--escape-shard must be K/N (shard K of N) like 1/4, not 'a/b'"),
        ("-1/2", "--escape-shard must be K/N (shard K of N) like 1/4, not '-1/2'"),
        ("1.5/2", "--escape-shard must be K/N (shard K of N) like 1/4, not '1.5/2'"),
        ("1/2/3", "--escape-shard must be K/N (shard K of N) like 1/4, not '1/2/3'"),
        ("", "--escape-shard must be K/N (shard K of N) like 1/4, not ''"),
    ],
)
def test_parse_shard_refuses_in_one_line(value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_shard(value, "--escape-shard")
    assert str(caught.value) == message


def test_assign_is_balanced_complete_and_deterministic() -> None:
    rng = random.Random(7)
    for count in (1, 2, 3, 5, 8):
        costs = {f"pkg.mod{i % 4}.f{i}": float(rng.choice([0, 1, 2, 3, 5, 40, 100])) for i in range(60)}
        shards = assign(costs, count)
        assert shards.keys() == costs.keys() and set(shards.values()) <= set(range(1, count + 1))
        loads = [sum(c for u, c in costs.items() if shards[u] == k) for k in range(1, count + 1)]
        assert max(loads) - min(loads) <= max(costs.values())
        # another machine builds the dict in another order: the same partition
        shuffled = list(costs.items())
        rng.shuffle(shuffled)
        assert assign(dict(shuffled), count) == shards
    assert assign({"a": 1, "b": 1, "c": 1}, 5) == {"a": 1, "b": 2, "c": 3}
    assert assign({}, 3) == {}


def test_plan_hash_ignores_order() -> None:
    assert plan_hash(["b", "a"]) == plan_hash(["a", "b"]) != plan_hash(["a"])
    assert len(plan_hash([])) == 16


def split(results: Results, count: int) -> list[Results]:
    """The shards a run with ``--escape-shard K/count`` would write, cut from an unsharded one."""
    results = copy.deepcopy(results)
    results.revision, results.options = "r" * 16, dict(OPTIONS)
    costs = {
        f.qualname: float(
            sum(len(m.covered_by) for m in results.mutants if (m.module, m.function) == (f.module, f.name))
        )
        + len(f.covered_by) * len(f.extremes)
        for f in results.functions
    }
    shards = assign(costs, count)
    plan = plan_hash([m.id for m in results.mutants] + [x.id for f in results.functions for x in f.extremes])
    parts = []
    for index in range(1, count + 1):
        part = copy.deepcopy(results)
        part.functions = [f for f in part.functions if shards[f.qualname] == index]
        mine = {(f.module, f.name) for f in part.functions}
        part.mutants = [m for m in part.mutants if (m.module, m.function) in mine]
        part.properties = [r for r in part.properties if (r.module, r.function) in mine]
        part.shard = Shard(index, count, plan)
        part.executed = len(part.mutants)
        # a shard judges its tests on its own mutants; its smells may be a subset
        reassess(part)
        if index == 1:
            for test in part.tests:
                test.smells = []
        parts.append(part)
    return parts


@pytest.mark.parametrize("count", [2, 3])
def test_merge_gives_back_the_unsharded_results(sample_results: Results, count: int) -> None:
    original = copy.deepcopy(sample_results)
    assert all(m.operator != EXTREME for m in original.mutants)
    parts = split(original, count)
    assert all(p.functions for p in parts)
    before = [p.to_dict() for p in parts]
    # the shards' own verdicts are not the run's: the merge must recompute them
    assert any(
        [(t.verdict, t.reason) for t in p.tests] != [(t.verdict, t.reason) for t in original.tests]
        for p in parts
    )
    assert any(t.smells for t in original.tests)

    merged = merge(list(reversed(parts)))

    expected = copy.deepcopy(original)
    expected.revision, expected.options = "r" * 16, dict(OPTIONS)
    expected.executed = len(original.mutants)
    assert [(m.id, m.status) for m in merged.mutants] == [(m.id, m.status) for m in original.mutants]
    assert [(f.qualname, f.label, f.reason) for f in merged.functions] == [
        (f.qualname, f.label, f.reason) for f in original.functions
    ]
    assert [(t.id, t.verdict, t.reason, t.functions) for t in merged.tests] == [
        (t.id, t.verdict, t.reason, t.functions) for t in original.tests
    ]
    assert merged.to_dict() == expected.to_dict()
    assert [p.to_dict() for p in parts] == before


def test_merge_unions_smells_warnings_and_timings(sample_results: Results) -> None:
    one, two = split(sample_results, 2)
    mirror, bare = SmellInfo("mirror oracle", 4, "recomputes it"), SmellInfo("no assertion", 3, "none")
    one.tests[0].smells = [copy.copy(mirror)]
    two.tests[0].smells = [copy.copy(bare), copy.copy(mirror), copy.copy(bare)]
    one.warnings, two.warnings = ["slow worker", "a"], ["a", "b"]
    one.timings, two.timings = {"mutants": 5.0, "baseline": 1.0}, {"mutants": 7.0, "witnesses": 2.0}
    one.duration, two.duration = 10.0, 12.0
    one.excluded_tests, two.excluded_tests = {"t1": "flaky"}, {"t1": "flaky", "t2": "slow"}
    vendored = LeftOut("directory", "src/demo/_vendor/", "third-party code (vendored)")
    one.left_out, two.left_out = [copy.copy(vendored)], [copy.copy(vendored)]
    # the second shard's mutants gave the proof that its first test only confirms
    proof = Evidence("demo.x_f__mutmut_1", "f(x=1)", "returns 2", "returns 0", "return value")
    one.tests[0].evidence, two.tests[0].evidence = None, proof
    merged = merge([one, two])
    assert merged.tests[0].evidence == proof
    assert merged.left_out == [vendored]
    assert merged.tests[0].smells == [mirror, bare]
    assert merged.warnings == ["slow worker", "a", "b"]
    assert merged.timings == {"mutants": 7.0, "baseline": 1.0, "witnesses": 2.0}
    assert merged.duration == 12.0 and merged.shard is None
    assert merged.excluded_tests == {"t1": "flaky", "t2": "slow"}


def refusal(parts: list[Results], names: list[str] | None = None) -> str:
    with pytest.raises(MergeError) as caught:
        merge(parts, names)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_merge_refuses_what_is_not_one_whole_run(sample_results: Results) -> None:
    one, two, three = split(sample_results, 3)
    names = ["a.json", "b.json", "c.json"]
    assert refusal([one, three], ["a.json", "c.json"]) == (
        "shard 2 of 3 is missing; merge the results of all 3 shards"
    )
    assert refusal([two]).startswith("shards 1, 3 of 3 are missing")
    assert refusal([one, two, copy.deepcopy(one), three], [*names, "d.json"]).startswith(
        "a.json and c.json are both shard 1/3; give each shard once"
    )
    other = copy.deepcopy(two)
    other.revision = "s" * 16
    message = refusal([one, other, three], names)
    assert message.startswith("a.json and b.json are shards of different source revisions")
    assert message.endswith("rerun all shards on one commit")
    other = copy.deepcopy(three)
    other.options = {**OPTIONS, "matrix": True, "seed": 1}
    assert "different options (matrix, seed)" in refusal([one, two, other], names)
    assert refusal([one, two, sample_results], names) == (
        "c.json is not a shard (not run with --escape-shard); merge only shard files"
    )
    other = copy.deepcopy(two)
    other.shard = Shard(2, 4, two.shard.plan if two.shard else "")
    assert "split the run differently (3 and 4 shards)" in refusal([one, other, three])
    other = copy.deepcopy(two)
    other.shard = Shard(2, 3, "0" * 16)
    assert "planned different mutants" in refusal([one, other, three])
    other = copy.deepcopy(two)
    other.tool_version = "0.0.1"
    assert f"written by pytest-escape {one.tool_version} and 0.0.1" in refusal([one, other, three])
    assert refusal([]).startswith("no results to merge")


def test_the_merge_command_writes_a_file_report_gates(sample_results: Results, tmp_path: Path) -> None:
    one, two = split(sample_results, 2)
    write_report(one, "json", tmp_path / "one.json")
    write_report(two, "json", tmp_path / "two.json")
    merged = tmp_path / "merged.json"
    done = escape("merge", tmp_path / "two.json", tmp_path / "one.json", "-o", merged)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"pytest-escape: merged 2 shards ({len(sample_results.mutants)} mutants) into {merged}"
    ]
    results = read_json(merged)
    assert results.shard is None
    assert [(t.id, t.verdict) for t in results.tests] == [(t.id, t.verdict) for t in sample_results.tests]
    gated = escape("report", merged, "--gate", "--format", f"md:{tmp_path / 'summary.md'}")
    assert gated.returncode == judge(sample_results).exit, gated.stderr

    two.revision = "s" * 16
    write_report(two, "json", tmp_path / "two.json")
    done = escape("merge", tmp_path / "one.json", tmp_path / "two.json", "-o", tmp_path / "no.json")
    assert done.returncode == EscapeExit.USAGE_ERROR == 4
    assert done.stderr.splitlines() == [
        f"pytest-escape: error: {tmp_path / 'one.json'} and {tmp_path / 'two.json'} are shards of "
        f"different source revisions ({'r' * 16} and {'s' * 16}); rerun all shards on one commit"
    ]
    assert not (tmp_path / "no.json").exists()
    assert escape("merge", tmp_path / "one.json").returncode == 4  # -o is required
