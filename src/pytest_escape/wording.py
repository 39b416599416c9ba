"""Small helpers for the words every surface uses the same way."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``, ``3 directories``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def percent(value: float) -> str:
    """A measured score as every surface writes it: ``41.1%``, ``50.0%``."""
    return f"{value:.1f}%"


def threshold(value: float) -> str:
    """A score a user set, as they wrote it: ``60%``, ``72.5%``."""
    return f"{value:g}%"


#: how many names a warning about left-out functions or tests spells out
NAMED_IN_WARNING = 5


def some_names(
    names: Sequence[str], where: str | None = "x-escape.left_out", count: int = NAMED_IN_WARNING
) -> str:
    """The first ``count`` names, and where the JSON report lists the rest
    (``where``; None: how many more, only)."""
    shown = ", ".join(names[:count])
    more = len(names) - count
    if more <= 0:
        return shown
    return shown + (f" and {more} more ({where} lists each)" if where else f" and {more} more")


#: what each of mutmut's operators (and our extreme one) does to the code, in
#: a few words: the headline of a mutant says this, not the operator's name
OPERATOR_WORDS = {
    "number": "a number changed",
    "string": "a string changed",
    "name": "a name swapped for its opposite",
    "assignment": "an assigned value replaced",
    "augmented_assignment": "an augmented assignment made plain",
    "remove_unary_ops": "a unary operator dropped",
    "dict_arguments": "a dict() keyword renamed",
    "arg_removal": "a call argument dropped",
    "symmetric_string_methods_swap": "a string method swapped",
    "unsymmetrical_string_methods_swap": "a string method swapped",
    "lambda": "a lambda emptied",
    "keywords": "a keyword swapped",
    "swap_op": "an operator swapped",
    "match": "a match case dropped",
    "if_exp": "a conditional forced down one branch",
    "extreme": "the whole body replaced",
}


def operator_words(operator: str) -> str:
    """``an operator swapped`` for ``swap_op``; an unknown operator by its name."""
    return OPERATOR_WORDS.get(operator, f"mutmut's {operator} operator")
