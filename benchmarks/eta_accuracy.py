"""How true the progress line's ETA is: run a project's mutation phase, and
compare each printed ETA with the time the phase really took after it.

    python benchmarks/eta_accuracy.py PROJECT_DIR [pytest args...]

The project is copied to a scratch directory and run with the searches off
(the ETA is the mutation phase's) and pytest's output not a terminal, so a
progress line comes every ten seconds, as in a CI log.  For each line it
prints the share done, the ETA printed, the ETA an average rate gives
(what is left at the mutants per second so far: the line's own rate; the
same as the printed one while the line uses that rate), and the truth (the
phase's last line minus this one); the error of each is
(ETA - truth) / truth.  An ETA that weighs what is left by its tests'
baseline durations was tried this way and not kept: docs/benchmarks.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = re.compile(r"escape: (\d+)/(\d+) mutants, .*?[,;] ([\d.]+)/s, ETA (\d+) s")


def main() -> int:
    source, args = Path(sys.argv[1]).resolve(), sys.argv[2:]
    scratch = Path(tempfile.mkdtemp(prefix="eta-"))
    project = scratch / source.name
    skip = shutil.ignore_patterns(".pytest_cache", "__pycache__", ".escape*")
    shutil.copytree(source, project, ignore=skip)
    command = [sys.executable, "-m", "pytest", "--escape", "-p", "no:cacheprovider", "-q"]
    command += ["--escape-witness-budget", "0", "--escape-property-budget", "0", *args]
    seen: list[tuple[float, int, int, float, int]] = []
    with subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            found = LINE.search(line)
            if found:
                done, total, rate, eta = found.groups()
                seen.append((time.monotonic(), int(done), int(total), float(rate), int(eta)))
    shutil.rmtree(scratch, ignore_errors=True)
    if not seen:
        print("no progress line")
        return 1
    end = seen[-1][0]
    print(f"{source.name}: {seen[-1][2]} mutants, {end - seen[0][0]:.0f} s from the first line to the last")
    print("  done   ETA printed   average-rate ETA   truth   error printed   error average")
    for at, done, total, rate, eta in seen[:-1]:
        truth = end - at
        average = (total - done) / rate if rate else 0.0
        print(
            f"  {done / total:5.0%}   {eta:9d} s   {average:14.0f} s   {truth:5.0f} s"
            f"   {(eta - truth) / truth:+12.0%}   {(average - truth) / truth:+12.0%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
