"""What the mutants' runs changed in the project's source files.

pytest-escape never writes the project, but the code it runs can: a mutant
that turns ``open(path, "r")`` into ``open(path, "w")``, or a test that
cleans up the wrong directory under a mutant.  A child process cannot be
kept from the project's files without privileges the tool does not have, so
it is noticed instead: the Python and configuration files are fingerprinted
before the mutants run and compared after, and any difference is reported.
Data files count by presence only: tests write their own, and their contents
(timestamps, caches) differ run to run, but one that a mutant's run leaves
behind, or deletes, outlives the run (boltons' ``atomic_save`` doctest,
under a mutant, left ``file.txt.part``, and the project's own next test run
failed on it).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from .targets import NOT_SOURCE_DIRS, is_venv

#: besides Python files: the files that decide how the project builds and tests
CONFIG_FILES = {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"}
SUFFIXES = {".py", ".pyi"}
#: the fingerprint of a data file: only that it is there
PRESENT = "present"


def fingerprint(root: Path, leave_out: Iterable[Path] = ()) -> dict[str, str]:
    """Relative path -> sha256 of every Python and configuration file under
    ``root`` (``PRESENT`` for any other file), but not under ``leave_out``
    (where pytest writes: ``--basetemp``, its cache), nor in hidden, build or
    environment directories."""
    prints: dict[str, str] = {}
    skipped = {os.path.realpath(p) for p in leave_out}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in NOT_SOURCE_DIRS
            and not is_venv(Path(directory, d))
            and os.path.realpath(os.path.join(directory, d)) not in skipped
        ]
        for name in files:
            path = os.path.join(directory, name)
            if Path(name).suffix not in SUFFIXES and name not in CONFIG_FILES:
                prints[os.path.relpath(path, root)] = PRESENT
                continue
            try:
                with open(path, "rb") as f:
                    prints[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
            except OSError:
                continue  # unreadable now and then: nothing to compare
    return prints


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """``path (changed|deleted|new)`` for each file that differs, sorted by path."""
    found = []
    for path in sorted(before.keys() | after.keys()):
        if path not in after:
            found.append(f"{path} (deleted)")
        elif path not in before:
            found.append(f"{path} (new)")
        elif before[path] != after[path]:
            found.append(f"{path} (changed)")
    return found


def describe(changed: list[str], shown: int = 5) -> str:
    """The one-line warning for the report."""
    more = f" and {len(changed) - shown} more" if len(changed) > shown else ""
    return (
        f"files of the project changed while the mutants ran: {', '.join(changed[:shown])}{more}; "
        "the code under test or the tests wrote them under a mutant (pytest-escape never writes "
        "there): check `git status` and restore them"
    )
