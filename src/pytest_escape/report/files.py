"""Writing report files atomically: a crash mid-write never leaves half a file.

Only regular files are replaced.  A device or a pipe (``json:/dev/stdout``,
a named pipe a CI step reads) is written into: renaming a temporary file onto
it would put a regular file in its place, which as root means a broken
``/dev/null`` for the whole machine.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text``, or its pieces in turn: a large report need not be
    one string in memory first (``stryker_json.write_json``)."""
    pieces = [text] if isinstance(text, str) else text
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8") as f:
            f.writelines(pieces)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".escape-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(pieces)
        # mkstemp makes the file private (0600); a report is as readable as any file the user writes
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
