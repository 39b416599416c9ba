"""Inputs with the structure codecs and normalisers break on, grown from the tests' own values.

A run-length codec whose count is one digit holds on every random string
Hypothesis is likely to draw, and breaks on ten equal characters in a row.
An escaping codec breaks on its own escape character, a splitter on a
separator doubled or at the end.  Random text almost never has that
structure; one of the tests' own values with a run, a separator or an escape
put into it usually does, and stays readable as a counter-example.

Used by the round-trip and idempotence checks, beside their other inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

#: lengths of the runs put in: just past one, and on each side of the
#: boundaries a count's encoding crosses (a second decimal digit, a hex
#: digit, a signed and an unsigned byte, a third decimal digit)
RUN_LENGTHS = (2, 3, 9, 10, 11, 15, 16, 17, 99, 100, 101, 127, 128, 129, 255, 256, 257)
#: characters codecs escape or split on, beside those the tests' values and
#: the code's own literals hold
ESCAPES = ("\\", '"', "'", "%", "&", "<", "=", ";", ",", "\n", "\t", "\x00")
#: the edits, simplest first: Hypothesis shrinks towards the first
_EDITS = ("run alone", "run", "mark", "two marks", "mark at the end")

T = TypeVar("T", str, bytes)


def _in_order(values: Iterable[T]) -> list[T]:
    """Each value once, in first-seen order (a set's order follows the hash seed)."""
    return list(dict.fromkeys(values))


def marks(strings: Sequence[str], constants: Sequence[str] = ()) -> list[str]:
    """The separators and escapes to try: the non-alphanumeric characters of
    the tests' strings and of the code's short literals, then ``ESCAPES``."""
    found = [c for s in [*strings, *(c for c in constants if len(c) <= 3)] for c in s if not c.isalnum()]
    return _in_order([*found, *ESCAPES])


@st.composite
def _edited(draw: st.DrawFn, values: list[T], marks: list[T]) -> T:
    """One of ``values`` with one or two structural edits."""
    text = draw(st.sampled_from(values))
    # an empty value runs the characters the other values hold (readable), then the marks
    everywhere = _in_order(v[i : i + 1] for v in values for i in range(len(v)))
    for _ in range(draw(st.integers(1, 2))):
        edit = draw(st.sampled_from(_EDITS))
        at = draw(st.integers(0, len(text)))
        if edit in ("run alone", "run"):
            elements = _in_order(text[i : i + 1] for i in range(len(text))) or everywhere or marks
            run = draw(st.sampled_from(elements)) * draw(st.sampled_from(RUN_LENGTHS))
            text = run if edit == "run alone" else text[:at] + run + text[at:]
            continue
        mark = draw(st.sampled_from(marks))
        if edit == "mark at the end":
            text = text + mark
        elif edit == "two marks":  # a separator doubled, an escape before a separator or itself
            text = text[:at] + mark + draw(st.sampled_from(marks)) + text[at:]
        else:
            text = text[:at] + mark + text[at:]
    return text


@st.composite
def _runs_in(draw: st.DrawFn, values: list[Any]) -> Any:
    """One of the tests' lists or tuples with a run of one of its elements put in."""
    value = draw(st.sampled_from(values))
    items = list(value)
    if not items:
        return value
    at = draw(st.integers(0, len(items)))
    run = [draw(st.sampled_from(items))] * draw(st.sampled_from(RUN_LENGTHS))
    return type(value)(items[:at] + run + items[at:])


def structured(values: Sequence[Any], constants: Sequence[str] = ()) -> st.SearchStrategy[Any] | None:
    """Structured inputs grown from ``values`` (one parameter's values in the
    tests' calls), or None when they hold no text, bytes, list or tuple to
    grow from.  ``constants``: the code's string literals (and its partner's,
    for a round trip), where a codec's own escape character is found."""
    parts: list[st.SearchStrategy[Any]] = []
    strings = _in_order(v for v in values if type(v) is str)
    if strings:
        parts.append(_edited(strings, marks(strings, constants)))
    blobs = _in_order(v for v in values if type(v) is bytes)
    if blobs:
        byte_marks = [
            m.encode("latin-1") for m in marks([b.decode("latin-1") for b in blobs]) if ord(m) < 256
        ]
        parts.append(_edited(blobs, byte_marks))
    sequences = [v for v in values if type(v) in (list, tuple) and v]
    if sequences:
        parts.append(_runs_in(sequences))
    return st.one_of(parts) if parts else None
