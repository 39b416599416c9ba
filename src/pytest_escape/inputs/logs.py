"""Log records: recorded while a call runs, and read back by a regression test.

The witness search records what each call logs (``recording_logs``) as
pytest's ``caplog`` holds it after ``caplog.set_level(logging.DEBUG)``, so a
difference it sees is one a regression test sees too.  An emitted test that
takes ``caplog`` is verified outside pytest, in a fresh interpreter, with a
stand-in for the fixture (``caplog_for``).  Both hang a handler on the root
logger for a while (``_on_root``): a logger with a level of its own, or one
that does not propagate, keeps its records from both, as it does from
``caplog``.  Standard library only: the fresh interpreter imports this.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Iterator
from typing import Any

from .compare import Logged, without_addresses


@contextlib.contextmanager
def _on_root(handler: logging.Handler, level: int | None) -> Iterator[None]:
    """``handler`` on the root logger, and the root's level ``level`` (None:
    as it is), until the block ends; then both as they were."""
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    if level is not None:
        root.setLevel(level)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


class LogRecorder(logging.Handler):
    """Every record that reaches the root logger at DEBUG or above, as ``Logged``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[Logged] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception as e:  # noqa: BLE001 - a mutant's format string and arguments that do not fit
            # caplog raises the same when a test reads it: the record differs
            message = f"<its message does not format: {type(e).__name__}: {e}>"
        self.records.append(Logged(record.name, record.levelno, without_addresses(message)))


@contextlib.contextmanager
def recording_logs() -> Iterator[LogRecorder]:
    """Log records, recorded for the length of the block, the root at DEBUG."""
    recorder = LogRecorder()
    with _on_root(recorder, logging.DEBUG):
        yield recorder


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Caplog:
    """What an emitted test asks of pytest's ``caplog`` fixture: ``set_level``
    (the root logger's, until the test ends) and ``record_tuples`` (formatted
    when read, so a record whose message does not format raises there, as it
    does from the fixture)."""

    def __init__(self) -> None:
        self.handler = _Records()

    def set_level(self, level: int) -> None:
        logging.getLogger().setLevel(level)
        self.handler.setLevel(level)

    @property
    def record_tuples(self) -> list[tuple[str, int, str]]:
        return [(r.name, r.levelno, r.getMessage()) for r in self.handler.records]


@contextlib.contextmanager
def caplog_for(test: Any) -> Iterator[dict[str, Any]]:
    """The pytest fixtures an emitted test takes (only ``caplog``), for the length of the test."""
    if "caplog" not in inspect.signature(test).parameters:
        yield {}
        return
    caplog = Caplog()
    with _on_root(caplog.handler, None):
        yield {"caplog": caplog}
