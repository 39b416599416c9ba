"""The results model: the single contract between the engine and every report,
the gate and (later) the cache and shard merging.

Plain dataclasses, JSON-serialisable and versioned.  Reports are functions of
a ``Results``; nothing downstream looks at the engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MODEL_VERSION = 2

KILLED = "killed"
SURVIVED = "survived"
TIMEOUT = "timeout"
NO_COVERAGE = "no coverage"
ERROR = "error"
STATUSES = (KILLED, SURVIVED, TIMEOUT, NO_COVERAGE, ERROR)

# What the witness search concluded about a survivor
WITNESSED = "witnessed"
LIKELY_EQUIVALENT = "likely equivalent"
PROVEN_EQUIVALENT = "proven equivalent"
UNEXPLORABLE = "unexplorable"
NON_DETERMINISTIC = "non-deterministic original"
UNSAFE = "unsafe"
NOT_SEARCHED = "not searched"
VERDICTS = (
    WITNESSED,
    LIKELY_EQUIVALENT,
    PROVEN_EQUIVALENT,
    UNEXPLORABLE,
    NON_DETERMINISTIC,
    UNSAFE,
    NOT_SEARCHED,
)
EQUIVALENT = (LIKELY_EQUIVALENT, PROVEN_EQUIVALENT)


@dataclass
class Witness:
    """The witness search's finding for one surviving mutant."""

    verdict: str
    reason: str | None = None
    #: the input, as a call (``bulk_discount(qty=10)``)
    input: str | None = None
    #: what the original and the mutant did with it
    original: str | None = None
    mutant: str | None = None
    #: what differs: "return value", "exception type", "argument 'items'"...
    difference: str | None = None
    examples: int = 0
    #: how many inputs executed the mutated line (None: not measured)
    reached: int | None = None
    seconds: float = 0.0
    test_name: str | None = None
    #: a regression test that passed on the original and failed on the mutant
    test: str | None = None
    #: why no test is given for a witness
    test_dropped: str | None = None


@dataclass
class MutantResult:
    id: str
    module: str
    #: path relative to the project root, with forward slashes
    file: str
    function: str
    operator: str
    line: int
    column: int
    end_line: int
    end_column: int
    original: str
    replacement: str
    before: list[str]
    after: list[str]
    status: str
    killed_by: str | None = None
    status_reason: str | None = None
    covered_by: list[str] = field(default_factory=list)
    tests_run: int = 0
    duration: float = 0.0
    witness: Witness | None = None

    def diff_lines(self) -> tuple[str, str]:
        """One-line ``-``/``+`` view of the change (first differing line)."""
        for old, new in zip(self.before, self.after, strict=False):
            if old != new:
                return old.strip(), new.strip()
        return " ".join(s.strip() for s in self.before), " ".join(s.strip() for s in self.after)


@dataclass
class Tally:
    """Counts and Stryker's scores for a set of mutants."""

    total: int = 0
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    no_coverage: int = 0
    error: int = 0
    #: survivors the witness search found no difference for (a subset of ``survived``)
    equivalent: int = 0

    @classmethod
    def of(cls, mutants: Iterable[MutantResult]) -> Tally:
        tally = cls()
        for m in mutants:
            tally.total += 1
            attr = m.status.replace(" ", "_")
            setattr(tally, attr, getattr(tally, attr) + 1)
            if m.status == SURVIVED and m.witness is not None and m.witness.verdict in EQUIVALENT:
                tally.equivalent += 1
        return tally

    @property
    def detected(self) -> int:
        return self.killed + self.timeout

    @property
    def measured(self) -> int:
        """Mutants that actually ran against tests and got a verdict."""
        return self.killed + self.timeout + self.survived

    @property
    def score(self) -> float | None:
        """detected / (detected + survived + no coverage); None when nothing ran."""
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived + self.no_coverage)

    @property
    def score_without_equivalent(self) -> float | None:
        """The score with likely-equivalent survivors left out (shown; the gate uses ``score``)."""
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived - self.equivalent + self.no_coverage)

    @property
    def covered_score(self) -> float | None:
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived)


@dataclass
class FileInfo:
    path: str
    module: str
    source: str


@dataclass
class TestInfo:
    id: str
    file: str
    duration: float


@dataclass
class Results:
    project_root: str
    tool_version: str
    mutmut_version: str
    files: list[FileInfo] = field(default_factory=list)
    mutants: list[MutantResult] = field(default_factory=list)
    tests: list[TestInfo] = field(default_factory=list)
    #: nodeid -> why it was left out of mutant runs
    excluded_tests: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fail_under: float | None = None
    duration: float = 0.0
    #: wall-clock seconds per phase, for benchmarks and for users asking "why so slow?"
    timings: dict[str, float] = field(default_factory=dict)
    model_version: int = MODEL_VERSION

    def tally(self) -> Tally:
        return Tally.of(self.mutants)

    def by_module(self) -> dict[str, list[MutantResult]]:
        modules: dict[str, list[MutantResult]] = {f.module: [] for f in self.files}
        for m in self.mutants:
            modules.setdefault(m.module, []).append(m)
        return modules

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Results:
        version = data.get("model_version")
        if version != MODEL_VERSION:
            raise ValueError(f"results model version {version!r} is not {MODEL_VERSION}")
        data = dict(data)
        data["files"] = [FileInfo(**f) for f in data["files"]]
        data["mutants"] = [
            MutantResult(**{**m, "witness": Witness(**m["witness"]) if m.get("witness") else None})
            for m in data["mutants"]
        ]
        data["tests"] = [TestInfo(**t) for t in data["tests"]]
        return cls(**data)
