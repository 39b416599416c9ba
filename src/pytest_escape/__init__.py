"""pytest-escape: find the tests that only confirm their own assumptions."""

__version__ = "0.1.0"
