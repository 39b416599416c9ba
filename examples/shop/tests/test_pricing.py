import pytest

from shop.pricing import bulk_discount, price_with_tax


def test_small_orders_pay_full_price():
    assert bulk_discount(1) == 0.0


def test_large_orders_get_a_discount():
    # weak: 500 is far from both thresholds, so `>= 10` -> `> 10` survives
    assert bulk_discount(500) > 0


def test_tax_is_added():
    assert price_with_tax(10.0) == 12.0


def test_negative_price_is_rejected():
    with pytest.raises(ValueError):
        price_with_tax(-1)
