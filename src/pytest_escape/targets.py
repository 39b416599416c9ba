"""Which files are under test, and under which module names they are imported.

Tests, conftest files, virtual environments and third-party code are never
targets.  Without ``--escape-paths`` the candidates are the packages under
``src/`` or, in a flat layout, the top-level packages and modules of the
rootdir; after the baseline run only the flat-layout candidates that the tests
actually imported are kept (a ``tools/`` folder next to the package is not
code under test just because it is there).
"""

from __future__ import annotations

import ast
import fnmatch
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

#: directories that hold no source of the project's own (caches, builds, environments)
NOT_SOURCE_DIRS = {"build", "dist", "node_modules", "site-packages", "__pycache__"}
#: and those whose source is not mutated
SKIP_DIRS = {"tests", "test", "testing", "docs", "doc", "examples", "benchmarks", *NOT_SOURCE_DIRS}
SKIP_FILES = {"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py"}
#: directories of vendored third-party code inside a package
VENDORED_DIRS = {"_vendor", "vendor", "_vendored", "vendored", "third_party", "_third_party", "_extern"}
#: pytest's default ``python_files``
TEST_FILE_PATTERNS = ("test_*.py", "*_test.py")


@dataclass(frozen=True)
class Target:
    path: Path
    module: str


@dataclass(frozen=True)
class Candidates:
    """Files that may be mutated, before we know what the tests import."""

    files: tuple[Path, ...]
    #: top-level package dirs / module files, for the header and the import filter
    roots: tuple[Path, ...]
    explicit: bool
    src_layout: bool
    #: files named explicitly that are tests (or conftest files), left out, and why
    left_out: tuple[tuple[Path, str], ...] = ()
    #: directories with Python files inside the walked packages that are not
    #: walked (tests, docs, vendored code), and why: named, never dropped silently
    skipped_dirs: tuple[tuple[Path, str], ...] = ()

    def describe(self, rootdir: Path) -> str:
        names = ", ".join(_rel(r, rootdir) + ("/" if r.is_dir() else "") for r in self.roots)
        how = "given" if self.explicit else ("src layout" if self.src_layout else "imported by the tests")
        count = f"{len(self.files)} file{'' if len(self.files) == 1 else 's'}"
        return f"{names or 'nothing'} ({count}, {how})"


def _rel(path: Path, rootdir: Path) -> str:
    try:
        return str(path.relative_to(rootdir))
    except ValueError:
        return str(path)


def is_test_file(path: Path, patterns: Iterable[str] = TEST_FILE_PATTERNS) -> bool:
    """A file a directory's walk leaves out: tests (pytest's ``python_files``) and tooling files."""
    return path.name in SKIP_FILES or why_test_file(path, patterns) is not None


def why_test_file(path: Path, patterns: Iterable[str] = TEST_FILE_PATTERNS) -> str | None:
    """Why pytest treats ``path`` as a test file (its ``python_files`` patterns, or a
    conftest), or None.  A pattern with a ``/`` is matched against the whole path.

    A pattern that matches any file name (``python_files = *.py``, which projects
    set to collect the doctests of every module) cannot tell a test file by its
    name: a file only it matches is a test file when it defines tests.  Taken
    by name, it left boolean.py's whole package out ("found no code to
    mutate").  Which files pytest really collected tests from is known after
    the baseline run (``select_targets``); this is the guess before it."""
    if path.name == "conftest.py":
        return "pytest loads it as a conftest"
    tells_by_content = None
    for pattern in patterns:
        if "/" in pattern:
            matched = fnmatch.fnmatch(path.as_posix(), pattern if pattern.startswith("/") else f"*/{pattern}")
        else:
            matched = fnmatch.fnmatch(path.name, pattern)
        if not matched:
            continue
        if not _matches_any_name(pattern):
            return f"pytest collects it: python_files {pattern!r}"
        tells_by_content = tells_by_content or pattern
    if tells_by_content is not None and _defines_tests(path):
        return f"pytest collects it: python_files {tells_by_content!r}, and it defines tests"
    return None


def _matches_any_name(pattern: str) -> bool:
    """Whether ``pattern`` matches even a package's ``__init__.py``, a name no
    convention gives a test file: then it says nothing about which files are tests."""
    name = pattern.rsplit("/", 1)[-1]
    return fnmatch.fnmatch("__init__.py", name)


def _defines_tests(path: Path) -> bool:
    """Whether the file's top level defines what pytest collects by default: a
    ``test*`` function, a ``Test*`` class, or a ``unittest`` test case class."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            return True
        if isinstance(node, ast.ClassDef):
            bases = [b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases]
            if node.name.startswith("Test") or any(base.endswith("TestCase") for base in bases):
                return True
    return False


def is_venv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists() or (path / "bin" / "activate").exists()


def skipped_dir_reason(path: Path) -> str | None:
    """Why a directory inside a package is not walked for code to mutate, or None."""
    name = path.name
    if name in VENDORED_DIRS:
        return "third-party code (vendored)"
    if name in ("tests", "test", "testing"):
        return "test code"
    if name in ("docs", "doc", "examples", "benchmarks"):
        return f"not the package's code ({name})"
    if name in NOT_SOURCE_DIRS - {"__pycache__"}:
        return f"build output or installed code ({name})"
    if is_venv(path):
        return "a virtual environment"
    return None


def _has_python(directory: Path) -> bool:
    try:
        return any(p.suffix == ".py" for p in directory.rglob("*.py"))
    except OSError:
        return False


def _python_files(
    directory: Path, patterns: tuple[str, ...], skipped: list[tuple[Path, str]] | None = None
) -> Iterator[Path]:
    """The source files under ``directory``; directories left out (with Python
    files in them) are added to ``skipped`` with the reason."""
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name == "__pycache__":
            continue
        if path.is_dir():
            reason = skipped_dir_reason(path)
            if reason is None:
                yield from _python_files(path, patterns, skipped)
            elif skipped is not None and _has_python(path):
                skipped.append((path.resolve(), reason))
        elif path.suffix == ".py" and not is_test_file(path, patterns):
            yield path.resolve()


def _is_package(path: Path, patterns: tuple[str, ...]) -> bool:
    """A regular package, or a namespace package: a directory without
    ``__init__.py`` whose tree holds source files (PEP 420)."""
    if not path.is_dir() or is_venv(path):
        return False
    if (path / "__init__.py").is_file():
        return True
    return path.name.isidentifier() and any(True for _ in _python_files(path, patterns))


def _top_level(directory: Path, patterns: tuple[str, ...]) -> list[Path]:
    roots = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith((".", "_")) or path.name in SKIP_DIRS:
            continue
        if _is_package(path, patterns):
            roots.append(path.resolve())
        elif path.is_file() and path.suffix == ".py" and not is_test_file(path, patterns):
            roots.append(path.resolve())
    return roots


def find_candidates(
    rootdir: Path, explicit: Iterable[Path] = (), test_patterns: Iterable[str] = TEST_FILE_PATTERNS
) -> Candidates:
    """The files to mutate: those of ``explicit`` (``--escape-paths``), else the
    packages under ``src/`` or the rootdir's top level.  Test files are never
    candidates; one named explicitly is recorded in ``left_out``."""
    explicit = tuple(explicit)
    patterns = tuple(test_patterns)
    skipped: list[tuple[Path, str]] = []
    if explicit:
        files: list[Path] = []
        left_out: list[tuple[Path, str]] = []
        for path in explicit:
            if path.is_dir():
                files.extend(_python_files(path, patterns, skipped))
            elif (why := why_test_file(path, patterns)) is not None:
                left_out.append((path, why))
            else:
                files.append(path)
        return Candidates(
            tuple(dict.fromkeys(files)),
            explicit,
            explicit=True,
            src_layout=False,
            left_out=tuple(left_out),
            skipped_dirs=tuple(skipped),
        )
    src = rootdir / "src"
    if src.is_dir() and (roots := _top_level(src, patterns)):
        files_found = _files_of(roots, patterns, skipped)
        return Candidates(files_found, tuple(roots), False, True, skipped_dirs=tuple(skipped))
    roots = _top_level(rootdir, patterns)
    files_found = _files_of(roots, patterns, skipped)
    return Candidates(files_found, tuple(roots), False, False, skipped_dirs=tuple(skipped))


def _files_of(
    roots: Iterable[Path], patterns: tuple[str, ...], skipped: list[tuple[Path, str]]
) -> tuple[Path, ...]:
    files: list[Path] = []
    for root in roots:
        files.extend(_python_files(root, patterns, skipped) if root.is_dir() else [root])
    return tuple(files)


def module_name_from_path(path: Path, roots: Iterable[Path] = ()) -> str:
    """Dotted name, counting up the directories that are packages, or up to the
    top-level package of ``roots`` that holds the file (a namespace package
    has no ``__init__.py`` to count by)."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    for root in roots:
        if root.is_dir() and root in path.parents:
            relative = path.parent.relative_to(root.parent).parts
            return ".".join([*relative, *parts])
    parent = path.parent
    while (parent / "__init__.py").is_file():
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts)


def imported_names(modules: dict[str, ModuleType] | None = None) -> dict[Path, str]:
    """File -> module name, for every module loaded from a file right now."""
    names: dict[Path, str] = {}
    for name, module in list((modules if modules is not None else sys.modules).items()):
        filename = getattr(module, "__file__", None)
        if not filename or not isinstance(filename, str) or not filename.endswith(".py"):
            continue
        try:
            names.setdefault(Path(filename).resolve(), name)
        except OSError:
            continue
    return names


@dataclass(frozen=True)
class Selection:
    """The files to mutate, and the candidates left out with the reason."""

    targets: tuple[Target, ...]
    #: (file or top-level package directory, why it is not mutated)
    dropped: tuple[tuple[Path, str], ...] = ()


def select_targets(candidates: Candidates, test_files: set[Path]) -> Selection:
    """The final targets: candidates minus collected test modules, named as imported.

    In a flat layout a top-level package or module is kept only if the tests
    imported something from it; the others are named in ``dropped``.
    """
    loaded = imported_names()
    dropped: list[tuple[Path, str]] = [
        (f, "pytest collects it as a test module") for f in candidates.files if f in test_files
    ]
    files = [f for f in candidates.files if f not in test_files]
    if not candidates.explicit and not candidates.src_layout:
        used_roots = {
            root for root in candidates.roots if any(f == root or root in f.parents for f in loaded)
        }
        dropped += [
            (root, "no test imports it (flat layout: only what the tests import is code under test)")
            for root in candidates.roots
            if root not in used_roots
        ]
        files = [f for f in files if any(f == r or r in f.parents for r in used_roots)]
    targets = []
    for f in files:
        module = loaded.get(f) or module_name_from_path(f, candidates.roots)
        if f not in loaded and not all(part.isidentifier() for part in module.split(".")):
            # a stray copy shipped beside the code (parsimonious's "grammar.py
            # pre-rewriting-resolve_refs.py"): its 464 mutants were counted as
            # uncovered, and the score fell from 74 % to 47 %
            dropped.append((f, f"no import can load it: {module!r} is not a module name"))
            continue
        targets.append(Target(path=f, module=module))
    return Selection(tuple(targets), tuple(dropped))
