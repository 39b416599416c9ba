from .pricing import bulk_discount, price_with_tax


class Cart:
    def __init__(self) -> None:
        self.lines: list[tuple[str, float, int]] = []

    def add(self, name: str, unit_price: float, qty: int = 1) -> None:
        if qty <= 0:
            raise ValueError("quantity must be positive")
        self.lines.append((name, unit_price, qty))

    def count(self) -> int:
        return sum(qty for _, _, qty in self.lines)

    def net(self) -> float:
        total = 0.0
        for _, unit_price, qty in self.lines:
            total += unit_price * qty * (1 - bulk_discount(qty))
        return total

    def total(self) -> float:
        return price_with_tax(self.net())

    @staticmethod
    def parse_line(text: str) -> tuple[str, int]:
        name, _, qty = text.partition("x")
        return name.strip(), int(qty)

    @classmethod
    def from_lines(cls, lines: list[tuple[str, float, int]]) -> "Cart":
        cart = cls()
        for name, price, qty in lines:
            cart.add(name, price, qty)
        return cart
