"""The stages between the baseline and the gate, on typed values, without a process.

plan -> (the worker's events) -> assemble -> deliver, and the wire between the
main process and the worker.  Each test here guards a promise the end-to-end
suite also shows through a real ``pytest --escape`` run; here it fails in
milliseconds and names the stage that broke.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import sys
import tracemalloc
from pathlib import Path

import pytest

from pytest_escape import model, plan
from pytest_escape.assemble import RunFacts, assemble, place_properties, with_verdict
from pytest_escape.blind_spots import python_command
from pytest_escape.cli import main as cli_main
from pytest_escape.config import AUTO_MEMORY_FLOOR, ReportRequest, Settings, parse_memory_limit
from pytest_escape.console import closing_lines, header, partial_lines, starting_line
from pytest_escape.coverage_map import Baseline, time_class
from pytest_escape.deliver import deliver
from pytest_escape.execution.limits import (
    CPU_CONSTANT,
    TIMING_SHARE,
    Limits,
    one_time,
    plan_timing,
    timed_out,
)
from pytest_escape.execution.pool import REPORTED, TIMED_OUT, Outcome, Step, Steps
from pytest_escape.execution.protocol import (
    EVENT_TYPES,
    Collected,
    Done,
    KillRecord,
    ModulePlan,
    MutantJob,
    PhaseDone,
    PropertiesChecked,
    PropertyCheck,
    PropertyChecked,
    PropertyConfig,
    PropertyOptions,
    SharedStrings,
    Stage,
    StageStarted,
    TestEvidence,
    TestExcluded,
    TestRun,
    Unreachable,
    Verdict,
    VerdictReached,
    WitnessFound,
    WitnessOptions,
    WorkerPlan,
    WorkerWarning,
    cache_of_its_own,
    decode,
    decode_event,
    decode_plan,
    encode_event,
    encode_plan,
    to_json,
)
from pytest_escape.execution.recheck import Recheck, of_outcomes
from pytest_escape.execution.schedule import CHUNK, run_order
from pytest_escape.execution.selection import UNSEEN_TESTS, covering_tests, unseen_tests
from pytest_escape.execution.worker import held_by_timeouts
from pytest_escape.gate import EscapeExit, Ratchet, decide
from pytest_escape.model import (
    EXTREME,
    KILLED,
    NO_COVERAGE,
    NOT_COVERED,
    PARTIALLY_TESTED,
    PSEUDO_TESTED,
    SURVIVED,
    WITNESSED,
    Evidence,
    FileInfo,
    MutantStatus,
    PropertyKind,
    PropertyOutcome,
    PropertyResult,
    Results,
    Shard,
    Witness,
)
from pytest_escape.mutation.types import FunctionCopies, MutantSpec, MutatedModule, Span
from pytest_escape.nodeids import source_order
from pytest_escape.report import write_json
from pytest_escape.report.progress import Progress
from pytest_escape.session import blind_tests, coverage_only, failing_baseline
from pytest_escape.since import ChangedLines
from pytest_escape.targets import Target

PATH = Path("/project/src/calc.py")
TARGET = Target(PATH, "calc")


def spec(
    number: int, function: str = "add", line: int = 3, operator: str = "number", first: int = 2, last: int = 4
) -> MutantSpec:
    """A mutant of ``function`` (lines ``first``..``last``) on ``line``."""
    return MutantSpec(
        id=f"calc.x_{function}__mutmut_{number}",
        module="calc",
        function=function,
        operator=operator,
        span=Span(line, 4, line, 9),
        statement=Span(line, 4, line, 9),
        function_span=Span(first, 0, last, 0),
        function_first_line=first,
        in_signature=False,
        original="a + b",
        replacement="a - b",
        before=("    return a + b",),
        after=("    return a - b",),
    )


def baseline(lines: dict[int, set[str]], durations: dict[str, float] | None = None) -> Baseline:
    tests = sorted({t for found in lines.values() for t in found})
    return Baseline(
        tests=tests,
        durations=durations or dict.fromkeys(tests, 0.1),
        test_files=dict.fromkeys(tests, "/project/tests/test_calc.py"),
        passed=set(tests),
        lines={PATH: lines},
    )


def relative(path: Path) -> str:
    return path.relative_to("/project").as_posix()


def planned(specs: list[MutantSpec], base: Baseline, matrix: bool = False) -> plan.MutantPlan:
    return plan.plan_mutants([(TARGET, specs)], base, relative, matrix, lambda s, t, tests: f"key:{s.id}")


# -- the wire ------------------------------------------------------------------


def every_event() -> list[object]:
    verdict = Verdict(
        "calc.x_add__mutmut_1",
        MutantStatus.KILLED,
        0.25,
        tests_run=2,
        kills=(KillRecord("t::b", "assert 1 == 2", "AssertionError", 7),),
        passed=("t::a",),
        killed_by="t::b",
        reason="assert 1 == 2",
    )
    finding = PropertyResult(
        "calc", "add", PropertyKind.ROUND_TRIP, PropertyOutcome.VIOLATED, partner="calc.sub"
    )
    return [
        Collected(3, ("t::gone",)),
        PhaseDone("mutants", 1.5),
        VerdictReached(verdict, rerun=True),
        TestExcluded("t::flaky", "fails when run alone without a mutant: boom"),
        TestEvidence(
            "t::a",
            Evidence("calc.x_add__mutmut_1", "add(a=1, b=2)", "returns 3", "returns -1", "return value"),
        ),
        TestEvidence("t::b", None),
        Unreachable("calc", "t::a"),
        StageStarted(Stage.PROPERTIES, 4, 60.0),
        WitnessFound("calc.x_add__mutmut_1", Witness(WITNESSED, input="add(a=1, b=0)", examples=3)),
        PropertyChecked(finding, retry=True),
        PropertiesChecked("calc", "add"),
        WorkerWarning("a test wrote src/out.txt"),
        Done(),
    ]


def test_every_worker_event_survives_the_pipe_with_its_types() -> None:
    events = every_event()
    assert {type(e) for e in events} == set(EVENT_TYPES.values())  # one example of each kind
    # every string of every event in a shared table: a field whose type does
    # not say str (``Any``) would come back as an index
    table: dict[str, int] = {}
    to_json(events, table)
    shared = SharedStrings.of(list(table))
    for event in events:
        for line, again in (
            (encode_event(event), None),  # type: ignore[arg-type]
            (encode_event(event, shared), shared),  # type: ignore[arg-type]
        ):
            assert "\n" not in line
            assert decode_event(line, again) == event
    verdict = decode_event(encode_event(events[2])).verdict  # type: ignore[arg-type,union-attr]
    assert isinstance(verdict.status, MutantStatus) and isinstance(verdict.kills[0], KillRecord)
    assert verdict.killers == ("t::b",)


def test_the_worker_plan_round_trips_through_its_json_file() -> None:
    copies = FunctionCopies("mutants_x_add__mutmut", None, 2, "def add(a, b):\n    return a + b\n", 4, 7)
    copies = dataclasses.replace(copies, changes={"x_add__mutmut_1": (20, 25, "a - b")})
    job = MutantJob("calc.x_add__mutmut_1", ("t::a",), "calc", "add", 1, False, "doc", False, False)
    worker_plan = WorkerPlan(
        args=("-q",),
        sys_path=("/project/src",),
        modules={"calc": ModulePlan("/project/src/calc.py", (copies,), "def add(a, b):\n    return a + b\n")},
        workers=2,
        timeout_factor=10.0,
        timeout_constant=2.0,
        memory_limit=1 << 31,
        tests=("t::a",),
        identities={"t::a": "t::a"},
        durations={"t::a": 0.1},
        fixture_durations={"t::a": 0.02},
        probes={"calc": ("t::a",)},
        jobs=(job, dataclasses.replace(job, id="calc.x_add__mutmut_2", known=Verdict("x", SURVIVED))),
        witness=WitnessOptions(60.0, 200, 1, 1.0, "hypothesis"),
        properties=PropertyOptions(
            60.0,
            200,
            1,
            1.0,
            "/project",
            PropertyConfig(round_trips=(("calc.enc", "calc.dec"),)),
            (PropertyCheck("calc", "add", ("t::a",), ("add", "sub")),),
        ),
    )
    text, main_side = encode_plan(worker_plan)
    raw = json.loads(text)
    (index,) = raw["plan"]["jobs"][0]["tests"]  # a job names its tests by index
    assert raw["strings"][index] == "t::a" and text.count('"t::a"') == 4  # the table, 3 dicts' keys
    again, worker_side = decode_plan(json.loads(text))
    assert again == worker_plan
    # one object per test id, however many jobs name it (the worker's memory)
    assert again.jobs[0].tests[0] is again.jobs[1].tests[0] is again.tests[0]
    assert again.modules["calc"].functions[0].changes["x_add__mutmut_1"] == (20, 25, "a - b")
    # the events name the plan's strings by index, both ways; other strings as themselves
    event = VerdictReached(Verdict("calc.x_add__mutmut_1", SURVIVED, passed=("t::a",), reason="new text"))
    line = encode_event(event, worker_side)
    assert "t::a" not in line and "new text" in line
    heard = decode_event(line, main_side)
    assert heard == event
    assert heard.verdict.passed[0] is main_side.table[index]  # type: ignore[union-attr]  # no copy of its own
    run = TestRun(order=("t::a",), passed=("t::a",))
    assert decode(TestRun, to_json(run, worker_side.index, grow=False), worker_side) == run


def test_statuses_read_as_their_words_everywhere() -> None:
    """The enums replaced bare strings that reports print, format and dump:
    each must still be its word (``str()`` of a plain str-Enum is ``Cls.NAME``)."""
    for member in (MutantStatus.NO_COVERAGE, Stage.WITNESSES, REPORTED, PropertyKind.ROUND_TRIP):
        assert str(member) == f"{member}" == member.value == json.loads(json.dumps(member))
        assert member == member.value and hash(member) == hash(member.value)


def test_a_malformed_message_fails_at_the_boundary() -> None:
    with pytest.raises(ValueError, match="no field 'colour'"):
        decode(KillRecord, {"test": "t", "colour": "red"})
    with pytest.raises(ValueError, match="expected int"):
        decode(TestRun, {"order": [], "passed": [], "kills": [{"test": "t", "line": "seven"}]})
    with pytest.raises(ValueError):
        decode(Verdict, {"id": "m", "status": "mostly dead"})


# -- plan ----------------------------------------------------------------------


def test_a_mutant_runs_against_its_line_s_tests_first_then_the_function_s() -> None:
    base = baseline(
        {4: {"t::slow", "t::fast"}, 3: {"t::line"}}, {"t::slow": 2.0, "t::fast": 0.1, "t::line": 0.5}
    )
    result = planned([spec(1, line=3)], base)
    (job,) = result.jobs
    assert job.tests == ("t::line", "t::fast", "t::slow")
    assert job.line == 3 and not job.all and not job.extreme
    assert "- return a + b" in job.doc
    assert result.keys == {job.id: f"key:{job.id}"}
    assert result.probes == {"calc": ("t::fast", "t::line", "t::slow")}


def test_a_mutant_no_test_executes_is_planned_with_no_coverage_and_why() -> None:
    result = planned([spec(1, line=4)], baseline({3: {"t::a"}}))
    assert result.jobs == [] and result.keys == {} and result.probes == {}
    (mutant,) = result.mutants
    assert mutant.status == NO_COVERAGE
    assert mutant.status_reason == "no test executes line 4"


def test_extreme_mutants_hang_off_their_function_and_run_every_test() -> None:
    extreme = spec(0, line=3, operator=EXTREME)
    result = planned([extreme, spec(1, line=3)], baseline({3: {"t::a", "t::b"}}))
    assert [m.id for m in result.mutants] == [spec(1).id]  # only regular mutants are scored
    (function,) = result.functions
    assert function.extreme is not None and function.extreme.id == extreme.id
    assert function.label == NOT_COVERED and function.covered_by == ["t::a", "t::b"]
    assert [(j.id, j.all, j.extreme) for j in result.jobs] == [
        (extreme.id, True, True),
        (spec(1).id, False, False),
    ]
    assert all(j.all for j in planned([spec(1, line=3)], baseline({3: {"t::a"}}), matrix=True).jobs)


def test_a_function_whose_body_runs_only_at_import_says_so() -> None:
    # the body's other lines ran (a decorator's wrapper), its first statement never did
    extreme = spec(0, line=3, operator=EXTREME)
    result = planned([extreme], baseline({4: {"t::a"}}))
    assert result.functions[0].extreme is not None
    assert result.functions[0].extreme.status_reason == plan.IMPORT_ONLY
    assert result.functions[0].covered_by == []


def test_a_function_that_runs_only_at_import_is_run_against_its_module_s_tests() -> None:
    """No test executes ``_rule``, which the module's top level calls: its
    mutant runs against every test of the module, after the top level runs
    again; ``register``'s, called only by a decorator, cannot."""
    from pytest_escape.mutation.import_time import ImportTime

    at_import = {"calc": ImportTime(rerun=frozenset({"_rule"}), once=frozenset({"register"}))}
    specs = [spec(1, "_rule", line=12, first=11, last=13), spec(2, "register", line=16, first=15, last=17)]
    made = plan.plan_mutants(
        [(TARGET, specs)],
        baseline({3: {"t::a"}, 8: {"t::b"}}),
        relative,
        False,
        lambda s, t, tests: "k",
        at_import,
    )
    (job,) = made.jobs
    assert (job.id, job.at_import, set(job.tests)) == (specs[0].id, True, {"t::a", "t::b"})
    reasons = {m.id: m.status_reason for m in made.mutants}
    assert reasons[specs[1].id] == plan.ONLY_AT_IMPORT.format(module="calc")
    # nor do the tests coverage could not see through run it: it cannot be switched on in a test
    blind = baseline({3: {"t::a"}, 8: {"t::b"}})
    blind.blind = {"t::a": "calls sys.settrace"}
    seen = plan.plan_mutants([(TARGET, specs)], blind, relative, False, lambda s, t, tests: "k", at_import)
    assert [j.id for j in seen.jobs] == [specs[0].id]
    assert {m.id: m.status_reason for m in seen.mutants}[specs[1].id] == reasons[specs[1].id]
    # a module no test runs any line of: nothing to run it against
    (alone,) = plan.plan_mutants(
        [(TARGET, specs[:1])], baseline({}), relative, False, lambda s, t, tests: "k", at_import
    ).mutants
    assert alone.status_reason == "runs only while calc is imported, and no test runs any of it"


def test_changed_lines_and_shards_choose_the_mutants() -> None:
    module = MutatedModule("calc", str(PATH), (spec(1, line=3), spec(2, "sub", line=8, first=7, last=9)))
    base = baseline({3: {"t::a"}, 8: {"t::b"}})
    changed = ChangedLines("main", "abc", {PATH: frozenset({8})})
    chosen, shard = plan.select([(TARGET, module)], base, changed, None)
    assert [s.id for s in chosen[0][1]] == [spec(2, "sub").id] and shard is None
    halves = [plan.select([(TARGET, module)], base, None, (k, 2)) for k in (1, 2)]
    ids = [[s.id for s in chosen[0][1]] for chosen, _ in halves]
    assert sorted(ids[0] + ids[1]) == sorted(s.id for s in module.mutants) and all(ids)
    shards = [shard for _, shard in halves]
    assert shards[0] is not None and shards[1] is not None and shards[0].plan == shards[1].plan


def test_a_mutant_s_tests_go_cheapest_first_whatever_their_durations_below_a_tenth_of_a_second() -> None:
    """Durations change from run to run, and with them killedBy and the
    witnesses' seeds; lines run do not."""
    lines = {3: {"t::wide", "t::narrow", "t::b"}, 4: {"t::wide", "t::other"}, 2: {"t::wide"}}
    base = baseline(lines, {"t::wide": 0.001, "t::narrow": 0.09, "t::b": 0.05, "t::other": 0.0})
    # the line's tests first (fewest lines run, then source order), then the function's others
    assert covering_tests(spec(1, line=3), PATH, base) == ["t::b", "t::narrow", "t::wide", "t::other"]


def test_a_test_ten_times_slower_past_a_tenth_of_a_second_goes_after_the_faster_ones() -> None:
    """A property-based test runs few lines many times: lines run call it cheap."""
    lines = {3: {"t::wide", "t::narrow", "t::b"}, 4: {"t::wide", "t::other"}, 2: {"t::wide"}}
    durations = {"t::wide": 0.001, "t::narrow": 0.9, "t::b": 1.5, "t::other": 0.0}
    base = baseline(lines, durations)
    assert covering_tests(spec(1, line=3), PATH, base) == ["t::wide", "t::narrow", "t::b", "t::other"]
    # a slow setup is the fixture's, which lands on whichever test comes first: not the test's cost
    base.fixture_durations = {"t::narrow": 0.85, "t::b": 1.45}
    assert covering_tests(spec(1, line=3), PATH, base) == ["t::b", "t::narrow", "t::wide", "t::other"]
    assert [time_class(s) for s in (0.0, 0.099, 0.1, 0.99, 1.0, 12.0)] == [0, 0, 1, 1, 2, 3]


def test_a_line_coverage_saw_no_test_run_goes_to_the_tests_it_could_not_see_through() -> None:
    """Those that ran the function first, then its file, then the rest; at most ten."""
    other = Path("/project/src/other.py")
    lines = {4: {"t::in_function", "t::seen"}, 9: {"t::in_file"}}
    base = baseline(lines)
    base.lines[other] = {1: {"t::elsewhere"}}
    base.tests += ["t::elsewhere", "t::failing"]
    base.passed |= {"t::elsewhere"}
    blind = ["t::elsewhere", "t::in_file", "t::in_function", "t::failing"]
    assert unseen_tests(spec(1, line=3), PATH, base) == []  # no test hid anything
    base.blind = dict.fromkeys(blind, "calls sys.settrace")
    # a failing test is no test a mutant runs against
    assert unseen_tests(spec(1, line=3), PATH, base) == ["t::in_function", "t::in_file", "t::elsewhere"]
    many = {f"t::blind_{n:02}" for n in range(12)}
    base.passed |= many
    base.blind.update(dict.fromkeys(many, "calls sys.settrace"))
    chosen = unseen_tests(spec(1, line=3), PATH, base)
    assert len(chosen) == UNSEEN_TESTS == 10 and chosen[:2] == ["t::in_function", "t::in_file"]


def test_a_property_based_test_goes_after_the_example_based_ones_of_its_decade() -> None:
    """When it fails it shrinks, which its passing baseline time never showed."""
    lines = {3: {"t::wide", "t::narrow", "t::b"}, 4: {"t::wide", "t::other"}, 2: {"t::wide"}}
    base = baseline(lines, {"t::wide": 0.001, "t::narrow": 0.05, "t::b": 0.001, "t::other": 0.0})
    base.property_based = {"t::b"}
    assert covering_tests(spec(1, line=3), PATH, base) == ["t::narrow", "t::wide", "t::b", "t::other"]


def test_tests_are_recorded_in_source_order_whatever_order_the_session_ran_them_in(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(
        test_b="def test_z(): pass\ndef test_a(): pass\n",
        test_a="import pytest\n@pytest.mark.parametrize('x', [3, 1, 2])\ndef test_p(x): pass\n",
    )
    items = pytester.getitems(pytester.path)
    ordered = [item.nodeid for item in sorted(reversed(items), key=source_order)]
    assert ordered == [
        "test_a.py::test_p[3]",
        "test_a.py::test_p[1]",
        "test_a.py::test_p[2]",
        "test_b.py::test_z",
        "test_b.py::test_a",
    ]


def test_property_checks_list_a_function_s_tests_cheapest_first_and_its_siblings() -> None:
    base = baseline({3: {"t::a", "t::wide"}, 4: {"t::wide"}, 8: {"t::b"}})
    result = planned([spec(1, line=3), spec(2, "sub", line=8, first=7, last=9)], base)
    result.functions[0].covered_by = ["t::wide", "t::a"]
    checks = plan.property_checks(result.functions, base.cheapest_first)
    assert checks[0] == PropertyCheck("calc", "add", ("t::a", "t::wide"), ("add", "sub"))
    assert [c.function for c in checks] == ["add", "sub"]


def test_the_worker_plan_carries_the_settings_and_the_config() -> None:
    settings = Settings(
        Path("/project"),
        workers=3,
        memory_limit=100,
        properties={"skip": ["calc.*"], "round_trips": [["a", "b"]]},
    )
    module = MutatedModule("calc", str(PATH), (spec(1),))
    worker_plan = plan.worker_plan(
        settings,
        args=["-q"],
        sys_path=["/project/src"],
        seed=7,
        root=Path("/project"),
        mutated=[(TARGET, module)],
        sources={PATH: "text"},
        baseline=baseline({3: {"t::a"}}),
        probes={},
        jobs=[],
        checks=[],
        pytest_cache=False,
    )
    assert worker_plan.args[:1] == ("-q",) and "--tb=native" in worker_plan.args
    # with pytest's cache plugin off, no pytest it starts is given ``cache_dir``
    assert cache_of_its_own(worker_plan.pytest_cache, Path("/scratch")) == []
    assert cache_of_its_own(True, Path("/scratch")) == ["-o", "cache_dir=/scratch"]
    assert worker_plan.memory_limit == 100 << 20 and worker_plan.workers == 3
    # unless it is given, the memory limit follows what the tests grew their process by
    automatic = dataclasses.replace(settings, memory_limit=None)
    assert plan.memory_limit(automatic, Baseline(memory_growth=300 << 20)) == 1200
    assert plan.memory_limit(automatic, Baseline(memory_growth=10 << 20)) == AUTO_MEMORY_FLOOR
    assert parse_memory_limit("auto", "--escape-memory-limit") is None
    assert (
        plan.memory_limit(dataclasses.replace(settings, memory_limit=0), Baseline(memory_growth=1 << 30)) == 0
    )
    assert worker_plan.witness.seed == worker_plan.properties.seed == 7
    assert worker_plan.properties.config == PropertyConfig(skip=("calc.*",), round_trips=(("a", "b"),))
    assert worker_plan.modules["calc"].source == "text"  # the worker loads it, and compiles the mutants in it


# -- assemble --------------------------------------------------------------------


def skeleton_of(result: plan.MutantPlan, tests: list[str]) -> Results:
    return Results(
        project_root="/project",
        tool_version="0",
        mutmut_version="0",
        files=[FileInfo("src/calc.py", "calc", "def add(a, b):\n    return a + b\n")],
        mutants=result.mutants,
        functions=result.functions,
        tests=[model.TestInfo(t, "tests/test_calc.py", 0.1) for t in tests],
    )


def test_assemble_applies_verdicts_witnesses_and_the_oracle_without_touching_the_skeleton() -> None:
    extreme, regular = spec(0, line=3, operator=EXTREME), spec(1, line=3)
    skeleton = skeleton_of(planned([extreme, regular], baseline({3: {"t::a"}})), ["t::a"])
    before = json.dumps(dataclasses.asdict(skeleton), sort_keys=True)
    outcomes = {
        extreme.id: Verdict(
            extreme.id, KILLED, kills=(KillRecord("t::a", "boom", "AssertionError", 3),), killed_by="t::a"
        ),
        regular.id: Verdict(regular.id, SURVIVED, tests_run=1, passed=("t::a",)),
    }
    witness = Witness(WITNESSED, input="add(a=1, b=1)")
    results = assemble(skeleton, outcomes, {regular.id: witness}, [], RunFacts(executed=2), {})
    (mutant,) = results.mutants
    assert mutant.status == SURVIVED and mutant.witness == witness and mutant.passed_by == ["t::a"]
    (function,) = results.functions
    assert function.extreme is not None and function.extreme.status == KILLED
    assert function.label == PARTIALLY_TESTED  # the extreme mutant was killed, a regular one survived
    assert results.executed == 2
    assert json.dumps(dataclasses.asdict(skeleton), sort_keys=True) == before


def test_a_function_whose_extreme_mutant_survives_is_pseudo_tested() -> None:
    extreme = spec(0, line=3, operator=EXTREME)
    skeleton = skeleton_of(planned([extreme], baseline({3: {"t::a"}})), ["t::a"])
    outcomes = {extreme.id: Verdict(extreme.id, SURVIVED, tests_run=1, passed=("t::a",))}
    results = assemble(skeleton, outcomes, {}, [], RunFacts(), {})
    assert results.functions[0].label == PSEUDO_TESTED


def test_property_findings_land_in_their_function_s_file_in_report_order() -> None:
    result = planned([spec(1, line=3)], baseline({3: {"t::a"}}))
    found = [
        PropertyResult("calc", "add", PropertyKind.DETERMINISM, PropertyOutcome.HELD),
        PropertyResult("calc", "add", PropertyKind.CRASH, PropertyOutcome.VIOLATED),
    ]
    placed = place_properties(found, result.functions)
    assert [p.property for p in placed] == [PropertyKind.CRASH, PropertyKind.DETERMINISM]
    assert placed[0].file == "src/calc.py" and placed[0].line == 2


def test_a_verdict_keeps_every_kill_with_where_it_failed() -> None:
    blank = planned([spec(1, line=3)], baseline({3: {"t::a"}})).mutants[0]
    verdict = Verdict(
        blank.id, KILLED, 0.5, 1, (KillRecord("t::a", "x", "TypeError", None),), (), "t::a", "x"
    )
    mutant = with_verdict(blank, verdict)
    assert (mutant.status, mutant.killed_by, mutant.status_reason, mutant.duration) == (
        KILLED,
        "t::a",
        "x",
        0.5,
    )
    assert [(k.test, k.exception, k.line) for k in mutant.kills] == [("t::a", "TypeError", None)]
    assert blank.status == NO_COVERAGE


# -- deliver and the gate ----------------------------------------------------------


def scored(status: MutantStatus, **fields: object) -> Results:
    blank = planned([spec(1, line=3)], baseline({3: {"t::a"}})).mutants[0]
    skeleton = dataclasses.replace(skeleton_of(planned([], baseline({})), []), **fields)  # type: ignore[arg-type]
    return dataclasses.replace(skeleton, mutants=[dataclasses.replace(blank, status=status)])


def test_the_last_lines_give_the_verdict_its_exit_code_and_where_the_gate_was_set() -> None:
    failing = scored(SURVIVED, fail_under=60.0, gate_sources={"fail_under": "pyproject.toml [x] fail_under"})
    verdict = decide(failing)
    assert verdict.message == (
        "escape: mutation score 0.0% is below 60%, the score the gate asks for "
        "(pyproject.toml [x] fail_under)"
    )
    assert closing_lines(failing, [verdict.message], int(verdict.exit), None) == [
        (verdict.message, "red"),
        ("escape: exit 10: a mutation score is below its threshold", "red"),
    ]
    passing = scored(KILLED, fail_under=60.0)
    assert closing_lines(passing, [], 0, None) == [
        (
            "escape: passed: mutation score 100.0%; the gate holds it to score 60% (--escape-fail-under)",
            "green",
        )
    ]
    # no gate: the score, and how to make it one, not a "passed"
    (line, colour), *rest = closing_lines(scored(KILLED), [], 0, None)
    assert not rest and colour is None
    assert line.startswith("escape: mutation score 100.0%; no gate is set (--escape-fail-under")
    # pytest's own failure: its code, and nothing about a score
    assert closing_lines(None, ["escape analysis needs a passing test suite"], 1, None)[-1] == (
        "escape: exit 1: the test suite failed, so nothing was scored",
        "red",
    )
    assert closing_lines(None, [], 0, None) == []
    # a shard: nothing to judge, said as such, with no advice to set a gate
    ((shard_line, _),) = closing_lines(scored(KILLED, shard=Shard(1, 2, "p")), [], 0, None)
    assert shard_line.startswith("escape: mutation score 100.0%; shard 1/2 is part of a run")
    assert "makes this a CI gate" not in shard_line
    # against a baseline: the change since it
    ratchet = Ratchet(scored(SURVIVED), Path("base.json"))
    assert closing_lines(scored(KILLED), [], 0, ratchet) == [
        ("escape: passed: mutation score 100.0% (+100.0 points since the baseline 0.0%)", "green")
    ]


def test_a_shard_is_not_gated_and_says_how_to_gate_the_whole_run() -> None:
    verdict = decide(scored(SURVIVED, fail_under=90.0, shard=Shard(1, 2, "p")))
    assert verdict.exit == EscapeExit.OK and verdict.note
    assert verdict.message is not None and "pytest-escape merge" in verdict.message


def test_since_with_nothing_to_mutate_has_nothing_to_judge() -> None:
    results = dataclasses.replace(scored(SURVIVED), mutants=[], since="main")
    verdict = decide(results)
    assert (verdict.exit, verdict.note) == (EscapeExit.OK, True)
    assert verdict.message == "escape: no code to mutate on the lines changed since main: nothing to judge"


def test_all_tests_skipped_is_named_instead_of_asking_for_tests() -> None:
    results = scored(NO_COVERAGE)
    assert "add tests" in (decide(results).message or "")
    verdict = decide(results, skipped_tests=3)
    assert verdict.exit == EscapeExit.NO_MUTANTS_MEASURED
    assert verdict.message is not None and "all 3 tests were skipped" in verdict.message


def test_the_command_line_gate_words_the_verdict_as_the_run_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = scored(SURVIVED, fail_under=90.0)
    write_json(results, tmp_path / "r.json")
    settings = Settings(tmp_path, reports=(ReportRequest("json", tmp_path / "again.json"),))
    delivered = deliver(results, settings, None)
    assert delivered.exit == EscapeExit.SCORE_BELOW_THRESHOLD and (tmp_path / "again.json").exists()
    assert (
        cli_main(["report", str(tmp_path / "r.json"), "--gate", "--format", "json:" + str(tmp_path / "x")])
        == 10
    )
    said = capsys.readouterr().err.strip().splitlines()
    # the same reason, then the exit code with its meaning, as the run's last lines
    assert said[-2:] == [delivered.messages[-1], "escape: exit 10: a mutation score is below its threshold"]


def test_the_command_line_does_not_gate_a_shard_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(scored(SURVIVED, fail_under=90.0, shard=Shard(2, 3, "p")), tmp_path / "shard.json")
    assert cli_main(["report", str(tmp_path / "shard.json"), "--gate", "--format", "json:/dev/null"]) == 0
    assert "shard 2/3 is part of a run, so it is not gated" in capsys.readouterr().err


def test_a_report_that_cannot_be_written_fails_the_run_and_keeps_the_others(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    settings = Settings(
        tmp_path,
        reports=(ReportRequest("json", blocked / "r.json"), ReportRequest("json", tmp_path / "ok.json")),
    )
    delivered = deliver(scored(KILLED), settings, None, cached=True)
    assert delivered.exit == EscapeExit.USAGE_ERROR
    assert (tmp_path / "ok.json").exists()
    assert delivered.messages[0].startswith(f"escape: cannot write {blocked / 'r.json'}")
    assert "the cached verdicts make the rerun quick" in delivered.messages[-1]


# -- what the terminal shows ---------------------------------------------------------


def test_the_starting_line_counts_fresh_mutants_extremes_and_resumed_verdicts() -> None:
    job = MutantJob("m1", ("t",), "calc", "add", 1, False, "", False, False)
    jobs = [
        job,
        dataclasses.replace(job, id="m0", extreme=True, all=True),
        dataclasses.replace(job, id="m2", known=Verdict("m2", KILLED)),
    ]
    assert starting_line(jobs, 2, matrix=True) == (
        "escape: running 1 mutant and 1 extreme mutant (one or two per function, counted apart: not in "
        "the score) against their covering tests (2 workers, full kill matrix); 1 verdict resumed from "
        "the cache"
    )


def test_an_interrupted_run_shows_partial_scores_per_module() -> None:
    blanks = planned([spec(1, line=3), spec(2, line=3), spec(3, line=3)], baseline({3: {"t::a"}})).mutants
    landed = {blanks[0].id: Verdict(blanks[0].id, KILLED)}
    mutants = [with_verdict(m, landed.get(m.id)) for m in blanks]
    lines = partial_lines(mutants, {m.id for m in blanks}, landed, cached=True)
    assert lines[0].startswith("escape: interrupted during the mutation phase: 1 of 3 mutants finished")
    assert lines[0].endswith("the finished mutants are cached for the next run")
    assert (
        lines[1]
        == "escape:   calc: 1 killed, 0 survived, 0 timeout, 0 error; partial score 100.0% (2 not run)"
    )


def test_the_header_names_the_search_seed_and_the_gate() -> None:
    settings = Settings(Path("/p"), workers=2, witness_budget=0, baseline=Path("b.json"), shard=(1, 3))
    line = header(settings, seed=5, mutating="src/calc.py", cache_state="no cache", since_base=None)
    assert line.startswith("escape: mutating src/calc.py; 2 workers, timeout 10x + 2 s, memory limit auto;")
    assert "no witness search" in line and "--escape-seed" not in line
    automatic = header(Settings(Path("/p")), seed=5, mutating="calc.py", cache_state="", since_base=None)
    assert "witness search auto, 60-600 s, 200 examples, --escape-seed 5" in automatic
    assert line.endswith("no cache; no gate; shard 1/3; ratchet against b.json (tolerance 0)")
    gated = dataclasses.replace(
        settings, fail_under=60.0, fail_on=("pseudo-tested",), origins={"fail_under": "pyproject.toml x"}
    )
    line = header(gated, seed=5, mutating="src/calc.py", cache_state="no cache", since_base=None)
    assert "; gate: score 60% (pyproject.toml x); no pseudo-tested (--escape-fail-on);" in line


def test_the_wall_clock_timeouts_held_is_their_seconds_shared_among_the_workers() -> None:
    verdicts = {
        "a": Verdict("a", MutantStatus.TIMEOUT, 3.0),
        "b": Verdict("b", MutantStatus.TIMEOUT, 5.0),
        "c": Verdict("c", MutantStatus.KILLED, 7.0),
        "d": Verdict("d", MutantStatus.TIMEOUT, 11.0),
    }
    job = MutantJob("a", ("t",), "calc", "add", 1, False, "", False, False)
    jobs = [job, dataclasses.replace(job, id="b"), dataclasses.replace(job, id="c")]
    assert held_by_timeouts(jobs, verdicts, 2) == 4.0
    # a timeout an earlier run left (resumed from the cache) took none of this run's time
    resumed = dataclasses.replace(job, id="d", known=verdicts["d"])
    assert held_by_timeouts([*jobs, resumed], verdicts, 2) == 4.0
    assert held_by_timeouts(jobs[2:], verdicts, 2) == 0.0


def test_each_test_s_limit_counts_the_calls_up_to_it_and_a_one_time_fixture_from_the_start() -> None:
    """A fixture's setup moves to whichever test needs it first: a one-time
    cost is in the first test's limit; the calls' seconds add up test by
    test, and the last limit is the whole run's."""
    limits = Limits(
        factor=10.0,
        constant=0.5,
        durations={"quick": 0.01, "fixture": 1.02, "slow": 2.0},
        fixtures={"quick": 0.0, "fixture": 1.0},
    )
    steps = limits.steps(["quick", "fixture", "slow"])
    assert [s.name for s in steps] == ["quick", "fixture", "slow"]
    assert [round(s.limit, 6) for s in steps] == [10.6, 10.8, 30.8]
    assert steps[-1].limit == pytest.approx(limits.total(["quick", "fixture", "slow"]))
    # the CPU limits: the same seconds, with a quarter of a second in place of the constant
    assert [round(s.cpu or 0, 6) for s in steps] == [10.35, 10.55, 30.55]
    # each test's own limit, from when it began: its seconds and the one-time cost, which may move to it
    assert [round(s.own or 0, 6) for s in steps] == [10.6, 10.7, 30.5]
    # a mutant run again after its tests took longer without it than its limit
    again = limits.steps(["quick", "slow"], slack=3.0)
    assert [(round(s.limit, 6), round(s.cpu or 0, 6)) for s in again] == [(3.6, 3.35), (23.6, 23.35)]
    assert [round(s.own or 0, 6) for s in again] == [3.6, 23.5]
    assert len(limits.steps([])) == 0


def test_a_job_s_steps_are_held_as_columns_not_as_a_step_each() -> None:
    """The worker makes every mutant's job, with a step per covering test,
    before it runs the first: 1.07 million ``Step`` objects (215 MiB) on
    wcwidth.  As columns, they read back the same and take 32 bytes each."""
    tests = [f"t.py::test_{i}" for i in range(20_000)]
    limits = Limits(factor=10.0, constant=2.0, durations=dict.fromkeys(tests, 0.001), fixtures={})
    tracemalloc.start()
    try:
        steps = limits.steps(tests)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000 * 64, peak  # a Step object each was over 150 bytes
    assert steps[0] == Step("t.py::test_0", 2.01, cpu=0.01 + CPU_CONSTANT, own=2.01)
    assert steps[-1].limit == pytest.approx(limits.total(tests)) and steps[-1].name == tests[-1]
    assert [s.name for s in steps[1:3]] == tests[1:3]
    assert Steps(["a"], [1.0], [math.nan], [math.nan])[0] == Step("a", 1.0)  # NaN: no such limit


def test_the_fixture_seconds_every_test_pays_again_count_with_their_own_test() -> None:
    """Setups every test pays (function-scoped fixtures, pytest's own work)
    do not move: a mutant looping in the first of 1,000 such tests is stopped
    near that test's limit, not at ten times all their setups (marko: 11.6 s
    of CPU where its tests took a millisecond).  What stands out from the
    typical setup (a module's fixture, in the baseline paid by this test) is
    still counted from the first test."""
    tests = [f"t{i}" for i in range(1000)]
    durations = dict.fromkeys(tests, 0.003)
    fixtures = {t: 0.001 + (0.0002 if i % 3 else 0.0) for i, t in enumerate(tests)}
    durations["t500"], fixtures["t500"] = 0.503, 0.501  # a module fixture set up here
    limits = Limits(factor=10.0, constant=2.0, durations=durations, fixtures=fixtures)
    # past the typical setup (the lower median, 1.2 ms)
    assert one_time(fixtures) == {"t500": pytest.approx(0.501 - 0.0012)}
    steps = limits.steps(tests)
    # the first test: the module fixture's 0.5 s and its own 3 ms, ten times over
    assert steps[0].limit == pytest.approx(10 * (0.4998 + 0.003) + 2.0)
    assert steps[0].cpu == pytest.approx(10 * (0.4998 + 0.003) + CPU_CONSTANT)
    assert steps[-1].limit == pytest.approx(limits.total(tests))
    # all tests alike: nothing stands out, nothing moves
    assert one_time(dict.fromkeys(tests, 0.001)) == {}
    assert one_time({}) == {}


def test_the_slow_tests_are_timed_by_their_seconds_times_their_mutants_dealt_to_the_workers() -> None:
    """A test's plain figure is worth its seconds times the mutants whose
    limits count it; tests under a quarter of a second are left to the constant."""
    durations = {"primes": 60.0, "approx": 4.8, "threads": 15.0, "quick": 0.01, "mid": 0.3}
    uses = {"primes": 71, "approx": 88, "threads": 1, "quick": 500, "mid": 10}
    timing = plan_timing(durations, uses, workers=2)
    assert timing is not None
    # by seconds x mutants: primes 4260, approx 422, threads 15, mid 3; each to the lighter child
    assert timing.groups == (("primes",), ("approx", "threads", "mid"))
    assert timing.budget == pytest.approx(TIMING_SHARE * sum(durations.values()) / 2)
    # a test no fresh mutant runs is not timed, however slow
    assert plan_timing(durations, {"quick": 3}, workers=2) is None
    one = plan_timing(durations, {"approx": 1, "quick": 9}, workers=2)
    assert one is not None and one.groups == (("approx",),)


def test_plain_seconds_only_lower_a_limit_and_the_fixtures_keep_their_share() -> None:
    limits = Limits(
        factor=10.0,
        constant=2.0,
        durations={"slow": 6.0, "quick": 0.01, "sleepy": 1.0},
        fixtures={"slow": 2.0},
    )
    plain = limits.calibrated({"slow": 1.5, "sleepy": 1.2, "unknown": 0.1, "quick": -1.0})
    assert plain.durations == {"slow": 1.5, "quick": 0.01, "sleepy": 1.0}
    assert plain.fixtures == {"slow": 0.5}
    assert plain.total(["slow"]) == pytest.approx(17.0)
    assert limits.total(["slow"]) == pytest.approx(62.0)  # the baseline's limits are left as they were
    assert limits.calibrated({}) == limits


def test_a_timeout_names_the_test_still_running_and_the_limit_it_met() -> None:
    within = Outcome(TIMED_OUT, limit=2.345, step=Step("t.py::test_a", 2.345))
    assert timed_out(within) == (
        "no verdict after 2.3 s: still in t.py::test_a, past the limit for the tests up to it"
    )
    assert timed_out(Outcome(TIMED_OUT, limit=12.0)) == "no verdict after 12.0 s"
    assert timed_out(Outcome(TIMED_OUT, limit=0.26, by_cpu=True)) == "no verdict after 0.3 s of CPU"


def test_the_eta_is_the_mutants_left_at_the_mean_child_seconds_so_far_over_the_workers() -> None:
    """Not the average rate: the killers' self-checks come with the first
    kills, and would make the first lines' ETA several times the truth."""
    now = [0.0]
    lines: list[str] = []
    progress = Progress(
        10, live=False, write=lines.append, every=0.0, workers=2, clock=lambda: now[0], extremes=2
    )
    assert progress.eta() == 0.0  # nothing done: nothing to go by
    now[0] = 4.0  # 4 s spent, of which the two mutants' children held 1 s and 3 s
    progress.update("killed", 1.0)
    progress.update("survived", 3.0)
    assert progress.eta() == 8 * 2.0 / 2
    assert lines[-1] == "escape: 2/8 mutants, 1 killed, 1 survived; 0/2 extreme; 0.5/s, ETA 8 s"
    now[0] = 5.0
    progress.update("killed", 1.0, extreme=True)
    # an extreme mutant's kill counts apart: killed and survived stay the table's counts
    assert lines[-1].startswith("escape: 2/8 mutants, 1 killed, 1 survived; 1/2 extreme;")


def test_every_stretch_of_the_run_holds_its_share_of_the_costly_mutants() -> None:
    """The mutants done so far must be a sample of the whole at every moment,
    for the ETA: two functions under a slow test hold 16 of 76 mutants, and
    each tenth of the run holds a tenth of them, give or take half a chunk.
    A function's mutants run in chunks of up to ``CHUNK``, in the plan's
    order (they share their tests' warm pages)."""
    light = [("calc", f"f{i}", 3, "fast") for i in range(20)]
    heavy = [("geo", f"g{i}", 8, "slow") for i in range(2)]
    entries = [
        MutantJob(f"{module}.{name}__{k:02}", (test,), module, name, 1, False, "", False, False)
        for module, name, count, test in light + heavy
        for k in range(count)
    ]
    durations = {"fast": 0.001, "slow": 2.0}
    order = run_order(entries, durations)
    assert sorted(e.id for e in order) == sorted(e.id for e in entries)
    runs = [list(group) for _, group in itertools.groupby(order, key=lambda e: e.function)]
    assert all(len(run) <= CHUNK for run in runs)
    assert all([e.id for e in run] == sorted(e.id for e in run) for run in runs)
    slow = [e.tests == ("slow",) for e in order]
    for tenth in range(1, 10):
        end = len(order) * tenth // 10
        assert abs(sum(slow[:end]) - 16 * tenth / 10) <= CHUNK / 2
    assert [e.id for e in run_order(entries, durations)] == [e.id for e in order]  # seeded


def test_a_failing_baseline_names_its_tests_and_says_coverage_measured_them() -> None:
    one = failing_baseline(["t.py::test_a"])
    assert one.startswith("escape analysis needs a passing test suite: 1 failed (t.py::test_a) while")
    assert "--deselect ID" in one and one.endswith("(nothing was scored)")
    five = failing_baseline([f"t.py::test_{n}" for n in "abcde"])
    assert "5 failed (t.py::test_a, t.py::test_b, t.py::test_c and 2 more)" in five
    assert "test_d" not in five


def test_a_process_runs_python_when_it_is_a_python_or_a_script_whose_first_line_names_one(
    tmp_path: Path,
) -> None:
    script, tool = tmp_path / "console-script", tmp_path / "compiled-tool"
    script.write_text("#!/usr/bin/env python3\nimport sys\n")
    tool.write_bytes(b"\x7fELF\x02\x01\x01 python appears only later\n")
    assert python_command(None, [sys.executable, "-m", "pkg", "run", "x"]) == f"{sys.executable} -m pkg ..."
    assert python_command(None, ["python3", "-c", "pass"]) == "python3 -c pass"
    assert python_command(None, [str(script), "get"]) is not None
    assert python_command(None, [str(tool)]) is None
    assert python_command(None, ["git", "status"]) is None
    assert python_command("/bin/sh", ["/bin/sh", "-c", "python -c pass"]) is None  # a shell's line: not read


def test_the_blind_tests_warning_leaves_the_coverage_only_ones_to_their_own() -> None:
    base = baseline({3: {"t::b", "t::a", "t::c"}})
    assert blind_tests(base) is None
    base.blind = {
        "t::c": "calls sys.settrace",
        "t::a": "calls sys.setprofile",
        "t::b": "failed under coverage",
    }
    base.coverage_only = ["t::b"]
    warning = blind_tests(base)
    assert warning is not None and warning.startswith(
        "2 tests change the trace or profile function (t::a, t::c)"
    )
    assert coverage_only(["t::b"]).startswith(
        "1 test failed under coverage and passed when run again without it"
    )


def test_a_failing_baseline_run_again_says_which_failed_only_under_coverage() -> None:
    rechecked = Recheck(("t.py::test_mem",), {"t.py::test_a": "assert 1 == 2"})
    line = failing_baseline(["t.py::test_a", "t.py::test_mem"], rechecked)
    assert line == (
        "escape analysis needs a passing test suite: 1 failed (t.py::test_a), also when run again "
        "without coverage (the first: assert 1 == 2); 1 more failed only under coverage (t.py::test_mem); "
        "fix them, then run again (nothing was scored)"
    )


def test_a_recheck_counts_a_test_its_process_never_reported_on_as_failing() -> None:
    tests = ["t.py::test_a", "t.py::test_b", "t.py::test_c"]
    outcomes: dict[str, str | None] = {"t.py::test_b": None, "t.py::test_a": None, "t.py::test_c": "boom"}
    assert of_outcomes(tests, outcomes, "gone") == Recheck(
        ("t.py::test_a", "t.py::test_b"), {"t.py::test_c": "boom"}
    )
    # a test its process gave no outcome for is not known to fail, nor to pass
    assert of_outcomes(tests, {"t.py::test_b": None}, "gone") == Recheck(("t.py::test_b",), {}, "gone")
    line = failing_baseline(tests, Recheck(("t.py::test_b",), {}, "its pytest process gave no outcome"))
    assert line.startswith(
        "escape analysis needs a passing test suite: 3 failed (t.py::test_a, t.py::test_b, t.py::test_c) "
        "while coverage measured them (run again without coverage: its pytest process gave no outcome); "
    )
