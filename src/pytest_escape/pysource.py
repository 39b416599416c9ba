"""Python source as ruff writes it, for the tests pytest-escape emits.

Emitted tests are built from ``repr``s, which write single quotes; both the
witness stage (``inputs.rendering``) and the regression-test file
(``report.regression_tests``) need them as ruff formats them.  Here, apart
from both, so a report does not reach into the engine for it.
"""

from __future__ import annotations

import io
import tokenize

_TRIPLE = "'" * 3


def double_quoted(source: str) -> str:
    """Single-quoted string literals in double quotes, as ruff format writes them
    (``repr`` writes single quotes); a string holding a double quote keeps its own."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    for token in reversed(tokens):
        if token.type != tokenize.STRING or token.start[0] != token.end[0]:
            continue
        text = token.string
        prefix = text[: len(text) - len(text.lstrip("rRbBuU"))]
        body = text[len(prefix) :]
        if not body.startswith("'") or body.startswith(_TRIPLE) or '"' in body:
            continue
        inner = body[1:-1]
        if "r" not in prefix.lower():
            inner = inner.replace("\\'", "'")
        row, start, end = token.start[0] - 1, token.start[1], token.end[1]
        lines[row] = lines[row][:start] + f'{prefix}"{inner}"' + lines[row][end:]
    return "".join(lines)
