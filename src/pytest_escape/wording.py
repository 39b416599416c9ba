"""Small helpers for the words every surface uses the same way."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``, ``3 directories``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"
