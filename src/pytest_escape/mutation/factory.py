"""Generate mutants in background processes while the user's tests run.

Generation is CPU-bound libcst work that depends only on the source files,
so it overlaps with the baseline run on the other cores instead of adding to
the wall-clock after it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .types import MutatedModule


class TargetSyntaxError(Exception):
    """libcst cannot parse a target file; the message is one line for the user."""


def _generate(module: str, path: str) -> MutatedModule | str:
    # Imported here, in the generating process: libcst costs 0.8 s to import
    # and the main process never needs it.
    import libcst

    from .mutmut_adapter.generate import mutate_module

    source = Path(path).read_text(encoding="utf-8")
    try:
        return mutate_module(module, source, path)
    except libcst.ParserSyntaxError as e:
        try:  # Python's own message is the one users know
            compile(source, path, "exec", dont_inherit=True)
        except SyntaxError as py:
            return f"line {py.lineno}: {py.msg}"
        return f"line {e.raw_line}: {e.message}"


def _die_with_parent(parent: int) -> None:
    """A pytest killed with SIGKILL cannot shut its pool down: let the kernel end
    the generators with it (Linux), instead of leaving them waiting forever."""
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was in place
        os._exit(0)


class MutantFactory:
    def __init__(self, files: dict[Path, str], workers: int) -> None:
        """``files`` maps each candidate file to the module name it will probably have."""
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=context,
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        )
        self._futures: dict[tuple[Path, str], Future[MutatedModule | str]] = {
            (path, module): self._pool.submit(_generate, module, str(path)) for path, module in files.items()
        }

    def get(self, path: Path, module: str) -> MutatedModule:
        future = self._futures.get((path, module))
        result = future.result() if future is not None else _generate(module, str(path))
        if isinstance(result, str):
            raise TargetSyntaxError(
                f"cannot parse {path} ({result}); fix the syntax error or leave the file out "
                "with --escape-paths"
            )
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
