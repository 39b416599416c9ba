"""Generate mutants in background processes while the user's tests run.

Generation is CPU-bound libcst work that depends only on the source files,
so it overlaps with the baseline run on the other cores instead of adding to
the wall-clock after it.
"""

from __future__ import annotations

import multiprocessing
import os
import tokenize
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ..lifetime import die_with_parent
from .types import MutatedModule


class UnusableTarget(Exception):
    """A target file that cannot be mutated (unreadable, undecodable, or a syntax
    error); the message is one line for the user, and the run goes on without it."""


def read_source(path: Path) -> str:
    """A Python file's text, decoded the way Python decodes it when importing it:
    a UTF-8 byte-order mark or a coding cookie (``# -*- coding: latin-1 -*-``),
    else UTF-8.  Raises ``UnusableTarget`` with the reason and its fix."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnusableTarget(f"cannot read it ({e.strerror})") from None
    lines = iter(data.splitlines(keepends=True))
    try:
        encoding, _ = tokenize.detect_encoding(lambda: next(lines, b""))
    except SyntaxError as e:
        if not e.msg.startswith(("unknown encoding", "encoding problem")):
            # no cookie, and its first lines are not UTF-8: decoding says where
            encoding = "utf-8"
        else:
            raise UnusableTarget(
                f"cannot decode it ({e.msg}); fix its coding declaration or leave the file out "
                "with --escape-paths"
            ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnusableTarget(
            f"cannot decode it as {encoding} (line {line}: byte 0x{data[e.start]:02x}); "
            "save it as UTF-8, declare its encoding (# -*- coding: latin-1 -*-) "
            "or leave the file out with --escape-paths"
        ) from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else "no message"


def _generate(module: str, path: str) -> MutatedModule | str:
    """The module's mutants, or why the file cannot be mutated (one line)."""
    # Imported here, in the generating process: libcst costs 0.8 s to import
    # and the main process never needs it.
    import libcst

    from .mutmut_adapter.generate import mutate_module

    try:
        source = read_source(Path(path))
    except UnusableTarget as e:
        return str(e)
    try:
        return mutate_module(module, source, path)
    except (libcst.ParserSyntaxError, RecursionError) as e:
        try:  # Python's own message is the one users know
            compile(source, path, "exec", dont_inherit=True)
        except SyntaxError as py:
            where = f"line {py.lineno}: {py.msg}"
            return (
                f"cannot parse it ({where}); fix the syntax error or leave the file out with --escape-paths"
            )
        except (ValueError, RecursionError, MemoryError) as py:  # null bytes, nesting too deep
            return f"cannot parse it ({_first_line(py)}); fix it or leave the file out with --escape-paths"
        what = (
            f"line {e.raw_line}: {e.message}"
            if isinstance(e, libcst.ParserSyntaxError)
            else "nested too deeply"
        )
        # valid Python that libcst does not parse (yet)
        return f"mutmut's parser (libcst) cannot parse it ({what}); leave the file out with --escape-paths"
    except Exception as e:  # a bug of ours or mutmut's must not cost the other files their run
        return (
            f"generating its mutants failed ({type(e).__name__}: {_first_line(e)}); leave the file out with "
            "--escape-paths, and please report this to pytest-escape"
        )


class MutantFactory:
    def __init__(self, files: dict[Path, str], workers: int) -> None:
        """``files`` maps each candidate file to the module name it will probably have."""
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=context,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        self._futures: dict[tuple[Path, str], Future[MutatedModule | str]] = {
            (path, module): self._pool.submit(_generate, module, str(path)) for path, module in files.items()
        }

    def get(self, path: Path, module: str) -> MutatedModule:
        """The file's mutants; ``UnusableTarget`` says why there are none."""
        future = self._futures.get((path, module))
        result = future.result() if future is not None else _generate(module, str(path))
        if isinstance(result, str):
            raise UnusableTarget(result)
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
