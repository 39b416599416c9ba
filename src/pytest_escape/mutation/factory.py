"""Generate mutants in background processes while the user's tests run.

Generation is CPU-bound libcst work that depends only on the source files,
so it overlaps with the baseline run on the other cores instead of adding to
the wall-clock after it.

Because it depends only on a file's text (and on the code that generates),
its result is also kept in the user's cache, keyed by exactly that: a file
unchanged since any earlier run, of any project, is not generated again.
Most of a generation is importing libcst and mutmut (0.7 s of CPU in each
generating process, for a file of any size), so a run whose files all hit
starts no generating process at all.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import sys
import tokenize
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ..execution.protocol import decode, to_json
from ..lifetime import die_with_parent
from ..user_cache import prune, user_cache_dir, write_atomically
from .types import MutatedModule

#: generated modules the cache keeps (the least recently used go first)
CACHE_ENTRIES = 2000


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


def _generate(module: str, path: str, source: str | None = None) -> MutatedModule | str:
    """The module's mutants, or why the file cannot be mutated (one line);
    ``source``: the file's text as already read (the text its cache key is of)."""
    # Imported here, in the generating process: libcst costs 0.8 s to import
    # and the main process never needs it.
    import libcst

    from .mutmut_adapter.generate import mutate_module

    try:
        if source is None:
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


@functools.lru_cache(maxsize=1)
def _generator_version() -> str:
    """What, besides a file's text, decides its mutants: this package's
    generating code (its own text, so that an edited checkout never reads
    a stale entry), mutmut's and libcst's versions, and Python's (its
    grammar)."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for source in sorted([*here.glob("*.py"), *here.glob("mutmut_adapter/*.py")]):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    for package in ("mutmut", "libcst"):
        try:
            digest.update(f"{package} {importlib.metadata.version(package)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package} ?".encode())
    digest.update(f"{sys.implementation.name} {sys.version_info[:2]}".encode())
    return digest.hexdigest()


class GeneratedCache:
    """Generated modules in the user's cache, one JSON file per (module name,
    source text, generator version), written and read with the worker
    wire's typed conversion (``execution.protocol``), as the outcome store
    does: nothing in it is executed on reading.  The file's path is not in the key (a
    project's copy elsewhere generates the same mutants); it is put back on
    reading.  Only modules are kept: a file that cannot be mutated says why
    again at each run, from its current text."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else user_cache_dir() / "generated"

    @staticmethod
    def key(module: str, source: str) -> str:
        digest = hashlib.sha256(f"{_generator_version()}\0{module}\0".encode())
        digest.update(source.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def load(self, key: str, path: Path) -> MutatedModule | None:
        entry = self.folder / f"{key}.json"
        try:
            module = decode(MutatedModule, json.loads(entry.read_text(encoding="utf-8")))
            os.utime(entry)  # recently used: pruned last
        except Exception:  # noqa: BLE001 - missing, unreadable or stale: generated again
            return None
        return dataclasses.replace(module, filename=str(path))

    def keep(self, key: str, module: MutatedModule) -> bool:
        """Keep ``module`` under ``key``; False if the cache could not be written."""
        text = json.dumps(to_json(module))
        return write_atomically(self.folder / f"{key}.json", text.encode("utf-8"))

    def prune(self) -> None:
        prune(self.folder, CACHE_ENTRIES)


class MutantFactory:
    def __init__(self, files: dict[Path, str], workers: int, cache: GeneratedCache | None = None) -> None:
        """``files`` maps each candidate file to the module name it will probably have;
        ``cache`` (default: the user's) holds earlier runs' generated modules."""
        self._cache = cache if cache is not None else GeneratedCache()
        self._found: dict[tuple[Path, str], MutatedModule] = {}
        self._keys: dict[tuple[Path, str], str] = {}
        #: entries written this run (the cache is pruned at ``close``)
        self._kept = 0
        sources: dict[tuple[Path, str], str] = {}
        for path, module in files.items():
            try:
                sources[(path, module)] = read_source(path)
            except UnusableTarget:
                continue  # generated (and explained) in its process
            key = self._keys[(path, module)] = self._cache.key(module, sources[(path, module)])
            found = self._cache.load(key, path)
            if found is not None:
                self._found[(path, module)] = found
        missing = [item for item in files.items() if item not in self._found]
        self._pool: ProcessPoolExecutor | None = None
        if missing:
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, min(workers, len(missing))),
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        self._futures: dict[tuple[Path, str], Future[MutatedModule | str]] = {
            (path, module): self._pool.submit(_generate, module, str(path), sources.get((path, module)))
            for path, module in missing
            if self._pool is not None
        }

    @property
    def generating(self) -> int:
        """How many files are generated in this run (the others were in the cache)."""
        return len(self._futures)

    def get(self, path: Path, module: str) -> MutatedModule:
        """The file's mutants; ``UnusableTarget`` says why there are none."""
        found = self._found.get((path, module))
        if found is not None:
            return found
        future = self._futures.get((path, module))
        result = future.result() if future is not None else _generate(module, str(path))
        if isinstance(result, str):
            raise UnusableTarget(result)
        key = self._keys.get((path, module))
        if key is not None and future is not None:
            self._kept += self._cache.keep(key, result)
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._kept:
            self._cache.prune()  # once per run, not once per file written
            self._kept = 0
