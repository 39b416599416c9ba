"""Reports: pure functions of a ``Results``."""

from .stryker_json import to_stryker, write_json
from .terminal import render_terminal

__all__ = ["render_terminal", "to_stryker", "write_json"]
