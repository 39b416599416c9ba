BULK_THRESHOLD = 10


def bulk_discount(qty: int) -> float:
    """10 % off from BULK_THRESHOLD items on, 20 % off from 100."""
    if qty >= 100:
        return 0.2
    if qty >= BULK_THRESHOLD:
        return 0.1
    return 0.0


def price_with_tax(net: float, rate: float = 0.2) -> float:
    if net < 0:
        raise ValueError("a price cannot be negative")
    return round(net * (1 + rate), 2)


def describe(qty: int) -> str:
    """Not used by any test: every mutant here has no coverage."""
    if qty == 1:
        return "one item"
    return f"{qty} items"
