"""What one forked child costs: fork a collected pytest session and run one test.

    cd PROJECT && python /path/to/benchmarks/fork_cost.py [pytest args...]

Collects the project's tests once (like pytest-escape's worker), then for the
first 200 tests measures: a fork that runs nothing, a fork that runs the test,
the same with two children at a time, and the test run in-process.  Prints
wall and CPU (user, system) per child and minor page faults per child.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time

import pytest
from _pytest.runner import runtestprotocol


def measure(label: str, items: list[pytest.Item], parallel: int, run: bool) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    running: list[int] = []
    for item in items:
        if len(running) >= parallel:
            os.waitpid(running.pop(0), 0)
        pid = os.fork()
        if pid == 0:
            gc.disable()
            if run:
                runtestprotocol(item, nextitem=None, log=False)
            os._exit(0)
        running.append(pid)
    for pid in running:
        os.waitpid(pid, 0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    n = len(items)
    print(
        f"{label:<28} wall {(time.perf_counter() - started) / n * 1000:6.2f} ms/child"
        f"  user {(after.ru_utime - before.ru_utime) / n * 1000:5.2f} ms"
        f"  sys {(after.ru_stime - before.ru_stime) / n * 1000:5.2f} ms"
        f"  minor faults {(after.ru_minflt - before.ru_minflt) / n:6.0f}",
        file=sys.stderr,
    )


class ForkCost:
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        items = session.items[:200]
        gc.collect()
        gc.freeze()
        measure("fork, run nothing", items, 1, run=False)
        measure("fork + one test", items, 1, run=True)
        measure("fork + one test, 2 at once", items, 2, run=True)
        started = time.perf_counter()
        for item in items:
            runtestprotocol(item, nextitem=None, log=False)
        print(
            f"{'in-process':<28} wall {(time.perf_counter() - started) / len(items) * 1000:6.2f} ms/test",
            file=sys.stderr,
        )
        return True


if __name__ == "__main__":
    sys.exit(
        pytest.main(["-q", "-p", "no:cacheprovider", "--tb=native", *sys.argv[1:]], plugins=[ForkCost()])
    )
