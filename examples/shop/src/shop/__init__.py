"""A tiny shop: prices, discounts and a cart, with deliberately uneven tests."""

from .cart import Cart
from .pricing import bulk_discount, price_with_tax

__all__ = ["Cart", "bulk_discount", "price_with_tax"]
