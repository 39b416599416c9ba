"""``--escape-since REV``: which lines a change touched, so only their mutants run.

A pull request's mutation run should cost what the pull request changed, not
what the whole project holds. The base is ``git merge-base REV HEAD`` (on a
feature branch, ``--escape-since origin/main`` means "what this branch did",
however far main has moved since), and the other side is the working tree, so
work not yet committed counts too.

What counts as changed, in the working-tree version of each file:

* an added or rewritten line;
* both neighbours of a pure deletion (a deletion leaves no line of its own
  behind, but a removed guard clause changes what the lines around it do, and
  this way a deletion inside a function still selects that function);
* every line of an untracked, not ignored file (it is all new).

A file renamed without edits changes no line (renames are detected, only
hunks count); binary files, symlinks, submodules and deleted files have no
lines to mutate and are left out.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: seconds for one git command; a diff of a huge repository is slow, a hung git is a bug
GIT_TIMEOUT = 120.0

# git decides "binary" from the first 8000 bytes having a NUL; untracked files get the same test
_BINARY_SNIFF = 8000
_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_OCTAL = b"01234567"
_C_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): ord('"'),
    ord("\\"): ord("\\"),
}


class SinceError(Exception):
    """One line for the user: what is wrong and how to fix it."""


def _error(message: str) -> SinceError:
    # paths and revisions come from the user and may hold line breaks; the message must stay one line
    return SinceError(" ".join(message.splitlines()))


@functools.lru_cache(maxsize=4096)
def _resolved(path: Path) -> Path:
    # touches() is asked once per mutant, mostly about the same few files
    return path.resolve()


@dataclass(frozen=True)
class ChangedLines:
    """The lines changed since ``rev``; see the module docstring for what counts."""

    rev: str
    base: str
    #: resolved absolute file path -> 1-based line numbers (in the working-tree version of the file)
    #: that are added or changed
    lines: dict[Path, frozenset[int]] = field(hash=False)

    def of(self, path: Path) -> frozenset[int]:
        """The changed lines of ``path`` (relative paths are taken from the current directory)."""
        found = self.lines.get(path)
        if found is None:
            # absolute first: the cache must not answer for a relative path after a chdir
            found = self.lines.get(_resolved(path.absolute()), frozenset())
        return found

    def touches(self, path: Path, first: int, last: int) -> bool:
        """Whether any line in ``first..last`` (inclusive) of ``path`` changed."""
        changed = self.of(path)
        if first > last or not changed:
            return False
        if last - first < len(changed):
            return any(n in changed for n in range(first, last + 1))
        return any(first <= n <= last for n in changed)


def changed_lines(root: Path, rev: str) -> ChangedLines:
    """The lines changed in the working tree since ``git merge-base rev HEAD``.

    ``root`` is any directory inside the repository; the whole repository is
    compared. Raises ``SinceError`` for everything that can go wrong.
    """
    if not rev or rev.startswith("-"):
        raise _error(
            f"--escape-since needs a git revision such as origin/main, not {rev!r}; "
            "pass a branch, tag or commit"
        )
    if not root.is_dir():
        raise _error(f"--escape-since needs a git repository: {root} is not a directory")
    top = _toplevel(root)
    commit = _resolve_rev(top, rev)
    base = _merge_base(top, rev, commit)
    diff = _git(
        top,
        "diff",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--unified=0",
        "--inter-hunk-context=0",
        "--find-renames",
        "--ignore-submodules=all",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        base,
        "--",
    )
    lines = _parse_diff(top, diff)
    for name in _git(top, "ls-files", "-z", "--others", "--exclude-standard").split(b"\0"):
        if name:
            path = top / os.fsdecode(name)
            count = _count_lines(path, skip_binary=True)
            if count:
                lines[path] = set(range(1, count + 1))
    result: dict[Path, frozenset[int]] = {}
    for path, numbers in lines.items():
        # a symlink's "lines" are its target's name; the file it points to changed nowhere.
        # (The top level is resolved and git never lists a path through a symlink: no resolve() here.)
        if numbers and not path.is_symlink() and path.is_file():
            result[path] = frozenset(numbers)
    return ChangedLines(rev=rev, base=base, lines=result)


def _git(cwd: Path, *args: str) -> bytes:
    """Run git and return its stdout; any failure becomes a ``SinceError``."""
    completed = _run(cwd, args)
    if completed.returncode != 0:
        raise _error(
            f"--escape-since: git {args[0]} failed: {_first_line(completed.stderr)}; "
            "fix the repository or run without --escape-since"
        )
    return completed.stdout


def _run(cwd: Path, args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    # stable English messages to match on, never a password prompt in CI
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=false", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise _error(
            "--escape-since needs git, but no git command was found on PATH; "
            "install git or run without --escape-since"
        ) from None
    except subprocess.TimeoutExpired:
        raise _error(
            f"--escape-since: git {args[0]} took more than {GIT_TIMEOUT:.0f}s in {cwd}; "
            "check the repository or run without --escape-since"
        ) from None
    except OSError as e:
        raise _error(f"--escape-since could not run git: {e}; run without --escape-since") from None


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return "no error message"


def _toplevel(root: Path) -> Path:
    completed = _run(root, ["rev-parse", "--show-toplevel"])
    if completed.returncode != 0:
        if b"dubious ownership" in completed.stderr:
            raise _error(
                f"--escape-since: git refuses the repository at {root} because another user owns it; "
                f"run git config --global --add safe.directory '{root}' or run without --escape-since"
            )
        raise _error(
            f"--escape-since needs a git repository: {root} is not in one; run without --escape-since"
        )
    top = os.fsdecode(completed.stdout.rstrip(b"\n"))
    if not top:
        # inside .git itself, or a bare repository: there is no working tree to compare
        raise _error(
            f"--escape-since needs a git working tree: {root} is not in one; run without --escape-since"
        )
    return Path(top).resolve()


def _is_shallow(top: Path) -> bool:
    completed = _run(top, ["rev-parse", "--is-shallow-repository"])
    return completed.returncode == 0 and completed.stdout.strip() == b"true"


def _shallow_hint(top: Path) -> str:
    if not _is_shallow(top):
        return ""
    return (
        "; this is a shallow clone, so fetch the history too "
        "(git fetch --unshallow, or fetch-depth: 0 for actions/checkout in GitHub Actions)"
    )


def _resolve_rev(top: Path, rev: str) -> str:
    completed = _run(top, ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
    if completed.returncode == 0:
        return completed.stdout.decode("ascii").strip()
    hint = "check the spelling"
    remote, _, branch = rev.partition("/")
    remotes = _run(top, ["remote"])
    if branch and remotes.returncode == 0 and remote.encode() in remotes.stdout.split():
        hint = f"fetch it first: git fetch {remote} {branch}"
    raise _error(f"--escape-since: unknown git revision {rev!r}; {hint}{_shallow_hint(top)}")


def _merge_base(top: Path, rev: str, commit: str) -> str:
    head = _run(top, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
    if head.returncode != 0:
        raise _error(
            "--escape-since: the repository has no commit yet (HEAD is unborn); "
            "commit first or run without --escape-since"
        )
    completed = _run(top, ["merge-base", commit, "HEAD"])
    base = completed.stdout.decode("ascii", "replace").strip()
    if completed.returncode == 0 and base:
        return base
    if completed.returncode == 1 and not completed.stderr.strip():
        hint = (
            _shallow_hint(top)
            or "; they have unrelated histories, so pass a revision on this branch's history"
        )
        raise _error(f"--escape-since: {rev!r} and HEAD have no common ancestor{hint}")
    raise _error(
        f"--escape-since: git merge-base {rev} HEAD failed: {_first_line(completed.stderr)}"
        f"{_shallow_hint(top)}"
    )


def _parse_diff(top: Path, diff: bytes) -> dict[Path, set[int]]:
    """Changed line numbers per file, from ``git diff --unified=0`` output.

    Hunks are read by their line counts rather than by their first character, so
    content that looks like a header (a line ``++ b/x`` added) is never mistaken for one.
    """
    changed: dict[Path, set[int]] = {}
    deletions: dict[Path, set[int]] = {}
    path: Path | None = None
    lines = iter(diff.split(b"\n"))
    for line in lines:
        if line.startswith(b"diff --git "):
            path = None
        elif line.startswith(b"+++ "):
            path = _diff_path(top, line[4:])
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match is None:
                continue
            old_count = 1 if match[2] is None else int(match[2])
            new_count = 1 if match[4] is None else int(match[4])
            # an empty side's start names the line *before* the gap
            new = int(match[3]) + (1 if new_count == 0 else 0)
            added, gaps = _read_hunk(lines, old_count, new_count, new)
            if path is not None:
                changed.setdefault(path, set()).update(added)
                deletions.setdefault(path, set()).update(gaps)
    for path, gaps in deletions.items():
        if gaps:
            count = _count_lines(path, skip_binary=False)
            changed.setdefault(path, set()).update(n for n in gaps if 1 <= n <= count)
    return changed


def _read_hunk(lines: Iterator[bytes], old_left: int, new_left: int, new: int) -> tuple[set[int], set[int]]:
    """Added lines, and the neighbours of pure deletions, of one hunk body."""
    added: set[int] = set()
    gaps: set[int] = set()
    removed = inserted = False

    def close_block() -> None:
        if removed and not inserted:
            gaps.update((new - 1, new))

    while old_left > 0 or new_left > 0:
        line = next(lines, None)
        if line is None:
            break
        kind = line[:1]
        if kind == b"+":
            added.add(new)
            new += 1
            new_left -= 1
            inserted = True
        elif kind == b"-":
            old_left -= 1
            removed = True
        elif kind == b" ":
            close_block()
            removed = inserted = False
            new += 1
            old_left -= 1
            new_left -= 1
        # "\ No newline at end of file" belongs to the line before it
    close_block()
    return added, gaps


def _diff_path(top: Path, label: bytes) -> Path | None:
    # git appends a tab to a name holding a space (as GNU patch expects); a raw tab forces quoting
    label = label.removesuffix(b"\t")
    if label.startswith(b'"') and label.endswith(b'"'):
        label = _c_unquote(label[1:-1])
    if not label.startswith(b"b/"):
        return None  # /dev/null: the file is gone
    return top / os.fsdecode(label[2:])


def _c_unquote(text: bytes) -> bytes:
    """Undo git's C-style quoting of a path (``core.quotepath=false`` still quotes ``"``, ``\\``
    and control characters)."""
    out = bytearray()
    i = 0
    while i < len(text):
        byte = text[i]
        if byte != ord("\\") or i + 1 == len(text):
            out.append(byte)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _OCTAL:
            end = i + 1
            while end < min(i + 4, len(text)) and text[end] in _OCTAL:
                end += 1
            out.append(int(text[i + 1 : end], 8) & 0xFF)
            i = end
        else:
            out.append(_C_ESCAPES.get(nxt, nxt))
            i += 2
    return bytes(out)


def _count_lines(path: Path, *, skip_binary: bool) -> int:
    """The number of lines of a regular file, 0 if it is not one (or is binary and ``skip_binary``)."""
    if path.is_symlink() or not path.is_file():
        return 0
    count = 0
    last = b"\n"
    try:
        with path.open("rb") as f:
            first = True
            while chunk := f.read(1 << 20):
                if first and skip_binary and b"\0" in chunk[:_BINARY_SNIFF]:
                    return 0
                first = False
                count += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0
    return count + (last != b"\n")
