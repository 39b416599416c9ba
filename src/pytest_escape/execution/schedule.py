"""In which order the worker runs the mutants.

The order changes no verdict (each mutant has a child of its own, and its
tests run in the plan's order); it decides how true the progress line's ETA
is, and how warm the children's pages are.

- **The ETA** (``report.progress``) extrapolates from the mutants done so
  far, so those must be a sample of the whole at every moment.  Costs are
  heavy-tailed: on a Markdown parser a seventh of the mutants, under tests
  of 16 s and more, held 72 % of the children's seconds.  With the
  functions in a plain shuffle, whether those few functions came early or
  late set the ETA: replayed offline on six projects' verdicts and child
  seconds (two workers, six seeds each), 69 % of the ETAs printed between
  10 % and 70 % done were within 30 % of the truth, and the worst were
  off by +134 % (docs/benchmarks.md, issue 21's seventh part).  Here the
  mutants are put in cost classes by their tests' seconds, and each class
  is spread evenly over the whole run (systematic sampling: the i-th of a
  class's n chunks sits at (i + u) / n of the way), so every prefix holds
  its share of each class: 96 % within 30 % (``benchmarks/eta_replay.py``).
- **Warm pages**: a function's mutants run the same tests, whose pages the
  children share with the worker.  Shuffled mutant by mutant, semver's and
  isodate's children took 12 % longer in one run, so mutants stay in chunks
  of up to ``CHUNK`` of one function, in the plan's order.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from .protocol import MutantJob

#: mutants of one function run one after the other, at most this many
#: (replayed offline, within 30 %: chunks of 1, 2 and 4 gave 92-94 %, 8
#: gave 91 % and 16 gave 86 %; 4 is the largest that spreads as well)
CHUNK = 4
#: the shortest tests' seconds a cost class tells apart
_FLOOR = 1e-3


def cost_class(seconds: float) -> int:
    """A mutant's class by its tests' seconds: one per doubling."""
    return math.floor(math.log2(max(seconds, _FLOOR)))


def run_order(
    entries: Sequence[MutantJob], durations: Mapping[str, float], seed: int | None = None
) -> list[MutantJob]:
    """``entries`` in chunks of up to ``CHUNK`` mutants of one function, each
    cost class spread evenly over the run, seeded (two runs alike; by
    default, by the number of chunks; ``benchmarks/eta_replay.py`` tries
    others).

    A chunk's cost is the mean over its mutants of their tests' seconds in
    ``durations``: what a survivor runs, and an upper bound of a kill.
    """
    functions: dict[tuple[str, str], list[MutantJob]] = {}
    for entry in entries:
        functions.setdefault((entry.module, entry.function), []).append(entry)
    classes: dict[int, list[list[MutantJob]]] = {}
    for block in functions.values():
        for start in range(0, len(block), CHUNK):
            chunk = block[start : start + CHUNK]
            seconds = sum(durations.get(test, 0.0) for entry in chunk for test in entry.tests) / len(chunk)
            classes.setdefault(cost_class(seconds), []).append(chunk)
    rng = random.Random(sum(len(chunks) for chunks in classes.values()) if seed is None else seed)
    placed: list[tuple[float, int, int, list[MutantJob]]] = []
    for cls in sorted(classes):
        chunks = classes[cls]
        rng.shuffle(chunks)
        offset = rng.random()
        placed += [((index + offset) / len(chunks), cls, index, chunk) for index, chunk in enumerate(chunks)]
    placed.sort(key=lambda place: place[:3])
    return [entry for *_, chunk in placed for entry in chunk]
