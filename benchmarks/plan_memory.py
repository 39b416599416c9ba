"""What the worker's plan costs in memory, written in full and with a table of strings.

    python benchmarks/plan_memory.py [--mutants 1759] [--tests 1943] [--covering 610]

Builds a plan of the shape that peaked on wcwidth (issue 21: 1,759 mutants,
each covered by 610 of 1,943 tests, named by ids of about 60 characters),
then, for each way of writing it, in a fresh interpreter:

- ``write``: ``to_json`` and ``json.dumps`` in the main process (its peak);
- ``read``: ``json.load`` and decode in the worker (its peak, and what it
  still holds once the parsed JSON is dropped).

``full`` is the plan as it was written before (every string in place);
``table`` is ``protocol.encode_plan``.  Peaks are ``ru_maxrss`` of each
fresh process, less that process's own footprint before the work.  Both
ways are measured in one run, so the ratio holds on any machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import gc, json, resource, sys, time
from pytest_escape.execution import protocol
from pytest_escape.execution.protocol import *
from pytest_escape.mutation.types import FunctionCopies

def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

how, what, path, mutants, tests, covering = sys.argv[1:7]
mutants, tests, covering = int(mutants), int(tests), int(covering)
start = rss_kib()
began = time.perf_counter()
if what == "write":
    ids = tuple(f"tests/test_module_{i % 40}.py::TestClass::test_case_{i}[param-{i}]" for i in range(tests))
    jobs = tuple(
        MutantJob(f"pkg.mod.x_f{m}__mutmut_{m}", tuple(ids[(m * 7 + k * 3) % tests] for k in range(covering)),
                  "pkg.mod", f"f{m}", 10, False, "doc", False, False)
        for m in range(mutants)
    )
    plan = WorkerPlan(("-q",), (), {}, 2, 10.0, 2.0, 0, ids, {t: t for t in ids}, dict.fromkeys(ids, 0.001),
                      dict.fromkeys(ids, 0.0), {}, jobs, WitnessOptions(1.0, 1, 1, 1.0, "hypothesis"),
                      PropertyOptions(1.0, 1, 1, 1.0, "/", PropertyConfig(), ()))
    start = rss_kib()
    began = time.perf_counter()
    text = protocol.encode_plan(plan)[0] if how == "table" else json.dumps(protocol.to_json(plan))
    with open(path, "w") as f:
        f.write(text)
    held = None
else:
    with open(path) as f:
        raw = json.load(f)
    plan = protocol.decode_plan(raw) if how == "table" else protocol.decode(WorkerPlan, raw)
    del raw
    gc.collect()
    held = rss_kib() - start
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start
print(json.dumps({"peak_kib": peak, "held_kib": held, "seconds": seconds}))
"""


def measure(how: str, what: str, path: Path, shape: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, how, what, str(path), *shape],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=1759)
    parser.add_argument("--tests", type=int, default=1943)
    parser.add_argument("--covering", type=int, default=610)
    args = parser.parse_args()
    shape = [str(args.mutants), str(args.tests), str(args.covering)]
    print("| plan written | file MiB | write: peak MiB, s | read: peak MiB | held after MiB | read s |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for how in ("full", "table"):
            path = Path(tmp) / f"{how}.json"
            write = measure(how, "write", path, shape)
            size = path.stat().st_size / 2**20
            read = measure(how, "read", path, shape)
            print(
                f"| {how} | {size:.1f} | {write['peak_kib'] / 1024:.0f}, {write['seconds']:.1f} "
                f"| {read['peak_kib'] / 1024:.0f} | {read['held_kib'] / 1024:.0f} | {read['seconds']:.1f} |"
            )


if __name__ == "__main__":
    main()
