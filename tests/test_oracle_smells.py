"""Oracle smells read from test source: each tag on the code that has it, none on strong tests."""

from __future__ import annotations

import textwrap

from pytest_escape.oracle.smells import (
    BROAD_RAISES,
    MIRROR,
    NO_ASSERTION,
    PATCHED_UNIT,
    SWALLOWED,
    TAUTOLOGY,
    UNREACHABLE_ASSERT,
    WEAK,
    check_lines,
    smells,
)

TESTS = textwrap.dedent(
    """
    import pytest
    from unittest import mock
    from shop import total, discount


    def check_total(value):
        assert total([value]) == value


    def test_strong():
        assert total([1, 2]) == 3
        with pytest.raises(ValueError):
            total([-1])


    def test_helper_asserts():
        check_total(4)


    def test_nothing():
        total([1, 2])


    def test_tautology():
        result = total([1])
        assert result == result


    def test_mirror():
        expected = total([1, 2])
        assert total([1, 2]) == expected


    def test_weak():
        result = total([1, 2])
        assert isinstance(result, int)
        assert result is not None


    def test_broad():
        with pytest.raises(Exception):
            total(None)


    def test_swallowed():
        try:
            assert total([1]) == 1
        except Exception:
            pass


    def test_after_return():
        total([1])
        return
        assert total([1]) == 1


    def test_patched():
        with mock.patch("shop.total", return_value=3):
            assert total([1, 2]) == 3


    class TestGroup:
        def test_in_class(self):
            discount(3)
    """
)


def tags(name: str) -> list[str]:
    return [s.tag for s in smells(TESTS, name, frozenset({"shop.total", "shop.discount"}))]


def test_strong_tests_have_no_smell() -> None:
    assert tags("test_strong") == []
    assert tags("test_helper_asserts") == []  # the helper in the same file asserts


def test_each_smell_is_tagged_on_its_line() -> None:
    assert tags("test_nothing") == [NO_ASSERTION]
    assert tags("test_tautology") == [TAUTOLOGY]
    assert tags("test_mirror") == [MIRROR]
    assert tags("test_weak") == [WEAK, WEAK]
    assert tags("test_broad") == [BROAD_RAISES]
    assert tags("test_swallowed") == [SWALLOWED]
    assert tags("test_after_return") == [UNREACHABLE_ASSERT]
    assert tags("test_patched") == [PATCHED_UNIT]
    assert tags("TestGroup.test_in_class") == [NO_ASSERTION]
    (mirror,) = smells(TESTS, "test_mirror")
    assert TESTS.splitlines()[mirror.line - 1].strip() == "assert total([1, 2]) == expected"
    assert "total()" in mirror.detail


def test_a_missing_test_has_no_smells() -> None:
    assert smells(TESTS, "test_not_there") == []


def test_check_lines_are_the_lines_a_failing_check_comes_from() -> None:
    source = textwrap.dedent(
        """
        import pytest

        def helper(x):
            assert x

        def test_a(self):
            assert parse("x").year == (
                2000
            )
            assert parse("y") is not None
            self.assertEqual(parse("z").year, 1)
            self.assertIsNotNone(parse("w"))
            with pytest.raises(ValueError):
                parse("")
            helper(parse("v"))
            parse("u").year
        """
    )
    lines = check_lines(source)
    assert {8, 9, 10} <= lines  # a constraining assert, all its lines
    assert 11 not in lines  # weak: crashing on None.attr says no more than the bare call
    assert 12 in lines and 13 not in lines  # assertEqual counts, assertIsNotNone does not
    assert 14 in lines and 15 in lines  # an exception escaping pytest.raises(ValueError) was rejected
    assert 16 in lines  # a helper of the file that asserts
    assert 17 not in lines  # a bare expression checks nothing
