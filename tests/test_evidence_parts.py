"""The parts of a confirming-only proof that need no process: what counts as
plain data two runs can compare, and which followed result is evidence."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import enum
import threading

from pytest_escape.execution.evidence import Result, Suspect, Trace, followed, plain


class Colour(enum.Enum):
    RED = 1


class Document(dict):  # type: ignore[type-arg]
    def __init__(self, value: dict[str, int], doc_id: int) -> None:
        super().__init__(value)
        self.doc_id = doc_id


@dataclasses.dataclass
class Point:
    x: int
    y: int


def test_plain_data_means_the_same_in_any_process() -> None:
    assert plain(3) != plain(3.0) != plain("3")
    assert plain(True) != plain(1)
    assert plain([1, "a"]) != plain((1, "a"))
    assert plain({"b": 1, "a": 2}) != plain({"a": 2, "b": 1})  # insertion order is observable
    assert plain({3, 1, 2}) == plain({2, 3, 1})
    assert plain(float("nan")) == plain(float("nan"))
    assert plain(Colour.RED) == ["enum", f"{__name__}.Colour", "RED"]
    assert plain(datetime.date(2026, 1, 2)) == ["value", "datetime.date", "datetime.date(2026, 1, 2)"]
    assert plain(Point(1, 2)) != plain(Point(1, 3))
    # a dict subclass is its type and its items: what it keeps beside them
    # (addict's parent link) is state no reader sees
    assert plain(Document({"a": 1}, 1)) == plain(Document({"a": 1}, 2)) != plain({"a": 1})
    assert plain(collections.OrderedDict(a=1)) != plain({"a": 1})


class Node:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.cache: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"Node(tag={self.tag!r})"


def test_an_object_is_compared_by_the_repr_its_class_wrote() -> None:
    """What its author chose to show, not its state: a cache is not in it."""
    warm = Node("a")
    warm.cache["x"] = 1
    assert plain(warm) == plain(Node("a")) == ["repr", f"{__name__}.Node", "Node(tag='a')"]
    assert plain([Node("a")]) != plain([Node("b")])
    assert plain(int) != plain(str)  # a class returned is shown by its name


def test_an_object_without_a_repr_of_its_own_is_compared_by_its_type() -> None:
    """Its state may hold a cache, its repr an address: which kind of object
    came back is what two runs can agree on."""
    assert plain(object()) == ["object", "builtins.object"]
    assert plain([1, threading.Lock()]) == plain([1, threading.Lock()]) != plain([1, None])
    assert plain(lambda: 1) == ["object", "builtins.function"]  # its repr shows an address


class _Broken:
    """A class whose ``repr`` reads what its ``__init__`` sets: emptied by a mutant, it raises."""

    def __repr__(self) -> str:
        return f"_Broken({self.name})"  # type: ignore[attr-defined]


def test_an_object_whose_repr_raises_is_not_compared() -> None:
    assert plain(_Broken()) is None and plain([1, _Broken()]) is None
    nested: list[object] = []
    nested.append(nested)
    assert plain(nested) is None  # a cycle is no value two runs agree on
    assert plain(list(range(10_000))) is None  # too big to compare


def _suspect(mutant: str, function: str = "Counter.count") -> Suspect:
    return Suspect(mutant, "counter", function)


def _trace(passed: bool, **results: str) -> Trace:
    return Trace(passed, tuple(Result(key, f"call {key}", value, value) for key, value in results.items()))


def test_the_first_changed_result_the_two_original_runs_agree_on_is_evidence() -> None:
    first = _trace(True, stamp="0.1", count="2")
    second = _trace(True, stamp="0.7", count="2")
    same = _trace(True, stamp="0.3", count="2")
    changed = _trace(True, stamp="0.3", count="-2")
    found = followed(first, second, [(_suspect("m1"), same), (_suspect("m2"), changed)])
    assert found is not None
    assert (found.mutant, found.call, found.original, found.mutated) == (
        "m2",
        "call count",
        "returns 2",
        "returns -2",
    )
    # the stamp differs between the originals: under a mutant, it proves nothing
    assert followed(first, second, [(_suspect("m1"), same)]) is None


def test_results_a_reader_sees_alike_are_told_apart_by_their_types() -> None:
    """prettytable's ``custom_format`` returns the table's own dict subclass;
    under its extreme mutant, a new ``{}``.  Both read ``{}``: the evidence
    names the types, or says the difference is within."""
    import json

    from pytest_escape.execution.evidence import plain

    class ObservableDict(dict[str, int]):
        pass

    def traced(value: object) -> Trace:
        return Trace(
            True, (Result("Table.custom_format#1", "custom_format()", json.dumps(plain(value)), "{}"),)
        )

    found = followed(traced(ObservableDict()), traced(ObservableDict()), [(_suspect("m"), traced({}))])
    assert found is not None and (found.original, found.mutated) == (
        "returns ObservableDict {}",
        "returns dict {}",
    )
    inner = followed(traced([ObservableDict()]), traced([ObservableDict()]), [(_suspect("m"), traced([{}]))])
    assert inner is not None and inner.mutated.endswith("(different within: in what its parts are)"), inner


def test_a_run_that_failed_proves_nothing() -> None:
    original = _trace(True, count="2")
    assert followed(original, original, [(_suspect("m"), _trace(False, count="-2"))]) is None
    assert followed(original, _trace(False, count="2"), [(_suspect("m"), _trace(True, count="-2"))]) is None
    # a call the original made but the mutant's run did not (or raised in): nothing to compare
    assert followed(original, original, [(_suspect("m"), _trace(True, other="1"))]) is None
