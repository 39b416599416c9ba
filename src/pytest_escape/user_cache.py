"""The user's cache directory: what is the same for every project and costly to make.

Two things are kept there, both pure functions of what they are keyed by:
Hypothesis's unicode tables (two seconds to build, the same for every
project) and the mutants generated from a file's text (libcst and mutmut
take most of a second to import, in each generating process of each run).
Nothing a run *measures* is kept here: outcomes live in the project's own
store, which ``-p no:cacheprovider`` turns off.  A cache that cannot be read
or written only costs the time it would have saved.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import tempfile


def user_cache_dir() -> pathlib.Path:
    """``$XDG_CACHE_HOME/pytest-escape``, else ``~/.cache/pytest-escape``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "pytest-escape"


def write_atomically(path: pathlib.Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file renamed into place,
    so that a run reading the cache never sees half a file (two runs writing
    at once: the last rename stands, and both wrote the same bytes).  False
    when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, staging = tempfile.mkstemp(prefix=".staging-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(staging, path)
        except BaseException:
            os.unlink(staging)
            raise
    except OSError:
        return False
    return True


def keep_folder(source: pathlib.Path, target: pathlib.Path) -> None:
    """Copy the folder ``source`` to ``target``: into a folder of our own,
    then renamed into place, so a run reading the cache never sees half of it
    (two runs at once: the second rename fails, and the first one's copy
    stands).  Nothing is kept if it cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = pathlib.Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
        shutil.copytree(source, staging / target.name)
        try:
            os.rename(staging / target.name, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        pass


def prune(folder: pathlib.Path, keep: int) -> None:
    """Leave the ``keep`` files of ``folder`` modified last (the generated
    mutants' cache touches an entry on each hit; Hypothesis's constants
    files are as old as their writing), so that a cache keyed by content
    does not grow with every version of every file it ever saw."""
    try:
        entries = [(p.stat().st_mtime, p) for p in folder.iterdir() if p.is_file()]
    except OSError:
        return
    if len(entries) <= keep:
        return
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        try:
            path.unlink()
        except OSError:
            continue
