"""Doctests as tests: which items are doctests, and what their failures mean.

pytest collects a module's docstring examples (``--doctest-modules``) and
text files (``--doctest-glob``) as ``DoctestItem``s.  Their file is the module
they document (source code, mutated like any other) or a text file, never a
test module.  An example whose printed output differs from the expected one
fails with ``DocTestFailure``: that is a check, exactly like a failing
``assert``.  An example that raises where it should print fails with
``UnexpectedException``: the code crashed under the example.
"""

from __future__ import annotations

from typing import Any

#: the failure of an example whose output differs from the expected output
OUTPUT_MISMATCH = "DocTestFailure"
#: the failure of an example that raised unexpectedly
UNEXPECTED_EXCEPTION = "UnexpectedException"


def is_doctest(item: Any) -> bool:
    """Whether ``item`` is pytest's ``DoctestItem``.

    Looked up in ``_pytest.doctest`` (pytest does not export the class) at
    call time, so a pytest without it only means no item is a doctest.
    """
    try:
        from _pytest.doctest import DoctestItem
    except ImportError:  # pragma: no cover - every supported pytest has it
        return False
    return isinstance(item, DoctestItem)


def failure_kind(error: BaseException) -> str:
    """The name a doctest's failure is recorded under.

    With ``--doctest-continue-on-failure`` pytest raises one
    ``MultipleDoctestFailures`` for all the examples that failed: it is an
    output mismatch if any of them is one (a check noticed), else a crash.
    """
    failures = getattr(error, "failures", None)
    if isinstance(failures, (list, tuple)):
        names = {type(f).__name__ for f in failures}
        return OUTPUT_MISMATCH if OUTPUT_MISMATCH in names else UNEXPECTED_EXCEPTION
    return type(error).__name__
