"""Issue 21's paired benchmark: pytest --escape, mutmut and pytest-gremlins, one after the other.

    python benchmarks/paired.py --corpus /tmp/corpus --fresh /tmp/fresh \\
        --gremlins-venv /tmp/grem-venv [--only isodate,webcolors] [--json paired.json] [--keep DIR]
    python benchmarks/paired.py --download-fresh /tmp/fresh [--gremlins-venv /tmp/grem-venv]

``--corpus``: what ``../shared/corpus/fetch.sh`` unpacked (it holds
corpus.tsv).  ``--fresh``: where ``--download-fresh`` unpacked the projects
of ``benchmarks/fresh_projects.tsv`` (projects chosen outside the corpus).
Run from a venv that holds pytest-escape, mutmut 3.8.1 and the projects'
test dependencies, but not the projects.  pytest-gremlins runs from its own
venv (``--gremlins-venv``), so that its plugin is not loaded into the other
tools' runs, nor theirs into its.

Per project, each on its own fresh copy, one after the other on the same
machine:

1. **tests**: the project's own test command, with a small plugin that
   records each test's seconds (setup + call + teardown, unrounded): the
   durations of the physical limit;
2. **escape mutation**: ``--escape`` with the witness search and the
   property checks off (what mutmut and pytest-gremlins do);
3. **escape default**: ``--escape`` as a user types it;
4. **mutmut**: ``mutmut run`` (per-project configuration: mutmut cannot find
   the code or the tests by itself);
5. **gremlins** and **gremlins batch**: ``--gremlins`` with 2 parallel
   workers, without and with ``--gremlin-batch``.

The peers are stopped at a cap (``--cap-factor`` × the escape mutation
run's wall-clock, at least ``--cap-floor`` seconds): past it the ratio the
targets ask about is already known, and a run that would take an hour says
so as "capped" with how far it got.

Each run's wall-clock (start to exit) and the peak PSS of its process tree
(``tree_memory.py``, sampled every ``--memory-interval`` seconds; reading a
tree's memory slows down its forks, so the interval is longer than
tree_memory's default and the same for every tool).

The **physical limit** (``physical_limit.py``) charges each of the escape
mutation run's mutants the *plain* run's seconds of the tests it must run
(the killer of a detected mutant, every covering test of a survivor and of
an extreme mutant), over the workers.  mutmut and pytest-gremlins have no
extreme mutants and generate other mutants; their wall-clock is set against
the regular mutants' limit, which makes their ratio if anything kind.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare_mutmut import DETECTED, MUTMUT_CONFIG, MUTMUT_STATUS, cell, fresh_copy, render, venv_env
from physical_limit import physical_limit, recording, report_workers
from tree_memory import TreeRun, run_tree

FRESH_TSV = Path(__file__).with_name("fresh_projects.tsv")
WORKERS = 2
MUTATION_ONLY = "--escape-witness-budget 0 --escape-property-budget 0"
#: corpus projects whose ``filterwarnings = error`` stops pytest-gremlins at its own
#: start-up warning (issue 21); it gets them as warnings, the other tools keep the setting
GREMLINS_ARGS = {"isodate": "-o filterwarnings=", "python-slugify": "-o filterwarnings="}
GREMLINS_JSON = Path("coverage/gremlins/gremlins.json")


@dataclass(frozen=True)
class Project:
    name: str
    path: Path
    source_dir: str
    test_command: str
    mutmut_config: str
    gremlins_targets: str
    gremlins_args: str


@dataclass
class ToolRun:
    """One tool's run on one project, as the table shows it."""

    tool: str
    run: TreeRun
    cap: float | None = None
    mutants: int | None = None
    detected: int | None = None
    errors: int = 0
    #: what the figures cannot say by themselves (a capped run's progress, a broken run)
    note: str = ""
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float | None:
        return self.mutants / self.run.wall if self.mutants and self.run.wall > 0 else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "run": self.run.as_dict(),
            "cap_seconds": self.cap,
            "mutants": self.mutants,
            "detected": self.detected,
            "errors": self.errors,
            "mutants_per_second": round(self.rate, 2) if self.rate else None,
            "statuses": dict(self.statuses),
            "note": self.note,
        }


def read_projects(tsv: Path, root: Path) -> dict[str, Project]:
    """corpus.tsv or fresh_projects.tsv rows, as projects under ``root``."""
    found: dict[str, Project] = {}
    with tsv.open() as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = row["name"]
            config = (row.get("mutmut_config") or MUTMUT_CONFIG.get(name, "")).replace("\\n", "\n")
            found[name] = Project(
                name=name,
                path=root / row["project_dir"],
                source_dir=row["source_dir"],
                test_command=row["test_command"],
                mutmut_config=config,
                gremlins_targets=row.get("gremlins_targets") or row["source_dir"],
                gremlins_args=row.get("gremlins_args") or GREMLINS_ARGS.get(name, ""),
            )
    return found


class Bench:
    """The runs of one invocation: where copies and logs go, how runs are measured."""

    def __init__(self, scratch: Path, logs: Path, interval: float, gremlins_venv: Path | None) -> None:
        self.scratch, self.logs, self.interval = scratch, logs, interval
        self.gremlins_venv = gremlins_venv

    def copy(self, project: Project, tool: str) -> Path:
        return fresh_copy(project.path.parent, project.path.name, self.scratch / tool.replace(" ", "-"))

    def measure(
        self,
        project: Project,
        tool: str,
        command: str,
        cwd: Path,
        cap: float | None = None,
        venv: Path | None = None,
    ) -> TreeRun:
        env = venv_env()
        if venv is not None:  # the peer's venv first on PATH: its ``python`` and its pytest
            env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
        log = self.logs / f"{project.name}-{tool.replace(' ', '-')}.log"
        run = run_tree(["bash", "-c", command], cwd=cwd, env=env, log=log, interval=self.interval, cap=cap)
        print(
            f"   {tool:<17} {run.wall:7.1f} s  exit {run.returncode}{'  CAPPED' if run.capped else ''}"
            f"  peak {run.peak_mib:.0f} MiB",
            flush=True,
        )
        return run

    def tests(self, project: Project) -> tuple[ToolRun, dict[str, float]]:
        """The plain run, and each test's seconds in it (setup + call + teardown)."""
        cwd = self.copy(project, "tests")
        out = self.logs / f"{project.name}-tests.json"
        recorder = self.scratch / "recorder"
        recorder.mkdir(exist_ok=True)
        run = self.measure(project, "tests", recording(project.test_command, recorder, out), cwd)
        if run.returncode != 0:
            sys.exit(f"the test suite of {project.name} failed (exit {run.returncode}): see {self.logs}")
        seconds: dict[str, float] = json.loads(out.read_text())
        return ToolRun("tests", run), seconds

    def escape(self, project: Project, tool: str, extra: str) -> tuple[ToolRun, dict[str, Any]]:
        cwd = self.copy(project, tool)
        report = self.logs / f"{project.name}-{tool.replace(' ', '-')}.json"
        command = f"{project.test_command} --escape --escape-report json:{report} {extra}".rstrip()
        run = self.measure(project, tool, command, cwd)
        if not report.exists():
            sys.exit(
                f"pytest --escape wrote no report for {project.name} (exit {run.returncode}): see {self.logs}"
            )
        model: dict[str, Any] = json.loads(report.read_text())["x-escape"]
        statuses = Counter(m["status"] for m in model["mutants"])
        detected = sum(n for s, n in statuses.items() if s in DETECTED)
        return ToolRun(
            tool, run, None, sum(statuses.values()), detected, statuses["error"], "", statuses
        ), model

    def mutmut(self, project: Project, cap: float) -> ToolRun:
        cwd = self.copy(project, "mutmut")
        with (cwd / "pyproject.toml").open("a") as f:
            f.write(f"\n[tool.mutmut]\n{project.mutmut_config}\n")
        run = self.measure(project, "mutmut", "mutmut run", cwd, cap=cap)
        statuses: Counter[str] = Counter()
        for meta in (cwd / "mutants").rglob("*.meta"):
            for code in json.loads(meta.read_text())["exit_code_by_key"].values():
                statuses[MUTMUT_STATUS.get(code, "not run" if code is None else f"exit {code}")] += 1
        detected = sum(n for s, n in statuses.items() if s in DETECTED)
        note = ""
        if run.capped:
            note = f"capped at {cap:.0f} s with {sum(statuses.values()) - statuses['not run']} run"
        elif detected == 0:
            note = "nothing detected: a broken run, not a result (see the log)"
        return ToolRun("mutmut", run, cap, sum(statuses.values()), detected, 0, note, statuses)

    def gremlins(self, project: Project, tool: str, cap: float, batch: bool) -> ToolRun:
        if self.gremlins_venv is None:
            raise SystemExit("--gremlins-venv is needed to run pytest-gremlins")
        cwd = self.copy(project, tool)
        command = (
            f"{project.test_command} --gremlins --gremlin-targets={project.gremlins_targets} "
            f"--gremlin-workers={WORKERS} --gremlin-report=json {project.gremlins_args}"
            + (" --gremlin-batch" if batch else "")
        )
        run = self.measure(project, tool, command, cwd, cap=cap, venv=self.gremlins_venv)
        result = cwd / GREMLINS_JSON
        if not result.exists():
            log = (self.logs / f"{project.name}-{tool.replace(' ', '-')}.log").read_text(errors="replace")
            progress = re.findall(r"Progress (\d+)/(\d+)", log)
            done = f"{progress[-1][0]} of {progress[-1][1]} gremlins" if progress else "no gremlin"
            why = f"capped at {cap:.0f} s after {done}" if run.capped else f"exit {run.returncode}, no report"
            total = int(progress[-1][1]) if progress else None
            return ToolRun(tool, run, cap, total, None, 0, why)
        summary = json.loads(result.read_text())["summary"]
        statuses = Counter({k: int(summary.get(k, 0)) for k in ("zapped", "survived", "timeout", "error")})
        detected = statuses["zapped"] + statuses["timeout"]
        note = ""
        if statuses["error"] > summary["total"] / 2:
            note = f"{statuses['error']} of {summary['total']} gremlins ended in error: not a result"
        return ToolRun(tool, run, cap, int(summary["total"]), detected, statuses["error"], note, statuses)


PEERS = ("mutmut", "gremlins", "gremlins-batch")


def compare(
    project: Project, bench: Bench, cap_factor: float, cap_floor: float, peers: tuple[str, ...] = PEERS
) -> dict[str, Any]:
    print(f"== {project.name}", flush=True)
    tests, seconds = bench.tests(project)
    mutation, model = bench.escape(project, "escape mutation", MUTATION_ONLY)
    default, _ = bench.escape(project, "escape default", "")
    cap = max(cap_floor, cap_factor * mutation.run.wall)
    runs_of_peers = [bench.mutmut(project, cap)] if "mutmut" in peers else []
    if bench.gremlins_venv is not None:
        if "gremlins" in peers:
            runs_of_peers.append(bench.gremlins(project, "gremlins", cap, batch=False))
        if "gremlins-batch" in peers:
            runs_of_peers.append(bench.gremlins(project, "gremlins batch", cap, batch=True))
    workers = report_workers(model) or WORKERS
    plain = {t["id"]: seconds[t["id"]] for t in model["tests"] if t["id"] in seconds}
    limit = physical_limit(model, workers, plain)
    coverage_limit = physical_limit(model, workers)
    runs = [tests, mutation, default, *runs_of_peers]
    result = {
        "runs": [r.as_dict() for r in runs],
        "physical_limit": limit.as_dict(),
        "physical_limit_from_baseline_durations": coverage_limit.as_dict(),
        "escape_phases": model.get("timings", {}),
        "tests_timed_plainly": f"{len(plain)} of {len(model['tests'])}",
    }
    print(table({project.name: result}), flush=True)
    return result


def relimit(summary: dict[str, dict[str, Any]], projects: dict[str, Project], bench: Bench) -> None:
    """Each project's physical limit again, from a new plain run's test seconds.

    For a ``--json`` and ``--keep`` of an earlier run, whose escape reports
    are kept: the plain run is measured anew, the tools are not run again.
    """
    for name, result in summary.items():
        _, seconds = bench.tests(projects[name])
        model = json.loads((bench.logs / f"{name}-escape-mutation.json").read_text())["x-escape"]
        plain = {t["id"]: seconds[t["id"]] for t in model["tests"] if t["id"] in seconds}
        limit = physical_limit(model, report_workers(model) or WORKERS, plain)
        result["physical_limit"] = limit.as_dict()
        result["tests_timed_plainly"] = f"{len(plain)} of {len(model['tests'])} (measured again)"


def table(summary: dict[str, dict[str, Any]]) -> str:
    """One row per project and tool: time, against escape and the limit; memory; mutants."""
    header = (
        "project",
        "tool",
        "wall s",
        "× escape",
        "wall/limit",
        "mutants",
        "detected",
        "errors",
        "mutants/s",
        "peak MiB",
        "× tests",
        "note",
    )
    rows: list[tuple[str, ...]] = [header]
    for name, result in summary.items():
        limit = result["physical_limit"]
        runs = {r["tool"]: r for r in result["runs"]}
        escape_wall = runs["escape mutation"]["run"]["wall_seconds"]
        plain_peak = runs["tests"]["run"]["peak_mib"]
        for tool, r in runs.items():
            wall = r["run"]["wall_seconds"]
            bound = limit["limit_seconds"] if tool.startswith("escape") else limit["limit_regular_seconds"]
            over = None if tool == "tests" else (wall / bound if bound else None)
            peak = r["run"]["peak_mib"]
            capped = r["run"].get("capped")
            rows.append(
                (
                    name,
                    tool,
                    cell(wall, ".1f", "+" if capped else ""),
                    cell(None if tool == "tests" else wall / escape_wall, ".2f", "×"),
                    cell(over, ".1f", "×"),
                    cell(r["mutants"], "d"),
                    cell(r["detected"], "d"),
                    cell(r["errors"] or None, "d"),
                    cell(r["mutants_per_second"], ".1f"),
                    cell(peak or None, ".0f"),
                    cell(peak / plain_peak if plain_peak and peak else None, ".1f", "×"),
                    r["note"],
                )
            )
    lines = render(rows, left={0, 1, len(header) - 1})
    lines.append(
        "× escape: wall over the escape mutation run's; wall/limit: over the physical limit from the plain "
        "run's test seconds (the peers: over the regular mutants' part); + capped: at least that long."
    )
    return "\n".join(lines)


def download(into: Path, venvs: list[Path]) -> None:
    """Fetch and unpack fresh_projects.tsv's sdists, and install their test requirements."""
    into.mkdir(parents=True, exist_ok=True)
    with FRESH_TSV.open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pins = [f"{row['name']}=={row['version']}" for row in rows]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            str(into),
            *pins,
        ],
        check=True,
    )
    for sdist in into.glob("*.tar.gz"):
        subprocess.run(["tar", "xzf", str(sdist), "-C", str(into)], check=True)
    requirements = sorted({r for row in rows for r in (row["test_requirements"] or "").split() if r})
    for venv in venvs:
        if requirements:
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *requirements], check=True
            )
    (into / "corpus.tsv").write_text(FRESH_TSV.read_text())
    print(f"unpacked {', '.join(pins)} into {into}; test requirements installed: {requirements or 'none'}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="the unpacked corpus (holds corpus.tsv)")
    parser.add_argument("--fresh", type=Path, help="where --download-fresh unpacked fresh_projects.tsv")
    parser.add_argument("--download-fresh", type=Path, metavar="DIR")
    parser.add_argument("--gremlins-venv", type=Path, help="a venv with pytest-gremlins (1.12.2)")
    parser.add_argument("--only", help="comma-separated project names")
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help=f"which peers run (comma-separated; default {','.join(PEERS)})",
    )
    parser.add_argument("--cap-factor", type=float, default=8.0)
    parser.add_argument("--cap-floor", type=float, default=120.0)
    parser.add_argument("--memory-interval", type=float, default=0.25)
    parser.add_argument("--json", type=Path, default=Path("paired.json"))
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep logs and reports here")
    parser.add_argument(
        "--relimit",
        action="store_true",
        help="only measure the plain runs again, and recompute the limits of --json from --keep's reports",
    )
    parser.add_argument(
        "--table", nargs="+", type=Path, metavar="JSON", help="only print the table of these runs"
    )
    args = parser.parse_args()
    if args.table:
        print(table({n: r for path in args.table for n, r in json.loads(path.read_text()).items()}))
        return 0
    if args.download_fresh:
        venvs = [Path(sys.prefix)] + ([args.gremlins_venv] if args.gremlins_venv else [])
        download(args.download_fresh.resolve(), venvs)
        return 0
    projects: dict[str, Project] = {}
    for option, root in (("--corpus", args.corpus), ("--fresh", args.fresh)):
        if root is not None:
            if not (root / "corpus.tsv").is_file():
                parser.error(
                    f"{option} {root} holds no corpus.tsv: give the directory the corpus's fetch.sh "
                    "unpacked, or one that --download-fresh filled"
                )
            projects |= read_projects(root.resolve() / "corpus.tsv", root.resolve())
    if not projects:
        parser.error("give --corpus and/or --fresh")
    peers = tuple(p for p in args.peers.split(",") if p)
    if unknown_peers := [p for p in peers if p not in PEERS]:
        parser.error(f"unknown peers: {', '.join(unknown_peers)} (known: {', '.join(PEERS)})")
    names = args.only.split(",") if args.only else list(projects)
    unknown = [n for n in names if n not in projects]
    if unknown:
        parser.error(f"unknown projects: {', '.join(unknown)} (known: {', '.join(projects)})")
    summary: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="escape-paired-") as tmp:
        logs = (args.keep or Path(tmp) / "logs").resolve()
        logs.mkdir(parents=True, exist_ok=True)
        bench = Bench(Path(tmp), logs, args.memory_interval, args.gremlins_venv)
        if args.relimit:
            if not args.json.exists():
                parser.error(f"--relimit recomputes an earlier run's figures: {args.json} does not exist")
            summary = {n: r for n, r in json.loads(args.json.read_text()).items() if n in names}
            relimit(summary, projects, bench)
            args.json.write_text(json.dumps(summary, indent=1, default=dict))
            names = []
        for name in names:
            summary[name] = compare(projects[name], bench, args.cap_factor, args.cap_floor, peers)
            args.json.write_text(json.dumps(summary, indent=1, default=dict))
    print()
    print(table(summary))
    print(f"\nall figures: {args.json} (peak memory: MiB of PSS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
