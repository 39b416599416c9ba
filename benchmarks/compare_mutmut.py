"""Run ``pytest --escape`` and ``mutmut run`` on corpus projects, in one run, and compare.

    python benchmarks/compare_mutmut.py CORPUS_DIR isodate python-slugify [--adjudicate 40]

CORPUS_DIR is what ``../shared/corpus/fetch.sh`` unpacked (it holds corpus.tsv).
Each tool works on its own fresh copy of the project, so neither sees the
other's files.  Run from a venv with pytest-escape installed; it must hold the
same mutmut (3.8.1) and the corpus test dependencies, and not the projects.

Prints, per project: mutants, statuses, wall-clock of each tool and their
ratio, and how far the verdicts agree (detected = killed or timeout, on the
mutants both generate, matched by mutmut's mutant name).  With
``--adjudicate N`` it settles up to N disagreements per project with a third
opinion that neither tool computes: the project's whole test suite, run
normally in a fresh interpreter inside mutmut's own ``mutants/`` tree with
that one mutant switched on.  If the suite fails, the mutant is detectable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

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
    "semver": """source_paths = ["src/semver/"]
pytest_add_cli_args = ["-o", "addopts="]
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


def projects(corpus: Path) -> dict[str, dict[str, str]]:
    with (corpus / "corpus.tsv").open() as f:
        return {row["name"]: row for row in csv.DictReader(f, delimiter="\t")}


def fresh_copy(corpus: Path, project_dir: str, into: Path) -> Path:
    target = into / project_dir
    shutil.copytree(
        corpus / project_dir, target, ignore=shutil.ignore_patterns("__pycache__", "mutants", ".pytest_cache")
    )
    return target


def venv_env(**extra: str) -> dict[str, str]:
    """The corpus commands say ``python`` and ``mutmut``: make them this venv's."""
    bindir = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""), **extra)


def timed(cmd: str, cwd: Path, log: Path) -> tuple[float, int]:
    env = venv_env()
    started = time.monotonic()
    with log.open("w") as out:
        rc = subprocess.call(["bash", "-c", cmd], cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    return time.monotonic() - started, rc


def run_escape(row: dict[str, str], workdir: Path, logs: Path) -> tuple[float, dict[str, str], dict]:
    project = fresh_copy(CORPUS, row["project_dir"], workdir)
    report = logs / f"{row['name']}-escape.json"
    cmd = f"{row['test_command']} --escape --escape-report json:{report}"
    log = logs / f"{row['name']}-escape.log"
    wall, rc = timed(cmd, project, log)
    if not report.exists():
        sys.exit(f"pytest --escape wrote no report for {row['name']} (exit {rc}):\n{log.read_text()[-3000:]}")
    data = json.loads(report.read_text())
    model = data["x-escape"]
    return wall, {m["id"]: m["status"] for m in model["mutants"]}, {"rc": rc, "timings": model["timings"]}


def run_mutmut(row: dict[str, str], workdir: Path, logs: Path) -> tuple[float, dict[str, str], Path]:
    project = fresh_copy(CORPUS, row["project_dir"], workdir)
    with (project / "pyproject.toml").open("a") as f:
        f.write(f"\n[tool.mutmut]\n{MUTMUT_CONFIG[row['name']]}\n")
    wall, _ = timed("timeout 1800 mutmut run", project, logs / f"{row['name']}-mutmut.log")
    verdicts: dict[str, str] = {}
    for meta in (project / "mutants").rglob("*.meta"):
        for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            verdicts[key] = MUTMUT_STATUS.get(code, f"exit {code}")
    return wall, verdicts, project


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


def main() -> int:
    global CORPUS
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("names", nargs="+")
    parser.add_argument("--adjudicate", type=int, default=0, metavar="N")
    parser.add_argument("--out", type=Path, default=Path("benchmark-results.json"))
    args = parser.parse_args()
    CORPUS = args.corpus.resolve()
    rows = projects(CORPUS)
    summary = {}
    with tempfile.TemporaryDirectory(prefix="escape-bench-") as tmp:
        root = Path(tmp)
        logs = root / "logs"
        logs.mkdir()
        for name in args.names:
            row = rows[name]
            print(f"== {name}", flush=True)
            (root / "escape").mkdir(exist_ok=True)
            (root / "mutmut").mkdir(exist_ok=True)
            escape_wall, ours, extra = run_escape(row, root / "escape", logs)
            print(
                f"   pytest --escape: {escape_wall:.1f} s, exit {extra['rc']}, phases {extra['timings']}",
                flush=True,
            )
            mutmut_wall, theirs, mutmut_project = run_mutmut(row, root / "mutmut", logs)
            print(f"   mutmut run:      {mutmut_wall:.1f} s", flush=True)
            both = sorted(set(ours) & set(theirs))
            disagree = [m for m in both if (ours[m] in DETECTED) != (theirs[m] in DETECTED)]
            kinds = Counter((ours[m], theirs[m]) for m in disagree)
            by_function = Counter(m.split("__mutmut_")[0] for m in disagree)
            result = {
                "mutants": {"escape": len(ours), "mutmut": len(theirs), "both": len(both)},
                "statuses": {"escape": Counter(ours.values()), "mutmut": Counter(theirs.values())},
                "wall_seconds": {"escape": round(escape_wall, 1), "mutmut": round(mutmut_wall, 1)},
                "speedup": round(mutmut_wall / escape_wall, 2),
                "agreement": round(100 * (len(both) - len(disagree)) / max(len(both), 1), 2),
                "disagreements": {f"escape {a} / mutmut {b}": n for (a, b), n in kinds.items()},
                "disagreements_by_function": dict(by_function.most_common(10)),
                "escape_phases": extra["timings"],
            }
            if args.adjudicate and disagree:
                sample = random.Random(0).sample(disagree, min(args.adjudicate, len(disagree)))
                right = Counter()
                for mutant in sample:
                    detectable = adjudicate(row, mutmut_project, mutant)
                    winner = "escape" if (ours[mutant] in DETECTED) == detectable else "mutmut"
                    right[winner] += 1
                result["adjudicated"] = {
                    "sample": len(sample),
                    "escape right": right["escape"],
                    "mutmut right": right["mutmut"],
                }
                confirmed = right["escape"] / len(sample)
                # the disagreements the suite itself settles in our favour are not errors of ours
                result["agreement_after_adjudication_estimate"] = round(
                    100 * (len(both) - len(disagree) * (1 - confirmed)) / max(len(both), 1), 2
                )
            summary[name] = result
            print(json.dumps(result, indent=1, default=dict), flush=True)
    args.out.write_text(json.dumps(summary, indent=1, default=dict))
    return 0


CORPUS = Path()

if __name__ == "__main__":
    sys.exit(main())
