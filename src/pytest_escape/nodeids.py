"""Test ids as another process will see them.

pytest numbers parameters it cannot name (``expected11``), in the order the
parameter values come.  Parametrizing from a ``set`` numbers the same cases
differently in another process (hash randomization; ``hash(None)`` before
Python 3.12), so ``expected11`` here may be another case there.  Anything
that matches tests across processes (the worker's collection, the cache's
keys and stored verdicts) goes by ``normalized`` ids or by ``identity``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

_AUTO_ID = re.compile(r"(?<=[\[-])([A-Za-z_]\w*?)\d+(?=[-\]])")


def normalized(nodeid: str) -> str:
    """A nodeid with pytest's positional auto-ids (``expected11``) blanked out."""
    return _AUTO_ID.sub(r"\1#", nodeid)


def identity(nodeid: str, params: dict[str, Any] | None) -> str:
    """The same test in every process, even among cases whose auto-ids differ.

    A nodeid without auto-ids is its own identity.  Otherwise the blanked
    nodeid alone is ambiguous (``expected#`` for every case), so the repr of
    the case's parameter values tells them apart.  A repr that names an
    address (``<object at 0x...>``) differs per process: such a case's
    identity is the blanked nodeid, which ``Renamer`` can only match by the
    nodeid itself.  A repr that differs per process without an address (a
    ``set`` of strings) matches nothing: the test is left out, not guessed.
    """
    blank = normalized(nodeid)
    if blank == nodeid or params is None:
        return nodeid
    try:
        text = repr(sorted(params.items()))
    except Exception:  # noqa: BLE001 - a parameter's own __repr__ may raise anything
        return blank
    if " at 0x" in text:
        return blank
    return f"{blank}|{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def item_identity(item: Any) -> str:
    """``identity`` of a collected pytest item."""
    callspec = getattr(item, "callspec", None)
    return identity(item.nodeid, getattr(callspec, "params", None))


def source_order(item: Any) -> tuple[str, int, str, tuple[int, ...], str]:
    """A sort key that puts tests in the order of their source, whatever
    order the session runs them in.

    pytest-randomly (or any plugin that reorders) shuffles ``session.items``
    differently in every run.  The covering tests of a mutant run in this
    order, the first to fail is its ``killedBy``, a regular mutant's later
    tests never meet it (so each test's counts depend on it), and the search
    records its seeds from the first tests: all of that follows the shuffle
    unless the order is fixed here.  Parameter cases go in the order of their
    values; cases pytest numbers (``expected11``) go by ``identity`` first,
    since their order and numbers follow a ``set``'s, which changes with
    the hash seed.
    """
    path, line, _ = item.location
    callspec = getattr(item, "callspec", None)
    indices = tuple(getattr(callspec, "indices", {}).values()) if callspec is not None else ()
    numbered = item_identity(item) if normalized(item.nodeid) != item.nodeid else ""
    return (str(path), -1 if line is None else int(line), numbered, indices, item.nodeid)


class Renamer:
    """Another process's nodeid, with its identity, -> the same test's nodeid here."""

    def __init__(self, identities: dict[str, str]) -> None:
        """``identities``: this process's nodeid -> identity, for every test."""
        count = Counter(identities.values())
        #: identity -> nodeid, for the identities exactly one test has
        self._unique = {ident: nodeid for nodeid, ident in identities.items() if count[ident] == 1}
        self._identities = dict(identities)
        blanks = Counter(normalized(nodeid) for nodeid in identities)
        #: nodeids no other test here shares a blanked id with: no renumbering can swap them
        self._alone = {nodeid for nodeid in identities if blanks[normalized(nodeid)] == 1}

    def __call__(self, nodeid: str, ident: str) -> str | None:
        """None when no test here has that identity, or several do and the
        nodeid itself cannot settle it."""
        if ident in self._unique:
            return self._unique[ident]
        if nodeid in self._identities and (self._identities[nodeid] == ident or nodeid in self._alone):
            # the same id with the same parameters (equal cases: either one is
            # right), or the only case of its test (a frozenset's repr differs
            # per process, but there is nothing to confuse it with)
            return nodeid
        return None
