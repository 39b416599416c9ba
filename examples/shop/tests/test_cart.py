from shop import Cart


def test_add_and_count():
    cart = Cart()
    cart.add("apple", 0.5, 3)
    assert cart.count() == 3


def test_total_runs():
    # a confirming-only test: it runs the code and checks nothing that could fail
    cart = Cart.from_lines([("pear", 1.0, 12)])
    assert cart.total() is not None


def test_parse_line():
    assert Cart.parse_line("tea x 2") == ("tea", 2)
