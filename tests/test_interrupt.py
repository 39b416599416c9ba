"""Ctrl-C in the middle of the mutation phase: a clean stop, nothing left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Project

from pytest_escape.execution.protocol import PhaseDone
from pytest_escape.execution.runner import EventsWhole
from pytest_escape.execution.worker import Emitter, _remove_if_orphaned

SLOW_TESTS = """
import time
from pricing import fee

def test_fee_slowly():
    time.sleep(0.3)
    assert fee(100) == 0
    assert fee(99) == 2
    assert fee(5) == 5
"""
PRICING = """
def fee(amount):
    if amount >= 100:
        return 0
    if amount >= 50:
        return 2
    if amount >= 10:
        return 4
    return 5
"""


def processes_in(directory: Path) -> list[int]:
    """Live processes whose working directory is ``directory`` (the worker and its children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == directory:
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def described(pids: list[int]) -> list[str]:
    """What a leftover process is and what it is doing, for the failure message."""
    lines = []
    for pid in pids:
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (Path("/proc") / str(pid) / "status").read_text().splitlines()
            state = next((line for line in status if line.startswith("State:")), "")
            stack = (Path("/proc") / str(pid) / "wchan").read_text()
        except OSError:
            continue
        lines.append(f"{pid} {state} wchan={stack} {cmdline[:200]}")
    return lines


def _ctrl_c_as_in_a_shell() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _signal_state(pid: int) -> str:
    """The process's ignored and blocked signal masks, for a failure's message."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text().splitlines()
    except OSError:
        return "no /proc status"
    return " ".join(line for line in status if line.startswith(("SigBlk", "SigIgn")))


def test_sigint_during_mutants_stops_cleanly_and_changes_nothing(project: Project) -> None:
    # slower under a mutant than in the baseline: on a loaded runner the three
    # verdicts waited for can land late, and the rest must still be running
    in_worker = "0.8 if os.environ.get('PYTEST_ESCAPE_WORKER') else 0.1"
    slow = "import os\n" + SLOW_TESTS.replace("time.sleep(0.3)", f"time.sleep({in_worker})")
    project.write({"pricing.py": PRICING, "test_pricing.py": slow})
    before = project.source_hashes()
    trace = project.beside("events.jsonl")  # the worker's raw events
    proc = project.start(
        "-p",
        "no:cacheprovider",
        "--escape-workers",
        "1",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTEST_ESCAPE_TRACE=str(trace)),
        # Ctrl-C as a shell delivers it: a process inherits an ignored or
        # blocked SIGINT across exec, and the suite's own process may have one
        preexec_fn=_ctrl_c_as_in_a_shell,
    )
    assert proc.stdout is not None
    signals = _signal_state(proc.pid)
    seen = []
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("escape: running"):
            break
        assert time.monotonic() < deadline, "".join(seen)
    assert seen and seen[-1].startswith("escape: running"), "".join(seen)
    # interrupt once some verdicts have landed, so there is a partial result
    while proc.poll() is None and (not trace.exists() or trace.read_text().count('"event": "result"') < 3):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    output = "".join(seen) + proc.stdout.read()
    assert proc.wait(timeout=30) == 2, f"{signals}\n{output}"
    # what finished is reported, per module, but not gated
    lines = output.splitlines()
    (headline,) = [line for line in lines if line.startswith("escape: interrupted during the mutation phase")]
    assert headline.endswith(
        "mutants finished; nothing was gated, no report file was written, and pytest-escape changed no "
        "source file"
    ), headline
    finished, planned = (int(n) for n in headline.split(": ")[2].split(" mutants")[0].split(" of "))
    assert 2 <= finished < planned
    (module,) = [line for line in lines if line.startswith("escape:   pricing: ")]
    counts = [int(word) for word in module.replace(",", " ").replace(";", " ").split() if word.isdigit()]
    assert sum(counts[:4]) >= finished and module.endswith(f"({planned - finished} not run)"), module
    assert "Traceback" not in output
    assert project.source_hashes() == before
    deadline = time.monotonic() + 5
    while processes_in(project.path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_in(project.path) == []


def test_a_sigkilled_pytest_takes_its_worker_and_children_with_it(project: Project) -> None:
    """Nothing can run in a SIGKILLed process: the kernel tells the worker
    (PR_SET_PDEATHSIG), which stops its children and removes its plan.  Until
    then it noticed only when it next wrote an event, here after the 30 s
    test (the baseline, in pytest itself, takes 0.3 s)."""
    in_worker = "30 if os.environ.get('PYTEST_ESCAPE_WORKER') else 0.3"
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": "import os\n"
            + SLOW_TESTS.replace("time.sleep(0.3)", f"time.sleep({in_worker})"),
        }
    )
    tmp = project.beside("tmp")
    tmp.mkdir()
    trace = project.beside("events.jsonl")
    proc = project.start(
        "-p",
        "no:cacheprovider",
        "--escape-workers",
        "1",
        env=dict(os.environ, PYTEST_ESCAPE_TRACE=str(trace), TMPDIR=str(tmp)),
    )
    deadline = time.monotonic() + 60
    # the worker has collected and forked its first child, which sleeps 4 s in the test
    while not trace.exists() or '"phase"' not in trace.read_text():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    while len(processes_in(project.path)) < 3:  # pytest, the worker, a child
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10  # grace for a loaded machine, well short of the 30 s
    while processes_in(project.path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert described(processes_in(project.path)) == []
    left = {p.name: sorted(f.name for f in p.iterdir()) for p in tmp.glob("pytest-escape-*")}
    assert left == {}


def test_a_broken_event_pipe_is_reason_enough_to_remove_the_plan(tmp_path: Path) -> None:
    """The kernel closes a dying pytest's pipe before it reparents the worker:
    in between, getppid() still names pytest, and a worker that decided by it
    alone left its plan behind (a CI flake of the test above)."""
    plan_dir = tmp_path / "pytest-escape-plan"
    plan_dir.mkdir()
    (plan_dir / "worker.log").write_text("log")
    read_fd, write_fd = os.pipe()
    emit = Emitter(write_fd)
    emit(PhaseDone("collect", 0.1))
    _remove_if_orphaned(plan_dir, os.getppid(), emit.broken)
    assert plan_dir.exists()  # our parent is alive and still reading: its directory
    os.close(read_fd)
    with pytest.raises(BrokenPipeError):
        emit(PhaseDone("mutants", 0.1))
    assert emit.broken
    _remove_if_orphaned(plan_dir, os.getppid(), emit.broken)
    assert not plan_dir.exists()


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death notice is Linux's")
def test_a_worker_whose_pytest_died_before_it_started_removes_the_plan(tmp_path: Path) -> None:
    """A pytest killed while its worker imports sends no notice the worker can
    still receive: the worker must see for itself, first thing, and clean up."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    plan_dir = tmp_path / "pytest-escape-plan"
    plan_dir.mkdir()
    plan = {"parent": gone.pid, "sys_path": sys.path, "modules": {}, "args": ["--version"]}
    (plan_dir / "plan.json").write_text(json.dumps({"strings": [], "plan": plan}))  # encode_plan's shape
    read_fd, write_fd = os.pipe()
    worker = subprocess.run(
        [sys.executable, "-m", "pytest_escape.execution.worker", str(plan_dir / "plan.json"), str(write_fd)],
        pass_fds=[write_fd],
        capture_output=True,
        timeout=60,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as events:
        assert events.read() == ""  # it ran nothing
    assert worker.returncode == 0, worker.stderr
    assert not plan_dir.exists()


#: fee's survivors are found in a moment; every call of crawl takes 50 ms, so
#: a stage that calls it is still going when the test presses Ctrl-C
CRAWL_PROJECT = {
    "pricing.py": PRICING + "\n\ndef crawl(n):\n    import time\n    time.sleep(0.05)\n"
    "    return n * 2 if n > 3 else n + 3\n",
    "test_pricing.py": "from pricing import crawl, fee\n\n"
    "def test_fee():\n    assert fee(500) == 0\n    assert fee(5) == 5\n\n"
    "def test_crawl():\n    assert crawl(10) == 20\n",
}


def events(trace: Path) -> list[dict[str, Any]]:
    """The worker's events so far (``PYTEST_ESCAPE_TRACE``)."""
    if not trace.exists():
        return []
    return [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]


def interrupted_when(
    project: Project, args: tuple[str, ...], trace: Path, ready: Callable[[list[dict[str, Any]]], bool]
) -> str:
    """``pytest --escape ARGS`` in the background, Ctrl-C as soon as its events are
    ``ready``; its output, once it has stopped with exit 2, leaving no
    scratch directory behind (the worker leaves through ``os._exit``: a
    stage's own clean-up never runs)."""
    tmp = project.beside("tmp")
    tmp.mkdir(exist_ok=True)
    proc = project.start(
        *args,
        "-p",
        "no:randomly",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTEST_ESCAPE_TRACE=str(trace), TMPDIR=str(tmp)),
        preexec_fn=_ctrl_c_as_in_a_shell,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while proc.poll() is None and not ready(events(trace)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert proc.poll() is None, "the stage ended before Ctrl-C: make crawl slower"
    proc.send_signal(signal.SIGINT)
    output = proc.stdout.read()
    assert proc.wait(timeout=30) == 2, output
    assert sorted(p.name for p in tmp.glob("pytest-escape-*")) == []
    return output


def test_ctrl_c_inside_an_event_lands_when_the_event_is_handled_whole() -> None:
    """A SIGINT that arrives while one worker event is handled is raised when
    that event's every step is done (cached, gathered, traced), so the
    summary, the cache and the trace agree; between events it is raised at
    once, and pytest's own handler is back afterwards."""
    whole = EventsWhole()
    steps: list[str] = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # an xdist worker may ignore it
    try:
        _ctrl_c_inside_an_event(whole, steps)
    finally:
        signal.signal(signal.SIGINT, previous)


def _ctrl_c_inside_an_event(whole: EventsWhole, steps: list[str]) -> None:
    with whole.installed():
        with pytest.raises(KeyboardInterrupt):
            with whole.event():
                steps.append("cached")
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.01)  # where a bare handler raises
                steps.append("gathered")
                steps.append("traced")
        assert steps == ["cached", "gathered", "traced"]
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        with whole.event():  # nothing noted is left over
            steps.append("next")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def headline_of(output: str) -> str:
    (headline,) = [line for line in output.splitlines() if line.startswith("escape: interrupted during")]
    return headline


def test_sigint_during_the_search_names_that_phase_and_keeps_what_it_found(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the counter-examples are searched: the summary says so (not
    "the mutation phase"), lists the counter-examples already found, and the
    cache keeps them (a witness makes its mutant's row final,
    ``RunCache.witness``): the next run does not search those survivors again."""
    project.write(CRAWL_PROJECT)
    before = project.source_hashes()
    trace = project.beside("events.jsonl")
    args = ("--escape-workers", "1", "--escape-witness-budget", "120", "--escape-seed", "3")

    def witnessed(found: list[dict[str, Any]]) -> list[str]:
        return [e["id"] for e in found if e["event"] == "witness" and e["witness"]["verdict"] == "witnessed"]

    output = interrupted_when(project, args, trace, lambda found: bool(witnessed(found)))
    found = witnessed(events(trace))
    lines = output.splitlines()
    headline = headline_of(output)
    assert headline.startswith("escape: interrupted during the counter-example search: "), headline
    assert headline.endswith(
        "the finished mutants and the counter-examples found are cached for the next run"
    )
    assert f"escape: counter-examples found before the interrupt ({len(found)}):" in lines
    assert any(line.startswith("escape:   fee #") and "witnessed: fee(" in line for line in lines), output
    assert project.source_hashes() == before

    # the next run resumes: the survivors already witnessed are not searched again
    trace.unlink()
    monkeypatch.setenv("PYTEST_ESCAPE_TRACE", str(trace))
    # (few examples: crawl's own survivors are searched again, at 50 ms a call)
    again = project.run(*args, "-p", "no:randomly", "--escape-examples", "3", cache=True)
    assert again.ret == 0, again.stdout.str()
    assert {e["id"] for e in events(trace) if e["event"] == "witness"}.isdisjoint(found)
    mutants = project.mutants()
    assert all(mutants[m]["witness"]["verdict"] == "witnessed" for m in found)


def test_sigint_during_the_property_checks_keeps_the_finished_functions(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while properties are checked: the summary names that phase, and
    the functions whose checks finished are cached whole (the worker says when
    a function's last result is sent), so the next run checks only the rest."""
    project.write(CRAWL_PROJECT)
    trace = project.beside("events.jsonl")
    args = ("--escape-workers", "1", "--escape-witness-budget", "0", "--escape-property-budget", "120")

    def finished(found: list[dict[str, Any]]) -> list[str]:
        return [e["function"] for e in found if e["event"] == "properties-checked"]

    output = interrupted_when(project, args, trace, lambda found: bool(finished(found)))
    assert finished(events(trace)) == ["fee"]  # crawl's checks were still running
    headline = headline_of(output)
    assert headline.startswith("escape: interrupted during the property checks: "), headline
    assert "the property checks of 1 finished function, are cached for the next run" in headline

    trace.unlink()
    monkeypatch.setenv("PYTEST_ESCAPE_TRACE", str(trace))
    again = project.run(*args, "-p", "no:randomly", cache=True)
    assert again.ret == 0, again.stdout.str()
    again.stdout.fnmatch_lines(["escape: property checks of 1 function run, 1 taken from the cache"])
    assert {e["result"]["function"] for e in events(trace) if e["event"] == "property"} == {"crawl"}
