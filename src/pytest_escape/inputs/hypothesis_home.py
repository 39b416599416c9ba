"""Hypothesis's home for a stage's children: its character tables and its
per-module constants, built once and kept in the user's cache.

Hypothesis is imported inside the functions: the worker sets the home up
only when a search or a property check is about to run.
"""

from __future__ import annotations

import pathlib
import shutil
import sys
from typing import Any

from ..user_cache import keep_folder, prune, user_cache_dir

#: Hypothesis's unicode tables in its home directory: the same for every
#: project, and two seconds to build
TABLES = "unicode_data"


def hypothesis_cache() -> pathlib.Path:
    """Where Hypothesis's tables and per-module constants are kept between
    runs: the user's cache directory, one folder per Hypothesis version (the
    files' format is Hypothesis's own)."""
    from hypothesis import __version__

    return user_cache_dir() / f"hypothesis-{__version__}"


def warm_up(home: str) -> None:
    """Build Hypothesis's character tables once, in the worker, before it forks.

    They take seconds to compute and Hypothesis caches them under its home
    directory, which each sandboxed child moves to a fresh scratch directory:
    without this every child rebuilt them (8.7 of 10 s of a semver search).
    The home is fresh for each stage, so the tables are kept in
    ``hypothesis_cache()`` and copied in (2.1 s to build, 0.01 s to copy); a
    cache that cannot be read or written only costs the two seconds.
    """
    from hypothesis import Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir

    kept, tables = hypothesis_cache() / TABLES, pathlib.Path(home) / TABLES
    try:
        if kept.is_dir():
            shutil.copytree(kept, tables, dirs_exist_ok=True)
    except OSError:
        pass
    set_hypothesis_home_dir(home)
    quick = settings(database=None, max_examples=1, phases=[Phase.generate], deadline=None)
    for strategy in (st.text(), st.from_type(str), st.characters(codec="utf-8"), st.emails()):
        try:
            find(strategy, lambda _: True, settings=quick)
        except Exception:  # noqa: BLE001 - a warm-up only
            pass
    if not kept.is_dir() and tables.is_dir():
        keep_folder(tables, kept)
    _parse_local_constants(pathlib.Path(home))


#: Hypothesis's own cache of each module's constants, by source hash
CONSTANTS = "constants"
#: module versions whose constants are kept between runs
CONSTANTS_KEPT = 5000


def _parse_local_constants(home: pathlib.Path) -> None:
    """Have Hypothesis read the constants of the project's modules now, once.

    Hypothesis draws about one value in twenty from the literals of every
    module loaded from outside site-packages, and parses their source the
    first time a draw needs them, once per process.  Each search and check
    child is a fresh fork, so each one parsed every module of the project
    again: a third of a small project's witness search.  Parsed here, in the
    worker before it forks, the children inherit the result, and a child
    parses only a module it imports itself; the constants a draw sees are
    the same.  The function is Hypothesis's own (not public): without it,
    this only costs the time it would have saved.

    Hypothesis keeps what it read in its home, one file per module source
    (by hash); the home is fresh for each stage, so that folder is the one
    kept in the user's cache, and a module is parsed once while its text
    stays the same, not once per stage of every run.
    """
    kept = hypothesis_cache() / CONSTANTS
    try:
        kept.mkdir(parents=True, exist_ok=True)
        (home / CONSTANTS).symlink_to(kept, target_is_directory=True)
    except OSError:
        pass  # read into the fresh home instead
    try:
        from hypothesis.internal.conjecture import providers

        _pass_over_our_own(providers)
        providers._get_local_constants()
    except Exception:  # noqa: BLE001 - a speed-up only
        pass
    prune(kept, CONSTANTS_KEPT)


def _pass_over_our_own(providers: Any) -> None:
    """Mark pytest-escape's own modules as read, so that Hypothesis never
    draws their literals as the project's.

    Installed from a checkout (``pip install -e``), they are outside
    site-packages, and Hypothesis took their thousands of literals for the
    project's: a search drew differently there than in a user's install,
    and a literal added anywhere in pytest-escape changed what an
    end-to-end test's search found (a ``Reply(status=400)`` drawn from the
    pool, then not).  Hypothesis skips a module whose id it has seen."""
    seen = getattr(providers, "_seen_modules", None)
    if not isinstance(seen, set):
        return
    ours = __name__.partition(".")[0]
    seen.update(id(module) for name, module in list(sys.modules.items()) if name.partition(".")[0] == ours)
