"""Property checks: bugs the tests confirm, found without a mutant.

A test whose expected value was computed by the code under test passes on
the bug it pins, and kills every mutant of it.  These checks ask the code
questions its tests never asked, with Hypothesis inputs from the witness
engine's strategies: does it crash on valid input, does it return what its
annotation promises, does it answer the same twice, does ``decode`` undo
``encode``, does a normaliser leave its own output alone?

``infer`` decides which properties apply to a function (static: names,
docstrings, the code's own ``raise`` and impure calls, the user's config),
``contracts`` judges a value against a type hint, ``check`` searches for a
counter-example in a sandboxed child, and ``regression`` writes it down as a
test marked ``xfail(strict=True)``.
"""
