"""What coverage cannot see in the baseline: the tests that change the
trace or profile function, and those that start Python processes.

Its own room, beside ``coverage_map``, which records what coverage does
see: ``BaselineRecorder`` asks a ``BlindSpots`` at each test's start and
end, and folds what it found into ``Baseline.blind`` and
``Baseline.spawns``.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

#: the audit events of a trace or profile function being set
_SETTING = ("sys.settrace", "sys.setprofile")
#: the audit event of a process being started (executable, args, cwd, env)
_SPAWN = "subprocess.Popen"
#: the watch the audit hook reports to (None: none is watching)
_watching: BlindSpots | None = None
_hooked = False


def _heard(event: str, args: tuple[object, ...]) -> None:
    """The audit hook: the interpreter traces no audit hook, so a test's own
    tracer sees nothing of it (a Python wrapper of ``sys.settrace`` was a
    frame pysnooper's tests saw in their output)."""
    if _watching is None:
        return
    if event in _SETTING:
        _watching.heard(event)
    elif event == _SPAWN and len(args) > 1:
        _watching.spawned(args[0], args[1])


def python_command(executable: object, argv: object) -> str | None:
    """The command line of a process that runs Python (a ``python*``, or a
    script whose ``#!`` line names one, such as a package's console
    script), shortened; None for any other program (a compiled tool
    installed beside this interpreter, such as ruff, is none).
    ``executable`` and ``argv`` are what ``subprocess.Popen`` was given."""
    words = [os.fsdecode(w) for w in argv] if isinstance(argv, (list, tuple)) else [os.fsdecode(str(argv))]
    if not words:
        return None
    program = os.fsdecode(str(executable)) if executable else words[0]
    if not (Path(program).name.startswith("python") or _python_script(shutil.which(program) or program)):
        return None
    text = " ".join(words[:3]) + (" ..." if len(words) > 3 else "")
    return text if len(text) <= 80 else text[:77] + "..."


def _python_script(path: str) -> bool:
    """Whether the file at ``path`` starts with a ``#!`` line naming Python."""
    try:
        with open(path, "rb") as file:
            first = file.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


class BlindSpots:
    """Which tests coverage could not see through: they change the trace or
    profile function (``tests``), or start Python processes (``spawns``).

    Coverage cannot see what runs inside a trace or profile callback: the
    interpreter suspends tracing while one runs, for every tracer.  And
    while a test's own trace function displaces coverage's, nothing the
    test runs is recorded.  A snooper's or debugger's code lives there:
    pysnooper's ``Tracer.trace`` and all it calls, run by every one of its
    tests, came out "no test executes line N" (about 450 mutants).  Such
    tests are ``Baseline.blind``; a mutant on a line coverage saw no test
    run is run against them (``execution.selection.unseen_tests``).

    A test is blind when, in its own thread, a trace or profile function is
    set while one other than coverage's is in place (the audit events
    ``sys.settrace`` and ``sys.setprofile``: a tracer taken down or
    replaced), or is left in place when it ends, or was in place when it
    began (an earlier test left it).  Setting coverage's own again is no
    sign: the doctest runner restores the trace function it found after
    every doctest, and all 30 of humanize's doctests were blind when any
    call counted.  A trace function a test sets in a thread of its own goes
    unseen: a new thread under coverage sets coverage's own in itself.  An
    audit hook stays for the process's life, so there is one, and it asks
    the watch in place.

    A process a test starts is measured by no coverage and reached by no
    mutant: python-dotenv's CLI tests run ``dotenv run ...`` in one, and its
    ``run`` and ``run_command`` were 75 mutants "no test executes line N".
    Only a process that runs Python counts (``python_command``); the report
    names such tests, as nothing else can be done about them here.
    """

    def __init__(self) -> None:
        self.tests: dict[str, str] = {}
        #: test -> the first Python process it started (``python_command``)
        self.spawns: dict[str, str] = {}
        self._ours: object = None
        self._thread = 0
        self._current: str | None = None
        self._began_foreign = False
        #: the test that left a trace function in place
        self._left: str | None = None

    def start(self) -> None:
        global _watching, _hooked
        self._ours = sys.gettrace()
        self._thread = threading.get_ident()
        _watching = self
        if not _hooked:
            sys.addaudithook(_heard)
            _hooked = True

    def stop(self) -> None:
        global _watching
        if _watching is self:
            _watching = None

    def begin(self, test: str) -> None:
        self._current = test
        self._began_foreign = self._foreign()
        if self._began_foreign:
            self.tests[test] = f"ran under a trace function {self._left or 'a test'} left in place"

    def end(self, test: str) -> None:
        self._current = None
        if self._foreign():
            self.tests.setdefault(test, "leaves a trace or profile function in place")
            if not self._began_foreign:
                self._left = test

    def heard(self, event: str) -> None:
        if self._current is not None and threading.get_ident() == self._thread and self._foreign():
            self.tests.setdefault(self._current, f"calls {event}")

    def spawned(self, executable: object, argv: object) -> None:
        if self._current is None or self._current in self.spawns:
            return
        try:
            command = python_command(executable, argv)
        except Exception:  # noqa: BLE001 - an audit hook that raises stops the process being started
            return
        if command is not None:
            self.spawns[self._current] = command

    def _foreign(self) -> bool:
        """Whether a trace or profile function other than coverage's is in place."""
        return sys.gettrace() is not self._ours or sys.getprofile() is not None
