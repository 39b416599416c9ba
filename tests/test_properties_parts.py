"""The parts of the property checks that need no run: which properties apply
(names, docstrings, impure code) and how a value is judged against its hint."""

from __future__ import annotations

import random
import re
import time
import typing
from typing import Any, Literal

import pytest
from hypothesis import find

from pytest_escape.config import parse_properties
from pytest_escape.execution.properties import drop_reason
from pytest_escape.inputs.strategies import hypothesis_settings
from pytest_escape.inputs.structured import marks, structured
from pytest_escape.properties import contracts, infer


def everywhere(filename: str) -> bool:
    return True


@pytest.mark.parametrize(
    ("doc", "names"),
    [
        (
            "Read it.\n\n    Raises:\n        ValueError: if bad.\n        KeyError: if missing.\n",
            {"ValueError", "KeyError"},
        ),
        (
            "Read it.\n\nRaises\n------\nISO8601Error\n    If bad.\n\nReturns\n-------\nint\n",
            {"ISO8601Error"},
        ),
        (
            "Read it.\n\n:param x: a value\n:raises ValueError, errors.ParseError: if bad\n",
            {"ValueError", "ParseError"},
        ),
        (
            "Read it.\n\n    Raises:\n        ValueError: bad.\n\n    Returns:\n        Thing: no error.\n",
            {"ValueError"},
        ),
        ("Raises a ValueError on bad input.", set()),
        # marshmallow's Context.get: documented in the parameter's prose
        (
            "Get it.\n\n:param default: Returned if none is set.\n    If not provided, a "
            ":exc:`LookupError` is raised.\n",
            {"LookupError"},
        ),
        ("Check it; raises :exc:`~marshmallow.exceptions.ValidationError` if bad.", {"ValidationError"}),
        (None, set()),
    ],
)
def test_documented_raises_reads_google_numpy_and_sphinx(doc: str | None, names: set[str]) -> None:
    assert infer.documented_raises(doc) == names


def test_round_trip_partners_are_matched_by_name() -> None:
    names = [
        "encode", "decode", "b32encode", "b32decode", "to_json", "from_json", "date_isoformat",
        "parse_date", "str_to_dict", "dict_to_str", "dumps", "loads", "package", "unpackage",
        "compress", "serialize",
    ]  # fmt: skip
    assert infer.round_trip_partners(names) == {
        "encode": "decode",
        "b32encode": "b32decode",
        "to_json": "from_json",
        "date_isoformat": "parse_date",
        "str_to_dict": "dict_to_str",
        "dict_to_str": "str_to_dict",
        "dumps": "loads",
    }


def test_normalisers_are_told_by_name() -> None:
    assert all(map(infer.normaliser, ["normalize", "normalise_path", "clean_text", "strip_tags", "slugify"]))
    assert all(map(infer.normaliser, ["_sanitize", "canonical_name", "sort_keys", "dedupe", "make_slugify"]))
    assert not any(map(infer.normaliser, ["parse", "cleaner_count", "unsorted", "format"]))


def stamp(text: str) -> str:
    return f"{text}{time.time()}"


def pick(options: list[int]) -> int:
    return random.choice(options)


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def pure(x: int) -> int:
    return x * 2


def calls_stamp(text: str) -> str:
    return stamp(text).upper()


def test_impure_names_are_found_in_the_code_and_its_callees() -> None:
    assert infer.impure_name(stamp, everywhere) == "time"
    assert infer.impure_name(pick, everywhere) == "choice"
    assert infer.impure_name(read, everywhere) == "open"
    assert infer.impure_name(pure, everywhere) is None
    assert infer.impure_name(calls_stamp, everywhere) == "time"
    # a callee outside the project is not read
    assert infer.impure_name(calls_stamp, lambda filename: filename != __file__) is None


def crash(items: list[int]) -> int:
    return items[0]


def refuse(items: list[int]) -> int:
    if not items:
        raise IndexError("no items")
    return items[0]


def insist(items: list[int]) -> int:
    assert items, "no items"
    return items[0]


def test_an_error_raised_on_purpose_is_told_from_a_crash() -> None:
    for function, deliberate in ((crash, False), (refuse, True), (insist, True)):
        with pytest.raises((IndexError, AssertionError)) as info:
            function([])
        assert infer.raised_on_purpose(info.value, everywhere) is deliberate, function
    # a raise in code outside the project is a library's decision, not the function's
    with pytest.raises(IndexError) as info:
        refuse([])
    assert not infer.raised_on_purpose(info.value, lambda filename: False)


def test_config_skips_by_glob_and_property() -> None:
    config = infer.PropertyConfig(skip=["pkg.legacy.*", "pkg.codec.encode:round trip"])
    assert config.skipped("pkg.legacy.old", "crash")
    assert config.skipped("pkg.codec.encode", "round trip")
    assert not config.skipped("pkg.codec.encode", "crash")
    assert not config.skipped("pkg.codec.decode", "round trip")


def test_command_line_words_name_several_functions_with_commas() -> None:
    """skip=a,b used to be one glob, 'a,b', that matched nothing, silently."""
    words = ["skip=pkg.a,pkg.b:crash", "skip=pkg.c", "idempotent=pkg.tidy", "round_trips=pkg.pack,pkg.unpack"]
    assert parse_properties(words, "--escape-properties") == {
        "skip": ["pkg.a", "pkg.b:crash", "pkg.c"],
        "idempotent": ["pkg.tidy"],
        "round_trips": [["pkg.pack", "pkg.unpack"]],
    }


def test_a_skipped_property_is_not_reported_as_not_checked_either() -> None:
    """stamp reads the clock: determinism is left out, with a reason, unless the user silenced it."""
    module = __import__(__name__)
    config = infer.PropertyConfig()
    found = infer.plan(module, "stamp", stamp, ["stamp"], config, everywhere)
    assert "determinism" in found.left_out and "determinism" not in found.properties
    config = infer.PropertyConfig(skip=[f"{__name__}.stamp:determinism"])
    found = infer.plan(module, "stamp", stamp, ["stamp"], config, everywhere)
    assert found.left_out == {} and found.properties == ["crash", "contract"]


def test_a_property_test_is_kept_only_if_it_fails_today_as_its_mark_says() -> None:
    failed = {"outcome": "failed", "message": "IndexError: boom", "exceptions": ["IndexError", "LookupError"]}
    assert drop_reason("IndexError", failed) is None
    assert drop_reason("LookupError", failed) is None  # raises= accepts a base class
    assert (
        drop_reason("AssertionError", failed)
        == "dropped: it fails today with IndexError: boom, not AssertionError"
    )
    assert drop_reason("AssertionError", {"outcome": "passed"}) == "dropped: it passes today"
    assert drop_reason("AssertionError", {"outcome": "died", "message": "child killed by SIGKILL"}) == (
        "dropped: it fails today with child killed by SIGKILL, not AssertionError"
    )


class Point:
    pass


@pytest.mark.parametrize(
    ("value", "hint", "where"),
    [
        (1, float, None),
        (True, int, None),
        (None, float, "result"),
        ("1", int | None, "result"),
        ([1, "2"], list[int], "result[1]"),
        ((1, "a"), tuple[int, str], None),
        ((1, 2, 3), tuple[int, str], "len(result)"),
        ((1, 2, "3"), tuple[int, ...], "result[2]"),
        ({"a": 1, "b": "2"}, dict[str, int], "result['b']"),
        ({1: 1}, dict[str, int], "result"),
        ({1, "2"}, set[int], "result"),
        ("b", Literal["a", "c"], "result"),
        ([[1], [2, None]], list[list[int]], "result[1][1]"),
        ([Point()], list[Point], None),
        ([1], typing.List[int], None),  # noqa: UP006 - the old spelling is judged the same
        ("x", Any, None),
    ],
)
def test_violations_name_the_part_that_breaks_the_hint(value: Any, hint: Any, where: str | None) -> None:
    found = contracts.violation(value, hint)
    assert (found.path if found else None) == where


def test_a_violation_is_an_assertion_that_fails_on_the_value() -> None:
    for value, hint in [([1, "2"], list[int]), (None, float), ({1, "2"}, set[int]), ("b", Literal["a"])]:
        found = contracts.violation(value, hint)
        assert found is not None
        assertion, imports = found.assertion()
        assert imports == set()
        with pytest.raises(AssertionError):
            exec(assertion, {"result": value})  # noqa: S102
    found = contracts.violation(None, Point)
    assert found is not None
    assert found.assertion() == ("assert isinstance(result, Point)", {f"from {__name__} import Point"})


def test_hints_it_cannot_judge_are_refused_before_any_call() -> None:
    T = typing.TypeVar("T")
    for hint in (typing.Callable[[int], int], typing.Iterator[int], T, list[T], "Point"):
        with pytest.raises(contracts.Unjudgeable):
            contracts.check_hint(hint)
    for hint in (int, list[int] | None, dict[str, tuple[int, ...]], Literal[1, 2], Point, Any):
        contracts.check_hint(hint)


def test_an_argument_of_a_hint_it_cannot_judge_is_not_judged() -> None:
    """``_valid`` asks this of every recorded argument: semver's
    ``category: Type[Warning] = DeprecationWarning`` ended its child (``list(DeprecationWarning)``)."""
    for value, hint in [
        (DeprecationWarning, type[Warning]),
        (DeprecationWarning, typing.Type[Warning]),  # noqa: UP006 - the spelling semver uses
        (len, typing.Callable[[str], int]),
        (iter([1]), typing.Iterator[int]),
    ]:
        with pytest.raises(contracts.Unjudgeable):
            contracts.violation(value, hint)


# -- structured inputs (issue 20, item 8) --------------------------------


def _first(strategy: Any, condition: Any) -> Any:
    return find(strategy, condition, settings=hypothesis_settings(300), random=random.Random(0))


def test_a_run_of_ten_equal_characters_grows_from_the_tests_own_text() -> None:
    # a one-digit run-length count breaks on ten in a row; random text almost never has them
    grown = structured(["aaab", ""])
    assert grown is not None
    assert _first(grown, lambda s: re.search(r"(.)\1{9}", s) is not None) == "a" * 10


def test_separators_are_doubled_and_escaped_with_the_codes_own_marks() -> None:
    # the tests' separator, doubled; the code's escape character before it
    assert _first(structured(["a,b"]), lambda s: ",," in s) == "a,,b"
    assert _first(structured(["a b"], constants=["^"]), lambda s: "^" in s) == "^a b"
    # long literals are no escape characters
    assert "?" not in marks(["ab"], constants=["why?"])


def test_runs_grow_in_bytes_lists_and_tuples_keeping_their_type() -> None:
    blob = _first(structured([b"xy"]), lambda b: b.count(b"x") >= 10)
    assert type(blob) is bytes and blob.count(b"x") == 10
    listed = _first(structured([[1, 2]]), lambda v: v.count(2) >= 3)
    assert type(listed) is list and listed.count(2) == 3
    assert type(_first(structured([(1,)]), lambda v: len(v) > 1)) is tuple


def test_nothing_is_grown_from_values_without_structure() -> None:
    assert structured([3, 4.5, None, [], ()]) is None
