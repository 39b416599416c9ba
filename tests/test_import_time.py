"""Which functions run only while their module is imported, and the part of
the top level that runs again (``mutation.import_time``)."""

from __future__ import annotations

import textwrap
from typing import Any

from pytest_escape.mutation.import_time import import_time, top_level

MODULE = textwrap.dedent(
    """
    from __future__ import annotations
    import functools

    TABLE = []

    def _normal(word):
        return word.lower()

    def _rule(word, plural):
        TABLE.insert(0, (_normal(word), plural))

    def register(name):
        def decorate(f):
            return f
        return decorate

    def _default():
        return 3

    def _later():
        return 1

    _rule("Person", "people")
    TRIGGER = lambda: _later()

    @register("x")
    def handler(value=_default()):
        return value

    class Kind:
        SIZE = _default()

    if __name__ == "__main__":
        _later()
    """
)


def test_the_functions_the_top_level_calls_and_those_they_call_run_again() -> None:
    found = import_time(MODULE)
    # called by a statement that runs again, and through it by name
    assert found.rerun == {"_rule", "_normal"}
    # a decorator, a default and a class body ran once; a lambda's body and
    # the __main__ guard not at all
    assert found.once == {"register", "_default"}


METHODS = textwrap.dedent(
    """
    class Base:
        def _store(self, key, value):
            self.table[key] = value

    class Registry(Base):
        def __init__(self):
            self.table = {}

        def add(self, key, value):
            self._store(self._key(key), value)

        def _key(self, key):
            return key.lower()

        def lookup(self, key):
            return self.table[key.lower()]

        @classmethod
        def default(cls):
            return cls()

    class Unused:
        def add(self, key):
            return key

    registry = Registry()
    registry.add("Person", "people")
    fallback: Registry = Registry.default()
    """
)


def test_methods_called_at_import_run_again() -> None:
    """``registry = Registry()`` then ``registry.add(...)`` at the top level:
    the constructor, the method, and what it calls on ``self`` (an inherited
    method too) run while the module is imported; a method no statement
    calls, and another class's method of the same name, do not."""
    found = import_time(METHODS)
    assert found.rerun == {
        "Registry.__init__",
        "Registry.add",
        "Registry._key",
        "Base._store",
        "Registry.default",
    }
    assert found.once == set()


def test_the_top_level_runs_again_without_its_definitions() -> None:
    """Run in the module's namespace, it builds the table anew with the
    functions already there, and defines nothing again."""
    namespace: dict[str, Any] = {"__name__": "plurals"}
    exec(compile(MODULE, "plurals.py", "exec"), namespace)  # noqa: S102 - the test's own module
    rule, table = namespace["_rule"], namespace["TABLE"]
    exec(top_level(MODULE, "plurals.py"), namespace)  # noqa: S102
    assert namespace["_rule"] is rule
    assert namespace["TABLE"] is not table
    assert namespace["TABLE"] == [("person", "people")]


def test_a_module_that_does_not_parse_runs_nothing_at_import() -> None:
    assert import_time("def broken(:\n") == import_time("")
