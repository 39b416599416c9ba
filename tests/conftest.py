"""Shared helpers: small generated projects run through the real plugin."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_escape.config import DEFAULT_PROPERTY_BUDGET
from pytest_escape.model import Results, with_test_names
from pytest_escape.results_io import read_json

pytest_plugins = ["pytester"]


def pytest_configure(config: pytest.Config) -> None:
    """Let the runs this suite starts keep their bytecode, as a user's runs do.

    These machines set ``PYTHONDONTWRITEBYTECODE``.  Under it, every
    interpreter a test started compiled pytest-escape again and, worse, had
    pytest rewrite the assertions of all its modules again (pytest rewrites
    every module of a plugin's distribution and caches the result only where
    bytecode may be written): a second of each ``pytest --escape`` run, on
    every run of the suite.  A user's machine caches both, so the suite's
    runs now start as theirs do.  Set in the controller, before xdist starts
    its workers, so that every process inherits it.
    """
    if not hasattr(config, "workerinput"):
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        _share_the_user_cache(config)


def _share_the_user_cache(config: pytest.Config) -> None:
    """One user cache for every run this session starts, as a user has one
    for all their runs: pytester points ``HOME`` into each test's own
    folder, so without this each run had an empty cache, and generated
    every mutant (a second of CPU) and built Hypothesis's tables again.
    The cache is keyed by content (a file's text, a Hypothesis version), so
    no test sees another's outcomes through it; a fresh one for each session,
    removed at its end, so that no run of the suite depends on an earlier one."""
    if "XDG_CACHE_HOME" in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="pytest-escape-suite-cache-")
    os.environ["XDG_CACHE_HOME"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


#: "-p" arguments that keep the async plugins out of a generated project's run
ASYNC_PLUGINS_OFF = ("no:asyncio", "no:anyio")
#: the plugins every run of a generated project loads, by module: pytest does
#: not look through the installed distributions' entry points for them
#: (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``), a fifth of a second of each of the
#: two or three pytest sessions a run starts (its own, its worker's, the one
#: that verifies regression tests).  Nothing a generated project runs needs
#: the other plugins of this environment; a test about one loads it
#: (``Project.with_plugins``).
RUN_PLUGINS = ("pytest_escape.plugin",)
#: Hypothesis's pytest plugin imports all of Hypothesis (a second) in its
#: terminal summary, in every run; no generated project uses it (the witness
#: and property children use Hypothesis as a library)
PLUGINS_OFF = ("no:hypothesispytest",)


class Project:
    """A generated project inside ``pytester.path`` and the results of running it."""

    def __init__(self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pytester = pytester
        self.path = pytester.path
        self.monkeypatch = monkeypatch
        # pytest-asyncio (a test extra, for the async tests) warns in every run that
        # does not set its loop scope, fatally under filterwarnings = error: generated
        # projects run without it unless a test asks for it (Project.with_async)
        pytester.plugins.extend(ASYNC_PLUGINS_OFF + PLUGINS_OFF)
        self.plugins: list[str] = []
        self.with_plugins(*RUN_PLUGINS)

    def with_plugins(self, *modules: str) -> None:
        """Runs of this project load these plugin modules, besides pytest-escape."""
        self.plugins += modules
        for name, value in plugin_environment(self.plugins).items():
            self.monkeypatch.setenv(name, value)

    def with_async(self) -> None:
        """Runs of this project load pytest-asyncio's and anyio's plugins."""
        for plugin in ASYNC_PLUGINS_OFF:
            self.pytester.plugins.remove(plugin)
        self.with_plugins("pytest_asyncio.plugin", "anyio.pytest_plugin")

    def beside(self, name: str) -> Path:
        """A path of this test's own next to the project, outside it.  The
        project's parent is shared by the session's tests: a trace file there
        was once another test's, and the test read it as its own."""
        return self.path.with_name(f"{self.path.name}-{name}")

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def run(self, *args: str, cache: bool = False) -> pytest.RunResult:
        """A real ``pytest --escape`` in a fresh interpreter (in-process runs would
        share coverage.py's C tracer with this session).  Without ``cache`` pytest's
        cache directory, and with it pytest-escape's outcome cache, is off."""
        self.report = self.path / "escape-report.json"
        full = ["--escape", *([] if cache else ["-p", "no:cacheprovider"]), "--escape-workers", "2", *args]
        full += _searches_off(args)
        if not any(a.startswith("--escape-report") for a in args):
            full += ["--escape-report", f"json:{self.report}"]
        return self.pytester.runpytest_subprocess(*full)

    def start(self, *args: str, **popen: Any) -> subprocess.Popen[Any]:
        """``pytest --escape ARGS`` in the background, to kill it or to run two at
        once; its output is thrown away unless ``popen`` says where it goes."""
        popen.setdefault("stdout", subprocess.DEVNULL)
        popen.setdefault("stderr", subprocess.DEVNULL)
        args += tuple(_searches_off(args))
        plugins = [f"-p{p}" for p in self.pytester.plugins if isinstance(p, str)]
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", *plugins, "--escape", *args], cwd=self.path, **popen
        )

    def results(self) -> dict[str, Any]:
        return read_report(self.report)

    def mutants(self) -> dict[str, dict[str, Any]]:
        return mutants_by_id(self.results())

    def statuses(self) -> dict[str, str]:
        return {k: m["status"] for k, m in self.mutants().items()}

    def source_hashes(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.path.rglob("*.py"))
            if "__pycache__" not in p.parts
        }


def plugin_environment(plugins: Sequence[str] = RUN_PLUGINS) -> dict[str, str]:
    """The environment under which a run loads exactly ``plugins`` (and those
    its ``-p`` options name), in every pytest session it starts."""
    return {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_PLUGINS": ",".join(plugins)}


def read_report(report: Path) -> dict[str, Any]:
    """A run's JSON report, as the tests read it: its model's tests named,
    not numbered (``model.with_test_names``)."""
    document: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    if isinstance(document.get("x-escape"), dict) and "tests" in document["x-escape"]:
        with_test_names(document["x-escape"])
    return document


def mutants_by_id(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in results["x-escape"]["mutants"]}


def _searches_off(args: tuple[str, ...]) -> list[str]:
    """The witness search and the property checks cost seconds per run: a run has
    them only if its test asks (``--escape-witness-budget 60``), as the tests of
    witnesses and properties do."""
    off = []
    for stage in ("--escape-witness-budget", "--escape-property-budget"):
        if not any(a.startswith(stage) for a in args):
            off += [stage, "0"]
    return off


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Project:
    return Project(pytester, monkeypatch)


def first(mutants: dict[str, dict[str, Any]], match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    found = [m for m in mutants.values() if match(m)]
    assert found, "no mutant matches"
    return found[0]


def repeated_project(held: str = "k") -> dict[str, str]:
    """A decorator factory and a test module that applies it as it is
    imported (``@repeated(2) def double``): the wrapper the tests call is a
    closure made before any mutant ran, holding ``func`` and ``held``."""
    return {
        "repeated.py": f"""
            def repeated({held}):
                def wrap(func):
                    def run(*args):
                        return [func(*args) for _ in range({held} + 1)]

                    return run

                return wrap
            """,
        "test_repeated.py": """
            from repeated import repeated


            @repeated(2)
            def double(x):
                return 2 * x


            def test_double():
                assert double(5)
            """,
    }


#: A small project whose run has one of everything the reports show: a killed
#: mutant, a survivor with a witness and a verified regression test, a
#: pseudo-tested function, a confirming-only test, two modules, and markup in
#: the code, a docstring and a test id that a report must show as text.
SAMPLE = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        """,
    "src/demo/__init__.py": "",
    "src/demo/pricing.py": '''
        def label(name: str) -> str:
            """Greets <b>you</b> & friends."""
            if name:
                return "</script><script>alert(1)</script>" + name
            return "<none>"


        def bulk_discount(qty: int) -> float:
            if qty >= 10:
                return 0.1
            return 0.0


        def tax(amount: float) -> float:
            return round(amount * 0.2, 2)
        ''',
    "src/demo/util.py": """
        def clamp(x: int, low: int, high: int) -> int:
            if x < low:
                return low
            if x > high:
                return high
            return x


        def unused(x: int) -> int:
            return x * 2
        """,
    "tests/test_pricing.py": """
        import pytest

        from demo.pricing import bulk_discount, label, tax


        def test_bulk():
            assert bulk_discount(20) == 0.1
            assert bulk_discount(1) == 0.0


        @pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>"])
        def test_label(name):
            assert label(name).endswith(name)
            assert label("") == "<none>"


        def test_tax_runs():
            tax(10)
        """,
    "tests/test_util.py": """
        from demo.util import clamp


        def test_clamp():
            assert clamp(5, 0, 10) == 5
            assert clamp(-1, 0, 10) == 0
            assert clamp(11, 0, 10) == 10
        """,
}


@dataclass(frozen=True)
class SharedRun:
    """One real ``pytest --escape`` run of a generated project, made once per
    session for every test that only reads it (see ``shared_run``)."""

    #: the project's folder (``report`` and anything else the run wrote beside it)
    path: Path
    report: Path
    returncode: int
    stdout: str

    def results(self) -> dict[str, Any]:
        return read_report(self.report)

    def mutants(self) -> dict[str, dict[str, Any]]:
        return mutants_by_id(self.results())


def shared_run(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, files: dict[str, str], *args: str
) -> SharedRun:
    """``pytest --escape ARGS`` on ``files``, run once for the whole session:
    with pytest-xdist, the first worker to get here runs it under a lock in
    the directory the workers share, and the others read what it left
    (pytest-xdist's recipe for session fixtures; a module-scoped fixture
    would run once per worker).  The tests that read it must not change its
    folder: one that runs the project again copies it first."""
    if worker_id == "master":
        return _shared_run(tmp_path_factory.mktemp(name), files, args)
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        root = shared / name
        if (root / "run.json").is_file():
            done = json.loads((root / "run.json").read_text(encoding="utf-8"))
            return SharedRun(root / "project", root / "project" / "escape-report.json", *done)
        root.mkdir(exist_ok=True)
        return _shared_run(root, files, args)


def _shared_run(root: Path, files: dict[str, str], args: tuple[str, ...]) -> SharedRun:
    project = root / "project"
    for file, text in files.items():
        target = project / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    report = project / "escape-report.json"
    command = [sys.executable, "-m", "pytest", "--escape", "-p", "no:cacheprovider"]
    command += [f"-p{p}" for p in (*ASYNC_PLUGINS_OFF, *PLUGINS_OFF)]
    command += ["--escape-workers", "2", *args, *_searches_off(args), "--escape-report", f"json:{report}"]
    environment = {**os.environ, **plugin_environment()}
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=environment)
    assert report.is_file(), done.stdout + done.stderr
    (root / "run.json").write_text(json.dumps([done.returncode, done.stdout]), encoding="utf-8")
    return SharedRun(project, report, done.returncode, done.stdout)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The JSON results of one real ``pytest --escape`` run of SAMPLE."""
    # the property checks at their default budget, as a user's run has them
    budget = f"{DEFAULT_PROPERTY_BUDGET:g}"
    args = ("--escape-seed", "1", "--escape-witness-budget", "30", "--escape-property-budget", budget)
    run = shared_run(tmp_path_factory, worker_id, "sample", SAMPLE, *args)
    return run.report


@pytest.fixture
def sample_results(sample_report: Path) -> Results:
    return read_json(sample_report)
