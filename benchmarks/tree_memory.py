"""Run a command and sample the memory of its whole process tree.

    python benchmarks/tree_memory.py -- COMMAND [ARGS...]

Every ``interval`` seconds (50 ms) the tree is found afresh (every process
whose chain of parent ids, read from ``/proc/*/stat``, leads to the command)
and the PSS of its members is summed; the peak of that sum is the figure.
The median sample is kept too: one runaway mutant (a loop that allocates
until its timeout) can set the peak on its own.

Why PSS (proportional set size, ``/proc/<pid>/smaps_rollup``): both tools
fork children that share most of their pages with the parent copy-on-write.
Summing RSS counts every shared page once per process (20 children of a
200 MiB worker would "use" 4 GiB); PSS charges a page shared by n processes
1/n to each, so the sum over the tree is the physical memory the tree holds.
Where ``smaps_rollup`` is missing (kernels before 4.14, or a process that
vanished between reads) RSS (``VmRSS``) is used, and the result says so.

Limits: a child that lives less than an interval may never be sampled (a
forked child's own pages are few, so little is missed); a process that
re-parents itself to init leaves the tree.  One sample costs about 1-2 ms of
CPU (reading ~100 ``stat`` files), i.e. 2-4 % of one core at 50 ms.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INTERVAL = 0.05
MIB = 1024 * 1024


@dataclass
class TreeRun:
    """A command's wall-clock, exit status and the peak memory of its process tree."""

    wall: float
    returncode: int
    peak_bytes: int = 0
    #: the median sample: the steady state, where the peak may be one runaway mutant
    median_bytes: int = 0
    #: processes in the tree at the peak sample, and the most seen at once
    processes_at_peak: int = 0
    most_processes: int = 0
    samples: int = 0
    #: the processes of the peak sample, largest first: (pid, command line, bytes)
    at_peak: list[tuple[int, str, int]] = field(default_factory=list)
    #: "pss", or "rss" / "pss+rss" when smaps_rollup could not be read for some process
    measure: str = "pss"
    #: stopped at ``run_tree``'s cap, not finished
    capped: bool = False

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / MIB

    @property
    def median_mib(self) -> float:
        return self.median_bytes / MIB

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_seconds": round(self.wall, 2),
            "returncode": self.returncode,
            "capped": self.capped,
            "peak_mib": round(self.peak_mib, 1),
            "median_mib": round(self.median_mib, 1),
            "measure": self.measure,
            "processes_at_peak": self.processes_at_peak,
            "most_processes": self.most_processes,
            "samples": self.samples,
            "at_peak": [
                {"pid": pid, "command": command, "mib": round(size / MIB, 1)}
                for pid, command, size in self.at_peak
            ],
        }


def parents() -> dict[int, int]:
    """pid -> parent pid, for every process visible in /proc."""
    found: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # it exited meanwhile
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rfind(b")") + 2 :].split()
        found[int(entry)] = int(fields[1])
    return found


def tree(root: int, ppids: Mapping[int, int]) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, ppid in ppids.items():
        children.setdefault(ppid, []).append(pid)
    members, todo = [], [root]
    while todo:
        pid = todo.pop()
        members.append(pid)
        todo.extend(children.get(pid, ()))
    return members


def command_line(pid: int, limit: int = 100) -> str:
    """A process's command line, shortened; "" if it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            text = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kib(path: str, field: bytes) -> int | None:
    """The value of ``field`` (a "Name:" line in kB) in a /proc file, in bytes."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory(pid: int) -> tuple[int, str] | None:
    """(bytes, "pss" or "rss") of one process; None if it is gone."""
    pss = _kib(f"/proc/{pid}/smaps_rollup", b"Pss:")
    if pss is not None:
        return pss, "pss"
    rss = _kib(f"/proc/{pid}/status", b"VmRSS:")
    return None if rss is None else (rss, "rss")  # None: gone, or a zombie (no VmRSS)


class Sampler(threading.Thread):
    """Samples the tree under ``root`` until told to stop; keeps the peak."""

    def __init__(self, root: int, interval: float = INTERVAL) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.stopped = threading.Event()
        self.peak = 0
        self.processes_at_peak = 0
        self.at_peak: list[tuple[int, str, int]] = []
        self.most_processes = 0
        self.totals: list[int] = []
        self.measures: set[str] = set()

    def sample(self) -> None:
        sizes: dict[int, int] = {}
        for pid in tree(self.root, parents()):
            found = memory(pid)
            if found is not None:
                sizes[pid] = found[0]
                self.measures.add(found[1])
        total = sum(sizes.values())
        self.totals.append(total)
        self.most_processes = max(self.most_processes, len(sizes))
        if total > self.peak:
            self.peak, self.processes_at_peak = total, len(sizes)
            # command lines only at a new peak: rare after the first seconds
            largest = sorted(sizes.items(), key=lambda item: -item[1])
            self.at_peak = [(pid, command_line(pid), size) for pid, size in largest]

    def run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            self.sample()
            self.stopped.wait(max(0.0, self.interval - (time.monotonic() - started)))


def run_tree(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    interval: float = INTERVAL,
    cap: float | None = None,
) -> TreeRun:
    """Run ``argv`` to its end; its wall-clock and its tree's peak memory.

    ``cap``: seconds after which the command's whole process group is
    terminated (then killed 10 s later), and the run is marked ``capped``.
    The command then runs in a session of its own, so nothing it started
    (a peer tool's worker pool) outlives it to load the next measurement.

    ``interval`` 0 measures time only: reading another process's smaps takes
    its memory-map lock, which fork() also needs, so sampling a tree that
    forks hundreds of children a second slows it down (isodate: 21 s sampled
    against 14 s not).  Time and memory are best measured in separate runs.
    """
    out = log.open("w") if log is not None else None
    try:
        started = time.monotonic()
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            start_new_session=cap is not None,
        )
        sampler = Sampler(proc.pid, interval)
        if interval > 0:
            sampler.start()
        capped = False
        try:
            returncode = proc.wait(timeout=cap)
        except subprocess.TimeoutExpired:
            capped = True
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                returncode = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                returncode = proc.wait()
        wall = time.monotonic() - started
        if cap is not None:
            _signal_group(proc.pid, signal.SIGKILL)  # whatever the command left behind
        if interval > 0:
            sampler.stopped.set()
            sampler.join()
    finally:
        if out is not None:
            out.close()
    measure = "+".join(sorted(sampler.measures)) or "none"
    return TreeRun(
        wall=wall,
        returncode=returncode,
        peak_bytes=sampler.peak,
        processes_at_peak=sampler.processes_at_peak,
        at_peak=sampler.at_peak,
        most_processes=sampler.most_processes,
        median_bytes=int(statistics.median(sampler.totals)) if sampler.totals else 0,
        samples=len(sampler.totals),
        measure=measure,
        capped=capped,
    )


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        sys.exit(__doc__)
    run = run_tree(argv)
    print(run.as_dict(), file=sys.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
