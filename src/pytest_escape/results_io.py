"""The results JSON on disk: the one file every later step reads.

``pytest --escape --escape-report json`` writes it (Stryker's schema, with
the whole model under ``x-escape``: ``report.stryker_json``); the baseline
ratchet, ``pytest-escape report`` and ``pytest-escape merge`` read it back
here, so none of them depends on a report format's module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .gate import Ratchet
from .model import Results, check_version
from .report.stryker_json import write_json


class NotAResultsFile(Exception):
    """The file is not a results JSON this version can read; the message is one line."""


def from_stryker(document: Any) -> Results:
    """The ``Results`` a report was written from: its model, with the sources put back."""
    if not isinstance(document, dict) or not isinstance(document.get("x-escape"), dict):
        raise NotAResultsFile("it is not a pytest-escape JSON report (no 'x-escape' key)")
    model = dict(document["x-escape"])
    try:
        # the version first: a model this version does not read is not damaged for lacking keys
        check_version(model)
    except ValueError as e:
        raise NotAResultsFile(str(e)) from None
    try:
        sources = {path: entry.get("source", "") for path, entry in document.get("files", {}).items()}
        model["files"] = [{**f, "source": sources.get(f["path"], "")} for f in model["files"]]
        return Results.from_dict(model)
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise NotAResultsFile(f"its results model is incomplete or damaged ({e!r})") from None


def read_json(path: Path) -> Results:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise NotAResultsFile(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        # a binary file, or text in another encoding: never a report this tool wrote
        raise NotAResultsFile(f"{path} is not a JSON report (it is not UTF-8 text)") from None
    try:
        document = json.loads(text)
    except ValueError as e:
        raise NotAResultsFile(f"{path} is not JSON ({e})") from None
    try:
        return from_stryker(document)
    except NotAResultsFile as e:
        raise NotAResultsFile(f"{path}: {e}") from None


def read_baseline(path: Path, tolerance: float) -> Ratchet:
    """The saved run ``--escape-baseline`` names, as the gate's ratchet.

    Read before the tests run: a broken baseline must stop the run at once,
    not after the mutants.  ``NotAResultsFile`` says what is wrong and what to do.
    """
    try:
        saved = read_json(path)
    except NotAResultsFile as e:
        raise NotAResultsFile(
            f"--escape-baseline: {e}; write a new one with --escape-baseline-update"
        ) from None
    return Ratchet(saved, path, tolerance)


__all__ = ["NotAResultsFile", "from_stryker", "read_baseline", "read_json", "write_json"]
