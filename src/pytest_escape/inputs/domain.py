"""What a function's tests always passed it: the domain a witness should keep to.

A witness outside everything the tests ever passed (``clamp(x=1, lo=1,
hi=0)`` for a mutant that is equivalent whenever ``lo <= hi``) is a
difference no caller may ever see, and a person would not paste its test.
So the relations the tests' own arguments always satisfied are learnt here,
from the calls recorded while they ran, and the search prefers inputs that
keep to them.  A witness that exists only outside them is still shown, named
as such (``outside what your tests ever passed: lo > hi``), and ranked last.

Only what every recorded call shows, from at least ``MIN_CALLS`` distinct
calls: with fewer, any two numbers are "ordered" by chance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: distinct recorded calls a relation must hold on before it is believed
MIN_CALLS = 3

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


@dataclass(frozen=True)
class Relation:
    """One thing every recorded call satisfied."""

    #: "<=" (``left <= right``), "non-empty", "sorted" or "not None"
    kind: str
    left: str
    right: str = ""

    def holds(self, arguments: dict[str, Any]) -> bool:
        """Does a call keep to it?  A call that leaves a parameter out keeps to it
        (its default is the author's, not the search's)."""
        if self.left not in arguments or (self.right and self.right not in arguments):
            return True
        value = arguments[self.left]
        try:
            if self.kind == "<=":
                other = arguments[self.right]
                # learnt on numbers: another kind of value is not this relation's to judge
                return not (_number(value) and _number(other)) or bool(value <= other)
            if self.kind == "non-empty":
                return not isinstance(value, _SIZED) or len(value) > 0
            if self.kind == "sorted":
                return not isinstance(value, list) or value == sorted(value)
            if self.kind == "not None":
                return value is not None
        except Exception:  # noqa: BLE001 - incomparable values: not this relation's kind of input
            return False
        return True

    def broken_text(self) -> str:
        """How a call breaks it: ``lo > hi``, ``items is empty``."""
        if self.kind == "<=":
            return f"{self.left} > {self.right}"
        if self.kind == "non-empty":
            return f"{self.left} is empty"
        if self.kind == "sorted":
            return f"{self.left} is not sorted"
        return f"{self.left} is None"


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def learn(calls: Sequence[dict[str, Any]], parameters: Iterable[str]) -> tuple[Relation, ...]:
    """The relations every one of ``calls`` (distinct recorded calls) satisfied,
    over ``parameters`` (the receiver left out: an object has no order)."""
    if len(calls) < MIN_CALLS:
        return ()
    names = [p for p in parameters if sum(p in call for call in calls) >= MIN_CALLS]
    found: list[Relation] = []
    for name in names:
        values = [call[name] for call in calls if name in call]
        if all(v is not None for v in values):
            found.append(Relation("not None", name))
        try:
            if all(isinstance(v, _SIZED) for v in values) and all(len(v) > 0 for v in values):
                found.append(Relation("non-empty", name))
            if all(type(v) is list for v in values) and any(len(v) > 1 for v in values):
                if all(v == sorted(v) for v in values):
                    found.append(Relation("sorted", name))
        except Exception:  # noqa: BLE001 - the values' own len, < or == failed: no relation learnt
            continue
    for i, left in enumerate(names):
        for right in names[i + 1 :]:
            pairs = [(c[left], c[right]) for c in calls if left in c and right in c]
            if len(pairs) < MIN_CALLS or not all(_number(a) and _number(b) for a, b in pairs):
                continue
            if all(a == b for a, b in pairs):
                continue  # equal every time: no order to learn
            if all(a <= b for a, b in pairs):
                found.append(Relation("<=", left, right))
            elif all(b <= a for a, b in pairs):
                found.append(Relation("<=", right, left))
    return tuple(found)


def outside(relations: Iterable[Relation], arguments: dict[str, Any]) -> list[str]:
    """How a call breaks the relations (empty: it keeps to all of them)."""
    return [r.broken_text() for r in relations if not r.holds(arguments)]
