"""Run ``pytest --escape`` and ``mutmut run`` on corpus projects, in one run, and compare.

    python benchmarks/compare_mutmut.py CORPUS_DIR isodate python-slugify [--adjudicate 40]
        [--escape-args "--escape-workers 2"] [--skip-mutmut] [--json OUT] [--keep DIR]

CORPUS_DIR is what ``../shared/corpus/fetch.sh`` unpacked (it holds corpus.tsv).
Each run works on its own fresh copy of the project, so none sees another's
files.  Run from a venv with pytest-escape installed; it must hold the same
mutmut (3.8.1) and the corpus test dependencies, and not the projects.

Per project, one after the other on the same machine: (a) the project's own
test command, (b) the same with ``--escape`` (plus ``--escape-args``), (c)
``mutmut run``.  Each is timed start to exit, and the peak PSS of its whole
process tree is sampled every 50 ms (``tree_memory.py`` says why PSS).

Prints, per project: mutants, statuses, wall-clock of each tool and their
ratio, how far the verdicts agree (detected = killed or timeout, on the
mutants both generate, matched by mutmut's mutant name), peak memory, and the
physical limit of the mutation work (``physical_limit.py``: the baseline time
of the tests each mutant must run, over the workers) beside pytest --escape's
real mutation phase (``x-escape.timings["mutants"]``).  mutmut has no extreme
mutants, so its wall-clock is set against the regular mutants' limit only.
Ends with a table of all projects; ``--json OUT`` writes every figure.

With ``--adjudicate N`` it settles up to N disagreements per project with a
third opinion that neither tool computes: the project's whole test suite, run
normally in a fresh interpreter inside mutmut's own ``mutants/`` tree with
that one mutant switched on.  If the suite fails, the mutant is detectable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from physical_limit import PhysicalLimit, default_workers, physical_limit, report_workers
from tree_memory import INTERVAL, MIB, TreeRun, run_tree

# mutmut needs these per project (../shared/corpus/mutmut_baseline.sh, BASELINES.md);
# pytest --escape gets none of them.
MUTMUT_CONFIG = {
    "python-slugify": """source_paths = ["slugify/"]
pytest_add_cli_args_test_selection = ["tests/"]
also_copy = ["tools/", "README.md"]""",
    "isodate": """source_paths = ["src/isodate/"]
pytest_add_cli_args_test_selection = ["tests/"]""",
    "marshmallow": """source_paths = ["src/marshmallow/"]
pytest_add_cli_args_test_selection = ["tests/"]
process_isolation = "forkserver"
pytest_add_cli_args = ["--deselect", "tests/test_deserialization.py::TestFieldDeserialization::"""
    """test_invalid_datetime_deserialization"]""",
    "schema": """source_paths = ["schema/"]
pytest_add_cli_args_test_selection = ["test_schema.py"]
also_copy = ["LICENSE-MIT"]""",
    # mutmut runs the suite twice in one process (stats, then the clean run); this test's
    # parameters hold context managers made once at collection, which cannot be entered
    # twice ("'_GeneratorContextManager' object has no attribute 'args'", then "Failed to
    # run clean test" and 0 mutants detected): mutmut runs without it.
    "semver": """source_paths = ["src/semver/"]
pytest_add_cli_args = ["-o", "addopts=", "--deselect", """
    """"tests/test_pysemver-cli.py::test_should_process_parsed_cli_arguments"]
pytest_add_cli_args_test_selection = ["tests/"]
also_copy = [".pytest.ini"]""",
}
MUTMUT_STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    33: "no coverage",
    5: "no coverage",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
}
DETECTED = {"killed", "timeout"}


@dataclass
class EscapeRun:
    run: TreeRun
    #: mutant id (mutmut's name) -> status
    verdicts: dict[str, str]
    #: the report's ``x-escape`` results model
    model: dict[str, Any]
    limit: PhysicalLimit


@dataclass
class MutmutRun:
    run: TreeRun
    verdicts: dict[str, str]
    #: the copy mutmut ran in (its ``mutants/`` tree is used to adjudicate)
    project: Path


def projects(corpus: Path) -> dict[str, dict[str, str]]:
    with (corpus / "corpus.tsv").open() as f:
        return {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}


def fresh_copy(corpus: Path, project_dir: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    target = into / project_dir
    shutil.copytree(
        corpus / project_dir, target, ignore=shutil.ignore_patterns("__pycache__", "mutants", ".pytest_cache")
    )
    return target


def venv_env(**extra: str) -> dict[str, str]:
    """The corpus commands say ``python`` and ``mutmut``: make them this venv's."""
    bindir = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), **extra)


#: ``--time-only``: no memory sampling (it slows down trees that fork a lot)
SAMPLE_INTERVAL = INTERVAL


def measured(cmd: str, cwd: Path, log: Path) -> TreeRun:
    """Run a shell command to its end: wall-clock, exit status, peak PSS of its tree."""
    return run_tree(["bash", "-c", cmd], cwd=cwd, env=venv_env(), log=log, interval=SAMPLE_INTERVAL)


def run_plain(row: dict[str, str], workdir: Path, logs: Path) -> TreeRun:
    """The project's own test command, as the reference for memory (and time)."""
    project = fresh_copy(CORPUS, row["project_dir"], workdir)
    log = logs / f"{row['name']}-tests.log"
    run = measured(row["test_command"], project, log)
    if run.returncode != 0:
        sys.exit(
            f"the test suite of {row['name']} failed (exit {run.returncode}):\n{log.read_text()[-3000:]}"
        )
    return run


def escape_workers(model: dict[str, Any], escape_args: str) -> int:
    """The workers the run used: as recorded, else as asked for, else pytest-escape's default."""
    asked = re.search(r"--escape-workers[= ](\d+)", escape_args)
    return report_workers(model) or (int(asked.group(1)) if asked else default_workers())


def run_escape(row: dict[str, str], workdir: Path, logs: Path, escape_args: str) -> EscapeRun:
    project = fresh_copy(CORPUS, row["project_dir"], workdir)
    report = logs / f"{row['name']}-escape.json"
    cmd = f"{row['test_command']} --escape --escape-report json:{report} {escape_args}".rstrip()
    log = logs / f"{row['name']}-escape.log"
    run = measured(cmd, project, log)
    if not report.exists():
        sys.exit(
            f"pytest --escape wrote no report for {row['name']} (exit {run.returncode}):\n"
            f"{log.read_text()[-3000:]}"
        )
    model: dict[str, Any] = json.loads(report.read_text())["x-escape"]
    verdicts = {m["id"]: m["status"] for m in model["mutants"]}
    limit = physical_limit(model, escape_workers(model, escape_args))
    return EscapeRun(run, verdicts, model, limit)


def run_mutmut(row: dict[str, str], workdir: Path, logs: Path) -> MutmutRun:
    project = fresh_copy(CORPUS, row["project_dir"], workdir)
    with (project / "pyproject.toml").open("a") as f:
        f.write(f"\n[tool.mutmut]\n{MUTMUT_CONFIG[row['name']]}\n")
    run = measured("timeout 1800 mutmut run", project, logs / f"{row['name']}-mutmut.log")
    verdicts: dict[str, str] = {}
    for meta in (project / "mutants").rglob("*.meta"):
        for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            verdicts[key] = MUTMUT_STATUS.get(code, f"exit {code}")
    return MutmutRun(run, verdicts, project)


def adjudicate(row: dict[str, str], mutmut_project: Path, mutant: str) -> bool:
    """True if the project's whole suite, run normally with ``mutant`` on, fails."""
    env = venv_env(MUTANT_UNDER_TEST=mutant)
    cmd = row["test_command"].replace(" -q ", " -q -x ")
    rc = subprocess.call(
        ["bash", "-c", f"timeout 300 {cmd}"],
        cwd=mutmut_project / "mutants",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return rc != 0


def largest_at_peak(run: TreeRun, count: int = 4) -> str:
    """The biggest processes of the peak sample, for the progress lines."""
    return "; ".join(f"{size / MIB:.0f} MiB {command[:70]}" for _, command, size in run.at_peak[:count])


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator > 0 else None


def timing_and_memory(plain: TreeRun, escape: EscapeRun, mutmut: MutmutRun | None) -> dict[str, Any]:
    """The figures of the new table, for ``--json``: time against the limit, and memory."""
    limit = escape.limit
    phase = float(escape.model.get("timings", {}).get("mutants", 0.0))
    runs = {"tests": plain, "escape": escape.run} | ({"mutmut": mutmut.run} if mutmut else {})
    return {
        "runs": {name: run.as_dict() for name, run in runs.items()},
        "physical_limit": limit.as_dict(),
        "escape_mutants_phase_seconds": phase,
        "escape_phases": escape.model.get("timings", {}),
        "real_over_limit": {
            "escape_mutants_phase": ratio(phase, limit.total),
            "escape_wall": ratio(escape.run.wall, limit.total),
            # mutmut has no extreme mutants: against the regular mutants' limit
            "mutmut_wall_over_regular_limit": ratio(mutmut.run.wall, limit.regular) if mutmut else None,
        },
        "peak_mib": {name: round(run.peak_mib, 1) for name, run in runs.items()},
        "median_mib": {name: round(run.median_mib, 1) for name, run in runs.items()},
        "memory_ratio": {name: ratio(run.peak_bytes, plain.peak_bytes) for name, run in runs.items()},
    }


def verdict_comparison(escape: EscapeRun, mutmut: MutmutRun) -> tuple[dict[str, Any], list[str]]:
    """The verdict figures, and the mutants on which the two tools disagree."""
    ours, theirs = escape.verdicts, mutmut.verdicts
    both = sorted(set(ours) & set(theirs))
    disagree = [m for m in both if (ours[m] in DETECTED) != (theirs[m] in DETECTED)]
    kinds = Counter((ours[m], theirs[m]) for m in disagree)
    by_function = Counter(m.split("__mutmut_")[0] for m in disagree)
    result = {
        "mutants": {"escape": len(ours), "mutmut": len(theirs), "both": len(both)},
        "statuses": {"escape": Counter(ours.values()), "mutmut": Counter(theirs.values())},
        "wall_seconds": {"escape": round(escape.run.wall, 1), "mutmut": round(mutmut.run.wall, 1)},
        "speedup": round(mutmut.run.wall / escape.run.wall, 2),
        "agreement": round(100 * (len(both) - len(disagree)) / max(len(both), 1), 2),
        "disagreements": {f"escape {a} / mutmut {b}": n for (a, b), n in kinds.items()},
        "disagreements_by_function": dict(by_function.most_common(10)),
    }
    return result, disagree


def adjudication(
    row: dict[str, str],
    escape: EscapeRun,
    mutmut: MutmutRun,
    disagree: list[str],
    sample_size: int,
    both: int,
) -> dict[str, Any]:
    sample = random.Random(0).sample(disagree, min(sample_size, len(disagree)))
    right: Counter[str] = Counter()
    for mutant in sample:
        detectable = adjudicate(row, mutmut.project, mutant)
        winner = "escape" if (escape.verdicts[mutant] in DETECTED) == detectable else "mutmut"
        right[winner] += 1
    confirmed = right["escape"] / len(sample)
    return {
        "adjudicated": {
            "sample": len(sample),
            "escape right": right["escape"],
            "mutmut right": right["mutmut"],
        },
        # the disagreements the suite itself settles in our favour are not errors of ours
        "agreement_after_adjudication_estimate": round(
            100 * (both - len(disagree) * (1 - confirmed)) / max(both, 1), 2
        ),
    }


def cell(value: float | None, fmt: str, suffix: str = "") -> str:
    """A table cell: ``value`` formatted, or "-" when there is none."""
    return "-" if value is None else f"{value:{fmt}}{suffix}"


def render(rows: list[tuple[str, ...]], left: set[int]) -> list[str]:
    """Aligned lines of ``rows`` (the first is the header, ruled off below):
    the columns in ``left`` flush left, the others flush right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def table(summary: dict[str, dict[str, Any]]) -> str:
    """One row per project and run: time against the physical limit, peak memory, verdicts."""
    header = (
        "project",
        "run",
        "wall s",
        "mut. phase s",
        "limit s",
        "phase/limit",
        "wall/limit",
        "peak PSS MiB",
        "median MiB",
        "mem ×tests",
        "mutants",
        "detected",
        "agree %",
    )
    rows: list[tuple[str, ...]] = [header]
    for name, result in summary.items():
        tm = result["time_and_memory"]
        limit = tm["physical_limit"]
        statuses = result.get("statuses", {})
        for run_name, label in (("tests", "tests"), ("escape", "pytest --escape"), ("mutmut", "mutmut run")):
            run = tm["runs"].get(run_name)
            if run is None:
                continue
            phase = limit_s = phase_ratio = wall_ratio = None
            mutants = detected = ""
            if run_name == "escape":
                phase, limit_s = tm["escape_mutants_phase_seconds"], limit["limit_seconds"]
                phase_ratio = tm["real_over_limit"]["escape_mutants_phase"]
                wall_ratio = tm["real_over_limit"]["escape_wall"]
            elif run_name == "mutmut":
                limit_s = limit["limit_regular_seconds"]
                wall_ratio = tm["real_over_limit"]["mutmut_wall_over_regular_limit"]
            if run_name in ("escape", "mutmut"):
                counts = statuses.get(run_name) or (result["escape_statuses"] if run_name == "escape" else {})
                mutants = str(sum(counts.values()))
                detected = str(sum(n for s, n in counts.items() if s in DETECTED))
            agree = result.get("agreement") if run_name == "mutmut" else None
            rows.append(
                (
                    name,
                    label,
                    cell(run["wall_seconds"], ".1f"),
                    cell(phase, ".1f"),
                    cell(limit_s, ".2f", "*" if run_name == "mutmut" else ""),
                    cell(phase_ratio, ".1f", "×"),
                    cell(wall_ratio, ".1f", "×"),
                    cell(run["peak_mib"], ".1f", "" if run["measure"] == "pss" else f" ({run['measure']})"),
                    cell(run["median_mib"], ".1f"),
                    cell(tm["memory_ratio"][run_name], ".2f", "×"),
                    mutants,
                    detected,
                    cell(agree, ".1f"),
                )
            )
    lines = render(rows, left={0, 1})
    lines.append(
        "limit: baseline duration of the killing test per detected mutant, of every covering test per "
        "survivor and per extreme mutant, over the workers; * regular mutants only (mutmut has no extreme "
        "mutants). Memory: peak (and median sample) of the summed PSS of the process tree; mem ×tests is "
        "the peak over the plain test run's."
    )
    return "\n".join(lines)


def main() -> int:
    global CORPUS
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("names", nargs="+")
    parser.add_argument("--adjudicate", type=int, default=0, metavar="N")
    parser.add_argument(
        "--escape-args",
        default="",
        metavar="ARGS",
        help='appended to the pytest --escape command, e.g. "--escape-workers 2" (a shell string)',
    )
    parser.add_argument(
        "--skip-mutmut", action="store_true", help="run only the test suite and pytest --escape"
    )
    parser.add_argument(
        "--json", "--out", dest="json", type=Path, default=Path("benchmark-results.json"), metavar="OUT"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="write the logs and JSON reports here (default: discarded)"
    )
    parser.add_argument(
        "--time-only",
        action="store_true",
        help="do not sample memory: sampling takes the memory-map lock fork() needs, and slows both tools",
    )
    args = parser.parse_args()
    CORPUS = args.corpus.resolve()
    if args.time_only:
        global SAMPLE_INTERVAL
        SAMPLE_INTERVAL = 0.0
    rows = projects(CORPUS)
    unknown = [name for name in args.names if name not in rows]
    if unknown:
        parser.error(f"not in {CORPUS / 'corpus.tsv'}: {', '.join(unknown)}")
    summary: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="escape-bench-") as tmp:
        root = Path(tmp)
        logs = (args.keep or root / "logs").resolve()
        logs.mkdir(parents=True, exist_ok=True)
        for name in args.names:
            row = rows[name]
            print(f"== {name}", flush=True)
            plain = run_plain(row, root / "tests", logs)
            print(
                f"   tests:           {plain.wall:.1f} s, "
                f"peak {plain.peak_mib:.1f} MiB, median {plain.median_mib:.1f} MiB",
                flush=True,
            )
            escape = run_escape(row, root / "escape", logs, args.escape_args)
            print(
                f"   pytest --escape: {escape.run.wall:.1f} s, exit {escape.run.returncode}, "
                f"peak {escape.run.peak_mib:.1f} MiB, phases {escape.model.get('timings')}, "
                f"physical limit {escape.limit.total:.2f} s ({escape.limit.workers} workers)\n"
                f"                    at its peak: {largest_at_peak(escape.run)}",
                flush=True,
            )
            mutmut = None
            if not args.skip_mutmut:
                mutmut = run_mutmut(row, root / "mutmut", logs)
                print(
                    f"   mutmut run:      {mutmut.run.wall:.1f} s, peak {mutmut.run.peak_mib:.1f} MiB\n"
                    f"                    at its peak: {largest_at_peak(mutmut.run)}",
                    flush=True,
                )
            result: dict[str, Any] = {}
            if mutmut is not None:
                result, disagree = verdict_comparison(escape, mutmut)
                if args.adjudicate and disagree:
                    both = result["mutants"]["both"]
                    result |= adjudication(row, escape, mutmut, disagree, args.adjudicate, both)
            else:
                result["escape_statuses"] = Counter(escape.verdicts.values())
            result["escape_phases"] = escape.model.get("timings", {})
            result["time_and_memory"] = timing_and_memory(plain, escape, mutmut)
            summary[name] = result
            print(json.dumps(result, indent=1, default=dict), flush=True)
    print()
    print(table(summary))
    args.json.write_text(json.dumps(summary, indent=1, default=dict))
    print(f"\nall figures: {args.json}")
    return 0


CORPUS = Path()

if __name__ == "__main__":
    sys.exit(main())
