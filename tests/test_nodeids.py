"""Matching tests across processes by identity (nodeids.Renamer)."""

from __future__ import annotations

from pytest_escape.nodeids import Renamer, identity


def test_cases_renumbered_by_another_process_are_matched_by_their_parameters() -> None:
    here = {"t.py::f[expected0]": identity("t.py::f[expected0]", {"e": 1})}
    here["t.py::f[expected1]"] = identity("t.py::f[expected1]", {"e": 2})
    rename = Renamer(here)
    # there, expected0 was the case with e=2
    assert rename("t.py::f[expected0]", identity("t.py::f[expected0]", {"e": 2})) == "t.py::f[expected1]"


def test_equal_cases_are_matched_by_their_own_id() -> None:
    """parametrize("s", [[1, 2], [1, 2]]): two tests, one identity; both used to go missing."""
    ids = {f"t.py::f[s{i}]": identity(f"t.py::f[s{i}]", {"s": [1, 2]}) for i in (0, 1)}
    rename = Renamer(ids)
    assert rename("t.py::f[s0]", ids["t.py::f[s0]"]) == "t.py::f[s0]"
    assert rename("t.py::f[s1]", ids["t.py::f[s1]"]) == "t.py::f[s1]"


def test_the_only_case_of_a_test_is_matched_even_if_its_repr_changed() -> None:
    """A frozenset's repr differs per process; alone, the case cannot be another one."""
    here = {"t.py::f[s0]": identity("t.py::f[s0]", {"s": frozenset({"a", "b"})})}
    there = identity("t.py::f[s0]", {"s": "frozenset({'b', 'a'})"})  # any other repr
    assert Renamer(here)("t.py::f[s0]", there) == "t.py::f[s0]"


def test_cases_that_cannot_be_told_apart_are_left_out_not_guessed() -> None:
    here = {f"t.py::f[s{i}]": identity(f"t.py::f[s{i}]", {"s": i}) for i in (0, 1)}
    assert Renamer(here)("t.py::f[s0]", identity("t.py::f[s0]", {"s": 7})) is None
    assert Renamer(here)("t.py::gone", "t.py::gone") is None
