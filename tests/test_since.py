"""``--escape-since``'s git part, against real repositories made in ``tmp_path``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_escape.since import ChangedLines, SinceError, changed_lines

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SIX = "".join(f"line{n}\n" for n in range(1, 7))


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        # whatever init.defaultBranch says, the trunk here is "main"
        self.git("symbolic-ref", "HEAD", "refs/heads/main")

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.path, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str, **files: str) -> str:
        for name, text in files.items():
            self.write(name, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def file(self, name: str) -> Path:
        return (self.path / name).resolve()


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git config, no enclosing repository, fixed identities."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """main: a.py and b.py (six lines each) committed; HEAD on branch "feature" at the same commit."""
    r = Repo(tmp_path / "repo")
    r.commit("start", **{"a.py": SIX, "b.py": SIX})
    r.git("checkout", "-q", "-b", "feature")
    return r


def edit(text: str, **lines: str) -> str:
    """``text`` with line N replaced (``line2="x"``)."""
    out = text.splitlines(keepends=True)
    for key, new in lines.items():
        out[int(key.removeprefix("line")) - 1] = new + "\n"
    return "".join(out)


def test_committed_change_on_a_branch_gives_exactly_its_lines(repo: Repo) -> None:
    main = repo.git("rev-parse", "main")
    repo.commit("change", **{"a.py": edit(SIX, line2="changed") + "appended\n"})

    result = changed_lines(repo.path, "main")

    assert result.rev == "main"
    assert result.base == main
    assert result.lines == {repo.file("a.py"): frozenset({2, 7})}
    assert result.of(repo.file("b.py")) == frozenset()


def test_commits_on_main_after_the_branch_point_do_not_count(repo: Repo) -> None:
    branch_point = repo.git("rev-parse", "HEAD")
    repo.commit("feature work", **{"a.py": edit(SIX, line5="feature")})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", **{"a.py": edit(SIX, line1="main"), "b.py": edit(SIX, line3="main")})
    repo.git("checkout", "-q", "feature")

    result = changed_lines(repo.path, "main")

    assert result.base == branch_point
    assert result.lines == {repo.file("a.py"): frozenset({5})}


def test_staged_unstaged_and_untracked_work_counts(repo: Repo) -> None:
    repo.write("a.py", edit(SIX, line1="staged"))
    repo.git("add", "a.py")
    repo.write("b.py", edit(SIX, line3="unstaged", line4="unstaged"))
    repo.write("pkg/new.py", "one\ntwo\nthree")  # no newline at the end: still three lines
    repo.write(".gitignore", "ignored.py\n")
    repo.write("ignored.py", "x = 1\n")
    (repo.path / "blob.bin").write_bytes(b"\0\1\2\n\n")

    result = changed_lines(repo.path, "main")

    assert result.lines == {
        repo.file("a.py"): frozenset({1}),
        repo.file("b.py"): frozenset({3, 4}),
        repo.file("pkg/new.py"): frozenset({1, 2, 3}),
        repo.file(".gitignore"): frozenset({1}),
    }


def test_a_pure_deletion_marks_the_lines_on_both_sides_of_the_gap(repo: Repo) -> None:
    lines = SIX.splitlines(keepends=True)
    repo.commit(
        "deletions",
        **{
            "a.py": "".join(lines[:2] + lines[4:]),  # line3 and line4 gone: new lines 2 and 3 border it
            "b.py": "".join(lines[1:]),  # first line gone: nothing above
            "c.py": SIX,
        },
    )
    base_c = repo.git("rev-parse", "HEAD")
    repo.write("c.py", "".join(lines[:-1]))  # last line gone: nothing below

    result = changed_lines(repo.path, "main")
    since_c = changed_lines(repo.path, base_c)

    assert result.of(repo.file("a.py")) == frozenset({2, 3})
    assert result.of(repo.file("b.py")) == frozenset({1})
    assert since_c.lines == {repo.file("c.py"): frozenset({5})}


def test_deleting_a_whole_file_reports_nothing_for_it(repo: Repo) -> None:
    (repo.path / "a.py").unlink()

    assert changed_lines(repo.path, "main").lines == {}


def test_a_rename_without_edits_changes_no_line_and_one_with_edits_only_the_edit(repo: Repo) -> None:
    body = "".join(f"value_{n} = {n}\n" for n in range(40))
    repo.commit("big", **{"big.py": body})
    base = repo.git("rev-parse", "HEAD")
    repo.git("config", "diff.renames", "false")  # the user's choice must not turn renames into rewrites
    repo.git("mv", "a.py", "moved.py")
    repo.git("mv", "big.py", "bigger.py")
    repo.write("bigger.py", body.replace("value_7 = 7", "value_7 = 8"))

    result = changed_lines(repo.path, base)

    assert result.lines == {repo.file("bigger.py"): frozenset({8})}


def test_file_names_with_spaces_non_ascii_and_quotes(repo: Repo) -> None:
    names = ["my mödule.py", 'say "hi".py', "tab\tname.py"]
    repo.commit("odd names", **{name: SIX for name in names})
    base = repo.git("rev-parse", "HEAD")
    for name in names:
        repo.write(name, edit(SIX, line4="changed"))

    result = changed_lines(repo.path, base)

    assert result.lines == {repo.file(name): frozenset({4}) for name in names}


def test_diff_content_that_looks_like_diff_headers_is_content(repo: Repo) -> None:
    repo.write("a.py", edit(SIX, line2="++ b/evil.py", line3="@@ -1 +1 @@", line4="-- a/x"))

    result = changed_lines(repo.path, "main")

    assert result.lines == {repo.file("a.py"): frozenset({2, 3, 4})}


def test_binary_files_are_ignored(repo: Repo) -> None:
    (repo.path / "data.bin").write_bytes(b"\0binary\n")
    repo.commit("binary")
    (repo.path / "data.bin").write_bytes(b"\0other\nbytes\n")

    assert changed_lines(repo.path, "main").lines == {}


def test_the_users_diff_configuration_is_not_used(repo: Repo) -> None:
    for key, value in {
        "diff.external": "false",  # a failing external diff tool
        "diff.noprefix": "true",
        "diff.mnemonicPrefix": "true",
        "diff.relative": "true",
        "diff.interHunkContext": "10",
        "diff.context": "5",
        "color.ui": "always",
        "core.quotepath": "true",
    }.items():
        repo.git("config", key, value)
    repo.write("pkg/m ö.py", SIX)
    base = repo.commit("pkg")
    repo.write("pkg/m ö.py", edit(SIX, line1="x", line5="y"))

    result = changed_lines(repo.path / "pkg", base)

    assert result.lines == {repo.file("pkg/m ö.py"): frozenset({1, 5})}


def test_root_may_be_a_subdirectory_reached_through_a_symlink(repo: Repo, tmp_path: Path) -> None:
    repo.commit("pkg", **{"pkg/mod.py": SIX})
    repo.write("pkg/mod.py", edit(SIX, line6="changed"))
    repo.write("a.py", edit(SIX, line1="changed"))
    link = tmp_path / "link"
    link.symlink_to(repo.path)

    result = changed_lines(link / "pkg", "main")

    # the whole repository is compared, and every path is absolute and resolved
    assert result.lines == {
        repo.file("a.py"): frozenset({1}),
        repo.file("pkg/mod.py"): frozenset({1, 2, 3, 4, 5, 6}),
    }
    assert all(p.is_absolute() and p == p.resolve() for p in result.lines)
    assert result.touches(link / "pkg" / "mod.py", 6, 6)


def assert_one_line(error: SinceError, *parts: str) -> None:
    message = str(error)
    assert "\n" not in message and "\r" not in message
    for part in parts:
        assert part in message


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    with pytest.raises(SinceError) as caught:
        changed_lines(plain, "main")

    assert_one_line(caught.value, f"{plain} is not in one", "run without --escape-since")


def test_root_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(SinceError) as caught:
        changed_lines(tmp_path / "nowhere", "main")

    assert_one_line(caught.value, "nowhere", "not a directory")


def test_unknown_revision_is_named(repo: Repo) -> None:
    with pytest.raises(SinceError) as caught:
        changed_lines(repo.path, "no-such-branch")

    assert_one_line(caught.value, "'no-such-branch'", "unknown git revision")


def test_unfetched_remote_branch_suggests_git_fetch(repo: Repo, tmp_path: Path) -> None:
    repo.git("remote", "add", "origin", str(tmp_path / "elsewhere"))

    with pytest.raises(SinceError) as caught:
        changed_lines(repo.path, "origin/main")

    assert_one_line(caught.value, "'origin/main'", "git fetch origin main")


def test_shallow_clone_suggests_fetching_history(repo: Repo, tmp_path: Path) -> None:
    repo.commit("second", **{"a.py": edit(SIX, line1="x")})
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))

    with pytest.raises(SinceError) as caught:
        changed_lines(clone, "HEAD~1")

    assert_one_line(caught.value, "'HEAD~1'", "shallow", "fetch-depth: 0")


def test_unrelated_histories_have_no_merge_base(repo: Repo) -> None:
    repo.git("checkout", "-q", "--orphan", "other")
    repo.commit("unrelated", **{"a.py": "new\n"})

    with pytest.raises(SinceError) as caught:
        changed_lines(repo.path, "main")

    assert_one_line(caught.value, "'main'", "no common ancestor", "unrelated histories")


def test_a_repository_without_commits(tmp_path: Path) -> None:
    empty = Repo(tmp_path / "empty")

    with pytest.raises(SinceError) as caught:
        changed_lines(empty.path, "main")

    assert_one_line(caught.value, "main")


@pytest.mark.parametrize("rev", ["", "--output=/tmp/x", "-p"])
def test_revisions_that_are_not_revisions(repo: Repo, rev: str) -> None:
    with pytest.raises(SinceError) as caught:
        changed_lines(repo.path, rev)

    assert_one_line(caught.value, repr(rev))


def test_git_missing_from_path(repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    with pytest.raises(SinceError) as caught:
        changed_lines(repo.path, "main")

    assert_one_line(caught.value, "needs git", "install git")


def test_line_breaks_in_a_path_or_revision_still_give_one_line(repo: Repo, tmp_path: Path) -> None:
    odd = tmp_path / "two\nlines"
    odd.mkdir()

    with pytest.raises(SinceError) as not_a_repo:
        changed_lines(odd, "main")
    with pytest.raises(SinceError) as unknown:
        changed_lines(repo.path, "main\nmore")

    assert_one_line(not_a_repo.value, "two lines", "is not in one")
    assert_one_line(unknown.value, "unknown git revision")


def test_touches_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = (tmp_path / "f.py").resolve()
    changes = ChangedLines(rev="main", base="0" * 40, lines={target: frozenset({5, 9})})

    assert changes.touches(target, 5, 5)
    assert changes.touches(target, 1, 5)
    assert changes.touches(target, 9, 20)
    assert changes.touches(target, 1, 1000)
    assert not changes.touches(target, 1, 4)
    assert not changes.touches(target, 6, 8)
    assert not changes.touches(target, 10, 1000)
    assert not changes.touches(target, 5, 4)  # an empty range
    assert not changes.touches(tmp_path / "other.py", 1, 1000)

    monkeypatch.chdir(tmp_path)
    assert changes.touches(Path("f.py"), 9, 9)
    assert changes.touches(tmp_path / "sub" / ".." / "f.py", 9, 9)
    assert changes.of(Path("f.py")) == frozenset({5, 9})
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert not changes.touches(Path("f.py"), 9, 9)
