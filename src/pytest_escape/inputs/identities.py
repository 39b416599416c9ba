"""Object identities in text: ``id(self)`` in a ``repr``, an address in a message.

Code shows which object it means by its identity: ``<State('A')@140425467448784>``,
``'x' does not exist on <Machine@7f3a...>``.  Each run of a call gets fresh
copies of its input, so those numbers differ between two runs of the
original on one input, and the search set every such input aside as
unsteady: 28 survivors of a state machine library were "not reached" or
"non-deterministic original" for nothing else.

A number in a text that is the identity of an object the call had (an
argument, or an object one holds, after the call) is read as *whose* it
is: ``<id of self>``, ``<id of self.models[0]>``.  Two runs on copies of
one input then say the same, and a mutant that shows another object's
identity (``id(None)``) still differs.  A regression test spells the
number as the expression it is (``str(id(obj))``), never as a literal.
Standard library only: the fresh interpreter that verifies tests imports
the package this lives in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

#: id -> where the call's input holds the object (``self``, ``self.machine``,
#: ``items[0]``), how the witness search names it
Identities = dict[int, str]

#: how far into the arguments, and how many objects, an identity is looked for
DEPTH = 3
MOST = 300

#: objects whose identity is the same on every run of one process; named so
#: that a report shows the same text on every run (``id(None)`` in a mutant)
_SINGLETONS = {id(None): "None", id(True): "True", id(False): "False", id(...): "Ellipsis"}

#: a number that may be an identity: decimal, or hexadecimal with or without
#: ``0x``, standing alone (not inside a word or a longer number)
_NUMBER = re.compile(r"(?<![0-9A-Za-z_])(0[xX])?([0-9a-fA-F]{6,16})(?![0-9A-Za-z_])")
#: what every such number holds: a text without it shows none, found in
#: half the time (``_NUMBER``'s look-behind is tried at every character)
_DIGITS = re.compile(r"[0-9a-fA-F]{6}")

#: the value types whose identity no code shows (interned, or made anew)
_VALUES = (bool, int, float, complex, str, bytes, type(None))


def identities_of(roots: dict[str, Any]) -> Identities:
    """The objects ``roots`` hold, by identity, each with the first path
    (breadth first) that reaches it: attributes, list and tuple items, and
    dict values under str or int keys, ``DEPTH`` steps at most."""
    found: Identities = {}
    level = [(name, value) for name, value in roots.items()]
    for _ in range(DEPTH + 1):
        following: list[tuple[str, Any]] = []
        for path, value in level:
            if isinstance(value, _VALUES) or id(value) in found or len(found) >= MOST:
                continue
            found[id(value)] = path
            following.extend(_parts(path, value))
        level = following
    return found


def _parts(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """What ``value`` holds, each with its accessor (no code of its class runs)."""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value[:50]):
            yield f"{path}[{index}]", item
        return
    if isinstance(value, dict):
        for key, item in list(dict.items(value))[:50]:
            if isinstance(key, (str, int)) and not isinstance(key, bool):
                yield f"{path}[{key!r}]", item
        return
    own = getattr(value, "__dict__", None) if not isinstance(value, type) else None
    if isinstance(own, dict):
        for name, item in list(own.items())[:50]:
            if isinstance(name, str) and name.isidentifier():
                yield f"{path}.{name}", item


def root_of(whose: str) -> str:
    """The argument a path starts at: ``self`` of ``self.models[0]``."""
    return re.split(r"[.\[]", whose, maxsplit=1)[0]


#: what a hole in a named text is replaced by: ``<id of self>``
_HOLE = "<id of {}>"


def holes(text: str, identities: Identities) -> list[tuple[int, int, str, str]]:
    """Where ``text`` shows an identity: (start, end, whose, format), the
    format one ``format(id(x), ...)`` writes it in (``d``, ``x`` or ``X``);
    a ``0x`` before it stays text."""
    found: list[tuple[int, int, str, str]] = []
    if not _DIGITS.search(text):
        return found
    for match in _NUMBER.finditer(text):
        prefix, digits = match.group(1), match.group(2)
        choices = [] if prefix else [(int(digits), "d")] if digits.isdigit() else []
        choices += [(int(digits, 16), "X" if digits.isupper() and not digits.isdigit() else "x")]
        for number, spelled in choices:
            whose = identities.get(number) or _SINGLETONS.get(number)
            if whose is not None:
                found.append((match.start(2), match.end(2), whose, spelled))
                break
    return found


def named(text: str, identities: Identities) -> str:
    """``text`` with each identity it shows written as whose it is."""
    spots = holes(text, identities)
    for start, end, whose, _ in reversed(spots):
        text = text[:start] + _HOLE.format(whose) + text[end:]
    return text
