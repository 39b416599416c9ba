"""Fixed input for the mutmut adapter's golden test.  Do not edit: the expected
mutants in shop.expected.json were produced from exactly this text."""

from __future__ import annotations

LIMIT = 10


def bulk(qty: int, price: float = 1.0) -> float:
    if qty >= LIMIT and price > 0:
        return qty * price * 0.9
    total = (qty
             * price)
    return total


def label(name):
    """Docstrings are not mutated."""
    if not (name.startswith("x")
            or name.endswith("y")):
        return name.upper()
    return f"item {name}"


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, qty=1):
        self.items.append((name, qty))
        return len(self.items)

    @staticmethod
    def tax(x):
        return x + 2

    @classmethod
    def make(cls, n):
        cart = cls()
        cart.add("x", n + 1)
        return cart

    def mode(self, value):
        match value:
            case 1:
                return "one"
            case _:
                return "many"

    def skipped(self):
        return 1 + 1  # pragma: no mutate
