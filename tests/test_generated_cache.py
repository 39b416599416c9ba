"""Generated mutants kept in the user's cache, keyed by the file's text.

The factory's real generating processes run here (libcst, mutmut); only the
cache folder is a temporary one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pytest_escape.mutation import factory as factory_module
from pytest_escape.mutation.factory import GeneratedCache, MutantFactory, UnusableTarget
from pytest_escape.user_cache import prune

SOURCE = """
def clamp(x: int, low: int, high: int) -> int:
    if x < low:
        return low
    return x
"""


def _file(folder: Path, text: str = SOURCE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "clamp.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_seen_before_anywhere_is_not_generated_again(tmp_path: Path) -> None:
    cache = GeneratedCache(tmp_path / "cache")
    first_path = _file(tmp_path / "one")
    first = MutantFactory({first_path: "clamp"}, 2, cache)
    assert first.generating == 1
    made = first.get(first_path, "clamp")
    first.close()
    assert made.mutants

    # the same text in another checkout: read from the cache, its own path put back
    second_path = _file(tmp_path / "two")
    second = MutantFactory({second_path: "clamp"}, 2, cache)
    assert second.generating == 0
    kept = second.get(second_path, "clamp")
    assert kept.filename == str(second_path)
    assert kept.mutants == made.mutants and kept.functions == made.functions


def test_another_text_or_module_name_is_generated_from_itself(tmp_path: Path) -> None:
    cache = GeneratedCache(tmp_path / "cache")
    path = _file(tmp_path / "one")
    before = MutantFactory({path: "clamp"}, 1, cache).get(path, "clamp")

    edited = _file(tmp_path / "two", SOURCE.replace("x < low", "x <= low"))
    factory = MutantFactory({edited: "clamp"}, 1, cache)
    assert factory.generating == 1
    assert [m.original for m in factory.get(edited, "clamp").mutants] != [m.original for m in before.mutants]
    # a mutant's id names its module: another name is another entry
    assert MutantFactory({path: "pkg.clamp"}, 1, cache).generating == 1


def test_a_broken_entry_is_generated_again_and_a_file_that_cannot_be_mutated_is_never_kept(
    tmp_path: Path,
) -> None:
    cache = GeneratedCache(tmp_path / "cache")
    path = _file(tmp_path / "one")
    MutantFactory({path: "clamp"}, 1, cache).get(path, "clamp")
    for entry in cache.folder.iterdir():
        entry.write_text("{not json")
    factory = MutantFactory({path: "clamp"}, 1, cache)
    assert factory.generating == 1
    assert factory.get(path, "clamp").mutants
    assert all(json.loads(e.read_text())["module"] == "clamp" for e in cache.folder.iterdir())

    broken = _file(tmp_path / "two", "def f(:\n    pass\n")
    with pytest.raises(UnusableTarget, match="cannot parse it"):
        MutantFactory({broken: "clamp"}, 1, cache).get(broken, "clamp")
    assert MutantFactory({broken: "clamp"}, 1, cache).generating == 1


def test_the_cache_keeps_the_most_recently_used(tmp_path: Path) -> None:
    for n in range(5):
        entry = tmp_path / f"{n}.json"
        entry.write_bytes(b"x")
        os.utime(entry, (1000 + n, 1000 + n))
    prune(tmp_path, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.json", "3.json", "4.json"]


def test_the_cache_is_pruned_once_the_run_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory_module, "CACHE_ENTRIES", 1)
    cache = GeneratedCache(tmp_path / "cache")
    one, two = _file(tmp_path / "one"), _file(tmp_path / "two", SOURCE.replace("low", "floor"))
    factory = MutantFactory({one: "clamp", two: "clamp"}, 2, cache)
    for path in (one, two):
        factory.get(path, "clamp")
    assert len(list(cache.folder.iterdir())) == 2  # both written while the run goes
    factory.close()
    assert len(list(cache.folder.iterdir())) == 1
