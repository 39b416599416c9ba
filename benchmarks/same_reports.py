"""Prove a restructuring kept behaviour: run two installs of pytest-escape, diff their JSON reports.

    python benchmarks/same_reports.py run --python /tmp/before/.venv/bin/python --out /tmp/reports-before
    python benchmarks/same_reports.py run --python .venv/bin/python --out /tmp/reports-after
    python benchmarks/same_reports.py diff /tmp/reports-before /tmp/reports-after

``--extra NAME=DIR`` (repeatable) adds a project of your own, run like the
corpus ones (seed 1, no searches): a project nobody tuned for.

Why it exists: issue 19 rebuilds the middle of the engine (plan, assemble,
deliver, the worker protocol) and must change nothing a user sees.  The unit
tests check each stage; this checks the whole, on real code: the bundled
example and two corpus projects (``../shared/corpus/fetch.sh`` unpacks them),
each run in its own scratch copy with a fixed seed.  The corpus projects run
with the witness and property budgets at 0, because a time budget makes how
far a search gets depend on the machine's load; the example runs with its
default budgets, because its searches end long before their budgets do.

``diff`` compares the reports after dropping what may differ between two
honest runs of the same install: timings, the scratch directory's path,
which test met a mutant first (``SCHEDULED_KEYS``), and the order of
covering tests, which follows measured durations.  Run the same install
twice and diff: that is the noise floor, and it must say "same".  It prints
each difference as a JSON path and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ["--escape-seed", "1"]
NO_SEARCH = ["--escape-witness-budget", "0", "--escape-property-budget", "0"]
#: name -> (directory under the corpus or the repository, extra arguments)
TARGETS: dict[str, tuple[str, list[str]]] = {
    "example": ("examples/shop", SEED),
    "isodate": ("isodate-0.7.2", [*SEED, *NO_SEARCH]),
    "semver": ("semver-3.1.1", [*SEED, *NO_SEARCH, "-o", "addopts="]),
}
#: the corpus's test commands (corpus.tsv) put src/ on the path for these
PYTHONPATH = {"isodate": "src"}
#: keys whose values are measurements of this run, not results
VOLATILE_KEYS = {"timings", "duration", "durations", "elapsed", "seconds", "version", "created", "timestamp"}
#: keys whose values depend on which test meets which mutant first: tests run
#: fastest first by their measured durations, and a killer found by one
#: worker is tried first by the next, so two honest runs differ here.  The
#: verdicts built on them (status, labels, test verdicts) do not.
SCHEDULED_KEYS = {
    "killedBy",
    "killed_by",
    "kills",
    "passed_by",
    "tests_run",
    "testsCompleted",
    "mutantsRun",
    "mutantsKilled",
    "killedByCheck",
    "mutants_run",
    "mutants_killed",
    "killed_by_check",
    # how far a time-capped search got
    "examples",
    "reached",
}
#: lists ordered by measured test durations: compared as sets
UNORDERED_KEYS = {"coveredBy", "covered_by"}
SCRATCH = "<scratch>"


def run(python: str, out: Path, corpus: Path, extras: list[str], only: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    python = os.path.abspath(python)  # not resolve(): a venv's python is a symlink to the base one
    targets = dict(TARGETS)
    for entry in extras:
        name, _, where = entry.partition("=")
        targets[name] = (str(Path(where).resolve()), [*SEED, *NO_SEARCH])
    for name, (where, extra) in targets.items():
        if only and name not in only:
            continue
        source = ROOT / where if name == "example" else corpus / where
        with tempfile.TemporaryDirectory() as scratch:
            project = Path(scratch) / "project"
            shutil.copytree(source, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
            report = out / f"{name}.json"
            # the dev venv has pytest-asyncio and anyio, whose warnings are fatal
            # under the corpus projects' filterwarnings = error
            cmd = [python, "-m", "pytest", "--escape", "-p", "no:asyncio", "-p", "no:anyio", *extra]
            cmd += ["--escape-no-cache", "--escape-report", f"json:{report}"]
            # isodate parametrizes from sets: its test ids follow the hash seed
            env = dict(os.environ, PYTHONPATH=PYTHONPATH.get(name, ""), PYTHONHASHSEED="0")
            done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
            (out / f"{name}.log").write_text(done.stdout + done.stderr)
            (out / f"{name}.exit").write_text(f"{done.returncode}\n")
            if not report.exists():
                sys.exit(f"{name}: no report (exit {done.returncode}); see {out / f'{name}.log'}")
            text = report.read_text().replace(str(project), SCRATCH)
            report.write_text(text)
            print(f"{name}: exit {done.returncode}, {report}")


#: a test verdict's reason counts the mutants it met and failed on, and how
#: they crashed: which mutants a test meets is scheduled, as above; a timed-out
#: mutant's reason gives its limit, which comes from measured test durations
COUNTS = re.compile(
    r"\(\d+ mutants\)|fails on (?:none|\d+ only by crashing \([^)]*\), never in a check)|fails on \d+"
    r"|no verdict after [0-9.]+ s"
)


#: pytest's automatic parameter ids (``expected11``) number the cases of a
#: ``set`` in iteration order, which follows object ids (isodate): the same
#: case has another number in another process, whatever PYTHONHASHSEED says
AUTO_ID = re.compile(r"(?<=[\[-])([A-Za-z_]\w*?)\d+(?=[-\]])")


def normalized(value: Any) -> Any:
    if isinstance(value, str):
        return AUTO_ID.sub(r"\1#", COUNTS.sub("<count>", value))
    if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
        # tests are listed in collection order, which follows those numbers too
        return sorted((normalized(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        killed = value.get("status") in ("Killed", "killed")
        return {
            k: sorted(normalized(v)) if k in UNORDERED_KEYS else normalized(v)
            for k, v in value.items()
            if k not in VOLATILE_KEYS | SCHEDULED_KEYS
            # a killed mutant's reason is its first killer's failure
            and not (killed and k in ("statusReason", "status_reason"))
        }
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def differences(a: Any, b: Any, path: str = "$") -> list[str]:
    """Each place where two JSON values differ, as a path and the two values (cut short)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found: list[str] = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                found.append(f"{path}.{key}: only in {'after' if key in b else 'before'}")
            else:
                found += differences(a[key], b[key], f"{path}.{key}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}[{i}]")]
    if a != b:
        return [f"{path}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"]
    return []


def diff(before: Path, after: Path) -> int:
    failed = 0
    names = sorted(p.stem for p in before.glob("*.exit") if (after / p.name).exists())
    if not names:
        # "nothing printed, exit 0" read as "the same" once: say it
        print(f"no project has a report (NAME.exit and NAME.json) in both {before} and {after}")
        return 1
    for name in names:
        found: list[str] = []
        for suffix in (".exit", ".json"):
            a, b = (d / f"{name}{suffix}" for d in (before, after))
            if suffix == ".exit":
                if a.read_text() != b.read_text():
                    found.append(f"exit status {a.read_text().strip()} != {b.read_text().strip()}")
                continue
            found += differences(normalized(json.loads(a.read_text())), normalized(json.loads(b.read_text())))
        print(f"{name}: {'same' if not found else f'{len(found)} differences'}")
        for line in found[:40]:
            print(f"  {line}")
        failed += bool(found)
    return 1 if failed else 0


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--python", default=sys.executable)
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--corpus", type=Path, default=Path("/tmp/corpus"))
    r.add_argument("--extra", action="append", default=[], metavar="NAME=DIR")
    r.add_argument("--only", action="append", default=[], metavar="NAME", help="run only these targets")
    d = sub.add_parser("diff")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        run(args.python, args.out, args.corpus, args.extra, args.only)
    else:
        sys.exit(diff(args.before, args.after))


if __name__ == "__main__":
    main()
