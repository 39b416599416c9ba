"""The order a would-be confirming-only test meets mutants in its second chance."""

from __future__ import annotations

from pytest_escape.execution.worker import _round_robin


def test_second_chances_meet_each_function_in_turn() -> None:
    queue = ["m.x_a__mutmut_1", "m.x_a__mutmut_2", "m.x_a__mutmut_3", "m.x_b__mutmut_1", "n.x_a__mutmut_1"]
    assert _round_robin(queue) == [
        "m.x_a__mutmut_1",
        "m.x_b__mutmut_1",
        "n.x_a__mutmut_1",
        "m.x_a__mutmut_2",
        "m.x_a__mutmut_3",
    ]
