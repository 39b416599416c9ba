"""The physical limit of a mutation run: the test time no scheduler can avoid.

    python benchmarks/physical_limit.py REPORT.json [--workers N]
    python benchmarks/physical_limit.py --self-check

REPORT.json is a ``pytest --escape --escape-report json:REPORT.json`` report;
everything is read from its ``x-escape`` key.  The estimate charges each
mutant the baseline duration of the tests that *must* run against it:

- a detected mutant (killed or timeout): its killing test (``killed_by``)
  alone, as if the scheduler had known which test to run first;
- a survivor: every covering test (``covered_by``), which must all pass;
- a mutant with no coverage (or an error): nothing;
- an extreme mutant (``functions[*].extreme``): every covering test, whatever
  its status, since it runs against all of them to give each test a verdict;
  with ``--escape-matrix`` (``x-escape.matrix``) regular mutants do too.

The sum is divided by the number of workers: perfect packing, no fork, no
import, no scheduling.  Test durations are the baseline's (setup + call +
teardown, measured under coverage tracing, so somewhat slower than a plain
run): the limit is if anything generous, and real/limit a conservative ratio.

For comparison it also sums the wall-clock of each mutant's forked child
(``mutants[*].duration``: fork to reap, including every test the child ran
before the killer), divided by the workers.  The mutation phase's real time
minus that is pool overhead (gaps, probes, self-checks); that minus the limit
is per-child overhead and tests run before the killer.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DETECTED = ("killed", "timeout")
SURVIVED = "survived"
EXTREME_OPERATOR = "extreme"


@dataclass
class PhysicalLimit:
    """Seconds of unavoidable test time, serial (one worker) and per worker."""

    workers: int
    #: serial seconds of the regular mutants' and the extreme mutants' necessary tests
    regular_serial: float = 0.0
    extreme_serial: float = 0.0
    #: serial seconds the forked children actually took, fork to reap (``duration``)
    children_serial: float = 0.0
    #: mutants by (kind, status) that were charged
    counted: Counter[str] = field(default_factory=Counter)
    #: detected mutants with no killing test named, charged their cheapest covering test
    detected_without_killer: int = 0
    #: test ids the estimate needed that have no baseline duration (charged 0)
    unknown_tests: set[str] = field(default_factory=set)
    #: "baseline" (measured under coverage) or "plain" (a coverage-free run's)
    durations_from: str = "baseline"
    #: with plain durations: tests the plain run did not time, charged their baseline duration
    baseline_fallbacks: set[str] = field(default_factory=set)

    @property
    def regular(self) -> float:
        return self.regular_serial / self.workers

    @property
    def extreme(self) -> float:
        return self.extreme_serial / self.workers

    @property
    def total(self) -> float:
        return self.regular + self.extreme

    @property
    def children(self) -> float:
        return self.children_serial / self.workers

    def as_dict(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "limit_seconds": round(self.total, 3),
            "limit_regular_seconds": round(self.regular, 3),
            "limit_extreme_seconds": round(self.extreme, 3),
            "children_seconds": round(self.children, 3),
            "counted": dict(self.counted),
            "detected_without_killer": self.detected_without_killer,
            "unknown_tests": len(self.unknown_tests),
            "durations_from": self.durations_from,
            "baseline_fallbacks": len(self.baseline_fallbacks),
        }


def physical_limit(
    model: Mapping[str, Any], workers: int, plain: Mapping[str, float] | None = None
) -> PhysicalLimit:
    """The estimate for one results model (the report's ``x-escape`` value).

    ``plain``: each test's seconds in a coverage-free run of the suite
    (``recording``).  The baseline's durations were measured under
    coverage tracing, which slows pure-Python code 2-5x, so a limit built
    from them flatters whatever is compared with it.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    durations: dict[str, float] = {t["id"]: float(t["duration"]) for t in model["tests"]}
    limit = PhysicalLimit(workers=workers, durations_from="baseline" if plain is None else "plain")

    def duration(test: str) -> float:
        if plain is not None:
            if test in plain:
                return plain[test]
            limit.baseline_fallbacks.add(test)
        if test not in durations:
            limit.unknown_tests.add(test)
        return durations.get(test, 0.0)

    def every_test(mutant: Mapping[str, Any]) -> float:
        return sum(duration(t) for t in mutant.get("covered_by") or ())

    def killer_only(mutant: Mapping[str, Any]) -> float:
        killer = mutant.get("killed_by") or next((k["test"] for k in mutant.get("kills") or ()), None)
        if killer is not None:
            return duration(killer)
        # a timeout (or a child that died) may name no test: the cheapest that could have caught it
        limit.detected_without_killer += 1
        return min((duration(t) for t in mutant.get("covered_by") or ()), default=0.0)

    def cost(mutant: Mapping[str, Any], runs_every_test: bool) -> float:
        status = mutant["status"]
        if status in DETECTED:
            return every_test(mutant) if runs_every_test else killer_only(mutant)
        if status == SURVIVED:
            return every_test(mutant)
        return 0.0  # no coverage, error: no test needs to run

    extremes = [f["extreme"] for f in model["functions"] if f.get("extreme")]
    extreme_ids = {m["id"] for m in extremes}
    regular = [
        m for m in model["mutants"] if m["id"] not in extreme_ids and m.get("operator") != EXTREME_OPERATOR
    ]
    matrix = bool(model.get("matrix"))
    for mutant in regular:
        limit.regular_serial += cost(mutant, runs_every_test=matrix)
        limit.counted[f"regular {mutant['status']}"] += 1
    for mutant in extremes:
        limit.extreme_serial += cost(mutant, runs_every_test=True)
        limit.counted[f"extreme {mutant['status']}"] += 1
    limit.children_serial = sum(float(m.get("duration") or 0.0) for m in itertools.chain(regular, extremes))
    return limit


#: a pytest plugin for a plain run: each test's setup + call + teardown seconds,
#: unrounded (JUnit XML and ``--durations`` round to 1 ms or 10 ms, and most
#: tests take less), written as JSON to ``$ESCAPE_BENCH_DURATIONS``
RECORDER_MODULE = "escape_bench_durations"
RECORDER = """
import json, os
seconds = {}
def pytest_runtest_logreport(report):
    seconds[report.nodeid] = seconds.get(report.nodeid, 0.0) + report.duration
def pytest_sessionfinish(session):
    with open(os.environ["ESCAPE_BENCH_DURATIONS"], "w") as f:
        json.dump(seconds, f)
"""


def install_recorder(directory: Path) -> str:
    """Write the recorder plugin into ``directory``; the pytest option that loads it.

    ``directory`` must be on the run's ``PYTHONPATH`` (``recording``).
    """
    (directory / f"{RECORDER_MODULE}.py").write_text(RECORDER, encoding="utf-8")
    return f"-p {RECORDER_MODULE}"


def recording(command: str, directory: Path, out: Path) -> str:
    """A shell command ``[PYTHONPATH=X] python -m pytest ...`` that also records durations into ``out``.

    The command's own ``PYTHONPATH=`` prefix, if any, keeps its entries, with
    ``directory`` added after them.
    """
    option = install_recorder(directory)
    found = re.match(r"PYTHONPATH=(\S+) (.*)", command)
    if found:
        command = f"PYTHONPATH={found.group(1)}:{directory} {found.group(2)}"
    else:
        command = f"PYTHONPATH={directory}${{PYTHONPATH:+:$PYTHONPATH}} {command}"
    return f"ESCAPE_BENCH_DURATIONS={out} {command} {option}"


def load_model(report: Path) -> dict[str, Any]:
    """The ``x-escape`` results model of a JSON report."""
    model: dict[str, Any] = json.loads(report.read_text())["x-escape"]
    return model


def report_workers(model: Mapping[str, Any]) -> int | None:
    """The worker count the run recorded (``x-escape.options.workers``), if it did."""
    workers = (model.get("options") or {}).get("workers")
    return int(workers) if workers else None


def default_workers() -> int:
    """pytest --escape's default: one worker per CPU."""
    return os.cpu_count() or 1


def self_check() -> None:
    """The estimate on a hand-made model, against the value worked out by hand."""
    model = {
        "matrix": False,
        "tests": [
            {"id": "t::a", "duration": 0.10},
            {"id": "t::b", "duration": 0.20},
            {"id": "t::c", "duration": 0.40},
        ],
        "mutants": [
            # killed by b: 0.20 (a ran first and passed: not the limit's business)
            {
                "id": "m1",
                "status": "killed",
                "killed_by": "t::b",
                "covered_by": ["t::a", "t::b"],
                "duration": 0.5,
            },
            # survived, covered by a, b, c: 0.70
            {"id": "m2", "status": "survived", "covered_by": ["t::a", "t::b", "t::c"], "duration": 0.9},
            # timeout without a killer: cheapest covering test, c: 0.40
            {"id": "m3", "status": "timeout", "killed_by": None, "covered_by": ["t::c"], "duration": 2.0},
            # no coverage: 0
            {"id": "m4", "status": "no coverage", "covered_by": [], "duration": 0.0},
            # killed, named only in kills: a, 0.10
            {"id": "m5", "status": "killed", "kills": [{"test": "t::a"}], "covered_by": ["t::a"]},
        ],
        "functions": [
            # killed extreme: still every covering test, a + c = 0.50
            {
                "extreme": {
                    "id": "x1",
                    "status": "killed",
                    "killed_by": "t::a",
                    "covered_by": ["t::a", "t::c"],
                }
            },
            # survived extreme: b = 0.20
            {"extreme": {"id": "x2", "status": "survived", "covered_by": ["t::b"], "duration": 0.3}},
            {"extreme": None},
        ],
    }
    limit = physical_limit(model, workers=2)
    # regular 0.20 + 0.70 + 0.40 + 0 + 0.10 = 1.40; extreme 0.50 + 0.20 = 0.70; over 2 workers
    expected = {"regular": 0.70, "extreme": 0.35, "total": 1.05, "children": (0.5 + 0.9 + 2.0 + 0.3) / 2}
    got = {
        "regular": limit.regular,
        "extreme": limit.extreme,
        "total": limit.total,
        "children": limit.children,
    }
    for key, value in expected.items():
        assert abs(got[key] - value) < 1e-9, (key, got[key], value)
    assert limit.detected_without_killer == 1 and not limit.unknown_tests
    assert limit.counted == Counter(
        {
            "regular killed": 2,
            "regular survived": 1,
            "regular timeout": 1,
            "regular no coverage": 1,
            "extreme killed": 1,
            "extreme survived": 1,
        }
    )
    # with --escape-matrix a killed mutant runs every covering test: m1 0.30, m5 0.10
    matrix = physical_limit({**model, "matrix": True}, workers=1)
    assert abs(matrix.regular - (0.30 + 0.70 + 0.40 + 0.10)) < 1e-9, matrix.regular
    # plain durations replace the baseline's; a test the plain run did not time keeps its own
    plain = physical_limit(model, workers=1, plain={"t::a": 0.05, "t::b": 0.1})
    # m1 b 0.1, m2 a+b+c 0.55, m3 c 0.40, m5 a 0.05
    assert abs(plain.regular - (0.1 + 0.55 + 0.40 + 0.05)) < 1e-9, plain.regular
    assert plain.baseline_fallbacks == {"t::c"} and plain.durations_from == "plain"
    with tempfile.TemporaryDirectory() as tmp:
        got_command = recording("PYTHONPATH=src python -m pytest -q", Path(tmp), Path("/o.json"))
        expected_command = f"ESCAPE_BENCH_DURATIONS=/o.json PYTHONPATH=src:{tmp} python -m pytest -q"
        assert got_command == f"{expected_command} -p {RECORDER_MODULE}", got_command
    print(f"self-check passed: {got}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("report", type=Path, nargs="?")
    parser.add_argument("--workers", type=int, help="default: the report's, else this machine's CPU count")
    parser.add_argument("--self-check", action="store_true", help="check the estimate on a hand-made model")
    args = parser.parse_args()
    if args.self_check:
        self_check()
        return 0
    if args.report is None:
        parser.error("give a report, or --self-check")
    model = load_model(args.report)
    workers = args.workers or report_workers(model) or default_workers()
    limit = physical_limit(model, workers)
    phase = model.get("timings", {}).get("mutants")
    print(json.dumps({**limit.as_dict(), "mutants_phase_seconds": phase}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
