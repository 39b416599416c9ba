"""Reports: pure functions of a ``Results``."""

from .regression_tests import render_regression_tests, write_regression_tests
from .stryker_json import to_stryker, write_json
from .terminal import render_terminal

__all__ = ["render_regression_tests", "render_terminal", "to_stryker", "write_json", "write_regression_tests"]
