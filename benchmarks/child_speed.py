"""How fast tests run in a mutant's child, against a plain run of the same tests.

    python benchmarks/child_speed.py PROJECT_DIR [pytest args...]

Two runs of a scratch copy of the project, one after the other:

1. a plain ``pytest`` (no coverage, no pytest-escape), whose ``--durations``
   give each test's setup + call + teardown seconds;
2. ``pytest --escape`` with the searches off, whose JSON gives each
   mutant's child seconds (fork to verdict) and the tests it ran.

A survivor runs every covering test, so its child seconds against the plain
seconds of the same tests is how much slower a test runs in a child: the
forked process, the switched code object, the verdict's report, and
anything left of instrumentation.  Printed: the median and 90th percentile
of that ratio over the survivors, and the same for survivors whose tests
take at least 50 ms plainly (where a child's fixed cost no longer
dominates).  Issue 21's target: 1.3x at the median, 2x at the 90th
percentile.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from physical_limit import install_recorder

from pytest_escape.model import with_test_names


def plain_durations(project: Path, scratch: Path, args: list[str]) -> dict[str, float]:
    out = scratch / "plain.json"
    env = dict(os.environ, ESCAPE_BENCH_DURATIONS=str(out))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(scratch), env.get("PYTHONPATH", "")) if p)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        *install_recorder(scratch).split(),
        "-q",
    ]
    command += args
    subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=env)
    seconds: dict[str, float] = json.loads(out.read_text(encoding="utf-8"))
    return seconds


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    source, args = Path(sys.argv[1]).resolve(), sys.argv[2:]
    scratch = Path(tempfile.mkdtemp(prefix="child-speed-"))
    project = scratch / source.name
    shutil.copytree(source, project, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__"))
    try:
        plain = plain_durations(project, scratch, args)
        report = scratch / "escape.json"
        command = [sys.executable, "-m", "pytest", "--escape", "-p", "no:cacheprovider", "-q"]
        command += ["--escape-witness-budget", "0", "--escape-property-budget", "0"]
        command += ["--escape-report", f"json:{report}", *args]
        subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        results = with_test_names(json.loads(report.read_text(encoding="utf-8"))["x-escape"])
        mutants = results["mutants"]
        phase = results["timings"].get("mutants", 0.0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ratios, slow = [], []
    unmatched = 0
    for m in mutants:
        if m["status"] != "survived" or not m.get("passed_by"):
            continue
        tests = m["passed_by"]
        if any(t not in plain for t in tests):
            unmatched += 1
            continue
        base = sum(plain[t] for t in tests)
        if base <= 0:
            continue
        ratios.append(m["duration"] / base)
        if base >= 0.05:
            slow.append(m["duration"] / base)
    measured = f"{len(ratios)} survivors measured ({unmatched} not matched)"
    print(f"{source.name}: {len(mutants)} mutants in {phase:.0f} s (the mutants phase), {measured}")
    for name, values in (("all survivors", ratios), ("tests >= 50 ms", slow)):
        if values:
            print(
                f"  {name}: {len(values)}, child / plain median {statistics.median(values):.2f}x, "
                f"90th percentile {quantile(values, 0.9):.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
