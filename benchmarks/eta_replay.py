"""How true the progress line's ETA is under a run order, replayed offline.

    python benchmarks/eta_replay.py REPORT.json [REPORT.json ...] [--workers 2] [--seeds 6]

Each JSON report (``--escape-report json:...``) holds every mutant's child
seconds (``duration``), its covering tests and their baseline seconds.  The
replay hands the mutants, in a run order, to ``--workers`` workers (each
takes the next mutant when its child ends), feeds each verdict to the
progress line's own estimator (``report.progress.Progress``), and at 10,
20, 30, 50, 70 and 90 % done compares its ETA with the seconds the replay
really had left: (ETA - truth) / truth.

Two orders, each under ``--seeds`` seeds:

- **functions**: whole functions in a seeded shuffle (the order before
  issue 21's seventh part);
- **classes**: ``execution.schedule.run_order``, what the worker runs now.

What the replay leaves out: the worker's own time between children (it
counts child seconds only), extreme mutants (the report does not list them
with the mutants), and any effect of the order on the children's seconds
(measured apart, alternating runs: docs/benchmarks.md).  It measures how
well the mutants done so far stand for those left, which is what the order
decides; ``eta_accuracy.py`` measures a real run's printed lines.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from pytest_escape.execution.protocol import MutantJob
from pytest_escape.execution.schedule import run_order
from pytest_escape.model import with_test_names
from pytest_escape.report.progress import Progress

MARKS = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)


def load(path: Path) -> tuple[list[MutantJob], dict[str, float], dict[str, float]]:
    """The report's mutants that ran a child, their child seconds, and the tests' seconds."""
    escape = with_test_names(json.loads(path.read_text(encoding="utf-8"))["x-escape"])
    durations = {test["id"]: test.get("duration") or 0.0 for test in escape["tests"]}
    jobs, seconds = [], {}
    for mutant in escape["mutants"]:
        if not mutant.get("duration"):
            continue  # cached, or no child ran
        tests = tuple(mutant.get("covered_by") or ())
        jobs.append(
            MutantJob(mutant["id"], tests, mutant["module"], mutant["function"], 0, False, "", False, False)
        )
        seconds[mutant["id"]] = mutant["duration"]
    return jobs, seconds, durations


def by_functions(jobs: Sequence[MutantJob], seed: int) -> list[MutantJob]:
    functions: dict[tuple[str, str], list[MutantJob]] = {}
    for job in jobs:
        functions.setdefault((job.module, job.function), []).append(job)
    blocks = list(functions.values())
    random.Random(seed).shuffle(blocks)
    return [job for block in blocks for job in block]


def replay(order: Sequence[MutantJob], seconds: dict[str, float], workers: int) -> dict[float, float]:
    """The ETA's relative error at each mark of ``MARKS``."""
    free = [0.0] * workers
    ends = []
    for job in order:
        start = heapq.heappop(free)
        end = start + seconds[job.id]
        heapq.heappush(free, end)
        ends.append((end, job.id))
    ends.sort()
    finish = ends[-1][0]
    now = [0.0]
    progress = Progress(len(order), False, lambda _: None, workers=workers, clock=lambda: now[0])
    errors: dict[float, float] = {}
    marks = list(MARKS)
    for count, (end, mutant) in enumerate(ends, 1):
        now[0] = end
        progress.update("killed", seconds[mutant])
        while marks and count / len(order) >= marks[0]:
            truth = finish - end
            errors[marks.pop(0)] = (progress.eta() - truth) / truth if truth > 0 else 0.0
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=6)
    args = parser.parse_args()
    orders: dict[str, Callable[[Sequence[MutantJob], dict[str, float], int], list[MutantJob]]] = {
        "functions": lambda jobs, _durations, seed: by_functions(jobs, seed),
        "classes": lambda jobs, durations, seed: run_order(jobs, durations, seed),
    }
    within: dict[str, list[float]] = {name: [] for name in orders}
    print("report                     order       within 30 % (10-70 % done)", end="   ")
    print("worst error at 10 / 20 / 30 / 50 / 70 %")
    for path in args.reports:
        jobs, seconds, durations = load(path)
        for name, order in orders.items():
            runs = [
                replay(order(jobs, durations, seed), seconds, args.workers)
                for seed in range(1, args.seeds + 1)
            ]
            errors = [abs(run[mark]) for run in runs for mark in MARKS if mark <= 0.7]
            within[name] += errors
            share = sum(e <= 0.3 for e in errors) / len(errors)
            worst = " / ".join(f"{max(abs(run[mark]) for run in runs):.0%}" for mark in MARKS if mark <= 0.7)
            print(f"{path.name[:26]:26} {name:10} {share:10.0%}                    {worst}")
    for name, errors in within.items():
        share = sum(e <= 0.3 for e in errors) / len(errors)
        print(f"all: {name}: {share:.0%} within 30 %, median error {statistics.median(errors):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
