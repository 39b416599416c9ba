"""Test ids as another process will see them.

pytest numbers parameters it cannot name (``expected11``), in the order the
parameter values come.  Parametrizing from a ``set`` gives the same cases
other numbers in another process (hash randomization), so anything that
matches test ids across processes (the worker's collection, the cache's
keys) compares them with those numbers blanked out.
"""

from __future__ import annotations

import re

_AUTO_ID = re.compile(r"(?<=[\[-])([A-Za-z_]\w*?)\d+(?=[-\]])")


def normalized(nodeid: str) -> str:
    """A nodeid with pytest's positional auto-ids (``expected11``) blanked out."""
    return _AUTO_ID.sub(r"\1#", nodeid)
