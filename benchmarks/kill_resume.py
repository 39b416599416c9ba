"""SIGKILL ``pytest --escape`` at random moments of a run on a corpus project, and resume.

    python benchmarks/kill_resume.py /tmp/corpus/isodate-0.7.2 [--kills 20] [--seed 1]
        [--python /tmp/corpus-venv/bin/python] [--json OUT] [--keep]

Why it exists: issue 7 asks that a run killed at any moment (SIGKILL, not a
polite Ctrl-C) leaves the project untouched, leaves a cache the next run can
trust, leaves no process behind, and that re-running finishes with the same
results as a run that was never interrupted.  ``tests/test_cache.py`` checks
this once, at one moment, on a tiny generated project; this script checks it
at many moments of a real third-party project's run.

What it does, in a scratch copy of the project (never in the corpus itself):

1. one uninterrupted reference run without the cache (``--escape-no-cache``),
   keeping each mutant's status (extreme mutants included), each function's
   label and each test's verdict from the JSON report;
2. ``--kills`` runs with the cache on, each SIGKILLed (its whole process
   group, as a terminal or a CI runner would) at a random moment of its
   expected duration.  The moments are stratified over [0, 0.95] of the
   duration, so the very early ones (interpreter start, collection, the
   baseline tests) and the late ones are all hit, then shuffled, except
   that the middle one comes last: the final run below then resumes from
   a kill in the middle of the mutants.  Each run
   resumes from the cache the previous ones left, as a user pressing re-run
   would, so the expected duration changes as the cache fills: it is
   estimated from the reference run's fixed part (start, collection, the
   baseline tests, planning, the report) plus its mutant phase times the share
   of mutants not yet stored, plus ``RESUME_SHARE`` of it for those resumed
   (their killers are still self-checked).  A run that ends before its
   moment (load from other jobs makes durations vary two-fold) is not part
   of the series: its cache is put back as it was, and the kill is retried
   at the same fraction of the duration that run really took (column ``r``
   counts these).  A kill that comes after the run's end (every stored row
   complete) starts a new round: the cache is emptied for the next kill, so
   the kills keep meeting unfinished runs.  After each kill it checks:

   - *files*: every file of the project copy is byte-identical to before (sha256;
     pytest's and pytest-escape's caches, ``__pycache__`` and ``.hypothesis``
     are left out), with nothing added or removed;
   - *cache*: a copy of the SQLite file (with its ``-wal`` and ``-shm``: opening
     the original would checkpoint it and hide what the next run must recover)
     opens, passes ``PRAGMA integrity_check``, carries pytest-escape's
     ``application_id`` and schema version, no database was moved aside as
     broken, and every stored row parses and names a mutant of the reference
     run with the reference's status;
   - *orphans*: no process of the killed run is left: none in the killed
     run's session, in the worker's session (the worker is started in a
     session of its own, so killing the group does not reach it: it must
     notice on its own), or with its working directory in the scratch copy.
     Each is watched until it goes away: one that takes longer than
     ``--grace`` seconds (2) fails the check, and the column says how long
     it lingered; one still there after ``WATCH`` seconds (30) is killed by
     this script, by pid;
   - *tmp*: what the killed run left in its temporary directory (the runs get
     ``TMPDIR`` inside the scratch directory, so anything there is theirs):
     a SIGKILLed main process cannot remove the worker's plan directory.
     Reported, then removed; not a failure (it is outside the project);

3. a final run with the cache, to completion: its statuses, labels and test
   verdicts must equal the reference's, every test a mutant names (killer,
   kill, pass) must be a test of that run, and it must reuse every verdict
   the killed runs stored; then one more run, which must take everything
   from the cache and report the same.

Statuses can differ for a reason that has nothing to do with the cache: a
mutant that times out under load (other jobs on the machine) in one run but
not the other.  Every difference in which either side is ``timeout`` (and a
label or test verdict that such a mutant can explain) is listed separately,
as timeout-related, and does not fail the trial.

Test ids are compared with pytest's positional auto-ids blanked out
(``expected11`` -> ``expected#``, as pytest-escape's own matching does), the
verdicts of the tests that share such an id as a sorted list.  isodate
parametrizes tests over a ``set`` holding ``None``, whose hash before Python
3.12 is its address: the cases are numbered differently in every process,
whatever ``PYTHONHASHSEED`` says.  Every run still gets the same
``PYTHONHASHSEED`` (``--hash-seed``, 0 by default; ``random`` leaves it
alone, and the check that every stored verdict is reused is then
informational only).

The table has one line per kill: the fraction and the moment (seconds after
the start, of the expected duration), retries (``r``), the phase the run's
output had reached, the processes of the run at the kill, the cache's rows
before the run -> after the kill (``v`` unfinished verdicts, ``c`` complete),
files intact, integrity, stored statuses against the reference (``ok``, or
how many differ and how many of those are timeouts), leftover processes, and
the temporary directory left behind.

The project's pytest arguments come from ``corpus.tsv`` next to the project
directory (its ``test_command``, minus ``-p no:cacheprovider``, since
pytest-escape's cache lives in pytest's cache directory), or from
``--pytest-args``.  Prints a table per kill and a final PASS/FAIL line; exits
1 on any failure.  ``--json OUT`` writes every figure.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pytest_escape.model import with_test_names

#: never hashed: caches that any pytest run may write
IGNORED_DIRS = frozenset({".pytest_cache", "__pycache__", ".hypothesis", ".mypy_cache", ".ruff_cache"})
CACHE_DB = Path(".pytest_cache/d/escape/outcomes.sqlite")
#: ``store.APPLICATION_ID`` and ``store.SCHEMA_VERSION`` (not imported: the
#: checker should not share the code it checks)
APPLICATION_ID = 0x45534350
SCHEMA_VERSION = "1"
STAGES = frozenset({"verdict", "complete"})
TIMEOUT = "timeout"
#: moments are drawn in [0, LATEST) of a run's expected duration
LATEST = 0.95
#: what a verdict resumed from the cache costs, as a share of running its mutant:
#: the worker still self-checks its killers (isodate, all 1262 verdicts resumed:
#: an 8.4 s mutant phase, against 19.1 s running them)
RESUME_SHARE = 0.4
#: runs per kill: one that ends before its moment is discarded and tried again sooner
MAX_ATTEMPTS = 4
#: how long a killed run's leftover processes are watched before this script kills them
WATCH = 30.0
DEFAULT_PYTHON = "/tmp/corpus-venv/bin/python"


# --------------------------------------------------------------------------- command


@dataclass
class Command:
    """``python -m pytest ARGS`` with ``ENV``, in the project copy."""

    python: str
    env: dict[str, str]
    args: list[str]

    def argv(self, *extra: str) -> list[str]:
        return [self.python, "-m", "pytest", *self.args, *extra]


def strip_cacheprovider(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "-p" and i + 1 < len(args) and args[i + 1] == "no:cacheprovider":
            skip = True
            continue
        if arg in ("-pno:cacheprovider", "-p=no:cacheprovider"):
            continue
        out.append(arg)
    return out


def corpus_command(project: Path, tsv: Path) -> tuple[dict[str, str], list[str]]:
    """(environment, pytest arguments) from the project's ``test_command`` in corpus.tsv."""
    with tsv.open(encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f, delimiter="\t") if row["project_dir"] == project.name]
    if not rows:
        sys.exit(f"{project.name} is not in {tsv}: give --pytest-args")
    tokens = shlex.split(rows[0]["test_command"])
    env: dict[str, str] = {}
    while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        env[name] = value
    if tokens[:3] != ["python", "-m", "pytest"]:
        sys.exit(f"cannot read the test command of {project.name}: {rows[0]['test_command']!r}")
    return env, strip_cacheprovider(tokens[3:])


# --------------------------------------------------------------------------- files


def file_hashes(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every regular file (a symlink: its target)."""
    hashes: dict[str, str] = {}
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        for name in sorted(filenames):
            path = Path(directory) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                hashes[rel] = "symlink:" + os.readlink(path)
            elif path.is_file():
                hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                hashes[rel] = "special"
    return hashes


def file_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = [f"changed {p}" for p in sorted(before) if p in after and after[p] != before[p]]
    changes += [f"removed {p}" for p in sorted(set(before) - set(after))]
    changes += [f"added {p}" for p in sorted(set(after) - set(before))]
    return changes


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# --------------------------------------------------------------------------- processes


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    #: clock ticks since boot: (pid, start) names one process even if the pid is reused
    start: int


def read_proc(pid: int) -> Proc | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    # the command name is in parentheses and may hold anything, even ")"
    rest = text[text.rfind(")") + 2 :].split()
    return Proc(pid, int(rest[1]), int(rest[2]), int(rest[3]), rest[0], int(rest[19]))


def all_processes() -> list[Proc]:
    procs = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            proc = read_proc(int(entry))
            if proc is not None:
                procs.append(proc)
    return procs


def descendants(root: int) -> list[Proc]:
    procs = all_processes()
    children: dict[int, list[Proc]] = {}
    for proc in procs:
        children.setdefault(proc.ppid, []).append(proc)
    found: list[Proc] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child.pid)
    return found


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [part.decode(errors="replace") for part in f.read().split(b"\0") if part]
    except OSError:
        return []


def cwd_of(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""


def leftovers(sessions: set[int], known: set[tuple[int, int]], scratch: Path) -> list[Proc]:
    """Live processes of a killed run: in one of its sessions, one of those seen
    in it, or working inside the scratch directory."""
    mine = os.getpid()
    prefix = str(scratch)
    found = []
    for proc in all_processes():
        if proc.pid == mine or proc.state in ("Z", "X"):
            continue
        cwd = cwd_of(proc.pid)
        if (
            proc.sid in sessions
            or (proc.pid, proc.start) in known
            or cwd == prefix
            or cwd.startswith(prefix + os.sep)
        ):
            found.append(proc)
    return found


# --------------------------------------------------------------------------- results


#: pytest's positional auto-ids (``expected11``), as ``pytest_escape.nodeids`` blanks them
_AUTO_ID = re.compile(r"(?<=[\[-])([A-Za-z_]\w*?)\d+(?=[-\]])")


def normalized(nodeid: str) -> str:
    """A test id without its positional auto-ids: parametrizing over a ``set``
    numbers the cases anew in every process (isodate's ``TEST_CASES`` holds
    ``None``, whose hash before Python 3.12 is its address, so even a fixed
    ``PYTHONHASHSEED`` does not fix the order)."""
    return _AUTO_ID.sub(r"\1#", nodeid)


@dataclass
class Summary:
    """What a JSON report says that must not depend on the cache."""

    statuses: dict[str, str]
    labels: dict[str, str]
    tests: dict[str, str | None]
    excluded: dict[str, str]
    killed_by: dict[str, str | None]
    #: mutant id -> its function ("module.name") and covering tests
    function_of: dict[str, str]
    covered_by: dict[str, list[str]]
    #: (mutant, test) where the mutant's killed_by, kills or passed_by name a test this run does not have
    stale: list[tuple[str, str]]
    executed: int
    from_cache: int
    warnings: list[str]


def summarize(report: Path) -> Summary:
    x: dict[str, Any] = with_test_names(json.loads(report.read_text(encoding="utf-8"))["x-escape"])
    mutants: list[dict[str, Any]] = list(x["mutants"])
    mutants += [f["extreme"] for f in x["functions"] if f.get("extreme")]
    tests = {t["id"]: t["verdict"] for t in x["tests"]}
    stale = []
    for m in mutants:
        named = (
            {m.get("killed_by")} | {k["test"] for k in m.get("kills") or []} | set(m.get("passed_by") or [])
        )
        stale += [(m["id"], t) for t in sorted(t for t in named if t and t not in tests)]
    return Summary(
        statuses={m["id"]: m["status"] for m in mutants},
        labels={f"{f['module']}.{f['name']}": f["label"] for f in x["functions"]},
        tests=tests,
        excluded=dict(x.get("excluded_tests") or {}),
        killed_by={m["id"]: m.get("killed_by") for m in mutants},
        function_of={m["id"]: f"{m['module']}.{m['function']}" for m in mutants},
        covered_by={m["id"]: list(m.get("covered_by") or []) for m in mutants},
        stale=stale,
        executed=int(x["executed"]),
        from_cache=int(x["from_cache"]),
        warnings=list(x.get("warnings") or []),
    )


@dataclass
class Difference:
    kind: str
    key: str
    reference: Any
    other: Any
    #: explained by a mutant that timed out in either run
    timeout_related: bool


def by_normalized_id(tests: dict[str, str | None]) -> dict[str, list[str]]:
    """Normalized test id -> the sorted verdicts of the tests that share it."""
    groups: dict[str, list[str]] = {}
    for test, verdict in tests.items():
        groups.setdefault(normalized(test), []).append(str(verdict))
    return {key: sorted(verdicts) for key, verdicts in groups.items()}


def compare(ref: Summary, other: Summary) -> list[Difference]:
    """Statuses by mutant id, labels by function, test verdicts by normalized
    test id (the verdicts of the tests sharing one, as a sorted list)."""
    timed_out = {i for s in (ref, other) for i, status in s.statuses.items() if status == TIMEOUT}
    timeout_functions = {s.function_of[i] for s in (ref, other) for i in timed_out if i in s.function_of}
    timeout_tests = {normalized(t) for s in (ref, other) for i in timed_out for t in s.covered_by.get(i, [])}
    diffs: list[Difference] = []
    for i in sorted(set(ref.statuses) | set(other.statuses)):
        a, b = ref.statuses.get(i, "(absent)"), other.statuses.get(i, "(absent)")
        if a != b:
            diffs.append(Difference("status", i, a, b, TIMEOUT in (a, b)))
    for name in sorted(set(ref.labels) | set(other.labels)):
        a, b = ref.labels.get(name, "(absent)"), other.labels.get(name, "(absent)")
        if a != b:
            diffs.append(Difference("label", name, a, b, name in timeout_functions))
    ref_tests, other_tests = by_normalized_id(ref.tests), by_normalized_id(other.tests)
    for test in sorted(set(ref_tests) | set(other_tests)):
        c, d = ref_tests.get(test, []), other_tests.get(test, [])
        if c != d:
            diffs.append(Difference("test", test, c, d, test in timeout_tests))
    ref_excluded = {normalized(t) for t in ref.excluded}
    other_excluded = {normalized(t) for t in other.excluded}
    for test in sorted(ref_excluded ^ other_excluded):
        diffs.append(Difference("excluded", test, test in ref_excluded, test in other_excluded, False))
    return diffs


# --------------------------------------------------------------------------- cache


@dataclass
class CacheCheck:
    exists: bool = False
    ok: bool = True
    problem: str = ""
    verdict: int = 0
    complete: int = 0
    excluded: int = 0
    #: rows whose status is not the reference's: (mutant, stored, reference)
    mismatches: list[tuple[str, str, str]] = field(default_factory=list)
    broken_aside: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.verdict + self.complete

    def hard_mismatches(self) -> list[tuple[str, str, str]]:
        return [m for m in self.mismatches if TIMEOUT not in (m[1], m[2])]


def check_cache(project: Path, reference: Summary | None, scratch: Path) -> CacheCheck:
    """Open a copy of the database (with its WAL) exactly as the next run would find it."""
    db = project / CACHE_DB
    check = CacheCheck(broken_aside=sorted(p.name for p in db.parent.glob(f"{db.name}.broken-*")))
    if check.broken_aside:
        check.ok = False
        check.problem = f"moved aside as broken: {', '.join(check.broken_aside)}"
    if not db.exists():
        return check
    check.exists = True
    copy_dir = Path(tempfile.mkdtemp(prefix="cache-copy-", dir=scratch))
    try:
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{db}{suffix}")
            if source.exists():
                shutil.copy2(source, copy_dir / f"{db.name}{suffix}")
        conn = sqlite3.connect(copy_dir / db.name, timeout=5)
        try:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                raise ValueError(f"integrity_check: {'; '.join(integrity[:3])}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables and app_id == 0:
                return check  # created, nothing written yet: the next run sets it up
            if app_id != APPLICATION_ID:
                raise ValueError(f"application_id {app_id:#x}")
            version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if version is None or version[0] != SCHEMA_VERSION:
                raise ValueError(f"schema version {version}")
            for mutant, stage, outcome in conn.execute("SELECT mutant, stage, outcome FROM outcomes"):
                if stage not in STAGES:
                    raise ValueError(f"row of {mutant} has stage {stage!r}")
                status = json.loads(outcome).get("status")
                if stage == "verdict":
                    check.verdict += 1
                else:
                    check.complete += 1
                if reference is not None:
                    expected = reference.statuses.get(mutant)
                    if expected is None:
                        raise ValueError(f"row of {mutant}, not a mutant of the reference run")
                    if status != expected:
                        check.mismatches.append((mutant, str(status), expected))
            check.excluded = int(conn.execute("SELECT count(*) FROM excluded").fetchone()[0])
        finally:
            conn.close()
    except (sqlite3.Error, ValueError) as e:
        check.ok = False
        check.problem = f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(copy_dir, ignore_errors=True)
    return check


# --------------------------------------------------------------------------- runs


@dataclass
class Kill:
    index: int
    fraction: float
    expected: float
    moment: float
    #: where the run was, from its output: startup, tests NN%, planning, mutants N/M, report
    phase: str = ""
    completed_before_kill: bool = False
    #: durations of runs that ended before the moment (their cache was put back, and the kill retried)
    completed_runs: list[float] = field(default_factory=list)
    returncode: int | None = None
    rows_before: int = 0
    verdict_rows: int = 0
    complete_rows: int = 0
    files_intact: bool = True
    file_changes: list[str] = field(default_factory=list)
    cache_ok: bool = True
    cache_problem: str = ""
    mismatches: list[tuple[str, str, str]] = field(default_factory=list)
    processes_at_kill: int = 0
    worker_seen: bool = False
    #: processes of the run still alive just after the kill, and how long the last lingered
    orphans_after_kill: int = 0
    lingered: float = 0.0
    #: what they were (pid and command line), as first seen after the kill
    lingering: list[str] = field(default_factory=list)
    orphans_after_grace: list[str] = field(default_factory=list)
    #: still alive WATCH seconds after the kill: this script killed them (by pid)
    orphans_killed: list[str] = field(default_factory=list)
    #: the run got past its end (every row complete): the cache was emptied for the next kill
    cleared_after: bool = False
    tmp_left: list[str] = field(default_factory=list)
    tmp_left_bytes: int = 0
    report_written: bool = False

    @property
    def failed(self) -> bool:
        hard = [m for m in self.mismatches if TIMEOUT not in (m[1], m[2])]
        return not (self.files_intact and self.cache_ok and not self.orphans_after_grace and not hard)


def phase_of(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if "escape: mutation testing" in text or "mutation score" in text:
        return "report"
    progress = re.findall(r"escape: (\d+)/(\d+) mutants", text)
    if progress:
        return f"mutants {progress[-1][0]}/{progress[-1][1]}"
    if "escape: running" in text:
        return "mutants (started)"
    if "escape: 0 mutants run" in text:
        return "all cached"
    percents = re.findall(r"\[\s*(\d+)%\]", text)
    if percents:
        return "planning" if percents[-1] == "100" else f"tests {percents[-1]}%"
    if text.strip():
        return "collecting"
    return "startup"


class Trial:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.source = Path(args.project).resolve()
        if not (self.source / "pyproject.toml").exists() and not any(self.source.glob("*.py")):
            sys.exit(f"{self.source} does not look like a project directory")
        self.scratch = Path(tempfile.mkdtemp(prefix="kill-resume-", dir=args.scratch)).resolve()
        self.project = self.scratch / self.source.name
        self.reports = self.scratch / "reports"
        self.logs = self.scratch / "logs"
        self.tmp = self.scratch / "tmp"
        for d in (self.reports, self.logs, self.tmp):
            d.mkdir()
        shutil.copytree(
            self.source,
            self.project,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "mutants"),
        )
        project_env: dict[str, str] = {}
        if args.pytest_args is not None:
            pytest_args = shlex.split(args.pytest_args)
        else:
            tsv = Path(args.corpus_tsv) if args.corpus_tsv else self.source.parent / "corpus.tsv"
            project_env, pytest_args = corpus_command(self.source, tsv)
        escape = ["--escape", "--escape-witness-budget", "0", *shlex.split(args.escape_args)]
        env = dict(os.environ, **project_env)
        env.update(PYTHONUNBUFFERED="1", TMPDIR=str(self.tmp))
        env.pop("PYTEST_ADDOPTS", None)
        env.pop("PYTEST_ESCAPE_TRACE", None)
        bindir = str(Path(args.python).parent)
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
        if args.hash_seed == "random":
            env.pop("PYTHONHASHSEED", None)
        else:
            env["PYTHONHASHSEED"] = str(int(args.hash_seed))
        self.command = Command(args.python, env, [*pytest_args, *escape])
        self.hashes = file_hashes(self.project)
        #: learnt from runs that ended before their kill: how much faster than expected they were
        self.scale = 1.0
        #: restoring this empties the cache
        self.empty_snapshot = self.scratch / "no-cache"
        self.empty_snapshot.mkdir()

    # one run to its end ----------------------------------------------------

    def run_to_end(self, name: str, *extra: str) -> tuple[Summary, float, str]:
        report = self.reports / f"{name}.json"
        log = self.logs / f"{name}.log"
        started = time.monotonic()
        with log.open("wb") as out:
            rc = subprocess.call(
                self.command.argv(*extra, "--escape-report", f"json:{report}"),
                cwd=self.project,
                env=self.command.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wall = time.monotonic() - started
        if not report.exists():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            sys.exit(f"the {name} run wrote no report (exit {rc}); its output ends:\n{tail}")
        text = log.read_text(encoding="utf-8", errors="replace")
        lines = [ln for ln in text.splitlines() if ln.startswith("escape: ") and "mutants run" in ln]
        lines += [ln for ln in text.splitlines() if ln.startswith("escape: running")]
        return summarize(report), wall, (lines[0] if lines else f"exit {rc}")

    # one killed run ---------------------------------------------------------

    def kill_once(self, kill: Kill, reference: Summary) -> None:
        """One kill.  A run that ends before its moment is not part of the series:
        its cache is put back as it was before it, and the kill is tried again at
        the same fraction of the duration that run really took (load on the
        machine makes durations vary two-fold)."""
        db = self.project / CACHE_DB
        kill.rows_before = check_cache(self.project, None, self.scratch).rows
        snapshot = self.scratch / "cache-before-kill"
        save_cache(db, snapshot)
        for _ in range(MAX_ATTEMPTS):
            kill.moment = round(kill.fraction * kill.expected, 3)
            duration = self._attempt(kill, reference)
            if duration is None:
                return
            kill.completed_runs.append(round(duration, 2))
            restore_cache(snapshot, db)
            self.scale *= max(0.2, min(1.0, duration / kill.expected))
            kill.expected = round(duration * 0.9, 2)
        kill.completed_before_kill = True
        kill.phase = "completed"

    def _attempt(self, kill: Kill, reference: Summary) -> float | None:
        """Start a run and SIGKILL it at ``kill.moment``; then check what it left.
        Returns None if the kill landed, else how long the run took."""
        attempt = len(kill.completed_runs)
        report = self.reports / f"kill-{kill.index:02d}-{attempt}.json"
        log = self.logs / f"kill-{kill.index:02d}-{attempt}.log"
        with log.open("wb") as out:
            started = time.monotonic()
            proc = subprocess.Popen(
                self.command.argv("--escape-report", f"json:{report}"),
                cwd=self.project,
                env=self.command.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own session and group: pid == pgid == sid
            )
            while proc.poll() is None and time.monotonic() - started < kill.moment:
                time.sleep(min(0.01, max(0.0, kill.moment - (time.monotonic() - started))))
            sessions = {proc.pid}
            known: set[tuple[int, int]] = set()
            landed = proc.poll() is None
            if landed:
                tree = descendants(proc.pid)
                # the worker leads a session of its own; the pool's children stay in it
                sessions |= {p.sid for p in tree}
                known = {(p.pid, p.start) for p in tree}
                kill.processes_at_kill = 1 + len(tree)
                kill.worker_seen = any("pytest_escape.execution.worker" in cmdline(p.pid) for p in tree)
                kill.phase = phase_of(log)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            kill.returncode = proc.wait()
            duration = time.monotonic() - started
        kill.report_written = report.exists()
        # processes of the run that the kill did not reach: they must go away on their own
        kill_time = time.monotonic()
        alive = leftovers(sessions, known, self.scratch)
        if landed:
            kill.orphans_after_kill = len(alive)
            kill.lingering = [f"{p.pid} {' '.join(cmdline(p.pid))[:160]}" for p in alive]
        past_grace: list[str] = []
        while alive and time.monotonic() - kill_time < WATCH:
            if not past_grace and time.monotonic() - kill_time >= self.args.grace:
                past_grace = [f"{p.pid} {' '.join(cmdline(p.pid))[:160]}" for p in alive]
            time.sleep(0.02)
            alive = leftovers(sessions, known, self.scratch)
            if landed:
                kill.lingered = time.monotonic() - kill_time
        kill.orphans_after_grace += past_grace
        for proc_left in alive:
            kill.orphans_killed.append(f"{proc_left.pid} {' '.join(cmdline(proc_left.pid))[:160]}")
            try:  # started by this script's run: end it, by its id
                os.kill(proc_left.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # only now, with nothing of the run left, are the files and the cache final
        changes = file_changes(self.hashes, file_hashes(self.project))
        kill.file_changes += [c for c in changes if c not in kill.file_changes]
        kill.files_intact = not kill.file_changes
        cache = check_cache(self.project, reference, self.scratch)
        if not cache.ok:
            kill.cache_ok = False
            kill.cache_problem += ("; " if kill.cache_problem else "") + cache.problem
        kill.verdict_rows, kill.complete_rows = cache.verdict, cache.complete
        kill.mismatches = cache.mismatches
        for entry in sorted(self.tmp.iterdir()):
            if entry.name.startswith("pytest-escape-"):
                kill.tmp_left.append(entry.name)
                kill.tmp_left_bytes += tree_size(entry)
                shutil.rmtree(entry, ignore_errors=True)
        return None if landed else duration

    def cleanup(self) -> None:
        if not self.args.keep:
            shutil.rmtree(self.scratch, ignore_errors=True)


def save_cache(db: Path, into: Path) -> None:
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db}{suffix}")
        if source.exists():
            shutil.copy2(source, into / f"{db.name}{suffix}")


def restore_cache(snapshot: Path, db: Path) -> None:
    """Put the cache back as ``save_cache`` found it (nothing has it open)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    for saved in snapshot.iterdir():
        shutil.copy2(saved, db.parent / saved.name)


def moments(count: int, rng: random.Random) -> list[float]:
    """``count`` fractions of a run, one in each of ``count`` equal strata of
    [0, LATEST): early, middle and late moments in a random order, except that
    the middle stratum comes last, so the final run resumes from a cache that
    a kill in the middle of the mutants left."""
    fractions = [(i + rng.random()) / count * LATEST for i in range(count)]
    last = fractions.pop(count // 2) if fractions else None
    rng.shuffle(fractions)
    return fractions + ([last] if last is not None else [])


# --------------------------------------------------------------------------- output


def kill_row(kill: Kill) -> str:
    stored = f"{kill.rows_before}->{kill.verdict_rows}v/{kill.complete_rows}c"
    if kill.orphans_killed:
        orphans = f"{len(kill.orphans_killed)} KILLED"
    elif kill.orphans_after_grace:
        orphans = f"{kill.orphans_after_kill} LEFT {kill.lingered:.1f}s"
    elif kill.orphans_after_kill:
        orphans = f"{kill.orphans_after_kill} gone {kill.lingered:.2f}s"
    else:
        orphans = "0"
    hard = [m for m in kill.mismatches if TIMEOUT not in (m[1], m[2])]
    rows = "ok" if not kill.mismatches else f"{len(hard)} bad/{len(kill.mismatches) - len(hard)} t/o"
    tmp = f"{len(kill.tmp_left)} ({kill.tmp_left_bytes / 1e6:.1f} MB)" if kill.tmp_left else "-"
    return (
        f"{kill.index:>2} {kill.fraction:5.3f} {kill.moment:6.2f}/{kill.expected:5.1f} "
        f"{len(kill.completed_runs):>1} "
        f"{kill.phase[:20]:<20} {kill.processes_at_kill:>5} {stored:>15} "
        f"{'yes' if kill.files_intact else 'NO':>6} {'ok' if kill.cache_ok else 'BAD':>5} "
        f"{rows:>9} {orphans:>15} {tmp:>14}"
    )


HEADER = (
    f"{'#':>2} {'frac':>5} {'t/expected':>12} r {'phase at kill':<20} {'procs':>5} "
    f"{'rows before->at':>15} {'files':>6} {'integ':>5} {'rows vs ref':>9} {'orphans':>15} "
    f"{'tmp left':>14}"
)


def show_diffs(title: str, diffs: list[Difference], limit: int = 15) -> None:
    hard = [d for d in diffs if not d.timeout_related]
    soft = [d for d in diffs if d.timeout_related]
    kinds = {kind: sum(1 for d in hard if d.kind == kind) for kind in ("status", "label", "test", "excluded")}
    print(
        f"{title}: {len(hard)} differences "
        f"({', '.join(f'{n} {kind}' for kind, n in kinds.items())}), {len(soft)} timeout-related"
    )
    for label, group in (("DIFF", hard), ("timeout-related", soft)):
        for d in group[:limit]:
            print(f"  {label}: {d.kind} {d.key}: reference {d.reference!r}, this run {d.other!r}")
        if len(group) > limit:
            print(f"  ... and {len(group) - limit} more")


def show_stale(title: str, run: Summary, failures: list[str], limit: int = 3) -> None:
    """Tests a report names for a mutant (killer, kill, pass) that the run did not collect."""
    if not run.stale:
        print(f"{title}: every test named by a mutant is a test of the run")
        return
    mutants = len({m for m, _ in run.stale})
    print(f"{title}: {len(run.stale)} test ids named by {mutants} mutants are not tests of the run, e.g.")
    for mutant, test in run.stale[:limit]:
        print(f"  {mutant} names {test}")
    failures.append(f"{title}: {mutants} mutants name tests the run does not have")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", help="a corpus project directory (it is copied, never run in)")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLed runs (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments (default 1)")
    parser.add_argument(
        "--python", default=DEFAULT_PYTHON, help=f"with pytest-escape (default {DEFAULT_PYTHON})"
    )
    parser.add_argument("--corpus-tsv", help="default: corpus.tsv next to the project directory")
    parser.add_argument("--pytest-args", help="instead of corpus.tsv's test_command, e.g. '-q tests'")
    parser.add_argument(
        "--escape-args", default="", help="more options for every run, e.g. '--escape-workers 2'"
    )
    parser.add_argument(
        "--hash-seed", default="0", help="PYTHONHASHSEED of every run, or 'random' (default 0)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=2.0,
        help="seconds a killed run's leftover processes may take to go away (default 2)",
    )
    parser.add_argument("--scratch", default=None, help="where the scratch directory goes (default: /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    if args.kills < 0:
        parser.error("--kills must be >= 0")

    wall_started = time.monotonic()
    trial = Trial(args)
    print(f"kill_resume: {trial.source.name}, {args.kills} kills, seed {args.seed}, scratch {trial.scratch}")
    print(f"  command: {shlex.join(trial.command.argv())}")
    print(f"  PYTHONHASHSEED={trial.command.env.get('PYTHONHASHSEED', '(random)')}")
    failures: list[str] = []
    try:
        # 1. the reference, no cache --------------------------------------------------
        reference, ref_wall, ref_line = trial.run_to_end("reference", "--escape-no-cache")
        ref_model = json.loads((trial.reports / "reference.json").read_text())["x-escape"]
        timings: dict[str, float] = ref_model.get("timings") or {}
        mutant_phase = float(timings.get("mutants", 0.0)) + float(timings.get("confirm", 0.0))
        fixed = max(0.5, ref_wall - mutant_phase)
        planned = reference.executed
        statuses: dict[str, int] = {}
        for status in reference.statuses.values():
            statuses[status] = statuses.get(status, 0) + 1
        print(
            f"reference (no cache): {ref_wall:.1f} s, {planned} mutants run "
            f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}); "
            f"fixed part {fixed:.1f} s, mutant phase {mutant_phase:.1f} s"
        )
        if reference.stale:
            show_stale("reference run", reference, failures)
        after_ref = file_changes(trial.hashes, file_hashes(trial.project))
        if after_ref:
            failures.append(f"the reference run changed files: {after_ref[:5]}")
        if (trial.project / CACHE_DB).exists():
            failures.append("--escape-no-cache wrote a cache database")

        # 2. the kills ---------------------------------------------------------------
        rng = random.Random(args.seed)
        kills: list[Kill] = []
        print()
        print(HEADER)
        fractions = moments(args.kills, rng)
        for index, fraction in enumerate(fractions, 1):
            stored = check_cache(trial.project, None, trial.scratch).rows
            done = min(1.0, stored / planned) if planned else 1.0
            expected = trial.scale * (fixed + mutant_phase * (1.0 - done + RESUME_SHARE * done))
            kill = Kill(index, round(fraction, 4), round(expected, 2), round(fraction * expected, 3))
            trial.kill_once(kill, reference)
            kills.append(kill)
            print(kill_row(kill), flush=True)
            for change in kill.file_changes[:5]:
                print(f"     file: {change}")
            if kill.cache_problem:
                print(f"     cache: {kill.cache_problem}")
            for mutant, got, want in kill.mismatches[:5]:
                print(f"     row: {mutant} stored {got}, reference {want}")
            for orphan in kill.orphans_after_grace:
                print(f"     still running {args.grace:g}s after the kill: {orphan[:110]}")
            for orphan in kill.orphans_killed:
                print(f"     still running {WATCH:g}s after the kill, killed: {orphan[:110]}")
            check = check_cache(trial.project, None, trial.scratch)
            if check.complete and not check.verdict and index < len(fractions):
                # the kill came after the run's end: start the next round from an empty cache
                kill.cleared_after = True
                restore_cache(trial.empty_snapshot, trial.project / CACHE_DB)
                print("     the run had ended (every row complete): cache emptied for the next kill")
            if kill.failed:
                failures.append(f"kill {index} at {kill.moment:.2f}s ({kill.phase})")
        landed = [k for k in kills if not k.completed_before_kill]
        retried = sum(len(k.completed_runs) for k in kills)
        lingering = [k for k in kills if k.orphans_after_kill]
        print(
            f"{len(landed)} of {len(kills)} kills landed before the run ended "
            f"({retried} runs ended before their moment and were retried sooner, column r); "
            f"{len(lingering)} left processes that went away on their own "
            f"(longest {max((k.lingered for k in lingering), default=0.0):.2f}s); "
            f"{sum(1 for k in kills if k.tmp_left)} left a temporary directory "
            f"({sum(k.tmp_left_bytes for k in kills) / 1e6:.1f} MB in all, removed)"
        )

        # 3. the resumed run to completion, then a run from the full cache ------------
        before_final = check_cache(trial.project, reference, trial.scratch)
        if not before_final.verdict:
            print(
                f"note: the final run starts from {before_final.complete} complete rows and no "
                "unfinished verdict: it does not test a resume"
            )
        final, final_wall, final_line = trial.run_to_end("final")
        print()
        print(
            f"final resumed run: {final_wall:.1f} s, {final.executed} run, {final.from_cache} from the cache"
        )
        print(f"  {final_line}")
        final_diffs = compare(reference, final)
        show_diffs("final resumed run vs reference", final_diffs)
        if any(not d.timeout_related for d in final_diffs):
            failures.append("the final resumed run differs from the reference")
        show_stale("final resumed run", final, failures)
        resumed_all = final.from_cache >= before_final.rows
        print(
            f"  reused {final.from_cache} stored outcomes of {before_final.rows} stored before it"
            + ("" if resumed_all else "  <- some stored verdicts were not reused")
        )
        if not resumed_all and args.hash_seed != "random":
            failures.append(f"the final run reused {final.from_cache} of {before_final.rows} stored verdicts")
        cache_warnings = [w for w in final.warnings if "cache" in w]
        if cache_warnings:
            failures.append(f"cache warnings in the final run: {cache_warnings}")

        cached, cached_wall, _ = trial.run_to_end("cached")
        print(
            f"rerun from the full cache: {cached_wall:.1f} s, "
            f"{cached.executed} run, {cached.from_cache} cached"
        )
        cached_diffs = compare(reference, cached)
        show_diffs("rerun from the full cache vs reference", cached_diffs)
        if any(not d.timeout_related for d in cached_diffs):
            failures.append("the rerun from the full cache differs from the reference")
        show_stale("rerun from the full cache", cached, failures)
        if cached.executed != 0:
            failures.append(f"the rerun from the full cache ran {cached.executed} mutants")
        if compare(final, cached):
            failures.append("the rerun from the full cache differs from the final run it was stored by")
        killers = sum(1 for i, k in final.killed_by.items() if reference.killed_by.get(i) != k)
        print(f"(informational) killed_by differs from the reference for {killers} mutants")

        end_check = check_cache(trial.project, reference, trial.scratch)
        if not end_check.ok:
            failures.append(f"the cache after the final runs: {end_check.problem}")
        end_files = file_changes(trial.hashes, file_hashes(trial.project))
        if end_files:
            failures.append(f"files changed by the final runs: {end_files[:5]}")

        wall = time.monotonic() - wall_started
        verdict = "FAIL" if failures else "PASS"
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "project": str(trial.source),
                        "scratch": str(trial.scratch),
                        "command": trial.command.argv(),
                        "hash_seed": trial.command.env.get("PYTHONHASHSEED"),
                        "seed": args.seed,
                        "reference": {"wall": ref_wall, "executed": planned, "statuses": statuses},
                        "fixed_seconds": fixed,
                        "mutant_phase_seconds": mutant_phase,
                        "kills": [asdict(k) for k in kills],
                        "final": {
                            "wall": final_wall,
                            "executed": final.executed,
                            "from_cache": final.from_cache,
                            "stored_before": before_final.rows,
                            "differences": [asdict(d) for d in final_diffs],
                            "stale_test_ids": final.stale,
                        },
                        "cached": {
                            "wall": cached_wall,
                            "executed": cached.executed,
                            "from_cache": cached.from_cache,
                            "differences": [asdict(d) for d in cached_diffs],
                            "stale_test_ids": cached.stale,
                        },
                        "failures": failures,
                        "result": verdict,
                        "wall": wall,
                    },
                    indent=2,
                )
                + "\n",
                encoding="utf-8",
            )
        print()
        for failure in failures:
            print(f"failure: {failure}")
        timeouts = sum(1 for d in final_diffs + cached_diffs if d.timeout_related)
        print(
            f"{verdict}: {len(kills)} kills, {len(failures)} failures, "
            f"{timeouts} timeout-related differences (not failures), wall {wall:.0f} s"
        )
        return 1 if failures else 0
    finally:
        trial.cleanup()


if __name__ == "__main__":
    sys.exit(main())
